// Parquet result sink: maps engine types to Parquet (HUGEINT as DECIMAL(38,0) in 16 bytes,
// DECIMAL(p<=9) as INT32, p<=18 as INT64, else FLBA(16); DATE INT32; TIMESTAMP INT64 micros)
// and writes through ParquetFileWriter, which commits the file only in Close().
#include "engine/output/result_sink.h"
#include "sluice/parquet_writer.h"

namespace sluice::engine {

namespace {

ColumnSchema ParquetColumn(const std::string& name, const SqlType& type) {
  ColumnSchema column;
  column.name = name;
  column.nullable = true;
  switch (type.id) {
    case TypeId::kNull:
    case TypeId::kInt32:
      column.physical = PhysicalType::kInt32;
      break;
    case TypeId::kBoolean:
      column.physical = PhysicalType::kBoolean;
      break;
    case TypeId::kInt64:
      column.physical = PhysicalType::kInt64;
      break;
    case TypeId::kInt128:
      column.physical = PhysicalType::kFixedLenByteArray;
      column.type_length = 16;
      column.logical = LogicalType::Decimal(kMaxDecimalPrecision, 0);
      break;
    case TypeId::kDecimal:
      column.logical = LogicalType::Decimal(type.precision, type.scale);
      // Smallest physical type that holds the precision (9 digits fit INT32, 18 INT64).
      if (type.precision <= 9) {
        column.physical = PhysicalType::kInt32;
      } else if (type.precision <= kMaxInt64DecimalPrecision) {
        column.physical = PhysicalType::kInt64;
      } else {
        column.physical = PhysicalType::kFixedLenByteArray;
        column.type_length = 16;
      }
      break;
    case TypeId::kDouble:
      column.physical = PhysicalType::kDouble;
      break;
    case TypeId::kVarchar:
      column.physical = PhysicalType::kByteArray;
      column.logical = LogicalType::String();
      break;
    case TypeId::kBlob:
      column.physical = PhysicalType::kByteArray;
      break;
    case TypeId::kDate:
      column.physical = PhysicalType::kInt32;
      column.logical = LogicalType::Date();
      break;
    case TypeId::kTimestamp:
      column.physical = PhysicalType::kInt64;
      column.logical = LogicalType::Timestamp(TimeUnit::kMicros, type.utc);
      break;
  }
  return column;
}

class ParquetSink : public ResultSink {
 public:
  explicit ParquetSink(std::string path) : path_(std::move(path)) {}
  ~ParquetSink() override {
    if (writer_) writer_->Abort();
  }
  Status Begin(const std::vector<std::string>& names, const std::vector<SqlType>& types) override {
    for (size_t col = 0; col < names.size(); ++col)
      schema_.columns.push_back(ParquetColumn(names[col], types[col]));
    SLUICE_ASSIGN_OR_RETURN(writer_,
                            ParquetFileWriter::Open(path_, schema_, ParquetWriterOptions{}));
    return Status::OK();
  }
  Status Consume(const DataChunk& chunk) override {
    ColumnBatch batch(schema_);
    for (size_t col = 0; col < chunk.columns.size(); ++col) {
      const Vector& v = chunk.columns[col];
      const ColumnSchema& column = schema_.columns[col];
      ColumnVector& target = batch.column(static_cast<int>(col));
      target.Reserve(chunk.size);
      for (int64_t row = 0; row < chunk.size; ++row) {
        if (v.IsNull(row)) {
          target.AppendNull();
          continue;
        }
        auto idx = static_cast<size_t>(row);
        switch (column.physical) {
          case PhysicalType::kBoolean:
            target.Append<uint8_t>(v.u8()[idx]);
            break;
          case PhysicalType::kInt32:
            target.Append<int32_t>(static_cast<int32_t>(
                v.type().storage() == Storage::kI128 ? v.i128()[idx] : v.i64()[idx]));
            break;
          case PhysicalType::kInt64:
            target.Append<int64_t>(static_cast<int64_t>(
                v.type().storage() == Storage::kI128 ? v.i128()[idx] : v.i64()[idx]));
            break;
          case PhysicalType::kDouble:
            target.Append<double>(v.f64()[idx]);
            break;
          case PhysicalType::kByteArray:
            target.AppendBytes(v.Str(row));
            break;
          case PhysicalType::kFixedLenByteArray: {
            uint8_t bytes[16];
            auto value = static_cast<unsigned __int128>(v.i128()[idx]);
            for (int pos = 15; pos >= 0; --pos) {
              bytes[pos] = static_cast<uint8_t>(value & 0xFF);
              value >>= 8;
            }
            target.AppendFixed(bytes);
            break;
          }
          default:
            return Status::Internal("unexpected Parquet type in result sink");
        }
      }
    }
    return writer_->WriteBatch(batch);
  }
  Status Finish() override {
    Status status = writer_->Close();
    writer_.reset();
    return status;
  }

 private:
  std::string path_;
  Schema schema_;
  std::unique_ptr<ParquetFileWriter> writer_;
};

}  // namespace

std::unique_ptr<ResultSink> MakeParquetSink(const std::string& path) {
  return std::make_unique<ParquetSink>(path);
}

}  // namespace sluice::engine

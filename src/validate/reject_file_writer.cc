#include <filesystem>

#include "sluice/parquet_writer.h"
#include "sluice/validate.h"
#include "validate/row_copy.h"

namespace sluice {

namespace {

// Rejected rows are buffered and written in batches of this many rows: large enough for
// efficient pages, small enough that a burst of rejects holds little memory.
constexpr int64_t kRejectBatchRows = 8192;

class RejectFileWriterImpl : public RejectFileWriter {
 public:
  RejectFileWriterImpl(std::string path, const Schema& source)
      : path_(std::move(path)), schema_(RejectSchema(source)), buffer_(schema_) {}
  ~RejectFileWriterImpl() override { Abort(); }

  Status Reject(const ColumnBatch& source, int64_t row, const std::string& column,
                const std::string& reason) override {
    if (done_) return Status::Internal("rejects file " + path_ + " already closed");
    const int source_columns = source.num_columns();
    for (int col = 0; col < source_columns; ++col) {
      validate::CopyValue(source.column(col), row, &buffer_.column(col));
    }
    buffer_.column(source_columns).AppendBytes(column);
    buffer_.column(source_columns + 1).AppendBytes(reason);
    ++rows_;
    if (buffer_.num_rows() >= kRejectBatchRows) return FlushBuffer();
    return Status::OK();
  }

  Status Close() override {
    if (done_) return Status::OK();
    SLUICE_RETURN_IF_ERROR(FlushBuffer());
    done_ = true;
    if (writer_ == nullptr) return Status::OK();  // no rejected row: no file
    Status status = writer_->Close();
    writer_.reset();
    return status.WithContext("rejects file " + path_);
  }

  void Abort() override {
    if (writer_ != nullptr) writer_->Abort();
    writer_.reset();
    done_ = true;
  }

  int64_t rows_written() const override { return rows_; }

 private:
  Status FlushBuffer() {
    if (buffer_.num_rows() == 0) return Status::OK();
    if (writer_ == nullptr) {
      std::error_code ec;
      std::filesystem::create_directories(std::filesystem::path(path_).parent_path(), ec);
      if (ec) return Status::IoError("rejects directory for " + path_ + ": " + ec.message());
      SLUICE_ASSIGN_OR_RETURN(writer_, ParquetFileWriter::Open(path_, schema_, {}));
    }
    SLUICE_RETURN_IF_ERROR(writer_->WriteBatch(buffer_));
    buffer_.Clear();
    return Status::OK();
  }

  std::string path_;
  Schema schema_;
  ColumnBatch buffer_;
  std::unique_ptr<ParquetFileWriter> writer_;
  int64_t rows_ = 0;
  bool done_ = false;
};

}  // namespace

Schema RejectFileWriter::RejectSchema(const Schema& source_schema) {
  Schema schema = source_schema;
  // A rejected row may hold NULLs anywhere the cast later failed; keep every column OPTIONAL.
  for (ColumnSchema& col : schema.columns) col.nullable = true;
  schema.columns.push_back(
      ColumnSchema{"_reject_column", PhysicalType::kByteArray, 0, false, LogicalType::String()});
  schema.columns.push_back(
      ColumnSchema{"_reject_reason", PhysicalType::kByteArray, 0, false, LogicalType::String()});
  return schema;
}

Result<std::unique_ptr<RejectFileWriter>> RejectFileWriter::Open(const std::string& path,
                                                                 const Schema& source_schema) {
  if (source_schema.FindColumn("_reject_column") >= 0 ||
      source_schema.FindColumn("_reject_reason") >= 0) {
    return Status::InvalidArgument("source has a column named _reject_column/_reject_reason");
  }
  return std::unique_ptr<RejectFileWriter>(new RejectFileWriterImpl(path, source_schema));
}

std::string RejectsPath(const std::string& table_dir, const std::string& file_name) {
  return table_dir + "/_rejects/" + file_name;
}

}  // namespace sluice

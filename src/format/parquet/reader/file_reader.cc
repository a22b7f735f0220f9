// ParquetFileReader implementation: footer parsing and validation, projection, row-group
// pruning, and the descriptions printed by `sluice inspect`.
#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/random_access_file.h"
#include "common/value_format.h"
#include "format/parquet/compression/codec.h"
#include "format/parquet/reader/column_chunk_reader.h"
#include "format/parquet/schema_convert.h"
#include "format/parquet/thrift/file_metadata.h"
#include "format/parquet/writer/statistics.h"
#include "sluice/parquet_reader.h"

namespace sluice {
namespace parquet {
namespace {

// Magic + footer length + magic: the smallest possible Parquet file is 12 bytes.
constexpr int64_t kMinFileSize = 12;

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::PLAIN:
      return "PLAIN";
    case Encoding::PLAIN_DICTIONARY:
      return "PLAIN_DICTIONARY";
    case Encoding::RLE:
      return "RLE";
    case Encoding::BIT_PACKED:
      return "BIT_PACKED";
    case Encoding::DELTA_BINARY_PACKED:
      return "DELTA_BINARY_PACKED";
    case Encoding::DELTA_LENGTH_BYTE_ARRAY:
      return "DELTA_LENGTH_BYTE_ARRAY";
    case Encoding::DELTA_BYTE_ARRAY:
      return "DELTA_BYTE_ARRAY";
    case Encoding::RLE_DICTIONARY:
      return "RLE_DICTIONARY";
    case Encoding::BYTE_STREAM_SPLIT:
      return "BYTE_STREAM_SPLIT";
  }
  return "UNKNOWN";
}

class FileReaderImpl final : public ParquetFileReader {
 public:
  FileReaderImpl(std::unique_ptr<RandomAccessFile> file, ParquetReaderOptions options,
                 FileMetaData meta, Schema schema)
      : file_(std::move(file)),
        options_(options),
        meta_(std::move(meta)),
        schema_(std::move(schema)) {}

  const Schema& schema() const override { return schema_; }
  int64_t num_rows() const override { return meta_.num_rows; }
  int num_row_groups() const override { return static_cast<int>(meta_.row_groups.size()); }
  int64_t row_group_num_rows(int row_group) const override {
    return meta_.row_groups[static_cast<size_t>(row_group)].num_rows;
  }
  std::vector<std::pair<std::string, std::string>> key_value_metadata() const override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& kv : meta_.key_value_metadata) out.emplace_back(kv.key, kv.value.value_or(""));
    return out;
  }
  std::string created_by() const override { return meta_.created_by.value_or(""); }

  Result<ColumnChunkStats> column_stats(int row_group, int column) const override {
    if (row_group < 0 || row_group >= num_row_groups() || column < 0 ||
        column >= schema_.num_columns()) {
      return Status::InvalidArgument("no row group " + std::to_string(row_group) + " column " +
                                     std::to_string(column) + " in " + file_->path());
    }
    const auto& meta = *meta_.row_groups[static_cast<size_t>(row_group)]
                            .columns[static_cast<size_t>(column)]
                            .meta_data;
    ColumnChunkStats out;
    if (!meta.statistics) return out;
    const Statistics& stats = *meta.statistics;
    out.null_count = stats.null_count;
    const ColumnSchema& col = schema_.columns[static_cast<size_t>(column)];
    SortOrder order = SortOrderFor(col);
    if (stats.min_value && stats.max_value) {
      out.min = stats.min_value;
      out.max = stats.max_value;
    } else if (stats.min && stats.max && order == SortOrder::kSigned) {
      // Legacy min/max were written in signed order, which is right only for signed numbers.
      out.min = stats.min;
      out.max = stats.max;
    }
    int32_t width = FixedWidth(col.physical, col.type_length);
    if (width > 0 && col.physical != PhysicalType::kFixedLenByteArray &&
        ((out.min && static_cast<int32_t>(out.min->size()) != width) ||
         (out.max && static_cast<int32_t>(out.max->size()) != width))) {
      // A bound of the wrong width cannot be compared; ignore it rather than misread it.
      out.min.reset();
      out.max.reset();
    }
    return out;
  }

  bool CanSkipRowGroup(int row_group,
                       const std::vector<RowGroupPredicate>& predicates) const override {
    for (const auto& pred : predicates) {
      auto stats = column_stats(row_group, pred.column);
      if (!stats.ok()) continue;
      const ColumnSchema& col = schema_.columns[static_cast<size_t>(pred.column)];
      if (stats->null_count && *stats->null_count == row_group_num_rows(row_group)) {
        return true;  // all NULL: no comparison can be true
      }
      if (!stats->min || !stats->max) continue;
      SortOrder order = SortOrderFor(col);
      if (order == SortOrder::kNone) continue;
      int lit_vs_min = CompareStatValues(order, col.physical, pred.literal, *stats->min);
      int lit_vs_max = CompareStatValues(order, col.physical, pred.literal, *stats->max);
      bool skip = false;
      switch (pred.op) {
        case RowGroupPredicate::Op::kEq:
          skip = lit_vs_min < 0 || lit_vs_max > 0;
          break;
        case RowGroupPredicate::Op::kLt:
          skip = lit_vs_min <= 0;
          break;
        case RowGroupPredicate::Op::kLe:
          skip = lit_vs_min < 0;
          break;
        case RowGroupPredicate::Op::kGt:
          skip = lit_vs_max >= 0;
          break;
        case RowGroupPredicate::Op::kGe:
          skip = lit_vs_max > 0;
          break;
      }
      if (skip) return true;
    }
    return false;
  }

  Result<ColumnBatch> ReadRowGroup(int row_group, const std::vector<int>& columns) override {
    if (row_group < 0 || row_group >= num_row_groups()) {
      return Status::InvalidArgument("row group " + std::to_string(row_group) +
                                     " does not exist in " + file_->path());
    }
    const RowGroup& group = meta_.row_groups[static_cast<size_t>(row_group)];
    Schema projected;
    for (int col : columns) {
      if (col < 0 || col >= schema_.num_columns()) {
        return Status::InvalidArgument("column index " + std::to_string(col) +
                                       " does not exist in " + file_->path());
      }
      projected.columns.push_back(schema_.columns[static_cast<size_t>(col)]);
    }
    ColumnBatch batch(projected);
    for (size_t idx = 0; idx < columns.size(); ++idx) {
      auto col = static_cast<size_t>(columns[idx]);
      const ColumnMetaData& meta = *group.columns[col].meta_data;
      int64_t start = meta.data_page_offset;
      // Some writers store a dictionary offset of 0 for "none"; only trust one that precedes
      // the data pages.
      if (meta.dictionary_page_offset && *meta.dictionary_page_offset > 0 &&
          *meta.dictionary_page_offset < start) {
        start = *meta.dictionary_page_offset;
      }
      std::string bytes;
      Status st = file_->ReadAt(start, meta.total_compressed_size, &bytes);
      if (!st.ok()) {
        return st.WithContext(file_->path() + ": row group " + std::to_string(row_group) +
                              ", column '" + schema_.columns[col].name + "'");
      }
      ColumnVector& out = batch.column(static_cast<int>(idx));
      out.Reserve(group.num_rows);
      ChunkLocation loc{reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), start,
                        meta.codec, meta.num_values};
      st = ReadColumnChunk(schema_.columns[col], loc, options_, &out);
      if (!st.ok())
        return st.WithContext(file_->path() + ": row group " + std::to_string(row_group));
      if (out.size() != group.num_rows) {
        return Status::Corruption(file_->path() + ": row group " + std::to_string(row_group) +
                                  ", column '" + schema_.columns[col].name + "' has " +
                                  std::to_string(out.size()) + " values but the row group has " +
                                  std::to_string(group.num_rows) + " rows");
      }
    }
    return batch;
  }

  std::string DescribeJson() const override {
    // Names and strings in a footer may be invalid UTF-8; replace rather than throw.
    return Describe().dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  }

  std::string DescribeText() const override {
    std::string out;
    out += "file: " + file_->path() + "\n";
    out += "created_by: " + created_by() + "\n";
    out += "rows: " + std::to_string(num_rows()) +
           ", row groups: " + std::to_string(num_row_groups()) +
           ", size: " + std::to_string(file_->size()) + " bytes\n";
    for (const auto& kv : meta_.key_value_metadata) {
      out += "metadata " + kv.key + " = " + kv.value.value_or("") + "\n";
    }
    out += "schema:\n";
    for (const auto& col : schema_.columns) {
      out += "  " + col.name + ": " + DescribeType(col) +
             (col.nullable ? " OPTIONAL" : " REQUIRED") + "\n";
    }
    for (int rg = 0; rg < num_row_groups(); ++rg) {
      const RowGroup& group = meta_.row_groups[static_cast<size_t>(rg)];
      out += "row group " + std::to_string(rg) + ": " + std::to_string(group.num_rows) + " rows, " +
             std::to_string(group.total_byte_size) + " bytes uncompressed\n";
      for (size_t col = 0; col < group.columns.size(); ++col) {
        const ColumnMetaData& meta = *group.columns[col].meta_data;
        out += "  " + schema_.columns[col].name + ": " + CompressionCodecName(meta.codec) + " [";
        for (size_t e = 0; e < meta.encodings.size(); ++e) {
          out += (e ? "," : "") + std::string(EncodingName(meta.encodings[e]));
        }
        out += "] " + std::to_string(meta.total_compressed_size) + "/" +
               std::to_string(meta.total_uncompressed_size) + " bytes";
        auto stats = column_stats(rg, static_cast<int>(col));
        if (stats.ok()) {
          if (stats->null_count) out += " nulls=" + std::to_string(*stats->null_count);
          if (stats->min) out += " min=" + FormatStat(schema_.columns[col], *stats->min);
          if (stats->max) out += " max=" + FormatStat(schema_.columns[col], *stats->max);
        }
        out += "\n";
      }
    }
    return out;
  }

  const FileMetaData& meta() const { return meta_; }

 private:
  static std::string FormatStat(const ColumnSchema& col, const std::string& bytes) {
    ColumnVector vec(col.physical, col.type_length);
    vec.Clear();
    if (vec.width() > 0) {
      if (static_cast<int32_t>(bytes.size()) != vec.width()) return "?";
      vec.AppendFixed(bytes.data());
    } else {
      vec.AppendBytes(bytes);
    }
    std::string out;
    AppendJsonValue(col, vec, 0, &out);
    return out;
  }

  nlohmann::ordered_json Describe() const {
    nlohmann::ordered_json j;
    j["file"] = file_->path();
    j["created_by"] = created_by();
    j["num_rows"] = num_rows();
    j["num_row_groups"] = num_row_groups();
    j["file_size"] = file_->size();
    j["format_version"] = meta_.version;
    auto kv = nlohmann::ordered_json::object();
    for (const auto& item : meta_.key_value_metadata) kv[item.key] = item.value.value_or("");
    j["key_value_metadata"] = kv;
    auto cols = nlohmann::ordered_json::array();
    for (size_t col = 0; col < schema_.columns.size(); ++col) {
      const auto& c = schema_.columns[col];
      const SchemaElement& el = meta_.schema[col + 1];
      nlohmann::ordered_json cj;
      cj["name"] = c.name;
      cj["physical_type"] = PhysicalTypeName(c.physical);
      if (c.physical == PhysicalType::kFixedLenByteArray) cj["type_length"] = c.type_length;
      cj["repetition"] = c.nullable ? "OPTIONAL" : "REQUIRED";
      cj["type"] = DescribeType(c);
      if (el.converted_type) cj["converted_type"] = static_cast<int>(*el.converted_type);
      cols.push_back(cj);
    }
    j["schema"] = cols;
    auto groups = nlohmann::ordered_json::array();
    for (int rg = 0; rg < num_row_groups(); ++rg) {
      const RowGroup& group = meta_.row_groups[static_cast<size_t>(rg)];
      nlohmann::ordered_json gj;
      gj["num_rows"] = group.num_rows;
      gj["total_byte_size"] = group.total_byte_size;
      auto chunks = nlohmann::ordered_json::array();
      for (size_t col = 0; col < group.columns.size(); ++col) {
        const ColumnChunk& chunk = group.columns[col];
        const ColumnMetaData& meta = *chunk.meta_data;
        nlohmann::ordered_json cj;
        cj["column"] = schema_.columns[col].name;
        cj["codec"] = CompressionCodecName(meta.codec);
        auto encs = nlohmann::ordered_json::array();
        for (auto e : meta.encodings) encs.push_back(EncodingName(e));
        cj["encodings"] = encs;
        cj["num_values"] = meta.num_values;
        cj["compressed_size"] = meta.total_compressed_size;
        cj["uncompressed_size"] = meta.total_uncompressed_size;
        cj["data_page_offset"] = meta.data_page_offset;
        if (meta.dictionary_page_offset)
          cj["dictionary_page_offset"] = *meta.dictionary_page_offset;
        if (chunk.column_index_offset) cj["column_index_offset"] = *chunk.column_index_offset;
        if (chunk.offset_index_offset) cj["offset_index_offset"] = *chunk.offset_index_offset;
        auto stats = column_stats(rg, static_cast<int>(col));
        if (stats.ok()) {
          nlohmann::ordered_json sj;
          if (stats->null_count) sj["null_count"] = *stats->null_count;
          if (stats->min)
            sj["min"] = nlohmann::ordered_json::parse(FormatStat(schema_.columns[col], *stats->min),
                                                      nullptr, false);
          if (stats->max)
            sj["max"] = nlohmann::ordered_json::parse(FormatStat(schema_.columns[col], *stats->max),
                                                      nullptr, false);
          cj["statistics"] = sj;
        }
        chunks.push_back(cj);
      }
      gj["columns"] = chunks;
      groups.push_back(gj);
    }
    j["row_groups"] = groups;
    return j;
  }

  std::unique_ptr<RandomAccessFile> file_;
  ParquetReaderOptions options_;
  FileMetaData meta_;
  Schema schema_;
};

Status ValidateFooter(const FileMetaData& meta, const Schema& schema, int64_t file_size,
                      const std::string& path) {
  int64_t total_rows = 0;
  for (size_t rg = 0; rg < meta.row_groups.size(); ++rg) {
    const RowGroup& group = meta.row_groups[rg];
    std::string where = path + ": row group " + std::to_string(rg);
    if (group.num_rows < 0) return Status::Corruption(where + " has a negative row count");
    total_rows += group.num_rows;
    if (group.columns.size() != schema.columns.size()) {
      return Status::Corruption(where + " has " + std::to_string(group.columns.size()) +
                                " column chunks but the schema has " +
                                std::to_string(schema.columns.size()) + " columns");
    }
    for (size_t col = 0; col < group.columns.size(); ++col) {
      const ColumnChunk& chunk = group.columns[col];
      std::string cwhere = where + ", column '" + schema.columns[col].name + "'";
      if (chunk.file_path) {
        return Status::NotSupported(cwhere + " lives in another file (" + *chunk.file_path + ")");
      }
      if (!chunk.meta_data) return Status::Corruption(cwhere + " has no metadata");
      const ColumnMetaData& m = *chunk.meta_data;
      if (static_cast<int32_t>(m.type) != static_cast<int32_t>(schema.columns[col].physical)) {
        return Status::Corruption(cwhere + " has physical type " +
                                  std::to_string(static_cast<int>(m.type)) +
                                  " that differs from the schema");
      }
      int64_t start = m.data_page_offset;
      if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 &&
          *m.dictionary_page_offset < start) {
        start = *m.dictionary_page_offset;
      }
      if (start < 4 || m.total_compressed_size < 0 || start > file_size ||
          m.total_compressed_size > file_size - start) {
        return Status::Corruption(cwhere + " claims bytes [" + std::to_string(start) + ", +" +
                                  std::to_string(m.total_compressed_size) +
                                  ") outside the file of " + std::to_string(file_size) + " bytes");
      }
      if (m.num_values != group.num_rows) {
        return Status::Corruption(cwhere + " has " + std::to_string(m.num_values) +
                                  " values but the row group has " +
                                  std::to_string(group.num_rows) + " rows");
      }
    }
  }
  if (total_rows != meta.num_rows) {
    return Status::Corruption(path + ": footer says " + std::to_string(meta.num_rows) +
                              " rows but its row groups hold " + std::to_string(total_rows));
  }
  return Status::OK();
}

}  // namespace
}  // namespace parquet

Result<std::unique_ptr<ParquetFileReader>> ParquetFileReader::Open(
    const std::string& path, const ParquetReaderOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(auto file, RandomAccessFile::Open(path));
  const int64_t size = file->size();
  if (size < parquet::kMinFileSize) {
    return Status::Corruption(path + ": " + std::to_string(size) +
                              " bytes is too small to be a Parquet file");
  }
  std::string tail;
  SLUICE_RETURN_IF_ERROR(file->ReadAt(size - 8, 8, &tail));
  std::string head;
  SLUICE_RETURN_IF_ERROR(file->ReadAt(0, 4, &head));
  if (head != "PAR1" || tail.substr(4) != "PAR1") {
    if (tail.substr(4) == "PARE") {
      return Status::NotSupported(path + ": encrypted Parquet footers are not supported");
    }
    return Status::Corruption(path + ": not a Parquet file (magic bytes missing at offset " +
                              std::to_string(head != "PAR1" ? 0 : size - 4) + ")");
  }
  uint32_t footer_len = 0;
  std::memcpy(&footer_len, tail.data(), 4);
  if (static_cast<int64_t>(footer_len) > size - parquet::kMinFileSize) {
    return Status::Corruption(path + ": footer length " + std::to_string(footer_len) +
                              " at offset " + std::to_string(size - 8) + " exceeds the file size " +
                              std::to_string(size));
  }
  int64_t footer_offset = size - 8 - footer_len;
  std::string footer;
  SLUICE_RETURN_IF_ERROR(file->ReadAt(footer_offset, footer_len, &footer));
  auto meta = parquet::ParseFileMetaData(reinterpret_cast<const uint8_t*>(footer.data()),
                                         footer.size(), footer_offset);
  if (!meta.ok()) return meta.status().WithContext(path + ": footer");
  auto schema = parquet::FromSchemaElements(meta->schema);
  if (!schema.ok()) return schema.status().WithContext(path);
  // sluice writes JSON columns with the STRING annotation for reader compatibility and lists
  // them in its metadata; restore their type (see ParquetWriterOptions).
  for (const auto& kv : meta->key_value_metadata) {
    if (kv.key != "sluice.json_columns" || !kv.value) continue;
    size_t start = 0;
    while (start <= kv.value->size()) {
      size_t end = kv.value->find(',', start);
      if (end == std::string::npos) end = kv.value->size();
      int idx = schema->FindColumn(kv.value->substr(start, end - start));
      auto& col = schema->columns[static_cast<size_t>(idx < 0 ? 0 : idx)];
      if (idx >= 0 && col.logical.kind == LogicalType::Kind::kString)
        col.logical = LogicalType::Json();
      start = end + 1;
    }
  }
  SLUICE_RETURN_IF_ERROR(parquet::ValidateFooter(*meta, *schema, footer_offset, path));
  return std::unique_ptr<ParquetFileReader>(new parquet::FileReaderImpl(
      std::move(file), options, std::move(meta).value(), std::move(schema).value()));
}

}  // namespace sluice

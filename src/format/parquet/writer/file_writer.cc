// ParquetFileWriter implementation: owns the temporary file, the per-column chunk writers of
// the current row group, and the footer being built. See include/sluice/parquet_writer.h and
// src/format/parquet/README.md for the layout.
#include <algorithm>
#include <vector>

#include "common/atomic_file.h"
#include "format/parquet/compression/codec.h"
#include "format/parquet/schema_convert.h"
#include "format/parquet/thrift/file_metadata.h"
#include "format/parquet/writer/background_file_writer.h"
#include "format/parquet/writer/column_chunk_writer.h"
#include "format/parquet/writer/encoded_size_history.h"
#include "sluice/parquet_writer.h"

namespace sluice {

Result<Compression> ParseCompression(const std::string& name) {
  if (name == "zstd") return Compression::kZstd;
  if (name == "snappy") return Compression::kSnappy;
  if (name == "gzip") return Compression::kGzip;
  if (name == "lz4" || name == "lz4_raw") return Compression::kLz4Raw;
  if (name == "none" || name == "uncompressed") return Compression::kUncompressed;
  return Status::InvalidArgument("unknown compression '" + name +
                                 "' (expected zstd, snappy, gzip, lz4, none)");
}

const char* CompressionName(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed:
      return "none";
    case Compression::kSnappy:
      return "snappy";
    case Compression::kGzip:
      return "gzip";
    case Compression::kZstd:
      return "zstd";
    case Compression::kLz4Raw:
      return "lz4_raw";
  }
  return "?";
}

namespace parquet {
namespace {

constexpr char kMagic[] = "PAR1";

CompressionCodec ToCodecId(Compression compression) {
  switch (compression) {
    case Compression::kUncompressed:
      return CompressionCodec::UNCOMPRESSED;
    case Compression::kSnappy:
      return CompressionCodec::SNAPPY;
    case Compression::kGzip:
      return CompressionCodec::GZIP;
    case Compression::kZstd:
      return CompressionCodec::ZSTD;
    case Compression::kLz4Raw:
      return CompressionCodec::LZ4_RAW;
  }
  return CompressionCodec::UNCOMPRESSED;
}

/// Page-index entries of one column chunk, kept until the footer is written.
struct ChunkPageIndex {
  ColumnIndex column_index;
  OffsetIndex offset_index;
  bool has_column_index = true;
};

class FileWriterImpl final : public ParquetFileWriter {
 public:
  FileWriterImpl(std::unique_ptr<AtomicFile> file, Schema schema, ParquetWriterOptions options,
                 std::vector<SchemaElement> elements, std::unique_ptr<Codec> codec)
      : file_(std::move(file)),
        schema_(std::move(schema)),
        options_(std::move(options)),
        codec_(std::move(codec)),
        codec_id_(ToCodecId(options_.compression)) {
    meta_.schema = std::move(elements);
    for (const auto& col : schema_.columns) {
      columns_.push_back(
          std::make_unique<ColumnChunkWriter>(col, options_, codec_.get(), codec_id_));
    }
  }

  ~FileWriterImpl() override {
    if (!closed_) Abort();
  }

  Status WriteBatch(const ColumnBatch& batch) override {
    SLUICE_RETURN_IF_ERROR(CheckUsable());
    if (batch.num_columns() != schema_.num_columns()) {
      return Fail(Status::InvalidArgument("batch has " + std::to_string(batch.num_columns()) +
                                          " columns, schema has " +
                                          std::to_string(schema_.num_columns())));
    }
    for (int col_idx = 0; col_idx < batch.num_columns(); ++col_idx) {
      const auto& vec = batch.column(col_idx);
      const auto& col = schema_.columns[static_cast<size_t>(col_idx)];
      if (vec.type() != col.physical || vec.size() != batch.num_rows()) {
        return Fail(Status::InvalidArgument("batch column " + std::to_string(col_idx) + " ('" +
                                            col.name + "') does not match the schema type " +
                                            DescribeType(col) + " or the batch row count"));
      }
    }
    int64_t row = 0;
    const int64_t total = batch.num_rows();
    // Feed in slices of about 1 MiB of input so the row-group byte limit is checked often
    // enough to bound memory even for very wide rows (8,192 rows at most, 1 at least).
    int64_t bytes_per_row = total == 0 ? 1 : std::max<int64_t>(1, batch.allocated_bytes() / total);
    int64_t slice_rows = std::clamp<int64_t>((1 << 20) / bytes_per_row, 1, 8192);
    while (row < total) {
      int64_t room = options_.row_group_max_rows - row_group_rows_;
      int64_t end = std::min(total, row + std::min<int64_t>(room, slice_rows));
      for (int col_idx = 0; col_idx < batch.num_columns(); ++col_idx) {
        Status st = columns_[static_cast<size_t>(col_idx)]->Write(batch.column(col_idx), row, end);
        if (!st.ok()) return Fail(st);
      }
      row_group_rows_ += end - row;
      rows_written_ += end - row;
      row = end;
      UpdatePeak();
      if (row_group_rows_ >= options_.row_group_max_rows ||
          BufferedBytes() >= options_.row_group_max_bytes) {
        SLUICE_RETURN_IF_ERROR(FlushRowGroup());
      }
    }
    history_.Record(rows_written_, encoded_bytes());
    return Status::OK();
  }

  Status FlushRowGroup() override {
    SLUICE_RETURN_IF_ERROR(CheckUsable());
    if (row_group_rows_ == 0) return Status::OK();
    if (!wrote_magic_) {
      SLUICE_RETURN_IF_ERROR(Write(kMagic, 4));
      wrote_magic_ = true;
    }
    RowGroup group;
    group.num_rows = row_group_rows_;
    group.file_offset = file_->size();
    group.ordinal = static_cast<int16_t>(std::min<size_t>(meta_.row_groups.size(), INT16_MAX));
    int64_t uncompressed_total = 0;
    int64_t compressed_total = 0;
    std::vector<ChunkPageIndex> indexes;
    for (size_t col_idx = 0; col_idx < columns_.size(); ++col_idx) {
      auto& col = columns_[col_idx];
      Status st = col->Finish();
      if (!st.ok()) return Fail(st);
      int64_t chunk_offset = file_->size();
      SLUICE_RETURN_IF_ERROR(Write(col->dictionary_page().data(), col->dictionary_page().size()));
      int64_t data_offset = file_->size();
      SLUICE_RETURN_IF_ERROR(Write(col->data_pages().data(), col->data_pages().size()));
      ColumnChunk chunk;
      col->FillMetadata(chunk_offset, &chunk);
      uncompressed_total += chunk.meta_data->total_uncompressed_size;
      compressed_total += chunk.meta_data->total_compressed_size;
      group.columns.push_back(std::move(chunk));
      if (options_.write_page_index) {
        indexes.push_back(BuildPageIndex(schema_.columns[col_idx], *col, data_offset));
      }
      UpdatePeak();
      col->Reset();
    }
    group.total_byte_size = uncompressed_total;
    group.total_compressed_size = compressed_total;
    meta_.row_groups.push_back(std::move(group));
    page_indexes_.push_back(std::move(indexes));
    row_group_rows_ = 0;
    return Status::OK();
  }

  void SetKeyValueMetadata(const std::string& key, const std::string& value) override {
    for (auto& entry : options_.key_value_metadata) {
      if (entry.first == key) {
        entry.second = value;
        return;
      }
    }
    options_.key_value_metadata.emplace_back(key, value);
  }

  Status Close() override {
    SLUICE_RETURN_IF_ERROR(CheckUsable());
    SLUICE_RETURN_IF_ERROR(FlushRowGroup());
    if (!wrote_magic_) {
      SLUICE_RETURN_IF_ERROR(Write(kMagic, 4));
      wrote_magic_ = true;
    }
    if (options_.write_page_index) SLUICE_RETURN_IF_ERROR(WritePageIndex());
    meta_.version = 2;
    meta_.num_rows = rows_written_;
    meta_.created_by = std::string("sluice version ") + SLUICE_VERSION;
    meta_.num_column_orders = schema_.num_columns();
    meta_.key_value_metadata.clear();
    meta_.key_value_metadata.push_back({"sluice.version", std::string(SLUICE_VERSION)});
    meta_.key_value_metadata.push_back({"sluice.schema_hash", schema_.Hash()});
    std::string json_columns;
    for (const auto& col : schema_.columns) {
      if (col.logical.kind != LogicalType::Kind::kJson) continue;
      json_columns += (json_columns.empty() ? "" : ",") + col.name;
    }
    if (!json_columns.empty())
      meta_.key_value_metadata.push_back({"sluice.json_columns", json_columns});
    for (const auto& [key, value] : options_.key_value_metadata) {
      meta_.key_value_metadata.push_back({key, value});
    }
    std::string footer;
    SerializeFileMetaData(meta_, &footer);
    SLUICE_RETURN_IF_ERROR(Write(footer.data(), footer.size()));
    auto footer_len = static_cast<uint32_t>(footer.size());
    SLUICE_RETURN_IF_ERROR(Write(&footer_len, 4));
    SLUICE_RETURN_IF_ERROR(Write(kMagic, 4));
    Status st = file_->Commit();
    if (!st.ok()) return Fail(st);
    closed_ = true;
    columns_.clear();
    return Status::OK();
  }

  void Abort() override {
    if (file_) file_->Abort();
    closed_ = true;
    columns_.clear();
  }

  int64_t rows_written() const override { return rows_written_; }
  int64_t bytes_written() const override { return file_ ? file_->size() : 0; }
  int64_t allocated_bytes() const override {
    int64_t total = 0;
    for (const auto& col : columns_) total += col->allocated_bytes();
    return total;
  }
  int64_t peak_allocated_bytes() const override { return peak_bytes_; }
  int64_t encoded_bytes() const override {
    int64_t total = bytes_written();
    for (const auto& col : columns_) total += col->encoded_bytes();
    return total;
  }
  Result<int64_t> EncodedBytesAt(int64_t rows) override {
    if (auto bytes = history_.At(rows)) return *bytes;
    return Status::Internal("Parquet writer for " + file_->final_path() +
                            ": no batch ended at row " + std::to_string(rows) + " lately");
  }
  const std::string& path() const override { return file_->final_path(); }

 private:
  Status CheckUsable() const {
    if (closed_)
      return Status::Internal("Parquet writer for " + file_->final_path() +
                              " is already closed or aborted");
    if (!sticky_.ok()) return sticky_;
    return Status::OK();
  }

  // An error leaves the file unusable (LevelDB's sticky-error builder rule): the caller aborts.
  Status Fail(Status st) {
    sticky_ = st.WithContext(file_->final_path());
    return sticky_;
  }

  Status Write(const void* data, size_t size) {
    Status st = file_->Append(data, size);
    if (!st.ok()) return Fail(st);
    return Status::OK();
  }

  int64_t BufferedBytes() const {
    int64_t total = 0;
    for (const auto& col : columns_) total += col->buffered_bytes();
    return total;
  }

  void UpdatePeak() { peak_bytes_ = std::max(peak_bytes_, allocated_bytes()); }

  static ChunkPageIndex BuildPageIndex(const ColumnSchema& column, const ColumnChunkWriter& col,
                                       int64_t data_offset) {
    ChunkPageIndex out;
    SortOrder order = SortOrderFor(column);
    bool ascending = true;
    bool descending = true;
    const PageInfo* prev = nullptr;
    for (const auto& page : col.pages()) {
      out.offset_index.page_locations.push_back(
          {data_offset + page.offset_in_chunk, page.compressed_size, page.first_row});
      bool null_page = !page.has_min_max;
      out.column_index.null_pages.push_back(null_page);
      out.column_index.min_values.push_back(null_page ? std::string() : page.min);
      out.column_index.max_values.push_back(null_page ? std::string() : page.max);
      out.column_index.null_counts.push_back(page.null_count);
      if (null_page) continue;
      if (prev != nullptr) {
        int min_cmp = CompareStatValues(order, column.physical, prev->min, page.min);
        int max_cmp = CompareStatValues(order, column.physical, prev->max, page.max);
        if (min_cmp > 0 || max_cmp > 0) ascending = false;
        if (min_cmp < 0 || max_cmp < 0) descending = false;
      }
      prev = &page;
    }
    // Readers binary-search pages only when an order is claimed; claim one only when proven.
    out.column_index.boundary_order = ascending    ? BoundaryOrder::ASCENDING
                                      : descending ? BoundaryOrder::DESCENDING
                                                   : BoundaryOrder::UNORDERED;
    return out;
  }

  Status WritePageIndex() {
    // Column indexes of every chunk first, then offset indexes, as parquet-mr and Arrow do.
    for (size_t rg = 0; rg < page_indexes_.size(); ++rg) {
      for (size_t col = 0; col < page_indexes_[rg].size(); ++col) {
        std::string bytes;
        SerializeColumnIndex(page_indexes_[rg][col].column_index, &bytes);
        auto& chunk = meta_.row_groups[rg].columns[col];
        chunk.column_index_offset = file_->size();
        chunk.column_index_length = static_cast<int32_t>(bytes.size());
        SLUICE_RETURN_IF_ERROR(Write(bytes.data(), bytes.size()));
      }
    }
    for (size_t rg = 0; rg < page_indexes_.size(); ++rg) {
      for (size_t col = 0; col < page_indexes_[rg].size(); ++col) {
        std::string bytes;
        SerializeOffsetIndex(page_indexes_[rg][col].offset_index, &bytes);
        auto& chunk = meta_.row_groups[rg].columns[col];
        chunk.offset_index_offset = file_->size();
        chunk.offset_index_length = static_cast<int32_t>(bytes.size());
        SLUICE_RETURN_IF_ERROR(Write(bytes.data(), bytes.size()));
      }
    }
    return Status::OK();
  }

  std::unique_ptr<AtomicFile> file_;
  Schema schema_;
  ParquetWriterOptions options_;
  std::unique_ptr<Codec> codec_;
  CompressionCodec codec_id_;
  std::vector<std::unique_ptr<ColumnChunkWriter>> columns_;
  FileMetaData meta_;
  std::vector<std::vector<ChunkPageIndex>> page_indexes_;
  int64_t row_group_rows_ = 0;
  int64_t rows_written_ = 0;
  int64_t peak_bytes_ = 0;
  EncodedSizeHistory history_;
  bool wrote_magic_ = false;
  bool closed_ = false;
  Status sticky_;
};

}  // namespace
}  // namespace parquet

Result<std::unique_ptr<ParquetFileWriter>> ParquetFileWriter::Open(
    const std::string& path, const Schema& schema, const ParquetWriterOptions& options) {
  if (schema.columns.empty()) {
    return Status::InvalidArgument("cannot write " + path + ": the schema has no columns");
  }
  if (options.row_group_max_rows <= 0 || options.page_max_values <= 0 ||
      options.page_size_bytes <= 0) {
    return Status::InvalidArgument(
        "Parquet writer options: row group and page limits must be "
        "positive");
  }
  SLUICE_ASSIGN_OR_RETURN(auto elements,
                          parquet::ToSchemaElements(schema, options.write_json_logical_type));
  SLUICE_ASSIGN_OR_RETURN(auto codec, parquet::MakeCodec(parquet::ToCodecId(options.compression),
                                                         options.compression_level));
  SLUICE_ASSIGN_OR_RETURN(auto file, AtomicFile::Create(path));
  std::unique_ptr<ParquetFileWriter> writer(new parquet::FileWriterImpl(
      std::move(file), schema, options, std::move(elements), std::move(codec)));
  if (options.background_encoding) {
    return std::unique_ptr<ParquetFileWriter>(new parquet::BackgroundFileWriter(std::move(writer)));
  }
  return writer;
}

}  // namespace sluice

// ParquetFileWriter: writes one Parquet file from ColumnBatches, with bounded memory.
//
// Write recipe (details in src/format/parquet/README.md): batches are appended to per-column
// chunk writers that encode values into pages (dictionary first, falling back to PLAIN when the
// dictionary passes its limit), compress them and keep them in memory until the FlushPolicy cuts
// the row group; the row group is then written contiguously, column by column. Close() writes
// the optional page index, the footer, and renames the temporary file to its final name.
//
// The file is written to "<path>.tmp-<random>" and becomes visible under `path` only in Close().
// Abort() (or destruction without Close()) removes the temporary file.
// Thread-safety: one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice {

enum class Compression { kUncompressed, kSnappy, kGzip, kZstd, kLz4Raw };

/// Parses "zstd", "snappy", "gzip", "lz4" / "lz4_raw", "none" / "uncompressed".
Result<Compression> ParseCompression(const std::string& name);
const char* CompressionName(Compression compression);

struct ParquetWriterOptions {
  Compression compression = Compression::kZstd;
  /// zstd 1..22 (3 is zstd's own default: fast, and within a few % of level 9 on table data);
  /// gzip 1..9; ignored by other codecs.
  int compression_level = 3;
  /// Target uncompressed size of a data page. 1 MiB is what parquet-mr and Arrow use.
  int64_t page_size_bytes = 1 << 20;
  /// A data page is also cut after this many values, so very small values still give pages
  /// that a page index can skip (Arrow's default is 20,000 rows).
  int64_t page_max_values = 20000;
  /// Dictionary encoding is tried first; when the dictionary of a column chunk passes this many
  /// bytes (PLAIN size) the column falls back to PLAIN for the rest of the row group.
  bool enable_dictionary = true;
  int64_t dictionary_limit_bytes = 1 << 20;
  /// Integer columns use DELTA_BINARY_PACKED instead of PLAIN when the dictionary is abandoned
  /// (and always for non-dictionary int columns). DuckDB, Polars, Spark and Arrow read it.
  bool enable_delta_integers = true;
  /// FLOAT/DOUBLE columns without a dictionary use BYTE_STREAM_SPLIT when a codec is on
  /// (DuckDB, Polars, Arrow and Spark read it for floating-point columns).
  bool enable_byte_stream_split = true;
  /// A column chunk whose first data page the codec shrinks by less than 3% (delta-packed
  /// random integers, timestamps, hashes) is stored UNCOMPRESSED: compressing it again page
  /// after page would cost the writer and every reader CPU for nothing.
  bool skip_incompressible_columns = true;
  /// Row-group flush policy: cut when either limit is reached. The byte limit counts the
  /// buffered (encoded, compressed) pages plus encoder state, so it bounds writer memory.
  int64_t row_group_max_rows = 1'000'000;
  int64_t row_group_max_bytes = 64ll << 20;
  /// Page CRC32 (the spec's optional `crc` field); verifying readers check it.
  bool write_page_crc = true;
  /// Write ColumnIndex/OffsetIndex structures (the spec's page index) before the footer.
  bool write_page_index = false;
  /// Write per-chunk statistics (min/max/null_count).
  bool write_statistics = true;
  /// JSON columns carry the JSON logical type when true. Off by default: Polars (0.26 and
  /// earlier) reads JSON-annotated columns as raw binary, while STRING reads as the same text in
  /// every reader; the column names are listed in the "sluice.json_columns" metadata instead.
  bool write_json_logical_type = false;
  /// Encode and compress on a background thread (two batches in flight), so the caller's
  /// producer — a database cursor — keeps reading while pages are built.
  bool background_encoding = false;
  /// Extra key/value metadata (sluice adds "sluice.version" and "sluice.schema_hash").
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
};

class ParquetFileWriter {
 public:
  /// Creates the temporary file next to `path`. Fails with InvalidArgument for schemas the
  /// writer cannot represent (e.g. DECIMAL precision > 38) naming the column.
  static Result<std::unique_ptr<ParquetFileWriter>> Open(const std::string& path,
                                                         const Schema& schema,
                                                         const ParquetWriterOptions& options);
  virtual ~ParquetFileWriter() = default;

  /// Appends every row of `batch` (which must match the schema). A REQUIRED column with a null
  /// is InvalidArgument naming the column.
  virtual Status WriteBatch(const ColumnBatch& batch) = 0;
  /// Like WriteBatch(), but may take the contents of `*batch` instead of copying them (a
  /// background writer queues the batch as is). Afterwards `*batch` holds unspecified rows of
  /// the same columns: the caller refills it (a cursor's Next() clears it first).
  virtual Status WriteOwnedBatch(ColumnBatch* batch) { return WriteBatch(*batch); }
  /// Sets (or replaces) a key/value metadata entry of the footer. Entries are read only by
  /// Close(), so a value known only at the end (a chunk's final key range) can still go in.
  virtual void SetKeyValueMetadata(const std::string& key, const std::string& value) = 0;
  /// Cuts the current row group now (no-op if it is empty).
  virtual Status FlushRowGroup() = 0;
  /// Writes the footer, fsyncs and renames to the final path. After Close() the writer is done.
  virtual Status Close() = 0;
  /// Discards everything written; the final path is never touched.
  virtual void Abort() = 0;

  virtual int64_t rows_written() const = 0;
  /// Bytes written to the file so far (after Close(): the file size).
  virtual int64_t bytes_written() const = 0;
  /// Bytes currently held in buffers (pages, dictionaries, scratch): the writer's memory use.
  virtual int64_t allocated_bytes() const = 0;
  /// High-water mark of allocated_bytes().
  virtual int64_t peak_allocated_bytes() const = 0;
  /// Parquet bytes of the rows encoded so far, less the footer: bytes_written() plus the
  /// current row group's compressed pages, its dictionaries and the page not yet cut (those two
  /// at their uncompressed size, so the count errs high by at most a page and a dictionary per
  /// column until the row group is written). What rolling files by size measures. A background
  /// writer reports the rows its encoding thread has finished (see EncodedBytesAt()).
  virtual int64_t encoded_bytes() const = 0;
  /// encoded_bytes() as it was right after the first `rows` rows were encoded, waiting for the
  /// background encoder to get there. The answer depends on the rows alone, never on how far
  /// the encoder happened to be, so decisions taken on it are the same on every run.
  /// REQUIRES: `rows` is 0 or rows_written() after one of the last four WriteBatch() /
  /// WriteOwnedBatch() calls (else kInternal).
  virtual Result<int64_t> EncodedBytesAt(int64_t rows) = 0;
  virtual const std::string& path() const = 0;
};

}  // namespace sluice

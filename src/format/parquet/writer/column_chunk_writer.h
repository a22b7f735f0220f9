// ColumnChunkWriter: encodes one column of the current row group into compressed pages held in
// memory, until the file writer places the whole chunk in the file.
//
// Encoding strategy, per chunk:
//   1. Dictionary (RLE_DICTIONARY data pages + one PLAIN dictionary page) for every type but
//      BOOLEAN, while the dictionary is small and pays off.
//   2. When the first page shows the column is high-cardinality (more than half its values are
//      distinct), the dictionary is dropped before anything is emitted and the page re-encoded.
//   3. When the dictionary passes ParquetWriterOptions::dictionary_limit_bytes, the pages
//      already cut keep their dictionary encoding and the rest of the chunk falls back.
//   Fallback is DELTA_BINARY_PACKED for INT32/INT64 when that is smaller, PLAIN otherwise.
// Pages are DATA_PAGE (v1): definition levels (RLE hybrid, 4-byte length prefix) then values,
// compressed together; the page header carries a CRC32 of the compressed bytes.
// Thread-safety: none. Ownership: borrows the Codec, which must outlive the writer.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "format/parquet/compression/codec.h"
#include "format/parquet/encoding/dictionary_encoder.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/thrift/file_metadata.h"
#include "format/parquet/writer/statistics.h"
#include "sluice/parquet_writer.h"

namespace sluice::parquet {

/// Where a finished page sits inside the chunk buffer, for the page index.
struct PageInfo {
  int64_t offset_in_chunk = 0;  // from the start of the chunk's data pages
  int32_t compressed_size = 0;  // header included
  int64_t first_row = 0;        // within the row group
  int64_t null_count = 0;
  int64_t num_values = 0;
  bool has_min_max = false;
  std::string min;
  std::string max;
};

class ColumnChunkWriter {
 public:
  ColumnChunkWriter(const ColumnSchema& column, const ParquetWriterOptions& options, Codec* codec,
                    CompressionCodec codec_id);
  ColumnChunkWriter(const ColumnChunkWriter&) = delete;
  ColumnChunkWriter& operator=(const ColumnChunkWriter&) = delete;

  /// Appends rows [begin, end) of `col`.
  Status Write(const ColumnVector& col, int64_t begin, int64_t end);
  /// Cuts the last page. After this, the chunk bytes and metadata are final.
  Status Finish();

  /// Bytes of the dictionary page (if any) followed by the data pages, ready to be written.
  const std::string& dictionary_page() const { return dictionary_page_; }
  const std::string& data_pages() const { return data_pages_; }
  const std::vector<PageInfo>& pages() const { return pages_; }

  /// Fills the ColumnChunk footer entry, given the file offset where dictionary_page() starts.
  void FillMetadata(int64_t chunk_offset, ColumnChunk* out) const;

  /// Memory held: page buffers, dictionary, pending values.
  int64_t allocated_bytes() const;
  /// Compressed bytes of pages cut so far (what the row-group size limit measures).
  int64_t buffered_bytes() const {
    return static_cast<int64_t>(data_pages_.size()) + pending_estimate_;
  }
  /// Bytes this chunk would add to the file if finished now: buffered_bytes() plus the
  /// dictionary page, counted at its PLAIN size while the dictionary is still growing.
  int64_t encoded_bytes() const;

  /// Clears all state for the next row group (keeps buffer capacity).
  void Reset();

 private:
  enum class Mode { kDictionary, kFallback };

  Status FlushPage();
  Status EncodePendingValues(std::string* out, Encoding* encoding);
  Status FallbackFromDictionary(bool discard_dictionary);
  Status CompressAndAppendPage(PageType type, const std::string& body, int32_t num_values,
                               Encoding encoding, std::string* dest);
  void AppendPendingValues(const ColumnVector& col, int64_t begin, int64_t end);

  const ColumnSchema column_;
  const ParquetWriterOptions& options_;
  Codec* codec_;
  CompressionCodec codec_id_;
  // The codec this column chunk actually uses: codec_id_, or UNCOMPRESSED once the first data
  // page showed the data does not compress (skip_incompressible_columns).
  CompressionCodec chunk_codec_;
  bool codec_decided_ = false;
  Mode mode_;

  // State of the page being filled.
  RleBitPackedEncoder def_levels_{1};
  std::vector<uint32_t> pending_indices_;  // dictionary mode
  ColumnVector pending_values_;            // fallback mode: the page's non-null values
  int64_t pending_rows_ = 0;
  int64_t pending_nulls_ = 0;
  int64_t pending_estimate_ = 0;
  StatisticsCollector page_stats_;

  // State of the chunk.
  std::unique_ptr<DictionaryEncoder> dictionary_;
  bool dictionary_checked_ = false;  // the cardinality check after the first page was made
  std::string dictionary_page_;
  std::string data_pages_;
  std::vector<PageInfo> pages_;
  StatisticsCollector chunk_stats_;
  int64_t chunk_rows_ = 0;
  int64_t total_uncompressed_ = 0;
  std::vector<Encoding> encodings_;
  std::vector<PageEncodingStats> encoding_stats_;

  // Scratch, reused between pages.
  std::string scratch_body_;
  std::string scratch_values_;
  std::string scratch_compressed_;
  std::string scratch_header_;
};

}  // namespace sluice::parquet

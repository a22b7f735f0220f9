// ColumnChunkReader: decodes the pages of one flat column chunk (already read into memory)
// into a ColumnVector.
//
// Handles DATA_PAGE v1 and v2, dictionary pages, every value encoding common writers produce
// (PLAIN, PLAIN_DICTIONARY/RLE_DICTIONARY, RLE booleans, DELTA_BINARY_PACKED,
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT) and every codec in codec.h.
// Every size from the file is checked before use; errors are Corruption naming the column and
// the absolute file offset of the page.
// Thread-safety: none. Ownership: borrows `chunk` for the duration of Read().
#pragma once

#include <cstdint>
#include <string>

#include "format/parquet/thrift/file_metadata.h"
#include "sluice/column_batch.h"
#include "sluice/parquet_reader.h"
#include "sluice/schema.h"

namespace sluice::parquet {

struct ChunkLocation {
  const uint8_t* data = nullptr;  // the chunk's bytes
  size_t size = 0;
  int64_t file_offset = 0;  // where data[0] sits in the file, for messages
  CompressionCodec codec = CompressionCodec::UNCOMPRESSED;
  int64_t num_values = 0;  // from the chunk metadata (== row group rows for flat data)
};

/// Appends the chunk's rows to *out (which must be typed for `column`).
Status ReadColumnChunk(const ColumnSchema& column, const ChunkLocation& chunk,
                       const ParquetReaderOptions& options, ColumnVector* out);

}  // namespace sluice::parquet

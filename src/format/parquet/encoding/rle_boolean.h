// RLE-encoded BOOLEAN data pages (Encoding::RLE for booleans, written by data page v2 writers):
// a 4-byte little-endian length, then the RLE/bit-packed hybrid with bit width 1.
//
// Thread-safety: pure functions. Ownership: inputs are borrowed for the call only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/result.h"

namespace sluice::parquet {

/// Appends the RLE encoding (length prefix included) of the non-null values of the BOOLEAN
/// column's rows [begin, end).
void RleBooleanEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out);

/// Decodes `count` booleans, appending them (all valid, as 0/1 bytes) to the BOOLEAN column
/// *out. Returns bytes consumed (4 + the prefixed length). Corruption (naming the byte offset)
/// if the length prefix runs past the data or the hybrid runs out before `count` values.
Result<size_t> RleBooleanDecode(const uint8_t* data, size_t size, int64_t count, ColumnVector* out);

}  // namespace sluice::parquet

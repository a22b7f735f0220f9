// PLAIN encoding of the Parquet spec (Encodings.md, "PLAIN = 0"): the fallback encoding every
// reader supports, and the body of dictionary pages.
//
//   BOOLEAN                      bit-packed, LSB first, one bit per value
//   INT32/INT64/FLOAT/DOUBLE     little-endian, 4 or 8 bytes per value
//   INT96, FIXED_LEN_BYTE_ARRAY  the raw bytes (12 or type_length per value)
//   BYTE_ARRAY                   4-byte little-endian length, then the bytes
//
// Thread-safety: pure functions. Ownership: inputs are borrowed for the call only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::parquet {

/// Appends the PLAIN encoding of the non-null values of col rows [begin, end) to *out.
/// REQUIRES: 0 <= begin <= end <= col.size().
void PlainEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out);

/// Decodes `count` PLAIN values of the physical type from data[0, size), appending them (all
/// valid) to *out, which must have the matching type. Returns the bytes consumed. Corruption
/// (naming the byte offset) if the data is too short or a BYTE_ARRAY length runs past the end;
/// InvalidArgument if *out has another type or count/type_length are negative.
Result<size_t> PlainDecode(const uint8_t* data, size_t size, PhysicalType type, int32_t type_length,
                           int64_t count, ColumnVector* out);

}  // namespace sluice::parquet

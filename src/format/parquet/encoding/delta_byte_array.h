// The byte-array delta encodings of the Parquet spec (Encodings.md):
//
//   DELTA_LENGTH_BYTE_ARRAY (6) := DELTA_BINARY_PACKED(lengths) concatenated value bytes
//   DELTA_BYTE_ARRAY (7)        := DELTA_BINARY_PACKED(prefix lengths)
//                                  DELTA_LENGTH_BYTE_ARRAY(suffixes)
//
// where each value's prefix length is the number of leading bytes it shares with the previous
// value (0 for the first). DELTA_BYTE_ARRAY applies to BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY,
// DELTA_LENGTH_BYTE_ARRAY to BYTE_ARRAY only.
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

/// Appends the DELTA_LENGTH_BYTE_ARRAY encoding of the non-null values of the BYTE_ARRAY
/// column's rows [begin, end).
void DeltaLengthByteArrayEncode(const ColumnVector& col, int64_t begin, int64_t end,
                                std::string* out);

/// Decodes `count` BYTE_ARRAY values, appending them (all valid) to *out. Returns bytes
/// consumed. Corruption (naming the byte offset) on a malformed length stream, a negative
/// length or lengths that run past the end of the data.
Result<size_t> DeltaLengthByteArrayDecode(const uint8_t* data, size_t size, int64_t count,
                                          ColumnVector* out);

/// Appends the DELTA_BYTE_ARRAY encoding of the non-null values of the BYTE_ARRAY or
/// FIXED_LEN_BYTE_ARRAY column's rows [begin, end).
void DeltaByteArrayEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out);

/// Decodes `count` BYTE_ARRAY or FIXED_LEN_BYTE_ARRAY values, appending them to *out. Returns
/// bytes consumed. Corruption on malformed length streams, a prefix longer than the previous
/// value, suffixes past the end of the data, an FLBA value whose length is not type_length, or
/// values expanding past the 4 GiB a ColumnVector can address.
Result<size_t> DeltaByteArrayDecode(const uint8_t* data, size_t size, PhysicalType type,
                                    int32_t type_length, int64_t count, ColumnVector* out);

}  // namespace sluice::parquet

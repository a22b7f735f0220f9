// DELTA_BINARY_PACKED encoding of the Parquet spec (Encodings.md, "DELTA_BINARY_PACKED = 5")
// for INT32 and INT64, also the length streams of DELTA_LENGTH_BYTE_ARRAY and DELTA_BYTE_ARRAY.
//
//   header := ULEB128(block size) ULEB128(miniblocks per block) ULEB128(total values)
//             zigzag-ULEB128(first value)
//   block  := zigzag-ULEB128(min delta) bit width byte per miniblock, miniblock bodies
//
// sluice writes blocks of 128 values in 4 miniblocks of 32 (the spec's suggested layout, and
// what Arrow and parquet-mr write). Arithmetic is done in the type's own width with wrap-around,
// so INT32 bit widths never exceed 32 (Arrow rejects wider INT32 miniblocks).
//
// Thread-safety: pure functions. Ownership: inputs are borrowed for the call only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::parquet {

/// Appends the encoding of values[0, count) to *out.
void DeltaBinaryPackedEncode32(const int32_t* values, int64_t count, std::string* out);
void DeltaBinaryPackedEncode64(const int64_t* values, int64_t count, std::string* out);

/// Convenience: encodes the non-null values of an INT32 or INT64 column's rows [begin, end).
void DeltaBinaryPackedEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out);

/// Decodes `count` values (INT32 or INT64 per type), appending them (all valid) to *out.
/// Returns the bytes consumed: the header and every miniblock read (for count equal to the
/// header's total, the whole encoding). Corruption (naming the byte offset) on short data, a
/// count larger than the header's total, a malformed header, a miniblock bit width above the
/// type's width, or an INT32 first value/min delta out of range.
Result<size_t> DeltaBinaryPackedDecode(const uint8_t* data, size_t size, PhysicalType type,
                                       int64_t count, ColumnVector* out);

/// Same for INT32 values decoded into a plain vector (the length streams of the byte-array
/// delta encodings).
Result<size_t> DeltaBinaryPackedDecodeInt32(const uint8_t* data, size_t size, int64_t count,
                                            std::vector<int32_t>* out);

}  // namespace sluice::parquet

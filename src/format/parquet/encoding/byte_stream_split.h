// BYTE_STREAM_SPLIT encoding of the Parquet spec (Encodings.md, "BYTE_STREAM_SPLIT = 9"):
// N values of W bytes are written as W streams of N bytes, stream k holding byte k of every
// value, which makes floating-point data far more compressible. Applies to FLOAT, DOUBLE,
// INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
//
// The stream length depends on N, so the decoder must be given the exact number of encoded
// (non-null) values of the page.
// Thread-safety: pure functions. Ownership: inputs are borrowed for the call only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::parquet {

/// Appends the encoding of the non-null values of col rows [begin, end).
/// REQUIRES: col is FLOAT, DOUBLE, INT32, INT64 or FIXED_LEN_BYTE_ARRAY.
void ByteStreamSplitEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out);

/// Decodes `count` values from data[0, size), appending them (all valid) to *out. Returns the
/// bytes consumed (count * width). Corruption if size < count * width; InvalidArgument for
/// other physical types.
Result<size_t> ByteStreamSplitDecode(const uint8_t* data, size_t size, PhysicalType type,
                                     int32_t type_length, int64_t count, ColumnVector* out);

}  // namespace sluice::parquet

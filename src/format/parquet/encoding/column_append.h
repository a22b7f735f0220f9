// Internal helpers for encoders that walk the non-null values of a ColumnVector and for
// decoders that append decoded values to one.
//
// ColumnVector::Reserve sets an absolute capacity, so calling it once per page with
// size() + count would reallocate (and copy the whole column) on every page; these helpers
// grow geometrically instead.
// Thread-safety: none (they mutate the vector).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/schema.h"
#include "sluice/status.h"

namespace sluice::parquet {

/// Makes room for `rows` more rows (and, for BYTE_ARRAY, `bytes` more value bytes) without
/// shrinking growth to exact fits. REQUIRES: rows and bytes were checked against the input size.
inline void ReserveForAppend(ColumnVector* col, int64_t rows, int64_t bytes) {
  const int64_t want_rows = col->size() + rows;
  const int64_t width = col->width();
  const int64_t want_bytes =
      width > 0 ? want_rows * width : static_cast<int64_t>(col->values().size()) + bytes;
  const auto have_bytes = static_cast<int64_t>(col->values().capacity());
  const bool rows_short =
      width == 0 && static_cast<int64_t>(col->offsets().capacity()) < want_rows + 1;
  if (want_bytes <= have_bytes && !rows_short) return;
  const int64_t grown_rows = std::max(want_rows, col->size() * 2);
  const int64_t grown_bytes = std::max(want_bytes, have_bytes * 2);
  col->Reserve(grown_rows, grown_bytes);
}

/// Appends `count` valid values of width() bytes each from data (count * width() bytes).
inline void AppendFixedValues(ColumnVector* col, const void* data, int64_t count) {
  if (count > 0) col->AppendFixedBatch(data, count);
}

/// Calls fn(run_begin, run_end) for each maximal run of valid rows in [begin, end), in order.
template <typename Fn>
inline void ForEachValidRun(const ColumnVector& col, int64_t begin, int64_t end, Fn&& fn) {
  if (!col.has_nulls()) {
    if (begin < end) fn(begin, end);
    return;
  }
  int64_t row = begin;
  while (row < end) {
    while (row < end && !col.IsValid(row)) ++row;
    const int64_t run_begin = row;
    while (row < end && col.IsValid(row)) ++row;
    if (run_begin < row) fn(run_begin, row);
  }
}

/// Number of valid rows in [begin, end).
inline int64_t CountValid(const ColumnVector& col, int64_t begin, int64_t end) {
  if (!col.has_nulls()) return end - begin;
  int64_t valid = 0;
  ForEachValidRun(col, begin, end,
                  [&](int64_t run_begin, int64_t run_end) { valid += run_end - run_begin; });
  return valid;
}

/// Checks a decoder's arguments: count >= 0 and *out of the decoded physical type (and width).
inline Status CheckDecodeTarget(const char* encoding, PhysicalType type, int32_t type_length,
                                int64_t count, const ColumnVector& out) {
  if (count < 0) {
    return Status::InvalidArgument(std::string(encoding) + ": negative value count " +
                                   std::to_string(count));
  }
  if (type == PhysicalType::kFixedLenByteArray && type_length <= 0) {
    return Status::InvalidArgument(std::string(encoding) +
                                   ": FIXED_LEN_BYTE_ARRAY needs a positive type_length, got " +
                                   std::to_string(type_length));
  }
  if (out.type() != type || out.width() != FixedWidth(type, type_length)) {
    return Status::InvalidArgument(std::string(encoding) + ": output column is " +
                                   PhysicalTypeName(out.type()) + " but the data is " +
                                   PhysicalTypeName(type));
  }
  return Status::OK();
}

inline std::string AtOffset(size_t offset) { return " at byte offset " + std::to_string(offset); }

}  // namespace sluice::parquet

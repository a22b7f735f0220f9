// Min/max/null-count accumulation for one column chunk (and one page, for the page index),
// in the sort order the Parquet spec defines for the column's logical type:
//   signed integers and signed decimals (INT32/INT64), unsigned integers (UINT logical types),
//   FLOAT/DOUBLE with NaN ignored and zero bounds written as -0.0 / +0.0, BOOLEAN false < true,
//   BYTE_ARRAY / FLBA strings and binary compared byte-wise unsigned, and DECIMAL stored in
//   FLBA/BYTE_ARRAY compared as big-endian two's-complement integers.
// Values are kept in their PLAIN encoding without length prefix, which is what the
// `min_value`/`max_value` fields of the footer hold.
// Thread-safety: none; one per column writer.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice::parquet {

enum class SortOrder { kSigned, kUnsigned, kFloat, kBytes, kSignedBigEndian, kNone };

/// The sort order the spec assigns to a column (kNone: no statistics, e.g. INT96).
SortOrder SortOrderFor(const ColumnSchema& column);

/// Compares two PLAIN-encoded (no length prefix) values under `order`: <0, 0, >0.
int CompareStatValues(SortOrder order, PhysicalType type, std::string_view lhs,
                      std::string_view rhs);

class StatisticsCollector {
 public:
  StatisticsCollector(const ColumnSchema& column);

  /// Accumulates rows [begin, end) of `col` (nulls counted, not compared).
  void Update(const ColumnVector& col, int64_t begin, int64_t end);
  void Merge(const StatisticsCollector& other);
  void Reset();

  int64_t null_count() const { return null_count_; }
  bool has_min_max() const { return has_min_max_ && !too_long_; }
  const std::string& min() const { return min_; }
  const std::string& max() const { return max_; }

 private:
  template <typename T, typename Less>
  void UpdateFixed(const ColumnVector& col, int64_t begin, int64_t end, Less less);
  void UpdateBytes(const ColumnVector& col, int64_t begin, int64_t end);
  void Offer(std::string_view value);

  SortOrder order_;
  PhysicalType type_;
  bool is_unsigned_ = false;
  int64_t null_count_ = 0;
  bool has_min_max_ = false;
  bool too_long_ = false;  // a value passed kMaxStatBytes: min/max dropped for this chunk
  std::string min_;
  std::string max_;
};

}  // namespace sluice::parquet

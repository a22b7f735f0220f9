// Helpers shared by the encoding tests: column builders and comparisons.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "sluice/column_batch.h"

namespace sluice::parquet::testing {

inline const uint8_t* Bytes(const std::string& text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

/// A column of `type` built from fixed-width values; rows listed in null_rows are null.
template <typename T>
ColumnVector MakeFixedColumn(PhysicalType type, const std::vector<T>& values,
                             const std::vector<int64_t>& null_rows = {}) {
  ColumnVector col(type, static_cast<int32_t>(sizeof(T)));
  col.Clear();
  size_t next_null = 0;
  for (size_t row = 0; row < values.size(); ++row) {
    if (next_null < null_rows.size() && null_rows[next_null] == static_cast<int64_t>(row)) {
      col.AppendNull();
      ++next_null;
    } else {
      col.Append(values[row]);
    }
  }
  return col;
}

inline ColumnVector MakeBytesColumn(const std::vector<std::string>& values,
                                    const std::vector<int64_t>& null_rows = {}) {
  ColumnVector col(PhysicalType::kByteArray, 0);
  col.Clear();
  size_t next_null = 0;
  for (size_t row = 0; row < values.size(); ++row) {
    if (next_null < null_rows.size() && null_rows[next_null] == static_cast<int64_t>(row)) {
      col.AppendNull();
      ++next_null;
    } else {
      col.AppendBytes(values[row]);
    }
  }
  return col;
}

inline ColumnVector MakeFlbaColumn(int32_t width, const std::vector<std::string>& values,
                                   const std::vector<int64_t>& null_rows = {}) {
  ColumnVector col(PhysicalType::kFixedLenByteArray, width);
  col.Clear();
  size_t next_null = 0;
  for (size_t row = 0; row < values.size(); ++row) {
    if (next_null < null_rows.size() && null_rows[next_null] == static_cast<int64_t>(row)) {
      col.AppendNull();
      ++next_null;
    } else {
      col.AppendFixed(values[row].data());
    }
  }
  return col;
}

/// The valid values of col as byte strings (so any type can be compared).
inline std::vector<std::string> ValidValues(const ColumnVector& col) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < col.size(); ++row) {
    if (!col.IsValid(row)) continue;
    if (col.width() > 0) {
      out.emplace_back(reinterpret_cast<const char*>(col.FixedAt(row)),
                       static_cast<size_t>(col.width()));
    } else {
      out.emplace_back(col.BytesAt(row));
    }
  }
  return out;
}

inline std::vector<std::string> RandomStrings(size_t count, size_t max_len, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (size_t index = 0; index < count; ++index) {
    std::string value(rng() % (max_len + 1), '\0');
    for (char& ch : value) ch = static_cast<char>('a' + rng() % 26);
    out.push_back(std::move(value));
  }
  return out;
}

}  // namespace sluice::parquet::testing

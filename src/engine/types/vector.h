// Vector and DataChunk: the columnar batches that flow between the engine's operators.
//
// A Vector holds one column of one type. Values live in the typed array matching the type's
// Storage (u8 for BOOLEAN, i64 for INTEGER/BIGINT/DATE/TIMESTAMP, i128 for HUGEINT/DECIMAL, f64
// for DOUBLE, offsets+chars for VARCHAR/BLOB). `nulls` is empty when no row is NULL, else one
// byte per row (1 = NULL); a NULL row's slot holds a zero/empty value.
// Invariant: the typed array (or offsets.size()-1) has exactly size() entries.
// Thread-safety: none; a chunk is owned by one operator at a time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types/large_array.h"
#include "engine/types/value.h"

namespace sluice::engine {

class Vector {
 public:
  Vector() = default;
  explicit Vector(SqlType type) : type_(type) {}

  const SqlType& type() const { return type_; }
  int64_t size() const { return size_; }
  bool IsNull(int64_t row) const { return !nulls_.empty() && nulls_[static_cast<size_t>(row)]; }
  bool has_nulls() const { return !nulls_.empty(); }

  // Typed views (REQUIRES: the matching storage).
  ColumnArray<uint8_t>& u8() { return u8_; }
  ColumnArray<int64_t>& i64() { return i64_; }
  ColumnArray<int128>& i128() { return i128_; }
  ColumnArray<double>& f64() { return f64_; }
  const ColumnArray<uint8_t>& u8() const { return u8_; }
  const ColumnArray<int64_t>& i64() const { return i64_; }
  const ColumnArray<int128>& i128() const { return i128_; }
  const ColumnArray<double>& f64() const { return f64_; }
  ColumnArray<uint8_t>& nulls() { return nulls_; }
  const ColumnArray<uint8_t>& nulls() const { return nulls_; }
  /// Raw VARCHAR/BLOB storage: string r is str_chars()[str_offsets()[r], str_offsets()[r + 1]).
  const uint32_t* str_offsets() const { return offsets_.data(); }
  const char* str_chars() const { return chars_.data(); }
  std::string_view Str(int64_t row) const {
    auto idx = static_cast<size_t>(row);
    return std::string_view(chars_).substr(offsets_[idx], offsets_[idx + 1] - offsets_[idx]);
  }

  void Reserve(int64_t rows);
  /// Reserves room for `bytes` of string data (VARCHAR/BLOB).
  void ReserveChars(int64_t bytes) { chars_.reserve(static_cast<size_t>(bytes)); }
  /// Bytes of string data held (VARCHAR/BLOB).
  int64_t chars_size() const { return static_cast<int64_t>(chars_.size()); }
  void Clear();
  /// Sets size() after the typed array was filled directly (nulls stays as is or empty).
  void SetSize(int64_t rows) { size_ = rows; }
  /// Changes the type to one with the same storage (e.g. INTEGER -> BIGINT); values are kept.
  void Retype(const SqlType& type) { type_ = type; }
  /// Marks `row` NULL (allocating the null map on first use).
  void SetNull(int64_t row);

  void AppendNull();
  void AppendValue(const Value& value);
  void AppendStr(std::string_view text);
  /// Appends `count` strings stored back to back in `chars`: string i is
  /// chars[offsets[i], offsets[i + 1]) (offsets has count + 1 entries).
  void AppendStrings(const char* chars, const uint32_t* offsets, int64_t count);
  /// Appends src[row] (same storage).
  void AppendFrom(const Vector& src, int64_t row);
  /// Appends src[rows[0..count)] (same storage).
  void AppendGather(const Vector& src, const uint32_t* rows, int64_t count);
  /// Appends `count` NULLs.
  void AppendNulls(int64_t count);
  Value GetValue(int64_t row) const;
  /// A vector of `count` copies of `value`.
  static Vector Constant(const Value& value, int64_t count);

  /// Heap bytes held (capacity): what memory budgets count.
  int64_t allocated_bytes() const;

 private:
  SqlType type_;
  int64_t size_ = 0;
  ColumnArray<uint8_t> nulls_;
  ColumnArray<uint8_t> u8_;
  ColumnArray<int64_t> i64_;
  ColumnArray<int128> i128_;
  ColumnArray<double> f64_;
  ColumnArray<uint32_t> offsets_{0};
  ColumnChars chars_;
};

/// Rows of several columns; all columns have size() rows.
struct DataChunk {
  std::vector<Vector> columns;
  int64_t size = 0;

  DataChunk() = default;
  explicit DataChunk(const std::vector<SqlType>& types) {
    for (const auto& type : types) columns.emplace_back(type);
  }
  void AppendRow(const DataChunk& src, int64_t row) {
    for (size_t col = 0; col < columns.size(); ++col)
      columns[col].AppendFrom(src.columns[col], row);
    ++size;
  }
  int64_t allocated_bytes() const {
    int64_t total = 0;
    for (const auto& column : columns) total += column.allocated_bytes();
    return total;
  }
  std::vector<SqlType> types() const {
    std::vector<SqlType> out;
    for (const auto& column : columns) out.push_back(column.type());
    return out;
  }
};

/// Rows per chunk produced by operators: large enough to amortise per-chunk work, small enough
/// to stay in cache (DuckDB uses 2048; we batch more since our kernels are simpler loops).
constexpr int64_t kChunkRows = 4096;

}  // namespace sluice::engine

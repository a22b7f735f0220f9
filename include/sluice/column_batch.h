// ColumnBatch: a bounded set of rows in columnar form, the unit that flows between a source,
// casts/validation, the Parquet writer, the Parquet reader and the query engine.
//
// Values are stored in their Parquet physical representation (a DATE is an int32 of days, a
// TIMESTAMP an int64 of micros, a DECIMAL its big-endian unscaled bytes or int32/int64), so the
// writer encodes without conversion and the reader decodes without interpretation.
//
// Layout per column (Arrow-like):
//   - validity: one bit per row, LSB first; bit set = value present. Empty means "no nulls".
//   - fixed-width types (BOOLEAN as 1 byte 0/1, INT32, INT64, INT96 (12 bytes), FLOAT, DOUBLE,
//     FLBA): `values` holds num_rows * width bytes, little-endian; a null row's slot is
//     present but its bytes are unspecified (zero by convention).
//   - BYTE_ARRAY: `offsets` holds num_rows + 1 uint32 offsets into `values`; a null row has an
//     empty span.
// Thread-safety: none; a batch is owned by one stage at a time. Buffers are reused by Clear().
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "sluice/schema.h"

namespace sluice {

class ColumnVector {
 public:
  ColumnVector() = default;
  ColumnVector(PhysicalType type, int32_t type_length)
      : type_(type), width_(FixedWidth(type, type_length)) {}

  PhysicalType type() const { return type_; }
  int32_t width() const { return width_; }  // 0 for BYTE_ARRAY
  int64_t size() const { return size_; }
  int64_t null_count() const { return null_count_; }
  bool has_nulls() const { return null_count_ > 0; }

  bool IsValid(int64_t row) const {
    return validity_.empty() || ((validity_[static_cast<size_t>(row >> 3)] >> (row & 7)) & 1);
  }

  // --- appending (sources, casts, readers) ---
  void AppendNull();
  /// Appends `width()` bytes from `data`.
  void AppendFixed(const void* data) {
    MarkValid();
    values_.insert(values_.end(), static_cast<const uint8_t*>(data),
                   static_cast<const uint8_t*>(data) + width_);
    ++size_;
  }
  /// Appends `count` valid values of `width()` bytes each, read from `data` (count * width()
  /// bytes): the bulk path of decoders.
  void AppendFixedBatch(const void* data, int64_t count) {
    if (!validity_.empty()) {
      for (int64_t row = 0; row < count; ++row) SetValidityBit(size_ + row, true);
    }
    const auto* bytes = static_cast<const uint8_t*>(data);
    values_.insert(values_.end(), bytes, bytes + count * width_);
    size_ += count;
  }
  template <typename T>
  void Append(T value) {
    static_assert(std::is_trivially_copyable_v<T>);
    AppendFixed(&value);
  }
  void AppendBytes(std::string_view bytes);
  void Reserve(int64_t rows, int64_t bytes_hint = 0);
  void Clear();

  // --- reading (writers, engine) ---
  template <typename T>
  T Get(int64_t row) const {
    T out;
    std::memcpy(&out, values_.data() + row * width_, sizeof(T));
    return out;
  }
  const uint8_t* FixedAt(int64_t row) const { return values_.data() + row * width_; }
  std::string_view BytesAt(int64_t row) const {
    return {reinterpret_cast<const char*>(values_.data()) + offsets_[static_cast<size_t>(row)],
            offsets_[static_cast<size_t>(row) + 1] - offsets_[static_cast<size_t>(row)]};
  }

  const std::vector<uint8_t>& validity() const { return validity_; }
  const std::vector<uint8_t>& values() const { return values_; }
  const std::vector<uint32_t>& offsets() const { return offsets_; }

  /// Heap bytes held (capacity, not size): what a memory budget must account for.
  int64_t allocated_bytes() const {
    return static_cast<int64_t>(validity_.capacity() + values_.capacity() +
                                offsets_.capacity() * sizeof(uint32_t));
  }

 private:
  void MarkValid() {
    if (!validity_.empty()) SetValidityBit(size_, true);
  }
  void SetValidityBit(int64_t row, bool valid);

  PhysicalType type_ = PhysicalType::kInt64;
  int32_t width_ = 8;
  int64_t size_ = 0;
  int64_t null_count_ = 0;
  std::vector<uint8_t> validity_;
  std::vector<uint8_t> values_;
  std::vector<uint32_t> offsets_;  // BYTE_ARRAY only; starts as {0}
};

/// Rows of one schema, column by column. All columns have num_rows() entries.
class ColumnBatch {
 public:
  ColumnBatch() = default;
  explicit ColumnBatch(const Schema& schema);

  int num_columns() const { return static_cast<int>(columns_.size()); }
  int64_t num_rows() const { return columns_.empty() ? 0 : columns_[0].size(); }
  ColumnVector& column(int index) { return columns_[static_cast<size_t>(index)]; }
  const ColumnVector& column(int index) const { return columns_[static_cast<size_t>(index)]; }
  std::vector<ColumnVector>& columns() { return columns_; }
  void Clear();
  int64_t allocated_bytes() const;

 private:
  std::vector<ColumnVector> columns_;
};

}  // namespace sluice

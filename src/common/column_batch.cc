#include "sluice/column_batch.h"

namespace sluice {

void ColumnVector::SetValidityBit(int64_t row, bool valid) {
  size_t byte = static_cast<size_t>(row >> 3);
  if (validity_.size() <= byte) validity_.resize(byte + 1, 0);
  auto mask = static_cast<uint8_t>(1u << (row & 7));
  if (valid) {
    validity_[byte] = static_cast<uint8_t>(validity_[byte] | mask);
  } else {
    validity_[byte] = static_cast<uint8_t>(validity_[byte] & ~mask);
  }
}

void ColumnVector::AppendNull() {
  if (validity_.empty()) {
    // First null: materialise the bitmap with every earlier row marked valid.
    validity_.assign(static_cast<size_t>((size_ + 8) / 8), 0xFF);
  }
  SetValidityBit(size_, false);
  if (width_ > 0) {
    values_.resize(values_.size() + static_cast<size_t>(width_), 0);
  } else {
    if (offsets_.empty()) offsets_.push_back(0);
    offsets_.push_back(offsets_.back());
  }
  ++size_;
  ++null_count_;
}

void ColumnVector::AppendBytes(std::string_view bytes) {
  MarkValid();
  if (offsets_.empty()) offsets_.push_back(0);
  // Same element type on both sides, so this is one memmove (char iterators would copy bytes
  // one at a time through a conversion).
  const auto* data = reinterpret_cast<const uint8_t*>(bytes.data());
  values_.insert(values_.end(), data, data + bytes.size());
  offsets_.push_back(static_cast<uint32_t>(values_.size()));
  ++size_;
}

void ColumnVector::Reserve(int64_t rows, int64_t bytes_hint) {
  if (width_ > 0) {
    values_.reserve(static_cast<size_t>(rows * width_));
  } else {
    offsets_.reserve(static_cast<size_t>(rows + 1));
    values_.reserve(static_cast<size_t>(bytes_hint));
  }
}

void ColumnVector::Clear() {
  size_ = 0;
  null_count_ = 0;
  validity_.clear();
  values_.clear();
  offsets_.clear();
  if (width_ == 0) offsets_.push_back(0);
}

ColumnBatch::ColumnBatch(const Schema& schema) {
  columns_.reserve(schema.columns.size());
  for (const auto& col : schema.columns) {
    columns_.emplace_back(col.physical, col.type_length);
    columns_.back().Clear();
  }
}

void ColumnBatch::Clear() {
  for (auto& col : columns_) col.Clear();
}

int64_t ColumnBatch::allocated_bytes() const {
  int64_t total = 0;
  for (const auto& col : columns_) total += col.allocated_bytes();
  return total;
}

}  // namespace sluice

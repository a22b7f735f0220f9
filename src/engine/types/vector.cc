#include "engine/types/vector.h"

#include <cstring>

namespace sluice::engine {

void Vector::Reserve(int64_t rows) {
  auto count = static_cast<size_t>(rows);
  switch (type_.storage()) {
    case Storage::kU8:
      u8_.reserve(count);
      break;
    case Storage::kI64:
      i64_.reserve(count);
      break;
    case Storage::kI128:
      i128_.reserve(count);
      break;
    case Storage::kF64:
      f64_.reserve(count);
      break;
    case Storage::kStr:
      offsets_.reserve(count + 1);
      break;
  }
}

void Vector::Clear() {
  size_ = 0;
  nulls_.clear();
  u8_.clear();
  i64_.clear();
  i128_.clear();
  f64_.clear();
  offsets_.assign(1, 0);
  chars_.clear();
}

void Vector::SetNull(int64_t row) {
  if (nulls_.empty()) nulls_.assign(static_cast<size_t>(size_), 0);
  nulls_[static_cast<size_t>(row)] = 1;
}

void Vector::AppendNull() {
  if (nulls_.empty()) nulls_.assign(static_cast<size_t>(size_), 0);
  nulls_.push_back(1);
  switch (type_.storage()) {
    case Storage::kU8:
      u8_.push_back(0);
      break;
    case Storage::kI64:
      i64_.push_back(0);
      break;
    case Storage::kI128:
      i128_.push_back(0);
      break;
    case Storage::kF64:
      f64_.push_back(0);
      break;
    case Storage::kStr:
      offsets_.push_back(static_cast<uint32_t>(chars_.size()));
      break;
  }
  ++size_;
}

void Vector::AppendNulls(int64_t count) {
  for (int64_t row = 0; row < count; ++row) AppendNull();
}

void Vector::AppendStr(std::string_view text) {
  if (!nulls_.empty()) nulls_.push_back(0);
  chars_.append(text);
  offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  ++size_;
}

void Vector::AppendValue(const Value& value) {
  if (value.is_null) {
    AppendNull();
    return;
  }
  switch (type_.storage()) {
    case Storage::kU8:
      u8_.push_back(static_cast<uint8_t>(value.i64 != 0));
      break;
    case Storage::kI64:
      i64_.push_back(value.i64);
      break;
    case Storage::kI128:
      i128_.push_back(value.i128);
      break;
    case Storage::kF64:
      f64_.push_back(value.f64);
      break;
    case Storage::kStr:
      AppendStr(value.str);
      return;
  }
  if (!nulls_.empty()) nulls_.push_back(0);
  ++size_;
}

void Vector::AppendFrom(const Vector& src, int64_t row) {
  if (src.IsNull(row)) {
    AppendNull();
    return;
  }
  auto idx = static_cast<size_t>(row);
  switch (type_.storage()) {
    case Storage::kU8:
      u8_.push_back(src.u8_[idx]);
      break;
    case Storage::kI64:
      i64_.push_back(src.i64_[idx]);
      break;
    case Storage::kI128:
      i128_.push_back(src.i128_[idx]);
      break;
    case Storage::kF64:
      f64_.push_back(src.f64_[idx]);
      break;
    case Storage::kStr:
      AppendStr(src.Str(row));
      return;
  }
  if (!nulls_.empty()) nulls_.push_back(0);
  ++size_;
}

namespace {

template <typename T>
void GatherInto(LargeVector<T>& out, const LargeVector<T>& in, const uint32_t* rows,
                int64_t count) {
  size_t base = out.size();
  out.resize(base + static_cast<size_t>(count));
  T* dst = out.data() + base;
  const T* src = in.data();
  for (int64_t idx = 0; idx < count; ++idx) dst[idx] = src[rows[idx]];
}

}  // namespace

void Vector::AppendGather(const Vector& src, const uint32_t* rows, int64_t count) {
  if (src.has_nulls() || has_nulls()) {
    if (nulls_.empty()) nulls_.assign(static_cast<size_t>(size_), 0);
    size_t base = nulls_.size();
    nulls_.resize(base + static_cast<size_t>(count), 0);
    if (src.has_nulls()) {
      for (int64_t idx = 0; idx < count; ++idx)
        nulls_[base + static_cast<size_t>(idx)] = src.nulls_[rows[idx]];
    }
  }
  switch (type_.storage()) {
    case Storage::kU8:
      GatherInto(u8_, src.u8_, rows, count);
      break;
    case Storage::kI64:
      GatherInto(i64_, src.i64_, rows, count);
      break;
    case Storage::kI128:
      GatherInto(i128_, src.i128_, rows, count);
      break;
    case Storage::kF64:
      GatherInto(f64_, src.f64_, rows, count);
      break;
    case Storage::kStr: {
      size_t total = 0;
      for (int64_t idx = 0; idx < count; ++idx) {
        total += src.offsets_[rows[idx] + 1] - src.offsets_[rows[idx]];
      }
      size_t pos = chars_.size();
      chars_.resize(pos + total);
      size_t base = offsets_.size();
      offsets_.resize(base + static_cast<size_t>(count));
      for (int64_t idx = 0; idx < count; ++idx) {
        uint32_t begin = src.offsets_[rows[idx]];
        uint32_t length = src.offsets_[rows[idx] + 1] - begin;
        std::memcpy(chars_.data() + pos, src.chars_.data() + begin, length);
        pos += length;
        offsets_[base + static_cast<size_t>(idx)] = static_cast<uint32_t>(pos);
      }
      break;
    }
  }
  size_ += count;
}

Value Vector::GetValue(int64_t row) const {
  if (IsNull(row)) return Value::Null(type_);
  Value out{type_, false};
  auto idx = static_cast<size_t>(row);
  switch (type_.storage()) {
    case Storage::kU8:
      out.i64 = u8_[idx];
      break;
    case Storage::kI64:
      out.i64 = i64_[idx];
      break;
    case Storage::kI128:
      out.i128 = i128_[idx];
      break;
    case Storage::kF64:
      out.f64 = f64_[idx];
      break;
    case Storage::kStr:
      out.str = std::string(Str(row));
      break;
  }
  return out;
}

Vector Vector::Constant(const Value& value, int64_t count) {
  Vector out(value.type);
  out.Reserve(count);
  for (int64_t row = 0; row < count; ++row) out.AppendValue(value);
  return out;
}

int64_t Vector::allocated_bytes() const {
  return static_cast<int64_t>(nulls_.capacity() + u8_.capacity() + i64_.capacity() * 8 +
                              i128_.capacity() * 16 + f64_.capacity() * 8 +
                              offsets_.capacity() * 4 + chars_.capacity()) +
         static_cast<int64_t>(sizeof(Vector));
}

}  // namespace sluice::engine

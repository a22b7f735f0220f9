#include "engine/types/vector.h"

#include <cstring>

#include "engine/types/copy_bytes.h"

namespace sluice::engine {

namespace {

// Sources with more rows than this are not in cache: gathers prefetch rows ahead, so the misses
// of a chunk overlap instead of being paid one row at a time (join output from a big build side).
constexpr size_t kPrefetchRows = 1 << 16;
constexpr int64_t kPrefetchAhead = 16;

template <typename T>
void GatherInto(ColumnArray<T>& out, const ColumnArray<T>& in, const uint32_t* rows,
                int64_t count) {
  size_t base = out.size();
  out.resize(base + static_cast<size_t>(count));
  T* dst = out.data() + base;
  const T* src = in.data();
  if (in.size() < kPrefetchRows) {
    for (int64_t idx = 0; idx < count; ++idx) dst[idx] = src[rows[idx]];
    return;
  }
  for (int64_t idx = 0; idx < count; ++idx) {
    if (idx + kPrefetchAhead < count) __builtin_prefetch(&src[rows[idx + kPrefetchAhead]]);
    dst[idx] = src[rows[idx]];
  }
}

}  // namespace

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
  size_t pos = chars_.size();
  chars_.resize(pos + text.size());
  CopyBytes(chars_.data() + pos, text.data(), text.size());
  offsets_.push_back(static_cast<uint32_t>(chars_.size()));
  ++size_;
}

void Vector::AppendStrings(const char* chars, const uint32_t* offsets, int64_t count) {
  if (!nulls_.empty()) nulls_.resize(nulls_.size() + static_cast<size_t>(count), 0);
  uint32_t first = offsets[0];
  auto pos = static_cast<uint32_t>(chars_.size());
  chars_.append(chars + first, offsets[count] - first);
  size_t base = offsets_.size();
  offsets_.resize(base + static_cast<size_t>(count));
  for (int64_t idx = 0; idx < count; ++idx) {
    offsets_[base + static_cast<size_t>(idx)] = pos + (offsets[idx + 1] - first);
  }
  size_ += count;
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
      // First pass: where each string is (and prefetching it); second pass: the copies.
      bool prefetch = src.size_ >= static_cast<int64_t>(kPrefetchRows);
      size_t base = offsets_.size();
      offsets_.resize(base + static_cast<size_t>(count));
      uint32_t* ends = offsets_.data() + base;  // holds each string's source offset meanwhile
      size_t total = 0;
      const uint32_t* src_offsets = src.offsets_.data();
      for (int64_t idx = 0; idx < count; ++idx) {
        if (prefetch && idx + kPrefetchAhead < count) {
          __builtin_prefetch(&src_offsets[rows[idx + kPrefetchAhead]]);
        }
        uint32_t begin = src_offsets[rows[idx]];
        if (prefetch) __builtin_prefetch(src.chars_.data() + begin);
        ends[idx] = begin;
        total += src_offsets[rows[idx] + 1] - begin;
      }
      size_t pos = chars_.size();
      chars_.resize(pos + total);
      char* dst = chars_.data();
      const char* from = src.chars_.data();
      for (int64_t idx = 0; idx < count; ++idx) {
        uint32_t begin = ends[idx];
        uint32_t length = src_offsets[rows[idx] + 1] - begin;
        CopyBytes(dst + pos, from + begin, length);
        pos += length;
        ends[idx] = static_cast<uint32_t>(pos);
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

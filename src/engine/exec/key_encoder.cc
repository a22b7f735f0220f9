#include "engine/exec/key_encoder.h"

#include <cmath>
#include <cstring>

namespace sluice::engine {

namespace {

// MurmurHash3's 64-bit finalizer: every input bit affects every output bit, so both the low
// bits (hash table slots) and the high bits (tags, spill partitions) are well distributed.
uint64_t Finalize(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

}  // namespace

uint64_t HashBytes(std::string_view bytes) {
  // Odd multipliers from MurmurHash64A and xxHash; rotations spread each word before the next.
  constexpr uint64_t kMul1 = 0xc6a4a7935bd1e995ULL;
  constexpr uint64_t kMul2 = 0x9E3779B185EBCA87ULL;
  uint64_t hash = 0x9E3779B97F4A7C15ULL ^ bytes.size();
  size_t pos = 0;
  for (; pos + 8 <= bytes.size(); pos += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + pos, 8);
    hash ^= word * kMul1;
    hash = ((hash << 27) | (hash >> 37)) * kMul2;
  }
  if (pos < bytes.size()) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + pos, bytes.size() - pos);
    hash ^= word * kMul1;
    hash = ((hash << 27) | (hash >> 37)) * kMul2;
  }
  return Finalize(hash);
}

namespace {

int FixedKeyWidth(const Vector& key) {
  switch (key.type().storage()) {
    case Storage::kU8:
      return 1;
    case Storage::kI64:
      return 8;
    case Storage::kI128:
      return 16;
    case Storage::kF64:
      return 8;
    case Storage::kStr:
      return -1;
  }
  return -1;
}

// All keys fixed-width: every encoded key has the same length, written in place.
void EncodeFixedKeys(const std::vector<const Vector*>& keys, int64_t count, size_t length,
                     EncodedKeys* out) {
  auto rows = static_cast<size_t>(count);
  out->buffer.assign(rows * length, '\0');
  out->offsets.resize(rows + 1);
  for (size_t row = 0; row <= rows; ++row) out->offsets[row] = static_cast<uint32_t>(row * length);
  char* base = out->buffer.data();
  size_t field = 0;
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(*key);
    bool nullable = key->has_nulls();
    for (size_t row = 0; row < rows; ++row) {
      char* dst = base + row * length + field;
      if (nullable && key->nulls()[row]) {
        out->has_null[row] = 1;
        continue;  // flag 0 and zero bytes
      }
      dst[0] = 1;
      switch (key->type().storage()) {
        case Storage::kU8:
          dst[1] = static_cast<char>(key->u8()[row]);
          break;
        case Storage::kI64:
          std::memcpy(dst + 1, &key->i64()[row], 8);
          break;
        case Storage::kI128:
          std::memcpy(dst + 1, &key->i128()[row], 16);
          break;
        case Storage::kF64: {
          double value = key->f64()[row];
          if (value == 0) value = 0;  // folds -0.0
          if (std::isnan(value)) value = std::nan("");
          std::memcpy(dst + 1, &value, 8);
          break;
        }
        case Storage::kStr:
          break;
      }
    }
    field += static_cast<size_t>(width) + 1;
  }
  for (size_t row = 0; row < rows; ++row) {
    out->hashes[row] = HashBytes(std::string_view(base + row * length, length));
  }
}

}  // namespace

void EncodeKeys(const std::vector<const Vector*>& keys, int64_t count, EncodedKeys* out) {
  size_t fixed_length = 0;
  bool all_fixed = true;
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(*key);
    all_fixed = all_fixed && width >= 0;
    fixed_length += static_cast<size_t>(width) + 1;
  }
  if (all_fixed) {
    out->hashes.resize(static_cast<size_t>(count));
    out->has_null.assign(static_cast<size_t>(count), 0);
    EncodeFixedKeys(keys, count, fixed_length, out);
    return;
  }
  // Mixed keys (some text): size every row first, then write column by column in place.
  auto rows = static_cast<size_t>(count);
  out->hashes.resize(rows);
  out->has_null.assign(rows, 0);
  out->offsets.assign(rows + 1, 0);
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(*key);
    for (size_t row = 0; row < rows; ++row) {
      size_t length = 1;
      if (!key->IsNull(static_cast<int64_t>(row))) {
        length += width >= 0 ? static_cast<size_t>(width)
                             : 4 + key->Str(static_cast<int64_t>(row)).size();
      }
      out->offsets[row + 1] += static_cast<uint32_t>(length);
    }
  }
  for (size_t row = 0; row < rows; ++row) out->offsets[row + 1] += out->offsets[row];
  out->buffer.assign(out->offsets[rows], '\0');
  std::vector<uint32_t> cursor(out->offsets.begin(), out->offsets.end() - 1);
  char* base = out->buffer.data();
  for (const Vector* key : keys) {
    for (size_t row = 0; row < rows; ++row) {
      char* dst = base + cursor[row];
      if (key->IsNull(static_cast<int64_t>(row))) {
        out->has_null[row] = 1;
        cursor[row] += 1;
        continue;
      }
      dst[0] = 1;
      switch (key->type().storage()) {
        case Storage::kU8:
          dst[1] = static_cast<char>(key->u8()[row]);
          cursor[row] += 2;
          break;
        case Storage::kI64:
          std::memcpy(dst + 1, &key->i64()[row], 8);
          cursor[row] += 9;
          break;
        case Storage::kI128:
          std::memcpy(dst + 1, &key->i128()[row], 16);
          cursor[row] += 17;
          break;
        case Storage::kF64: {
          double value = key->f64()[row];
          if (value == 0) value = 0;  // folds -0.0
          if (std::isnan(value)) value = std::nan("");
          std::memcpy(dst + 1, &value, 8);
          cursor[row] += 9;
          break;
        }
        case Storage::kStr: {
          auto text = key->Str(static_cast<int64_t>(row));
          auto length = static_cast<uint32_t>(text.size());
          std::memcpy(dst + 1, &length, 4);
          std::memcpy(dst + 5, text.data(), text.size());
          cursor[row] += 5 + length;
          break;
        }
      }
    }
  }
  for (size_t row = 0; row < rows; ++row) out->hashes[row] = HashBytes(out->Key(row));
}

}  // namespace sluice::engine

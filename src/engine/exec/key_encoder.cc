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

void EncodeKeys(const std::vector<const Vector*>& keys, int64_t count, EncodedKeys* out) {
  out->buffer.clear();
  out->offsets.assign(1, 0);
  out->hashes.resize(static_cast<size_t>(count));
  out->has_null.assign(static_cast<size_t>(count), 0);
  for (int64_t row = 0; row < count; ++row) {
    auto idx = static_cast<size_t>(row);
    for (const Vector* key : keys) {
      if (key->IsNull(row)) {
        out->buffer.push_back('\0');
        out->has_null[idx] = 1;
        continue;
      }
      out->buffer.push_back('\1');
      switch (key->type().storage()) {
        case Storage::kU8: out->buffer.push_back(static_cast<char>(key->u8()[idx])); break;
        case Storage::kI64:
          out->buffer.append(reinterpret_cast<const char*>(&key->i64()[idx]), 8);
          break;
        case Storage::kI128:
          out->buffer.append(reinterpret_cast<const char*>(&key->i128()[idx]), 16);
          break;
        case Storage::kF64: {
          double value = key->f64()[idx];
          if (value == 0) value = 0;  // folds -0.0
          if (std::isnan(value)) value = std::nan("");
          out->buffer.append(reinterpret_cast<const char*>(&value), 8);
          break;
        }
        case Storage::kStr: {
          auto text = key->Str(row);
          auto length = static_cast<uint32_t>(text.size());
          out->buffer.append(reinterpret_cast<const char*>(&length), 4);
          out->buffer.append(text);
          break;
        }
      }
    }
    out->offsets.push_back(static_cast<uint32_t>(out->buffer.size()));
    out->hashes[idx] = HashBytes(out->Key(idx));
  }
}

}  // namespace sluice::engine

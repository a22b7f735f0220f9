#include "engine/exec/key_encoder.h"

#include <cmath>
#include <cstring>

namespace sluice::engine {

uint64_t HashBytes(std::string_view bytes) {
  // Constants from MurmurHash64A / splitmix64: well-distributed odd multipliers.
  constexpr uint64_t kMul = 0xc6a4a7935bd1e995ULL;
  uint64_t hash = 0x9E3779B97F4A7C15ULL ^ (bytes.size() * kMul);
  size_t pos = 0;
  for (; pos + 8 <= bytes.size(); pos += 8) {
    uint64_t word;
    std::memcpy(&word, bytes.data() + pos, 8);
    word *= kMul;
    word ^= word >> 47;
    word *= kMul;
    hash ^= word;
    hash *= kMul;
  }
  if (pos < bytes.size()) {
    uint64_t word = 0;
    std::memcpy(&word, bytes.data() + pos, bytes.size() - pos);
    hash ^= word;
    hash *= kMul;
  }
  hash ^= hash >> 47;
  hash *= kMul;
  hash ^= hash >> 47;
  return hash;
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

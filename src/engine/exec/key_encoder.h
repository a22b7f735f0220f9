// Key encoding for hash tables: the key columns of a row become one byte string (a NULL flag per
// column, then fixed-width bytes or length-prefixed text), so equal keys give equal bytes and a
// hash table compares keys with memcmp; DecodeKey turns one back into values. When every column
// is fixed-width a NULL keeps its zeroed value bytes, so all keys have one length; otherwise a
// NULL is the flag byte alone. -0.0 is folded into 0.0 and every NaN into one NaN so
// the bytes follow SQL equality of doubles.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types/vector.h"

namespace sluice::engine {

/// Encoded keys of `count` rows: row r is buffer[offsets[r] .. offsets[r+1]).
struct EncodedKeys {
  std::string buffer;
  std::vector<uint32_t> offsets;
  std::vector<uint64_t> hashes;
  std::vector<uint8_t> has_null;  // 1 when any key column of the row is NULL
  int64_t fixed_length = -1;      // every key's length when all are equal (fixed-width columns)

  std::string_view Key(size_t row) const {
    return std::string_view(buffer).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

void EncodeKeys(const std::vector<const Vector*>& keys, int64_t count, EncodedKeys* out);

/// The length of every encoded key of these column types when all are fixed-width, else -1.
int64_t FixedKeyLength(const std::vector<SqlType>& types);
/// Appends the values of one encoded key (from EncodeKeys over columns of `types`;
/// `all_fixed`: FixedKeyLength(types) >= 0) to the columns of *out. Doubles come back normalized
/// (-0.0 as 0.0, one NaN), as they were compared.
void DecodeKey(std::string_view key, const std::vector<SqlType>& types, bool all_fixed,
               DataChunk* out);

/// MurmurHash3's 64-bit finalizer: every input bit affects every output bit, so both the low
/// bits (hash table slots) and the high bits (tags, spill partitions) are well distributed.
inline uint64_t FinalizeHash(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  hash ^= hash >> 33;
  return hash;
}

/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words). Inline: hashing runs per
/// row, and with a constant length (a fixed-width key) the compiler drops the loop.
inline uint64_t HashBytes(std::string_view bytes) {
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
    // 1 to 7 trailing bytes, read with fixed-size loads (a variable-length memcpy is a call;
    // this runs for every 9-byte single-column key). Overlapping reads are fine: the length is
    // already in the seed, so every input still maps to one word.
    const auto* tail = reinterpret_cast<const unsigned char*>(bytes.data() + pos);
    size_t rest = bytes.size() - pos;
    uint64_t word;
    if (rest >= 4) {
      uint32_t low;
      uint32_t high;
      std::memcpy(&low, tail, 4);
      std::memcpy(&high, tail + rest - 4, 4);
      word = low | (uint64_t{high} << 32);
    } else {
      word = tail[0] | (uint64_t{tail[rest / 2]} << 8) | (uint64_t{tail[rest - 1]} << 16);
    }
    hash ^= word * kMul1;
    hash = ((hash << 27) | (hash >> 37)) * kMul2;
  }
  return FinalizeHash(hash);
}

}  // namespace sluice::engine

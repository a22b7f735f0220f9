// Key encoding for hash tables: the key columns of a row become one byte string (a NULL flag per
// column, then fixed-width bytes or length-prefixed text), so equal keys give equal bytes and a
// hash table compares keys with memcmp. -0.0 is folded into 0.0 and every NaN into one NaN so
// the bytes follow SQL equality of doubles.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
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

  std::string_view Key(size_t row) const {
    return std::string_view(buffer).substr(offsets[row], offsets[row + 1] - offsets[row]);
  }
};

void EncodeKeys(const std::vector<const Vector*>& keys, int64_t count, EncodedKeys* out);

/// A fast 64-bit hash of bytes (multiply-xorshift over 8-byte words).
uint64_t HashBytes(std::string_view bytes);

}  // namespace sluice::engine

// Small inline bit and byte helpers shared by the Parquet value encoders and decoders:
// bit widths, little-endian loads/stores, zigzag and ULEB128 varints (bounds-checked on read).
//
// Thread-safety: pure functions. Ownership: callers own every buffer passed in.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace sluice::parquet {

// Parquet is little-endian on disk; the loads and stores below are plain memcpy on the only
// byte order sluice supports.
static_assert(std::endian::native == std::endian::little, "sluice assumes a little-endian host");

/// Number of bits needed to represent max_value: 0 for 0, 64 for values with the top bit set.
inline int BitWidth(uint64_t max_value) { return 64 - std::countl_zero(max_value); }

/// Mask of the low `bit_width` bits (bit_width in 0..64).
inline uint64_t LowBitsMask(int bit_width) {
  return bit_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
}

template <typename T>
inline T LoadLE(const void* data) {
  T value;
  std::memcpy(&value, data, sizeof(T));
  return value;
}

template <typename T>
inline void StoreLE(void* data, T value) {
  std::memcpy(data, &value, sizeof(T));
}

/// Appends the little-endian bytes of `value` to *out.
template <typename T>
inline void AppendLE(std::string* out, T value) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out->append(bytes, sizeof(T));
}

inline uint32_t ZigZagEncode32(int32_t value) {
  return (static_cast<uint32_t>(value) << 1) ^ static_cast<uint32_t>(value >> 31);
}
inline int32_t ZigZagDecode32(uint32_t value) {
  return static_cast<int32_t>((value >> 1) ^ (~(value & 1) + 1));
}
inline uint64_t ZigZagEncode64(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t ZigZagDecode64(uint64_t value) {
  return static_cast<int64_t>((value >> 1) ^ (~(value & 1) + 1));
}

/// Maximum bytes of a ULEB128-encoded uint64 (ceil(64 / 7)).
inline constexpr size_t kMaxUleb128Bytes = 10;

/// Appends the ULEB128 (unsigned LEB128, 7 bits per byte, low groups first) form of value.
inline void PutUleb128(uint64_t value, std::string* out) {
  char bytes[kMaxUleb128Bytes];
  size_t len = 0;
  while (value >= 0x80) {
    bytes[len++] = static_cast<char>((value & 0x7F) | 0x80);
    value >>= 7;
  }
  bytes[len++] = static_cast<char>(value);
  out->append(bytes, len);
}

/// Size in bytes of the ULEB128 form of value.
inline size_t Uleb128Size(uint64_t value) {
  size_t len = 1;
  while (value >= 0x80) {
    value >>= 7;
    ++len;
  }
  return len;
}

/// Reads a ULEB128 uint64 from data[*pos, size). On success advances *pos and returns true.
/// Returns false (leaving *pos unchanged) if the data ends mid-varint or the varint is longer
/// than 10 bytes or overflows 64 bits.
inline bool GetUleb128(const uint8_t* data, size_t size, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  size_t cursor = *pos;
  for (int shift = 0; shift < 64; shift += 7) {
    if (cursor >= size) return false;
    uint8_t byte = data[cursor++];
    // The tenth byte may only carry the top bit of a uint64.
    if (shift == 63 && byte > 1) return false;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *value = result;
      *pos = cursor;
      return true;
    }
  }
  return false;
}

/// Reads a ULEB128 that must fit in 32 bits (run headers, block sizes).
inline bool GetUleb128_32(const uint8_t* data, size_t size, size_t* pos, uint32_t* value) {
  uint64_t wide = 0;
  size_t cursor = *pos;
  if (!GetUleb128(data, size, &cursor, &wide) || wide > UINT32_MAX) return false;
  *value = static_cast<uint32_t>(wide);
  *pos = cursor;
  return true;
}

}  // namespace sluice::parquet

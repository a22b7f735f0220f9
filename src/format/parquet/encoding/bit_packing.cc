#include "format/parquet/encoding/bit_packing.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "format/parquet/encoding/bit_util.h"

namespace sluice::parquet {
namespace {

constexpr uint64_t ConstMask(int bit_width) {
  return bit_width >= 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
}

// Streams values into a 64-bit accumulator and stores it whenever it fills, so the output is
// written exactly once and never read back.
template <typename T, int kWidth>
void PackImpl(const T* in, int64_t groups, uint8_t* out) {
  if constexpr (kWidth == 0) {
    return;
  } else {
    constexpr uint64_t kMask = ConstMask(kWidth);
    uint64_t acc = 0;
    int bits = 0;
    for (int64_t group = 0; group < groups; ++group) {
#pragma GCC unroll 8
      for (int slot = 0; slot < 8; ++slot) {
        uint64_t value = static_cast<uint64_t>(in[slot]) & kMask;
        acc |= value << bits;
        bits += kWidth;
        if (bits >= 64) {
          StoreLE<uint64_t>(out, acc);
          out += 8;
          bits -= 64;
          // The top `bits` bits of value did not fit; they start the next word.
          acc = bits > 0 ? value >> (kWidth - bits) : 0;
        }
      }
      in += 8;
    }
    // 8 values of kWidth bits are kWidth whole bytes, so `bits` is a multiple of 8 here.
    std::memcpy(out, &acc, static_cast<size_t>(bits / 8));
  }
}

// Unpacks one group of 8 values from p. REQUIRES: p[0, kWidth + 9) is readable, because each
// value is read with one unaligned 64-bit load (plus one byte for widths above 56).
template <typename T, int kWidth>
inline void UnpackGroup(const uint8_t* p, T* out) {
  constexpr uint64_t kMask = ConstMask(kWidth);
#pragma GCC unroll 8
  for (int slot = 0; slot < 8; ++slot) {
    const int bit = slot * kWidth;
    const int shift = bit & 7;
    const uint8_t* word = p + (bit >> 3);
    uint64_t value = LoadLE<uint64_t>(word) >> shift;
    if (kWidth + shift > 64) value |= static_cast<uint64_t>(word[8]) << (64 - shift);
    out[slot] = static_cast<T>(value & kMask);
  }
}

// Slack that UnpackGroup may read past the group's own kWidth bytes (a 64-bit load starting at
// the group's last byte, plus the extra byte for widths above 56).
constexpr size_t kUnpackSlack = 16;

template <typename T, int kWidth>
void UnpackImpl(const uint8_t* in, size_t in_size, int64_t groups, T* out) {
  if constexpr (kWidth == 0) {
    std::memset(out, 0, static_cast<size_t>(groups) * 8 * sizeof(T));
  } else {
    constexpr size_t kGroupBytes = kWidth;
    // Groups far enough from the end of the input are read in place; the last few go through a
    // zero-padded copy so that no load crosses in + in_size.
    int64_t fast_groups = 0;
    if (in_size >= kGroupBytes + kUnpackSlack) {
      fast_groups = std::min<int64_t>(
          groups, static_cast<int64_t>((in_size - kGroupBytes - kUnpackSlack) / kGroupBytes) + 1);
    }
    for (int64_t group = 0; group < fast_groups; ++group) {
      UnpackGroup<T, kWidth>(in + static_cast<size_t>(group) * kGroupBytes, out + group * 8);
    }
    for (int64_t group = fast_groups; group < groups; ++group) {
      uint8_t padded[kGroupBytes + kUnpackSlack] = {};
      std::memcpy(padded, in + static_cast<size_t>(group) * kGroupBytes, kGroupBytes);
      UnpackGroup<T, kWidth>(padded, out + group * 8);
    }
  }
}

template <typename T>
using PackFn = void (*)(const T*, int64_t, uint8_t*);
template <typename T>
using UnpackFn = void (*)(const uint8_t*, size_t, int64_t, T*);

template <typename T, size_t... kWidths>
constexpr std::array<PackFn<T>, sizeof...(kWidths)> MakePackTable(std::index_sequence<kWidths...>) {
  return {&PackImpl<T, static_cast<int>(kWidths)>...};
}
template <typename T, size_t... kWidths>
constexpr std::array<UnpackFn<T>, sizeof...(kWidths)> MakeUnpackTable(
    std::index_sequence<kWidths...>) {
  return {&UnpackImpl<T, static_cast<int>(kWidths)>...};
}

// Widths 0..32 for 32-bit values and 0..64 for 64-bit values.
constexpr auto kPack32 = MakePackTable<uint32_t>(std::make_index_sequence<33>());
constexpr auto kPack64 = MakePackTable<uint64_t>(std::make_index_sequence<65>());
constexpr auto kUnpack32 = MakeUnpackTable<uint32_t>(std::make_index_sequence<33>());
constexpr auto kUnpack64 = MakeUnpackTable<uint64_t>(std::make_index_sequence<65>());

}  // namespace

void Pack32(const uint32_t* in, int bit_width, int64_t groups, uint8_t* out) {
  kPack32[static_cast<size_t>(bit_width)](in, groups, out);
}

void Pack64(const uint64_t* in, int bit_width, int64_t groups, uint8_t* out) {
  kPack64[static_cast<size_t>(bit_width)](in, groups, out);
}

void Unpack32(const uint8_t* in, size_t in_size, int bit_width, int64_t groups, uint32_t* out) {
  kUnpack32[static_cast<size_t>(bit_width)](in, in_size, groups, out);
}

void Unpack64(const uint8_t* in, size_t in_size, int bit_width, int64_t groups, uint64_t* out) {
  kUnpack64[static_cast<size_t>(bit_width)](in, in_size, groups, out);
}

}  // namespace sluice::parquet

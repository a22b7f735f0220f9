// Bit-packing kernels shared by the RLE/bit-packed hybrid and DELTA_BINARY_PACKED.
//
// Values are packed LSB-first in groups of 8 (so a group of 8 values of width w is exactly w
// bytes), which is how every Parquet bit-packed stream is laid out. Each width has its own
// template instantiation (selected once per call through a table), so the inner loops run with
// constant shifts and masks.
//
// Thread-safety: pure functions. Ownership: callers own every buffer.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice::parquet {

/// Packs groups * 8 values of `bit_width` bits (0..32) into groups * bit_width bytes at out.
/// Bits above bit_width in the inputs are ignored.
void Pack32(const uint32_t* in, int bit_width, int64_t groups, uint8_t* out);
/// Same for 64-bit values, bit_width 0..64.
void Pack64(const uint64_t* in, int bit_width, int64_t groups, uint8_t* out);

/// Unpacks groups * 8 values of `bit_width` bits (0..32) from the groups * bit_width bytes at
/// in[0, in_size). REQUIRES: in_size >= groups * bit_width. Never reads past in + in_size.
void Unpack32(const uint8_t* in, size_t in_size, int bit_width, int64_t groups, uint32_t* out);
/// Same for 64-bit values, bit_width 0..64.
void Unpack64(const uint8_t* in, size_t in_size, int bit_width, int64_t groups, uint64_t* out);

}  // namespace sluice::parquet

// Thrift compact-protocol type codes and the zigzag helpers shared by CompactWriter and
// CompactReader (spec: thrift/doc/specs/thrift-compact-protocol.md).
// Thread-safety: stateless constants and pure functions.
#pragma once

#include <cstdint>

namespace sluice::parquet::thrift {

/// The 4-bit type code of a field header or a list/set/map element.
/// NOTE: in a field header a bool's value is the type itself (kBoolTrue/kBoolFalse, no payload);
/// as a list element a bool is one byte (1 = true, 2 = false) and the element type is 1 (some
/// writers use 2).
enum class CompactType : uint8_t {
  kStop = 0,
  kBoolTrue = 1,
  kBoolFalse = 2,
  kI8 = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

/// Highest valid type code; codes 13..15 are not assigned by the spec.
inline constexpr uint8_t kMaxCompactType = 12;

/// A varint carries 7 payload bits per byte, so a 64-bit value needs at most ceil(64/7) = 10.
inline constexpr int kMaxVarintBytes = 10;

/// Short-form field headers and list headers hold a 4-bit delta/size in the high nibble.
inline constexpr int kMaxShortFieldDelta = 15;
/// List sizes 0..14 fit the header's high nibble; the value 15 (0xF) announces a varint size.
inline constexpr int kMaxShortListSize = 14;

const char* CompactTypeName(CompactType type);

/// Zigzag maps signed to unsigned so small magnitudes get short varints: 0,-1,1,-2 -> 0,1,2,3.
/// The mapping is width-independent for in-range values, so one 64-bit version serves all ints.
inline uint64_t ZigZagEncode(int64_t value) {
  return (static_cast<uint64_t>(value) << 1) ^ static_cast<uint64_t>(value >> 63);
}
inline int64_t ZigZagDecode(uint64_t value) {
  return static_cast<int64_t>(value >> 1) ^ -static_cast<int64_t>(value & 1);
}

}  // namespace sluice::parquet::thrift

#include "format/parquet/encoding/bit_packing.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "format/parquet/encoding/bit_util.h"

namespace sluice::parquet {
namespace {

TEST(BitUtilTest, BitWidth) {
  EXPECT_EQ(BitWidth(0), 0);
  EXPECT_EQ(BitWidth(1), 1);
  EXPECT_EQ(BitWidth(2), 2);
  EXPECT_EQ(BitWidth(255), 8);
  EXPECT_EQ(BitWidth(256), 9);
  EXPECT_EQ(BitWidth(UINT32_MAX), 32);
  EXPECT_EQ(BitWidth(UINT64_MAX), 64);
}

TEST(BitUtilTest, ZigZag) {
  EXPECT_EQ(ZigZagEncode32(0), 0u);
  EXPECT_EQ(ZigZagEncode32(-1), 1u);
  EXPECT_EQ(ZigZagEncode32(1), 2u);
  EXPECT_EQ(ZigZagEncode32(INT32_MIN), UINT32_MAX);
  EXPECT_EQ(ZigZagEncode64(INT64_MIN), UINT64_MAX);
  for (int64_t value : {int64_t{0}, int64_t{-1}, int64_t{1}, INT64_MIN, INT64_MAX}) {
    EXPECT_EQ(ZigZagDecode64(ZigZagEncode64(value)), value);
  }
  for (int32_t value : {0, -1, 1, INT32_MIN, INT32_MAX}) {
    EXPECT_EQ(ZigZagDecode32(ZigZagEncode32(value)), value);
  }
}

TEST(BitUtilTest, Uleb128RoundTripAndBounds) {
  for (uint64_t value : {uint64_t{0}, uint64_t{127}, uint64_t{128}, uint64_t{300},
                         uint64_t{UINT32_MAX}, UINT64_MAX}) {
    std::string out;
    PutUleb128(value, &out);
    EXPECT_EQ(out.size(), Uleb128Size(value));
    size_t pos = 0;
    uint64_t decoded = 0;
    ASSERT_TRUE(
        GetUleb128(reinterpret_cast<const uint8_t*>(out.data()), out.size(), &pos, &decoded));
    EXPECT_EQ(decoded, value);
    EXPECT_EQ(pos, out.size());
    // Every truncation fails and leaves pos alone.
    for (size_t cut = 0; cut < out.size(); ++cut) {
      size_t cut_pos = 0;
      EXPECT_FALSE(
          GetUleb128(reinterpret_cast<const uint8_t*>(out.data()), cut, &cut_pos, &decoded));
      EXPECT_EQ(cut_pos, 0u);
    }
  }
  // 300 = 0xAC 0x02.
  std::string three_hundred;
  PutUleb128(300, &three_hundred);
  EXPECT_EQ(three_hundred, std::string("\xAC\x02", 2));
  // An 11-byte varint and a 10th byte above 1 overflow.
  const std::string too_long(11, '\x80');
  size_t pos = 0;
  uint64_t value = 0;
  EXPECT_FALSE(
      GetUleb128(reinterpret_cast<const uint8_t*>(too_long.data()), too_long.size(), &pos, &value));
  std::string overflow(9, '\xFF');
  overflow.push_back('\x02');
  EXPECT_FALSE(
      GetUleb128(reinterpret_cast<const uint8_t*>(overflow.data()), overflow.size(), &pos, &value));
  uint32_t narrow = 0;
  std::string big;
  PutUleb128(uint64_t{1} << 32, &big);
  EXPECT_FALSE(
      GetUleb128_32(reinterpret_cast<const uint8_t*>(big.data()), big.size(), &pos, &narrow));
}

TEST(BitPackingTest, RoundTripEveryWidth32) {
  std::mt19937 rng(7);
  for (int width = 0; width <= 32; ++width) {
    for (int64_t groups : {1, 2, 3, 5, 17}) {
      std::vector<uint32_t> values(static_cast<size_t>(groups * 8));
      for (auto& value : values) value = static_cast<uint32_t>(rng() & LowBitsMask(width));
      values[0] = static_cast<uint32_t>(LowBitsMask(width));  // max value
      values[1] = 0;
      std::vector<uint8_t> packed(static_cast<size_t>(groups * width));
      Pack32(values.data(), width, groups, packed.data());
      std::vector<uint32_t> unpacked(values.size(), 0xDEADBEEF);
      Unpack32(packed.data(), packed.size(), width, groups, unpacked.data());
      EXPECT_EQ(unpacked, values) << "width " << width << " groups " << groups;
    }
  }
}

TEST(BitPackingTest, RoundTripEveryWidth64) {
  std::mt19937_64 rng(11);
  for (int width = 0; width <= 64; ++width) {
    for (int64_t groups : {1, 4, 9}) {
      std::vector<uint64_t> values(static_cast<size_t>(groups * 8));
      for (auto& value : values) value = rng() & LowBitsMask(width);
      values[3] = LowBitsMask(width);
      std::vector<uint8_t> packed(static_cast<size_t>(groups * width));
      Pack64(values.data(), width, groups, packed.data());
      std::vector<uint64_t> unpacked(values.size(), 1);
      Unpack64(packed.data(), packed.size(), width, groups, unpacked.data());
      EXPECT_EQ(unpacked, values) << "width " << width << " groups " << groups;
    }
  }
}

TEST(BitPackingTest, SpecLayoutLsbFirst) {
  // Encodings.md: 0..7 with bit width 3 pack to 10001000 11000110 11111010.
  const uint32_t values[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  uint8_t packed[3];
  Pack32(values, 3, 1, packed);
  EXPECT_EQ(packed[0], 0x88);
  EXPECT_EQ(packed[1], 0xC6);
  EXPECT_EQ(packed[2], 0xFA);
}

}  // namespace
}  // namespace sluice::parquet

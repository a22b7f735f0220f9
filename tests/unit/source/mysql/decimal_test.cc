#include "source/mysql/decimal.h"

#include <gtest/gtest.h>

namespace sluice::mysql {
namespace {

__int128 Pow10(int exp) {
  __int128 value = 1;
  for (int idx = 0; idx < exp; ++idx) value *= 10;
  return value;
}

TEST(DecimalTest, ParsesAtScale) {
  EXPECT_EQ(ParseDecimalUnscaled("123.45", 10, 2).ValueOrDie(), 12345);
  EXPECT_EQ(ParseDecimalUnscaled("-123.4", 10, 2).ValueOrDie(), -12340);
  EXPECT_EQ(ParseDecimalUnscaled("7", 10, 3).ValueOrDie(), 7000);
  EXPECT_EQ(ParseDecimalUnscaled(".5", 3, 1).ValueOrDie(), 5);
  EXPECT_EQ(ParseDecimalUnscaled("+1.00", 3, 2).ValueOrDie(), 100);
}

TEST(DecimalTest, NegativeZeroAndLeadingZeros) {
  EXPECT_EQ(ParseDecimalUnscaled("-0.00", 5, 2).ValueOrDie(), 0);
  EXPECT_EQ(ParseDecimalUnscaled("-0", 5, 0).ValueOrDie(), 0);
  EXPECT_EQ(ParseDecimalUnscaled("000000000012.30", 4, 2).ValueOrDie(), 1230);
}

TEST(DecimalTest, Decimal38_10Extremes) {
  std::string max = std::string(28, '9') + "." + std::string(10, '9');
  auto parsed = ParseDecimalUnscaled(max, 38, 10);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, Pow10(38) - 1);
  EXPECT_EQ(ParseDecimalUnscaled("-" + max, 38, 10).ValueOrDie(), -(Pow10(38) - 1));
  EXPECT_EQ(FormatDecimal(*parsed, 10), max);
  // One more integer digit does not fit.
  EXPECT_FALSE(ParseDecimalUnscaled("1" + max, 38, 10).ok());
  EXPECT_EQ(DecimalByteWidth(38), 16);
  uint8_t bytes[16];
  EncodeDecimalBigEndian(-(Pow10(38) - 1), 16, bytes);
  // -(10^38-1) in two's complement: 0xB4 0xB8 ... (sign bit set).
  EXPECT_EQ(bytes[0] & 0x80, 0x80);
  __int128 back = 0;
  for (int idx = 0; idx < 16; ++idx) back = (back << 8) | bytes[idx];
  EXPECT_EQ(back, -(Pow10(38) - 1));
}

TEST(DecimalTest, ByteWidthsFollowTheSpec) {
  EXPECT_EQ(DecimalByteWidth(1), 1);
  EXPECT_EQ(DecimalByteWidth(2), 1);
  EXPECT_EQ(DecimalByteWidth(3), 2);
  EXPECT_EQ(DecimalByteWidth(9), 4);
  EXPECT_EQ(DecimalByteWidth(18), 8);
  EXPECT_EQ(DecimalByteWidth(19), 9);
  EXPECT_EQ(DecimalByteWidth(20), 9);
  EXPECT_EQ(DecimalByteWidth(21), 9);
  EXPECT_EQ(DecimalByteWidth(22), 10);
}

TEST(DecimalTest, BigEndianSmallWidths) {
  uint8_t bytes[9];
  EncodeDecimalBigEndian(-1, 9, bytes);
  for (uint8_t byte : bytes) EXPECT_EQ(byte, 0xFF);
  EncodeDecimalBigEndian(258, 9, bytes);
  EXPECT_EQ(bytes[7], 1);
  EXPECT_EQ(bytes[8], 2);
  EXPECT_EQ(bytes[0], 0);
}

TEST(DecimalTest, RejectsJunk) {
  for (const char* bad : {"", "-", ".", "1.2.3", "1e5", "12a", " 1", "1.234", "NaN"}) {
    EXPECT_FALSE(ParseDecimalUnscaled(bad, 10, 2).ok()) << bad;
  }
  EXPECT_FALSE(ParseDecimalUnscaled("1", 39, 0).ok());
  EXPECT_EQ(FormatDecimal(-5, 3), "-0.005");
  EXPECT_EQ(FormatDecimal(0, 0), "0");
}

}  // namespace
}  // namespace sluice::mysql

#include "validate/text_parse.h"

#include <gtest/gtest.h>

namespace sluice::validate {
namespace {

// Returns the unscaled value as text, or "ERR:<why>".
std::string Dec(std::string_view text, int precision, int scale,
                NumberStyle style = NumberStyle::kPlain) {
  __int128 value = 0;
  const char* why = "";
  if (!ParseDecimal(text, style, precision, scale, &value, &why)) return std::string("ERR:") + why;
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? -static_cast<unsigned __int128>(value) : value;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  return (negative ? "-" : "") + digits;
}

TEST(ParseDecimalTest, PlainValues) {
  EXPECT_EQ(Dec("123.45", 12, 2), "12345");
  EXPECT_EQ(Dec("-123.4", 12, 2), "-12340");
  EXPECT_EQ(Dec("+7", 12, 2), "700");
  EXPECT_EQ(Dec(".5", 12, 2), "50");
  EXPECT_EQ(Dec("5.", 12, 2), "500");
  EXPECT_EQ(Dec("-0.00", 12, 2), "0");
  EXPECT_EQ(Dec("000001.10", 3, 2), "110");  // leading zeros are not digits of the precision
  EXPECT_EQ(Dec("0", 1, 0), "0");
}

TEST(ParseDecimalTest, RoundingRuleRejectsExtraNonZeroDigits) {
  EXPECT_EQ(Dec("1.005", 12, 2), "ERR:more fraction digits than the scale");
  EXPECT_EQ(Dec("1.999", 12, 2), "ERR:more fraction digits than the scale");
  EXPECT_EQ(Dec("1.2300000", 12, 2), "123");  // extra zeros are exact: accepted
  EXPECT_EQ(Dec("7.1", 5, 0), "ERR:more fraction digits than the scale");
}

TEST(ParseDecimalTest, PrecisionLimits) {
  EXPECT_EQ(Dec("999.99", 5, 2), "99999");
  EXPECT_EQ(Dec("1000.00", 5, 2), "ERR:too many integer digits for the precision");
  EXPECT_EQ(Dec("-999.99", 5, 2), "-99999");
  // DECIMAL(38,0) extremes fit an int128 exactly.
  std::string nines(38, '9');
  EXPECT_EQ(Dec(nines, 38, 0), nines);
  EXPECT_EQ(Dec("-" + nines, 38, 0), "-" + nines);
  EXPECT_EQ(Dec("1" + nines, 38, 0), "ERR:too many integer digits for the precision");
  EXPECT_EQ(Dec("0.12345678901234567890123456789012345678", 38, 38),
            "12345678901234567890123456789012345678");
  std::string long_digits(100, '1');
  EXPECT_EQ(Dec(long_digits, 38, 0), "ERR:too many integer digits for the precision");
}

TEST(ParseDecimalTest, Junk) {
  EXPECT_EQ(Dec("", 10, 2), "ERR:empty text");
  EXPECT_EQ(Dec("abc", 10, 2), "ERR:not a number");
  EXPECT_EQ(Dec("-", 10, 2), "ERR:not a number");
  EXPECT_EQ(Dec(".", 10, 2), "ERR:not a number");
  EXPECT_EQ(Dec("12a", 10, 2), "ERR:unexpected character");
  EXPECT_EQ(Dec("1e5", 10, 2), "ERR:exponents are not accepted");
  EXPECT_EQ(Dec("1.2.3", 10, 2), "ERR:unexpected character");
  EXPECT_EQ(Dec(" 1", 10, 2), "ERR:not a number");               // trimming is the cast's job
  EXPECT_EQ(Dec("1,234.5", 10, 2), "ERR:unexpected character");  // plain has no grouping
  EXPECT_EQ(Dec("--1", 10, 2), "ERR:not a number");
}

TEST(ParseDecimalTest, Grouping) {
  EXPECT_EQ(Dec("1,234.50", 10, 2, NumberStyle::kComma), "123450");
  EXPECT_EQ(Dec("-12,345,678", 10, 2, NumberStyle::kComma), "-1234567800");
  EXPECT_EQ(Dec("1234.5", 10, 2, NumberStyle::kComma), "123450");  // grouping is optional
  EXPECT_EQ(Dec("1,23", 10, 2, NumberStyle::kComma), "ERR:misplaced digit group separator");
  EXPECT_EQ(Dec(",123", 10, 2, NumberStyle::kComma), "ERR:misplaced digit group separator");
  EXPECT_EQ(Dec("1,,234", 10, 2, NumberStyle::kComma), "ERR:misplaced digit group separator");
  EXPECT_EQ(Dec("1234,567", 10, 2, NumberStyle::kComma), "ERR:misplaced digit group separator");
  EXPECT_EQ(Dec("1,234,", 10, 2, NumberStyle::kComma), "ERR:misplaced digit group separator");
  EXPECT_EQ(Dec("1.234,5", 10, 2, NumberStyle::kDotComma), "123450");
  EXPECT_EQ(Dec("0,07", 10, 2, NumberStyle::kDotComma), "7");
  EXPECT_EQ(Dec("1,234.5", 10, 2, NumberStyle::kDotComma), "ERR:unexpected character");
}

TEST(ParseIntegerTest, RangesAndJunk) {
  int64_t value = 0;
  const char* why = "";
  EXPECT_TRUE(ParseInteger("2147483647", NumberStyle::kPlain, INT32_MIN, INT32_MAX, &value, &why));
  EXPECT_EQ(value, 2147483647);
  EXPECT_FALSE(ParseInteger("2147483648", NumberStyle::kPlain, INT32_MIN, INT32_MAX, &value, &why));
  EXPECT_STREQ(why, "out of range");
  EXPECT_TRUE(ParseInteger("-9223372036854775808", NumberStyle::kPlain, INT64_MIN, INT64_MAX,
                           &value, &why));
  EXPECT_EQ(value, INT64_MIN);
  EXPECT_FALSE(
      ParseInteger("9223372036854775808", NumberStyle::kPlain, INT64_MIN, INT64_MAX, &value, &why));
  EXPECT_FALSE(ParseInteger("99999999999999999999999", NumberStyle::kPlain, INT64_MIN, INT64_MAX,
                            &value, &why));
  EXPECT_FALSE(ParseInteger("12.0", NumberStyle::kPlain, INT64_MIN, INT64_MAX, &value, &why));
  EXPECT_STREQ(why, "not an integer");
  EXPECT_TRUE(ParseInteger("1,000,000", NumberStyle::kComma, INT64_MIN, INT64_MAX, &value, &why));
  EXPECT_EQ(value, 1000000);
  EXPECT_TRUE(ParseInteger("0000000000000000000000042", NumberStyle::kPlain, INT64_MIN, INT64_MAX,
                           &value, &why));
  EXPECT_EQ(value, 42);
}

TEST(ParseDoubleTest, Values) {
  double value = 0;
  const char* why = "";
  EXPECT_TRUE(ParseDouble("1.5e3", NumberStyle::kPlain, &value, &why));
  EXPECT_EQ(value, 1500.0);
  EXPECT_TRUE(ParseDouble("-1.234,5", NumberStyle::kDotComma, &value, &why));
  EXPECT_EQ(value, -1234.5);
  EXPECT_TRUE(ParseDouble(".25", NumberStyle::kPlain, &value, &why));
  EXPECT_EQ(value, 0.25);
  EXPECT_FALSE(ParseDouble("nan", NumberStyle::kPlain, &value, &why));
  EXPECT_FALSE(ParseDouble("inf", NumberStyle::kPlain, &value, &why));
  EXPECT_FALSE(ParseDouble("1e999", NumberStyle::kPlain, &value, &why));
  EXPECT_FALSE(ParseDouble("1e", NumberStyle::kPlain, &value, &why));
  EXPECT_FALSE(ParseDouble("0x10", NumberStyle::kPlain, &value, &why));
}

TEST(DateTimePatternTest, DatesAndTimestamps) {
  auto date = DateTimePattern::Compile("%d/%m/%Y", true);
  ASSERT_TRUE(date.ok());
  int64_t out = 0;
  const char* why = "";
  EXPECT_TRUE(date->Parse("29/02/2024", &out, &why));
  EXPECT_EQ(out, 19782);  // 2024-02-29
  EXPECT_TRUE(date->Parse("1/1/1970", &out, &why));
  EXPECT_EQ(out, 0);
  EXPECT_FALSE(date->Parse("29/02/2023", &out, &why));
  EXPECT_STREQ(why, "no such date");
  EXPECT_FALSE(date->Parse("31/04/2024", &out, &why));
  EXPECT_FALSE(date->Parse("00/01/2024", &out, &why));
  EXPECT_FALSE(date->Parse("01/13/2024", &out, &why));
  EXPECT_FALSE(date->Parse("01/01/2024x", &out, &why));
  EXPECT_FALSE(date->Parse("01-01-2024", &out, &why));
  EXPECT_TRUE(date->Parse("31/12/1969", &out, &why));
  EXPECT_EQ(out, -1);

  auto ts = DateTimePattern::Compile("%Y-%m-%d %H:%M:%S%f", false);
  ASSERT_TRUE(ts.ok());
  EXPECT_TRUE(ts->Parse("1970-01-01 00:00:01", &out, &why));
  EXPECT_EQ(out, 1'000'000);
  EXPECT_TRUE(ts->Parse("1970-01-01 00:00:01.5", &out, &why));
  EXPECT_EQ(out, 1'500'000);
  EXPECT_TRUE(ts->Parse("1970-01-01 00:00:00.000001", &out, &why));
  EXPECT_EQ(out, 1);
  EXPECT_TRUE(ts->Parse("1970-01-01 00:00:00.123456000", &out, &why));
  EXPECT_EQ(out, 123456);
  EXPECT_FALSE(ts->Parse("1970-01-01 00:00:00.1234567", &out, &why));
  EXPECT_FALSE(ts->Parse("1970-01-01 24:00:00", &out, &why));
  EXPECT_FALSE(ts->Parse("1970-01-01 00:60:00", &out, &why));
  EXPECT_FALSE(ts->Parse("1970-01-01 00:00:00.", &out, &why));
  EXPECT_TRUE(ts->Parse("1969-12-31 23:59:59.999999", &out, &why));
  EXPECT_EQ(out, -1);

  EXPECT_FALSE(DateTimePattern::Compile("%Y-%m", true).ok());
  EXPECT_FALSE(DateTimePattern::Compile("%Y-%m-%d %H", true).ok());
  EXPECT_FALSE(DateTimePattern::Compile("%Y-%m-%d %Q", false).ok());
  EXPECT_FALSE(DateTimePattern::Compile("%Y-%m-%d%", false).ok());
}

TEST(TrimTest, Ascii) {
  EXPECT_EQ(TrimAscii("  a b \t\r\n"), "a b");
  EXPECT_EQ(TrimAscii("   "), "");
  EXPECT_EQ(TrimAscii(""), "");
}

}  // namespace
}  // namespace sluice::validate

#include "source/mysql/text_values.h"

#include <gtest/gtest.h>

#include <limits>

namespace sluice::mysql {
namespace {

TEST(TextValuesTest, Integers) {
  EXPECT_EQ(ParseInt64Text("-9223372036854775808").ValueOrDie(),
            std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseUInt64Text("18446744073709551615").ValueOrDie(),
            std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseUInt64Text("18446744073709551616").ok());
  EXPECT_FALSE(ParseInt64Text("12x").ok());
  EXPECT_FALSE(ParseInt64Text("").ok());
  EXPECT_FALSE(ParseUInt64Text("-1").ok());
}

TEST(TextValuesTest, Dates) {
  EXPECT_EQ(ParseDateText("1970-01-01").ValueOrDie().value(), 0);
  EXPECT_EQ(ParseDateText("2024-02-29").ValueOrDie().value(), 19782);
  EXPECT_EQ(ParseDateText("1000-01-01").ValueOrDie().value(), -354285);
  EXPECT_EQ(ParseDateText("9999-12-31").ValueOrDie().value(), 2932896);
  EXPECT_FALSE(ParseDateText("0000-00-00").ValueOrDie().has_value());
  EXPECT_FALSE(ParseDateText("2020-00-15").ValueOrDie().has_value());
  EXPECT_FALSE(ParseDateText("2020-13-01").ok());
  EXPECT_FALSE(ParseDateText("2020-1-01").ok());
  EXPECT_EQ(FormatDate(19782), "2024-02-29");
}

TEST(TextValuesTest, Datetimes) {
  EXPECT_EQ(ParseDatetimeText("1970-01-01 00:00:01.5").ValueOrDie().value(), 1'500'000);
  EXPECT_EQ(ParseDatetimeText("1969-12-31 23:59:59.999999").ValueOrDie().value(), -1);
  EXPECT_EQ(ParseDatetimeText("2024-01-01").ValueOrDie().value(), 19723LL * 86'400'000'000LL);
  EXPECT_FALSE(ParseDatetimeText("0000-00-00 00:00:00").ValueOrDie().has_value());
  EXPECT_FALSE(ParseDatetimeText("2024-01-01 24:00:00").ok());
  EXPECT_FALSE(ParseDatetimeText("2024-01-01 10:00:00.1234567").ok());
  EXPECT_EQ(FormatDatetime(-1), "1969-12-31 23:59:59.999999");
}

TEST(TextValuesTest, TimeSpansBeyondADayAndNegative) {
  EXPECT_EQ(ParseTimeText("838:59:59").ValueOrDie(), (838LL * 3600 + 59 * 60 + 59) * 1'000'000);
  EXPECT_EQ(ParseTimeText("-838:59:59.000000").ValueOrDie(),
            -(838LL * 3600 + 59 * 60 + 59) * 1'000'000);
  EXPECT_EQ(ParseTimeText("-00:00:00.5").ValueOrDie(), -500'000);
  EXPECT_EQ(ParseTimeText("12:30:00").ValueOrDie(), 45'000'000'000LL);
  EXPECT_FALSE(ParseTimeText("12:60:00").ok());
  EXPECT_FALSE(ParseTimeText(":30:00").ok());
}

TEST(TextValuesTest, Floats) {
  EXPECT_EQ(ParseDoubleText("1.7976931348623157e308").ValueOrDie(),
            std::numeric_limits<double>::max());
  EXPECT_EQ(ParseFloatText("1.1").ValueOrDie(), 1.1f);
  EXPECT_FALSE(ParseDoubleText("1.0x").ok());
  EXPECT_TRUE(ParseBoolText("TRUE").ValueOrDie());
  EXPECT_FALSE(ParseBoolText("0").ValueOrDie());
  EXPECT_FALSE(ParseBoolText("yes").ok());
}

}  // namespace
}  // namespace sluice::mysql

#include "engine/types/sql_type.h"

#include <gtest/gtest.h>

#include "engine/types/decimal.h"

namespace sluice::engine {
namespace {

TEST(SqlTypeTest, DecimalArithmeticRules) {
  auto d = [](int p, int s) { return SqlType::Decimal(p, s); };
  EXPECT_EQ(ArithmeticResultType('+', false, d(10, 2), d(5, 3))->ToString(), "DECIMAL(12,3)");
  EXPECT_EQ(ArithmeticResultType('+', false, d(10, 2), SqlType::Of(TypeId::kInt32))->ToString(),
            "DECIMAL(13,2)");
  EXPECT_EQ(ArithmeticResultType('+', false, d(10, 2), SqlType::Of(TypeId::kInt64))->ToString(),
            "DECIMAL(22,2)");
  EXPECT_EQ(ArithmeticResultType('-', false, d(10, 2), d(18, 4))->ToString(), "DECIMAL(18,4)");
  EXPECT_EQ(ArithmeticResultType('*', false, d(10, 2), SqlType::Of(TypeId::kInt32))->ToString(),
            "DECIMAL(18,2)");
  EXPECT_EQ(ArithmeticResultType('*', false, d(30, 2), d(30, 2))->ToString(), "DECIMAL(38,4)");
  EXPECT_EQ(ArithmeticResultType('/', false, d(10, 2), d(10, 2))->ToString(), "DOUBLE");
  EXPECT_FALSE(ArithmeticResultType('*', false, d(38, 20), d(38, 20)).ok());
  EXPECT_EQ(CommonSupertype(SqlType::Of(TypeId::kInt32), d(2, 1))->ToString(), "DECIMAL(11,1)");
  EXPECT_FALSE(CommonSupertype(SqlType::Of(TypeId::kVarchar), SqlType::Of(TypeId::kInt32)).ok());
}

TEST(DecimalTest, RescaleRoundsHalfAwayFromZero) {
  EXPECT_TRUE(Rescale(125, 2, 1).value() == 13);
  EXPECT_TRUE(Rescale(-125, 2, 1).value() == -13);
  EXPECT_TRUE(Rescale(124, 2, 1).value() == 12);
  EXPECT_TRUE(Rescale(5, 0, 3).value() == 5000);
  EXPECT_FALSE(Rescale(Pow10(38), 0, 5).ok());
  EXPECT_TRUE(ParseDecimal("-0.005", 5, 2).value() == -1);
  EXPECT_FALSE(ParseDecimal("1e5", 10, 0).ok());
  EXPECT_FALSE(ParseDecimal("1000", 3, 0).ok());
  EXPECT_EQ(Int128ToString(-Pow10(37) * 17), "-170000000000000000000000000000000000000");
  EXPECT_TRUE(FitsPrecision(Pow10(38) - 1, 38));
  EXPECT_FALSE(FitsPrecision(-Pow10(38), 38));
}

}  // namespace
}  // namespace sluice::engine

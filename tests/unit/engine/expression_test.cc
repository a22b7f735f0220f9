// Expression semantics through the whole engine (SELECT without FROM): NULL logic, DECIMAL
// typing and exactness, overflow errors, functions.
#include <gtest/gtest.h>

#include "unit/engine/engine_test_util.h"

namespace sluice::engine {
namespace {

using testing::RunSql;
using testing::Scalar;

std::string V(const std::string& expr) {
  auto value = Scalar(expr);
  EXPECT_TRUE(value.ok()) << expr << ": " << value.status().ToString();
  return value.ok() ? *value : "<error>";
}

std::string Err(const std::string& expr) {
  auto value = Scalar(expr);
  EXPECT_FALSE(value.ok()) << expr << " gave " << (value.ok() ? *value : "");
  return value.ok() ? "" : value.status().ToString();
}

TEST(ExpressionTest, ThreeValuedLogic) {
  EXPECT_EQ(V("NULL AND false"), "false");
  EXPECT_EQ(V("NULL AND true"), "null");
  EXPECT_EQ(V("NULL OR true"), "true");
  EXPECT_EQ(V("NULL OR false"), "null");
  EXPECT_EQ(V("NOT (NULL = 1)"), "null");
  EXPECT_EQ(V("NULL IS NULL"), "true");
  EXPECT_EQ(V("1 IS NOT NULL"), "true");
  EXPECT_EQ(V("1 IN (2, NULL)"), "null");
  EXPECT_EQ(V("1 IN (1, NULL)"), "true");
  EXPECT_EQ(V("1 NOT IN (2, NULL)"), "null");
  EXPECT_EQ(V("3 NOT IN (1, 2)"), "true");
  EXPECT_EQ(V("NULL + 1"), "null");
  EXPECT_EQ(V("coalesce(NULL, NULL, 3)"), "3");
  EXPECT_EQ(V("CASE WHEN NULL THEN 1 ELSE 2 END"), "2");
  EXPECT_EQ(V("CASE 2 WHEN 1 THEN 'a' WHEN 2 THEN 'b' END"), "\"b\"");
  EXPECT_EQ(V("CASE WHEN false THEN 1 END"), "null");
  EXPECT_EQ(V("2 BETWEEN 1 AND NULL"), "null");
  EXPECT_EQ(V("5 BETWEEN 1 AND 3"), "false");
}

TEST(ExpressionTest, DecimalTypingMatchesDuckDb) {
  EXPECT_EQ(V("1.5 * 2.25"), "\"3.375\"");                     // DECIMAL(5,3)
  EXPECT_EQ(V("CAST(1.5 AS DECIMAL(10,2)) + 1"), "\"2.50\"");  // DECIMAL(13,2)
  EXPECT_EQ(V("CAST(1.5 AS DECIMAL(10,2)) * CAST(2.25 AS DECIMAL(5,3))"), "\"3.37500\"");
  EXPECT_EQ(V("0.1 + 0.2"), "\"0.3\"");  // exact, not 0.30000000000000004
  EXPECT_EQ(V("CAST(1 AS DECIMAL(10,2)) / 3"), "0.3333333333333333");  // division is DOUBLE
  EXPECT_EQ(V("-CAST(1.25 AS DECIMAL(4,2))"), "\"-1.25\"");
  EXPECT_EQ(V("CAST(2.5 AS INTEGER)"), "3");  // half away from zero
  EXPECT_EQ(V("CAST(-2.5 AS INTEGER)"), "-3");
  EXPECT_EQ(V("CAST(1.005 AS DECIMAL(4,2))"), "\"1.01\"");
  EXPECT_EQ(V("CAST('12345678901234567890123456.7890123456' AS DECIMAL(38,10)) * 1"),
            "\"12345678901234567890123456.7890123456\"");
  EXPECT_EQ(V("CAST(0.1 AS DECIMAL(3,2)) = 0.10"), "true");
  EXPECT_EQ(V("CAST(1.10 AS DECIMAL(5,2)) > CAST(1.1 AS DECIMAL(3,1))"), "false");
}

TEST(ExpressionTest, OverflowIsAnError) {
  EXPECT_NE(Err("2147483647 + 1").find("overflow in addition of INTEGER"), std::string::npos);
  EXPECT_NE(Err("CAST(9223372036854775807 AS BIGINT) * 2").find("overflow"), std::string::npos);
  EXPECT_NE(Err("-CAST(-2147483648 AS INTEGER)").find("overflow"), std::string::npos);
  EXPECT_NE(
      Err("CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0)) + 1").find("overflow"),
      std::string::npos);
  EXPECT_NE(Err("CAST(123.45 AS DECIMAL(4,2))").find("out of range"), std::string::npos);
  EXPECT_NE(Err("CAST(3000000000 AS INTEGER)").find("out of range"), std::string::npos);
  EXPECT_NE(Err("CAST('abc' AS INTEGER)").find("cannot parse"), std::string::npos);
  // Integer arithmetic widens to BIGINT when one side is BIGINT.
  EXPECT_EQ(V("2147483647 + CAST(1 AS BIGINT)"), "2147483648");
}

TEST(ExpressionTest, DivisionSemantics) {
  EXPECT_EQ(V("7 / 2"), "3.5");
  EXPECT_EQ(V("7 // 2"), "3");
  EXPECT_EQ(V("-7 // 2"), "-3");
  EXPECT_EQ(V("-7 % 2"), "-1");
  EXPECT_EQ(V("1 // 0"), "null");
  EXPECT_EQ(V("1 % 0"), "null");
  EXPECT_EQ(V("1 / 0"), "\"Infinity\"");
}

TEST(ExpressionTest, StringAndDateFunctions) {
  EXPECT_EQ(V("lower('AbC') || upper('x')"), "\"abcX\"");
  EXPECT_EQ(V("length('héllo')"), "5");
  EXPECT_EQ(V("substr('hello', 2, 3)"), "\"ell\"");
  EXPECT_EQ(V("substr('hello', 0, 2)"), "\"h\"");
  EXPECT_EQ(V("substr('hello', -3)"), "\"llo\"");
  EXPECT_EQ(V("trim('  x ')"), "\"x\"");
  EXPECT_EQ(V("concat('a', NULL, 'b')"), "\"ab\"");
  EXPECT_EQ(V("'a' || NULL"), "null");
  EXPECT_EQ(V("'abc' LIKE 'a%'"), "true");
  EXPECT_EQ(V("'abc' LIKE 'a_'"), "false");
  EXPECT_EQ(V("'abc' NOT LIKE '%c'"), "false");
  EXPECT_EQ(V("year(DATE '2024-02-29')"), "2024");
  EXPECT_EQ(V("month(DATE '2024-02-29')"), "2");
  EXPECT_EQ(V("extract(day FROM DATE '2024-02-29')"), "29");
  EXPECT_EQ(V("date_trunc('month', DATE '2024-03-05')"), "\"2024-03-01T00:00:00.000000\"");
  EXPECT_EQ(V("DATE '2024-02-28' + 1"), "\"2024-02-29\"");
  EXPECT_EQ(V("DATE '1969-12-31' < DATE '1970-01-01'"), "true");
  EXPECT_EQ(V("CAST(TIMESTAMP '2024-01-02 03:04:05.5' AS DATE)"), "\"2024-01-02\"");
  EXPECT_NE(Err("DATE '2023-02-29'").find("does not exist"), std::string::npos);
}

TEST(ExpressionTest, BindErrorsNameTheProblem) {
  auto missing = RunSql("SELECT nope FROM (SELECT 1 AS a) t");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("column 'nope' not found"), std::string::npos);
  auto group = RunSql("SELECT a, b, count(*) FROM (SELECT 1 AS a, 2 AS b) t GROUP BY a");
  ASSERT_FALSE(group.ok());
  EXPECT_NE(group.status().message().find("must appear in GROUP BY"), std::string::npos);
  auto types = RunSql("SELECT 'a' + 1");
  EXPECT_FALSE(types.ok());
  auto table = RunSql("SELECT * FROM no_such_table");
  ASSERT_FALSE(table.ok());
  EXPECT_EQ(table.status().code(), StatusCode::kNotFound);
}

TEST(ExpressionTest, ConstantQueriesWithOrderAndLimit) {
  auto rows = RunSql("SELECT 2 AS x UNION ALL SELECT 1 UNION ALL SELECT 3 ORDER BY x DESC LIMIT 2");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_EQ(*rows, (std::vector<std::string>{"{\"x\":3}", "{\"x\":2}"}));
}

}  // namespace
}  // namespace sluice::engine

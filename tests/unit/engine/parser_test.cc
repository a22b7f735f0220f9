#include "engine/parse/parser.h"

#include <gtest/gtest.h>

namespace sluice::engine {
namespace {

std::string ErrorOf(const std::string& sql) {
  auto parsed = ParseSql(sql);
  EXPECT_FALSE(parsed.ok()) << sql;
  return parsed.ok() ? "" : parsed.status().message();
}

TEST(ParserTest, ParsesFullSelect) {
  auto parsed = ParseSql(
      "WITH t AS (SELECT a, b FROM read_parquet('x/*.parquet')) "
      "SELECT DISTINCT t.a, count(*) AS n, sum(DISTINCT b) FROM t LEFT JOIN u ON t.a = u.a "
      "WHERE a IS NOT NULL AND b NOT IN (1, 2) AND c BETWEEN 1 AND 2 AND d NOT LIKE 'x%' "
      "GROUP BY t.a HAVING count(*) > 1 ORDER BY 2 DESC NULLS FIRST, a LIMIT 10 OFFSET 5");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const QueryNode& query = *parsed->query;
  ASSERT_EQ(query.ctes.size(), 1u);
  ASSERT_EQ(query.operands.size(), 1u);
  const SelectCore& core = *query.operands[0].select;
  EXPECT_TRUE(core.distinct);
  EXPECT_EQ(core.items.size(), 3u);
  EXPECT_EQ(core.items[1].alias, "n");
  EXPECT_EQ(core.items[1].expr->text, "count_star()");
  EXPECT_TRUE(core.items[2].expr->distinct);
  ASSERT_EQ(core.from->kind, TableRef::Kind::kJoin);
  EXPECT_TRUE(core.from->left_join);
  EXPECT_EQ(core.group_by.size(), 1u);
  ASSERT_EQ(query.order_by.size(), 2u);
  EXPECT_TRUE(query.order_by[0].descending);
  EXPECT_TRUE(query.order_by[0].nulls_first.value());
  EXPECT_EQ(*query.limit, 10);
  EXPECT_EQ(*query.offset, 5);
}

TEST(ParserTest, UnionAllAndSubqueries) {
  auto parsed = ParseSql("SELECT x FROM (SELECT 1 AS x) s UNION ALL (SELECT 2) ORDER BY 1");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->query->operands.size(), 2u);
  EXPECT_TRUE(parsed->query->operands[1].nested != nullptr);
  EXPECT_TRUE(ParseSql("EXPLAIN SELECT 1")->explain);
}

TEST(ParserTest, ErrorsPointAtLineColumnAndToken) {
  EXPECT_EQ(ErrorOf("SELECT a FROM t WHERE"),
            "syntax error at line 1, column 22 near end of input: expected an expression");
  EXPECT_EQ(ErrorOf("SELECT a,\n  b FROM t\nWHERE a = = 1"),
            "syntax error at line 3, column 11 near '=': expected an expression");
  EXPECT_EQ(ErrorOf("SELECT a FROM t GROUP a"),
            "syntax error at line 1, column 23 near 'a': expected BY");
  EXPECT_NE(ErrorOf("SELECT a FROM t UNION SELECT b").find("near 'SELECT': expected ALL"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT 'abc FROM t").find("line 1, column 8: unterminated string"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT a FROM t RIGHT JOIN u ON a = b").find("near 'RIGHT'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT a ? b").find("unexpected character '?'"), std::string::npos);
  EXPECT_NE(ErrorOf("SELECT CAST(a AS) FROM t").find("expected a type name"), std::string::npos);
  EXPECT_NE(ErrorOf("SELECT a FROM t LIMIT x").find("near 'x': expected a row count"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT (a FROM t").find("expected ')'"), std::string::npos);
  EXPECT_NE(ErrorOf("SELECT a FROM t extra garbage").find("near 'garbage': expected end of query"),
            std::string::npos);
}

TEST(ParserTest, QuotedIdentifiersAndComments) {
  auto parsed = ParseSql("SELECT \"weird col\" -- comment\nFROM t");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->query->operands[0].select->items[0].expr->name, "weird col");
}

}  // namespace
}  // namespace sluice::engine

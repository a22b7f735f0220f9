#include <gtest/gtest.h>

#include "sluice/validate.h"

namespace sluice {
namespace {

const char* kGood = R"Y(version: 1
tables:
  orders:
    key: id
    casts:
      amount: {type: "decimal(12,2)", format: comma, on_error: quarantine}
      legacy: {drop: true}
      created: {type: timestamp, format: "%d/%m/%Y %H:%M", on_error: "null", trim: false}
    columns:
      id: {type: int64, nullable: false, unique: true}
      amount:
        min: 0
        max: 100000
        max_exclusive: true
      status: {allowed: [new, paid, shipped]}
      email: {regex: '[^@]+@[^@]+', max_length: 200, required: false}
      note:
    checks:
      row_count: {min: 1, max: 1000000}
      unique: [[customer_id, order_no]]
  other:
    columns:
      x: {type: BIGINT}
)Y";

TEST(ContractTest, ParsesEverySection) {
  auto contract = Contract::Parse(kGood, "c.yaml");
  ASSERT_TRUE(contract.ok()) << contract.status().ToString();
  ASSERT_EQ(contract->tables.size(), 2u);
  const TableContract& orders = contract->tables[0];
  EXPECT_EQ(orders.key, "id");
  ASSERT_EQ(orders.casts.size(), 3u);
  EXPECT_EQ(orders.casts[0].target, CastTarget::kDecimal);
  EXPECT_EQ(orders.casts[0].on_error, OnError::kQuarantine);
  EXPECT_EQ(orders.casts[0].location.line, 6);
  EXPECT_TRUE(orders.casts[1].drop);
  EXPECT_EQ(orders.casts[2].on_error, OnError::kNull);
  EXPECT_FALSE(orders.casts[2].trim);
  ASSERT_EQ(orders.columns.size(), 5u);
  EXPECT_EQ(orders.columns[0].checks.size(), 3u);
  const auto& amount = orders.columns[1].checks;
  ASSERT_EQ(amount.size(), 2u);
  EXPECT_EQ(amount[0].kind, CheckKind::kMin);
  EXPECT_FALSE(amount[0].flag);
  EXPECT_EQ(amount[1].kind, CheckKind::kMax);
  EXPECT_TRUE(amount[1].flag);  // max_exclusive applies though it comes after max
  EXPECT_FALSE(orders.columns[3].required);
  EXPECT_TRUE(orders.columns[4].checks.empty());
  ASSERT_EQ(orders.table_checks.size(), 2u);
  EXPECT_EQ(orders.table_checks[1].args, (std::vector<std::string>{"customer_id", "order_no"}));
  EXPECT_EQ(contract->tables[1].columns[0].checks[0].args[0], "int64");  // alias normalised

  EXPECT_EQ(contract->Select("other").value()->name, "other");
  EXPECT_EQ(contract->Select("nope").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(contract->Select("").status().code(), StatusCode::kInvalidArgument);
}

// Every bad contract fails with FILE:LINE: KEY and says what is wrong.
struct BadCase {
  const char* text;
  const char* expected;
};

TEST(ContractTest, BadContractsNameFileLineAndKey) {
  const BadCase cases[] = {
      {"tables:\n  t:\n    columns:\n      a: {uniq: true}\n",
       "bad.yaml:4: tables.t.columns.a.uniq: unknown check"},
      {"tables:\n  t:\n    columns:\n      a: {type: integer128}\n",
       "bad.yaml:4: tables.t.columns.a.type: unknown type 'integer128'"},
      {"tables:\n  t:\n    columns:\n      a:\n        nullable: maybe\n",
       "bad.yaml:5: tables.t.columns.a.nullable: expected true or false, found 'maybe'"},
      {"tables:\n  t:\n    columns:\n      a:\n        min_length: -3\n",
       "bad.yaml:5: tables.t.columns.a.min_length: expected a non-negative integer"},
      {"tables:\n  t:\n    columns:\n      a:\n        allowed: x\n",
       "bad.yaml:5: tables.t.columns.a.allowed: expected a list"},
      {"tables:\n  t:\n    columns:\n      a:\n        regex: '(a'\n",
       "bad.yaml:5: tables.t.columns.a.regex: regex '(a'"},
      {"tables:\n  t:\n    casts:\n      a: {type: date, format: '%Y'}\n",
       "bad.yaml:4: tables.t.casts.a.format: format '%Y' needs %Y, %m and %d"},
      {"tables:\n  t:\n    casts:\n      a: {type: int, on_error: skip}\n",
       "bad.yaml:4: tables.t.casts.a.on_error: expected fail, null or quarantine"},
      {"tables:\n  t:\n    casts:\n      a: {type: blob}\n",
       "bad.yaml:4: tables.t.casts.a.type: unknown type 'blob'"},
      {"tables:\n  t:\n    checks:\n      rows: {min: 1}\n",
       "bad.yaml:4: tables.t.checks.rows: unknown table check"},
      {"tables:\n  t:\n    colums: {}\n", "bad.yaml:3: tables.t.colums: unknown key"},
      {"tables:\n  t:\n    columns: [a, b]\n", "bad.yaml:3: tables.t.columns: expected a mapping"},
      {"tables:\n  t: {columns: {a: {min: [1]}}}\n",
       "tables.t.columns.a.min: expected a single value"},
      {"tables:\n  t:\n   - a\n  x: [\n", "bad.yaml:5: invalid YAML"},
      {"version: 2\ntables: {t: {}}\n", "bad.yaml:1: version: unsupported version '2'"},
      {"", "bad.yaml: empty contract"},
  };
  for (const BadCase& bad : cases) {
    auto contract = Contract::Parse(bad.text, "bad.yaml");
    ASSERT_FALSE(contract.ok()) << bad.text;
    EXPECT_EQ(contract.status().code(), StatusCode::kInvalidArgument) << bad.text;
    EXPECT_NE(contract.status().message().find(bad.expected), std::string::npos)
        << "got: " << contract.status().message() << "\nwanted: " << bad.expected;
  }
}

TEST(ContractTest, LoadMissingFile) {
  EXPECT_EQ(Contract::Load("/nonexistent/contract.yaml").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "sluice/validate.h"
#include "unit/validate/test_util.h"

namespace sluice::validate::testing {
namespace {

TableContract ParseTable(const std::string& yaml) {
  auto contract = Contract::Parse(yaml, "c.yaml");
  EXPECT_TRUE(contract.ok()) << contract.status().ToString();
  return contract.ok() ? contract->tables[0] : TableContract{};
}

std::unique_ptr<ContractValidator> MakeValidator(const std::string& yaml, const Schema& schema,
                                                 ValidatorOptions options = {}) {
  auto validator = ContractValidator::Make(ParseTable(yaml), schema, options);
  EXPECT_TRUE(validator.ok()) << validator.status().ToString();
  return validator.ok() ? std::move(*validator) : nullptr;
}

const CheckResult* FindFailure(const ValidationReport& report, const std::string& column,
                               const std::string& check) {
  for (const CheckResult& failure : report.failures) {
    if (failure.column == column && failure.check == check) return &failure;
  }
  return nullptr;
}

int64_t CountOf(const ValidationReport& report, const std::string& column,
                const std::string& check) {
  const CheckResult* failure = FindFailure(report, column, check);
  return failure == nullptr ? 0 : failure->failure_count;
}

Schema OrderSchema() {
  return Schema{{Int64Column("id", false),
                 ColumnSchema{"amount", PhysicalType::kInt64, 0, true, LogicalType::Decimal(12, 2)},
                 StringColumn("status"), StringColumn("email"),
                 ColumnSchema{"score", PhysicalType::kDouble, 0, true, LogicalType::None()},
                 ColumnSchema{"day", PhysicalType::kInt32, 0, true, LogicalType::Date()}}};
}

ColumnBatch OrderBatch() {
  // amount is the unscaled DECIMAL(12,2) value; day is days since 1970-01-01.
  return MakeBatch(
      OrderSchema(),
      {
          {"1", "1000", "new", "a@x.io", "0.5", "19723"},    // 10.00, 2024-01-01
          {"2", "-1", "paid", "bad-email", "1.5", "19722"},  // -0.01, 2023-12-31
          {"3", std::nullopt, "lost", "b@y.io", std::nullopt, std::nullopt},
          {"3", "10000000", "new", std::nullopt, "2.0", "19724"},  // 100000.00 (max exclusive)
          {"5", "0", "shipped", "c@z.io", "-0.0", "19723"},
      });
}

const char* kOrders = R"Y(tables:
  orders:
    key: id
    columns:
      id: {type: int64, nullable: false, unique: true}
      amount: {type: "decimal(12,2)", min: 0, max: 100000, max_exclusive: true, nullable: false}
      status: {allowed: [new, paid, shipped]}
      email: {regex: '[^@]+@[^@]+\.[a-z]+', min_length: 7}
      score: {min: 0, min_exclusive: true, max: 2}
      day: {min: "2024-01-01", max: "2024-01-01"}
    checks:
      row_count: {min: 10}
)Y";

TEST(ContractValidatorTest, EveryColumnCheckWithNullSemantics) {
  auto validator = MakeValidator(kOrders, OrderSchema());
  ASSERT_NE(validator, nullptr);
  EXPECT_TRUE(validator->schema_ok());
  ASSERT_TRUE(validator->Consume(OrderBatch()).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->passed());
  EXPECT_EQ(report->rows_checked, 5);
  SCOPED_TRACE(report->ToText());

  const CheckResult* unique = FindFailure(*report, "id", "unique");
  ASSERT_NE(unique, nullptr);
  EXPECT_EQ(unique->failure_count, 1);
  EXPECT_EQ(unique->samples[0].key, "3");
  EXPECT_EQ(unique->samples[0].value, "3");

  const CheckResult* min = FindFailure(*report, "amount", "min");
  ASSERT_NE(min, nullptr);
  EXPECT_EQ(min->failure_count, 1);  // NULL passes range checks; 0.00 passes min 0 inclusive
  EXPECT_EQ(min->samples[0].value, "\"-0.01\"");
  EXPECT_EQ(min->detail, ">= 0");
  const CheckResult* max = FindFailure(*report, "amount", "max");
  ASSERT_NE(max, nullptr);
  EXPECT_EQ(max->failure_count, 1);  // 100000.00 fails max 100000 exclusive
  EXPECT_EQ(CountOf(*report, "amount", "nullable"), 1);
  ASSERT_NE(FindFailure(*report, "amount", "nullable"), nullptr);
  EXPECT_EQ(FindFailure(*report, "amount", "nullable")->samples[0].value, "null");

  const CheckResult* allowed = FindFailure(*report, "status", "allowed");
  ASSERT_NE(allowed, nullptr);
  EXPECT_EQ(allowed->failure_count, 1);
  EXPECT_EQ(allowed->samples[0].value, "\"lost\"");
  EXPECT_EQ(CountOf(*report, "email", "regex"), 1);       // NULL email passes
  EXPECT_EQ(CountOf(*report, "email", "min_length"), 3);  // 6-character emails; NULL passes
  // score: > 0 fails 0.5? no; -0.0 fails (not > 0); 2.0 passes max 2 inclusive.
  EXPECT_EQ(CountOf(*report, "score", "min"), 1);
  EXPECT_EQ(FindFailure(*report, "score", "max"), nullptr);
  // day: 2023-12-31 and 2024-01-02 fail the one-day window.
  EXPECT_EQ(CountOf(*report, "day", "min"), 1);
  EXPECT_EQ(CountOf(*report, "day", "max"), 1);
  ASSERT_NE(FindFailure(*report, "day", "max"), nullptr);
  EXPECT_EQ(FindFailure(*report, "day", "max")->samples[0].value, "\"2024-01-02\"");
  const CheckResult* rows = FindFailure(*report, "", "row_count");
  ASSERT_NE(rows, nullptr);
  EXPECT_EQ(rows->samples[0].value, "5");

  auto json = nlohmann::json::parse(report->ToJson());
  EXPECT_EQ(json["passed"], false);
  EXPECT_EQ(json["rows_checked"], 5);
  EXPECT_EQ(json["checks_failed"], report->failures.size());
  EXPECT_EQ(json["failures"][0]["samples"][0]["key"], 3);
  EXPECT_NE(report->ToText().find("amount min [>= 0]: 1 failure; e.g. key 2: \"-0.01\""),
            std::string::npos)
      << report->ToText();
}

TEST(ContractValidatorTest, PassingContract) {
  auto validator = MakeValidator(
      "tables:\n  t:\n    columns:\n      id: {unique: true, min: 1}\n    checks:\n"
      "      row_count: {min: 2, max: 3}\n",
      OrderSchema());
  ASSERT_TRUE(validator
                  ->Consume(MakeBatch(OrderSchema(), {{"1", "1", "a", "a", "1", "1"},
                                                      {"2", "1", "a", "a", "1", "1"}}))
                  .ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->passed()) << report->ToText();
  EXPECT_EQ(report->checks_total, 3);
}

TEST(ContractValidatorTest, MissingColumnAndWrongTypeFailBeforeData) {
  auto validator = MakeValidator(
      "tables:\n  t:\n    columns:\n      nope: {min: 1}\n      maybe: {required: false}\n"
      "      status: {type: int64, min: 5}\n      id: {type: int64}\n",
      OrderSchema());
  ASSERT_NE(validator, nullptr);
  EXPECT_FALSE(validator->schema_ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failures.size(), 2u) << report->ToText();
  EXPECT_EQ(report->failures[0].check, "present");
  EXPECT_EQ(report->failures[0].column, "nope");
  EXPECT_EQ(report->failures[1].check, "type");
  EXPECT_EQ(report->failures[1].detail, "expected int64, found string");
}

TEST(ContractValidatorTest, BadLiteralsAndInapplicableChecksAreContractErrors) {
  struct Case {
    const char* yaml;
    const char* expected;
  };
  const Case cases[] = {
      {"tables:\n  t:\n    columns:\n      amount: {min: abc}\n",
       "c.yaml:4: tables.t.columns.amount.min: 'abc' is not a decimal(12,2)"},
      {"tables:\n  t:\n    columns:\n      amount: {min: 0.001}\n",
       "more fraction digits than the scale"},
      {"tables:\n  t:\n    columns:\n      day: {max: 2024-13-01}\n", "is not a date"},
      {"tables:\n  t:\n    columns:\n      id: {regex: 'a+'}\n", "regex needs a string column"},
      {"tables:\n  t:\n    columns:\n      id: {max_length: 3}\n", "length checks need a string"},
      {"tables:\n  t:\n    key: nope\n", "key column 'nope' is not in the table"},
      {"tables:\n  t:\n    checks:\n      unique: [id, nope]\n",
       "column 'nope' is not in the table"},
      // Expressions are compiled by the query engine before any row is read.
      {"tables:\n  t:\n    checks:\n      expression: amount +\n",
       "c.yaml:4: tables.t.checks.expression: expression 'amount +': syntax error"},
      {"tables:\n  t:\n    checks:\n      expression: nope > 0\n", "nope"},
      {"tables:\n  t:\n    checks:\n      expression: amount + 1\n", "not a boolean"},
      {"tables:\n  t:\n    checks:\n      expression: sum(amount) > 0\n", "aggregate"},
      {"tables:\n  t:\n    checks:\n      expression: 'id > 0) AS a, (id'\n",
       "one boolean expression"},
  };
  for (const Case& bad : cases) {
    auto validator = ContractValidator::Make(ParseTable(bad.yaml), OrderSchema());
    ASSERT_FALSE(validator.ok()) << bad.yaml;
    EXPECT_NE(validator.status().message().find(bad.expected), std::string::npos)
        << validator.status().message();
  }
}

// SQL CHECK semantics: FALSE fails, TRUE and NULL pass; samples show the columns read.
TEST(ContractValidatorTest, ExpressionChecksRunOnTheEngine) {
  auto validator = MakeValidator(
      "tables:\n  orders:\n    key: id\n    checks:\n"
      "      expression:\n"
      "        - amount >= 0 AND amount < 1000.00\n"
      "        - \"status IN ('new', 'paid') OR email LIKE '%@y.io'\"\n"
      "        - day IS NULL OR day >= DATE '2024-01-01'\n",
      OrderSchema());
  ASSERT_NE(validator, nullptr);
  ASSERT_TRUE(validator->Consume(OrderBatch()).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  SCOPED_TRACE(report->ToText());
  ASSERT_EQ(report->failures.size(), 3u);
  // amount: -0.01 fails, 100000.00 fails the upper bound, NULL (row 3) passes.
  EXPECT_EQ(report->failures[0].check, "expression");
  EXPECT_EQ(report->failures[0].column, "");
  EXPECT_EQ(report->failures[0].detail, "amount >= 0 AND amount < 1000.00");
  EXPECT_EQ(report->failures[0].failure_count, 2);
  EXPECT_EQ(report->failures[0].samples[0].key, "2");
  EXPECT_EQ(report->failures[0].samples[0].value, "{\"amount\": \"-0.01\"}");
  // status: "lost" (email b@y.io) passes through the LIKE; "shipped" with c@z.io fails.
  EXPECT_EQ(report->failures[1].failure_count, 1);
  EXPECT_EQ(report->failures[1].samples[0].value,
            "{\"status\": \"shipped\", \"email\": \"c@z.io\"}");
  // day: 2023-12-31 fails; NULL passes.
  EXPECT_EQ(report->failures[2].failure_count, 1);
  EXPECT_EQ(report->failures[2].samples[0].key, "2");
}

TEST(ContractValidatorTest, UniqueCombinationIgnoresRowsWithNulls) {
  Schema schema{{Int64Column("a"), StringColumn("b")}};
  auto validator = MakeValidator("tables:\n  t:\n    checks:\n      unique: [a, b]\n", schema);
  ASSERT_TRUE(validator
                  ->Consume(MakeBatch(schema, {{"1", "x"},
                                               {"1", "y"},
                                               {"1", "x"},
                                               {"2", "x"},
                                               {std::nullopt, "x"},
                                               {std::nullopt, "x"},
                                               {"1", std::nullopt},
                                               {"1", std::nullopt}}))
                  .ok());
  // The string "ab" + "c" must not collide with "a" + "bc": parts are length-prefixed.
  ASSERT_TRUE(validator->Consume(MakeBatch(schema, {{"1", "xy"}})).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].check, "unique_columns");
  EXPECT_EQ(report->failures[0].failure_count, 1);
  EXPECT_EQ(report->failures[0].samples[0].value, "[1, \"x\"]");
  EXPECT_EQ(report->failures[0].samples[0].key, "2");  // row number without a key column
}

// Many duplicates under a tiny budget: counts must equal the in-memory answer exactly, for the
// fixed-width path (id: BIGINT keys scattered over 64 bits, so they do not compress into runs)
// and the generic path (name, code: strings).
TEST(ContractValidatorTest, UniqueSpillsUnderTinyBudgetAndCountsExactly) {
  Schema schema{{Int64Column("id"), StringColumn("name"), StringColumn("code")}};
  const std::string yaml =
      "tables:\n  t:\n    columns:\n      id: {unique: true}\n"
      "      name: {unique: true}\n      code: {unique: true}\n";
  for (int64_t budget : {int64_t{1} << 30, int64_t{64} << 10}) {
    ValidatorOptions options;
    options.unique_memory_bytes = budget;
    auto validator = MakeValidator(yaml, schema, options);
    // 200,000 rows in 20 batches; id and name repeat every 150,000 rows (50,000 duplicates
    // each), code has 1,000 distinct values (199,000 duplicates); every 7th code is NULL (never
    // a duplicate).
    int64_t nulls = 0;
    for (int batch_idx = 0; batch_idx < 20; ++batch_idx) {
      ColumnBatch batch(schema);
      for (int64_t row = 0; row < 10'000; ++row) {
        int64_t n = batch_idx * 10'000 + row;
        batch.column(0).Append<int64_t>(
            static_cast<int64_t>(static_cast<uint64_t>(n % 150'000) * 0x9E3779B97F4A7C15ULL));
        batch.column(1).AppendBytes("name-" + std::to_string(n % 150'000));
        if (n % 7 == 0) {
          batch.column(2).AppendNull();
          ++nulls;
        } else {
          batch.column(2).AppendBytes("code-" + std::to_string(n % 1000));
        }
      }
      Status consumed = validator->Consume(batch);
      ASSERT_TRUE(consumed.ok()) << consumed.ToString();
    }
    auto report = validator->Finish();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    // Three sets of at least 1 MiB each.
    EXPECT_LE(validator->peak_unique_memory_bytes(), std::max<int64_t>(budget, 3 << 20));
    if (budget < (1 << 20)) {
      EXPECT_GT(validator->spilled_runs(), 2);
    } else {
      EXPECT_EQ(validator->spilled_runs(), 0);
    }
    ASSERT_EQ(report->failures.size(), 3u);
    EXPECT_EQ(report->failures[0].failure_count, 50'000) << "budget " << budget;
    EXPECT_EQ(report->failures[1].failure_count, 50'000) << "budget " << budget;
    // Distinct non-NULL codes: all 1,000 residues appear on non-multiples of 7.
    EXPECT_EQ(report->failures[2].failure_count, 200'000 - nulls - 1000) << "budget " << budget;
    EXPECT_EQ(report->failures[0].samples.size(), 5u);
  }
}

TEST(ContractValidatorTest, ChunksCommitAtomicallyAndDroppedChunksLeaveNoTrace) {
  Schema schema{{Int64Column("id")}};
  auto validator =
      MakeValidator("tables:\n  t:\n    columns:\n      id: {unique: true, max: 100}\n", schema);
  auto first = validator->NewChunk("part-00000");
  ASSERT_TRUE(first->Consume(MakeBatch(schema, {{"1"}, {"2"}, {"200"}})).ok());
  // A failed attempt of chunk 1 saw rows 3, 4 and then died: it is dropped, not committed.
  {
    auto failed = validator->NewChunk("part-00001");
    ASSERT_TRUE(failed->Consume(MakeBatch(schema, {{"3"}, {"4"}})).ok());
  }
  auto retry = validator->NewChunk("part-00001");
  ASSERT_TRUE(retry->Consume(MakeBatch(schema, {{"3"}, {"4"}, {"2"}})).ok());
  ASSERT_TRUE(validator->Commit(std::move(retry)).ok());
  ASSERT_TRUE(validator->Commit(std::move(first)).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_checked, 6);
  ASSERT_EQ(report->failures.size(), 2u);
  EXPECT_EQ(report->failures[0].check, "unique");
  EXPECT_EQ(report->failures[0].failure_count, 1);
  // Chunk 1 was committed first, so the duplicate "2" is the one in part-00000 (row 1).
  EXPECT_EQ(report->failures[0].samples[0].key, "\"part-00000:row 1\"");
  EXPECT_EQ(report->failures[1].samples[0].key, "\"part-00000:row 2\"");
}

TEST(ContractValidatorTest, DecimalInFixedLenByteArrayAndUnsigned) {
  Schema schema{
      {ColumnSchema{"big", PhysicalType::kFixedLenByteArray, 16, true, LogicalType::Decimal(38, 2)},
       ColumnSchema{"u", PhysicalType::kInt64, 0, true, LogicalType::Integer(64, false)}}};
  ColumnBatch batch(schema);
  uint8_t minus_one[16];
  std::memset(minus_one, 0xFF, 16);  // -0.01
  uint8_t plus_big[16] = {0};
  plus_big[0] = 0x01;  // 2^120 = a large positive value
  batch.column(0).AppendFixed(minus_one);
  batch.column(0).AppendFixed(plus_big);
  batch.column(1).Append<uint64_t>(UINT64_MAX);  // 18446744073709551615, not -1
  batch.column(1).Append<uint64_t>(5);
  auto validator = MakeValidator(
      "tables:\n  t:\n    columns:\n      big: {min: 0, max: '1000'}\n"
      "      u: {max: 10}\n",
      schema);
  ASSERT_TRUE(validator->Consume(batch).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->failures.size(), 3u) << report->ToText();
  EXPECT_EQ(report->failures[0].samples[0].value, "\"-0.01\"");
  EXPECT_EQ(report->failures[1].check, "max");
  EXPECT_EQ(report->failures[2].column, "u");
  EXPECT_EQ(report->failures[2].samples[0].value, "\"18446744073709551615\"");
}

// Range checks on signed integers near the int64 limits, with bounds beyond them, and a NULL
// whose slot holds a value outside the range (NULL passes).
TEST(ContractValidatorTest, IntegerRangesAtTheLimits) {
  Schema schema{{Int64Column("a"), Int64Column("b"), Int64Column("c"), Int64Column("d"),
                 ColumnSchema{"e", PhysicalType::kInt32, 0, true, LogicalType::None()}}};
  ColumnBatch batch(schema);
  const int64_t values[] = {INT64_MIN, -1, 0, INT64_MAX};
  for (int64_t value : values) {
    for (int col = 0; col < 4; ++col) batch.column(col).Append<int64_t>(value);
    batch.column(4).Append<int32_t>(static_cast<int32_t>(value >> 32));
  }
  for (int col = 0; col < 5; ++col) batch.column(col).AppendNull();
  auto validator = MakeValidator(
      "tables:\n  t:\n    columns:\n"
      "      a: {min: -1}\n"
      "      b: {max: 9223372036854775807, max_exclusive: true}\n"
      "      c: {min: 9223372036854775807, min_exclusive: true}\n"
      "      d: {max: -9223372036854775809}\n"
      "      e: {min: -1, max: 0, max_exclusive: true}\n",
      schema);
  ASSERT_TRUE(validator->Consume(batch).ok());
  auto report = validator->Finish();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  SCOPED_TRACE(report->ToText());
  EXPECT_EQ(CountOf(*report, "a", "min"), 1);  // INT64_MIN
  EXPECT_EQ(CountOf(*report, "b", "max"), 1);  // INT64_MAX
  EXPECT_EQ(CountOf(*report, "c", "min"), 4);  // nothing is above INT64_MAX
  EXPECT_EQ(CountOf(*report, "d", "max"), 4);  // nothing is below INT64_MIN
  // e holds INT32_MIN (fails min -1), -1, 0 (fails max 0 exclusive) and INT32_MAX (fails max).
  EXPECT_EQ(CountOf(*report, "e", "min"), 1);
  EXPECT_EQ(CountOf(*report, "e", "max"), 2);
}

TEST(ContractValidatorTest, CastStatsFlowIntoTheReport) {
  Schema source{{Int64Column("id"), StringColumn("n")}};
  auto table = ParseTable(
      "tables:\n  t:\n    key: id\n    casts:\n      n: {type: int64, on_error: quarantine}\n"
      "    columns:\n      n: {min: 0}\n");
  auto plan = CastPlan::Make(table.casts, source, table.key);
  ASSERT_TRUE(plan.ok());
  auto validator = ContractValidator::Make(table, plan->output_schema());
  ASSERT_TRUE(validator.ok());
  auto chunk = (*validator)->NewChunk("c0");
  ColumnBatch out;
  MemoryRejectSink sink;
  ASSERT_TRUE(plan->Apply(MakeBatch(source, {{"1", "5"}, {"2", "x"}, {"3", "-1"}}), &out, &sink,
                          chunk->cast_stats())
                  .ok());
  ASSERT_TRUE(chunk->Consume(out).ok());
  ASSERT_TRUE((*validator)->Commit(std::move(chunk)).ok());
  auto report = (*validator)->Finish();
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->rows_checked, 2);
  EXPECT_EQ(report->rows_quarantined, 1);
  ASSERT_EQ(report->casts.columns.size(), 1u);
  EXPECT_EQ(report->casts.columns[0].quarantined, 1);
  EXPECT_EQ(report->casts.columns[0].samples[0].first, "2");
  ASSERT_EQ(report->failures.size(), 1u);
  EXPECT_EQ(report->failures[0].samples[0].key, "3");
}

}  // namespace
}  // namespace sluice::validate::testing

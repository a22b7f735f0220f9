// End-to-end tests of `sluice extract --contract/--cast` (issue 5 wired into extract) against the
// real MariaDB: the dirty rows of tests/validate/dirty_orders.sql are extracted in several chunks
// on two connections under each on_error mode; the exact output rows, _rejects rows, report
// counts, exit codes and the publishing rule (no manifest when the contract fails) are asserted,
// reading the Parquet back with pqcheck (DuckDB). Expected values mirror validate_e2e_test.cc.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "sql_file.h"
#include "support/dirty_orders_contract.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Rows of a DuckDB query through pqcheck, one JSON line each.
std::vector<std::string> SqlRows(const std::string& query) {
  auto result = RunShell(ShellQuote(Pqcheck()) + " sql " + ShellQuote(query));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> lines;
  std::istringstream in(result.out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::string Contract(const std::string& on_error, bool strict) {
  return ::sluice::testing::DirtyOrdersContract(on_error, strict);
}

bool HasPartFile(const std::string& dir) {
  for (const auto& name : ListDir(dir)) {
    if (name.starts_with("part-")) return true;
  }
  return false;
}

class ExtractValidateE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    ASSERT_TRUE(fs::exists(Pqcheck())) << "pqcheck not found at " << Pqcheck();
    ASSERT_NO_FATAL_FAILURE(ExecSqlFile(conn_.get(), SLUICE_DIRTY_ORDERS_SQL));
    dir_ = TempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    table_dir_ = dir_ + "/out/dirty_orders";
  }
  void TearDown() override {
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  std::string WriteContract(const std::string& text) {
    std::string path = dir_ + "/contract.yaml";
    std::ofstream(path) << text;
    return path;
  }
  // Five rows per chunk on two connections: the 12 rows span three part files, so unique
  // checks, rejects and counts are merged across chunks committed by different threads.
  CommandResult Run(const std::string& args, int jobs = 2) {
    return Extract("--table dirty_orders --dest " + ShellQuote(dir_ + "/out") +
                   " --chunk-rows 5 --jobs " + std::to_string(jobs) + " " + args);
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string dir_;
  std::string table_dir_;
};

TEST_F(ExtractValidateE2eTest, QuarantineWritesExactOutputRejectsAndManifest) {
  CommandResult run = Run("--contract " + WriteContract(Contract("quarantine", false)));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("passed"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("8 rows checked, 4 rows quarantined"), std::string::npos) << run.err;

  EXPECT_EQ(SqlRows("SELECT id, amount, qty, created, status FROM read_parquet('" + table_dir_ +
                    "/part-*.parquet') ORDER BY id, amount"),
            DirtyOrdersQuarantineOutput());
  EXPECT_EQ(SqlRows("SELECT typeof(amount) t, typeof(qty) q, typeof(created) c FROM "
                    "read_parquet('" +
                    table_dir_ + "/part-*.parquet') LIMIT 1"),
            std::vector<std::string>{R"J({"t":"DECIMAL(12,2)","q":"INTEGER","c":"DATE"})J"});
  EXPECT_EQ(
      SqlRows("SELECT id, amount, qty, created, _reject_column, _reject_reason FROM "
              "read_parquet('" +
              table_dir_ + "/_rejects/*.parquet') ORDER BY id"),
      (std::vector<std::string>{
          R"J({"id":4,"amount":"n/a","qty":"2","created":"2024-01-08","_reject_column":"amount","_reject_reason":"amount: cannot cast \"n/a\" to DECIMAL(12,2): not a number"})J",
          R"J({"id":5,"amount":"12.345","qty":"1","created":"2024-01-09","_reject_column":"amount","_reject_reason":"amount: cannot cast \"12.345\" to DECIMAL(12,2): more fraction digits than the scale"})J",
          R"J({"id":7,"amount":"99,999,999.99","qty":"x","created":"2024-01-11","_reject_column":"qty","_reject_reason":"qty: cannot cast \"x\" to INT32: not a number"})J",
          R"J({"id":8,"amount":"20","qty":"2","created":"2024-02-30","_reject_column":"created","_reject_reason":"created: cannot cast \"2024-02-30\" to DATE: no such date"})J",
      }));
  json report = ParseJson(ReadFile(table_dir_ + "/_validation.json"));
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["rows_checked"], 8);
  EXPECT_EQ(report["rows_quarantined"], 4);
  std::map<std::string, int64_t> quarantined;
  for (const auto& cast : report["casts"]) quarantined[cast["column"]] = cast["quarantined"];
  EXPECT_EQ(quarantined,
            (std::map<std::string, int64_t>{{"amount", 2}, {"qty", 1}, {"created", 1}}));
  // The manifest counts the rows in the files and describes the cast schema.
  json manifest = ParseJson(ReadFile(table_dir_ + "/_manifest.json"));
  EXPECT_EQ(manifest["total_rows"], 8);
  int64_t file_rows = 0;
  for (const auto& file : manifest["files"]) file_rows += file["rows"].get<int64_t>();
  EXPECT_EQ(file_rows, 8);
  std::map<std::string, std::string> types;
  for (const auto& column : manifest["schema"]) types[column["name"]] = column["type"].dump();
  EXPECT_NE(types["amount"].find("DECIMAL(12,2)"), std::string::npos) << types["amount"];

  // A rerun starts afresh (no reuse under validation) and gives the same result.
  CommandResult again = Run("--contract " + WriteContract(Contract("quarantine", false)));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(SqlRows("SELECT count(*) n FROM read_parquet('" + table_dir_ + "/_rejects/*.parquet')"),
            std::vector<std::string>{R"J({"n":4})J"});
  EXPECT_EQ(ParseJson(ReadFile(table_dir_ + "/_validation.json"))["rows_checked"], 8);
}

TEST_F(ExtractValidateE2eTest, NullModeStrictContractFailsWithExactCountsAndNoManifest) {
  CommandResult run = Run("--contract " + WriteContract(Contract("null", true)));
  ASSERT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(fs::exists(table_dir_ + "/_manifest.json"));
  json report = ParseJson(ReadFile(table_dir_ + "/_validation.json"));
  EXPECT_EQ(report["passed"], false);
  EXPECT_EQ(report["rows_checked"], 12);
  EXPECT_EQ(report["rows_quarantined"], 0);
  std::map<std::string, int64_t> counts;
  for (const auto& failure : report["failures"]) {
    counts[(failure["column"].is_null() ? std::string("") : failure["column"].get<std::string>()) +
           "." + failure["check"].get<std::string>()] = failure["failure_count"];
  }
  EXPECT_EQ(counts,
            (std::map<std::string, int64_t>{
                {"id.unique", 1}, {"amount.min", 1}, {"amount.max", 2}, {"status.max_length", 1}}));
  for (const auto& failure : report["failures"]) {
    if (failure["check"] == "unique") {
      EXPECT_EQ(failure["samples"][0]["key"], 9);
      EXPECT_EQ(failure["samples"][0]["value"], 9);
    }
    if (failure["check"] == "min") {
      EXPECT_EQ(failure["samples"][0]["value"], "-5.00");
    }
  }
  std::map<std::string, int64_t> nulled;
  for (const auto& cast : report["casts"]) nulled[cast["column"]] = cast["nulled"];
  EXPECT_EQ(nulled, (std::map<std::string, int64_t>{{"amount", 2}, {"qty", 1}, {"created", 1}}));
  EXPECT_NE(run.err.find("id unique [values must be unique]: 1 failure; e.g. key 9: 9"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("the manifest was not written"), std::string::npos) << run.err;
  // Nothing was quarantined, so there is no reject file.
  EXPECT_TRUE(ListDir(table_dir_ + "/_rejects").empty());
}

TEST_F(ExtractValidateE2eTest, FailModeStopsAtTheFirstBadValueWithExit3) {
  CommandResult run = Run("--contract " + WriteContract(Contract("fail", false)), /*jobs=*/1);
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("cannot cast \"n/a\" to DECIMAL(12,2)"), std::string::npos) << run.err;
  EXPECT_FALSE(fs::exists(table_dir_ + "/_manifest.json"));
  // The failing chunk (pk 1..5) left no file; no report is written for a stopped run.
  EXPECT_FALSE(fs::exists(table_dir_ + "/part-00000.parquet"));
  EXPECT_FALSE(fs::exists(table_dir_ + "/_validation.json"));
}

TEST_F(ExtractValidateE2eTest, CommandLineValueCastsAndTypeOverridesTogether) {
  // amount/qty: value casts (they carry ON_ERROR); id=string: a catalog type override;
  // created=drop: a value cast removing the column.
  CommandResult run =
      Run("--cast 'amount=decimal(12,2):comma:null' --cast qty=int32:null --cast id=string "
          "--cast created=drop");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(SqlRows("SELECT id, amount, qty FROM read_parquet('" + table_dir_ +
                    "/part-*.parquet') WHERE pk IN (1, 4, 7, 12) ORDER BY pk"),
            (std::vector<std::string>{
                R"J({"id":"1","amount":"1234.50","qty":3})J",
                R"J({"id":"4","amount":null,"qty":2})J",
                R"J({"id":"7","amount":"99999999.99","qty":null})J",
                R"J({"id":"11","amount":"2000000.00","qty":5})J",
            }));
  EXPECT_EQ(SqlRows("SELECT count(*) n, count(amount) a FROM read_parquet('" + table_dir_ +
                    "/part-*.parquet')"),
            std::vector<std::string>{R"J({"n":12,"a":8})J"});
  auto columns = SqlRows("SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('" +
                         table_dir_ + "/part-*.parquet'))");
  EXPECT_EQ(columns,
            (std::vector<std::string>{R"J({"column_name":"pk"})J", R"J({"column_name":"id"})J",
                                      R"J({"column_name":"amount"})J", R"J({"column_name":"qty"})J",
                                      R"J({"column_name":"status"})J"}));
  json report = ParseJson(ReadFile(table_dir_ + "/_validation.json"));
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["rows_checked"], 12);
  // A value cast of a non-text column is refused before anything is written.
  CommandResult bad = Run("--restart --cast pk=int32:null");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

// Expression checks run on the query engine, on the chunks' helper threads (two connections):
// exact counts and samples; an evaluation error on a helper thread stops the extract (exit 3).
TEST_F(ExtractValidateE2eTest, ExpressionChecksOnHelperThreads) {
  const std::string casts =
      "tables:\n  dirty_orders:\n    key: pk\n    casts:\n"
      "      amount: {type: \"decimal(12,2)\", format: comma, on_error: \"null\"}\n"
      "      qty: {type: int32, on_error: \"null\"}\n"
      "      created: {type: date, on_error: \"null\"}\n";
  CommandResult run =
      Run("--contract " +
          WriteContract(casts +
                        "    checks:\n      expression:\n"
                        "        - amount < 1000\n"
                        "        - \"status IN ('new', 'paid', 'shipped') OR created IS NULL\"\n"
                        "        - qty * 2 + 1 > 0\n"));
  ASSERT_EQ(run.exit_code, 3) << run.err;
  EXPECT_FALSE(fs::exists(table_dir_ + "/_manifest.json"));
  json report = ParseJson(ReadFile(table_dir_ + "/_validation.json"));
  EXPECT_EQ(report["rows_checked"], 12);
  ASSERT_EQ(report["failures"].size(), 2u) << report.dump();
  // 1,234.50, 99,999,999.99 and 2,000,000 are >= 1000; NULL amounts pass.
  EXPECT_EQ(report["failures"][0]["check"], "expression");
  EXPECT_EQ(report["failures"][0]["detail"], "amount < 1000");
  EXPECT_EQ(report["failures"][0]["failure_count"], 3);
  std::vector<int64_t> keys;
  for (const auto& sample : report["failures"][0]["samples"]) keys.push_back(sample["key"]);
  std::sort(keys.begin(), keys.end());
  EXPECT_EQ(keys, (std::vector<int64_t>{1, 7, 12}));
  // "lost" with a date fails (pk 12); "lost" with 2024-02-30 (NULL after the cast) passes.
  EXPECT_EQ(report["failures"][1]["failure_count"], 1);
  EXPECT_EQ(report["failures"][1]["samples"][0]["key"], 12);
  EXPECT_EQ(report["failures"][1]["samples"][0]["value"],
            json::parse(R"J({"created": "2024-01-14", "status": "lost"})J"));

  // BIGINT overflow while evaluating, on a helper thread: the extract stops naming the check.
  CommandResult overflow =
      Run("--contract " + WriteContract(casts + "    checks:\n      expression: "
                                                "\"pk * 9223372036854775807 > 0\"\n"));
  EXPECT_EQ(overflow.exit_code, 3) << overflow.err;
  EXPECT_NE(overflow.err.find("expression check 'pk * 9223372036854775807 > 0'"), std::string::npos)
      << overflow.err;
  EXPECT_FALSE(fs::exists(table_dir_ + "/_manifest.json"));
}

TEST_F(ExtractValidateE2eTest, MissingColumnFailsBeforeReadingRows) {
  CommandResult run = Run("--contract " + WriteContract("tables:\n  orders:\n    columns:\n"
                                                        "      price: {min: 0}\n"));
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("price present [column is missing from the table]: 1 failure"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("0 rows checked"), std::string::npos) << run.err;
  EXPECT_TRUE(fs::exists(table_dir_ + "/_validation.json"));
  EXPECT_FALSE(HasPartFile(table_dir_));
  EXPECT_FALSE(fs::exists(table_dir_ + "/_manifest.json"));

  // A structural contract error is a usage error (exit 2) naming FILE:LINE: KEY.
  CommandResult bad = Run("--contract " + WriteContract("tables:\n  orders:\n    columns:\n"
                                                        "      amount:\n        uniqe: true\n"));
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("contract.yaml:5: tables.orders.columns.amount.uniqe: unknown check"),
            std::string::npos)
      << bad.err;
}

}  // namespace
}  // namespace sluice::testing

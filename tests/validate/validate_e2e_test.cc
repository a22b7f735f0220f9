// End-to-end tests of `sluice validate`: dirty text columns (numbers as text with blanks,
// thousands separators and junk, an impossible date, duplicates, out-of-range values) written to
// Parquet by DuckDB, then cast and checked through the CLI under each on_error mode. Exact report
// counts and the exact rows of the output and of _rejects are asserted (read back by DuckDB).
// The same rows are in tests/validate/dirty_orders.sql for the MariaDB-backed extract test.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/dirty_orders_contract.h"

namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

std::string Pqcheck() {
  const char* env = std::getenv("SLUICE_PQCHECK");
  return env != nullptr ? env : SLUICE_DEFAULT_PQCHECK;
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct CmdResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

CmdResult Shell(const std::string& command, const std::string& dir) {
  std::string full = command + " >" + dir + "/cmd.out 2>" + dir + "/cmd.err";
  int status = std::system(full.c_str());
  CmdResult run;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = ReadAll(dir + "/cmd.out");
  run.err = ReadAll(dir + "/cmd.err");
  return run;
}

// Rows of a DuckDB query as JSON lines.
std::vector<std::string> Sql(const std::string& query, const std::string& dir) {
  CmdResult run = Shell(Quote(Pqcheck()) + " sql " + Quote(query), dir);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> lines;
  std::istringstream in(run.out);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// The dirty rows (same as dirty_orders.sql): id, amount, qty, created, status, all text but id.
const char* kDirtyRows = R"(
  (1::BIGINT, '1,234.50', '3', '2024-01-05', 'new'),
  (2, '  17.00 ', ' 4 ', '2024-01-06', 'paid'),
  (3, '', '1', '2024-01-07', 'paid'),
  (4, 'n/a', '2', '2024-01-08', 'new'),
  (5, '12.345', '1', '2024-01-09', 'new'),
  (6, '-5.00', '1', '2024-01-10', 'shipped'),
  (7, '99,999,999.99', 'x', '2024-01-11', 'new'),
  (8, '20', '2', '2024-02-30', 'lost'),
  (9, '30', '2', '2024-01-12', 'new'),
  (9, '31', '2', '2024-01-13', 'new'),
  (10, NULL, NULL, NULL, NULL),
  (11, '2,000,000', '5', '2024-01-14', 'lost')
)";

std::string Contract(const std::string& on_error, bool strict) {
  return ::sluice::testing::DirtyOrdersContract(on_error, strict);
}

class ValidateE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(Pqcheck())) << "pqcheck not found at " << Pqcheck();
    dir_ = ::testing::TempDir() + "sluice_validate_e2e_" + std::to_string(getpid()) + "_" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_ + "/raw");
    // Two input files, so batches, row groups and the unique check span files.
    Sql("COPY (SELECT * FROM (VALUES " + std::string(kDirtyRows) +
            ") t(id, amount, qty, created, status) WHERE id <= 6) TO '" + dir_ +
            "/raw/a.parquet' (FORMAT PARQUET)",
        dir_);
    Sql("COPY (SELECT * FROM (VALUES " + std::string(kDirtyRows) +
            ") t(id, amount, qty, created, status) WHERE id > 6 OR id IS NULL) TO '" + dir_ +
            "/raw/b.parquet' (FORMAT PARQUET)",
        dir_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }

  std::string WriteContract(const std::string& text) {
    std::string path = dir_ + "/contract.yaml";
    std::ofstream(path) << text;
    return path;
  }
  CmdResult Validate(const std::string& args) {
    return Shell(Quote(SLUICE_BINARY) + " validate " + args, dir_);
  }

  std::string dir_;
};

TEST_F(ValidateE2eTest, QuarantineWritesExactOutputAndRejects) {
  std::string contract = WriteContract(Contract("quarantine", false));
  CmdResult run =
      Validate("--contract " + contract + " --output " + dir_ + "/out " + dir_ + "/raw");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("passed"), std::string::npos) << run.err;

  // Output: rows 4 (n/a), 5 (12.345), 7 (qty x), 8 (2024-02-30) are gone; blanks became NULL,
  // "1,234.50" became 1234.50, " 4 " became 4.
  EXPECT_EQ(Sql("SELECT id, amount, qty, created, status FROM read_parquet('" + dir_ +
                    "/out/part-*.parquet') ORDER BY id, amount",
                dir_),
            ::sluice::testing::DirtyOrdersQuarantineOutput());
  EXPECT_EQ(Sql("SELECT typeof(amount) t, typeof(qty) q, typeof(created) c FROM read_parquet('" +
                    dir_ + "/out/part-*.parquet') LIMIT 1",
                dir_),
            std::vector<std::string>{R"J({"t":"DECIMAL(12,2)","q":"INTEGER","c":"DATE"})J"});
  // Rejects: the source rows as they arrived, with the failing column and the reason.
  EXPECT_EQ(
      Sql("SELECT id, amount, qty, created, _reject_column, _reject_reason FROM read_parquet('" +
              dir_ + "/out/_rejects/*.parquet') ORDER BY id",
          dir_),
      (std::vector<std::string>{
          R"J({"id":4,"amount":"n/a","qty":"2","created":"2024-01-08","_reject_column":"amount","_reject_reason":"amount: cannot cast \"n/a\" to DECIMAL(12,2): not a number"})J",
          R"J({"id":5,"amount":"12.345","qty":"1","created":"2024-01-09","_reject_column":"amount","_reject_reason":"amount: cannot cast \"12.345\" to DECIMAL(12,2): more fraction digits than the scale"})J",
          R"J({"id":7,"amount":"99,999,999.99","qty":"x","created":"2024-01-11","_reject_column":"qty","_reject_reason":"qty: cannot cast \"x\" to INT32: not a number"})J",
          R"J({"id":8,"amount":"20","qty":"2","created":"2024-02-30","_reject_column":"created","_reject_reason":"created: cannot cast \"2024-02-30\" to DATE: no such date"})J",
      }));
  json report = json::parse(ReadAll(dir_ + "/out/_validation.json"));
  EXPECT_EQ(report["passed"], true);
  EXPECT_EQ(report["rows_checked"], 8);
  EXPECT_EQ(report["rows_quarantined"], 4);
  std::map<std::string, int64_t> quarantined;
  for (const auto& cast : report["casts"]) quarantined[cast["column"]] = cast["quarantined"];
  EXPECT_EQ(quarantined,
            (std::map<std::string, int64_t>{{"amount", 2}, {"qty", 1}, {"created", 1}}));
}

TEST_F(ValidateE2eTest, NullModeStrictContractFailsWithExactCountsAndPublishesNothing) {
  std::string contract = WriteContract(Contract("null", true));
  CmdResult run = Validate("--json --contract " + contract + " --output " + dir_ + "/out " + dir_ +
                           "/raw/a.parquet " + dir_ + "/raw/b.parquet");
  ASSERT_EQ(run.exit_code, 3) << run.err;
  json report = json::parse(run.out);
  EXPECT_EQ(report["passed"], false);
  EXPECT_EQ(report["rows_checked"], 12);
  EXPECT_EQ(report["rows_quarantined"], 0);
  std::map<std::string, int64_t> counts;
  for (const auto& failure : report["failures"]) {
    counts[(failure["column"].is_null() ? std::string("") : failure["column"].get<std::string>()) +
           "." + failure["check"].get<std::string>()] = failure["failure_count"];
  }
  // id 9 twice; -5.00 < 0; 2,000,000 > 1,000,000 (99,999,999.99 too); "shipped" is 7 characters.
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
  // Publishing rule: no part file of a failed table; the report is there.
  EXPECT_FALSE(fs::exists(dir_ + "/out/part-00000.parquet"));
  EXPECT_FALSE(fs::exists(dir_ + "/out/part-00001.parquet"));
  for (const auto& entry : fs::directory_iterator(dir_ + "/out")) {
    EXPECT_FALSE(entry.path().filename().string().starts_with("part-")) << entry.path();
  }
  EXPECT_TRUE(fs::exists(dir_ + "/out/_validation.json"));
  EXPECT_NE(run.err.find("id unique [values must be unique]: 1 failure; e.g. key 9: 9"),
            std::string::npos)
      << run.err;
}

TEST_F(ValidateE2eTest, FailModeStopsAtTheFirstBadValue) {
  std::string contract = WriteContract(Contract("fail", false));
  CmdResult run =
      Validate("--contract " + contract + " --output " + dir_ + "/out " + dir_ + "/raw");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("column amount, row 4: cannot cast \"n/a\" to DECIMAL(12,2)"),
            std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(dir_ + "/out/part-00000.parquet"));
}

TEST_F(ValidateE2eTest, ValidatesAlreadyCastTableDirectory) {
  // First publish a cast table (quarantine, lenient), then check it with the strict contract.
  std::string lenient = WriteContract(Contract("quarantine", false));
  ASSERT_EQ(
      Validate("--contract " + lenient + " --output " + dir_ + "/out " + dir_ + "/raw").exit_code,
      0);
  std::string strict = WriteContract(Contract("quarantine", true));
  CmdResult run = Validate("--json --contract " + strict + " " + dir_ + "/out");
  ASSERT_EQ(run.exit_code, 3) << run.err;
  json report = json::parse(run.out);
  EXPECT_EQ(report["rows_checked"], 8);  // _rejects/ is not part of the table
  ASSERT_EQ(report["failures"].size(), 4u) << run.out;
  EXPECT_EQ(report["failures"][0]["check"], "unique");
  EXPECT_EQ(report["failures"][1]["check"], "min");
  EXPECT_EQ(report["failures"][2]["check"], "max");
  EXPECT_EQ(report["failures"][2]["failure_count"], 1);
  EXPECT_EQ(report["failures"][3]["check"], "max_length");
}

TEST_F(ValidateE2eTest, BadContractsAreRejectedBeforeReadingWithFileLineAndKey) {
  std::string contract =
      WriteContract("tables:\n  orders:\n    columns:\n      amount:\n        uniqe: true\n");
  CmdResult run = Validate("--contract " + contract + " " + dir_ + "/raw");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("contract.yaml:5: tables.orders.columns.amount.uniqe: unknown check"),
            std::string::npos)
      << run.err;

  contract = WriteContract("tables:\n  orders:\n    casts:\n      amont: {type: int}\n");
  run = Validate("--contract " + contract + " --apply-casts " + dir_ + "/raw");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("contract.yaml:4: tables.orders.casts.amont: cast of column 'amont': no "
                         "such column in the source"),
            std::string::npos)
      << run.err;

  // A column missing from the files fails the `present` check without reading rows.
  contract = WriteContract("tables:\n  orders:\n    columns:\n      price: {min: 0}\n");
  run = Validate("--contract " + contract + " " + dir_ + "/raw");
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_NE(run.err.find("price present [column is missing from the table]: 1 failure"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("0 rows checked"), std::string::npos) << run.err;
}

}  // namespace

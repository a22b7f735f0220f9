// End-to-end tests of per-table `casts` and `contract` in `sluice run` (issue 5 wired into the
// pipeline) against the real MariaDB: the dirty rows of tests/validate/dirty_orders.sql run in
// several chunks on two connections next to a clean table. Asserted: the exact output and
// _rejects rows and report counts (the same as `sluice extract --contract`, see
// tests/e2e/extract_validate_e2e_test.cc), the publishing rule (a failed contract writes no
// manifest, exit 3, while the other table completes), what the summary, --json, the HTML report
// and the webhook say about the failed checks, and config errors (checks that do not fit the
// source) found before anything is written, with the pipeline file's line and key.
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/sql_file.h"
#include "runner/pipeline_test_util.h"
#include "support/dirty_orders_contract.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The contract's `orders` section, indented to sit under a table's `contract:` key.
std::string InlineContract(const std::string& on_error, bool strict) {
  std::istringstream in(DirtyOrdersContract(on_error, strict));
  std::string line;
  std::string out;
  int index = 0;
  while (std::getline(in, line)) {
    if (index++ < 2) continue;  // "tables:", "  orders:"
    out += "  " + line + "\n";
  }
  return out;
}

std::map<std::string, int64_t> FailureCounts(const json& failures) {
  std::map<std::string, int64_t> counts;
  for (const auto& failure : failures) {
    counts[(failure["column"].is_null() ? std::string("") : failure["column"].get<std::string>()) +
           "." + failure["check"].get<std::string>()] = failure["failure_count"];
  }
  return counts;
}

const json* FindTable(const json& summary, const std::string& name) {
  for (const auto& table : summary["tables"]) {
    if (table["table"] == name) return &table;
  }
  return nullptr;
}

class PipelineValidateE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    ASSERT_TRUE(fs::exists(Pqcheck())) << "pqcheck not found at " << Pqcheck();
    ASSERT_NO_FATAL_FAILURE(ExecSqlFile(conn_.get(), SLUICE_DIRTY_ORDERS_SQL));
    Exec(conn_.get(), "DROP TABLE IF EXISTS pv_ok");
    Exec(conn_.get(), "CREATE TABLE pv_ok (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
    Exec(conn_.get(), "INSERT INTO pv_ok SELECT seq, seq % 10, MD5(seq) FROM seq_1_to_2000");
    dir_ = TempDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
    lake_ = dir_ + "/lake";
  }
  void TearDown() override {
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  // Lines 1-9 are the head; the first table entry starts on line 10. dirty_orders runs in
  // 5-row chunks on two connections, so checks and rejects merge across part files.
  std::string WritePipeline(const std::string& dirty_orders_extra, const std::string& tail = "") {
    std::string yaml = PipelineTestSources(2) + "destination: " + lake_ +
                       "\ndefaults:\n  fetch_rows: 500\ntables:\n"
                       "  - name: dirty_orders\n    chunk_rows: 5\n" +
                       dirty_orders_extra + "  - name: pv_ok\n    chunk_rows: 500\n" + tail;
    std::string path = dir_ + "/p.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  void ExpectCleanTablePublished() {
    EXPECT_TRUE(fs::exists(lake_ + "/pv_ok/_manifest.json"));
    EXPECT_EQ(
        PqRows("SELECT count(*) n, sum(k) s FROM read_parquet('" + lake_ + "/pv_ok/*.parquet')"),
        std::vector<std::string>{R"J({"n":2000,"s":9000})J"});
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string dir_;
  std::string lake_;
};

// A contract file (relative to the pipeline file) with quarantining casts: the table is
// published with the cast rows only, rejects and report beside it; exit 0.
TEST_F(PipelineValidateE2eTest, QuarantineContractPublishesCastRowsWithRejectsBeside) {
  fs::create_directories(dir_ + "/contracts");
  std::ofstream(dir_ + "/contracts/orders.yaml") << DirtyOrdersContract("quarantine", false);
  std::string file =
      WritePipeline("    contract:\n      file: contracts/orders.yaml\n      section: orders\n");
  auto plan = RunSluice("plan " + file + " --json");
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_FALSE(fs::exists(lake_)) << "plan must not write";

  auto run = RunSluice("run " + file + " --json --progress log --report " + dir_ + "/run.html");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["status"], "succeeded");
  const json* orders = FindTable(summary, "dirty_orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_EQ((*orders)["rows"], 8);
  const json& validation = (*orders)["validation"];
  EXPECT_EQ(validation["passed"], true);
  EXPECT_EQ(validation["rows_checked"], 8);
  EXPECT_EQ(validation["rows_quarantined"], 4);
  EXPECT_EQ(validation["checks_failed"], 0);
  EXPECT_EQ(validation["report"], lake_ + "/dirty_orders/_validation.json");
  EXPECT_EQ(validation["rejects"], lake_ + "/dirty_orders/_rejects");
  EXPECT_FALSE(FindTable(summary, "pv_ok")->contains("validation"));
  EXPECT_NE(run.err.find("contract passed: 8 rows checked, 0 of "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("4 rows quarantined to " + lake_ + "/dirty_orders/_rejects"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("rows_checked=8 rows_quarantined=4"), std::string::npos) << run.err;

  const std::string table_dir = lake_ + "/dirty_orders";
  EXPECT_EQ(PqRows("SELECT id, amount, qty, created, status FROM read_parquet('" + table_dir +
                   "/part-*.parquet') ORDER BY id, amount"),
            DirtyOrdersQuarantineOutput());
  EXPECT_EQ(
      PqRows("SELECT id, _reject_column FROM read_parquet('" + table_dir +
             "/_rejects/*.parquet') ORDER BY id"),
      (std::vector<std::string>{
          R"J({"id":4,"_reject_column":"amount"})J", R"J({"id":5,"_reject_column":"amount"})J",
          R"J({"id":7,"_reject_column":"qty"})J", R"J({"id":8,"_reject_column":"created"})J"}));
  json manifest = ParseJson(ReadFile(table_dir + "/_manifest.json"));
  EXPECT_EQ(manifest["total_rows"], 8);
  ExpectCleanTablePublished();
  EXPECT_TRUE(fs::exists(lake_ + "/_pipeline_manifest.json"));
  EXPECT_NE(ReadFile(dir_ + "/run.html").find("contract passed: 8 rows checked"),
            std::string::npos);

  // A rerun validates everything again (no chunk is reused under a contract): same result.
  auto again = RunSluice("run " + file + " --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json second = ParseJson(again.out);
  EXPECT_EQ((*FindTable(second, "dirty_orders"))["chunks_reused"], 0);
  EXPECT_EQ((*FindTable(second, "dirty_orders"))["validation"]["rows_quarantined"], 4);
  EXPECT_EQ(PqRows("SELECT count(*) n FROM read_parquet('" + table_dir + "/_rejects/*.parquet')"),
            std::vector<std::string>{R"J({"n":4})J"});
}

// An inline contract that fails: the table is not published, the other table is, exit 3; the
// summary, --json, the HTML report and the webhook name every failed check with its count.
TEST_F(PipelineValidateE2eTest, FailedInlineContractBlocksOnlyItsTableAndSaysWhichChecksFailed) {
  std::string received = dir_ + "/received.jsonl";
  WebhookReceiver receiver(received);
  ASSERT_GT(receiver.port(), 0);
  std::string file = WritePipeline(
      "    contract:\n" + InlineContract("null", true),
      "alerts:\n  webhook: http://127.0.0.1:" + std::to_string(receiver.port()) + "/hook\n");
  auto run = RunSluice("run " + file + " --json --progress log --report " + dir_ + "/run.html");
  receiver.Stop();
  EXPECT_EQ(run.exit_code, 3) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["status"], "failed");
  const json& orders = *FindTable(summary, "dirty_orders");
  EXPECT_EQ(orders["status"], "failed");
  EXPECT_EQ(orders["error_kind"], "validation");
  EXPECT_EQ(orders["files"].size(), 0u);
  EXPECT_EQ(orders["validation"]["passed"], false);
  EXPECT_EQ(orders["validation"]["rows_checked"], 12);
  EXPECT_EQ(orders["validation"]["rows_quarantined"], 0);
  const std::map<std::string, int64_t> expected = {
      {"id.unique", 1}, {"amount.min", 1}, {"amount.max", 2}, {"status.max_length", 1}};
  EXPECT_EQ(FailureCounts(orders["validation"]["failures"]), expected);
  EXPECT_NE(orders["error"].get<std::string>().find("contract failed: id unique: 1 failure; "),
            std::string::npos)
      << orders["error"];
  EXPECT_EQ((*FindTable(summary, "pv_ok"))["status"], "succeeded");

  // Publishing rule: no manifest for the failed table (its report stays for inspection), and
  // no pipeline manifest; the other table is complete.
  EXPECT_FALSE(fs::exists(lake_ + "/dirty_orders/_manifest.json"));
  EXPECT_TRUE(fs::exists(lake_ + "/dirty_orders/_validation.json"));
  EXPECT_FALSE(fs::exists(lake_ + "/_pipeline_manifest.json"));
  ExpectCleanTablePublished();

  // The summary on stderr lists each failed check.
  EXPECT_NE(run.err.find("contract FAILED: 12 rows checked, 4 of "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("id unique [values must be unique]: 1 failure"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("amount max ["), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("event=table_failed"), std::string::npos) << run.err;
  std::string html = ReadFile(dir_ + "/run.html");
  EXPECT_NE(html.find("contract failed: id unique: 1 failure"), std::string::npos);

  auto lines = NonEmptyLines(ReadFile(received));
  ASSERT_EQ(lines.size(), 1u) << ReadFile(received);
  json alert = ParseJson(lines[0]);
  EXPECT_EQ(alert["event"], "table_failed");
  EXPECT_EQ(alert["table"], "dirty_orders");
  EXPECT_EQ(alert["error_kind"], "validation");
  EXPECT_EQ(alert["run_id"], summary["run_id"]);
  EXPECT_EQ(FailureCounts(alert["failed_checks"]), expected);
  EXPECT_EQ(alert["rows_checked"], 12);
  EXPECT_NE(alert["text"].get<std::string>().find("id unique: 1 failure"), std::string::npos);
}

// A value that fails a cast with on_error: fail stops that table (exit 3) with the value named;
// the other table completes.
TEST_F(PipelineValidateE2eTest, FailingCastStopsItsTableWithExit3) {
  std::string file = WritePipeline(
      "    casts:\n      amount: {type: \"decimal(12,2)\", format: comma, on_error: fail}\n");
  auto run = RunSluice("run " + file + " --json --progress log");
  EXPECT_EQ(run.exit_code, 3) << run.err;
  json summary = ParseJson(run.out);
  const json& orders = *FindTable(summary, "dirty_orders");
  EXPECT_EQ(orders["status"], "failed");
  EXPECT_EQ(orders["error_kind"], "validation");
  EXPECT_NE(orders["error"].get<std::string>().find("cannot cast \"n/a\" to DECIMAL(12,2)"),
            std::string::npos)
      << orders["error"];
  EXPECT_FALSE(fs::exists(lake_ + "/dirty_orders/_manifest.json"));
  ExpectCleanTablePublished();
}

// Contracts and casts that do not fit the source are config errors (exit 2) found by plan and
// run before anything is written, every one with the pipeline file's line and key.
TEST_F(PipelineValidateE2eTest, ChecksThatDoNotFitTheSourceAreConfigErrorsBeforeAnyWrite) {
  std::string file = WritePipeline(
      "    contract:\n"                   // line 12
      "      columns:\n"                  // 13
      "        price: {min: 0}\n"         // 14
      "        amount: {type: int64}\n",  // 15
      "    casts:\n"                      // 18 (pv_ok starts on line 16)
      "      amont: {type: int32}\n");    // 19
  for (const std::string command : {"plan", "run"}) {
    SCOPED_TRACE(command);
    auto result = RunSluice(command + " " + file + " --json");
    EXPECT_EQ(result.exit_code, 2) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_NE(
        result.err.find("/p.yaml:14: tables.dirty_orders.contract.columns.price: column 'price' "
                        "is not in the table (columns after casts: pk, id, amount"),
        std::string::npos)
        << result.err;
    EXPECT_NE(
        result.err.find("/p.yaml:15: tables.dirty_orders.contract.columns.amount.type: column "
                        "'amount': expected int64, found string"),
        std::string::npos)
        << result.err;
    EXPECT_NE(result.err.find("/p.yaml:19: tables.pv_ok.casts.amont: "), std::string::npos)
        << result.err;
    EXPECT_FALSE(fs::exists(lake_)) << "nothing may be written";
  }
  // A type cast of a column that is not text is refused the same way.
  file = WritePipeline("    casts:\n      pk: {type: int32}\n");
  auto run = RunSluice("run " + file);
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("/p.yaml:13: tables.dirty_orders.casts.pk: "), std::string::npos)
      << run.err;
  EXPECT_FALSE(fs::exists(lake_));
}

}  // namespace
}  // namespace sluice::testing

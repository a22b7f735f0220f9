// End-to-end tests of `sluice plan` / `sluice run` through the CLI against the real MariaDB:
// parallel tables, retries after killed connections and injected faults, kill -9 + resume,
// webhook alerts to a real local HTTP receiver, the JSON summary, config errors before anything
// runs, and the HTML report rendered by headless Chromium. Reliability tests 1, 13, 14 and 18 of
// shared/research/reliability-tests.md run here against `sluice run`.
#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <set>

#include "runner/pipeline_test_util.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Rows of a lake table as canonical "id|k|payload" lines in id order, read by DuckDB.
std::vector<std::string> LakeRows(const std::string& dir) {
  std::vector<std::string> rows;
  for (const auto& line : PqRows("SELECT concat_ws('|', id, k, payload) AS r FROM read_parquet('" +
                                 dir + "/*.parquet') ORDER BY id")) {
    json row = json::parse(line, nullptr, false);
    rows.push_back(row.is_object() && row["r"].is_string() ? row["r"].get<std::string>() : line);
  }
  return rows;
}

class PipelineE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
  }

  // id BIGINT PK, k INT, payload VARCHAR; rows from a SELECT over seq_1_to_N.
  void MakeTable(const std::string& name, const std::string& select_rows,
                 const std::string& payload_type = "VARCHAR(64)") {
    Exec(conn_.get(), "DROP TABLE IF EXISTS " + name);
    Exec(conn_.get(), "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, k INT, payload " +
                          payload_type + ", KEY (k))");
    Exec(conn_.get(), "INSERT INTO " + name + " " + select_rows);
  }

  std::vector<std::string> SourceRows(const std::string& table) {
    return QueryFirstColumn(&conn_,
                            "SELECT CONCAT_WS('|', id, k, payload) FROM " + table + " ORDER BY id");
  }

  // Small (2,000 rows), medium (30,000) and skewed large (80,000 rows, half of them on 1% of
  // the k values; chunked on k so hot keys make big chunks).
  void MakeThreeTables() {
    MakeTable("pl_small", "SELECT seq, seq % 10, MD5(seq) FROM seq_1_to_2000");
    MakeTable("pl_medium", "SELECT seq, seq % 1000, MD5(seq) FROM seq_1_to_30000");
    MakeTable("pl_large",
              "SELECT seq, IF(seq % 2 = 0, seq % 50, seq % 5000), MD5(seq) FROM seq_1_to_80000");
  }

  std::string WritePipeline(const std::string& dir, const std::string& extra_tables = "",
                            const std::string& extra = "", const std::string& defaults = "") {
    std::string yaml = "name: e2e\n" + PipelineTestSources(3) + "destination: " + dir +
                       "/lake\ndefaults:\n  fetch_rows: 500\n  retries: 3\n" + defaults +
                       "tables:\n"
                       "  - name: pl_small\n    chunk_rows: 1000\n"
                       "  - name: pl_medium\n    chunk_rows: 5000\n"
                       "  - name: pl_large\n    key: k\n    chunk_rows: 8000\n" +
                       extra_tables + extra;
    std::string path = dir + "/pipeline.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  void ExpectExact(const std::string& lake, const std::vector<std::string>& tables) {
    for (const auto& table : tables) {
      SCOPED_TRACE(table);
      std::vector<std::string> lake_rows = LakeRows(lake + "/" + table);
      std::vector<std::string> source_rows = SourceRows(table);
      EXPECT_EQ(lake_rows.size(), source_rows.size());
      EXPECT_TRUE(lake_rows == source_rows) << "rows differ";
      for (const auto& name : ListDir(lake + "/" + table)) {
        EXPECT_EQ(name.find(".tmp"), std::string::npos) << "leftover temporary file " << name;
      }
    }
  }

  std::unique_ptr<mysql::Connection> conn_;
};

TEST_F(PipelineE2eTest, PlanPrintsTablesChunksRangesAndWritesNothing) {
  MakeThreeTables();
  std::string dir = TempDir("plan");
  std::string file = WritePipeline(dir);
  auto plan = RunSluice("plan " + file + " --json");
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  json out = ParseJson(plan.out);
  ASSERT_TRUE(out.is_object()) << plan.out;
  ASSERT_EQ(out["tables"].size(), 3u);
  EXPECT_EQ(out["tables"][0]["table"], "pl_small");
  EXPECT_EQ(out["tables"][0]["chunks"].size(), 2u);
  EXPECT_EQ(out["tables"][0]["chunks"][0]["key_range"], "[1, 1000]");
  EXPECT_EQ(out["tables"][1]["chunks"].size(), 6u);
  EXPECT_EQ(out["tables"][2]["key"], "k");
  EXPECT_GE(out["tables"][2]["chunks"].size(), 5u);
  EXPECT_GT(out["tables"][1]["estimated_rows"].get<int64_t>(), 0);
  EXPECT_FALSE(fs::exists(dir + "/lake")) << "plan must not write";
  EXPECT_EQ(plan.out.find(PipelineTestPassword() + "@"), std::string::npos);
}

// Three tables in parallel on one pool; exact rows; the JSON summary lists every file.
TEST_F(PipelineE2eTest, ThreeTablesRunInParallelAndAreExact) {
  MakeThreeTables();
  std::string dir = TempDir("three");
  std::string file = WritePipeline(dir);
  auto run = RunSluice("run " + file + " --json --report " + dir + "/run.html",
                       "SLUICE_DEBUG_BATCH_DELAY_MS=3");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["status"], "succeeded");
  EXPECT_EQ(summary["total_rows"], 2000 + 30000 + 80000);
  EXPECT_GT(summary["peak_rss_bytes"].get<int64_t>(), 0);
  EXPECT_GT(summary["memory_budget_bytes"].get<int64_t>(), 0);
  int64_t file_count = 0;
  for (const auto& table : summary["tables"]) {
    EXPECT_EQ(table["status"], "succeeded") << table.dump();
    for (const auto& path : table["files"]) {
      EXPECT_TRUE(fs::exists(path.get<std::string>())) << path;
      ++file_count;
    }
    EXPECT_GT(table["bytes"].get<int64_t>(), 0);
    EXPECT_GT(table["seconds"].get<double>(), 0);
  }
  EXPECT_EQ(static_cast<int64_t>(summary["files"].size()), file_count);
  // Side by side: the small table ran while the large one was running.
  const json& small = summary["tables"][0];
  const json& large = summary["tables"][2];
  EXPECT_LT(small["start_seconds"].get<double>(), large["end_seconds"].get<double>());
  EXPECT_LT(large["start_seconds"].get<double>(), small["end_seconds"].get<double>());
  // Log lines: one structured line per chunk event (stderr is not a terminal here).
  EXPECT_NE(run.err.find("event=chunk_done"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("table=pl_large"), std::string::npos);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
  EXPECT_TRUE(fs::exists(dir + "/lake/_pipeline_manifest.json"));
  std::string html = ReadFile(dir + "/run.html");
  EXPECT_NE(html.find("<svg id=\"timeline\""), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"))
      << "the report must not load anything from the network";
}

// A chunk fails twice (injected, retryable) and then succeeds; data exact; retries counted.
TEST_F(PipelineE2eTest, ChunkFailingTwiceIsRetriedAndDataExact) {
  MakeThreeTables();
  std::string dir = TempDir("retry");
  std::string file = WritePipeline(dir);
  auto run = RunSluice("run " + file + " --json", "SLUICE_DEBUG_FAIL_CHUNKS=pl_medium:2:2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  EXPECT_EQ(summary["tables"][1]["retries"], 2);
  EXPECT_EQ(summary["retries"], 2);
  EXPECT_NE(run.err.find("event=chunk_retry"), std::string::npos) << run.err;
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
}

// Reliability test 3 through `sluice run`: connections KILLed from another session mid-chunk
// are retried; the other tables keep going; rows exact.
TEST_F(PipelineE2eTest, KilledConnectionsAreRetriedWhileOtherTablesContinue) {
  MakeThreeTables();
  // ~1 KB rows: a 5,000-row chunk (5 MB) outgrows socket buffers, so KILL lands mid-stream.
  MakeTable("pl_kill", "SELECT seq, seq % 100, REPEAT(MD5(seq), 30) FROM seq_1_to_30000",
            "VARCHAR(2000)");
  std::string dir = TempDir("kill");
  std::string file = WritePipeline(dir, "  - name: pl_kill\n    chunk_rows: 5000\n");
  std::string err = dir + "/stderr.txt";
  pid_t pid = StartSluice({"run", file, "--progress", "log"}, {"SLUICE_DEBUG_BATCH_DELAY_MS=20"},
                          "/dev/null", err);
  auto watcher = ConnectTestDb();
  ASSERT_NE(watcher, nullptr);
  std::string own =
      std::to_string(watcher->thread_id()) + ", " + std::to_string(conn_->thread_id());
  std::set<std::string> killed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
  while (killed.size() < 2 && std::chrono::steady_clock::now() < deadline) {
    auto rows = watcher->QueryRows(
        "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO LIKE 'SELECT %pl_kill%BETWEEN%' "
        "AND ID NOT IN (" +
        own + ")");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& row : *rows) {
      if (!row[0] || killed.count(*row[0])) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(60));
      if (watcher->Execute("KILL CONNECTION " + *row[0]).ok()) killed.insert(*row[0]);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int code = WaitExit(pid);
  std::string stderr_text = ReadFile(err);
  ASSERT_EQ(code, 0) << stderr_text;
  EXPECT_EQ(killed.size(), 2u);
  EXPECT_NE(stderr_text.find("event=chunk_retry"), std::string::npos) << stderr_text;
  EXPECT_NE(stderr_text.find("table=pl_kill"), std::string::npos);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large", "pl_kill"});
}

// Reliability test 1 through `sluice run`: kill -9 of the whole process at random points,
// rerun each time; the final data set is exact and the rerun reuses finished chunks.
TEST_F(PipelineE2eTest, KillNineAtRandomPointsThenRerunIsExact) {
  MakeThreeTables();
  std::string dir = TempDir("crash");
  std::string file = WritePipeline(dir);
  std::string err = dir + "/stderr.txt";
  std::mt19937 random(12345);  // fixed seed: reproducible kill points
  std::uniform_int_distribution<int> delay(50, 600);
  int killed = 0;
  bool last_killed = false;
  for (int trial = 0; trial < 6; ++trial) {
    // 40 ms per batch: the whole pipeline needs ~3 s of work, so most trials die mid-run.
    pid_t pid = StartSluice({"run", file, "--progress", "log"}, {"SLUICE_DEBUG_BATCH_DELAY_MS=40"},
                            "/dev/null", err);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay(random)));
    kill(pid, SIGKILL);
    last_killed = WaitExit(pid) == 128 + SIGKILL;
    if (last_killed) ++killed;
    // Whatever carries a final name is a complete Parquet file.
    for (const std::string table : {"pl_small", "pl_medium", "pl_large"}) {
      for (const auto& name : ListDir(dir + "/lake/" + table)) {
        if (!name.ends_with(".parquet")) continue;
        json count = PqSql("SELECT count(*) AS n FROM read_parquet('" + dir + "/lake/" + table +
                           "/" + name + "')");
        EXPECT_GT(count["n"].get<int64_t>(), 0) << table << "/" << name;
      }
    }
  }
  EXPECT_GE(killed, 3);
  auto run = RunSluice("run " + file + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  int64_t reused = 0;
  for (const auto& table : summary["tables"]) reused += table["chunks_reused"].get<int64_t>();
  EXPECT_GT(reused, 0) << run.out;
  if (last_killed) {
    EXPECT_TRUE(summary["resumed"].get<bool>()) << "the interrupted run is continued";
  }
  EXPECT_EQ(summary["total_rows"], 2000 + 30000 + 80000);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
}

// Reliability test 14: rerunning a run that already succeeded (an Airflow clear + rerun)
// produces the same files, byte for byte, and appends nothing.
TEST_F(PipelineE2eTest, RerunOfSucceededRunIsIdentical) {
  MakeThreeTables();
  std::string dir = TempDir("rerun");
  std::string file = WritePipeline(dir);
  auto first = RunSluice("run " + file + " --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json manifest1 = ParseJson(ReadFile(dir + "/lake/pl_large/_manifest.json"));
  auto files1 = ListDir(dir + "/lake/pl_large");
  auto second = RunSluice("run " + file + " --json");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  json manifest2 = ParseJson(ReadFile(dir + "/lake/pl_large/_manifest.json"));
  EXPECT_EQ(manifest1["files"], manifest2["files"]);  // names, rows, bytes, sha256
  EXPECT_EQ(files1, ListDir(dir + "/lake/pl_large"));
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
  // --fresh starts over and still gives the same data.
  auto fresh = RunSluice("run " + file + " --json --fresh");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  json summary = ParseJson(fresh.out);
  for (const auto& table : summary["tables"]) EXPECT_EQ(table["chunks_reused"], 0);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
}

// A table that fails for good (every attempt of a chunk fails) is reported to the webhook with
// run id, table, chunk range, attempt and error; the other tables complete; exit code 4.
TEST_F(PipelineE2eTest, TableFailingForGoodAlertsWebhookAndOthersComplete) {
  MakeThreeTables();
  std::string dir = TempDir("alert");
  std::string received = dir + "/received.jsonl";
  WebhookReceiver receiver(received);
  ASSERT_GT(receiver.port(), 0);
  std::string file =
      WritePipeline(dir, "",
                    "alerts:\n  webhook: http://127.0.0.1:" + std::to_string(receiver.port()) +
                        "/hooks/T000/B000/secretpath\n  on_failure: true\n",
                    "");
  auto run = RunSluice("run " + file + " --json", "SLUICE_DEBUG_FAIL_CHUNKS=pl_medium:3:99");
  receiver.Stop();
  EXPECT_EQ(run.exit_code, 4) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["status"], "failed");
  EXPECT_EQ(summary["tables"][0]["status"], "succeeded");
  EXPECT_EQ(summary["tables"][1]["status"], "failed");
  EXPECT_EQ(summary["tables"][2]["status"], "succeeded");
  EXPECT_EQ(summary["tables"][1]["retries"], 3);
  EXPECT_FALSE(fs::exists(dir + "/lake/pl_medium/_manifest.json"));
  ExpectExact(dir + "/lake", {"pl_small", "pl_large"});
  auto lines = NonEmptyLines(ReadFile(received));
  ASSERT_EQ(lines.size(), 1u) << ReadFile(received);
  json alert = ParseJson(lines[0]);
  EXPECT_EQ(alert["run_id"], summary["run_id"]);
  EXPECT_EQ(alert["table"], "pl_medium");
  EXPECT_EQ(alert["chunk"], 3);
  EXPECT_EQ(alert["chunk_range"], "[15001, 20000]");
  EXPECT_EQ(alert["attempt"], 4);
  EXPECT_NE(alert["error"].get<std::string>().find("injected fault"), std::string::npos);
  EXPECT_NE(alert["text"].get<std::string>().find("pl_medium"), std::string::npos);
  // The webhook path is a credential: never in logs.
  EXPECT_EQ(run.err.find("secretpath"), std::string::npos);
  // The rerun completes only what is missing.
  auto rerun = RunSluice("run " + file + " --json");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  json second = ParseJson(rerun.out);
  EXPECT_GT(second["tables"][1]["chunks_reused"].get<int>(), 0);
  EXPECT_EQ(second["tables"][0]["chunks_reused"], 2);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
}

// A webhook that is down or answers 500 is logged and never fails the run.
TEST_F(PipelineE2eTest, WebhookFailureNeverFailsTheRun) {
  MakeTable("pl_small", "SELECT seq, seq % 10, MD5(seq) FROM seq_1_to_2000");
  std::string dir = TempDir("deadhook");
  std::string received = dir + "/received.jsonl";
  WebhookReceiver receiver(received, 500);
  ASSERT_GT(receiver.port(), 0);
  for (int port : {receiver.port(), 1}) {  // port 1: nothing listens
    std::string yaml = "sources:\n  db:\n    url: " + PipelineTestUrl() +
                       "\n    password: ${PIPELINE_TEST_PASSWORD}\ndestination: " + dir +
                       "/lake\ntables:\n  - name: pl_small\nalerts:\n  webhook: http://127.0.0.1:" +
                       std::to_string(port) + "/x\n  on_success: true\n  timeout_seconds: 2\n";
    std::ofstream(dir + "/p.yaml") << yaml;
    auto run = RunSluice("run " + dir + "/p.yaml --json");
    EXPECT_EQ(run.exit_code, 0) << run.err;
    json summary = ParseJson(run.out);
    EXPECT_EQ(summary["status"], "succeeded");
    ASSERT_EQ(summary["alert_errors"].size(), 1u) << run.out;
    EXPECT_NE(run.err.find("alert not delivered"), std::string::npos) << run.err;
  }
  receiver.Stop();
  auto lines = NonEmptyLines(ReadFile(received));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(ParseJson(lines[0])["event"], "run_succeeded");
}

// Reliability test 18 through `sluice run`: bad config keys, bad credentials and bad table
// names fail before anything is written, name the problem, and never print the password.
TEST_F(PipelineE2eTest, ConfigAndCredentialErrorsFailBeforeAnythingIsWritten) {
  MakeThreeTables();
  std::string dir = TempDir("badcfg");
  std::string lake = dir + "/lake";
  struct Case {
    std::string yaml;
    int exit_code;
    std::string message;
  };
  std::string head = "sources:\n  db:\n    url: " + PipelineTestUrl() +
                     "\n    password: ${PIPELINE_TEST_PASSWORD}\ndestination: " + lake + "\n";
  std::vector<Case> cases = {
      {head + "tables:\n  - name: pl_small\n    chunk_row: 10\n", 2,
       "p.yaml:8: tables.pl_small.chunk_row: unknown key (did you mean 'chunk_rows'?)"},
      {head + "tables:\n  - name: pl_small\n    retries: many\n", 2,
       "p.yaml:8: tables.pl_small.retries: expected an integer, found 'many'"},
      {head + "tables:\n  - name: no_such_table\n", 2, "no_such_table"},
      {head + "tables:\n  - name: pl_small\n    columns: [id, nope]\n", 2, "nope"},
      {head + "tables:\n  - name: pl_small\n    contract: c.yaml\n", 2,
       "p.yaml:8: tables.pl_small.contract: contract file "},
      {"sources:\n  db:\n    url: " + PipelineTestUrl() +
           "\n    password: ${WRONG_PASSWORD_VAR}\ndestination: " + lake +
           "\ntables:\n  - name: pl_small\n",
       4, "Access denied"},
  };
  for (const auto& item : cases) {
    SCOPED_TRACE(item.yaml);
    std::ofstream(dir + "/p.yaml") << item.yaml;
    auto run = RunSluice("run " + dir + "/p.yaml --json", "WRONG_PASSWORD_VAR=not-the-password");
    EXPECT_EQ(run.exit_code, item.exit_code) << run.err;
    EXPECT_NE(run.err.find(item.message), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
    EXPECT_FALSE(fs::exists(lake)) << "nothing may be written";
    EXPECT_EQ(run.err.find("not-the-password"), std::string::npos) << run.err;
  }
}

// Reliability test 13 through `sluice run`: wide rows under a small global budget complete
// within it (peak RSS measured), with tasks waiting for memory instead of overcommitting.
TEST_F(PipelineE2eTest, SmallMemoryBudgetBoundsPeakRss) {
  // ~4 KB rows, 40,000 rows: 160 MB of payload.
  MakeTable("pl_wide", "SELECT seq, seq % 100, REPEAT(MD5(seq), 128) FROM seq_1_to_40000", "TEXT");
  std::string dir = TempDir("budget");
  std::string yaml = PipelineTestSources(4) + "destination: " + dir +
                     "/lake\ndefaults:\n  memory_limit: 64MB\n"
                     "  task_memory: 32MB\n  fetch_rows: 500\ntables:\n"
                     "  - name: pl_wide\n    chunk_rows: 5000\n";
  std::ofstream(dir + "/p.yaml") << yaml;
  auto run = RunSluice("run " + dir + "/p.yaml --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  EXPECT_EQ(summary["total_rows"], 40000);
  EXPECT_LE(summary["peak_reserved_bytes"].get<int64_t>(), 64ll << 20);
  // Budget plus the binary, libraries and allocator slack (measured around 40 MB idle).
  EXPECT_LT(summary["peak_rss_bytes"].get<int64_t>(), 128ll << 20) << run.out;
  auto count = PqSql("SELECT count(*) AS n, sum(length(payload)) AS b FROM read_parquet('" + dir +
                     "/lake/pl_wide/*.parquet')");
  EXPECT_EQ(count["n"], 40000);
  EXPECT_EQ(count["b"], 40000 * 4096);
}

// Per-table runs (`sluice run --table X`, one process per table, as a scheduler may start them)
// in any order, then the transforms-only run, give the full data set and the transform output.
// The generated Airflow DAG goes further (a plan task, then each table split into `--shard I/N`
// task instances): shard_e2e_test.cc runs its commands.
TEST_F(PipelineE2eTest, PerTableRunsInAnyOrderThenTransforms) {
  MakeThreeTables();
  std::string dir = TempDir("pertable");
  std::string file =
      WritePipeline(dir, "",
                    "transforms:\n  - name: counts\n    output: marts/counts.parquet\n"
                    "    sql: SELECT count(*) AS n FROM pl_large\n");
  for (const std::string table : {"pl_large", "pl_small", "pl_medium"}) {
    auto run = RunSluice("run " + file + " --table " + table + " --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    json summary = ParseJson(run.out);
    ASSERT_EQ(summary["tables"].size(), 1u);
    EXPECT_EQ(summary["transforms"].size(), 0u);
  }
  EXPECT_FALSE(fs::exists(dir + "/lake/marts/counts.parquet"));
  auto transforms = RunSluice("run " + file + " --transforms-only --json");
  ASSERT_EQ(transforms.exit_code, 0) << transforms.err;
  json count = PqSql("SELECT n FROM read_parquet('" + dir + "/lake/marts/counts.parquet')");
  EXPECT_EQ(count["n"], 80000);
  ExpectExact(dir + "/lake", {"pl_small", "pl_medium", "pl_large"});
}

}  // namespace
}  // namespace sluice::testing

// End-to-end tests of sharded runs (`sluice run --shard I/N`, `sluice plan --save`,
// `sluice airflow-dag`) against the real MariaDB. Airflow cannot be installed here, so the DAG's
// commands are read from the generated file with the stub airflow modules of
// airflow/dag_stubs.py and run the way Airflow workers would: in a random order, several at once,
// one of them killed and retried. Each time the destination must hold exactly the source tables:
// row count, a checksum of every row, no duplicate key, and a manifest listing exactly the part
// files that the shards' JSON summaries reported, each file reported by one shard only.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <random>
#include <set>

#include "common/sha256.h"
#include "runner/pipeline_test_util.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// A command started with bash in the background, its stdout and stderr going to files.
struct Started {
  pid_t pid = 0;
  std::string out;
  std::string err;
};

Started StartBash(const std::string& command, const std::string& base,
                  const std::vector<std::string>& env = {}) {
  Started started{0, base + ".out", base + ".err"};
  started.pid = fork();
  if (started.pid == 0) {
    for (const auto& item : env) putenv(const_cast<char*>(item.c_str()));
    FILE* out = freopen(started.out.c_str(), "w", stdout);
    FILE* err = freopen(started.err.c_str(), "w", stderr);
    (void)out;
    (void)err;
    execl("/bin/bash", "bash", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  return started;
}

CommandResult Finish(const Started& started) {
  CommandResult result;
  result.exit_code = WaitExit(started.pid);
  result.out = ReadFile(started.out);
  result.err = ReadFile(started.err);
  return result;
}

// Task commands use bash (`set -o pipefail`), as Airflow's BashOperator does.
CommandResult Bash(const std::string& command) {
  return RunShell("bash -c " + ShellQuote(command));
}

class ShardE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    // Pipelines read the password from the environment; the DAG's commands inherit it.
    setenv("PIPELINE_TEST_PASSWORD", PipelineTestPassword().c_str(), 1);
  }

  // id BIGINT PK, k INT, payload VARCHAR; rows from a SELECT over seq_1_to_N.
  void MakeTable(const std::string& name, const std::string& select_rows) {
    Exec(conn_.get(), "DROP TABLE IF EXISTS " + name);
    Exec(conn_.get(),
         "CREATE TABLE " + name + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64), KEY (k))");
    Exec(conn_.get(), "INSERT INTO " + name + " " + select_rows);
  }

  // Small (2,000 rows in 4 chunks), medium (30,000 rows in 10) and skewed (40,000 rows, half on
  // 1% of the k values, chunked on k so hot keys make big chunks).
  void MakeTables() {
    MakeTable("sh_small", "SELECT seq, seq % 10, MD5(seq) FROM seq_1_to_2000");
    MakeTable("sh_medium", "SELECT seq, seq % 1000, MD5(seq) FROM seq_1_to_30000");
    MakeTable("sh_skew",
              "SELECT seq, IF(seq % 2 = 0, seq % 40, seq % 4000), MD5(seq) FROM seq_1_to_40000");
  }

  std::string WritePipeline(const std::string& dir, const std::string& extra = "") {
    std::string yaml = "name: shard-e2e\n" + PipelineTestSources(2) + "destination: " + dir +
                       "/lake\ndefaults:\n  fetch_rows: 500\n  retries: 3\ntables:\n"
                       "  - name: sh_small\n    chunk_rows: 500\n"
                       "  - name: sh_medium\n    chunk_rows: 3000\n    shards: 4\n"
                       "  - name: sh_skew\n    key: k\n    chunk_rows: 4000\n"
                       "  - name: sh_query\n    query: SELECT id, k, payload FROM sh_small "
                       "WHERE k < 5\n" +
                       extra;
    std::string path = dir + "/pipeline.yaml";
    std::ofstream(path) << yaml;
    return path;
  }

  // The table in the lake equals `source_sql` (one "id|k|payload" column, in id order): same
  // row count, same checksum over all rows, no duplicate id; the manifest lists exactly the part
  // files in the directory and the right total; no temporary file is left.
  void ExpectExactTable(const std::string& lake, const std::string& table,
                        const std::string& source_sql) {
    SCOPED_TRACE(table);
    std::string dir = lake + "/" + table;
    std::vector<std::string> source = QueryFirstColumn(&conn_, source_sql);
    std::vector<std::string> lines;
    for (const auto& line :
         PqRows("SELECT concat_ws('|', id, k, payload) AS r FROM read_parquet('" + dir +
                "/*.parquet') ORDER BY id")) {
      lines.push_back(ParseJson(line)["r"].get<std::string>());
    }
    auto checksum = [](const std::vector<std::string>& rows) {
      Sha256 hash;
      for (const auto& row : rows) {
        hash.Update(row.data(), row.size());
        hash.Update("\n", 1);
      }
      return hash.HexDigest();
    };
    EXPECT_EQ(lines.size(), source.size());
    EXPECT_EQ(checksum(lines), checksum(source));
    json dups = PqSql("SELECT count(*) - count(DISTINCT id) AS d FROM read_parquet('" + dir +
                      "/*.parquet')");
    EXPECT_EQ(dups["d"], 0);
    json manifest = ParseJson(ReadFile(dir + "/_manifest.json"));
    ASSERT_TRUE(manifest.is_object()) << "no manifest in " << dir;
    EXPECT_EQ(manifest["total_rows"].get<size_t>(), source.size());
    std::set<std::string> listed;
    for (const auto& file : manifest["files"]) listed.insert(file["file"].get<std::string>());
    std::set<std::string> present;
    for (const auto& name : ListDir(dir)) {
      EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "leftover temporary " << name;
      if (name.ends_with(".parquet")) present.insert(name);
    }
    EXPECT_EQ(listed, present);
  }

  std::string Rows(const std::string& table, const std::string& where = "") {
    return "SELECT CONCAT_WS('|', id, k, payload) FROM " + table + where + " ORDER BY id";
  }

  std::unique_ptr<mysql::Connection> conn_;
};

// The DAG's commands as the stubs see them: {"plan": [..], "extract_T": [..], "transforms": [..]}.
std::map<std::string, std::vector<std::string>> DagCommands(const std::string& dag_file) {
  auto described =
      RunShell("python3 " + ShellQuote(std::string(SLUICE_REPO_DIR) + "/airflow/dag_stubs.py") +
               " " + ShellQuote(dag_file));
  EXPECT_EQ(described.exit_code, 0) << described.err;
  json dag = ParseJson(described.out);
  std::map<std::string, std::vector<std::string>> out;
  if (!dag.is_object()) return out;
  for (const auto& [task, spec] : dag["tasks"].items()) {
    out[task] = spec["commands"].get<std::vector<std::string>>();
  }
  return out;
}

// What the DAG does, run without Airflow: the plan task, then every shard command in a random
// order, in batches of 1-4 commands running at once, then the transforms. Between the plan and
// the shards the source changes: the shards must still use the saved plan (rows added beyond it
// are not extracted, and the plan does not move).
TEST_F(ShardE2eTest, DagShardCommandsInRandomOrderAndPartlyConcurrentlyAreExact) {
  MakeTables();
  std::string dir = TempDir("shard_dag");
  std::string file =
      WritePipeline(dir,
                    "transforms:\n  - name: counts\n    output: marts/counts.parquet\n"
                    "    sql: SELECT count(*) AS n FROM sh_skew\n");
  auto generated =
      RunSluice("airflow-dag " + ShellQuote(file) + " --shards 3 --sluice " +
                ShellQuote(SluiceBinary()) + " --output " + ShellQuote(dir + "/dag.py"));
  ASSERT_EQ(generated.exit_code, 0) << generated.err;
  auto commands = DagCommands(dir + "/dag.py");
  ASSERT_EQ(commands.size(), 6u);
  ASSERT_EQ(commands["extract_sh_small"].size(), 3u);
  ASSERT_EQ(commands["extract_sh_medium"].size(), 4u);  // `shards: 4` beats --shards 3
  ASSERT_EQ(commands["extract_sh_skew"].size(), 3u);
  ASSERT_EQ(commands["extract_sh_query"].size(), 1u);  // a query is one scan

  auto plan = Bash(commands["plan"][0]);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  ASSERT_EQ(std::count(plan.out.begin(), plan.out.end(), '\n'), 1) << "one line for XCom";
  json planned = ParseJson(plan.out);
  ASSERT_EQ(planned["tables"].size(), 4u) << plan.out;
  std::string state_before = ReadFile(dir + "/lake/sh_medium/_sluice_state.json");
  ASSERT_FALSE(state_before.empty()) << "the plan task freezes the plan";

  // The data moves on after planning: new rows beyond the plan, and a row deleted inside it.
  Exec(conn_.get(),
       "INSERT INTO sh_medium SELECT seq, seq % 1000, MD5(seq) FROM seq_30001_to_30700");
  Exec(conn_.get(), "DELETE FROM sh_medium WHERE id = 12345");
  auto replanned = RunSluice("plan " + ShellQuote(file) + " --only sh_medium --json");
  ASSERT_EQ(replanned.exit_code, 0) << replanned.err;
  auto ranges = [](const json& table) {
    std::vector<std::string> out;
    for (const auto& chunk : table["chunks"]) out.push_back(chunk["key_range"].get<std::string>());
    return out;
  };
  EXPECT_EQ(ranges(ParseJson(replanned.out)["tables"][0]), ranges(planned["tables"][1]))
      << "plan shows the saved plan, not a new one";

  std::vector<std::pair<std::string, std::string>> shards;  // table, command
  for (const auto& [task, list] : commands) {
    if (!task.starts_with("extract_")) continue;
    for (const auto& command : list) shards.emplace_back(task.substr(8), command);
  }
  unsigned seed = std::random_device{}();
  SCOPED_TRACE("shuffle seed " + std::to_string(seed));
  std::mt19937 random(seed);
  std::shuffle(shards.begin(), shards.end(), random);
  std::map<std::string, std::vector<std::string>> reported;  // table -> files, all shards
  std::map<std::string, int> complete;                       // table -> shards seeing it whole
  int started = 0;
  for (size_t next = 0; next < shards.size();) {
    size_t batch =
        std::min<size_t>(shards.size() - next, std::uniform_int_distribution<size_t>(1, 4)(random));
    std::vector<std::pair<std::string, Started>> running;
    for (size_t item = next; item < next + batch; ++item) {
      running.emplace_back(
          shards[item].first,
          StartBash(shards[item].second, dir + "/shard-" + std::to_string(started++),
                    {"SLUICE_DEBUG_BATCH_DELAY_MS=2"}));
    }
    for (auto& [table, process] : running) {
      CommandResult result = Finish(process);
      ASSERT_EQ(result.exit_code, 0) << table << "\n" << result.err;
      ASSERT_EQ(std::count(result.out.begin(), result.out.end(), '\n'), 1) << result.out;
      json summary = ParseJson(result.out);
      ASSERT_EQ(summary["status"], "succeeded") << result.out;
      ASSERT_EQ(summary["tables"].size(), 1u);
      const json& item = summary["tables"][0];
      EXPECT_EQ(item["table"], table);
      EXPECT_FALSE(item["shard"].get<std::string>().empty());
      if (item["table_complete"].get<bool>()) ++complete[table];
      for (const auto& path : item["files"]) reported[table].push_back(path.get<std::string>());
    }
    next += batch;
  }
  for (const std::string table : {"sh_small", "sh_medium", "sh_skew", "sh_query"}) {
    SCOPED_TRACE(table);
    EXPECT_GE(complete[table], 1) << "the last shard to finish writes the manifest";
    // Every file reported once, by one shard; together exactly the manifest's files.
    std::vector<std::string> files = reported[table];
    std::sort(files.begin(), files.end());
    EXPECT_EQ(std::adjacent_find(files.begin(), files.end()), files.end()) << "reported twice";
    json manifest = ParseJson(ReadFile(dir + "/lake/" + table + "/_manifest.json"));
    std::vector<std::string> listed;
    for (const auto& entry : manifest["files"])
      listed.push_back(dir + "/lake/" + table + "/" + entry["file"].get<std::string>());
    std::sort(listed.begin(), listed.end());
    EXPECT_EQ(files, listed);
  }
  EXPECT_EQ(ReadFile(dir + "/lake/sh_medium/_sluice_state.json"), state_before);

  auto transforms = Bash(commands["transforms"][0]);
  ASSERT_EQ(transforms.exit_code, 0) << transforms.err;
  json count = PqSql("SELECT n FROM read_parquet('" + dir + "/lake/marts/counts.parquet')");
  EXPECT_EQ(count["n"], 40000);

  ExpectExactTable(dir + "/lake", "sh_small", Rows("sh_small"));
  ExpectExactTable(dir + "/lake", "sh_medium", Rows("sh_medium", " WHERE id <= 30000"));
  ExpectExactTable(dir + "/lake", "sh_skew", Rows("sh_skew"));
  ExpectExactTable(dir + "/lake", "sh_query", Rows("sh_small", " WHERE k < 5"));
}

// No plan task: all shards start at once and race to freeze the plan. Exactly one plan wins
// and every shard works from it (each progress line carries the plan's id).
TEST_F(ShardE2eTest, ShardsStartedTogetherWithoutSavedPlanShareOnePlan) {
  MakeTables();
  std::string dir = TempDir("shard_race");
  std::string file = WritePipeline(dir);
  std::vector<Started> running;
  for (int index = 0; index < 4; ++index) {
    running.push_back(StartBash(ShellQuote(SluiceBinary()) + " run " + ShellQuote(file) +
                                    " --only sh_medium --progress none --json --shard " +
                                    std::to_string(index) + "/4",
                                dir + "/race-" + std::to_string(index)));
  }
  int complete = 0;
  for (const auto& process : running) {
    CommandResult result = Finish(process);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json summary = ParseJson(result.out);
    if (summary["tables"][0]["table_complete"].get<bool>()) ++complete;
  }
  EXPECT_GE(complete, 1);
  std::string table_dir = dir + "/lake/sh_medium";
  json state = ParseJson(ReadFile(table_dir + "/_sluice_state.json"));
  std::string plan_id = state["plan_id"].get<std::string>();
  EXPECT_FALSE(plan_id.empty());
  std::set<int> chunks;
  for (const auto& name : ListDir(table_dir)) {
    if (!name.starts_with("_sluice_progress")) continue;
    std::istringstream lines(ReadFile(table_dir + "/" + name));
    for (std::string line; std::getline(lines, line);) {
      json entry = ParseJson(line);
      EXPECT_EQ(entry["plan_id"], plan_id) << name;
      EXPECT_TRUE(chunks.insert(entry["chunk"].get<int>()).second) << "chunk done twice";
    }
  }
  EXPECT_EQ(chunks.size(), state["ranges"].size());
  ExpectExactTable(dir + "/lake", "sh_medium", Rows("sh_medium"));
}

// A shard killed mid-run (kill -9) leaves the table without a manifest while the other shards
// finish; Airflow's retry of that shard reuses what it committed and completes the table. While
// the shards run, a second copy of a running shard and a shard with another count are refused.
TEST_F(ShardE2eTest, KilledShardIsRetriedAndCompletesTheTable) {
  MakeTables();
  std::string dir = TempDir("shard_kill");
  std::string file = WritePipeline(dir);
  auto saved = RunSluice("plan " + ShellQuote(file) + " --only sh_medium --save");
  ASSERT_EQ(saved.exit_code, 0) << saved.err;
  std::string table_dir = dir + "/lake/sh_medium";
  auto shard = [&](const std::string& spec) {
    return ShellQuote(SluiceBinary()) + " run " + ShellQuote(file) +
           " --only sh_medium --progress log --json --shard " + spec;
  };
  // 60 ms per 500-row batch: each 3,000-row chunk takes ~0.4 s, each shard 1 s or more.
  std::vector<std::string> slow = {"SLUICE_DEBUG_BATCH_DELAY_MS=60"};
  std::vector<Started> running;
  for (int index = 0; index < 3; ++index) {
    running.push_back(StartBash(shard(std::to_string(index) + "/3"),
                                dir + "/kill-" + std::to_string(index), slow));
  }
  // Wait until every shard holds its lock and has started (its first progress line or later).
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline &&
         !fs::exists(table_dir + "/_sluice_progress.shard-1-of-3.jsonl")) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(fs::exists(table_dir + "/_sluice_progress.shard-1-of-3.jsonl"));
  auto twice = RunShell(shard("2/3"));
  EXPECT_EQ(twice.exit_code, 4) << "documented: a shard running elsewhere";
  EXPECT_NE((twice.out + twice.err).find("is already running in another process"),
            std::string::npos)
      << twice.out << twice.err;
  auto other_count = RunShell(shard("0/2"));
  EXPECT_EQ(other_count.exit_code, 4) << "documented: a shard running elsewhere";
  EXPECT_NE(
      (other_count.out + other_count.err).find("every shard of a table must use the same count"),
      std::string::npos)
      << other_count.out << other_count.err;

  kill(running[1].pid, SIGKILL);
  CommandResult killed = Finish(running[1]);
  ASSERT_EQ(killed.exit_code, 128 + SIGKILL) << "shard 1 finished before the kill";
  for (int index : {0, 2}) {
    CommandResult result = Finish(running[index]);
    ASSERT_EQ(result.exit_code, 0) << result.err;
    json summary = ParseJson(result.out);
    EXPECT_FALSE(summary["tables"][0]["table_complete"].get<bool>()) << "shard 1 is missing";
  }
  EXPECT_FALSE(fs::exists(table_dir + "/_manifest.json"));

  auto retried = RunShell(shard("1/3"));
  ASSERT_EQ(retried.exit_code, 0) << retried.err;
  json summary = ParseJson(retried.out);
  const json& item = summary["tables"][0];
  EXPECT_TRUE(item["table_complete"].get<bool>());
  EXPECT_GT(item["chunks_reused"].get<int>(), 0)
      << "shard 1 had committed a chunk: " << retried.out;
  EXPECT_EQ(item["chunks"], 3) << "chunks 1, 4, 7 of 10";
  EXPECT_EQ(item["files"].size(), 3u);
  ExpectExactTable(dir + "/lake", "sh_medium", Rows("sh_medium"));

  // A shard run again after the table is complete changes nothing.
  std::string manifest = ReadFile(table_dir + "/_manifest.json");
  auto again = RunShell(shard("0/3"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ParseJson(again.out)["tables"][0]["chunks_reused"], 4);
  EXPECT_EQ(ReadFile(table_dir + "/_manifest.json"), manifest);
}

// Sharded and unsharded runs share one plan and one set of files: a plain `sluice run` finishes
// what shards left, and its manifest equals the one the shards would have written.
TEST_F(ShardE2eTest, UnshardedRunCompletesWhatShardsLeft) {
  MakeTables();
  std::string dir = TempDir("shard_mixed");
  std::string file = WritePipeline(dir);
  auto first = RunSluice("run " + ShellQuote(file) + " --only sh_skew --shard 0/2 --json");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  json shard_summary = ParseJson(first.out);
  EXPECT_FALSE(shard_summary["tables"][0]["table_complete"].get<bool>());
  int shard_chunks = shard_summary["tables"][0]["chunks"].get<int>();
  auto rest = RunSluice("run " + ShellQuote(file) + " --only sh_skew --json");
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  EXPECT_EQ(ParseJson(rest.out)["tables"][0]["chunks_reused"], shard_chunks);
  ExpectExactTable(dir + "/lake", "sh_skew", Rows("sh_skew"));
  std::string manifest = ReadFile(dir + "/lake/sh_skew/_manifest.json");
  // The same table extracted by two shards alone gives the same manifest.
  std::string other = TempDir("shard_mixed_other");
  std::string other_file = WritePipeline(other);
  for (const std::string spec : {"1/2", "0/2"}) {
    auto run = RunSluice("run " + ShellQuote(other_file) + " --only sh_skew --shard " + spec);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  EXPECT_EQ(ReadFile(other + "/lake/sh_skew/_manifest.json"), manifest);
}

// Mistakes are refused before anything is written, with a message naming the problem.
TEST_F(ShardE2eTest, BadShardOptionsAreRefused) {
  MakeTables();
  std::string dir = TempDir("shard_bad");
  std::string file = WritePipeline(dir);
  struct Case {
    std::string args;
    std::string message;
  };
  for (const Case& item : std::vector<Case>{
           {"run " + file + " --only sh_small --shard 3/3", "the shard index must be 0..2"},
           {"run " + file + " --only sh_small --shard half", "expected I/N"},
           {"run " + file + " --only sh_small --shard 0/2 --fresh",
            "cannot be combined with --fresh"},
           {"run " + file + " --shard 0/2 --transforms-only",
            "cannot be combined with --transforms-only"},
       }) {
    SCOPED_TRACE(item.args);
    auto run = RunSluice(item.args);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find(item.message), std::string::npos) << run.err;
    EXPECT_FALSE(fs::exists(dir + "/lake")) << "nothing may be written";
  }
  // Remote destinations shard too (tests/storage/pipeline_storage_e2e_test.cc); the same
  // mistakes are refused there before the store is contacted.
  std::string remote = ReadFile(file);
  remote.replace(remote.find("destination: "),
                 remote.find("\n", remote.find("destination: ")) - remote.find("destination: "),
                 "destination: s3://bucket/lake");
  std::ofstream(dir + "/remote.yaml") << remote;
  auto remote_fresh =
      RunShell("AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y " + ShellQuote(SluiceBinary()) +
               " run " + dir + "/remote.yaml --only sh_small --shard 0/2 --fresh");
  EXPECT_EQ(remote_fresh.exit_code, 2) << remote_fresh.err;
  EXPECT_NE(remote_fresh.err.find("cannot be combined with --fresh"), std::string::npos)
      << remote_fresh.err;
  // A state file a shard cannot read is never replaced by a shard.
  fs::create_directories(dir + "/lake/sh_small");
  std::ofstream(dir + "/lake/sh_small/_sluice_state.json") << "{not json";
  auto broken = RunSluice("run " + file + " --only sh_small --shard 0/2");
  EXPECT_EQ(broken.exit_code, 2) << broken.err;
  EXPECT_NE(broken.err.find("is not a plan this"), std::string::npos) << broken.err;
  EXPECT_EQ(ReadFile(dir + "/lake/sh_small/_sluice_state.json"), "{not json");
  // `plan --save --fresh` starts the table over; then the shards run.
  auto fresh = RunSluice("plan " + file + " --only sh_small --save --fresh");
  ASSERT_EQ(fresh.exit_code, 0) << fresh.err;
  for (const std::string spec : {"0/2", "1/2"}) {
    auto run = RunSluice("run " + file + " --only sh_small --shard " + spec);
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  ExpectExactTable(dir + "/lake", "sh_small", Rows("sh_small"));
}

}  // namespace
}  // namespace sluice::testing

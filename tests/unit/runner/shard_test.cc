// Shards (runner/shard.h): `--shard I/N` parsing, the partition of a plan's chunks, progress file
// names, exclusive plan creation racing threads, the per-shard lock held by another process, and
// the pieces of `sluice airflow-dag` that do not need Airflow (shard counts, `shards:` in the
// pipeline file, loading a pipeline without its environment).
#include "runner/shard.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "runner/pipeline/airflow_dag.h"
#include "runner/pipeline/pipeline_config.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

std::string TempDir(const std::string& name) {
  std::string dir =
      ::testing::TempDir() + "sluice_shard_" + name + "_" + std::to_string(::getpid());
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

TEST(ShardSpecTest, ParsesIndexOverCount) {
  auto shard = ParseShard("2/5");
  ASSERT_TRUE(shard.ok()) << shard.status().ToString();
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 5);
  EXPECT_TRUE(shard->enabled());
  EXPECT_EQ(shard->ToString(), "2/5");
  auto single = ParseShard("0/1");
  ASSERT_TRUE(single.ok());
  EXPECT_TRUE(single->enabled()) << "0/1 is a sharded run of one shard (plan frozen, own log)";
  EXPECT_FALSE(ShardSpec{}.enabled());
  EXPECT_EQ(ShardSpec{}.ToString(), "");
}

TEST(ShardSpecTest, RejectsBadTextWithTheExpectedForm) {
  struct Case {
    std::string text;
    std::string message;
  };
  for (const Case& item : std::vector<Case>{
           {"1", "expected I/N"},
           {"", "expected I/N"},
           {"a/4", "expected I/N"},
           {"1/", "expected I/N"},
           {"-1/4", "expected I/N"},
           {"1/4/2", "expected I/N"},
           {" 1/4", "expected I/N"},
           {"4/4", "the shard index must be 0..3 (shards are numbered from 0)"},
           {"0/0", "the shard count must be 1..10000"},
           {"0/10001", "the shard count must be 1..10000"},
       }) {
    SCOPED_TRACE(item.text);
    auto shard = ParseShard(item.text);
    ASSERT_FALSE(shard.ok());
    EXPECT_EQ(shard.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(shard.status().message().find("--shard '" + item.text + "'"), std::string::npos)
        << shard.status().message();
    EXPECT_NE(shard.status().message().find(item.message), std::string::npos)
        << shard.status().message();
  }
}

// Every chunk of every plan size belongs to exactly one shard, and shares differ by at most one.
TEST(ShardSpecTest, ShardsPartitionEveryPlanDisjointly) {
  for (int count = 1; count <= 9; ++count) {
    for (int total = 0; total <= 60; ++total) {
      std::vector<int> owners(static_cast<size_t>(total), 0);
      size_t smallest = SIZE_MAX;
      size_t largest = 0;
      for (int index = 0; index < count; ++index) {
        std::vector<int> chunks = ShardChunks({index, count}, total);
        smallest = std::min(smallest, chunks.size());
        largest = std::max(largest, chunks.size());
        EXPECT_TRUE(std::is_sorted(chunks.begin(), chunks.end()));
        for (int chunk : chunks) {
          ASSERT_GE(chunk, 0);
          ASSERT_LT(chunk, total);
          ++owners[static_cast<size_t>(chunk)];
          EXPECT_TRUE(ShardSpec({index, count}).Owns(chunk));
        }
      }
      for (int chunk = 0; chunk < total; ++chunk) {
        EXPECT_EQ(owners[static_cast<size_t>(chunk)], 1)
            << chunk << " of " << total << ", N=" << count;
      }
      EXPECT_LE(largest - smallest, 1u) << total << " chunks over " << count << " shards";
    }
  }
  // Unsharded: every chunk.
  EXPECT_EQ(ShardChunks(ShardSpec{}, 4), (std::vector<int>{0, 1, 2, 3}));
  // Round robin: neighbouring (hot-key) chunks go to different shards.
  EXPECT_EQ(ShardChunks({1, 3}, 10), (std::vector<int>{1, 4, 7}));
}

TEST(ShardSpecTest, ProgressFileNames) {
  EXPECT_EQ(ProgressFileName(ShardSpec{}), "_sluice_progress.jsonl");
  EXPECT_EQ(ProgressFileName({3, 8}), "_sluice_progress.shard-3-of-8.jsonl");
  EXPECT_EQ(ShardLockFileName({3, 8}), "_sluice_shard-3-of-8.lock");
  EXPECT_TRUE(IsProgressFileName("_sluice_progress.jsonl"));
  EXPECT_TRUE(IsProgressFileName("_sluice_progress.shard-0-of-1.jsonl"));
  EXPECT_TRUE(IsProgressFileName("_sluice_progress.shard-7-of-8.jsonl"));
  EXPECT_FALSE(IsProgressFileName("_sluice_progress.shard-8-of-8.jsonl"));
  EXPECT_FALSE(IsProgressFileName("_sluice_progress.shard-1-of-2.jsonl.tmp-1-x"));
  EXPECT_FALSE(IsProgressFileName("_sluice_state.json"));
  EXPECT_FALSE(IsProgressFileName("part-00001.parquet"));
}

// Threads racing to create one file: exactly one wins, the file holds the winner's contents
// whole, and no temporary is left behind.
TEST(CreateFileExclusiveTest, ExactlyOneOfManyRacingCreatorsWins) {
  std::string dir = TempDir("exclusive");
  for (int round = 0; round < 20; ++round) {
    std::string path = dir + "/state-" + std::to_string(round) + ".json";
    std::atomic<int> winners{0};
    std::atomic<int> winner{-1};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int thread_idx = 0; thread_idx < 8; ++thread_idx) {
      threads.emplace_back([&, thread_idx] {
        while (!go.load()) std::this_thread::yield();
        std::string contents(4096, static_cast<char>('a' + thread_idx));
        auto created = CreateFileExclusive(path, contents);
        ASSERT_TRUE(created.ok()) << created.status().ToString();
        if (*created) {
          ++winners;
          winner = thread_idx;
        }
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    ASSERT_EQ(winners.load(), 1);
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_EQ(text.str(), std::string(4096, static_cast<char>('a' + winner.load())));
  }
  for (const auto& entry : fs::directory_iterator(dir)) {
    EXPECT_EQ(entry.path().string().find(".tmp-"), std::string::npos) << entry.path();
  }
  auto again = CreateFileExclusive(dir + "/state-0.json", "x");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
  auto missing_dir = CreateFileExclusive(dir + "/no/such/dir/state.json", "x");
  EXPECT_FALSE(missing_dir.ok());
}

// fcntl locks belong to processes: a forked child holds the lock while the parent tries.
TEST(ShardLockTest, SameShardOrAnotherCountIsRefusedWhileRunning) {
  std::string dir = TempDir("lock");
  int ready[2];
  int release[2];
  ASSERT_EQ(::pipe(ready), 0);
  ASSERT_EQ(::pipe(release), 0);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto lock = ShardLock::Acquire(dir, {1, 4});
    char byte = lock.ok() ? 'y' : 'n';
    (void)!::write(ready[1], &byte, 1);
    (void)!::read(release[0], &byte, 1);
    _exit(0);
  }
  char byte = 0;
  ASSERT_EQ(::read(ready[0], &byte, 1), 1);
  ASSERT_EQ(byte, 'y');

  auto same = ShardLock::Acquire(dir, {1, 4});
  ASSERT_FALSE(same.ok());
  EXPECT_NE(same.status().message().find("shard 1/4 of " + dir + " is already running"),
            std::string::npos)
      << same.status().message();
  auto other_count = ShardLock::Acquire(dir, {0, 2});
  ASSERT_FALSE(other_count.ok());
  EXPECT_NE(other_count.status().message().find("every shard of a table must use the same count"),
            std::string::npos)
      << other_count.status().message();
  {
    auto sibling = ShardLock::Acquire(dir, {2, 4});
    EXPECT_TRUE(sibling.ok()) << sibling.status().ToString();
  }

  (void)!::write(release[1], "x", 1);
  int status = 0;
  ::waitpid(child, &status, 0);
  auto after = ShardLock::Acquire(dir, {1, 4});
  EXPECT_TRUE(after.ok()) << "the lock dies with its process: " << after.status().ToString();
  auto other_after = ShardLock::Acquire(dir, {0, 2});
  EXPECT_TRUE(other_after.ok()) << other_after.status().ToString();
  for (int fd : {ready[0], ready[1], release[0], release[1]}) ::close(fd);
}

namespace pipeline = runner::pipeline;

Result<pipeline::PipelineConfig> Parse(const std::string& yaml,
                                       const pipeline::LoadOptions& load = {}) {
  return pipeline::ParsePipelineConfig(yaml, "p.yaml", ".", load);
}

const char* kHead =
    "name: shop\nsources:\n  db:\n    url: mysql://u@h/d\ndestination: /lake\ntables:\n";

TEST(PipelineShardsTest, ShardsKeyAndShardCounts) {
  auto config = Parse(std::string(kHead) +
                      "  - name: orders\n    shards: 4\n"
                      "  - name: items\n"
                      "  - name: report\n    query: SELECT 1 AS x\n"
                      "  - name: log\n    mode: scan\n"
                      "  - name: audited\n    casts:\n      fee: {type: \"decimal(10,2)\"}\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->tables[0].shards, 4);
  EXPECT_EQ(config->tables[1].shards, 0);
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[0], 2), 4);
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[1], 2), 2);
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[1], 1), 1);
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[2], 8), 1) << "a query is one scan";
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[3], 8), 1) << "scan mode";
  ASSERT_TRUE(config->tables[4].contract.has_value());
  EXPECT_EQ(pipeline::TableShardCount(*config, config->tables[4], 8), 1) << "validated";
  auto snapshot = Parse(std::string(kHead) + "  - name: frozen\n    snapshot: true\n");
  ASSERT_TRUE(snapshot.ok()) << snapshot.status().ToString();
  EXPECT_EQ(pipeline::TableShardCount(*snapshot, snapshot->tables[0], 8), 1) << "one instant";
  // A table that opts out of a snapshot default may be sharded.
  auto opted_out = Parse(std::string(kHead) +
                         "  - name: live\n    snapshot: false\n    shards: 3\n  - name: frozen\n"
                         "defaults:\n  snapshot: true\n");
  ASSERT_TRUE(opted_out.ok()) << opted_out.status().ToString();
  EXPECT_EQ(pipeline::TableShardCount(*opted_out, opted_out->tables[0], 8), 3);
  EXPECT_EQ(pipeline::TableShardCount(*opted_out, opted_out->tables[1], 8), 1);
}

TEST(PipelineShardsTest, BadShardsAreConfigErrorsWithFileAndLine) {
  struct Case {
    std::string tables;
    std::string message;
  };
  for (const Case& item : std::vector<Case>{
           {"  - name: t\n    shards: 0\n",
            "p.yaml:8: tables.t.shards: must be between 1 and 10000"},
           {"  - name: t\n    shards: many\n", "p.yaml:8: tables.t.shards: expected an integer"},
           {"  - name: t\n    query: SELECT 1\n    shards: 2\n",
            "p.yaml:9: tables.t.shards: a query or scan table is extracted as one streaming pass"},
           {"  - name: t\n    mode: scan\n    shards: 3\n", "tables.t.shards: a query or scan"},
           {"  - name: t\n    shards: 2\n    casts:\n      fee: {type: int32}\n",
            "tables.t.shards: a table with a data contract or value casts is validated by one "
            "process"},
           {"  - name: t\n    shard: 3\n", "unknown key (did you mean 'shards'?)"},
           {"  - name: t\n    snapshot: true\n    shards: 2\n",
            "p.yaml:9: tables.t.shards: a snapshot table reads one instant"},
           {"  - name: t\n    shards: 2\ndefaults:\n  snapshot: true\n",
            "p.yaml:8: tables.t.shards: a snapshot table (defaults.snapshot: true) reads one "
            "instant"},
       }) {
    SCOPED_TRACE(item.tables);
    auto config = Parse(std::string(kHead) + item.tables);
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.status().message().find(item.message), std::string::npos)
        << config.status().message();
  }
}

// `sluice airflow-dag` runs where the pipeline's secrets and variables are not set.
TEST(PipelineShardsTest, StructureOnlyLoadKeepsUnsetVariables) {
  ::unsetenv("SLUICE_SHARD_TEST_UNSET");
  std::string yaml =
      "name: shop\nsources:\n  db:\n    url: mysql://u@h:${SLUICE_SHARD_TEST_UNSET}/d\n"
      "    password: ${SLUICE_SHARD_TEST_UNSET}\n"
      "  other:\n    url: mysql://u@h/d\n    password_file: /no/such/password\n"
      "destination: ${SLUICE_SHARD_TEST_UNSET}/lake\ntables:\n  - name: t\n    source: db\n";
  auto strict = Parse(yaml);
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("SLUICE_SHARD_TEST_UNSET is not set"),
            std::string::npos);
  pipeline::LoadOptions load;
  load.allow_unresolved = true;
  auto lenient = Parse(yaml, load);
  ASSERT_TRUE(lenient.ok()) << lenient.status().ToString();
  EXPECT_EQ(lenient->destination, "${SLUICE_SHARD_TEST_UNSET}/lake");
  EXPECT_EQ(lenient->tables[0].name, "t");
  // Structure errors are still errors.
  auto broken = Parse(yaml + "    chunk_row: 5\n", load);
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.status().message().find("chunk_row: unknown key"), std::string::npos);
}

TEST(AirflowDagTest, NamesQuotesAndShardCountsAreLiterals) {
  auto config = Parse(std::string(kHead) + "  - name: orders\n    shards: 3\n  - name: it\"ems\n" +
                      "transforms:\n  - name: x\n    output: x.parquet\n    sql: SELECT 1\n");
  ASSERT_FALSE(config.ok()) << "table names are checked: quotes never reach the DAG";
  config = Parse(std::string(kHead) + "  - name: orders\n    shards: 3\n  - name: items\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  pipeline::AirflowDagOptions options;
  options.pipeline_path = "/p/it's \"here\".yaml";
  options.sluice = "/opt/sluice";
  options.default_shards = 2;
  options.generated_by = "sluice airflow-dag\nimport os";
  std::string dag = pipeline::GenerateAirflowDag(*config, options);
  EXPECT_NE(dag.find("    \"orders\": 3,\n    \"items\": 2,\n"), std::string::npos) << dag;
  EXPECT_NE(dag.find("PIPELINE = \"/p/it's \\\"here\\\".yaml\""), std::string::npos);
  EXPECT_NE(dag.find("HAS_TRANSFORMS = False"), std::string::npos);
  EXPECT_NE(dag.find("dag_id=\"sluice_shop\""), std::string::npos);
  EXPECT_EQ(dag.find("\nimport os"), std::string::npos) << "a newline cannot end the comment";
  EXPECT_NE(dag.find(".expand("), std::string::npos);
}

// Snapshot tables, like contract tables, get one task instance: `run --shard` refuses them.
TEST(AirflowDagTest, SnapshotAndContractTablesRunAsOneTask) {
  auto config = Parse(std::string(kHead) +
                      "  - name: frozen\n    snapshot: true\n"
                      "  - name: audited\n    casts:\n      fee: {type: int32}\n"
                      "  - name: live\n    shards: 3\n");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  pipeline::AirflowDagOptions options;
  options.pipeline_path = "/p.yaml";
  options.sluice = "sluice";
  options.default_shards = 4;
  std::string dag = pipeline::GenerateAirflowDag(*config, options);
  EXPECT_NE(dag.find("    \"frozen\": 1,\n    \"audited\": 1,\n    \"live\": 3,\n"),
            std::string::npos)
      << dag;
  EXPECT_NE(dag.find("UNSHARDED = {\"frozen\", \"audited\"}"), std::string::npos) << dag;
}

}  // namespace
}  // namespace sluice::runner

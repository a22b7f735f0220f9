// Memory-limit end-to-end test: a join whose build side and a GROUP BY whose hash table are
// several times --memory-limit must finish through the CLI with DuckDB's exact result, spill to
// disk, and keep the process's peak RSS (wait4 ru_maxrss) near the limit. The same queries with a
// generous limit show the in-memory state really is several times the budget.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

struct RunResult {
  int exit_code = -1;
  int64_t peak_rss_bytes = 0;
  std::string out;
  std::string err;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

RunResult RunProcess(const std::vector<std::string>& args, const std::string& dir) {
  RunResult result;
  std::string out_path = dir + "/stdout";
  std::string err_path = dir + "/stderr";
  pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen(out_path.c_str(), "w", stdout);
    std::freopen(err_path.c_str(), "w", stderr);
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    std::_Exit(127);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.peak_rss_bytes = static_cast<int64_t>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB
  result.out = ReadFile(out_path);
  result.err = ReadFile(err_path);
  return result;
}

class SpillTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/sluice-engine-spill-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
    // 2M rows, ~40 bytes each in memory: a 2M-entry hash table is ~150-250 MB of state.
    auto gen = RunProcess(
        {SLUICE_PQCHECK, "sql",
         "COPY (SELECT i AS k, (i * 7919) % 1500000 AS g, 'payload-' || (i % 1000) AS s, "
         "((i % 100000) / 100.0)::DECIMAL(12,2) AS v FROM range(2000000) t(i)) TO '" +
             dir_ + "/big.parquet' (FORMAT PARQUET)"},
        dir_);
    ASSERT_EQ(gen.exit_code, 0) << gen.out << gen.err;
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void CheckQuery(const std::string& sql) {
    auto expected = RunProcess({SLUICE_PQCHECK, "sql", sql}, dir_);
    ASSERT_EQ(expected.exit_code, 0) << expected.err;
    auto bounded = RunProcess({SLUICE_CLI, "query", sql, "--format", "jsonl", "--memory-limit",
                               "40MB", "--threads", "2", "--stats", "--spill-dir", dir_ + "/spill"},
                              dir_);
    ASSERT_EQ(bounded.exit_code, 0) << bounded.err;
    EXPECT_EQ(bounded.out, expected.out);
    EXPECT_EQ(bounded.err.find("spilled_bytes=0 "), std::string::npos) << bounded.err;
    auto unbounded = RunProcess({SLUICE_CLI, "query", sql, "--format", "jsonl", "--memory-limit",
                                 "8GB", "--threads", "2", "--stats"},
                                dir_);
    ASSERT_EQ(unbounded.exit_code, 0) << unbounded.err;
    EXPECT_EQ(unbounded.out, expected.out);
    const int64_t limit = 40ll << 20;
    std::printf("%s\n  bounded: peak RSS %.1f MB (limit 40 MB); unbounded: %.1f MB; %s",
                sql.c_str(), bounded.peak_rss_bytes / 1048576.0,
                unbounded.peak_rss_bytes / 1048576.0, bounded.err.c_str());
    // The state is several times the limit...
    EXPECT_GT(unbounded.peak_rss_bytes, 3 * limit);
    // ...yet the bounded run stays near it: the budget plus scan buffers and the binary (~40 MB).
    EXPECT_LT(bounded.peak_rss_bytes, limit + (48ll << 20));
  }

  static std::string dir_;
};

std::string SpillTest::dir_;

TEST_F(SpillTest, JoinWithBuildSideSeveralTimesTheLimit) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery("SELECT count(*) AS n, sum(a.v) AS sv, sum(b.k) AS sk, max(b.s) AS ms FROM " + big +
             " a JOIN " + big + " b ON a.k = b.g");
}

TEST_F(SpillTest, GroupByWithStateSeveralTimesTheLimit) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery(
      "SELECT count(*) AS groups, sum(n) AS rows, sum(total) AS total, max(top) AS top FROM "
      "(SELECT g, count(*) AS n, sum(v) AS total, max(s) AS top FROM " +
      big + " GROUP BY g) x");
}

// count(DISTINCT) over 2M distinct values runs as GROUP BY (keys, k) — which spills — then a
// count per key, instead of one in-memory set of every distinct value.
TEST_F(SpillTest, GlobalCountDistinctOverMillionsOfValues) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery("SELECT count(DISTINCT k) AS dk, count(*) AS n, sum(v) AS sv, max(s) AS ms FROM " +
             big);
}

TEST_F(SpillTest, CountDistinctPerFewGroups) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery("SELECT k % 3 AS m, count(DISTINCT s || '-' || k) AS dk, count(*) AS n FROM " + big +
             " GROUP BY m ORDER BY m");
}

// DISTINCT on different arguments (or mixed with avg) runs as one copy of each row per DISTINCT
// argument aggregated in two spilling levels, instead of per-group sets held in memory.
TEST_F(SpillTest, MixedDistinctAggregatesOverMillionsOfValues) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery(
      "SELECT count(DISTINCT k) AS dk, count(DISTINCT g) AS dg, sum(DISTINCT v) AS sv, avg(v) AS "
      "av, count(*) AS n, max(s) AS ms FROM " +
      big);
}

TEST_F(SpillTest, MixedDistinctAggregatesPerGroup) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery(
      "SELECT k % 3 AS m, count(DISTINCT g) AS dg, count(DISTINCT s) AS ds, avg(v) AS av, "
      "count(*) AS n FROM " +
      big + " GROUP BY m ORDER BY m");
}

TEST_F(SpillTest, OrderByLargerThanTheLimit) {
  std::string big = "read_parquet('" + dir_ + "/big.parquet')";
  CheckQuery("SELECT k, g, s FROM (SELECT k, g, s FROM " + big +
             " ORDER BY g DESC, k LIMIT 2000000) x WHERE k % 199999 = 0 ORDER BY g, k");
}

}  // namespace

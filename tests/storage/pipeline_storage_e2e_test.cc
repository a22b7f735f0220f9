// End-to-end test of `sluice run` with an object-store destination (issue 4 with the pipeline
// runner): a pipeline file whose destination is s3://... (Swift s3api) or gs://... (firebase
// emulator), tables extracted from the real MariaDB, each published under PREFIX/TABLE/
// (content-addressed parts, manifest last). Every object the manifest lists is downloaded and
// its rows compared with the source through DuckDB (pqcheck); nothing unlisted is left, and a
// second run publishes the same manifest. Each part is uploaded as it commits and deleted from
// the staging directory, which never holds more than max_local_disk of parts; a run killed
// with SIGKILL is resumed by a run with another (empty) staging directory from the records
// stored remotely; shards on separate staging directories (separate machines), run one after
// the other in a random order or all at once, publish exactly one complete manifest. A
// transform joining two published tables reads verified local copies and uploads its output.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runner/pipeline_test_util.h"
#include "storage/storage_e2e_backends.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Peak bytes of part files (committed, or being written under a temporary name) in each table
// directory under a staging root, sampled every 2 ms while a run goes on.
class SpoolSampler {
 public:
  explicit SpoolSampler(std::string root) : root_(std::move(root)) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~SpoolSampler() { Stop(); }
  std::map<std::string, int64_t> Stop() {
    if (!stop_.exchange(true)) thread_.join();
    return peaks_;
  }

 private:
  void Loop() {
    while (!stop_.load()) {
      std::error_code ec;
      for (const auto& table : fs::directory_iterator(root_, ec)) {
        if (!table.is_directory(ec)) continue;
        int64_t bytes = 0;
        for (const auto& file : fs::directory_iterator(table.path(), ec)) {
          if (!file.path().filename().string().starts_with("part-")) continue;
          std::error_code size_ec;
          auto size = fs::file_size(file.path(), size_ec);
          if (!size_ec) bytes += static_cast<int64_t>(size);
        }
        int64_t& peak = peaks_[table.path().filename().string()];
        peak = std::max(peak, bytes);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }

  std::string root_;
  std::atomic<bool> stop_{false};
  std::map<std::string, int64_t> peaks_;  // written by the thread until Stop()
  std::thread thread_;
};

// Part files left in STAGING/TABLE (uploaded parts are deleted).
std::vector<std::string> LocalParts(const std::string& table_dir) {
  std::vector<std::string> parts;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(table_dir, ec)) {
    std::string name = entry.path().filename().string();
    if (name.starts_with("part-")) parts.push_back(name);
  }
  return parts;
}

std::vector<std::string> EnvWords(const std::string& env) {
  std::vector<std::string> words;
  std::istringstream in(env);
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

class PipelineStorageE2eTest : public ::testing::TestWithParam<StorageBackend> {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    if (SkipStorageEmulators()) GTEST_SKIP() << "SLUICE_SKIP_EMULATORS=1";
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    ASSERT_TRUE(fs::exists(Pqcheck())) << "pqcheck not found at " << Pqcheck();
    dir_ = TempDir(std::string("pipeline_storage_") + GetParam().name);
  }
  void TearDown() override {
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  // Source rows as "id|a|b" lines in id order.
  std::vector<std::string> SourceRows(const std::string& table, const std::string& columns) {
    return QueryFirstColumn(
        &conn_, "SELECT CONCAT_WS('|', " + columns + ") FROM " + table + " ORDER BY id");
  }

  // Downloads every file the remote manifest of `table` lists; returns the local directory.
  std::string Download(ObjectStore* store, const std::string& table, json* manifest) {
    auto text = store->Get(table + "/_manifest.json");
    EXPECT_TRUE(text.ok()) << text.status().ToString();
    *manifest = ParseJson(text.ok() ? *text : "");
    std::string local = dir_ + "/download/" + table;
    fs::create_directories(local);
    std::set<std::string> expected = {table + "/_manifest.json"};
    for (const auto& entry : (*manifest)["files"]) {
      std::string key = table + "/" + entry["file"].get<std::string>();
      expected.insert(key);
      auto data = store->Get(key);
      EXPECT_TRUE(data.ok()) << key << ": " << data.status().ToString();
      if (!data.ok()) continue;
      EXPECT_EQ(static_cast<int64_t>(data->size()), entry["bytes"].get<int64_t>()) << key;
      std::ofstream(local + "/" + fs::path(key).filename().string(), std::ios::binary) << *data;
    }
    EXPECT_EQ(StoredKeys(store, table + "/"), expected) << "objects the manifest does not list";
    return local;
  }

  // A table of `rows` rows (id, k, payload) for the resume and shard tests.
  void MakeTable(const std::string& table, int rows) {
    Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
    Exec(conn_.get(),
         "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
    Exec(conn_.get(), "INSERT INTO " + table + " SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_" +
                          std::to_string(rows));
  }

  // A one-table pipeline file staging in `staging`; returns its path.
  std::string WritePipeline(const std::string& file, const std::string& dest,
                            const std::string& staging, const std::string& table) {
    std::ofstream(file) << "name: storage_e2e\n" + PipelineTestSources(2) + "destination: " + dest +
                               "\nstaging_dir: " + staging +
                               "\ndefaults:\n  fetch_rows: 500\n  max_local_disk: 1MB\n"
                               "tables:\n  - name: " +
                               table + "\n    chunk_rows: 2000\n";
    return file;
  }

  // The table's manifest is complete: exactly the source's rows, and every object under the
  // table's prefix is listed (no _sluice/ records, no strays). Returns the listed URLs.
  std::set<std::string> ExpectPublished(ObjectStore* store, const std::string& dest,
                                        const std::string& table, size_t files) {
    json manifest;
    std::string local = Download(store, table, &manifest);
    EXPECT_EQ(manifest["files"].size(), files);
    std::set<std::string> urls;
    for (const auto& entry : manifest["files"]) {
      urls.insert(dest + "/" + table + "/" + entry["file"].get<std::string>());
    }
    std::vector<std::string> lake = LakeRows(local, "id, k, payload");
    std::vector<std::string> source = SourceRows(table, "id, k, payload");
    EXPECT_EQ(lake.size(), source.size());
    EXPECT_TRUE(lake == source) << table << ": rows differ from the source";
    return urls;
  }

  std::vector<std::string> LakeRows(const std::string& dir, const std::string& columns) {
    std::vector<std::string> rows;
    for (const auto& line :
         PqRows("SELECT concat_ws('|', " + columns + ") AS r FROM read_parquet('" + dir +
                "/*.parquet') ORDER BY id")) {
      json row = ParseJson(line);
      rows.push_back(row.is_object() && row["r"].is_string() ? row["r"].get<std::string>() : line);
    }
    return rows;
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string dir_;
};

TEST_P(PipelineStorageE2eTest, RunPublishesTwoTablesThatReadBackExactly) {
  const StorageBackend& backend = GetParam();
  const std::string orders = std::string("pso_") + backend.name;
  const std::string events = std::string("pse_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + orders);
  Exec(conn_.get(),
       "CREATE TABLE " + orders + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64), KEY (k))");
  Exec(conn_.get(),
       "INSERT INTO " + orders + " SELECT seq, seq % 50, MD5(seq) FROM seq_1_to_12000");
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + events);
  Exec(conn_.get(), "CREATE TABLE " + events +
                        " (id INT PRIMARY KEY, day DATE, amount DECIMAL(10,2), note TEXT)");
  Exec(conn_.get(), "INSERT INTO " + events +
                        " SELECT seq, DATE '2024-01-01' + INTERVAL (seq % 300) DAY, seq / 7, "
                        "IF(seq % 11 = 0, NULL, REPEAT('x', seq % 40)) FROM seq_1_to_5000");
  const std::string dest = backend.url_base + "/" + FreshPrefix("pipeline-e2e");
  // max_local_disk: the default for orders, a table's own for events.
  constexpr int64_t kOrdersLimit = 1 << 20;
  constexpr int64_t kEventsLimit = 512 << 10;
  std::string yaml = "name: storage_e2e\n" + PipelineTestSources(2) + "destination: " + dest +
                     "\nstaging_dir: " + dir_ + "/staging\n" +
                     "defaults:\n  fetch_rows: 500\n  retries: 2\n  max_local_disk: 1MB\n"
                     "tables:\n  - name: " +
                     orders + "\n    chunk_rows: 3000\n  - name: " + events +
                     "\n    chunk_rows: 2000\n    max_local_disk: 512KB\n";
  std::ofstream(dir_ + "/pipeline.yaml") << yaml;
  const std::string args = "run " + dir_ + "/pipeline.yaml --json";
  SpoolSampler sampler(dir_ + "/staging");
  CommandResult run = RunSluice(args, backend.env);
  std::map<std::string, int64_t> peaks = sampler.Stop();
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  // Each part was deleted locally once uploaded, and the staging directory of a table never
  // held more part bytes than its max_local_disk (as sampled, and as the uploader counted).
  EXPECT_TRUE(LocalParts(dir_ + "/staging/" + orders).empty());
  EXPECT_TRUE(LocalParts(dir_ + "/staging/" + events).empty());
  EXPECT_LE(peaks[orders], kOrdersLimit);
  EXPECT_LE(peaks[events], kEventsLimit);
  std::regex peak_pattern("peak spool (\\d+) bytes");
  int reported = 0;
  for (auto it = std::sregex_iterator(run.err.begin(), run.err.end(), peak_pattern);
       it != std::sregex_iterator(); ++it, ++reported) {
    int64_t peak = std::stoll((*it)[1]);
    EXPECT_GT(peak, 0) << run.err;
    EXPECT_LE(peak, kOrdersLimit) << run.err;
  }
  EXPECT_EQ(reported, 2) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  EXPECT_EQ(summary["status"], "succeeded");
  EXPECT_EQ(summary["total_rows"], 12000 + 5000);

  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // The summary names the published objects (content-addressed names), not the staging files.
  for (const auto& table : summary["tables"]) {
    EXPECT_EQ(table["status"], "succeeded") << table.dump();
    ASSERT_FALSE(table["files"].empty()) << table.dump();
    for (const auto& file : table["files"]) {
      std::string url = file.get<std::string>();
      ASSERT_TRUE(url.starts_with(dest + "/")) << url;
      auto head = (*store)->Head(url.substr(dest.size() + 1));
      EXPECT_TRUE(head.ok()) << url << ": " << head.status().ToString();
    }
  }

  json orders_manifest;
  std::string orders_dir = Download(store->get(), orders, &orders_manifest);
  EXPECT_EQ(orders_manifest["files"].size(), 4u);
  // The bound is only a bound when it leaves room for the parts being written (one per
  // connection) plus one waiting: check that the limits above were not trivially large or small.
  int64_t largest = 0;
  for (const auto& entry : orders_manifest["files"]) {
    largest = std::max(largest, entry["bytes"].get<int64_t>());
  }
  EXPECT_LE(3 * largest, kEventsLimit) << "parts too large for the test's max_local_disk";
  std::vector<std::string> lake = LakeRows(orders_dir, "id, k, payload");
  std::vector<std::string> source = SourceRows(orders, "id, k, payload");
  EXPECT_EQ(lake.size(), 12000u);
  EXPECT_TRUE(lake == source) << "orders rows differ";

  json events_manifest;
  std::string events_dir = Download(store->get(), events, &events_manifest);
  EXPECT_EQ(events_manifest["files"].size(), 3u);
  lake = LakeRows(events_dir, "id, CAST(day AS VARCHAR), CAST(amount AS VARCHAR), note");
  source = SourceRows(events, "id, day, amount, note");
  EXPECT_EQ(lake.size(), 5000u);
  EXPECT_TRUE(lake == source) << "events rows differ: " << (lake.empty() ? "" : lake[7]) << " vs "
                              << (source.size() > 7 ? source[7] : "");

  // A second run republishes the same tables: identical manifests, no extra objects.
  CommandResult again = RunSluice(args, backend.env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ((*store)->Get(orders + "/_manifest.json").ValueOrDie(), orders_manifest.dump(2) + "\n");
  EXPECT_EQ(StoredKeys(store->get(), orders + "/").size(), 5u);
  EXPECT_EQ(StoredKeys(store->get(), events + "/").size(), 4u);
}

// Reliability test 2 for the pipeline: `sluice run` is killed (SIGKILL) while chunks are being
// uploaded; the rerun uses another, empty staging directory (an Airflow retry on another
// worker), restores the records stored with the parts, extracts only the chunks not stored,
// and publishes exactly the source's rows (no duplicates, nothing unlisted).
TEST_P(PipelineStorageE2eTest, KilledRunResumesFromTheRemoteRecordsWithAnotherStagingDir) {
  const StorageBackend& backend = GetParam();
  const std::string table = std::string("psk_") + backend.name;
  MakeTable(table, 40000);
  const std::string dest = backend.url_base + "/" + FreshPrefix("pipeline-e2e-k");
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  // Run 1: slowed down (40 ms per 500-row batch), killed once 5 parts are stored.
  std::string first = WritePipeline(dir_ + "/a.yaml", dest, dir_ + "/staging-a", table);
  std::vector<std::string> env = EnvWords(backend.env);
  env.push_back("SLUICE_DEBUG_BATCH_DELAY_MS=40");
  pid_t pid = StartSluice({"run", first, "--json"}, env, dir_ + "/run1.out", dir_ + "/run1.err");
  size_t stored = 0;
  for (int poll = 0; poll < 600 && stored < 5; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    stored = StoredKeys(store->get(), table + "/part-").size();
  }
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitExit(pid), 128 + SIGKILL);
  ASSERT_GE(stored, 5u) << ReadFile(dir_ + "/run1.err");
  EXPECT_EQ((*store)->Head(table + "/_manifest.json").status().code(), StatusCode::kNotFound);
  // Each part is stored with its record (object metadata) by one request.
  const size_t recorded = StoredKeys(store->get(), table + "/part-").size();

  // Run 2: another, empty staging directory; nothing local to resume from.
  std::string second = WritePipeline(dir_ + "/b.yaml", dest, dir_ + "/staging-b", table);
  CommandResult rerun = RunSluice("run " + second + " --json", backend.env);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find(std::to_string(recorded) + " chunks recorded as stored"),
            std::string::npos)
      << rerun.err;
  json summary = ParseJson(rerun.out);
  ASSERT_TRUE(summary.is_object()) << rerun.out;
  EXPECT_EQ(summary["total_rows"], 40000);
  const json& result = summary["tables"][0];
  EXPECT_GT(result["chunks_reused"].get<int64_t>(), 0) << rerun.err;
  EXPECT_EQ(result["chunks_reused"].get<size_t>(), recorded) << rerun.err;
  EXPECT_LT(recorded, result["files"].size()) << "the run finished before it was killed";
  std::set<std::string> listed = ExpectPublished(store->get(), dest, table, 20);
  std::set<std::string> reported;
  for (const auto& url : result["files"]) reported.insert(url.get<std::string>());
  EXPECT_EQ(reported, listed);
  EXPECT_TRUE(LocalParts(dir_ + "/staging-b/" + table).empty());
  auto pending = (*store)->ListPendingUploads(table + "/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

// Shards of one table on separate staging directories (workers without a shared disk), run
// one after the other in a random order: the first freezes the plan remotely, each uploads
// only its chunks, and the last one (the first to find every chunk recorded) publishes the one
// manifest. Then, on a new prefix after `sluice plan --save`, all shards at once: every shard
// succeeds, whichever publishes, and the manifest is the same complete table.
TEST_P(PipelineStorageE2eTest, ShardsOnSeparateWorkersPublishOneCompleteManifest) {
  const StorageBackend& backend = GetParam();
  const std::string table = std::string("pss_") + backend.name;
  MakeTable(table, 24000);  // 12 chunks of 2,000 rows
  constexpr int kShards = 3;
  std::vector<int> order = {0, 1, 2};
  const unsigned seed = std::random_device{}();
  std::shuffle(order.begin(), order.end(), std::mt19937(seed));
  SCOPED_TRACE("shard order " + std::to_string(order[0]) + "," + std::to_string(order[1]) + "," +
               std::to_string(order[2]) + " (seed " + std::to_string(seed) + ")");

  const std::string dest = backend.url_base + "/" + FreshPrefix("pipeline-e2e-s");
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  std::set<std::string> shard_files;
  for (size_t step = 0; step < order.size(); ++step) {
    const std::string spec = std::to_string(order[step]) + "/" + std::to_string(kShards);
    SCOPED_TRACE("shard " + spec);
    const std::string worker = dir_ + "/worker-" + std::to_string(order[step]);
    std::string file = WritePipeline(worker + ".yaml", dest, worker, table);
    CommandResult run =
        RunSluice("run " + file + " --only " + table + " --shard " + spec + " --json", backend.env);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    json summary = ParseJson(run.out);
    ASSERT_TRUE(summary.is_object()) << run.out;
    const json& result = summary["tables"][0];
    EXPECT_EQ(result["shard"], spec);
    EXPECT_EQ(result["table_complete"], step + 1 == order.size()) << run.err;
    EXPECT_EQ(result["files"].size(), 4u) << run.out;
    for (const auto& url : result["files"]) {
      EXPECT_TRUE(shard_files.insert(url.get<std::string>()).second) << "reported twice: " << url;
    }
    EXPECT_TRUE(LocalParts(worker + "/" + table).empty());
    bool published = (*store)->Head(table + "/_manifest.json").ok();
    EXPECT_EQ(published, step + 1 == order.size()) << "the manifest waits for the last shard";
  }
  EXPECT_EQ(ExpectPublished(store->get(), dest, table, 12), shard_files);

  // All shards at once, after the plan was frozen by `sluice plan --save`.
  const std::string concurrent = backend.url_base + "/" + FreshPrefix("pipeline-e2e-c");
  auto concurrent_store = ObjectStore::Open(concurrent, backend.options);
  ASSERT_TRUE(concurrent_store.ok());
  std::string plan_file = WritePipeline(dir_ + "/plan.yaml", concurrent, dir_ + "/planner", table);
  CommandResult plan = RunSluice("plan " + plan_file + " --only " + table + " --save", backend.env);
  ASSERT_EQ(plan.exit_code, 0) << plan.err;
  EXPECT_TRUE((*concurrent_store)->Head(table + "/_sluice/state.json").ok()) << plan.err;
  std::vector<pid_t> pids;
  for (int shard = 0; shard < kShards; ++shard) {
    const std::string worker = dir_ + "/together-" + std::to_string(shard);
    std::string file = WritePipeline(worker + ".yaml", concurrent, worker, table);
    pids.push_back(StartSluice({"run", file, "--only", table, "--shard",
                                std::to_string(shard) + "/" + std::to_string(kShards), "--json"},
                               EnvWords(backend.env), worker + ".out", worker + ".err"));
  }
  std::set<std::string> together_files;
  int complete = 0;
  for (int shard = 0; shard < kShards; ++shard) {
    const std::string worker = dir_ + "/together-" + std::to_string(shard);
    EXPECT_EQ(WaitExit(pids[static_cast<size_t>(shard)]), 0) << ReadFile(worker + ".err");
    json summary = ParseJson(ReadFile(worker + ".out"));
    ASSERT_TRUE(summary.is_object()) << ReadFile(worker + ".err");
    const json& result = summary["tables"][0];
    complete += result["table_complete"].get<bool>() ? 1 : 0;
    for (const auto& url : result["files"]) together_files.insert(url.get<std::string>());
  }
  EXPECT_GE(complete, 1) << "no shard found the table complete";
  EXPECT_EQ(ExpectPublished(concurrent_store->get(), concurrent, table, 12), together_files);
}

// A table whose contract fails is not published (exit 3, no manifest), but its validation
// report is uploaded next to it (as `sluice extract --dest` does) and stays in the staging
// directory, where the summary points.
TEST_P(PipelineStorageE2eTest, FailedContractUploadsTheReportButPublishesNothing) {
  const StorageBackend& backend = GetParam();
  const std::string table = std::string("psv_") + backend.name;
  MakeTable(table, 6000);
  const std::string dest = backend.url_base + "/" + FreshPrefix("pipeline-e2e-v");
  std::ofstream(dir_ + "/v.yaml") << "name: storage_e2e\n" + PipelineTestSources(2) +
                                         "destination: " + dest + "\nstaging_dir: " + dir_ +
                                         "/staging\ntables:\n  - name: " + table +
                                         "\n    chunk_rows: 2000\n    contract:\n"
                                         "      columns:\n        id: {max: 100}\n";
  CommandResult run = RunSluice("run " + dir_ + "/v.yaml --json", backend.env);
  EXPECT_EQ(run.exit_code, 3) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  const json& result = summary["tables"][0];
  EXPECT_EQ(result["error_kind"], "validation") << run.out;
  std::string report = result["validation"]["report"].get<std::string>();
  EXPECT_TRUE(fs::exists(report)) << report;
  EXPECT_NE(
      run.err.find("uploaded the validation outputs: " + dest + "/" + table + "/_validation-"),
      std::string::npos)
      << run.err;
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ((*store)->Head(table + "/_manifest.json").status().code(), StatusCode::kNotFound);
  int reports = 0;
  for (const auto& key : StoredKeys(store->get(), table + "/")) {
    if (key.starts_with(table + "/_validation-")) {
      ++reports;
      EXPECT_EQ(ParseJson((*store)->Get(key).ValueOrDie())["passed"], false) << key;
    }
  }
  EXPECT_EQ(reports, 1);
}

// Transforms over an object-store destination: the transform joins two published tables with
// GROUP BY; only the tables it names are downloaded (verified copies in the staging directory,
// removed afterwards), its output is uploaded to DEST/OUTPUT and equals the same query run by
// MariaDB over the source rows. A transform over a table that is not published fails naming
// the missing manifest.
TEST_P(PipelineStorageE2eTest, TransformJoinsPublishedTablesAndUploadsItsOutput) {
  const StorageBackend& backend = GetParam();
  const std::string customers = std::string("ptc_") + backend.name;
  const std::string contracts = std::string("ptk_") + backend.name;
  const std::string unused = std::string("ptu_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + customers);
  Exec(conn_.get(),
       "CREATE TABLE " + customers + " (id BIGINT PRIMARY KEY, segment VARCHAR(16) NOT NULL)");
  Exec(conn_.get(),
       "INSERT INTO " + customers + " SELECT seq, CONCAT('seg', seq % 7) FROM seq_1_to_3000");
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + contracts);
  Exec(conn_.get(), "CREATE TABLE " + contracts +
                        " (id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL, premium BIGINT)");
  Exec(conn_.get(),
       "INSERT INTO " + contracts + " SELECT seq, 1 + seq % 2500, seq * 3 FROM seq_1_to_9000");
  MakeTable(unused, 3000);
  const std::string dest = backend.url_base + "/" + FreshPrefix("pipeline-e2e-t");
  const std::string staging = dir_ + "/staging";
  const std::string output = "marts/by_segment.parquet";
  const std::string tables = "tables:\n  - name: " + customers + "\n  - name: " + contracts +
                             "\n  - name: " + unused + "\n";
  const std::string transforms =
      "transforms:\n  - name: by_segment\n    output: " + output +
      "\n    sql: SELECT c.segment, count(*) AS n, sum(k.premium) AS total FROM " + customers +
      " c JOIN " + contracts + " k ON c.id = k.customer_id GROUP BY c.segment\n";
  std::ofstream(dir_ + "/t.yaml") << "name: storage_e2e\n" + PipelineTestSources(2) +
                                         "destination: " + dest + "\nstaging_dir: " + staging +
                                         "\ndefaults:\n  chunk_rows: 2000\n" + tables + transforms;
  CommandResult run = RunSluice("run " + dir_ + "/t.yaml --json", backend.env);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  json summary = ParseJson(run.out);
  ASSERT_TRUE(summary.is_object()) << run.out;
  ASSERT_EQ(summary["transforms"].size(), 1u) << run.out;
  const json& transform = summary["transforms"][0];
  EXPECT_EQ(transform["status"], "succeeded") << transform.dump();
  EXPECT_EQ(transform["output"], dest + "/" + output) << transform.dump();
  EXPECT_EQ(transform["rows"], 7) << transform.dump();

  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  // Exactly the two tables the SQL names were downloaded (not `unused`).
  int64_t referenced_bytes = 0;
  for (const auto& table : {customers, contracts}) {
    json manifest = ParseJson((*store)->Get(table + "/_manifest.json").ValueOrDie());
    for (const auto& entry : manifest["files"]) referenced_bytes += entry["bytes"].get<int64_t>();
  }
  EXPECT_NE(run.err.find("downloaded_bytes=" + std::to_string(referenced_bytes) + " "),
            std::string::npos)
      << run.err;
  auto stored = (*store)->Get(output);
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  const std::string local = dir_ + "/by_segment.parquet";
  std::ofstream(local, std::ios::binary) << *stored;
  std::vector<std::string> lake;
  for (const auto& line : PqRows("SELECT concat_ws('|', segment, n, total) AS r FROM "
                                 "read_parquet('" +
                                 local + "') ORDER BY segment")) {
    json row = ParseJson(line);
    lake.push_back(row.is_object() && row["r"].is_string() ? row["r"].get<std::string>() : line);
  }
  std::vector<std::string> expected = QueryFirstColumn(
      &conn_, "SELECT CONCAT_WS('|', c.segment, count(*), sum(k.premium)) FROM " + customers +
                  " c JOIN " + contracts +
                  " k ON c.id = k.customer_id GROUP BY c.segment ORDER BY c.segment");
  EXPECT_EQ(expected.size(), 7u);
  EXPECT_EQ(lake, expected);
  // The input copies and the local output are gone.
  EXPECT_FALSE(fs::exists(staging + "/_transform_inputs"));
  EXPECT_FALSE(fs::exists(staging + "/_transform_outputs/" + output));

  // A transform over a table that was never extracted to this prefix fails, naming its manifest.
  const std::string empty = backend.url_base + "/" + FreshPrefix("pipeline-e2e-tm");
  std::ofstream(dir_ + "/m.yaml") << "name: storage_e2e\n" + PipelineTestSources(2) +
                                         "destination: " + empty + "\nstaging_dir: " + dir_ +
                                         "/staging-m\n" + tables + transforms;
  CommandResult missing =
      RunSluice("run " + dir_ + "/m.yaml --transforms-only --json", backend.env);
  EXPECT_NE(missing.exit_code, 0) << missing.err;
  EXPECT_NE(missing.err.find("table " + customers + " is not published: no " + empty + "/" +
                             customers + "/_manifest.json"),
            std::string::npos)
      << missing.err;
  auto empty_store = ObjectStore::Open(empty, backend.options);
  ASSERT_TRUE(empty_store.ok());
  EXPECT_EQ((*empty_store)->Head(output).status().code(), StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, PipelineStorageE2eTest, ::testing::ValuesIn(StorageBackends()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace sluice::testing

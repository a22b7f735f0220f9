// End-to-end tests of `sluice extract --dest s3://... | gs://...` against the real MariaDB and the
// object-store emulators (Swift s3api and the firebase GCS emulator, started by the
// storage_emulators CTest fixture): every object is downloaded with ObjectStore::Get and its rows
// compared with the source through pqcheck (DuckDB); the manifest is published last and lists
// exactly the uploaded parts; the local spool is emptied; a bounded spool (--max-local-disk)
// makes extraction wait; and a rerun after success uploads no part again.
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "e2e_util.h"
#include "sluice/object_store.h"
#include "storage/child_server.h"
#include "storage/storage_e2e_backends.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

using Backend = StorageBackend;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

class ExtractStorageE2eTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    if (SkipStorageEmulators()) GTEST_SKIP() << "SLUICE_SKIP_EMULATORS=1";
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    ASSERT_TRUE(fs::exists(Pqcheck())) << "pqcheck not found at " << Pqcheck();
    dir_ = TempDir(std::string("storage_") + GetParam().name);
  }
  void TearDown() override {
    if (!HasFailure() && !dir_.empty()) fs::remove_all(dir_);
  }

  std::unique_ptr<mysql::Connection> conn_;
  std::string dir_;
};

TEST_P(ExtractStorageE2eTest, UploadsWhileExtractingThenManifestAndRerunUploadsNothing) {
  const Backend& backend = GetParam();
  const std::string table = std::string("upl_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
  Exec(conn_.get(),
       "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
  Exec(conn_.get(), "INSERT INTO " + table + " SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_20000");
  // A fresh prefix per run, so earlier runs' objects cannot make the test pass.
  const std::string prefix =
      "extract-e2e-" + std::to_string(getpid()) + "-" +
      std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string dest = backend.url_base + "/" + prefix;
  const std::string spool = dir_ + "/spool";
  // 2,500-row chunks on two connections: 8 part files of ~46 KB; a 64 KiB spool holds one, so
  // a second file waits until the first is uploaded (whether that happens depends on timing:
  // checked is that the spool never held two).
  const std::string args = "--table " + table + " --dest " + ShellQuote(dest) + " --spool " +
                           ShellQuote(spool) +
                           " --chunk-rows 2500 --jobs 2 --max-local-disk 64KB --json";
  CommandResult run = Extract(args, backend.env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("8 files uploaded"), std::string::npos) << run.err;
  std::smatch peak;
  ASSERT_TRUE(std::regex_search(run.err, peak, std::regex("peak spool (\\d+) bytes"))) << run.err;
  EXPECT_LE(std::stol(peak[1]), 64 << 10) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_FALSE(summary.is_discarded()) << run.out;
  EXPECT_EQ(summary["total_rows"], 20000);
  // The spool holds no part file any more (state files stay for resume).
  for (const auto& name : ListDir(spool + "/" + table)) {
    EXPECT_FALSE(name.starts_with("part-")) << name;
  }

  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto manifest_text = (*store)->Get(table + "/_manifest.json");
  ASSERT_TRUE(manifest_text.ok()) << manifest_text.status().ToString();
  json manifest = ParseJson(*manifest_text);
  ASSERT_EQ(manifest["files"].size(), 8u);
  auto listed = (*store)->List(table + "/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::set<std::string> keys;
  for (const auto& info : *listed) keys.insert(info.key);
  std::set<std::string> expected_keys = {table + "/_manifest.json"};
  const std::string download = dir_ + "/download";
  fs::create_directories(download);
  for (const auto& file : manifest["files"]) {
    std::string name = file["file"].get<std::string>();
    expected_keys.insert(table + "/" + name);
    auto data = (*store)->Get(table + "/" + name);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    EXPECT_EQ(static_cast<int64_t>(data->size()), file["bytes"].get<int64_t>()) << name;
    std::ofstream(download + "/" + name, std::ios::binary) << *data;
  }
  EXPECT_EQ(keys, expected_keys);

  // Rows downloaded == rows in the source, compared as text through DuckDB.
  auto lake = RunShell(ShellQuote(Pqcheck()) + " sql " +
                       ShellQuote("SELECT CAST(id AS VARCHAR) id, CAST(k AS VARCHAR) k, payload "
                                  "FROM read_parquet('" +
                                  download + "/*.parquet') t ORDER BY t.id"));
  ASSERT_EQ(lake.exit_code, 0) << lake.err;
  auto source = conn_->QueryRows("SELECT CAST(id AS CHAR), CAST(k AS CHAR), payload FROM " + table +
                                 " ORDER BY id");
  ASSERT_TRUE(source.ok()) << source.status().ToString();
  std::vector<std::string> source_rows;
  for (const auto& row : *source) {
    source_rows.push_back(json{{"id", *row[0]}, {"k", *row[1]}, {"payload", *row[2]}}.dump());
  }
  std::vector<std::string> lake_rows = Lines(lake.out);
  ASSERT_EQ(lake_rows.size(), 20000u);
  EXPECT_TRUE(lake_rows == source_rows) << lake_rows.front() << " vs " << source_rows.front();

  // A rerun after success finds every part already stored (same size and sha256).
  CommandResult again = Extract(args, backend.env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("0 files uploaded (0 bytes), 8 already there"), std::string::npos)
      << again.err;
  auto relisted = (*store)->List(table + "/");
  ASSERT_TRUE(relisted.ok());
  EXPECT_EQ(relisted->size(), expected_keys.size());

  // Without --spool a temporary spool is used and removed.
  CommandResult temp =
      Extract("--table " + table + " --dest " + ShellQuote(dest + "-tmp") + " --chunk-rows 5000",
              "TMPDIR=" + dir_ + " " + backend.env);
  ASSERT_EQ(temp.exit_code, 0) << temp.err;
  EXPECT_NE(temp.err.find("4 files uploaded"), std::string::npos) << temp.err;
  for (const auto& name : ListDir(dir_)) EXPECT_FALSE(name.starts_with("sluice-spool-")) << name;
}

TEST_P(ExtractStorageE2eTest, FailedContractPublishesNoManifest) {
  const Backend& backend = GetParam();
  const std::string table = std::string("uplv_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
  Exec(conn_.get(),
       "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
  Exec(conn_.get(), "INSERT INTO " + table + " SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_3000");
  const std::string dest = backend.url_base + "/extract-e2e-v-" + std::to_string(getpid());
  std::string contract = dir_ + "/contract.yaml";
  // k = seq % 97: each full cycle of 97 ids holds k 91..96 (6 failures); 3000 = 30 cycles
  // plus ids 2911..3000 (k 1..90), so exactly 180 rows fail.
  std::ofstream(contract) << "tables:\n  t:\n    columns:\n      k: {max: 90}\n";
  CommandResult run = Extract("--table " + table + " --dest " + ShellQuote(dest) +
                                  " --chunk-rows 1000 --contract " + contract,
                              "TMPDIR=" + dir_ + " " + backend.env);
  EXPECT_EQ(run.exit_code, 3) << run.err;
  EXPECT_NE(run.err.find("k max"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("180 failures"), std::string::npos) << run.err;
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto manifest = (*store)->Head(table + "/_manifest.json");
  EXPECT_EQ(manifest.status().code(), StatusCode::kNotFound) << manifest.status().ToString();
  // The report is uploaded anyway (under its content-addressed name), for remote-only users.
  std::string report_key;
  for (const auto& key : StoredKeys(store->get(), table + "/")) {
    if (key.starts_with(table + "/_validation-")) report_key = key;
  }
  ASSERT_FALSE(report_key.empty()) << run.err;
  EXPECT_NE(run.err.find("uploaded " + (*store)->DisplayName(report_key)), std::string::npos)
      << run.err;
  json report = ParseJson((*store)->Get(report_key).ValueOrDie());
  EXPECT_FALSE(report.value("passed", true)) << report.dump();
}

// Gap of issue 4: the validation report and the quarantined rows of a --cast/--contract extract
// are published with the table (before the manifest, which lists them), and the temporary spool
// is removed.
TEST_P(ExtractStorageE2eTest, ValidationReportAndRejectsArePublishedWithTheTable) {
  const Backend& backend = GetParam();
  const std::string table = std::string("uplr_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
  Exec(conn_.get(), "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, amount VARCHAR(20))");
  // Every 50th amount is not a number: 80 of 4,000 rows are quarantined.
  Exec(conn_.get(), "INSERT INTO " + table +
                        " SELECT seq, IF(seq % 50 = 0, CONCAT('n/a', seq), CAST(seq * 3 AS "
                        "CHAR)) FROM seq_1_to_4000");
  const std::string dest = backend.url_base + "/" + FreshPrefix("extract-e2e-r");
  const std::string tmp = dir_ + "/tmp";
  fs::create_directories(tmp);
  CommandResult run = Extract("--table " + table + " --dest " + ShellQuote(dest) +
                                  " --chunk-rows 1000 --cast amount=int64:quarantine",
                              "TMPDIR=" + tmp + " " + backend.env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(ListDir(tmp).empty()) << "the temporary spool must be removed";
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  json manifest = ParseJson((*store)->Get(table + "/_manifest.json").ValueOrDie());
  ASSERT_TRUE(manifest.contains("validation")) << manifest.dump(2);
  const json& validation = manifest["validation"];
  ASSERT_TRUE(validation["report"].is_object()) << validation.dump();
  // Every part has quarantined rows (one in 50), so each has its rejects file.
  ASSERT_EQ(validation["rejects"].size(), manifest["files"].size()) << validation.dump();
  std::set<std::string> expected = {table + "/_manifest.json"};
  for (const auto& entry : manifest["files"])
    expected.insert(table + "/" + entry["file"].get<std::string>());
  std::string report_key = table + "/" + validation["report"]["file"].get<std::string>();
  expected.insert(report_key);
  const std::string download = dir_ + "/rejects";
  fs::create_directories(download);
  for (const auto& entry : validation["rejects"]) {
    std::string key = table + "/" + entry["file"].get<std::string>();
    EXPECT_TRUE(key.starts_with(table + "/_rejects/part-")) << key;
    expected.insert(key);
    auto data = (*store)->Get(key);
    ASSERT_TRUE(data.ok()) << data.status().ToString();
    EXPECT_EQ(static_cast<int64_t>(data->size()), entry["bytes"].get<int64_t>());
    std::ofstream(download + "/" + fs::path(key).filename().string(), std::ios::binary) << *data;
  }
  EXPECT_EQ(StoredKeys(store->get(), table + "/"), expected);
  json report = ParseJson((*store)->Get(report_key).ValueOrDie());
  EXPECT_EQ(report["rows_quarantined"], 80) << report.dump();
  json rejected =
      PqSql("SELECT count(*) AS n, min(id) AS lo FROM read_parquet('" + download + "/*.parquet')");
  EXPECT_EQ(rejected["n"], 80) << rejected.dump();
  EXPECT_EQ(rejected["lo"], 50) << rejected.dump();
}

// Reliability test 2: the extract is killed (SIGKILL) while chunks are being uploaded; the
// rerun, on a fresh temporary spool, restores the remote in-progress records, extracts and
// uploads only the chunks not yet stored, and ends with exactly the objects and checksums of a
// clean run: no _sluice/ records, no pending multipart uploads, nothing unlisted.
TEST_P(ExtractStorageE2eTest, KilledDuringUploadResumesFromTheRemoteRecords) {
  const Backend& backend = GetParam();
  const std::string table = std::string("uplk_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
  Exec(conn_.get(),
       "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
  Exec(conn_.get(), "INSERT INTO " + table + " SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_32000");
  const std::string prefix = FreshPrefix("extract-e2e-k");
  const std::string dest = backend.url_base + "/" + prefix;
  // About 16 chunks (the planner decides the exact number; `parts` below is what it made).
  const std::vector<std::string> args = {"--table",      table,  "--dest",       dest,
                                         "--chunk-rows", "2000", "--fetch-rows", "500"};
  auto store = ObjectStore::Open(dest, backend.options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  // Run 1: slowed down (40 ms per 500-row batch), killed once 5 chunks are recorded as stored.
  const std::string tmp1 = dir_ + "/tmp1";
  fs::create_directories(tmp1);
  std::vector<std::string> env = {"TMPDIR=" + tmp1, "SLUICE_DEBUG_BATCH_DELAY_MS=40"};
  std::istringstream words(backend.env);
  for (std::string word; words >> word;) env.push_back(word);
  pid_t pid = StartExtract(args, env, dir_ + "/run1.err");
  // Each part is stored with its record (object metadata) by one request.
  size_t records = 0;
  for (int poll = 0; poll < 600 && records < 5; ++poll) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    records = StoredKeys(store->get(), table + "/part-").size();
  }
  kill(pid, SIGKILL);
  EXPECT_EQ(WaitExit(pid), 128 + SIGKILL);
  ASSERT_GE(records, 5u) << ReadFile(dir_ + "/run1.err");
  EXPECT_EQ((*store)->Head(table + "/_manifest.json").status().code(), StatusCode::kNotFound);
  size_t recorded = StoredKeys(store->get(), table + "/part-").size();
  EXPECT_EQ(StoredKeys(store->get(), table + "/_sluice/").size(), 1u) << "state.json only";
  // The killed run could not remove its temporary spool: the next run in that TMPDIR does.
  std::vector<std::string> leaked = ListDir(tmp1);
  ASSERT_EQ(leaked.size(), 1u);
  EXPECT_TRUE(leaked[0].starts_with("sluice-spool-")) << leaked[0];

  // Run 2: a new temporary spool; only the chunks without a record are extracted again.
  const std::string tmp2 = dir_ + "/tmp2";
  fs::create_directories(tmp2);
  std::string arg_text;
  for (const auto& arg : args) arg_text += ShellQuote(arg) + " ";
  CommandResult rerun = Extract(arg_text + "--json", "TMPDIR=" + tmp2 + " " + backend.env);
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_NE(rerun.err.find(std::to_string(recorded) + " chunks recorded as stored"),
            std::string::npos)
      << rerun.err;
  json summary = ParseJson(rerun.out);
  ASSERT_TRUE(summary.is_object()) << rerun.out;
  EXPECT_EQ(summary["total_rows"], 32000);
  const size_t parts = summary["files"].size();
  ASSERT_LT(recorded, parts) << "the run finished before it was killed";
  EXPECT_EQ(summary["chunks_reused"].get<size_t>(), recorded) << rerun.err;
  // Sent now: the chunks extracted again; one may have been stored before the kill without
  // its record, and is then found identical ("already there") instead of uploaded.
  std::smatch counts;
  ASSERT_TRUE(
      std::regex_search(rerun.err, counts,
                        std::regex("(\\d+) files uploaded \\(\\d+ bytes\\), (\\d+) already there")))
      << rerun.err;
  size_t uploaded = std::stoul(counts[1]);
  EXPECT_TRUE(uploaded == parts - recorded || uploaded + 1 == parts - recorded) << rerun.err;
  EXPECT_EQ(uploaded + std::stoul(counts[2]), parts) << rerun.err;

  // A clean run into another prefix: same object names (content-addressed) and checksums.
  // It runs in the killed run's TMPDIR, and first removes the spool that run left.
  const std::string clean_dest = dest + "-clean";
  CommandResult clean = Extract("--table " + table + " --dest " + ShellQuote(clean_dest) +
                                    " --chunk-rows 2000 --fetch-rows 500",
                                "TMPDIR=" + tmp1 + " " + backend.env);
  ASSERT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_NE(clean.err.find("removed " + tmp1 + "/" + leaked[0] + " ("), std::string::npos)
      << clean.err;
  EXPECT_NE(clean.err.find("the temporary spool of an extract that is no longer running"),
            std::string::npos)
      << clean.err;
  EXPECT_TRUE(ListDir(tmp1).empty());
  auto clean_store = ObjectStore::Open(clean_dest, backend.options);
  ASSERT_TRUE(clean_store.ok());
  std::set<std::string> keys = StoredKeys(store->get(), table + "/");
  EXPECT_EQ(keys, StoredKeys(clean_store->get(), table + "/"));
  EXPECT_EQ(keys.size(), parts + 1);  // the parts + the manifest: no records, nothing unlisted
  for (const auto& key : keys) {
    if (key.ends_with("_manifest.json")) continue;
    auto resumed = (*store)->Head(key);
    auto fresh = (*clean_store)->Head(key);
    ASSERT_TRUE(resumed.ok() && fresh.ok()) << key;
    EXPECT_EQ(resumed->sha256_hex, fresh->sha256_hex) << key;
    EXPECT_EQ(resumed->size, fresh->size) << key;
  }
  EXPECT_EQ((*store)->Get(table + "/_manifest.json").ValueOrDie(),
            (*clean_store)->Get(table + "/_manifest.json").ValueOrDie());
  auto pending = (*store)->ListPendingUploads(table + "/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

// Reliability test 10: two extracts publish the same table at once, with different chunking
// (--chunk-rows 2500 vs 5000). The faster one wins; the other reports a conflict, publishes nothing
// and removes its uploads; the manifest lists exactly the winner's parts. GCS preconditions are
// enforced by the in-repo fake GCS (the firebase emulator ignores ifGenerationMatch); Swift's
// s3api has no conditional PUT (501), so there the runs rely on the version check right
// before the commit (manifest_commit.h).
TEST_P(ExtractStorageE2eTest, ConcurrentRunsOneWinsTheOtherReportsAConflict) {
  const Backend& backend = GetParam();
  const std::string table = std::string("uplc_") + backend.name;
  Exec(conn_.get(), "DROP TABLE IF EXISTS " + table);
  Exec(conn_.get(),
       "CREATE TABLE " + table + " (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(64))");
  Exec(conn_.get(), "INSERT INTO " + table + " SELECT seq, seq % 97, MD5(seq) FROM seq_1_to_20000");
  std::unique_ptr<ChildServer> fake;
  std::string env_text = backend.env;
  ObjectStoreOptions options = backend.options;
  if (std::string(backend.name) == "gcs_emulator") {
    fake = std::make_unique<ChildServer>(std::vector<std::string>{
        "python3", std::string(SLUICE_SOURCE_DIR) + "/tests/emulators/fake_gcs.py", "0"});
    ASSERT_GT(fake->port(), 0);
    env_text = "STORAGE_EMULATOR_HOST=" + fake->url();
    options.endpoint = fake->url();
  }
  const std::string dest = backend.url_base + "/" + FreshPrefix("extract-e2e-c");
  std::vector<std::string> env = {"TMPDIR=" + dir_};
  std::istringstream words(env_text);
  for (std::string word; words >> word;) env.push_back(word);
  // Both start before either commits: the fast run (10 ms per batch) finishes in about 0.5 s,
  // the slow one (40 ms) in about 2 s.
  std::vector<std::string> fast_env = env;
  fast_env.push_back("SLUICE_DEBUG_BATCH_DELAY_MS=10");
  std::vector<std::string> slow_env = env;
  slow_env.push_back("SLUICE_DEBUG_BATCH_DELAY_MS=40");
  pid_t slow = StartExtract(
      {"--table", table, "--dest", dest, "--chunk-rows", "5000", "--fetch-rows", "500"}, slow_env,
      dir_ + "/slow.err");
  pid_t fast = StartExtract(
      {"--table", table, "--dest", dest, "--chunk-rows", "2500", "--fetch-rows", "500"}, fast_env,
      dir_ + "/fast.err");
  int fast_exit = WaitExit(fast);
  int slow_exit = WaitExit(slow);
  std::string fast_err = ReadFile(dir_ + "/fast.err");
  std::string slow_err = ReadFile(dir_ + "/slow.err");
  EXPECT_EQ(fast_exit, 0) << fast_err;
  EXPECT_EQ(slow_exit, 1) << slow_err;
  EXPECT_NE(slow_err.find("conflict: another run published"), std::string::npos) << slow_err;

  auto store = ObjectStore::Open(dest, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  json manifest = ParseJson((*store)->Get(table + "/_manifest.json").ValueOrDie());
  ASSERT_FALSE(manifest["files"].empty()) << manifest.dump(2);
  std::set<std::string> expected = {table + "/_manifest.json"};
  int64_t rows = 0;
  std::set<int> chunks;  // one run's plan: chunk indices 0..n-1, rows adding up exactly
  for (const auto& entry : manifest["files"]) {
    chunks.insert(entry["chunk"].get<int>());
    std::string key = table + "/" + entry["file"].get<std::string>();
    expected.insert(key);
    rows += entry["rows"].get<int64_t>();
    auto head = (*store)->Head(key);
    ASSERT_TRUE(head.ok()) << key << ": " << head.status().ToString();
    EXPECT_EQ(head->sha256_hex, entry["sha256"].get<std::string>()) << key;
  }
  EXPECT_EQ(rows, 20000);
  EXPECT_EQ(chunks.size(), manifest["files"].size());
  EXPECT_EQ(*chunks.rbegin() + 1, static_cast<int>(chunks.size()));
  // The loser's parts and both runs' in-progress records are gone.
  EXPECT_EQ(StoredKeys(store->get(), table + "/"), expected);
}

TEST_P(ExtractStorageE2eTest, SpoolFlagsNeedAnObjectStoreDest) {
  CommandResult run = Extract("--table t --dest " + dir_ + "/local --max-local-disk 1MB");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("need an s3:// or gs:// --dest"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ExtractStorageE2eTest, ::testing::ValuesIn(StorageBackends()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace sluice::testing

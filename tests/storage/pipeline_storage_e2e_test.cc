// End-to-end test of `sluice run` with an object-store destination (issue 4 with the pipeline
// runner): a pipeline file whose destination is s3://... (Swift s3api) or gs://... (firebase
// emulator), two tables extracted from the real MariaDB, each published under PREFIX/TABLE/
// (content-addressed parts, manifest last). Every object the manifest lists is downloaded and
// its rows compared with the source through DuckDB (pqcheck); nothing unlisted is left, and a
// second run publishes the same manifest.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "runner/pipeline_test_util.h"
#include "storage/storage_e2e_backends.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

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
  std::string yaml = "name: storage_e2e\n" + PipelineTestSources(2) + "destination: " + dest +
                     "\nstaging_dir: " + dir_ + "/staging\n" +
                     "defaults:\n  fetch_rows: 500\n  retries: 2\ntables:\n"
                     "  - name: " +
                     orders + "\n    chunk_rows: 3000\n  - name: " + events +
                     "\n    chunk_rows: 2000\n";
  std::ofstream(dir_ + "/pipeline.yaml") << yaml;
  const std::string args = "run " + dir_ + "/pipeline.yaml --json";
  CommandResult run = RunSluice(args, backend.env);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
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

INSTANTIATE_TEST_SUITE_P(Backends, PipelineStorageE2eTest, ::testing::ValuesIn(StorageBackends()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace sluice::testing

// End-to-end tests of `sluice extract --dest s3://... | gs://...` against the real MariaDB and the
// object-store emulators (Swift s3api and the firebase GCS emulator, started by the
// storage_emulators CTest fixture): every object is downloaded with ObjectStore::Get and its rows
// compared with the source through pqcheck (DuckDB); the manifest is published last and lists
// exactly the uploaded parts; the local spool is emptied; a bounded spool (--max-local-disk)
// makes extraction wait; and a rerun after success uploads no part again.
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e_util.h"
#include "sluice/object_store.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The emulator endpoints of scripts/start-emulators (same variables and defaults as
// tests/storage/storage_test_env.h, whose TempDir() clashes with e2e_util.h's).
std::string Env(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}
bool SkipEmulators() { return Env("SLUICE_SKIP_EMULATORS", "0") == "1"; }
std::string S3Endpoint() { return Env("SLUICE_TEST_S3_ENDPOINT", "http://127.0.0.1:8095"); }
std::string S3Bucket() { return Env("SLUICE_TEST_S3_BUCKET", "test-bucket"); }
std::string S3AccessKey() { return Env("SLUICE_TEST_S3_ACCESS_KEY", "test:tester"); }
std::string S3SecretKey() { return Env("SLUICE_TEST_S3_SECRET_KEY", "testing"); }
std::string GcsEmulatorEndpoint() {
  return Env("SLUICE_TEST_GCS_ENDPOINT", "http://127.0.0.1:9199");
}

struct Backend {
  const char* name;
  std::string url_base;  // s3://bucket or gs://bucket
  std::string env;       // environment for the sluice process
  ObjectStoreOptions options;
};

void PrintTo(const Backend& backend, std::ostream* out) { *out << backend.name; }

std::vector<Backend> Backends() {
  std::vector<Backend> out;
  Backend s3{"s3_swift",
             "s3://" + S3Bucket(),
             "AWS_ENDPOINT_URL=" + S3Endpoint() + " AWS_ACCESS_KEY_ID=" + S3AccessKey() +
                 " AWS_SECRET_ACCESS_KEY=" + S3SecretKey() + " AWS_REGION=us-east-1",
             {}};
  s3.options.endpoint = S3Endpoint();
  s3.options.access_key_id = S3AccessKey();
  s3.options.secret_access_key = S3SecretKey();
  out.push_back(s3);
  Backend gcs{
      "gcs_emulator", "gs://test-bucket", "STORAGE_EMULATOR_HOST=" + GcsEmulatorEndpoint(), {}};
  gcs.options.endpoint = GcsEmulatorEndpoint();
  out.push_back(gcs);
  return out;
}

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
    if (SkipEmulators()) GTEST_SKIP() << "SLUICE_SKIP_EMULATORS=1";
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
  // 2,500-row chunks on two connections: 8 part files of ~60 KB; a 64 KiB spool holds about
  // one, so extraction has to wait for the uploader.
  const std::string args = "--table " + table + " --dest " + ShellQuote(dest) + " --spool " +
                           ShellQuote(spool) +
                           " --chunk-rows 2500 --jobs 2 --max-local-disk 64KB --json";
  CommandResult run = Extract(args, backend.env);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("8 files uploaded"), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(" 0 waits for spool room"), std::string::npos) << run.err;
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
}

TEST_P(ExtractStorageE2eTest, SpoolFlagsNeedAnObjectStoreDest) {
  CommandResult run = Extract("--table t --dest " + dir_ + "/local --max-local-disk 1MB");
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_NE(run.err.find("need an s3:// or gs:// --dest"), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(Backends, ExtractStorageE2eTest, ::testing::ValuesIn(Backends()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

}  // namespace
}  // namespace sluice::testing

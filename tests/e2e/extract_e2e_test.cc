// End-to-end tests of `sluice extract` through the CLI binary against the real MariaDB; every
// output is read back by DuckDB and Polars (pqcheck) and compared with the source rows.
// Reliability tests 1 (kill -9 + resume), 3 (connection KILL), 17 (independent readers) and 18
// (bad credentials / URL / names) of shared/research/reliability-tests.md live here.
#include <gtest/gtest.h>

#include <set>

#include "e2e/e2e_util.h"
#include "integration/all_types_fixture.h"

namespace sluice::testing {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// Normalises a JSON row (numbers and strings both as text) so DuckDB's and MySQL's spellings
// of the same integer compare equal.
std::string NormalizeRow(const json& row) {
  json out = json::object();
  for (auto it = row.begin(); it != row.end(); ++it) {
    if (it->is_null()) {
      out[it.key()] = nullptr;
    } else if (it->is_string()) {
      out[it.key()] = it->get<std::string>();
    } else {
      out[it.key()] = it->dump();
    }
  }
  return out.dump();
}

std::vector<std::string> LakeRows(const std::string& dir, const std::string& order_by) {
  auto result = RunShell(
      ShellQuote(Pqcheck()) + " sql " +
      ShellQuote("SELECT * FROM read_parquet('" + dir + "/*.parquet') ORDER BY " + order_by));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::vector<std::string> rows;
  std::istringstream lines(result.out);
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty()) rows.push_back(NormalizeRow(json::parse(line)));
  }
  return rows;
}

std::vector<std::string> DbRows(mysql::Connection* conn, const std::string& sql,
                                const std::vector<std::string>& names) {
  auto rows = conn->QueryRows(sql);
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> out;
  if (!rows.ok()) return out;
  for (const auto& row : *rows) {
    json object = json::object();
    for (size_t col = 0; col < names.size(); ++col) {
      object[names[col]] = row[col].has_value() ? json(*row[col]) : json(nullptr);
    }
    out.push_back(object.dump());
  }
  return out;
}

class ExtractE2eTest : public ::testing::Test {
 public:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    ASSERT_TRUE(fs::exists(Pqcheck()))
        << "pqcheck not found at " << Pqcheck() << " (run ../shared/tools/install.sh)";
  }

  // A simple keyed table: id BIGINT PK, k INT (indexed), payload VARCHAR.
  void MakeTable(const std::string& name, const std::string& select_rows, bool primary = true) {
    Exec(conn_.get(), "DROP TABLE IF EXISTS " + name);
    Exec(conn_.get(), "CREATE TABLE " + name + " (id BIGINT " +
                          (primary ? "PRIMARY KEY" : "NOT NULL") +
                          ", k INT, payload VARCHAR(64), KEY (k))");
    Exec(conn_.get(), "INSERT INTO " + name + " " + select_rows);
  }

  std::vector<std::string> SourceRows(const std::string& table) {
    return DbRows(
        conn_.get(),
        "SELECT CAST(id AS CHAR), CAST(k AS CHAR), payload FROM " + table + " ORDER BY id",
        {"id", "k", "payload"});
  }

  std::unique_ptr<mysql::Connection> conn_;
};

TEST_F(ExtractE2eTest, AllTypesMatchTheSourceOnBothReadersAndProtocols) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS all_types");
  Exec(conn_.get(), kAllTypesDdl);
  for (const auto& sql : AllTypesInserts()) Exec(conn_.get(), sql);
  std::string dir = TempDir("all_types");
  std::vector<std::string> names;
  std::vector<bool> is_bool;
  std::string select;
  for (const auto& column : AllTypesExpected()) {
    names.push_back(column.name);
    is_bool.push_back(column.is_bool);
    select += (select.empty() ? "" : ", ") + std::string(column.sql);
  }
  WriteExpectedJsonl(conn_.get(), "SELECT " + select + " FROM all_types ORDER BY id", names,
                     is_bool, dir + "/expected.jsonl");
  for (const char* protocol : {"binary", "text"}) {
    SCOPED_TRACE(protocol);
    std::string dest = dir + "/" + protocol;
    auto run = Extract("--table all_types --dest " + dest + " --json --protocol " + protocol);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    json summary = ParseJson(run.out);
    ASSERT_FALSE(summary.is_discarded()) << run.out;
    EXPECT_EQ(summary["total_rows"], 5);
    EXPECT_EQ(summary["zero_dates_as_null"], 3);
    EXPECT_GT(summary["peak_rss_bytes"].get<int64_t>(), 0);
    std::string file = dest + "/all_types/part-00000.parquet";
    ASSERT_TRUE(fs::exists(file));
    EXPECT_EQ(PqCompare(file, dir + "/expected.jsonl"), "");
    json manifest = ParseJson(ReadFile(dest + "/all_types/_manifest.json"));
    ASSERT_EQ(manifest["files"].size(), 1u);
    EXPECT_EQ(manifest["files"][0]["rows"], 5);
    EXPECT_EQ(manifest["files"][0]["sha256"].get<std::string>().size(), 64u);
    EXPECT_EQ(manifest["schema_hash"], summary["schema_hash"]);
    EXPECT_EQ(ReadFile(dest + "/all_types/_manifest.json").find("sluice:sluice"),
              std::string::npos);
  }
  // Key/value metadata and logical types as seen by DuckDB.
  json kv = PqSql(
      "SELECT map_from_entries(list({'k': decode(key), 'v': decode(value)})) AS m "
      "FROM parquet_kv_metadata('" +
      dir + "/binary/all_types/part-00000.parquet')");
  std::string kv_text = kv.dump();
  for (const char* key : {"sluice.version", "sluice.schema_hash", "sluice.source_table",
                          "sluice.query", "sluice.key_range", "sluice.time_columns"}) {
    EXPECT_NE(kv_text.find(key), std::string::npos) << key << " missing in " << kv_text;
  }
}

TEST_F(ExtractE2eTest, EmptyTableWritesNoFilesButAManifest) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS empty_t");
  Exec(conn_.get(), "CREATE TABLE empty_t (id INT PRIMARY KEY, v VARCHAR(10))");
  std::string dest = TempDir("empty");
  auto run = Extract("--table empty_t --dest " + dest + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(ParseJson(run.out)["total_rows"], 0);
  json manifest = ParseJson(ReadFile(dest + "/empty_t/_manifest.json"));
  EXPECT_EQ(manifest["files"].size(), 0u);
  EXPECT_EQ(manifest["total_rows"], 0);
  for (const auto& name : ListDir(dest + "/empty_t")) EXPECT_FALSE(name.ends_with(".parquet"));
}

TEST_F(ExtractE2eTest, LargeKeyGapsAndSkewAreExact) {
  // Three islands of ids far apart, and half the rows on one hot k value.
  MakeTable("gaps",
            "SELECT seq, IF(seq % 2 = 0, 7, seq), CONCAT('p', seq) FROM seq_1_to_3000 "
            "UNION ALL SELECT 1000000000000 + seq, seq, 'mid' FROM seq_1_to_500 "
            "UNION ALL SELECT 9000000000000000000 + seq, NULL, '😀' FROM seq_1_to_100");
  auto expected = SourceRows("gaps");
  ASSERT_EQ(expected.size(), 3600u);

  // range: fixed windows of 1,000 ids; the gaps must not create millions of empty chunks.
  std::string range_dir = TempDir("gaps_range");
  auto range =
      Extract("--table gaps --mode range --chunk-keys 1000 --dest " + range_dir + " --json");
  ASSERT_EQ(range.exit_code, 0) << range.err;
  json summary = ParseJson(range.out);
  EXPECT_LE(summary["chunks"].get<int>(), 6);
  EXPECT_EQ(LakeRows(range_dir + "/gaps", "id"), expected);

  // balanced on the skewed k: the hot value 7 (1,500 rows) is one chunk; NULL keys get theirs.
  std::string balanced_dir = TempDir("gaps_balanced");
  auto balanced =
      Extract("--table gaps --key k --chunk-rows 400 --dest " + balanced_dir + " --json --jobs 3");
  ASSERT_EQ(balanced.exit_code, 0) << balanced.err;
  summary = ParseJson(balanced.out);
  auto hot_rows = conn_->QueryValue("SELECT COUNT(*) FROM gaps WHERE k = 7");
  ASSERT_TRUE(hot_rows.ok());
  bool hot_chunk = false;
  bool null_chunk = false;
  for (const auto& file : summary["files"]) {
    if (file["key_range"] == "[7, 7]") {
      hot_chunk = true;
      EXPECT_EQ(std::to_string(file["rows"].get<int64_t>()), hot_rows->value_or(""));
    } else if (file["key_range"] == "NULL") {
      null_chunk = true;
      EXPECT_EQ(file["rows"], 100);
    } else {
      EXPECT_LE(file["rows"].get<int>(), 400) << file.dump();
    }
  }
  EXPECT_TRUE(hot_chunk) << balanced.out;
  EXPECT_TRUE(null_chunk) << balanced.out;
  EXPECT_EQ(LakeRows(balanced_dir + "/gaps", "id"), expected);
}

TEST_F(ExtractE2eTest, NoPrimaryKeyScansAndRollsFiles) {
  MakeTable("nopk", "SELECT seq, seq % 10, REPEAT('z', seq % 30) FROM seq_1_to_1000", false);
  std::string dest = TempDir("nopk");
  auto run = Extract("--table nopk --chunk-rows 300 --fetch-rows 128 --dest " + dest + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  EXPECT_EQ(summary["mode"], "scan");
  ASSERT_EQ(summary["files"].size(), 4u);
  EXPECT_EQ(summary["files"][0]["rows"], 300);
  EXPECT_EQ(summary["files"][3]["rows"], 100);
  EXPECT_EQ(LakeRows(dest + "/nopk", "id"), SourceRows("nopk"));
  // A rerun redoes the scan and keeps its plan state: a later run with other options is still
  // told to use the same options or --restart.
  auto again = Extract("--table nopk --chunk-rows 300 --fetch-rows 128 --dest " + dest);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(fs::exists(dest + "/nopk/_sluice_state.json"));
  auto changed = Extract("--table nopk --chunk-rows 200 --dest " + dest);
  EXPECT_NE(changed.exit_code, 0);
  EXPECT_NE(changed.err.find("different options"), std::string::npos) << changed.err;
  EXPECT_EQ(LakeRows(dest + "/nopk", "id"), SourceRows("nopk"));
  // An explicit keyed mode without a key is a clear error.
  auto keyed = Extract("--table nopk --mode range --dest " + TempDir("nopk2"));
  EXPECT_NE(keyed.exit_code, 0);
  EXPECT_NE(keyed.err.find("--key"), std::string::npos) << keyed.err;
}

// --file-bytes: wide rows (a 4 KB random BLOB and a 1.4 KB base64 TEXT per row) cut into files
// by their Parquet size long before --chunk-rows; every file is a valid Parquet file near the
// size, the rows add up and equal the source, and the cuts depend on the rows alone.
TEST_F(ExtractE2eTest, FileBytesRollsScanFilesBySize) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS wide");
  Exec(conn_.get(), "CREATE TABLE wide (id BIGINT PRIMARY KEY, doc BLOB, note TEXT)");
  // 64 and 16 SHA-512 digests per row: bytes no codec shrinks, text zstd shrinks by about 25%.
  Exec(conn_.get(),
       "INSERT INTO wide SELECT s.seq, "
       "(SELECT GROUP_CONCAT(UNHEX(SHA2(CONCAT(s.seq, '/', b.seq), 512)) SEPARATOR '') "
       "FROM seq_1_to_64 b), "
       "(SELECT TO_BASE64(GROUP_CONCAT(UNHEX(SHA2(CONCAT(b.seq, '-', s.seq), 512)) SEPARATOR '')) "
       "FROM seq_1_to_16 b) FROM seq_1_to_3000 s");
  const int64_t limit = 2 << 20;
  std::string dir = TempDir("file_bytes");
  auto run = Extract("--table wide --mode scan --file-bytes 2MB --dest " + dir + "/a --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  json summary = ParseJson(run.out);
  ASSERT_FALSE(summary.is_discarded()) << run.out;
  EXPECT_EQ(summary["mode"], "scan");
  EXPECT_EQ(summary["total_rows"], 3000);
  const json& files = summary["files"];
  ASSERT_GE(files.size(), 6u) << run.out;  // about 16 MB of values in 2 MB files
  int64_t rows = 0;
  for (size_t idx = 0; idx < files.size(); ++idx) {
    SCOPED_TRACE(files[idx].dump());
    int64_t bytes = files[idx]["bytes"].get<int64_t>();
    int64_t file_rows = files[idx]["rows"].get<int64_t>();
    // runner/file_roll.h: past the limit by at most two batches' estimate error (a batch is at
    // most a sixteenth of the limit in values) plus the footer; uniform rows land much closer.
    EXPECT_LE(bytes, limit + limit / 8 + (64 << 10));
    // Cut by size, not early: pages not yet compressed count at their raw size, so a file can
    // close a little under the limit, never far under it.
    if (idx + 1 < files.size()) {
      EXPECT_GE(bytes, limit * 3 / 4);
    }
    EXPECT_EQ(files[idx]["key_range"],
              "rows " + std::to_string(rows) + ".." + std::to_string(rows + file_rows - 1));
    // A complete, valid file with exactly those rows, for DuckDB and for Polars.
    std::string path = files[idx]["file"].get<std::string>();
    EXPECT_EQ(static_cast<int64_t>(fs::file_size(path)), bytes);
    json count = PqSql("SELECT count(*) AS n FROM read_parquet('" + path + "')");
    EXPECT_EQ(count["n"], file_rows);
    auto polars =
        RunShell(ShellQuote(Pqcheck()) + " rows --reader polars " + ShellQuote(path) + " | wc -l");
    EXPECT_EQ(std::stoll(polars.out), file_rows);
    rows += file_rows;
  }
  EXPECT_EQ(rows, 3000);
  // Exact data, both columns (DuckDB's hex() and MariaDB's HEX() agree on spelling).
  auto lake = RunShell(ShellQuote(Pqcheck()) + " sql " +
                       ShellQuote("SELECT id, hex(doc) AS doc, note FROM read_parquet('" + dir +
                                  "/a/wide/*.parquet') ORDER BY id"));
  ASSERT_EQ(lake.exit_code, 0) << lake.err;
  std::vector<std::string> lake_rows;
  std::istringstream lines(lake.out);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) lake_rows.push_back(NormalizeRow(json::parse(line)));
  }
  EXPECT_EQ(lake_rows,
            DbRows(conn_.get(), "SELECT CAST(id AS CHAR), HEX(doc), note FROM wide ORDER BY id",
                   {"id", "doc", "note"}));
  // The same rows give the same files (the cuts never depend on the encoder thread's timing).
  auto again = Extract("--table wide --mode scan --file-bytes 2MB --dest " + dir + "/b --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  json manifest_a = ParseJson(ReadFile(dir + "/a/wide/_manifest.json"));
  json manifest_b = ParseJson(ReadFile(dir + "/b/wide/_manifest.json"));
  EXPECT_EQ(manifest_a["files"], manifest_b["files"]);  // names, ranges, rows, bytes, sha256
  // Another --file-bytes is another plan: refused without --restart, like --chunk-rows. A rerun
  // with the same options redoes the scan (it cannot resume mid-pass) with the same cuts.
  auto other = Extract("--table wide --mode scan --file-bytes 3MB --dest " + dir + "/a");
  EXPECT_EQ(other.exit_code, 2) << other.err;
  EXPECT_NE(other.err.find("--chunk-rows/--chunk-keys/--file-bytes"), std::string::npos)
      << other.err;
  auto rerun = Extract("--table wide --mode scan --file-bytes 2MB --dest " + dir + "/a --json");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(ParseJson(ReadFile(dir + "/a/wide/_manifest.json"))["files"], manifest_a["files"]);
  // --chunk-rows still cuts first when it comes first.
  auto rows_first = Extract("--table wide --mode scan --file-bytes 1GB --chunk-rows 1000 --dest " +
                            dir + "/c --json");
  ASSERT_EQ(rows_first.exit_code, 0) << rows_first.err;
  EXPECT_EQ(ParseJson(rows_first.out)["files"].size(), 3u);
}

TEST_F(ExtractE2eTest, FileBytesIsRefusedOutsideScanMode) {
  MakeTable("fb_keyed", "SELECT seq, seq, 'x' FROM seq_1_to_10");
  std::string dir = TempDir("fb_keyed");
  // The table has an integer primary key: balanced mode by default.
  for (const char* mode : {"", "--mode balanced ", "--mode range "}) {
    SCOPED_TRACE(mode);
    auto run = Extract("--table fb_keyed " + std::string(mode) + "--file-bytes 64MB --dest " + dir);
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_NE(run.err.find("--file-bytes applies to scan mode"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("--chunk-rows (balanced) or --chunk-keys (range)"), std::string::npos)
        << run.err;
  }
  auto small = Extract("--table fb_keyed --mode scan --file-bytes 100KB --dest " + dir);
  EXPECT_EQ(small.exit_code, 2);
  EXPECT_NE(small.err.find("at least 1MB"), std::string::npos) << small.err;
  auto unit = Extract("--table fb_keyed --mode scan --file-bytes 5XB --dest " + dir);
  EXPECT_EQ(unit.exit_code, 2);
  EXPECT_NE(unit.err.find("--file-bytes '5XB': unknown unit 'XB'"), std::string::npos) << unit.err;
  EXPECT_FALSE(fs::exists(dir + "/fb_keyed"));
}

TEST_F(ExtractE2eTest, WhereColumnsQueryAndCast) {
  MakeTable("proj", "SELECT seq, seq % 3, CAST(seq * 10 AS CHAR) FROM seq_1_to_500");
  std::string dest = TempDir("proj");
  auto run = Extract(
      "--table proj --columns id,payload --where 'k = 1' --cast payload=int64 "
      "--dest " +
      dest + " --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  auto lake = LakeRows(dest + "/proj", "id");
  auto expected =
      DbRows(conn_.get(), "SELECT CAST(id AS CHAR), payload FROM proj WHERE k = 1 ORDER BY id",
             {"id", "payload"});
  EXPECT_EQ(lake, expected);
  json schema = PqSql("SELECT type FROM parquet_schema('" + dest +
                      "/proj/part-00000.parquet') WHERE name = 'payload'");
  EXPECT_EQ(schema["type"], "INT64");

  auto query = Extract("--query 'SELECT id, k FROM proj WHERE id <= 10' --table q10 --dest " +
                       dest + " --json");
  ASSERT_EQ(query.exit_code, 0) << query.err;
  EXPECT_EQ(ParseJson(query.out)["total_rows"], 10);
  EXPECT_TRUE(fs::exists(dest + "/q10/part-00000.parquet"));
}

TEST_F(ExtractE2eTest, JobsProduceIdenticalOutput) {
  // Uneven key gaps: a chunk planned by walking the index ends just before the next chunk's
  // first key, and so must a chunk cut while streaming (--jobs 1): byte-identical files.
  MakeTable("par", "SELECT seq * 3 - seq % 3, seq % 100, MD5(seq) FROM seq_1_to_20000");
  std::string one = TempDir("par1");
  std::string four = TempDir("par4");
  // Batches larger than a chunk (--fetch-rows) must not change where a streamed chunk ends.
  auto run1 =
      Extract("--table par --chunk-rows 2000 --fetch-rows 4999 --jobs 1 --dest " + one + " --json");
  auto run4 = Extract("--table par --chunk-rows 2000 --jobs 4 --dest " + four + " --json");
  ASSERT_EQ(run1.exit_code, 0) << run1.err;
  ASSERT_EQ(run4.exit_code, 0) << run4.err;
  json manifest1 = ParseJson(ReadFile(one + "/par/_manifest.json"));
  json manifest4 = ParseJson(ReadFile(four + "/par/_manifest.json"));
  EXPECT_EQ(manifest1["files"].size(), 10u);
  EXPECT_EQ(manifest1["files"], manifest4["files"]);  // names, ranges, rows, bytes, sha256
  EXPECT_EQ(LakeRows(four + "/par", "id"), SourceRows("par"));
}

// Reliability test 1: kill -9 at several points, rerun each time; the final data set equals
// the source exactly and readers never see a partial file under a final name. With --jobs 1 the
// chunks are cut while streaming (an ordered pass), with --jobs 2 planned by walking the index:
// both must resume exactly.
void KillNineThenResume(ExtractE2eTest* test, const std::string& table, const std::string& jobs) {
  test->MakeTable(table, "SELECT seq, seq % 1000, MD5(seq) FROM seq_1_to_60000");
  std::string dest = TempDir(table);
  std::string err = dest + "/stderr.txt";
  std::vector<std::string> args = {"--table",      table,  "--dest",       dest + "/lake",
                                   "--chunk-rows", "4000", "--fetch-rows", "500",
                                   "--jobs",       jobs};
  int killed_runs = 0;
  for (int delay_ms : {150, 450, 300, 800, 600}) {
    pid_t pid = StartExtract(args, {"SLUICE_DEBUG_BATCH_DELAY_MS=15"}, err);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, SIGKILL);
    int code = WaitExit(pid);
    if (code == 128 + SIGKILL) ++killed_runs;
    // Whatever is visible under a final name must be a complete, readable Parquet file.
    for (const auto& name : ListDir(dest + "/lake/" + table)) {
      if (!name.ends_with(".parquet")) continue;
      json count = PqSql("SELECT count(*) AS n FROM read_parquet('" + dest + "/lake/" + table +
                         "/" + name + "')");
      EXPECT_GT(count["n"].get<int64_t>(), 0) << name;
    }
  }
  EXPECT_GE(killed_runs, 3);
  auto final_run = Extract("--table " + table + " --dest " + dest +
                           "/lake --chunk-rows 4000 --fetch-rows 500 --jobs " + jobs + " --json");
  ASSERT_EQ(final_run.exit_code, 0) << final_run.err;
  json summary = ParseJson(final_run.out);
  EXPECT_GT(summary["chunks_reused"].get<int>(), 0) << final_run.out;
  EXPECT_EQ(summary["total_rows"], 60000);
  EXPECT_EQ(summary["chunks"], 15);
  for (const auto& name : ListDir(dest + "/lake/" + table)) {
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << "leftover temporary file " << name;
  }
  EXPECT_EQ(LakeRows(dest + "/lake/" + table, "id"), test->SourceRows(table));
  json manifest = ParseJson(ReadFile(dest + "/lake/" + table + "/_manifest.json"));
  EXPECT_EQ(manifest["total_rows"], 60000);
}

TEST_F(ExtractE2eTest, KillNineThenResumeIsExactWithPlannedChunks) {
  KillNineThenResume(this, "crash", "2");
}

TEST_F(ExtractE2eTest, KillNineThenResumeIsExactInAnOrderedPass) {
  KillNineThenResume(this, "crash_pass", "1");
}

// Reliability test 3: KILL our connection mid-stream from another session, several times; each
// killed chunk is retried from its start and the final rows are exact.
TEST_F(ExtractE2eTest, KilledConnectionsAreRetriedAndRowsExact) {
  // Rows of ~1 KB: a 10,000-row chunk (10 MB) outgrows the loopback socket buffers, so the
  // server is still streaming when the KILL lands.
  Exec(conn_.get(), "DROP TABLE IF EXISTS killme");
  Exec(conn_.get(), "CREATE TABLE killme (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(2000))");
  Exec(conn_.get(),
       "INSERT INTO killme SELECT seq, seq % 1000, REPEAT(MD5(seq), 30) "
       "FROM seq_1_to_40000");
  std::string dest = TempDir("kill");
  std::string err = dest + "/stderr.txt";
  std::string out_dir = dest + "/lake";
  pid_t pid = StartExtract({"--table", "killme", "--dest", out_dir, "--chunk-rows", "10000",
                            "--fetch-rows", "500", "--retries", "5"},
                           {"SLUICE_DEBUG_BATCH_DELAY_MS=20"}, err);
  auto watcher = ConnectTestDb();
  ASSERT_NE(watcher, nullptr);
  std::string own_ids =
      std::to_string(watcher->thread_id()) + ", " + std::to_string(conn_->thread_id());
  std::set<std::string> killed;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (killed.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    // The first KILL waits for a chunk query (planning is not retried: it runs before any
    // file is written and fails fast); later ones hit whatever connection sluice has open.
    std::string filter = killed.empty() ? "INFO LIKE 'SELECT %killme%BETWEEN%'"
                                        : "USER = 'sluice' AND DB = 'sluice_test'";
    auto rows = watcher->QueryRows("SELECT ID FROM information_schema.PROCESSLIST WHERE " + filter +
                                   " AND ID NOT IN (" + own_ids + ")");
    ASSERT_TRUE(rows.ok()) << rows.status().ToString();
    for (const auto& row : *rows) {
      if (!row[0] || killed.count(*row[0])) continue;
      std::this_thread::sleep_for(std::chrono::milliseconds(60));  // let a few batches flow
      if (watcher->Execute("KILL CONNECTION " + *row[0]).ok()) killed.insert(*row[0]);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  int code = WaitExit(pid);
  std::string stderr_text = ReadFile(err);
  ASSERT_EQ(code, 0) << stderr_text;
  EXPECT_EQ(killed.size(), 3u);
  EXPECT_NE(stderr_text.find("retrying"), std::string::npos) << stderr_text;
  EXPECT_EQ(LakeRows(out_dir + "/killme", "id"), SourceRows("killme"));
  for (const auto& name : ListDir(out_dir + "/killme")) {
    EXPECT_EQ(name.find(".tmp"), std::string::npos) << name;
  }
}

// Reliability test 4: a consumer that stalls longer than net_write_timeout. sluice raises the
// session timeout (600 s by default); here --net-timeout 1 lets the server abort the stream while
// the first attempt sleeps, and the error must surface (2013) and the chunk be retried.
TEST_F(ExtractE2eTest, StalledConsumerPastNetWriteTimeoutIsRetriedNotTruncated) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS stall");
  Exec(conn_.get(), "CREATE TABLE stall (id BIGINT PRIMARY KEY, k INT, payload VARCHAR(2000))");
  // 20,000 rows of ~1 KB: far more than the loopback socket buffers hold.
  Exec(conn_.get(),
       "INSERT INTO stall SELECT seq, seq % 7, REPEAT(MD5(seq), 30) "
       "FROM seq_1_to_20000");
  std::string dest = TempDir("stall");
  auto run = Extract(
      "--table stall --mode scan --net-timeout 1 --fetch-rows 1000 --dest " + dest + " --json",
      "SLUICE_DEBUG_BATCH_DELAY_MS=2500");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("retrying"), std::string::npos) << run.err;
  json summary = ParseJson(run.out);
  EXPECT_GE(summary["retries"].get<int>(), 1);
  EXPECT_EQ(summary["total_rows"], 20000);
  EXPECT_EQ(LakeRows(dest + "/stall", "id"), SourceRows("stall"));
}

// Reliability test 13 (small scale): peak RSS stays within --memory-limit and does not grow
// with the table: 8x the rows, same peak (within noise).
TEST_F(ExtractE2eTest, PeakMemoryIsFlatInTableSizeAndWithinTheLimit) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS mem_small");
  Exec(conn_.get(), "DROP TABLE IF EXISTS mem_large");
  for (const char* table : {"mem_small", "mem_large"}) {
    Exec(conn_.get(),
         std::string("CREATE TABLE ") + table +
             " (id BIGINT PRIMARY KEY, a DECIMAL(18,2), b VARCHAR(100), c DATETIME(6))");
  }
  Exec(conn_.get(),
       "INSERT INTO mem_small SELECT seq, seq / 7, CONCAT('row ', MD5(seq)), "
       "'2020-01-01' + INTERVAL seq SECOND FROM seq_1_to_50000");
  Exec(conn_.get(),
       "INSERT INTO mem_large SELECT seq, seq / 7, CONCAT('row ', MD5(seq)), "
       "'2020-01-01' + INTERVAL seq SECOND FROM seq_1_to_400000");
  std::string dest = TempDir("mem");
  int64_t peak[2] = {0, 0};
  int idx = 0;
  for (const char* table : {"mem_small", "mem_large"}) {
    auto run = Extract(std::string("--table ") + table +
                       " --memory-limit 64MB --chunk-rows 100000 --dest " + dest + " --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    json summary = ParseJson(run.out);
    peak[idx++] = summary["peak_rss_bytes"].get<int64_t>();
  }
  EXPECT_LT(peak[0], 64ll << 20);
  EXPECT_LT(peak[1], 64ll << 20);
  // 8x the rows: the peak may differ by allocator noise, not by the data volume.
  EXPECT_LT(peak[1], peak[0] * 5 / 4 + (8ll << 20)) << peak[0] << " vs " << peak[1];
}

// Reliability test 18: bad credentials, URL, table, column: a one-line error naming what is
// wrong, a non-zero exit, nothing written, no secret in the output.
TEST_F(ExtractE2eTest, BadInputFailsBeforeWritingAnything) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS okt");
  Exec(conn_.get(), "CREATE TABLE okt (id INT PRIMARY KEY, g POINT)");
  auto url = mysql::ParseConnectionUrl(TestMysqlUrl());
  ASSERT_TRUE(url.ok());
  std::string bad_pw_url = "mysql://" + url->user + ":Wr0ngSecret@" + url->host + ":" +
                           std::to_string(url->port) + "/" + url->database;
  struct Case {
    std::string command;
    std::string must_mention;
  };
  std::string dest = TempDir("bad") + "/out";
  std::string bin = ShellQuote(SluiceBinary()) + " extract --dest " + dest + " ";
  std::vector<Case> cases = {
      {bin + "--source " + ShellQuote(bad_pw_url) + " --table okt", "Access denied"},
      {bin + "--source 'mysql://u:Wr0ngSecret@127.0.0.1:1/db' --table okt", "cannot connect"},
      {bin + "--source 'postgres://u:Wr0ngSecret@h/db' --table okt", "scheme"},
      {bin + "--source " + ShellQuote(TestMysqlUrl()) + " --table no_such_tbl", "no_such_tbl"},
      {bin + "--source " + ShellQuote(TestMysqlUrl()) + " --table okt --columns id,nope",
       "okt.nope"},
      {bin + "--source " + ShellQuote(TestMysqlUrl()) + " --table okt", "okt.g"},
      {bin + "--source " + ShellQuote(TestMysqlUrl()) + " --table okt --columns id --key nokey",
       "nokey"},
  };
  for (const auto& test_case : cases) {
    auto run = RunShell(test_case.command);
    EXPECT_NE(run.exit_code, 0) << test_case.command;
    EXPECT_NE(run.err.find(test_case.must_mention), std::string::npos) << test_case.command << "\n"
                                                                       << run.err;
    EXPECT_EQ(run.err.find("Wr0ngSecret"), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_FALSE(fs::exists(dest)) << "something was written for " << test_case.command;
  }
  // With the unsupported column cast, the same table extracts.
  auto cast = Extract("--table okt --cast g=binary --dest " + dest);
  EXPECT_EQ(cast.exit_code, 0) << cast.err;
}

TEST_F(ExtractE2eTest, SchemaChangeOnResumeIsAClearError) {
  MakeTable("evolve", "SELECT seq, seq, 'x' FROM seq_1_to_100");
  std::string dest = TempDir("evolve");
  ASSERT_EQ(Extract("--table evolve --dest " + dest).exit_code, 0);
  Exec(conn_.get(), "ALTER TABLE evolve ADD COLUMN extra INT");
  auto rerun = Extract("--table evolve --dest " + dest);
  EXPECT_NE(rerun.exit_code, 0);
  EXPECT_NE(rerun.err.find("schema"), std::string::npos) << rerun.err;
  EXPECT_NE(rerun.err.find("--restart"), std::string::npos) << rerun.err;
  auto restarted = Extract("--table evolve --dest " + dest + " --restart --json");
  ASSERT_EQ(restarted.exit_code, 0) << restarted.err;
  EXPECT_EQ(ParseJson(restarted.out)["total_rows"], 100);
  // Rerunning a finished extract reuses every chunk and rewrites the same manifest.
  std::string before = ReadFile(dest + "/evolve/_manifest.json");
  auto again = Extract("--table evolve --dest " + dest + " --json");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(ParseJson(again.out)["chunks_reused"], ParseJson(again.out)["chunks"]);
  EXPECT_EQ(ReadFile(dest + "/evolve/_manifest.json"), before);
}

TEST_F(ExtractE2eTest, PasswordFromFileAndEnvironmentNeverInOutput) {
  MakeTable("pwt", "SELECT seq, seq, 'x' FROM seq_1_to_10");
  auto url = mysql::ParseConnectionUrl(TestMysqlUrl());
  ASSERT_TRUE(url.ok());
  std::string no_pw = "mysql://" + url->user + "@" + url->host + ":" + std::to_string(url->port) +
                      "/" + url->database;
  std::string dest = TempDir("pw");
  {
    std::ofstream out(dest + "/pw");
    out << url->password.value_or("") << "\n";
  }
  auto from_file =
      RunShell(ShellQuote(SluiceBinary()) + " extract --source " + ShellQuote(no_pw) +
               " --password-file " + dest + "/pw --table pwt --dest " + dest + "/a --json");
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  auto from_env = RunShell("SLUICE_MYSQL_PASSWORD=" + ShellQuote(url->password.value_or("")) + " " +
                           ShellQuote(SluiceBinary()) + " extract --source " + ShellQuote(no_pw) +
                           " --table pwt --dest " + dest + "/b --json");
  EXPECT_EQ(from_env.exit_code, 0) << from_env.err;
  std::string manifest = ReadFile(dest + "/b/pwt/_manifest.json");
  EXPECT_NE(manifest.find(url->user + ":***@"), std::string::npos) << manifest;
  EXPECT_EQ(manifest.find(":" + url->password.value_or("@@") + "@"), std::string::npos);
}

}  // namespace
}  // namespace sluice::testing

namespace sluice::testing {
namespace {

// Reliability test 12: the disk fills up mid-extract. The run fails with a clear error naming
// the chunk, leaves no partial file under a final name and no manifest; after space is freed,
// the same command completes with exact rows. Uses a small tmpfs (needs root, as in CI).
TEST_F(ExtractE2eTest, DiskFullFailsCleanlyAndResumesExactly) {
  MakeTable("diskfull", "SELECT seq, seq % 1000, MD5(seq) FROM seq_1_to_60000");
  std::string dest = TempDir("diskfull");
  std::string mnt = dest + "/small";
  fs::create_directories(mnt);
  auto mounted = RunShell("mount -t tmpfs -o size=600k tmpfs " + ShellQuote(mnt));
  if (mounted.exit_code != 0) GTEST_SKIP() << "cannot mount a tmpfs here: " << mounted.err;
  std::string args =
      "--table diskfull --dest " + mnt + "/lake --chunk-rows 10000 --compression none";
  auto full = Extract(args + " --retries 0");
  EXPECT_NE(full.exit_code, 0);
  EXPECT_NE(full.err.find("No space left on device"), std::string::npos) << full.err;
  EXPECT_NE(full.err.find("diskfull"), std::string::npos) << full.err;
  EXPECT_FALSE(fs::exists(mnt + "/lake/diskfull/_manifest.json"));
  for (const auto& name : ListDir(mnt + "/lake/diskfull")) {
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "partial file left: " << name;
    if (!name.ends_with(".parquet")) continue;
    json count =
        PqSql("SELECT count(*) AS n FROM read_parquet('" + mnt + "/lake/diskfull/" + name + "')");
    EXPECT_GT(count["n"].get<int64_t>(), 0) << name;
  }
  // Free space (tmpfs keeps its files across a remount) and run the same command again.
  ASSERT_EQ(RunShell("mount -o remount,size=64m " + ShellQuote(mnt)).exit_code, 0);
  auto rerun = Extract(args + " --json");
  EXPECT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(LakeRows(mnt + "/lake/diskfull", "id"), SourceRows("diskfull"));
  RunShell("umount " + ShellQuote(mnt));
}

}  // namespace
}  // namespace sluice::testing

// Which files a directory table is made of: the manifest's list when sluice published the
// directory, else every Parquet file except hidden ones ('_' or '.' names, e.g. _rejects/).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "engine/query_engine.h"
#include "engine_test_util.h"

namespace sluice::engine {
namespace {

namespace fs = std::filesystem;

void WriteParquet(const std::string& path, int value) {
  fs::create_directories(fs::path(path).parent_path());
  QueryEngine engine(QueryOptions{});
  auto sink = MakeParquetSink(path);
  ASSERT_TRUE(
      engine.Execute("SELECT CAST(" + std::to_string(value) + " AS BIGINT) AS x", sink.get()).ok());
}

class TableSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sluice_table_source_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    WriteParquet(dir_ / "part-00000.parquet", 1);
    WriteParquet(dir_ / "part-00001.parquet", 2);        // not committed (absent from the manifest)
    WriteParquet(dir_ / "_rejects" / "r.parquet", 100);  // rejected rows (another schema)
    WriteParquet(dir_ / "nested" / "p.parquet", 10);     // a partition subdirectory
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Sum() {
    auto lines = testing::RunSql("SELECT sum(x) AS s FROM read_parquet('" + dir_.string() + "')");
    if (!lines.ok()) return lines.status().ToString();
    return lines->empty() ? "" : (*lines)[0];
  }

  fs::path dir_;
};

TEST_F(TableSourceTest, WithoutAManifestHiddenFilesAreSkipped) { EXPECT_EQ(Sum(), R"({"s":13})"); }

TEST_F(TableSourceTest, AManifestListsExactlyTheTablesFiles) {
  std::ofstream(dir_ / "_manifest.json")
      << R"({"files":[{"chunk":0,"file":"part-00000.parquet"},{"chunk":1,"file":""}]})";
  EXPECT_EQ(Sum(), R"({"s":1})");
}

TEST_F(TableSourceTest, ABrokenManifestIsAnErrorNamingIt) {
  std::ofstream(dir_ / "_manifest.json") << "{not json";
  EXPECT_NE(Sum().find("_manifest.json is not a sluice manifest"), std::string::npos) << Sum();
  std::ofstream(dir_ / "_manifest.json") << R"({"files":[{"file":"../escape.parquet"}]})";
  EXPECT_NE(Sum().find("outside its directory"), std::string::npos) << Sum();
}

}  // namespace
}  // namespace sluice::engine

// Every file in ../shared/testdata/parquet-bad (from apache/parquet-testing bad_data/) must make
// the reader fail with a clean error, except the few that lenient readers accept, for which
// reading them is also fine. The point is: no crash, no hang, no huge allocation (the ASan
// build and the fuzz target cover the same ground).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "sluice/parquet_reader.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

Status ReadEverything(const std::string& path) {
  SLUICE_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(path));
  std::vector<int> all;
  for (int col = 0; col < reader->schema().num_columns(); ++col) all.push_back(col);
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    SLUICE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(rg, all));
    (void)batch;
  }
  return Status::OK();
}

TEST(BrokenFilesTest, SharedCorpusFailsCleanly) {
  fs::path dir = fs::path(SLUICE_SOURCE_DIR) / ".." / "shared" / "testdata" / "parquet-bad";
  ASSERT_TRUE(fs::exists(dir)) << dir;
  // DuckDB and Polars read these; reading them correctly or refusing them are both accepted.
  const std::set<std::string> lenient = {"ARROW-GH-43605.parquet", "ARROW-GH-45185.parquet",
                                         "ARROW-RS-GH-6229-LEVELS.parquet"};
  int files = 0;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".parquet") continue;
    ++files;
    std::string name = entry.path().filename().string();
    Status st = ReadEverything(entry.path().string());
    if (lenient.count(name)) {
      if (!st.ok()) EXPECT_FALSE(st.message().empty()) << name;
      continue;
    }
    EXPECT_FALSE(st.ok()) << name << " was accepted";
    EXPECT_TRUE(st.code() == StatusCode::kCorruption || st.code() == StatusCode::kNotSupported)
        << name << ": " << st.ToString();
    // The error names the file so a user can find it among thousands.
    EXPECT_NE(st.message().find(name), std::string::npos) << st.ToString();
  }
  EXPECT_GE(files, 8);
}

TEST(BrokenFilesTest, NotParquetAtAll) {
  fs::path path = fs::temp_directory_path() / "sluice_not_parquet.txt";
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    std::fputs("id,name\n1,alice\n2,bob\n", f);
    std::fclose(f);
  }
  Status st = ReadEverything(path.string());
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("not a Parquet file"), std::string::npos) << st.ToString();
  fs::remove(path);
  EXPECT_EQ(ReadEverything("/nonexistent/file.parquet").code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace sluice

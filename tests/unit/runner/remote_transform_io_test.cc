// RemoteTransformIo over the local object store (the same code path as s3:// and gs://; the
// real stores are covered by tests/storage/pipeline_storage_e2e_test.cc): the names a transform
// reads, verified copies of exactly the files a manifest lists, reuse of matching copies,
// corrupt objects and missing manifests reported by name, and the output upload.
#include "runner/pipeline/remote_transform_io.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/sha256.h"

namespace sluice::runner::pipeline {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

class RemoteTransformIoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = (fs::temp_directory_path() / ("remote_transform_io_" + std::to_string(::getpid())))
                .string();
    fs::remove_all(root_);
    fs::create_directories(root_ + "/store/orders");
  }
  void TearDown() override { fs::remove_all(root_); }

  // Stores `files` (name -> bytes) under store/orders with a manifest that lists them.
  void Publish(const std::map<std::string, std::string>& files) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, bytes] : files) {
      std::ofstream(root_ + "/store/orders/" + name, std::ios::binary) << bytes;
      list.push_back({{"file", name},
                      {"bytes", static_cast<int64_t>(bytes.size())},
                      {"sha256", Sha256Hex(bytes)}});
    }
    std::ofstream(root_ + "/store/orders/_manifest.json") << nlohmann::json{{"files", list}}.dump();
  }

  std::string root_;
};

TEST(NamesReadByTest, JoinsSubqueriesAndCtesButNotReadParquet) {
  auto names = NamesReadBy(
      "WITH recent AS (SELECT * FROM Orders WHERE id > 5) SELECT c.segment, count(*) FROM "
      "customers c JOIN recent r ON c.id = r.customer_id LEFT JOIN (SELECT * FROM items) i ON "
      "i.id = r.id JOIN read_parquet('x/*.parquet') p ON p.id = c.id GROUP BY 1");
  ASSERT_TRUE(names.ok()) << names.status().ToString();
  EXPECT_EQ(names->tables, (std::set<std::string>{"orders", "customers", "recent", "items"}));
  EXPECT_EQ(names->ctes, (std::set<std::string>{"recent"}));
  EXPECT_FALSE(NamesReadBy("SELEC 1").ok());
}

TEST_F(RemoteTransformIoTest, CopiesExactlyTheListedFilesVerifiedAndReusesThem) {
  Publish({{"part-00000-aa.parquet", "first"}, {"part-00001-bb.parquet", "second part"}});
  std::ofstream(root_ + "/store/orders/part-00009-old.parquet") << "not listed";
  auto io = RemoteTransformIo::Open(root_ + "/store", root_ + "/staging");
  ASSERT_TRUE(io.ok()) << io.status().ToString();
  // A stale file of an earlier version in the cache is removed.
  fs::create_directories(root_ + "/staging/_transform_inputs/orders");
  std::ofstream(root_ + "/staging/_transform_inputs/orders/part-00007-zz.parquet") << "stale";
  auto dir = (*io)->LocalTable("orders");
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(*dir, root_ + "/staging/_transform_inputs/orders");
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(*dir)) {
    names.insert(entry.path().filename().string());
  }
  EXPECT_EQ(names, (std::set<std::string>{"part-00000-aa.parquet", "part-00001-bb.parquet"}));
  EXPECT_EQ(ReadAll(*dir + "/part-00001-bb.parquet"), "second part");
  EXPECT_EQ((*io)->bytes_downloaded(), 5 + 11);

  // A second instance (a rerun) reuses the matching copies and downloads nothing.
  auto again = RemoteTransformIo::Open(root_ + "/store", root_ + "/staging");
  ASSERT_TRUE(again.ok());
  ASSERT_TRUE((*again)->LocalTable("orders").ok());
  EXPECT_EQ((*again)->bytes_downloaded(), 0);
  EXPECT_EQ((*again)->files_reused(), 2);

  ASSERT_TRUE((*again)->RemoveInputs().ok());
  EXPECT_FALSE(fs::exists(root_ + "/staging/_transform_inputs"));
}

TEST_F(RemoteTransformIoTest, CorruptObjectAndMissingManifestAreNamed) {
  Publish({{"part-00000-aa.parquet", "first"}});
  std::ofstream(root_ + "/store/orders/part-00000-aa.parquet") << "firsT";  // same size
  auto io = RemoteTransformIo::Open(root_ + "/store", root_ + "/staging");
  ASSERT_TRUE(io.ok());
  auto corrupt = (*io)->LocalTable("orders");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kCorruption);
  EXPECT_NE(corrupt.status().message().find("table orders"), std::string::npos);
  EXPECT_NE(corrupt.status().message().find("orders/part-00000-aa.parquet"), std::string::npos)
      << corrupt.status().ToString();
  EXPECT_FALSE(fs::exists(root_ + "/staging/_transform_inputs/orders/part-00000-aa.parquet"));

  auto missing = (*io)->LocalTable("customers");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("table customers is not published"), std::string::npos)
      << missing.status().ToString();
  EXPECT_NE(missing.status().message().find("customers/_manifest.json"), std::string::npos);
}

TEST_F(RemoteTransformIoTest, UploadsTheOutputAndDeletesTheLocalFile) {
  auto io = RemoteTransformIo::Open(root_ + "/store", root_ + "/staging");
  ASSERT_TRUE(io.ok());
  std::string local = (*io)->LocalOutput("marts/x.parquet");
  fs::create_directories(fs::path(local).parent_path());
  std::ofstream(local, std::ios::binary) << "result bytes";
  ASSERT_TRUE((*io)->UploadOutput("marts/x.parquet").ok());
  EXPECT_EQ(ReadAll(root_ + "/store/marts/x.parquet"), "result bytes");
  EXPECT_FALSE(fs::exists(local));
  EXPECT_NE((*io)->OutputUrl("marts/x.parquet").find("marts/x.parquet"), std::string::npos);
}

}  // namespace
}  // namespace sluice::runner::pipeline

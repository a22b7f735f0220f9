// Unit tests of runner::ChunkUploader against the local-directory ObjectStore: files are
// uploaded and their spool copies deleted, an identical object is skipped, a bounded spool makes
// Enqueue() wait, and an upload error surfaces on Finish() and on later Enqueue() calls.
#include "runner/chunk_uploader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/sha256.h"
#include "storage/table_publisher.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

class ChunkUploaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = ::testing::TempDir() + "chunk_uploader_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(root_);
    fs::create_directories(root_ + "/spool/t");
    fs::create_directories(root_ + "/remote");
    auto store = ObjectStore::Open(root_ + "/remote");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
  }
  void TearDown() override { fs::remove_all(root_); }

  // Writes spool/t/NAME with `bytes` bytes; returns its sha256.
  std::string MakeFile(const std::string& name, size_t bytes, char fill) {
    std::string data(bytes, fill);
    std::ofstream(root_ + "/spool/t/" + name, std::ios::binary) << data;
    Sha256 hash;
    hash.Update(data.data(), data.size());
    return hash.HexDigest();
  }
  std::string ReadRemote(const std::string& key) {
    auto data = store_->Get(key);
    EXPECT_TRUE(data.ok()) << data.status().ToString();
    return data.ok() ? *data : "";
  }

  std::string root_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_F(ChunkUploaderTest, UploadsDeletesLocalAndSkipsIdenticalObjects) {
  std::string sha3;
  {
    ChunkUploader uploader(store_.get(), root_ + "/spool/t", "t", 0);
    for (int index = 0; index < 5; ++index) {
      std::string name = "part-0000" + std::to_string(index) + ".parquet";
      std::string sha = MakeFile(name, 1000 + static_cast<size_t>(index), 'a' + index);
      ASSERT_TRUE(uploader.Enqueue(name, 1000 + index, sha).ok());
      if (index == 3) sha3 = sha;
    }
    ASSERT_TRUE(uploader.Finish().ok());
    UploaderStats stats = uploader.stats();
    EXPECT_EQ(stats.files_uploaded, 5);
    EXPECT_EQ(stats.files_skipped, 0);
    EXPECT_EQ(stats.bytes_uploaded, 1000 + 1001 + 1002 + 1003 + 1004);
  }
  EXPECT_TRUE(fs::is_empty(root_ + "/spool/t"));
  // Objects are stored under content-addressed names (storage::PublishedName).
  EXPECT_EQ(ReadRemote("t/part-00003-" + sha3.substr(0, 16) + ".parquet"), std::string(1003, 'd'));

  // Same content again: skipped (and the spool copy still deleted); changed content: uploaded.
  ChunkUploader again(store_.get(), root_ + "/spool/t", "t", 0);
  std::string same = MakeFile("part-00000.parquet", 1000, 'a');
  std::string changed = MakeFile("part-00001.parquet", 1001, 'z');
  ASSERT_TRUE(again.Enqueue("part-00000.parquet", 1000, same).ok());
  ASSERT_TRUE(again.Enqueue("part-00001.parquet", 1001, changed).ok());
  ASSERT_TRUE(again.Finish().ok());
  EXPECT_EQ(again.stats().files_skipped, 1);
  EXPECT_EQ(again.stats().files_uploaded, 1);
  EXPECT_EQ(ReadRemote("t/" + storage::PublishedName("part-00001.parquet", changed)),
            std::string(1001, 'z'));
  EXPECT_TRUE(fs::is_empty(root_ + "/spool/t"));
}

// A part already stored (identical bytes) without this run's resume record: the record is
// written as an object of its own (the local store keeps no metadata, like a part stored by
// another run with another record).
TEST_F(ChunkUploaderTest, RecordOfAnAlreadyStoredPartGoesIntoItsOwnObject) {
  std::string sha = MakeFile("part-00000.parquet", 1000, 'a');
  {
    ChunkUploader first(store_.get(), root_ + "/spool/t", "t", 0);
    ASSERT_TRUE(first.Enqueue("part-00000.parquet", 1000, sha).ok());
    ASSERT_TRUE(first.Finish().ok());
  }
  EXPECT_EQ(store_->Head("t/_sluice/chunks/part-00000.json").status().code(),
            StatusCode::kNotFound);
  MakeFile("part-00000.parquet", 1000, 'a');
  ChunkUploader again(store_.get(), root_ + "/spool/t", "t", 0);
  ChunkRecord record{"{\"c\":0}", "{\"chunk\":0}", "t/_sluice/chunks/part-00000.json"};
  ASSERT_TRUE(again.Enqueue("part-00000.parquet", 1000, sha, record).ok());
  ASSERT_TRUE(again.Finish().ok());
  EXPECT_EQ(again.stats().files_skipped, 1);
  EXPECT_EQ(ReadRemote("t/_sluice/chunks/part-00000.json"), "{\"chunk\":0}");
  EXPECT_EQ(again.verified().size(), 1u);
}

TEST_F(ChunkUploaderTest, BoundedSpoolMakesEnqueueWaitButNeverDeadlocks) {
  // 2,500-byte limit, 1,000-byte files: at most two queued at once; a 10,000-byte file (larger
  // than the whole limit) is still accepted once the spool is empty.
  ChunkUploader uploader(store_.get(), root_ + "/spool/t", "t", 2500);
  for (int index = 0; index < 8; ++index) {
    std::string name = "part-0000" + std::to_string(index) + ".parquet";
    std::string sha = MakeFile(name, 1000, 'a' + index);
    ASSERT_TRUE(uploader.Enqueue(name, 1000, sha).ok());
  }
  std::string big = MakeFile("part-00008.parquet", 10000, 'q');
  ASSERT_TRUE(uploader.Enqueue("part-00008.parquet", 10000, big).ok());
  ASSERT_TRUE(uploader.Finish().ok());
  UploaderStats stats = uploader.stats();
  EXPECT_EQ(stats.files_uploaded, 9);
  EXPECT_LE(stats.peak_spool_bytes, 10000);
  EXPECT_GE(stats.peak_spool_bytes, 1000);
  EXPECT_TRUE(fs::is_empty(root_ + "/spool/t"));
}

TEST_F(ChunkUploaderTest, UploadErrorSurfacesOnFinishAndLaterEnqueue) {
  ChunkUploader uploader(store_.get(), root_ + "/spool/t", "t", 0);
  // The file does not exist in the spool: its upload fails.
  ASSERT_TRUE(uploader.Enqueue("part-00000.parquet", 10, std::string(64, '0')).ok());
  Status finished = uploader.Finish();
  ASSERT_FALSE(finished.ok());
  EXPECT_NE(finished.ToString().find("part-00000.parquet"), std::string::npos)
      << finished.ToString();
  std::string sha = MakeFile("part-00001.parquet", 10, 'x');
  EXPECT_FALSE(uploader.Enqueue("part-00001.parquet", 10, sha).ok());
  EXPECT_FALSE(fs::exists(root_ + "/remote/t/part-00001.parquet"));
}

}  // namespace
}  // namespace sluice::runner

// One conformance suite for every ObjectStore backend: local directory, S3 (OpenStack Swift +
// s3api: real SigV4 and Content-MD5 checks, real multipart), GCS (firebase-tools Storage
// emulator: media/multipart/single-request resumable) and the in-repo fake GCS (chunked
// resumable uploads, checksum and precondition enforcement). Each backend gets the same tests;
// what differs is declared in Backend (e.g. whether the server enforces if_absent).
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/sha256.h"
#include "sluice/object_store.h"
#include "storage/hashing.h"
#include "storage/table_publisher.h"
#include "storage_test_env.h"

namespace sluice {
namespace {

using testing::RandomBytes;

struct Backend {
  std::string name;
  bool needs_emulator = false;
  bool enforces_if_absent = false;
  std::function<Result<std::unique_ptr<ObjectStore>>(const std::string& prefix)> open;
};

testing::ChildServer& FakeGcs() {
  static testing::ChildServer server({"python3", testing::EmulatorScript("fake_gcs.py"), "0"});
  return server;
}

std::vector<Backend> Backends() {
  std::vector<Backend> out;
  out.push_back({"local", false, true, [](const std::string& prefix) {
                   static const std::string root = testing::TempDir("conformance");
                   ObjectStoreOptions options;
                   return ObjectStore::Open(root + "/" + prefix, options);
                 }});
  out.push_back({"s3_swift", true, false, [](const std::string& prefix) {
                   ObjectStoreOptions options;
                   options.endpoint = testing::S3Endpoint();
                   options.access_key_id = testing::S3AccessKey();
                   options.secret_access_key = testing::S3SecretKey();
                   // Swift enforces S3's 5 MiB minimum part: 5 MiB parts, 6 MiB threshold.
                   options.part_size = 5 << 20;
                   options.multipart_threshold = 6 << 20;
                   options.retries = 2;
                   return ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix, options);
                 }});
  out.push_back({"gcs_emulator", true, false, [](const std::string& prefix) {
                   ObjectStoreOptions options;
                   options.endpoint = testing::GcsEmulatorEndpoint();
                   // The firebase emulator finalizes a resumable upload at its first chunk, so
                   // resumable uploads are sent as one request there (chunks: fake_gcs).
                   options.multipart_threshold = 1 << 20;
                   options.part_size = 64 << 20;
                   options.retries = 2;
                   return ObjectStore::Open("gs://test-bucket/" + prefix, options);
                 }});
  out.push_back({"gcs_fake", false, true, [](const std::string& prefix) {
                   ObjectStoreOptions options;
                   options.endpoint = FakeGcs().url();
                   options.multipart_threshold = 1 << 20;
                   options.part_size = 256 << 10;  // the smallest legal chunk: many chunks
                   options.retries = 2;
                   return ObjectStore::Open("gs://test-bucket/" + prefix, options);
                 }});
  return out;
}

class ObjectStoreConformance : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    const Backend& backend = GetParam();
    std::string test_name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    for (char& c : test_name) {
      if (c == '/') c = '_';
    }
    prefix_ = testing::RunPrefix() + "/" + test_name;
    auto store = backend.open(prefix_);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(store).value();
    if (backend.needs_emulator) {
      auto probe = store_->List("");
      if (!probe.ok() && probe.status().code() == StatusCode::kUnavailable) {
        if (testing::SkipEmulators()) GTEST_SKIP() << "SLUICE_SKIP_EMULATORS=1";
        FAIL() << backend.name << " emulator not reachable (" << probe.status().ToString()
               << "): run scripts/start-emulators, or set SLUICE_SKIP_EMULATORS=1";
      }
    }
  }

  std::string prefix_;
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreConformance, PutGetHeadDelete) {
  std::string data = "hello, object store";
  auto put = store_->Put("a/b.txt", data);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, static_cast<int64_t>(data.size()));
  EXPECT_EQ(put->sha256_hex, Sha256Hex(data));

  auto got = store_->Get("a/b.txt");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, data);

  auto head = store_->Head("a/b.txt");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, static_cast<int64_t>(data.size()));
  EXPECT_EQ(head->sha256_hex, Sha256Hex(data));
  if (!head->md5_hex.empty()) EXPECT_EQ(head->md5_hex, storage::HexEncode(storage::Md5Raw(data)));

  ASSERT_TRUE(store_->Delete("a/b.txt").ok());
  EXPECT_EQ(store_->Head("a/b.txt").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->Get("a/b.txt").status().code(), StatusCode::kNotFound);
  // Deleting a missing object is not an error (retried deletes must be idempotent).
  EXPECT_TRUE(store_->Delete("a/b.txt").ok());
}

TEST_P(ObjectStoreConformance, EmptyObject) {
  ASSERT_TRUE(store_->Put("empty", "").ok());
  auto got = store_->Get("empty");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "");
  auto head = store_->Head("empty");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->size, 0);
}

TEST_P(ObjectStoreConformance, LargeFileUsesMultipartOrResumable) {
  // 11 MiB + 123 bytes: 3 S3 parts, dozens of 256 KiB GCS chunks, a ragged last piece.
  std::string data = RandomBytes((11 << 20) + 123, 42);
  std::string dir = testing::TempDir("large");
  testing::WriteFile(dir + "/big.bin", data);
  auto put = store_->PutFile("big.bin", dir + "/big.bin");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->size, static_cast<int64_t>(data.size()));
  auto head = store_->Head("big.bin");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->size, static_cast<int64_t>(data.size()));
  EXPECT_EQ(head->sha256_hex, Sha256Hex(data));
  auto got = store_->Get("big.bin");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_TRUE(*got == data) << "downloaded bytes differ";
  auto pending = store_->ListPendingUploads("");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty()) << "multipart upload left behind";
  std::filesystem::remove_all(dir);
}

TEST_P(ObjectStoreConformance, GetRange) {
  std::string data = RandomBytes(100'000, 7);
  ASSERT_TRUE(store_->Put("r", data).ok());
  auto middle = store_->GetRange("r", 1000, 500);
  ASSERT_TRUE(middle.ok()) << middle.status().ToString();
  EXPECT_EQ(*middle, data.substr(1000, 500));
  auto tail = store_->GetRange("r", 99'990, 100);
  ASSERT_TRUE(tail.ok()) << tail.status().ToString();
  EXPECT_EQ(*tail, data.substr(99'990));
  auto past = store_->GetRange("r", 200'000, 10);
  ASSERT_TRUE(past.ok()) << past.status().ToString();
  EXPECT_EQ(*past, "");
}

TEST_P(ObjectStoreConformance, ListIsPrefixedAndSorted) {
  for (const char* key : {"t/b", "t/a", "t/with space+plus", "u/x", "t2/y"}) {
    ASSERT_TRUE(store_->Put(key, key).ok()) << key;
  }
  auto listed = store_->List("t/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  std::vector<std::string> keys;
  for (const auto& info : *listed) keys.push_back(info.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"t/a", "t/b", "t/with space+plus"}));
  EXPECT_EQ((*listed)[0].size, 3);
  auto all = store_->List("");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 5u);
}

TEST_P(ObjectStoreConformance, OverwriteReplaces) {
  ASSERT_TRUE(store_->Put("o", "first version").ok());
  ASSERT_TRUE(store_->Put("o", "second").ok());
  auto got = store_->Get("o");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "second");
  auto head = store_->Head("o");
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(head->sha256_hex, Sha256Hex("second"));
}

TEST_P(ObjectStoreConformance, IfAbsentRefusesToOverwrite) {
  if (!GetParam().enforces_if_absent) {
    GTEST_SKIP() << GetParam().name << " does not enforce create-only preconditions";
  }
  PutOptions create_only;
  create_only.if_absent = true;
  ASSERT_TRUE(store_->Put("once", "winner", create_only).ok());
  auto second = store_->Put("once", "loser", create_only);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.status().message().find("conflict"), std::string::npos)
      << second.status().ToString();
  auto got = store_->Get("once");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, "winner");
}

TEST_P(ObjectStoreConformance, UserMetadataRoundTrips) {
  PutOptions put;
  put.metadata["sluice-chunk"] = "eyJjaHVuayI6M30=";  // base64, as the resume records are
  ASSERT_TRUE(store_->Put("meta", "with metadata", put).ok());
  auto head = store_->Head("meta");
  ASSERT_TRUE(head.ok()) << head.status().ToString();
  EXPECT_EQ(head->sha256_hex, Sha256Hex("with metadata"));
  if (GetParam().name == "local") {
    EXPECT_TRUE(head->metadata.empty());  // the local store keeps no metadata
  } else {
    EXPECT_EQ(head->metadata, put.metadata);
  }
}

TEST_P(ObjectStoreConformance, IfMatchIsCompareAndSwap) {
  PutOptions conditional;
  conditional.if_match = "0123";
  auto unsupported = store_->Put("cas", "v0", conditional);
  if (!GetParam().enforces_if_absent) {
    // Swift's s3api answers 501 (kNotSupported); the firebase emulator ignores preconditions.
    EXPECT_TRUE(unsupported.ok() || unsupported.status().code() == StatusCode::kNotSupported)
        << unsupported.status().ToString();
    GTEST_SKIP() << GetParam().name << " does not enforce preconditions";
  }
  EXPECT_TRUE(IsConflict(unsupported.status())) << unsupported.status().ToString();  // absent
  auto first = store_->Put("cas", "v1");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  auto head = store_->Head("cas");
  ASSERT_TRUE(head.ok());
  conditional.if_match = head->version();
  ASSERT_TRUE(store_->Put("cas", "v2", conditional).ok());
  auto stale = store_->Put("cas", "v3", conditional);  // the version moved on with v2
  EXPECT_TRUE(IsConflict(stale.status())) << stale.status().ToString();
  EXPECT_EQ(store_->Get("cas").ValueOrDie(), "v2");
}

// Builds DIR/TABLE with `files` and a manifest in `sluice extract`'s format.
std::string MakeTable(const std::string& root, const std::map<std::string, std::string>& files) {
  std::string dir = root + "/orders";
  nlohmann::json list = nlohmann::json::array();
  int chunk = 0;
  for (const auto& [name, data] : files) {
    testing::WriteFile(dir + "/" + name, data);
    list.push_back({{"file", name},
                    {"chunk", chunk++},
                    {"rows", 1},
                    {"bytes", data.size()},
                    {"sha256", Sha256Hex(data)}});
  }
  nlohmann::json manifest = {{"table", "orders"}, {"files", list}};
  testing::WriteFile(dir + "/_manifest.json", manifest.dump(2));
  testing::WriteFile(dir + "/_sluice_progress.jsonl", "{}\n");  // local state: never uploaded
  return dir;
}

TEST_P(ObjectStoreConformance, PublishTableResumesAndCleansUp) {
  std::string root = testing::TempDir("publish");
  std::map<std::string, std::string> files = {{"part-00000.parquet", RandomBytes(1000, 1)},
                                              {"part-00001.parquet", RandomBytes(7 << 20, 2)},
                                              {"part-00002.parquet", RandomBytes(10, 3)}};
  std::string dir = MakeTable(root, files);
  // A stale object from an earlier attempt that the manifest does not list.
  ASSERT_TRUE(store_->Put("orders/part-00099.parquet", "stale").ok());

  auto first = storage::PublishTable(store_.get(), dir, "orders", {});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->files_uploaded, 3);
  EXPECT_EQ(first->stale_deleted, 1);
  auto listed = store_->List("orders/");
  ASSERT_TRUE(listed.ok());
  std::vector<std::string> keys;
  for (const auto& info : *listed) keys.push_back(info.key);
  // Parts are stored under content-addressed names, which the remote manifest lists.
  std::vector<std::string> expected_keys = {"orders/_manifest.json"};
  for (const auto& [name, data] : files) {
    expected_keys.push_back("orders/" + storage::PublishedName(name, Sha256Hex(data)));
  }
  EXPECT_EQ(keys, expected_keys);
  EXPECT_EQ(first->keys, std::vector<std::string>(expected_keys.begin() + 1, expected_keys.end()));
  for (const auto& [name, data] : files) {
    auto head = store_->Head("orders/" + storage::PublishedName(name, Sha256Hex(data)));
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sha256_hex, Sha256Hex(data)) << name;
  }
  auto remote_manifest = store_->Get("orders/_manifest.json");
  ASSERT_TRUE(remote_manifest.ok());
  auto listed_files = storage::ParseManifestFiles(*remote_manifest, "remote");
  ASSERT_TRUE(listed_files.ok()) << listed_files.status().ToString();
  ASSERT_EQ(listed_files->size(), 3u);
  EXPECT_EQ("orders/" + (*listed_files)[1].file, expected_keys[2]);

  // Rerun: everything already there with the same checksum is skipped; --delete-local removes
  // the local parts only after they are known to be published.
  storage::PublishOptions options;
  options.delete_local = true;
  auto second = storage::PublishTable(store_.get(), dir, "orders", options);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->files_uploaded, 0);
  EXPECT_EQ(second->files_skipped, 3);
  EXPECT_FALSE(std::filesystem::exists(dir + "/part-00000.parquet"));
  EXPECT_TRUE(std::filesystem::exists(dir + "/_manifest.json"));

  // A third run with the local parts gone still succeeds: they are published already.
  auto third = storage::PublishTable(store_.get(), dir, "orders", {});
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->files_skipped, 3);
  std::filesystem::remove_all(root);
}

TEST_P(ObjectStoreConformance, PublishRejectsLocalFileThatDiffersFromManifest) {
  std::string root = testing::TempDir("publish-bad");
  std::string dir = MakeTable(root, {{"part-00000.parquet", "good bytes"}});
  testing::WriteFile(dir + "/part-00000.parquet", "evil bytes");  // same size, other content
  auto report = storage::PublishTable(store_.get(), dir, "orders", {});
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption);
  EXPECT_NE(report.status().message().find("part-00000.parquet"), std::string::npos);
  // Nothing was committed: no manifest remotely.
  EXPECT_EQ(store_->Head("orders/_manifest.json").status().code(), StatusCode::kNotFound);
  std::filesystem::remove_all(root);
}

// Reliability test 10: two runs publish the same table at once, with different data. Where the
// store enforces preconditions exactly one wins, the other reports a conflict, and every file the
// manifest lists is stored with its sha256; on every store the committed manifest lists only one
// run's files.
TEST_P(ObjectStoreConformance, ConcurrentPublishersNeverMixFiles) {
  std::string root = testing::TempDir("publish-race");
  for (int round = 0; round < 4; ++round) {
    std::string table = "race" + std::to_string(round);
    std::vector<std::string> dirs;
    for (int run = 0; run < 2; ++run) {
      // part-00000 differs between the runs, part-00001 is identical.
      std::string dir = MakeTable(root + "/run" + std::to_string(run) + "-" + table,
                                  {{"part-00000.parquet", RandomBytes(3000, 10 + run)},
                                   {"part-00001.parquet", RandomBytes(2000, 7)}});
      dirs.push_back(dir);
    }
    std::vector<Status> results(2);
    std::vector<std::string> warnings;
    std::mutex warnings_mutex;
    // "At once": both runs began (saw the manifest) before either commits.
    auto base = storage::ObserveManifest(store_.get(), table + "/_manifest.json");
    ASSERT_TRUE(base.ok()) << base.status().ToString();
    std::vector<std::thread> runs;
    for (int run = 0; run < 2; ++run) {
      runs.emplace_back([&, run] {
        storage::PublishOptions options;
        options.base = *base;
        options.on_warning = [&](const std::string& text) {
          std::lock_guard<std::mutex> lock(warnings_mutex);
          warnings.push_back(text);
        };
        results[run] = storage::PublishTable(store_.get(), dirs[run], table, options).status();
      });
    }
    for (auto& thread : runs) thread.join();
    int wins = 0;
    for (const auto& status : results) {
      if (status.ok()) {
        ++wins;
      } else {
        EXPECT_TRUE(IsConflict(status)) << status.ToString();
        EXPECT_NE(status.message().find("another run published"), std::string::npos)
            << status.ToString();
      }
    }
    if (GetParam().enforces_if_absent) {
      EXPECT_EQ(wins, 1) << "round " << round;
    } else {
      EXPECT_GE(wins, 1) << "round " << round;
    }
    auto manifest = store_->Get(table + "/_manifest.json");
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    auto listed = storage::ParseManifestFiles(*manifest, "remote");
    ASSERT_TRUE(listed.ok()) << listed.status().ToString();
    ASSERT_EQ(listed->size(), 2u);
    // Both entries come from the same run: the run whose local manifest has that part-00000.
    std::string local0 = testing::ReadFile(dirs[0] + "/_manifest.json");
    std::string local1 = testing::ReadFile(dirs[1] + "/_manifest.json");
    std::string first_sha = (*listed)[0].sha256;
    bool from0 = local0.find(first_sha) != std::string::npos;
    bool from1 = local1.find(first_sha) != std::string::npos;
    ASSERT_NE(from0, from1);
    EXPECT_NE((from0 ? local0 : local1).find((*listed)[1].sha256), std::string::npos);
    // Every listed object is stored, where the commit's precondition is enforced. Elsewhere a
    // run that thinks it won may clean up just before the other's blind overwrite.
    if (!GetParam().enforces_if_absent) continue;
    for (const auto& file : *listed) {
      auto head = store_->Head(table + "/" + file.file);
      ASSERT_TRUE(head.ok()) << file.file << ": " << head.status().ToString();
      EXPECT_EQ(head->sha256_hex, file.sha256) << file.file;
      EXPECT_EQ(head->size, file.bytes) << file.file;
    }
  }
  std::filesystem::remove_all(root);
}

INSTANTIATE_TEST_SUITE_P(Backends, ObjectStoreConformance, ::testing::ValuesIn(Backends()),
                         [](const ::testing::TestParamInfo<Backend>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace sluice

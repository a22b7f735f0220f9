// Storage fault tests (reliability tests 6-9 of ../shared/research/reliability-tests.md) and
// credential failures, against real servers:
//  - S3 through fault_proxy.py in front of Swift+s3api: 10% of requests get 503, a 500 after the
//    server applied them, a reset before/after forwarding, a delay, or a flipped body byte;
//    every object must still arrive exactly once with matching checksums.
//  - the in-repo fake GCS: dropped resumable chunks (resume from the committed offset), a 308
//    without Range (restart from zero), corrupted uploads and downloads (rejected by checksum,
//    re-sent), ifGenerationMatch=0 conflicts, service-account JWT -> token with refresh.
//  - bad credentials / missing bucket: immediate failure naming bucket and key, never the secret.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

#include "common/sha256.h"
#include "sluice/object_store.h"
#include "storage/hashing.h"
#include "storage/http_client.h"
#include "storage/table_publisher.h"
#include "storage_test_env.h"

namespace sluice {
namespace {

using testing::RandomBytes;

nlohmann::json HttpJson(const std::string& method, const std::string& url,
                        const std::string& body = "") {
  storage::HttpClient http;
  storage::HttpRequest request;
  request.method = method;
  request.url = url;
  request.body = body;
  if (!body.empty()) request.headers = {{"Content-Type", "application/json"}};
  auto response = http.Send(request);
  if (!response.ok()) return nullptr;
  return nlohmann::json::parse(response->body, nullptr, false);
}

ObjectStoreOptions S3Options(const std::string& endpoint) {
  ObjectStoreOptions options;
  options.endpoint = endpoint;
  options.access_key_id = testing::S3AccessKey();
  options.secret_access_key = testing::S3SecretKey();
  options.part_size = 5 << 20;
  options.multipart_threshold = 6 << 20;
  options.initial_backoff_ms = 20;  // keep the test fast; the policy is the same
  options.max_backoff_ms = 500;
  return options;
}

bool S3Reachable(std::string* why) {
  auto store = ObjectStore::Open("s3://" + testing::S3Bucket(), S3Options(testing::S3Endpoint()));
  if (!store.ok()) {
    *why = store.status().ToString();
    return false;
  }
  auto probe = (*store)->List("none/");
  *why = probe.status().ToString();
  return probe.ok() || probe.status().code() != StatusCode::kUnavailable;
}

#define REQUIRE_S3()                                                                      \
  do {                                                                                    \
    std::string why;                                                                      \
    if (!S3Reachable(&why)) {                                                             \
      if (testing::SkipEmulators()) GTEST_SKIP() << "SLUICE_SKIP_EMULATORS=1";            \
      FAIL() << "S3 emulator not reachable (" << why << "): run scripts/start-emulators"; \
    }                                                                                     \
  } while (false)

// Reliability test 6 (+7 for S3): a table of many files through a 10% fault proxy.
TEST(StorageFaultTest, S3ThroughFaultProxyPublishesEveryFileExactlyOnce) {
  REQUIRE_S3();
  std::string target = testing::S3Endpoint().substr(testing::S3Endpoint().find("://") + 3);
  testing::ChildServer proxy({"python3", testing::EmulatorScript("fault_proxy.py"), "0", target,
                              "--rate", "0.1", "--seed", "20261123"});
  ASSERT_GT(proxy.port(), 0);
  ObjectStoreOptions options = S3Options(proxy.url());
  options.retries = 8;
  std::string prefix = testing::RunPrefix() + "-faults";
  auto store = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix, options);
  ASSERT_TRUE(store.ok()) << store.status().ToString();

  std::string root = testing::TempDir("faults");
  std::string dir = root + "/events";
  nlohmann::json files = nlohmann::json::array();
  std::map<std::string, std::string> expected;
  // 60 files: about 130 requests, so 10% faults inject a dozen of them.
  constexpr int kFiles = 60;
  for (int file_idx = 0; file_idx < kFiles; ++file_idx) {
    // Mostly small files, and four multipart ones (12 MiB: 3 parts each).
    size_t size = file_idx % 15 == 14 ? (12u << 20) : 20'000u + static_cast<size_t>(file_idx) * 999;
    std::string name = "part-" + std::to_string(10000 + file_idx).substr(1) + ".parquet";
    std::string data = RandomBytes(size, static_cast<uint64_t>(file_idx) + 100);
    testing::WriteFile(dir + "/" + name, data);
    files.push_back({{"file", name}, {"bytes", data.size()}, {"sha256", Sha256Hex(data)}});
    expected[name] = std::move(data);
  }
  testing::WriteFile(dir + "/_manifest.json", nlohmann::json{{"files", files}}.dump());

  auto report = storage::PublishTable(store->get(), dir, "events", {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->files_uploaded + report->files_skipped, kFiles);
  auto proxy_stats = HttpJson("GET", proxy.url() + "/__proxy/stats");
  int faults = 0;
  for (const auto& [mode, count] : proxy_stats["faults"].items()) faults += count.get<int>();
  EXPECT_GE(faults, 6) << proxy_stats.dump();
  std::cout << "fault proxy: " << proxy_stats.dump() << "\n";
  EXPECT_GT((*store)->stats().retries, 0);

  // Check directly against Swift (no proxy): exactly the manifest's objects, checksums equal.
  auto direct = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix,
                                  S3Options(testing::S3Endpoint()));
  ASSERT_TRUE(direct.ok());
  auto listed = (*direct)->List("events/");
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), expected.size() + 1);  // + _manifest.json
  for (const auto& [name, data] : expected) {
    std::string key = "events/" + storage::PublishedName(name, Sha256Hex(data));
    auto got = (*direct)->Get(key);
    ASSERT_TRUE(got.ok()) << name << ": " << got.status().ToString();
    EXPECT_TRUE(*got == data) << name << " differs";
    auto head = (*direct)->Head(key);
    ASSERT_TRUE(head.ok());
    EXPECT_EQ(head->sha256_hex, Sha256Hex(data)) << name;
  }
  auto pending = (*direct)->ListPendingUploads("events/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty()) << pending->size() << " multipart uploads left behind";
  std::filesystem::remove_all(root);
}

// Reliability test 7 for S3: bytes flipped in transit are rejected by Swift's Content-MD5 check
// (BadDigest) and re-sent; answers lost after the server applied a request (500 after forward)
// are retried safely, including CompleteMultipartUpload.
TEST(StorageFaultTest, S3CorruptedAndLostRequestsAreResent) {
  REQUIRE_S3();
  std::string target = testing::S3Endpoint().substr(testing::S3Endpoint().find("://") + 3);
  testing::ChildServer proxy({"python3", testing::EmulatorScript("fault_proxy.py"), "0", target,
                              "--rate", "0.3", "--seed", "7", "--modes", "corrupt,500after"});
  ObjectStoreOptions options = S3Options(proxy.url());
  options.retries = 10;
  std::string prefix = testing::RunPrefix() + "-corrupt";
  auto store = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix, options);
  ASSERT_TRUE(store.ok());
  auto direct = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix,
                                  S3Options(testing::S3Endpoint()));
  ASSERT_TRUE(direct.ok());
  for (int file_idx = 0; file_idx < 12; ++file_idx) {
    std::string data = RandomBytes(file_idx == 0 ? (11u << 20) : 5000u, 300 + file_idx);
    std::string key = "c/" + std::to_string(file_idx);
    auto put = (*store)->Put(key, data);
    ASSERT_TRUE(put.ok()) << key << ": " << put.status().ToString();
    auto got = (*direct)->Get(key);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_TRUE(*got == data) << key << " stored bytes differ";
  }
  auto proxy_stats = HttpJson("GET", proxy.url() + "/__proxy/stats");
  std::cout << "fault proxy: " << proxy_stats.dump() << "\n";
  EXPECT_GT(proxy_stats["faults"]["corrupt"].get<int>(), 0);
  EXPECT_GT(proxy_stats["faults"]["500after"].get<int>(), 0);
  auto pending = (*direct)->ListPendingUploads("c/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
}

// Reliability test 9: a run dies after CreateMultipartUpload (its parts and its abort never
// reach the server); the next publish of that prefix aborts the stale upload.
TEST(StorageFaultTest, S3StaleMultipartUploadIsAbortedByNextPublish) {
  REQUIRE_S3();
  std::string prefix = testing::RunPrefix() + "-stale";
  auto store = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix,
                                 S3Options(testing::S3Endpoint()));
  ASSERT_TRUE(store.ok());
  testing::ChildServer proxy({"python3", testing::EmulatorScript("fault_proxy.py"), "0",
                              testing::S3Endpoint().substr(testing::S3Endpoint().find("://") + 3),
                              "--fail-matching", "uploadId="});
  ObjectStoreOptions broken = S3Options(proxy.url());
  broken.retries = 0;
  auto dying = ObjectStore::Open("s3://" + testing::S3Bucket() + "/" + prefix, broken);
  ASSERT_TRUE(dying.ok());
  auto put = (*dying)->Put("t/part-00000.parquet", RandomBytes(12 << 20, 9));
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable) << put.status().ToString();
  auto pending = (*store)->ListPendingUploads("t/");
  ASSERT_TRUE(pending.ok()) << pending.status().ToString();
  ASSERT_EQ(pending->size(), 1u);
  EXPECT_EQ((*pending)[0].key, "t/part-00000.parquet");

  std::string root = testing::TempDir("stale");
  std::string data = RandomBytes(1000, 5);
  testing::WriteFile(root + "/t/part-00000.parquet", data);
  nlohmann::json files = nlohmann::json::array(
      {{{"file", "part-00000.parquet"}, {"bytes", data.size()}, {"sha256", Sha256Hex(data)}}});
  testing::WriteFile(root + "/t/_manifest.json", nlohmann::json{{"files", files}}.dump());
  auto report = storage::PublishTable(store->get(), root + "/t", "t", {});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->pending_aborted, 1);
  pending = (*store)->ListPendingUploads("t/");
  ASSERT_TRUE(pending.ok());
  EXPECT_TRUE(pending->empty());
  std::filesystem::remove_all(root);
}

// Bad credentials and bucket: immediate failure naming bucket and key, never the secret.
TEST(StorageFaultTest, S3WrongSecretFailsFastWithoutLeakingIt) {
  REQUIRE_S3();
  ObjectStoreOptions options = S3Options(testing::S3Endpoint());
  options.secret_access_key = "wrong-secret-Zq9xV";
  options.retries = 5;
  auto store = ObjectStore::Open("s3://" + testing::S3Bucket() + "/p", options);
  ASSERT_TRUE(store.ok());
  auto put = (*store)->Put("k/obj.parquet", "data");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument) << put.status().ToString();
  std::string message = put.status().ToString();
  EXPECT_NE(message.find("access denied"), std::string::npos) << message;
  EXPECT_NE(message.find(testing::S3Bucket()), std::string::npos) << message;
  EXPECT_NE(message.find("k/obj.parquet"), std::string::npos) << message;
  EXPECT_EQ(message.find("wrong-secret-Zq9xV"), std::string::npos) << message;
  EXPECT_EQ((*store)->stats().retries, 0) << "a 403 must not be retried";
}

TEST(StorageFaultTest, S3MissingBucketIsNotFound) {
  REQUIRE_S3();
  auto store = ObjectStore::Open("s3://no-such-bucket-sluice/p", S3Options(testing::S3Endpoint()));
  ASSERT_TRUE(store.ok());
  auto listed = (*store)->List("");
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), StatusCode::kNotFound) << listed.status().ToString();
  EXPECT_NE(listed.status().message().find("no-such-bucket-sluice"), std::string::npos);
  EXPECT_EQ((*store)->stats().retries, 0);
}

TEST(StorageFaultTest, S3MissingCredentialsFailAtOpen) {
  setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials", 1);
  setenv("AWS_CONFIG_FILE", "/nonexistent/config", 1);
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_PROFILE");
  auto store = ObjectStore::Open("s3://bucket-x/p");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(store.status().message().find("AWS_ACCESS_KEY_ID"), std::string::npos);
}

// ---- fake GCS: resumable chunks, checksums, preconditions, OAuth ----

class FakeGcsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<testing::ChildServer>(
        std::vector<std::string>{"python3", testing::EmulatorScript("fake_gcs.py"), "0"});
    ASSERT_GT(server_->port(), 0);
  }
  Result<std::unique_ptr<ObjectStore>> Open(int retries = 4) {
    ObjectStoreOptions options;
    options.endpoint = server_->url();
    options.multipart_threshold = 1 << 20;
    options.part_size = 256 << 10;
    options.retries = retries;
    options.initial_backoff_ms = 10;
    return ObjectStore::Open("gs://bkt/p", options);
  }
  void Control(const nlohmann::json& request) {
    HttpJson("POST", server_->url() + "/_control", request.dump());
  }
  nlohmann::json Stats() { return HttpJson("GET", server_->url() + "/_stats"); }

  std::unique_ptr<testing::ChildServer> server_;
};

TEST_F(FakeGcsTest, DroppedChunkResumesFromCommittedOffset) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  std::string data = RandomBytes((3 << 20) + 5, 11);  // 13 chunks of 256 KiB
  Control({{"drop_chunks", 2}});
  auto put = (*store)->Put("big", data);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto stats = Stats();
  // Each drop is followed by a status query, unless curl itself re-sent the request on a fresh
  // connection (it does so for a reused connection that died without an answer).
  EXPECT_GE(stats["status_queries"].get<int>(), 1) << stats.dump();
  // Resumed, not restarted: at most the two dropped chunks are sent again.
  EXPECT_LE(stats["chunk_bytes"].get<int64_t>(),
            static_cast<int64_t>(data.size()) + 2 * (256 << 10));
  auto got = (*store)->Get("big");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == data);
}

TEST_F(FakeGcsTest, StatusWithoutRangeMeansNothingPersisted) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  std::string data = RandomBytes((2 << 20) + 77, 12);
  Control({{"drop_chunks", 1}, {"no_range_status", 1}});
  auto put = (*store)->Put("big", data);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  auto got = (*store)->Get("big");
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(*got == data);
  EXPECT_GE(Stats()["chunk_bytes"].get<int64_t>(), static_cast<int64_t>(data.size()));
}

TEST_F(FakeGcsTest, CorruptedUploadIsRejectedAndResent) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  Control({{"corrupt_uploads", 1}});
  auto put = (*store)->Put("small", "some parquet bytes");
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(Stats()["checksum_rejections"].get<int>(), 1);
  EXPECT_EQ((*store)->Get("small").ValueOrDie(), "some parquet bytes");
  // The resumable path: the final object fails its crc32c, the upload is redone.
  std::string data = RandomBytes((1 << 20) + 3, 13);
  Control({{"corrupt_uploads", 1}});
  auto big = (*store)->Put("big", data);
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_TRUE((*store)->Get("big").ValueOrDie() == data);
}

TEST_F(FakeGcsTest, PersistentCorruptionFailsAsCorruptionNamingTheObject) {
  auto store = Open(/*retries=*/2);
  ASSERT_TRUE(store.ok());
  Control({{"corrupt_uploads", 100}});
  auto put = (*store)->Put("doomed.parquet", "bytes");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kCorruption) << put.status().ToString();
  EXPECT_NE(put.status().message().find("gs://bkt/p/doomed.parquet"), std::string::npos);
  EXPECT_EQ((*store)->Head("doomed.parquet").status().code(), StatusCode::kNotFound);
}

TEST_F(FakeGcsTest, CorruptedDownloadIsDetectedAndRetried) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Put("x", "download me").ok());
  Control({{"corrupt_downloads", 1}});
  auto got = (*store)->Get("x");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(*got, "download me");
  EXPECT_EQ((*store)->stats().retries, 1);
}

TEST_F(FakeGcsTest, ServerErrorsAreRetriedWithBackoff) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  Control({{"fail_requests", 3}});
  ASSERT_TRUE((*store)->Put("x", "after three 503s").ok());
  EXPECT_EQ((*store)->stats().retries, 3);
  Control({{"fail_requests", 10}});
  auto put = (*store)->Put("y", "too many");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(put.status().message().find("gave up after 5 attempts"), std::string::npos)
      << put.status().ToString();
}

// Reliability test 10 (server side): two publishers of one manifest; exactly one wins.
TEST_F(FakeGcsTest, IfGenerationMatchZeroMakesCreateExclusive) {
  auto store = Open();
  ASSERT_TRUE(store.ok());
  PutOptions create_only;
  create_only.if_absent = true;
  ASSERT_TRUE((*store)->Put("_manifest.json", "run A", create_only).ok());
  auto loser = (*store)->Put("_manifest.json", "run B", create_only);
  ASSERT_FALSE(loser.ok());
  EXPECT_NE(loser.status().message().find("conflict"), std::string::npos);
  EXPECT_EQ((*store)->Get("_manifest.json").ValueOrDie(), "run A");
}

std::string GeneratePrivateKeyPem(std::string* public_pem) {
  EVP_PKEY* key = EVP_RSA_gen(2048);
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(length));
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  length = BIO_get_mem_data(bio, &data);
  public_pem->assign(data, static_cast<size_t>(length));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

TEST(GcsServiceAccountTest, JwtIsExchangedForATokenAndRefreshedAfter401) {
  std::string dir = testing::TempDir("sa");
  std::string public_pem;
  std::string private_pem = GeneratePrivateKeyPem(&public_pem);
  testing::WriteFile(dir + "/pub.pem", public_pem);
  testing::ChildServer server({"python3", testing::EmulatorScript("fake_gcs.py"), "0", "--pubkey",
                               dir + "/pub.pem", "--require-token"});
  ASSERT_GT(server.port(), 0);
  nlohmann::json key = {{"type", "service_account"},
                        {"client_email", "loader@proj.iam.gserviceaccount.com"},
                        {"private_key", private_pem},
                        {"token_uri", server.url() + "/token"}};
  testing::WriteFile(dir + "/key.json", key.dump());
  setenv("GOOGLE_APPLICATION_CREDENTIALS", (dir + "/key.json").c_str(), 1);
  ObjectStoreOptions options;
  options.endpoint = server.url();
  auto store = ObjectStore::Open("gs://bkt/p", options);
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ASSERT_TRUE((*store)->Put("a", "authorized").ok());
  EXPECT_EQ((*store)->Get("a").ValueOrDie(), "authorized");
  EXPECT_EQ(HttpJson("GET", server.url() + "/_stats")["tokens_issued"].get<int>(), 1);
  // The server revokes the token: the client refreshes once and carries on.
  HttpJson("POST", server.url() + "/_control", R"({"expire_token": true})");
  EXPECT_EQ((*store)->Get("a").ValueOrDie(), "authorized");
  EXPECT_EQ(HttpJson("GET", server.url() + "/_stats")["tokens_issued"].get<int>(), 2);
  std::filesystem::remove_all(dir);
}

TEST(GcsServiceAccountTest, KeyRejectedByTokenEndpointFailsClearlyWithoutTheKey) {
  std::string dir = testing::TempDir("sa-bad");
  std::string public_pem;
  std::string other_public;
  std::string private_pem = GeneratePrivateKeyPem(&public_pem);
  GeneratePrivateKeyPem(&other_public);
  testing::WriteFile(dir + "/pub.pem", other_public);  // server trusts another key
  testing::ChildServer server({"python3", testing::EmulatorScript("fake_gcs.py"), "0", "--pubkey",
                               dir + "/pub.pem", "--require-token"});
  nlohmann::json key = {{"type", "service_account"},
                        {"client_email", "loader@proj.iam.gserviceaccount.com"},
                        {"private_key", private_pem},
                        {"token_uri", server.url() + "/token"}};
  testing::WriteFile(dir + "/key.json", key.dump());
  setenv("GOOGLE_APPLICATION_CREDENTIALS", (dir + "/key.json").c_str(), 1);
  ObjectStoreOptions options;
  options.endpoint = server.url();
  auto store = ObjectStore::Open("gs://bkt/p", options);
  unsetenv("GOOGLE_APPLICATION_CREDENTIALS");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto put = (*store)->Put("a", "x");
  ASSERT_FALSE(put.ok());
  EXPECT_EQ(put.status().code(), StatusCode::kInvalidArgument) << put.status().ToString();
  std::string message = put.status().ToString();
  EXPECT_NE(message.find("loader@proj.iam.gserviceaccount.com"), std::string::npos) << message;
  EXPECT_EQ(message.find("PRIVATE KEY"), std::string::npos);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice

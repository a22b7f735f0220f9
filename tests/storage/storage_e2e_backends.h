// The object-store destinations the end-to-end tests of the sluice binary run against: the
// Swift s3api and firebase GCS emulators of scripts/start-emulators (same variables and
// defaults as storage_test_env.h, whose TempDir() clashes with e2e_util.h's). Each backend has
// the environment a sluice process needs and the options for checking the result in-process.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "sluice/object_store.h"
#include "storage/table_publisher.h"

namespace sluice::testing {

inline std::string StorageEnv(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}
inline bool SkipStorageEmulators() { return StorageEnv("SLUICE_SKIP_EMULATORS", "0") == "1"; }

struct StorageBackend {
  const char* name;
  std::string url_base;  // s3://bucket or gs://bucket
  std::string env;       // environment for the sluice process (shell words)
  ObjectStoreOptions options;
};

inline void PrintTo(const StorageBackend& backend, std::ostream* out) { *out << backend.name; }

inline std::vector<StorageBackend> StorageBackends() {
  std::string s3_endpoint = StorageEnv("SLUICE_TEST_S3_ENDPOINT", "http://127.0.0.1:8095");
  std::string s3_key = StorageEnv("SLUICE_TEST_S3_ACCESS_KEY", "test:tester");
  std::string s3_secret = StorageEnv("SLUICE_TEST_S3_SECRET_KEY", "testing");
  std::string gcs_endpoint = StorageEnv("SLUICE_TEST_GCS_ENDPOINT", "http://127.0.0.1:9199");
  std::vector<StorageBackend> out;
  StorageBackend s3{"s3_swift",
                    "s3://" + StorageEnv("SLUICE_TEST_S3_BUCKET", "test-bucket"),
                    "AWS_ENDPOINT_URL=" + s3_endpoint + " AWS_ACCESS_KEY_ID=" + s3_key +
                        " AWS_SECRET_ACCESS_KEY=" + s3_secret + " AWS_REGION=us-east-1",
                    {}};
  s3.options.endpoint = s3_endpoint;
  s3.options.access_key_id = s3_key;
  s3.options.secret_access_key = s3_secret;
  out.push_back(s3);
  StorageBackend gcs{
      "gcs_emulator", "gs://test-bucket", "STORAGE_EMULATOR_HOST=" + gcs_endpoint, {}};
  gcs.options.endpoint = gcs_endpoint;
  out.push_back(gcs);
  return out;
}

/// A prefix no earlier run used, so leftovers of other runs cannot make a test pass.
inline std::string FreshPrefix(const std::string& tag) {
  return tag + "-" + std::to_string(getpid()) + "-" +
         std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
}

/// Every key stored under `prefix` (relative to the store's URL).
inline std::set<std::string> StoredKeys(ObjectStore* store, const std::string& prefix) {
  std::set<std::string> keys;
  auto listed = store->List(prefix);
  if (listed.ok()) {
    for (const auto& info : *listed) keys.insert(info.key);
  }
  return keys;
}

}  // namespace sluice::testing

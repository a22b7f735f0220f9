// Shared helpers for the object-store tests: where the emulators are (environment variables set
// by scripts/start-emulators, defaulting to its fixed loopback ports), child processes for the
// in-repo fake GCS and fault proxy, and test data.
// Tests that need an emulator FAIL when it is not reachable, unless SLUICE_SKIP_EMULATORS=1.
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "storage/child_server.h"

namespace sluice::testing {

inline std::string EnvOr(const char* name, const char* fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

inline bool SkipEmulators() { return EnvOr("SLUICE_SKIP_EMULATORS", "0") == "1"; }

inline std::string S3Endpoint() {
  return EnvOr("SLUICE_TEST_S3_ENDPOINT", "http://127.0.0.1:8095");
}
inline std::string S3Bucket() { return EnvOr("SLUICE_TEST_S3_BUCKET", "test-bucket"); }
inline std::string S3AccessKey() { return EnvOr("SLUICE_TEST_S3_ACCESS_KEY", "test:tester"); }
inline std::string S3SecretKey() { return EnvOr("SLUICE_TEST_S3_SECRET_KEY", "testing"); }
inline std::string GcsEmulatorEndpoint() {
  return EnvOr("SLUICE_TEST_GCS_ENDPOINT", "http://127.0.0.1:9199");
}
inline std::string EmulatorScript(const char* name) {
  return std::string(SLUICE_SOURCE_DIR) + "/tests/emulators/" + name;
}

inline std::string RandomBytes(size_t size, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(size, '\0');
  for (size_t pos = 0; pos < size; pos += 8) {
    uint64_t value = rng();
    for (size_t byte = 0; byte < 8 && pos + byte < size; ++byte) {
      out[pos + byte] = static_cast<char>(value >> (8 * byte));
    }
  }
  return out;
}

inline std::string TempDir(const std::string& tag) {
  std::string dir = std::filesystem::temp_directory_path().string() + "/sluice-storage-" + tag +
                    "-" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}());
  std::filesystem::create_directories(dir);
  return dir;
}

inline void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A unique key prefix per test process, so reruns against a long-lived emulator never collide.
inline std::string RunPrefix() {
  static const std::string prefix =
      "t" + std::to_string(getpid()) + "-" + std::to_string(std::random_device{}() % 100000);
  return prefix;
}

}  // namespace sluice::testing

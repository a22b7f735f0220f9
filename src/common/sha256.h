// SHA-256 helpers (OpenSSL's EVP underneath) for schema hashes and file checksums.
// Thread-safety: Sha256 objects are single-threaded; the free function is thread-safe.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace sluice {

/// Incremental SHA-256: Update() any number of times, then HexDigest() once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t size);
  std::string HexDigest();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

std::string Sha256Hex(std::string_view data);

}  // namespace sluice

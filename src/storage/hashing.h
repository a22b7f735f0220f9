// Checksums used by the object stores: MD5 (S3 Content-MD5 / ETag, GCS md5Hash), SHA-256 (SigV4
// payload hash, sluice's own object metadata), HMAC-SHA256 (SigV4 signing), CRC32C (GCS), and
// the hex/base64 encodings their headers use.
// Thread-safety: pure functions; Md5 objects are single-threaded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::storage {

/// Raw (binary) digests.
std::string Md5Raw(std::string_view data);
std::string Sha256Raw(std::string_view data);
std::string HmacSha256Raw(std::string_view key, std::string_view data);

std::string HexEncode(std::string_view raw);
/// Decodes lower- or upper-case hex; kInvalidArgument on odd length or a non-hex character.
Result<std::string> HexDecode(std::string_view hex);
std::string Base64Encode(std::string_view raw);
/// Standard alphabet with '=' padding; kInvalidArgument on bad input.
Result<std::string> Base64Decode(std::string_view text);
/// base64url without padding (JWT).
std::string Base64UrlEncode(std::string_view raw);

/// Incremental MD5 (OpenSSL EVP).
class Md5 {
 public:
  Md5();
  ~Md5();
  Md5(const Md5&) = delete;
  Md5& operator=(const Md5&) = delete;
  void Update(std::string_view data);
  std::string Raw();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Whole-file digests, read in bounded blocks.
struct FileDigests {
  int64_t size = 0;
  std::string md5_hex;
  std::string sha256_hex;
  uint32_t crc32c = 0;
};
Result<FileDigests> DigestFile(const std::string& path);

}  // namespace sluice::storage

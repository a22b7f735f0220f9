// UploadSource: the bytes of one upload, from memory or from a local file, read in bounded
// pieces (pread) so parts of a large file can be read by several threads at once.
// Thread-safety: ReadAt() is thread-safe. Ownership: a memory source borrows its bytes; a file
// source owns its descriptor.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::storage {

class UploadSource {
 public:
  static Result<std::unique_ptr<UploadSource>> OpenFile(const std::string& path);
  static std::unique_ptr<UploadSource> FromMemory(std::string_view data);
  ~UploadSource();
  UploadSource(const UploadSource&) = delete;
  UploadSource& operator=(const UploadSource&) = delete;

  int64_t size() const { return size_; }
  /// Replaces *out with bytes [offset, offset+length). A short file is kIoError.
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const;
  /// Copies up to `max` bytes at `offset` into `buffer` (a streamed request body); returns how
  /// many (0 at the end).
  Result<size_t> ReadInto(int64_t offset, char* buffer, size_t max) const;
  /// Whole-source digests (md5 hex, sha256 hex, crc32c), read in 1 MiB blocks; a null pointer
  /// skips that digest.
  Status Digest(std::string* md5_hex, std::string* sha256_hex, uint32_t* crc32c) const;
  const std::string& name() const { return name_; }

 private:
  UploadSource() = default;
  std::string name_;
  std::string_view memory_;
  int fd_ = -1;
  int64_t size_ = 0;
};

}  // namespace sluice::storage

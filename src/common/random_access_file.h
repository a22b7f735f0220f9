// RandomAccessFile: positional reads of a local file with bounds checks (pread underneath).
// Thread-safety: ReadAt may be called concurrently (pread has no shared file position).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "sluice/result.h"

namespace sluice {

class RandomAccessFile {
 public:
  static Result<std::unique_ptr<RandomAccessFile>> Open(const std::string& path);
  ~RandomAccessFile();
  RandomAccessFile(const RandomAccessFile&) = delete;
  RandomAccessFile& operator=(const RandomAccessFile&) = delete;

  int64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  /// Reads exactly `length` bytes at `offset` into *out (resized). Corruption when the range
  /// lies outside the file (a lying offset in a footer), IoError when the OS fails.
  Status ReadAt(int64_t offset, int64_t length, std::string* out) const;

 private:
  RandomAccessFile(std::string path, int fd, int64_t size)
      : path_(std::move(path)), fd_(fd), size_(size) {}
  std::string path_;
  int fd_;
  int64_t size_;
};

}  // namespace sluice

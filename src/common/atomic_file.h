// AtomicFile: writes a file under a temporary name beside its final path and makes it visible
// only on Commit() (fsync, rename, fsync of the directory), so a crash or an error never
// leaves a half-written file under the final name.
//
// Temporary names are "<final>.tmp-<pid>-<random>"; IsTemporaryName() recognises them so a
// resumed run can delete leftovers.
// Thread-safety: none. Destroying an AtomicFile that was neither committed nor aborted aborts it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice {

class AtomicFile {
 public:
  static Result<std::unique_ptr<AtomicFile>> Create(const std::string& final_path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Append(const void* data, size_t size);
  Status Append(std::string_view data) { return Append(data.data(), data.size()); }
  /// Bytes appended so far.
  int64_t size() const { return size_; }
  /// Flushes, fsyncs, renames onto the final path. REQUIRES: not committed or aborted.
  Status Commit();
  /// Removes the temporary file. Safe to call more than once.
  void Abort();

  const std::string& final_path() const { return final_path_; }
  const std::string& temp_path() const { return temp_path_; }

  static bool IsTemporaryName(std::string_view file_name);

  /// Writes `contents` to `path` atomically (for manifests and small files).
  static Status WriteWhole(const std::string& path, std::string_view contents);

 private:
  AtomicFile(std::string final_path, std::string temp_path, int fd);
  Status FlushBuffer();

  std::string final_path_;
  std::string temp_path_;
  int fd_ = -1;
  int64_t size_ = 0;
  bool done_ = false;
  // Small writes (page headers) are coalesced; large ones go straight to the kernel.
  std::string buffer_;
};

/// "path: No space left on device" from errno.
Status ErrnoStatus(const std::string& what, int err);

}  // namespace sluice

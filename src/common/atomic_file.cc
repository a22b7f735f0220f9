#include "common/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>

namespace sluice {

namespace {

constexpr std::string_view kTempMarker = ".tmp-";
// Coalesce writes below this size; 256 KiB keeps syscalls few without holding much memory.
constexpr size_t kBufferBytes = 256 * 1024;

std::string RandomSuffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string out;
  for (int idx = 0; idx < 8; ++idx) out += kAlphabet[rng() % 36];
  return out;
}

Status FsyncDirectoryOf(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return ErrnoStatus("open directory " + dir, errno);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus("fsync directory " + dir, err);
  return Status::OK();
}

}  // namespace

Status ErrnoStatus(const std::string& what, int err) {
  std::string msg = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status::ResourceExhausted(msg);
  if (err == ENOENT) return Status::NotFound(msg);
  return Status::IoError(msg);
}

AtomicFile::AtomicFile(std::string final_path, std::string temp_path, int fd)
    : final_path_(std::move(final_path)), temp_path_(std::move(temp_path)), fd_(fd) {}

AtomicFile::~AtomicFile() {
  if (!done_) Abort();
}

Result<std::unique_ptr<AtomicFile>> AtomicFile::Create(const std::string& final_path) {
  std::string temp =
      final_path + std::string(kTempMarker) + std::to_string(::getpid()) + "-" + RandomSuffix();
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create " + temp, errno);
  return std::unique_ptr<AtomicFile>(new AtomicFile(final_path, temp, fd));
}

Status AtomicFile::FlushBuffer() {
  const char* data = buffer_.data();
  size_t left = buffer_.size();
  while (left > 0) {
    ssize_t written = ::write(fd_, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + temp_path_, errno);
    }
    data += written;
    left -= static_cast<size_t>(written);
  }
  buffer_.clear();
  return Status::OK();
}

Status AtomicFile::Append(const void* data, size_t size) {
  if (done_) return Status::Internal("append to a committed or aborted file " + final_path_);
  size_ += static_cast<int64_t>(size);
  if (buffer_.size() + size <= kBufferBytes) {
    buffer_.append(static_cast<const char*>(data), size);
    return Status::OK();
  }
  SLUICE_RETURN_IF_ERROR(FlushBuffer());
  if (size <= kBufferBytes) {
    buffer_.append(static_cast<const char*>(data), size);
    return Status::OK();
  }
  // Large write: hand it to the kernel without copying.
  const char* ptr = static_cast<const char*>(data);
  size_t left = size;
  while (left > 0) {
    ssize_t written = ::write(fd_, ptr, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + temp_path_, errno);
    }
    ptr += written;
    left -= static_cast<size_t>(written);
  }
  return Status::OK();
}

Status AtomicFile::Commit() {
  if (done_) return Status::Internal("commit of a finished file " + final_path_);
  Status st = FlushBuffer();
  if (st.ok() && ::fsync(fd_) != 0) st = ErrnoStatus("fsync " + temp_path_, errno);
  if (st.ok()) {
    int rc = ::close(fd_);
    fd_ = -1;
    if (rc != 0) st = ErrnoStatus("close " + temp_path_, errno);
  }
  if (st.ok() && ::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
    st = ErrnoStatus("rename " + temp_path_ + " to " + final_path_, errno);
  }
  if (!st.ok()) {
    Abort();
    return st;
  }
  done_ = true;
  return FsyncDirectoryOf(final_path_);
}

void AtomicFile::Abort() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!done_) ::unlink(temp_path_.c_str());
  done_ = true;
  buffer_.clear();
  buffer_.shrink_to_fit();
}

bool AtomicFile::IsTemporaryName(std::string_view file_name) {
  return file_name.find(kTempMarker) != std::string_view::npos;
}

Status AtomicFile::WriteWhole(const std::string& path, std::string_view contents) {
  SLUICE_ASSIGN_OR_RETURN(auto file, Create(path));
  SLUICE_RETURN_IF_ERROR(file->Append(contents));
  return file->Commit();
}

}  // namespace sluice

#include "storage/upload_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "common/atomic_file.h"
#include "common/crc32c.h"
#include "common/sha256.h"
#include "storage/hashing.h"

namespace sluice::storage {

Result<std::unique_ptr<UploadSource>> UploadSource::OpenFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus(path, err);
  }
  std::unique_ptr<UploadSource> source(new UploadSource());
  source->fd_ = fd;
  source->size_ = st.st_size;
  source->name_ = path;
  return source;
}

std::unique_ptr<UploadSource> UploadSource::FromMemory(std::string_view data) {
  std::unique_ptr<UploadSource> source(new UploadSource());
  source->memory_ = data;
  source->size_ = static_cast<int64_t>(data.size());
  source->name_ = "<memory>";
  return source;
}

UploadSource::~UploadSource() {
  if (fd_ >= 0) ::close(fd_);
}

Status UploadSource::ReadAt(int64_t offset, int64_t length, std::string* out) const {
  if (offset < 0 || length < 0 || offset + length > size_) {
    return Status::Internal("read past the end of " + name_);
  }
  if (fd_ < 0) {
    out->assign(memory_.substr(static_cast<size_t>(offset), static_cast<size_t>(length)));
    return Status::OK();
  }
  out->resize(static_cast<size_t>(length));
  int64_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(fd_, out->data() + done, static_cast<size_t>(length - done),
                          static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(name_, errno);
    }
    if (got == 0) {
      return Status::IoError(name_ + ": file shrank during upload (at offset " +
                             std::to_string(offset + done) + ")");
    }
    done += got;
  }
  return Status::OK();
}

Result<size_t> UploadSource::ReadInto(int64_t offset, char* buffer, size_t max) const {
  if (offset < 0 || offset > size_) return Status::Internal("read past the end of " + name_);
  size_t want = std::min<size_t>(max, static_cast<size_t>(size_ - offset));
  if (fd_ < 0) {
    std::copy_n(memory_.data() + offset, want, buffer);
    return want;
  }
  while (true) {
    ssize_t got = ::pread(fd_, buffer, want, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return ErrnoStatus(name_, errno);
    if (got == 0 && want > 0) {
      return Status::IoError(name_ + ": file shrank during upload (at offset " +
                             std::to_string(offset) + ")");
    }
    return static_cast<size_t>(got);
  }
}

Status UploadSource::Digest(std::string* md5_hex, std::string* sha256_hex, uint32_t* crc32c) const {
  Md5 md5;
  Sha256 sha;
  uint32_t crc = 0;
  std::string block;
  // 1 MiB: full disk throughput with a bounded buffer.
  constexpr int64_t kBlock = 1 << 20;
  // Only the digests asked for: each costs a pass over the bytes' CPU time.
  for (int64_t offset = 0; offset < size_; offset += kBlock) {
    SLUICE_RETURN_IF_ERROR(ReadAt(offset, std::min(kBlock, size_ - offset), &block));
    if (md5_hex) md5.Update(block);
    if (sha256_hex) sha.Update(block.data(), block.size());
    if (crc32c) crc = Crc32c(block.data(), block.size(), crc);
  }
  if (md5_hex) *md5_hex = HexEncode(md5.Raw());
  if (sha256_hex) *sha256_hex = sha.HexDigest();
  if (crc32c) *crc32c = crc;
  return Status::OK();
}

}  // namespace sluice::storage

#include "common/random_access_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "common/atomic_file.h"

namespace sluice {

Result<std::unique_ptr<RandomAccessFile>> RandomAccessFile::Open(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus("open " + path, errno);
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ErrnoStatus("stat " + path, err);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + " is not a regular file");
  }
  return std::unique_ptr<RandomAccessFile>(new RandomAccessFile(path, fd, st.st_size));
}

RandomAccessFile::~RandomAccessFile() { ::close(fd_); }

Status RandomAccessFile::ReadAt(int64_t offset, int64_t length, std::string* out) const {
  if (offset < 0 || length < 0 || offset > size_ || length > size_ - offset) {
    return Status::Corruption(path_ + ": read of " + std::to_string(length) + " bytes at offset " +
                              std::to_string(offset) + " is outside the file (size " +
                              std::to_string(size_) + ")");
  }
  out->resize(static_cast<size_t>(length));
  int64_t done = 0;
  while (done < length) {
    ssize_t got = ::pread(fd_, out->data() + done, static_cast<size_t>(length - done),
                          static_cast<off_t>(offset + done));
    if (got < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("read " + path_, errno);
    }
    if (got == 0) return Status::Corruption(path_ + ": file shrank while reading");
    done += got;
  }
  return Status::OK();
}

}  // namespace sluice

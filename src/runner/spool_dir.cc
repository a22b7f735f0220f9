#include "runner/spool_dir.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPrefix = "sluice-spool-";
constexpr const char* kLockName = ".lock";
constexpr const char* kLockTempName = ".lock.tmp";
constexpr const char* kKeepName = ".keep";

struct flock WholeFileWriteLock() {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = 0;
  lock.l_len = 0;  // to the end of the file, however long
  lock.l_pid = 0;  // required by the OFD commands
  return lock;
}

// Takes the OFD lock of DIR/.lock: locked under a temporary name, then renamed (the lock
// belongs to the inode, so it survives the rename). Returns the descriptor, or -1.
int TakeLock(const std::string& dir) {
  std::string temp = dir + "/" + kLockTempName;
  int fd = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  struct flock lock = WholeFileWriteLock();
  if (::fcntl(fd, F_OFD_SETLK, &lock) != 0 ||
      ::rename(temp.c_str(), (dir + "/" + kLockName).c_str()) != 0) {
    ::close(fd);
    ::unlink(temp.c_str());
    return -1;
  }
  return fd;
}

enum class Liveness { kAlive, kDead, kNoLock };

Liveness CheckLock(const std::string& dir) {
  std::string path = dir + "/" + kLockName;
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return errno == ENOENT ? Liveness::kNoLock : Liveness::kAlive;
  struct flock lock = WholeFileWriteLock();
  int rc = ::fcntl(fd, F_OFD_GETLK, &lock);
  ::close(fd);
  // Anything unexpected counts as alive: the sweep must never remove a spool in use.
  if (rc != 0) return Liveness::kAlive;
  return lock.l_type == F_UNLCK ? Liveness::kDead : Liveness::kAlive;
}

// Size of the files under `dir` and the newest modification time in it (the directory itself
// included), without following symbolic links.
void Measure(const fs::path& dir, int64_t* bytes, fs::file_time_type* newest) {
  std::error_code ec;
  *bytes = 0;
  *newest = fs::last_write_time(dir, ec);
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    std::error_code entry_ec;
    fs::file_status status = it->symlink_status(entry_ec);
    if (entry_ec) continue;
    auto modified = it->last_write_time(entry_ec);
    if (!entry_ec && modified > *newest) *newest = modified;
    if (fs::is_regular_file(status)) {
      auto size = it->file_size(entry_ec);
      if (!entry_ec) *bytes += static_cast<int64_t>(size);
    }
  }
}

}  // namespace

Result<std::unique_ptr<SpoolDir>> SpoolDir::Create(const std::string& parent) {
  std::string pattern = parent + "/" + kPrefix + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IoError("cannot create a spool directory " + pattern + ": " +
                           std::strerror(errno));
  }
  return std::unique_ptr<SpoolDir>(new SpoolDir(pattern, TakeLock(pattern)));
}

SpoolDir::~SpoolDir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

void SpoolDir::Keep() {
  int fd = ::open((path_ + "/" + kKeepName).c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd >= 0) ::close(fd);
}

std::string TemporarySpoolParent() {
  const char* tmp = std::getenv("TMPDIR");
  return tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
}

std::vector<RemovedSpool> SweepDeadSpools(const std::string& parent,
                                          std::chrono::seconds lockless_min_age) {
  std::vector<RemovedSpool> removed;
  std::error_code ec;
  for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!name.starts_with(kPrefix)) continue;
    std::string dir = it->path().string();
    // Real directories of this user only (never through a symbolic link).
    struct stat info {};
    if (::lstat(dir.c_str(), &info) != 0 || !S_ISDIR(info.st_mode) || info.st_uid != ::geteuid()) {
      continue;
    }
    std::error_code keep_ec;
    if (fs::exists(dir + "/" + kKeepName, keep_ec)) continue;
    Liveness liveness = CheckLock(dir);
    if (liveness == Liveness::kAlive) continue;
    RemovedSpool spool{dir, 0};
    fs::file_time_type newest;
    Measure(dir, &spool.bytes, &newest);
    if (liveness == Liveness::kNoLock &&
        fs::file_time_type::clock::now() - newest < lockless_min_age) {
      continue;
    }
    std::error_code remove_ec;
    fs::remove_all(dir, remove_ec);
    if (!remove_ec) removed.push_back(std::move(spool));
  }
  return removed;
}

}  // namespace sluice::runner

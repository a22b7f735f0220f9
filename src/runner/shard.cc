#include "runner/shard.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <random>

#include "common/atomic_file.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kProgressUnsharded = "_sluice_progress.jsonl";
constexpr std::string_view kProgressShardPrefix = "_sluice_progress.shard-";
constexpr std::string_view kLockPrefix = "_sluice_shard-";

std::optional<int> ParseCount(std::string_view text) {
  int value = 0;
  if (text.empty() || text.size() > 6) return std::nullopt;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < 0) return std::nullopt;
  return value;
}

// "I-of-N" + suffix -> spec; nullopt when `text` has another form.
std::optional<ShardSpec> ParseIofN(std::string_view text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return std::nullopt;
  text.remove_suffix(suffix.size());
  size_t of = text.find("-of-");
  if (of == std::string_view::npos) return std::nullopt;
  auto index = ParseCount(text.substr(0, of));
  auto count = ParseCount(text.substr(of + 4));
  if (!index || !count || *count < 1 || *index >= *count) return std::nullopt;
  return ShardSpec{*index, *count};
}

std::string IofN(const ShardSpec& shard) {
  return std::to_string(shard.index) + "-of-" + std::to_string(shard.count);
}

Status WriteAllAndSync(int fd, const std::string& path, std::string_view contents) {
  while (!contents.empty()) {
    ssize_t written = ::write(fd, contents.data(), contents.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus("write " + path, errno);
    }
    contents.remove_prefix(static_cast<size_t>(written));
  }
  if (::fsync(fd) != 0) return ErrnoStatus("fsync " + path, errno);
  return Status::OK();
}

// Whether another process holds a lock on the file at `path` (false when it cannot be opened).
bool LockedByOther(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  bool locked = ::fcntl(fd, F_GETLK, &probe) == 0 && probe.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

}  // namespace

std::string ShardSpec::ToString() const {
  if (!enabled()) return "";
  return std::to_string(index) + "/" + std::to_string(count);
}

Result<ShardSpec> ParseShard(std::string_view text) {
  std::string shown(text);
  size_t slash = text.find('/');
  std::optional<int> index;
  std::optional<int> count;
  if (slash != std::string_view::npos) {
    index = ParseCount(text.substr(0, slash));
    count = ParseCount(text.substr(slash + 1));
  }
  if (!index || !count) {
    return Status::InvalidArgument("--shard '" + shown +
                                   "': expected I/N, e.g. 0/4 for the first of four shards");
  }
  if (*count < 1 || *count > kMaxShards) {
    return Status::InvalidArgument("--shard '" + shown + "': the shard count must be 1.." +
                                   std::to_string(kMaxShards));
  }
  if (*index >= *count) {
    return Status::InvalidArgument("--shard '" + shown + "': the shard index must be 0.." +
                                   std::to_string(*count - 1) + " (shards are numbered from 0)");
  }
  return ShardSpec{*index, *count};
}

std::vector<int> ShardChunks(const ShardSpec& shard, int total) {
  std::vector<int> out;
  for (int chunk = 0; chunk < total; ++chunk) {
    if (shard.Owns(chunk)) out.push_back(chunk);
  }
  return out;
}

std::string ProgressFileName(const ShardSpec& shard) {
  if (!shard.enabled()) return std::string(kProgressUnsharded);
  return std::string(kProgressShardPrefix) + IofN(shard) + ".jsonl";
}

bool IsProgressFileName(std::string_view name) {
  if (name == kProgressUnsharded) return true;
  return name.starts_with(kProgressShardPrefix) &&
         ParseIofN(name.substr(kProgressShardPrefix.size()), ".jsonl").has_value();
}

std::string ShardLockFileName(const ShardSpec& shard) {
  return std::string(kLockPrefix) + IofN(shard) + ".lock";
}

Result<bool> CreateFileExclusive(const std::string& path, std::string_view contents) {
  // The temporary name follows AtomicFile's, so cleanups that remove leftovers know it.
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string temp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rng());
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("create " + temp, errno);
  Status written = WriteAllAndSync(fd, temp, contents);
  ::close(fd);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return written;
  }
  // link(2) never replaces an existing name: exactly one of several racing creators succeeds.
  int rc = ::link(temp.c_str(), path.c_str());
  int err = errno;
  ::unlink(temp.c_str());
  if (rc != 0 && err == EEXIST) return false;
  if (rc != 0) return ErrnoStatus("link " + temp + " to " + path, err);
  std::string dir = fs::path(path).parent_path().string();
  int dir_fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    int synced = ::fsync(dir_fd);
    err = errno;
    ::close(dir_fd);
    if (synced != 0) return ErrnoStatus("fsync directory " + dir, err);
  }
  return true;
}

Result<std::unique_ptr<ShardLock>> ShardLock::Acquire(const std::string& dir,
                                                      const ShardSpec& shard) {
  std::string path = dir + "/" + ShardLockFileName(shard);
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus("open " + path, errno);
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  if (::fcntl(fd, F_SETLK, &lock) != 0) {
    int err = errno;
    ::close(fd);
    if (err == EACCES || err == EAGAIN) {
      return Status::IoError("shard " + shard.ToString() + " of " + dir +
                             " is already running in another process (it holds " + path +
                             "); wait for it to end");
    }
    return ErrnoStatus("lock " + path, err);
  }
  std::unique_ptr<ShardLock> held(new ShardLock(fd));
  // Taken after our own lock: of two shards with different counts starting together, at least
  // the later one sees the other.
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (!name.starts_with(kLockPrefix)) continue;
    auto other = ParseIofN(std::string_view(name).substr(kLockPrefix.size()), ".lock");
    if (!other || other->count == shard.count) continue;
    if (LockedByOther(entry.path().string())) {
      return Status::IoError("shard " + other->ToString() + " of " + dir +
                             " is running; every shard of a table must use the same count (" +
                             std::to_string(other->count) + ", not " + std::to_string(shard.count) +
                             ")");
    }
  }
  return held;
}

ShardLock::~ShardLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the fcntl lock
}

}  // namespace sluice::runner

#include "storage/local_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/atomic_file.h"
#include "storage/hashing.h"
#include "storage/object_url.h"
#include "storage/upload_source.h"

namespace sluice::storage {
namespace {

namespace fs = std::filesystem;

char HexDigit(uint32_t nibble) { return "0123456789abcdef"[nibble & 0xF]; }

std::string Crc32cHex(uint32_t crc) {
  std::string out(8, '0');
  for (int pos = 7; pos >= 0; --pos, crc >>= 4) out[static_cast<size_t>(pos)] = HexDigit(crc);
  return out;
}

class LocalStore final : public ObjectStore {
 public:
  explicit LocalStore(std::string root) : root_(std::move(root)) {}

  std::string url() const override { return root_; }

  Result<ObjectInfo> Put(std::string_view key, std::string_view data,
                         const PutOptions& options) override {
    return Upload(key, *UploadSource::FromMemory(data), options);
  }

  Result<ObjectInfo> PutFile(std::string_view key, const std::string& local_path,
                             const PutOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(auto source, UploadSource::OpenFile(local_path));
    return Upload(key, *source, options);
  }

  Result<std::string> Get(std::string_view key) override {
    SLUICE_ASSIGN_OR_RETURN(std::string path, PathOf(key));
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(DisplayName(key) + ": no such object");
    std::stringstream buffer;
    buffer << in.rdbuf();
    bytes_downloaded_ += static_cast<int64_t>(buffer.str().size());
    return buffer.str();
  }

  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    SLUICE_ASSIGN_OR_RETURN(std::string path, PathOf(key));
    auto source = UploadSource::OpenFile(path);
    if (!source.ok()) return Status::NotFound(DisplayName(key) + ": no such object");
    int64_t size = (*source)->size();
    if (offset >= size || length <= 0) return std::string();
    std::string out;
    SLUICE_RETURN_IF_ERROR((*source)->ReadAt(offset, std::min(length, size - offset), &out));
    return out;
  }

  Result<ObjectInfo> Head(std::string_view key) override {
    SLUICE_ASSIGN_OR_RETURN(std::string path, PathOf(key));
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
      return Status::NotFound(DisplayName(key) + ": no such object");
    }
    SLUICE_ASSIGN_OR_RETURN(auto digests, DigestFile(path));
    ObjectInfo info;
    info.key = std::string(key);
    info.size = digests.size;
    info.md5_hex = digests.md5_hex;
    info.sha256_hex = digests.sha256_hex;
    info.crc32c_hex = Crc32cHex(digests.crc32c);
    info.etag = digests.md5_hex;
    return info;
  }

  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::vector<ObjectInfo> out;
    std::error_code error;
    if (!fs::is_directory(root_, error)) return out;
    for (auto it = fs::recursive_directory_iterator(root_, error);
         !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      if (!it->is_regular_file(error)) continue;
      if (AtomicFile::IsTemporaryName(it->path().filename().string())) continue;
      std::string key = fs::relative(it->path(), root_, error).generic_string();
      if (key.rfind(prefix, 0) != 0) continue;
      ObjectInfo info;
      info.key = key;
      info.size = static_cast<int64_t>(it->file_size(error));
      out.push_back(std::move(info));
    }
    if (error) return Status::IoError(root_ + ": " + error.message());
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(std::string_view key) override {
    SLUICE_ASSIGN_OR_RETURN(std::string path, PathOf(key));
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(path, errno);
    return Status::OK();
  }

  Result<std::vector<PendingUpload>> ListPendingUploads(std::string_view) override {
    return std::vector<PendingUpload>{};
  }
  Status AbortPendingUpload(const PendingUpload&) override { return Status::OK(); }

  ObjectStoreStats stats() const override {
    return {0, 0, bytes_uploaded_.load(), bytes_downloaded_.load()};
  }

 private:
  Result<std::string> PathOf(std::string_view key) const {
    if (key.empty() || key.front() == '/' || key.find("..") != std::string_view::npos) {
      return Status::InvalidArgument("bad object key '" + std::string(key) + "'");
    }
    return root_ + "/" + std::string(key);
  }

  Result<ObjectInfo> Upload(std::string_view key, const UploadSource& source,
                            const PutOptions& options) {
    SLUICE_ASSIGN_OR_RETURN(std::string path, PathOf(key));
    std::error_code error;
    fs::create_directories(fs::path(path).parent_path(), error);
    if (error) return Status::IoError(path + ": " + error.message());
    // if_match: compare and replace under an exclusive lock of the object's directory (every
    // conditional writer takes it), so two writers cannot both see the old version.
    int dir_lock = -1;
    struct Unlock {
      int* fd;
      ~Unlock() {
        if (*fd >= 0) ::close(*fd);  // closing releases the flock
      }
    } unlock{&dir_lock};
    if (!options.if_match.empty()) {
      std::string dir = fs::path(path).parent_path().string();
      dir_lock = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dir_lock < 0 || ::flock(dir_lock, LOCK_EX) != 0) return ErrnoStatus(dir, errno);
      auto current = Head(key);
      if (!current.ok() && current.status().code() != StatusCode::kNotFound) {
        return current.status();
      }
      if (!current.ok() || current->version() != options.if_match) {
        return Status::InvalidArgument(
            "conflict: " + DisplayName(key) + " changed (expected version " + options.if_match +
            ", found " + (current.ok() ? current->version() : "none") + ")");
      }
    }
    // if_absent: commit (fsync) under a private name first, then link() it to the final name;
    // link fails with EEXIST atomically, where rename() would replace an existing object.
    std::string target = path;
    if (options.if_absent) {
      target = path + ".tmp-excl-" + std::to_string(::getpid()) + "-" +
               std::to_string(exclusive_counter_.fetch_add(1));
    }
    SLUICE_ASSIGN_OR_RETURN(auto file, AtomicFile::Create(target));
    std::string block;
    // 4 MiB copy blocks: bounded memory, few syscalls.
    constexpr int64_t kBlock = 4 << 20;
    for (int64_t offset = 0; offset < source.size(); offset += kBlock) {
      SLUICE_RETURN_IF_ERROR(
          source.ReadAt(offset, std::min(kBlock, source.size() - offset), &block));
      SLUICE_RETURN_IF_ERROR(file->Append(block));
    }
    SLUICE_RETURN_IF_ERROR(file->Commit());
    if (options.if_absent) {
      int rc = ::link(target.c_str(), path.c_str());
      int err = errno;
      ::unlink(target.c_str());
      if (rc != 0 && err == EEXIST) {
        return Status::InvalidArgument("conflict: " + DisplayName(key) + " already exists");
      }
      if (rc != 0) return ErrnoStatus(path, err);
    }
    bytes_uploaded_ += source.size();
    SLUICE_ASSIGN_OR_RETURN(ObjectInfo info, Head(key));
    if (!options.sha256_hex.empty() && info.sha256_hex != options.sha256_hex) {
      return Status::Corruption(DisplayName(key) + ": written sha256 " + info.sha256_hex +
                                " differs from the expected " + options.sha256_hex);
    }
    return info;
  }

  std::string root_;
  std::atomic<int64_t> exclusive_counter_{0};
  std::atomic<int64_t> bytes_uploaded_{0};
  std::atomic<int64_t> bytes_downloaded_{0};
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenLocalStore(const std::string& root,
                                                    const ObjectStoreOptions&) {
  std::string trimmed = root;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.pop_back();
  return std::unique_ptr<ObjectStore>(new LocalStore(trimmed));
}

}  // namespace sluice::storage

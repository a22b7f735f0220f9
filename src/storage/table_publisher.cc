#include "storage/table_publisher.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "storage/hashing.h"
#include "storage/object_url.h"

namespace sluice::storage {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

Result<std::string> ReadWhole(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot be read");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

}  // namespace

Result<std::vector<ManifestFile>> ParseManifestFiles(const std::string& manifest_text,
                                                     const std::string& origin) {
  json manifest = json::parse(manifest_text, nullptr, false);
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array()) {
    return Status::Corruption(origin + ": not a sluice manifest (no \"files\" array)");
  }
  std::vector<ManifestFile> out;
  std::set<std::string> seen;
  for (const auto& entry : manifest["files"]) {
    if (!entry.is_object() || !entry.contains("file") || !entry["file"].is_string() ||
        !entry.contains("bytes") || !entry["bytes"].is_number_integer() ||
        !entry.contains("sha256") || !entry["sha256"].is_string()) {
      return Status::Corruption(origin + ": a files entry lacks file, bytes or sha256");
    }
    ManifestFile file{entry["file"].get<std::string>(), entry["bytes"].get<int64_t>(),
                      entry["sha256"].get<std::string>()};
    if (file.file.empty() || file.file.find("..") != std::string::npos || file.file[0] == '/' ||
        file.file == kManifestName) {
      return Status::Corruption(origin + ": bad file name '" + file.file + "'");
    }
    if (!seen.insert(file.file).second) {
      return Status::Corruption(origin + ": file '" + file.file + "' listed twice");
    }
    out.push_back(std::move(file));
  }
  return out;
}

Result<std::vector<std::string>> FindTableDirs(const std::string& local_dir) {
  std::error_code error;
  if (fs::is_regular_file(fs::path(local_dir) / kManifestName, error)) {
    return std::vector<std::string>{local_dir};
  }
  std::vector<std::string> out;
  if (fs::is_directory(local_dir, error)) {
    for (const auto& entry : fs::directory_iterator(local_dir, error)) {
      if (entry.is_directory(error) && fs::is_regular_file(entry.path() / kManifestName, error)) {
        out.push_back(entry.path().string());
      }
    }
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) {
    return Status::NotFound(local_dir + ": no " + std::string(kManifestName) +
                            " here or in its subdirectories (run `sluice extract` first)");
  }
  return out;
}

Result<PublishReport> PublishTable(ObjectStore* store, const std::string& local_table_dir,
                                   const std::string& remote_prefix,
                                   const PublishOptions& options) {
  // The cleanup step deletes unlisted objects under the prefix: never run it on a whole bucket.
  if (remote_prefix.empty()) {
    return Status::InvalidArgument("publishing a table needs a non-empty remote prefix");
  }
  PublishReport report;
  report.table_prefix = remote_prefix;
  std::string manifest_path = local_table_dir + "/" + kManifestName;
  SLUICE_ASSIGN_OR_RETURN(std::string manifest_text, ReadWhole(manifest_path));
  SLUICE_ASSIGN_OR_RETURN(auto files, ParseManifestFiles(manifest_text, manifest_path));

  // Abort multipart uploads a dead run left under this prefix (test 9).
  std::string list_prefix = remote_prefix.empty() ? "" : remote_prefix + "/";
  SLUICE_ASSIGN_OR_RETURN(auto pending, store->ListPendingUploads(list_prefix));
  for (const auto& upload : pending) {
    SLUICE_RETURN_IF_ERROR(store->AbortPendingUpload(upload));
    ++report.pending_aborted;
  }

  SLUICE_ASSIGN_OR_RETURN(auto remote_list, store->List(list_prefix));
  std::map<std::string, ObjectInfo> remote;
  for (auto& info : remote_list) remote[info.key] = std::move(info);

  std::atomic<size_t> next{0};
  std::mutex mutex;
  Status first_error;
  auto worker = [&]() {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!first_error.ok()) return;
      }
      size_t index = next.fetch_add(1);
      if (index >= files.size()) return;
      const ManifestFile& file = files[index];
      std::string key = JoinKey(remote_prefix, file.file);
      std::string local = local_table_dir + "/" + file.file;
      Status status;
      bool skipped = false;
      auto found = remote.find(key);
      if (found != remote.end() && found->second.size == file.bytes) {
        auto head = store->Head(key);
        if (head.ok() && head->sha256_hex == file.sha256) skipped = true;
      }
      bool local_exists = ::access(local.c_str(), F_OK) == 0;
      if (!skipped) {
        if (!local_exists) {
          status = Status::NotFound(local +
                                    ": listed in the manifest but missing locally and "
                                    "not yet published at " +
                                    store->DisplayName(key));
        } else {
          auto digests = DigestFile(local);
          if (!digests.ok()) {
            status = digests.status();
          } else if (digests->size != file.bytes || digests->sha256_hex != file.sha256) {
            status =
                Status::Corruption(local + ": size/sha256 (" + std::to_string(digests->size) +
                                   ", " + digests->sha256_hex + ") differ from the manifest (" +
                                   std::to_string(file.bytes) + ", " + file.sha256 + ")");
          } else {
            PutOptions put;
            put.sha256_hex = file.sha256;
            auto info = store->PutFile(key, local, put);
            status = info.status();
            if (info.ok() && info->size != file.bytes) {
              status = Status::Corruption(store->DisplayName(key) + ": stored size " +
                                          std::to_string(info->size) +
                                          " != " + std::to_string(file.bytes));
            }
          }
        }
      }
      if (status.ok() && options.delete_local && local_exists) {
        if (::unlink(local.c_str()) != 0 && errno != ENOENT) status = ErrnoStatus(local, errno);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok()) {
        if (first_error.ok()) first_error = status;
        return;
      }
      if (skipped) {
        ++report.files_skipped;
      } else {
        ++report.files_uploaded;
        report.bytes_uploaded += file.bytes;
      }
      if (options.delete_local && local_exists) ++report.local_deleted;
      if (options.on_file) options.on_file(file.file, file.bytes, skipped);
    }
  };
  int threads = std::max(1, std::min<int>(options.parallel_files, static_cast<int>(files.size())));
  std::vector<std::thread> pool;
  for (int thread_idx = 1; thread_idx < threads; ++thread_idx) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  SLUICE_RETURN_IF_ERROR(first_error);

  // Commit point: every listed part is verified remotely; now the manifest.
  SLUICE_RETURN_IF_ERROR(store
                             ->Put(JoinKey(remote_prefix, kManifestName), manifest_text,
                                   PutOptions{.content_type = "application/json"})
                             .status());

  // Clean up what the manifest does not list.
  std::set<std::string> listed;
  for (const auto& file : files) listed.insert(JoinKey(remote_prefix, file.file));
  listed.insert(JoinKey(remote_prefix, kManifestName));
  for (const auto& [key, info] : remote) {
    if (listed.count(key)) continue;
    SLUICE_RETURN_IF_ERROR(store->Delete(key));
    ++report.stale_deleted;
  }
  return report;
}

}  // namespace sluice::storage

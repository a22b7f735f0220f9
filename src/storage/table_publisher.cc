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
#include "storage/upload_source.h"

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

std::string PublishedName(const std::string& file, const std::string& sha256_hex) {
  size_t slash = file.rfind('/');
  size_t base = slash == std::string::npos ? 0 : slash + 1;
  size_t dot = file.rfind('.');
  if (dot == std::string::npos || dot <= base) dot = file.size();
  return file.substr(0, dot) + "-" + sha256_hex.substr(0, 16) + file.substr(dot);
}

namespace {

constexpr const char* kValidationReport = "_validation.json";
constexpr const char* kRejectsDir = "_rejects";

// A file to publish: the manifest's parts, then the validation report and rejected rows.
struct PublishItem {
  ManifestFile file;
  bool part = true;  // false: report/rejects (kept locally, not in "files")
};

// The validation outputs a --contract extract leaves next to the parts.
Result<std::vector<PublishItem>> ValidationFiles(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code error;
  if (fs::is_regular_file(fs::path(dir) / kValidationReport, error)) {
    names.push_back(kValidationReport);
  }
  if (fs::is_directory(fs::path(dir) / kRejectsDir, error)) {
    for (const auto& entry : fs::directory_iterator(fs::path(dir) / kRejectsDir, error)) {
      std::string name = entry.path().filename().string();
      if (entry.is_regular_file(error) && !AtomicFile::IsTemporaryName(name)) {
        names.push_back(std::string(kRejectsDir) + "/" + name);
      }
    }
  }
  std::sort(names.begin(), names.end());
  std::vector<PublishItem> out;
  for (const auto& name : names) {
    SLUICE_ASSIGN_OR_RETURN(auto digests, DigestFile(dir + "/" + name));
    out.push_back({{name, digests.size, digests.sha256_hex}, false});
  }
  return out;
}

json FileEntry(const ManifestFile& file, const std::string& published) {
  return {{"file", published}, {"bytes", file.bytes}, {"sha256", file.sha256}};
}

// The manifest readers of the remote table see: the local one with published names.
std::string RemoteManifest(json manifest, const std::vector<PublishItem>& items) {
  std::map<std::string, std::string> names;
  json rejects = json::array();
  json report;
  for (const auto& item : items) {
    std::string published = PublishedName(item.file.file, item.file.sha256);
    if (item.part) {
      names[item.file.file] = published;
    } else if (item.file.file == kValidationReport) {
      report = FileEntry(item.file, published);
    } else {
      rejects.push_back(FileEntry(item.file, published));
    }
  }
  for (auto& entry : manifest["files"]) entry["file"] = names.at(entry["file"].get<std::string>());
  if (!report.is_null() || !rejects.empty()) {
    manifest["validation"] = {{"report", report}, {"rejects", rejects}};
  }
  return manifest.dump(2) + "\n";
}

// Uploads one item unless the store already has it (name, size and sha256); returns whether
// it was skipped.
Result<bool> UploadItem(ObjectStore* store, const std::map<std::string, ObjectInfo>& remote,
                        const std::map<std::string, std::string>& verified, const std::string& key,
                        const std::string& local, const ManifestFile& file) {
  auto known = verified.find(key);
  if (known != verified.end() && known->second == file.sha256) return true;
  auto found = remote.find(key);
  if (found != remote.end() && found->second.size == file.bytes) {
    auto head = store->Head(key);
    if (head.ok() && head->sha256_hex == file.sha256) return true;
  }
  if (::access(local.c_str(), F_OK) != 0) {
    return Status::NotFound(local + ": listed in the manifest but missing locally and not yet " +
                            "published at " + store->DisplayName(key));
  }
  SLUICE_ASSIGN_OR_RETURN(auto source, UploadSource::OpenFile(local));
  std::string sha256;
  SLUICE_RETURN_IF_ERROR(source->Digest(nullptr, &sha256, nullptr));
  if (source->size() != file.bytes || sha256 != file.sha256) {
    return Status::Corruption(local + ": size/sha256 (" + std::to_string(source->size()) + ", " +
                              sha256 + ") differ from the manifest (" + std::to_string(file.bytes) +
                              ", " + file.sha256 + ")");
  }
  PutOptions put;
  put.sha256_hex = file.sha256;
  SLUICE_ASSIGN_OR_RETURN(auto info, store->PutFile(key, local, put));
  if (info.size != file.bytes) {
    return Status::Corruption(store->DisplayName(key) + ": stored size " +
                              std::to_string(info.size) + " != " + std::to_string(file.bytes));
  }
  return false;
}

// Every key the commit will list must be stored with its size (a concurrent publisher's
// cleanup could have removed one since it was uploaded).
// Returns the listing (key -> size), from which the cleanup after the commit works.
Result<std::map<std::string, int64_t>> CheckStored(ObjectStore* store,
                                                   const std::string& list_prefix,
                                                   const std::map<std::string, int64_t>& expected) {
  SLUICE_ASSIGN_OR_RETURN(auto listed, store->List(list_prefix));
  std::map<std::string, int64_t> sizes;
  for (const auto& info : listed) sizes[info.key] = info.size;
  for (const auto& [key, bytes] : expected) {
    auto found = sizes.find(key);
    if (found == sizes.end() || found->second != bytes) {
      return Status::Unavailable(store->DisplayName(key) +
                                 ": uploaded but no longer stored with its size before the "
                                 "manifest commit (another run cleaning up the table?)");
    }
  }
  return sizes;
}

// Keys a (winning) manifest lists.
std::set<std::string> ListedKeys(const std::string& manifest_text,
                                 const std::string& remote_prefix) {
  std::set<std::string> keys;
  json manifest = json::parse(manifest_text, nullptr, false);
  if (!manifest.is_object()) return keys;
  auto add = [&](const json& entry) {
    if (entry.is_object() && entry.contains("file") && entry["file"].is_string()) {
      keys.insert(JoinKey(remote_prefix, entry["file"].get<std::string>()));
    }
  };
  if (manifest.contains("files") && manifest["files"].is_array()) {
    for (const auto& entry : manifest["files"]) add(entry);
  }
  if (manifest.contains("validation") && manifest["validation"].is_object()) {
    add(manifest["validation"].value("report", json()));
    for (const auto& entry : manifest["validation"].value("rejects", json::array())) add(entry);
  }
  return keys;
}

// Deletes `keys` on up to `threads` threads (the deletes after the commit are the tail of a
// publish: in parallel they cost a few round trips instead of one per object).
Status DeleteAll(ObjectStore* store, const std::vector<std::string>& keys, int threads) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  Status first_error;
  auto worker = [&]() {
    for (size_t index = next.fetch_add(1); index < keys.size(); index = next.fetch_add(1)) {
      Status status = store->Delete(keys[index]);
      if (!status.ok()) {
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.ok()) first_error = status;
        return;
      }
    }
  };
  int count = std::max(1, std::min<int>(threads, static_cast<int>(keys.size())));
  std::vector<std::thread> pool;
  for (int thread_idx = 1; thread_idx < count; ++thread_idx) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();
  return first_error;
}

}  // namespace

Result<std::vector<std::string>> UploadValidationFiles(ObjectStore* store,
                                                       const std::string& local_table_dir,
                                                       const std::string& remote_prefix) {
  SLUICE_ASSIGN_OR_RETURN(auto items, ValidationFiles(local_table_dir));
  std::vector<std::string> keys;
  for (const auto& item : items) {
    std::string key = JoinKey(remote_prefix, PublishedName(item.file.file, item.file.sha256));
    SLUICE_RETURN_IF_ERROR(
        UploadItem(store, {}, {}, key, local_table_dir + "/" + item.file.file, item.file).status());
    keys.push_back(key);
  }
  return keys;
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
  const std::string manifest_key = JoinKey(remote_prefix, kManifestName);
  std::string manifest_path = local_table_dir + "/" + kManifestName;
  SLUICE_ASSIGN_OR_RETURN(std::string manifest_text, ReadWhole(manifest_path));
  SLUICE_ASSIGN_OR_RETURN(auto files, ParseManifestFiles(manifest_text, manifest_path));
  ManifestVersion base;
  if (options.base) {
    base = *options.base;
  } else {
    SLUICE_ASSIGN_OR_RETURN(base, ObserveManifest(store, manifest_key));
  }
  std::vector<PublishItem> items;
  for (auto& file : files) items.push_back({std::move(file), true});
  SLUICE_ASSIGN_OR_RETURN(auto validation_files, ValidationFiles(local_table_dir));
  items.insert(items.end(), validation_files.begin(), validation_files.end());

  // Abort multipart uploads a dead run left under this prefix (test 9).
  std::string list_prefix = remote_prefix + "/";
  SLUICE_ASSIGN_OR_RETURN(auto pending, store->ListPendingUploads(list_prefix));
  for (const auto& upload : pending) {
    SLUICE_RETURN_IF_ERROR(store->AbortPendingUpload(upload));
    ++report.pending_aborted;
  }

  // What is stored already decides what to skip; not needed when the caller verified every
  // file in this run (RemoteExtract's uploader): one request less at the tail of the run.
  std::map<std::string, ObjectInfo> remote;
  bool all_verified = true;
  for (const auto& item : items) {
    auto known = options.verified.find(
        JoinKey(remote_prefix, PublishedName(item.file.file, item.file.sha256)));
    all_verified =
        all_verified && known != options.verified.end() && known->second == item.file.sha256;
  }
  if (!all_verified || !options.stale_candidates) {
    SLUICE_ASSIGN_OR_RETURN(auto remote_list, store->List(list_prefix));
    for (auto& info : remote_list) remote[info.key] = std::move(info);
  }
  std::set<std::string> candidates;
  if (options.stale_candidates) {
    candidates = *options.stale_candidates;
  } else {
    for (const auto& [key, info] : remote) candidates.insert(key);
  }

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
      if (index >= items.size()) return;
      const PublishItem& item = items[index];
      const ManifestFile& file = item.file;
      std::string key = JoinKey(remote_prefix, PublishedName(file.file, file.sha256));
      std::string local = local_table_dir + "/" + file.file;
      auto skipped = UploadItem(store, remote, options.verified, key, local, file);
      Status status = skipped.status();
      // Report and rejects stay local: a rerun publishes them again (they are not listed).
      bool delete_local = status.ok() && options.delete_local && item.part;
      bool deleted = false;
      if (delete_local && ::unlink(local.c_str()) == 0) {
        deleted = true;
      } else if (delete_local && errno != ENOENT) {
        status = ErrnoStatus(local, errno);
      }
      std::lock_guard<std::mutex> lock(mutex);
      if (!status.ok()) {
        if (first_error.ok()) first_error = status;
        return;
      }
      if (*skipped) {
        ++report.files_skipped;
      } else {
        ++report.files_uploaded;
        report.bytes_uploaded += file.bytes;
      }
      if (deleted) ++report.local_deleted;
      if (options.on_file) options.on_file(file.file, file.bytes, *skipped);
    }
  };
  int threads = std::max(1, std::min<int>(options.parallel_files, static_cast<int>(items.size())));
  std::vector<std::thread> pool;
  for (int thread_idx = 1; thread_idx < threads; ++thread_idx) pool.emplace_back(worker);
  worker();
  for (auto& thread : pool) thread.join();

  std::map<std::string, int64_t> expected;  // key -> bytes of everything the manifest lists
  for (const auto& item : items) {
    std::string key = JoinKey(remote_prefix, PublishedName(item.file.file, item.file.sha256));
    expected[key] = item.file.bytes;
    if (item.part) report.keys.push_back(key);
  }
  Status status = first_error;
  std::map<std::string, int64_t> stored_before_commit;
  if (status.ok()) {
    auto checked = CheckStored(store, list_prefix, expected);
    status = checked.status();
    if (checked.ok()) stored_before_commit = std::move(checked).value();
  }
  std::string remote_manifest;
  if (status.ok()) {
    remote_manifest = RemoteManifest(json::parse(manifest_text), items);
    auto committed = CommitManifest(store, manifest_key, remote_manifest, base, options.on_warning);
    status = committed.status();
    if (committed.ok()) report.conditional = committed->conditional;
  }
  if (!status.ok()) {
    // A failure caused by a run that committed meanwhile is that run's win: say so.
    auto now = ObserveManifest(store, manifest_key);
    bool superseded = now.ok() && (now->exists != base.exists || now->version != base.version);
    if (superseded || IsConflict(status)) {
      // The loser removes its files that the winner does not list (best effort; the winner's
      // next publish would remove them too), including those its uploader sent earlier.
      auto winner = store->Get(manifest_key);
      if (winner.ok() && *winner != remote_manifest) {
        std::set<std::string> keep = ListedKeys(*winner, remote_prefix);
        for (const auto& [key, bytes] : expected) {
          if (!keep.count(key)) (void)store->Delete(key);
        }
      }
      if (!IsConflict(status)) {
        status = Status::InvalidArgument(
            "conflict: another run published " + store->DisplayName(manifest_key) +
            " while this one ran; this run published nothing (" + status.message() + ")");
      }
    }
    return status;
  }

  // Clean up what the manifest does not list, unless another run has replaced it already
  // (its objects are not ours to judge).
  auto stored = store->Get(manifest_key);
  if (!stored.ok() || *stored != remote_manifest) return report;
  expected[manifest_key] = 0;
  // Unlisted candidates (earlier attempts, superseded runs) and in-progress records that are
  // still stored.
  const std::string records_prefix = JoinKey(remote_prefix, std::string(kResumeDir) + "/");
  std::vector<std::string> stale;
  for (const auto& [key, size] : stored_before_commit) {
    if (expected.count(key)) continue;
    if (candidates.count(key) || key.rfind(records_prefix, 0) == 0) stale.push_back(key);
  }
  SLUICE_RETURN_IF_ERROR(DeleteAll(store, stale, options.parallel_files));
  report.stale_deleted = static_cast<int64_t>(stale.size());
  return report;
}

}  // namespace sluice::storage

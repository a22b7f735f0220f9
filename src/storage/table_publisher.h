// TablePublisher: uploads one extracted table directory (DIR/TABLE/part-*.parquet plus the
// _manifest.json `sluice extract` writes) to an object store under PREFIX/TABLE/, so that the
// remote table is either the previous complete version or the new complete one:
//  1. the manifest is read and each listed local file is checked against its size and sha256;
//  2. multipart uploads left under the prefix by a dead run are aborted;
//  3. every listed file is uploaded (verified by the store); a remote object that already has
//     the same size and sha256 (from an earlier, interrupted run) is skipped: resume;
//  4. _manifest.json is uploaded last: the commit point readers trust;
//  5. objects under the prefix that the manifest does not list (earlier attempts, superseded
//     runs) are deleted;
//  6. with delete_local, each local part file is deleted right after its verified upload (a
//     rerun then finds the part remotely and skips it).
// Thread-safety: one Publish() at a time per table prefix; uploads inside run in parallel.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sluice/object_store.h"

namespace sluice::storage {

struct PublishOptions {
  bool delete_local = false;
  /// Files uploaded at once (each large file also uploads its parts in parallel).
  int parallel_files = 4;
  /// Called after each file is published (or skipped): file name, bytes, skipped.
  std::function<void(const std::string&, int64_t, bool)> on_file;
};

struct PublishReport {
  std::string table_prefix;
  int64_t files_uploaded = 0;
  int64_t files_skipped = 0;
  int64_t bytes_uploaded = 0;
  int64_t stale_deleted = 0;
  int64_t pending_aborted = 0;
  int64_t local_deleted = 0;
};

/// One file the manifest lists.
struct ManifestFile {
  std::string file;
  int64_t bytes = 0;
  std::string sha256;
};

/// Parses the `files` of a _manifest.json; kCorruption names the problem.
Result<std::vector<ManifestFile>> ParseManifestFiles(const std::string& manifest_text,
                                                     const std::string& origin);

/// Publishes `local_table_dir` to `store` under `remote_prefix` (no trailing '/').
Result<PublishReport> PublishTable(ObjectStore* store, const std::string& local_table_dir,
                                   const std::string& remote_prefix, const PublishOptions& options);

/// Table directories below `local_dir`: itself when it holds a _manifest.json, else each
/// immediate subdirectory that does. kNotFound when there is none.
Result<std::vector<std::string>> FindTableDirs(const std::string& local_dir);

inline constexpr const char* kManifestName = "_manifest.json";

}  // namespace sluice::storage

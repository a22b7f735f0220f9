// TablePublisher: uploads one extracted table directory (DIR/TABLE/part-*.parquet plus the
// _manifest.json `sluice extract` writes, and the _validation.json / _rejects/ of a --contract
// extract) to an object store under PREFIX/TABLE/, so that the remote table is either the
// previous complete version or the new complete one:
//  1. the manifest is read and each listed local file is checked against its size and sha256;
//  2. multipart uploads left under the prefix by a dead run are aborted;
//  3. every file is uploaded (verified by the store) under its content-addressed name
//     (PublishedName: part-00003-<sha256 prefix>.parquet), so an object is never replaced by
//     different bytes: a rerun or a concurrent run can neither clobber a published part nor
//     mix its files into another run's manifest. A remote object that already has the name,
//     size and sha256 (an earlier, interrupted run; identical data) is skipped: resume;
//  4. the remote manifest (the local one with the published names, plus a "validation" entry)
//     is committed last by CommitManifest: only if it is still the version the run saw when it
//     began (PublishOptions::base), else the run reports a conflict, publishes nothing and
//     deletes the objects only it uploaded;
//  5. objects under the prefix that the committed manifest does not list (earlier attempts,
//     superseded runs, the _sluice/ in-progress records of a remote extract) are deleted;
//  6. with delete_local, each local part file is deleted right after its verified upload (a
//     rerun then finds the part remotely and skips it).
// Thread-safety: uploads inside run in parallel; concurrent publishers of one prefix are
// serialized by the manifest's precondition (see manifest_commit.h for stores without one).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sluice/object_store.h"
#include "storage/manifest_commit.h"

namespace sluice::storage {

struct PublishOptions {
  bool delete_local = false;
  /// Files uploaded at once (each large file also uploads its parts in parallel).
  int parallel_files = 4;
  /// Called after each file is published (or skipped): file name, bytes, skipped.
  std::function<void(const std::string&, int64_t, bool)> on_file;
  /// The manifest as the run saw it before its first upload (ObserveManifest); the commit
  /// succeeds only if it is unchanged. Unset: observed when PublishTable starts.
  std::optional<ManifestVersion> base;
  /// Objects (key -> sha256) the caller stored and verified already in this run: skipped
  /// without a HEAD (their presence is still checked by the listing before the commit).
  std::map<std::string, std::string> verified;
  /// Keys that this run may delete after its commit when the manifest does not list them (what
  /// existed when the run began, and what it uploaded itself); objects a concurrent run stored
  /// meanwhile are then left alone, even on a store that does not enforce the commit's
  /// precondition. Unset: what was stored when PublishTable started. In-progress records
  /// (kResumeDir) are removed either way.
  std::optional<std::set<std::string>> stale_candidates;
  /// Warnings (e.g. a store without conditional writes); default: dropped.
  std::function<void(const std::string&)> on_warning;
};

struct PublishReport {
  std::string table_prefix;
  int64_t files_uploaded = 0;
  int64_t files_skipped = 0;
  int64_t bytes_uploaded = 0;
  int64_t stale_deleted = 0;
  int64_t pending_aborted = 0;
  int64_t local_deleted = 0;
  /// Remote keys of the data files, in manifest order.
  std::vector<std::string> keys;
  /// False when the store lacks conditional writes (CommitResult::conditional).
  bool conditional = true;
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

/// Uploads only the validation report and rejected rows of a failed --contract extract (no
/// manifest: the table is not published; the objects are removed by the next publish). Returns
/// their keys.
Result<std::vector<std::string>> UploadValidationFiles(ObjectStore* store,
                                                       const std::string& local_table_dir,
                                                       const std::string& remote_prefix);

/// Table directories below `local_dir`: itself when it holds a _manifest.json, else each
/// immediate subdirectory that does. kNotFound when there is none.
Result<std::vector<std::string>> FindTableDirs(const std::string& local_dir);

/// The name a file is published under: the first 16 hex digits of its sha256 before the
/// extension ("part-00003.parquet" -> "part-00003-0123456789abcdef.parquet",
/// "_rejects/part-00003.parquet" -> "_rejects/part-00003-....parquet").
std::string PublishedName(const std::string& file, const std::string& sha256_hex);

inline constexpr const char* kManifestName = "_manifest.json";
/// In-progress records of a remote extract (state and committed chunks) under PREFIX/TABLE/;
/// removed when the table is published.
inline constexpr const char* kResumeDir = "_sluice";

}  // namespace sluice::storage

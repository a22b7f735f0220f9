// RemoteTransformIo: the object-store side of a pipeline's `transforms:` when the destination is
// s3:// or gs:// (the query engine reads local files only):
//  - inputs: LocalTable() copies exactly the files DEST/TABLE/_manifest.json lists into
//    STAGING/_transform_inputs/TABLE/ (each download is checked against the manifest's size and
//    sha256; a cached file that already matches is reused, files the manifest does not list are
//    removed), so the engine sees the published table and nothing else;
//  - output: the engine writes STAGING/_transform_outputs/OUTPUT, UploadOutput() stores it at
//    DEST/OUTPUT with the store's verified upload and deletes the local file;
//  - RemoveInputs() deletes the input cache (the runner calls it when every transform succeeded;
//    after a failure the cache stays, so a rerun with --transforms-only downloads only what
//    changed).
// NamesReadBy() says which tables a transform reads, so only those are downloaded.
// Thread-safety: none (transforms run one after another). Ownership: owns its store.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "engine/query_engine.h"
#include "runner/pipeline/pipeline_config.h"
#include "sluice/object_store.h"
#include "sluice/result.h"

namespace sluice::runner::pipeline {

class RemoteTransformIo;

/// The names a query reads, lower-cased (the engine's catalog is case-insensitive).
struct SqlNames {
  std::set<std::string> tables;  // every FROM / JOIN name, including those that name a CTE
  std::set<std::string> ctes;    // every WITH name, at any depth
};

/// Parses `sql`; a syntax error is the parser's InvalidArgument.
Result<SqlNames> NamesReadBy(const std::string& sql);

/// Registers with `engine` each table of `config` that `sql` reads: its directory under
/// `local_root` (a local destination) or, with `remote`, the verified local copy of its
/// published files. A table the SQL reads that is not extracted is kNotFound naming its
/// manifest (unless the name is also a CTE of the query, which the engine resolves first).
Status RegisterTransformInputs(const PipelineConfig& config, const std::string& local_root,
                               RemoteTransformIo* remote, const std::string& sql,
                               engine::QueryEngine* engine);

class RemoteTransformIo {
 public:
  /// Opens the store of `destination` (s3://, gs://); `staging_root` holds the caches.
  static Result<std::unique_ptr<RemoteTransformIo>> Open(const std::string& destination,
                                                         const std::string& staging_root);

  /// Local directory holding exactly the published files of `table` (downloaded or reused,
  /// verified). kNotFound naming DEST/TABLE/_manifest.json when the table is not published.
  Result<std::string> LocalTable(const std::string& table);
  /// Where the engine writes the transform output `output` (relative, .parquet).
  std::string LocalOutput(const std::string& output) const;
  /// The URL of DEST/output (no secrets).
  std::string OutputUrl(const std::string& output) const;
  /// Uploads LocalOutput(output) to DEST/output (verified by the store) and deletes the local
  /// file.
  Status UploadOutput(const std::string& output);
  /// Deletes STAGING/_transform_inputs and STAGING/_transform_outputs.
  Status RemoveInputs();

  std::string inputs_dir() const;
  int64_t bytes_downloaded() const { return bytes_downloaded_; }
  int64_t files_reused() const { return files_reused_; }

 private:
  RemoteTransformIo() = default;

  std::unique_ptr<ObjectStore> store_;
  std::string staging_root_;
  std::set<std::string> ready_;  // tables already copied in this run
  int64_t bytes_downloaded_ = 0;
  int64_t files_reused_ = 0;
};

}  // namespace sluice::runner::pipeline

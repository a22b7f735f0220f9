// RemoteExtract: what `sluice extract --dest s3://...|gs://...` adds around runner::RunExtract.
//  - The extract writes into a local spool (--spool, else a temporary directory removed at the
//    end); each committed part is handed to a ChunkUploader while the next chunks are extracted.
//  - Resume from the remote side: the plan state is stored at PREFIX/NAME/_sluice/state.json
//    and each chunk's record (its progress line, tagged with the state's sha256) as metadata of
//    its part object, written by the same request as the part (or, when an identical part was
//    stored by another run, at PREFIX/NAME/_sluice/chunks/part-NNNNN.json). A rerun whose spool
//    has no state (a temporary spool, a new machine) restores both into the spool, and
//    ExtractOptions::chunk_stored_elsewhere accepts a recorded chunk whose object is stored with
//    its size and sha256: only the missing chunks are extracted and uploaded again.
//  - Publish: storage::PublishTable with the manifest version seen before the first upload, so
//    a concurrent run that published meanwhile makes this one fail with a conflict. Publishing
//    removes the _sluice/ records (the manifest does not list them).
// Thread-safety: the ExtractOptions hooks it installs may be called from several chunk threads;
// Publish()/UploadValidation() from the driving thread after RunExtract returned.
// Ownership: owns the store, the uploader and a temporary spool.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "runner/chunk_uploader.h"
#include "runner/extract_job.h"
#include "sluice/object_store.h"
#include "storage/table_publisher.h"

namespace sluice::runner {

struct RemoteExtractOptions {
  std::string dest;   // s3://BUCKET/PREFIX or gs://BUCKET/PREFIX
  std::string spool;  // empty: a temporary directory under $TMPDIR, removed at the end
  /// Most bytes of part files waiting for upload (0: no limit).
  int64_t max_local_bytes = 0;
  /// Ignore (and delete) the remote in-progress records of an earlier run.
  bool restart = false;
  /// Progress and warnings; null: nowhere.
  std::ostream* log = nullptr;
};

class RemoteExtract {
 public:
  /// Opens the store (contacting it: the manifest's version is read), makes the spool, restores
  /// an interrupted run's records unless `restart`, and installs options->dest,
  /// on_file_committed and chunk_stored_elsewhere.
  static Result<std::unique_ptr<RemoteExtract>> Begin(const RemoteExtractOptions& remote,
                                                      ExtractOptions* options);
  ~RemoteExtract();  // stops the uploader; removes a temporary spool unless kept
  RemoteExtract(const RemoteExtract&) = delete;
  RemoteExtract& operator=(const RemoteExtract&) = delete;

  /// After a successful RunExtract: waits for the uploads, then publishes (manifest last).
  /// Returns a one-line description of what was uploaded.
  Result<std::string> Publish(const ExtractSummary& summary);
  /// After a failed contract: uploads the validation report and rejected rows (no manifest).
  Result<std::vector<std::string>> UploadValidation();

  ObjectStore* store() const { return store_.get(); }
  /// The remote table: s3://BUCKET/PREFIX/NAME.
  std::string table_url() const { return store_->DisplayName(name_); }
  const std::string& spool() const { return spool_; }
  /// Chunks the restored records listed (before verification against the store).
  int64_t restored_chunks() const { return restored_chunks_; }
  /// Keeps a temporary spool on destruction (e.g. when its files could not be uploaded).
  void KeepSpool() { temporary_spool_ = false; }

 private:
  RemoteExtract() = default;
  Status Restore();
  Result<std::vector<std::string>> RecordsOfParts(const std::vector<std::string>& keys);
  Status DeleteRecords();
  Status OnCommitted(const ChunkResult& chunk);
  bool StoredRemotely(const ChunkResult& chunk);
  Result<std::string> StateFingerprint();
  void Log(const std::string& text) const;

  RemoteExtractOptions options_;
  std::unique_ptr<ObjectStore> store_;
  std::string spool_;
  bool temporary_spool_ = false;
  std::string name_;       // the table's directory name = the remote prefix under the dest
  std::string table_dir_;  // spool/name
  storage::ManifestVersion base_;
  int64_t restored_chunks_ = 0;
  std::unique_ptr<ChunkUploader> uploader_;
  std::mutex mutex_;
  std::optional<std::string> fingerprint_;  // guarded by mutex_
  // Remote key -> size when the run began (one listing, by Begin()); read-only afterwards.
  std::optional<std::map<std::string, int64_t>> sizes_;
};

}  // namespace sluice::runner

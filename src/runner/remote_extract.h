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
//  - Shared plans (`sluice run --shard`, `sluice plan --save` on s3/gs): SharePlan() stores the
//    spool's plan as state.json only if none is stored (else adopts the stored one), and
//    SyncRecords() loads every shard's chunk records before the table is finished, so the shard
//    that finds every chunk recorded publishes the manifest (see runner/pipeline/remote_table.h).
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
#include "runner/spool_dir.h"
#include "sluice/object_store.h"
#include "storage/table_publisher.h"

namespace sluice::runner {

struct RemoteExtractOptions {
  std::string dest;  // s3://BUCKET/PREFIX or gs://BUCKET/PREFIX
  /// Empty: a temporary directory under $TMPDIR, removed at the end; those that killed runs
  /// left behind are removed first (runner/spool_dir.h).
  std::string spool;
  /// Most bytes of part files waiting for upload (0: no limit).
  int64_t max_local_bytes = 0;
  /// Ignore (and delete) the remote in-progress records of an earlier run.
  bool restart = false;
  /// Progress and warnings; null: nowhere.
  std::ostream* log = nullptr;
  std::string log_prefix = "sluice extract: ";
  /// Threads writing part files at once (the spool keeps room for one part each); 0: --jobs.
  int writers = 0;
  /// Restore the remote plan state even when the spool has one (shards: the stored plan is the
  /// table's plan, whatever this machine's spool holds from an earlier run).
  bool prefer_remote_state = false;
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

  /// After TableExtract::SavePlan wrote the spool's plan state: stores it as the table's remote
  /// plan unless one is stored already (create-only; on a store without conditional writes,
  /// checked right before an unconditional put). Returns true when the stored plan is the
  /// spool's; false when another process stored a different plan first: that plan and its
  /// chunk records then replaced the spool's, and the caller prepares the table again.
  Result<bool> SharePlan();
  /// After this process's last chunk: waits for its uploads, stores the records of its empty
  /// chunks among `own` (they have no part to carry one), then loads the chunk records every
  /// process stored for the plan into the spool (so TableExtract::Finish sees the whole table).
  /// False when no plan is stored any more (the table was published meanwhile, or discarded);
  /// kInvalidArgument when another plan replaced this process's.
  Result<bool> SyncRecords(const std::vector<ChunkResult>& own);
  const std::string& name() const { return name_; }

  ObjectStore* store() const { return store_.get(); }
  /// The remote table: s3://BUCKET/PREFIX/NAME.
  std::string table_url() const { return store_->DisplayName(name_); }
  const std::string& spool() const { return spool_; }
  /// Chunks the restored records listed (before verification against the store).
  int64_t restored_chunks() const { return restored_chunks_; }
  /// Keeps a temporary spool on destruction (e.g. when its files could not be uploaded).
  void KeepSpool() {
    temporary_spool_ = false;
    if (spool_dir_) spool_dir_->Keep();  // and from later runs' sweeps
  }

 private:
  RemoteExtract() = default;
  Status Restore();
  Status RestoreRecords(const std::string& state, bool log);
  Result<std::string> LocalState() const;
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
  std::unique_ptr<SpoolDir> spool_dir_;  // a temporary spool's liveness lock (spool_dir.h)
  std::string name_;       // the table's directory name = the remote prefix under the dest
  std::string table_dir_;  // spool/name
  storage::ManifestVersion base_;
  int64_t restored_chunks_ = 0;
  std::unique_ptr<ChunkUploader> uploader_;
  std::mutex mutex_;
  std::optional<std::string> fingerprint_;  // guarded by mutex_
  bool state_shared_ = false;               // SharePlan() stored it; guarded by mutex_
  // Remote key -> size when the run began (one listing, by Begin(); again by SyncRecords(),
  // when no chunk runs); read-only otherwise.
  std::optional<std::map<std::string, int64_t>> sizes_;
};

}  // namespace sluice::runner

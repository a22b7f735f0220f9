// ChunkUploader: uploads the part files `sluice extract --dest s3://...|gs://...` commits to its
// local spool while the next chunks are being extracted. One background thread takes committed
// files from a queue, uploads each under its content-addressed name (storage::PublishedName;
// skipping one already stored with the same size and sha256), checks the stored size, stores the
// chunk's in-progress record if it has one (what a rerun trusts to skip the chunk: as metadata of
// the part, or, for a part another run had stored, as an object of its own), and deletes the
// local file. Enqueue() blocks until the files not yet uploaded, the new one, and one more
// part per writer (the files being written next, sized like the largest part so far) fit in
// `max_local_bytes`, so extraction waits when the spool is full and the spool directory stays
// under the limit when it is at least (writers + 1) parts. With a smaller limit, a file is
// still accepted when nothing else waits (no deadlock).
// The table's manifest is published afterwards by storage::PublishTable (parts verified first,
// manifest last), which finds the uploaded parts remotely and skips them.
// Thread-safety: Enqueue() may be called from any number of threads; Finish() once, last.
// Ownership: borrows `store`, which must outlive the uploader.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "sluice/object_store.h"
#include "sluice/result.h"

namespace sluice::runner {

/// Object metadata name of a part's resume record (base64 of ChunkRecord::compact).
inline constexpr const char* kChunkRecordMetadata = "sluice-chunk";

/// The resume record of a chunk (RemoteExtract): stored as metadata of the part, by the request
/// that stores the part, when it is small enough for every store (Swift allows 256 bytes per
/// value); else, or when an identical part stored by another run carries another record, as
/// the object `object_key` holding `full`.
struct ChunkRecord {
  std::string compact;  // JSON without what the object itself tells (file, bytes, sha256)
  std::string full;     // JSON with everything
  std::string object_key;
};

struct UploaderStats {
  int64_t files_uploaded = 0;
  int64_t files_skipped = 0;  // already stored with the same size and sha256
  int64_t bytes_uploaded = 0;
  int64_t peak_spool_bytes = 0;  // most bytes queued or uploading at once
  int64_t waits = 0;             // Enqueue() calls that had to wait for room
};

class ChunkUploader {
 public:
  /// Files are read from `local_dir`/FILE and stored at `remote_prefix`/FILE.
  ChunkUploader(ObjectStore* store, std::string local_dir, std::string remote_prefix,
                int64_t max_local_bytes);
  ~ChunkUploader();  // stops the thread; files still queued stay local
  ChunkUploader(const ChunkUploader&) = delete;
  ChunkUploader& operator=(const ChunkUploader&) = delete;

  /// Queues a committed file; waits while the spool is full. Returns the first upload error
  /// seen so far (the extract should stop then). A `record` is stored once the file is.
  Status Enqueue(const std::string& file, int64_t bytes, const std::string& sha256,
                 const ChunkRecord& record = {});
  /// Queues a small object (`text` at `key`, no local file) in order with the files: it is
  /// stored before anything enqueued later. Does not wait for spool room.
  Status EnqueueObject(const std::string& key, const std::string& text);
  /// Waits until every queued file is uploaded; returns the first error.
  Status Finish();
  UploaderStats stats() const;
  /// Threads writing part files into the spool (--jobs); default 1.
  void SetWriters(int writers);
  /// The objects (key -> size) under the prefix when the run began, from one listing: a key not
  /// in it is uploaded without asking the store first (saves a HEAD per file). Call before the
  /// first Enqueue(); without it every file is checked with a HEAD.
  void SetInitialListing(std::map<std::string, int64_t> sizes);
  /// Key -> sha256 of every object this uploader stored or found identical (for PublishTable).
  std::map<std::string, std::string> verified() const;

 private:
  struct Item {
    std::string file;
    int64_t bytes = 0;
    std::string sha256;
    ChunkRecord record;
  };
  void Loop();
  Status Upload(const Item& item);

  ObjectStore* store_;
  const std::string local_dir_;
  const std::string remote_prefix_;
  const int64_t max_local_bytes_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<Item> queue_;   // guarded by mutex_
  int64_t spool_bytes_ = 0;  // queued + uploading; guarded by mutex_
  bool busy_ = false;        // an upload is running; guarded by mutex_
  int64_t writers_ = 1;      // guarded by mutex_
  int64_t largest_ = 0;      // largest file enqueued so far; guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  Status error_;             // first upload error; guarded by mutex_
  UploaderStats stats_;      // guarded by mutex_
  std::optional<std::map<std::string, int64_t>> listing_;  // set before the first Enqueue()
  std::map<std::string, std::string> verified_;            // guarded by mutex_
  std::thread thread_;
};

}  // namespace sluice::runner

// ChunkUploader: uploads the part files `sluice extract --dest s3://...|gs://...` commits to its
// local spool while the next chunks are being extracted. One background thread takes committed
// files from a queue, uploads each (skipping one already stored with the same size and sha256),
// checks the stored size, and deletes the local file. Enqueue() blocks while the spool holds
// more than `max_local_bytes` of files not yet uploaded, so extraction waits when the spool is
// full (a single file larger than the limit is still accepted when the queue is empty).
// The table's manifest is published afterwards by storage::PublishTable (parts verified first,
// manifest last), which finds the uploaded parts remotely and skips them.
// Thread-safety: Enqueue() may be called from any number of threads; Finish() once, last.
// Ownership: borrows `store`, which must outlive the uploader.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

#include "sluice/object_store.h"
#include "sluice/result.h"

namespace sluice::runner {

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
  /// seen so far (the extract should stop then).
  Status Enqueue(const std::string& file, int64_t bytes, const std::string& sha256);
  /// Waits until every queued file is uploaded; returns the first error.
  Status Finish();
  UploaderStats stats() const;

 private:
  struct Item {
    std::string file;
    int64_t bytes = 0;
    std::string sha256;
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
  bool stopping_ = false;    // guarded by mutex_
  Status error_;             // first upload error; guarded by mutex_
  UploaderStats stats_;      // guarded by mutex_
  std::thread thread_;
};

}  // namespace sluice::runner

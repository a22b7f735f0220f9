// BackgroundFileWriter: runs a ParquetFileWriter's encoding and compression on its own thread,
// so the producer (a database cursor) keeps draining its socket while pages are built.
//
// WriteBatch() copies the batch into one of kQueueDepth recycled buffers and returns at once;
// it blocks only while all buffers are queued (backpressure keeps memory bounded to
// kQueueDepth batches beyond the inner writer's own). Errors from the encoding thread are
// sticky and returned by the next call. FlushRowGroup(), Close() and Abort() first wait for the
// queue to drain (Abort() discards it).
// Thread-safety: the public methods are for one producer thread; the worker is internal.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "format/parquet/writer/encoded_size_history.h"
#include "sluice/parquet_writer.h"

namespace sluice::parquet {

class BackgroundFileWriter final : public ParquetFileWriter {
 public:
  explicit BackgroundFileWriter(std::unique_ptr<ParquetFileWriter> inner);
  ~BackgroundFileWriter() override;

  Status WriteBatch(const ColumnBatch& batch) override;
  Status WriteOwnedBatch(ColumnBatch* batch) override;
  void SetKeyValueMetadata(const std::string& key, const std::string& value) override {
    inner_->SetKeyValueMetadata(key, value);  // the worker never reads metadata: no race
  }
  Status FlushRowGroup() override;
  Status Close() override;
  void Abort() override;

  int64_t rows_written() const override { return rows_accepted_; }
  int64_t bytes_written() const override { return bytes_written_.load(); }
  int64_t allocated_bytes() const override { return allocated_.load(); }
  int64_t peak_allocated_bytes() const override { return peak_.load(); }
  /// As of the last batch the worker finished (after Close(): the file size).
  int64_t encoded_bytes() const override {
    return finished_ ? bytes_written_.load() : encoded_bytes_.load();
  }
  Result<int64_t> EncodedBytesAt(int64_t rows) override;
  const std::string& path() const override { return inner_->path(); }

 private:
  // Two batches in flight: one being encoded, one being filled; a third would only add memory.
  static constexpr size_t kQueueDepth = 2;

  void WorkerLoop();
  /// Waits for a free queue slot and takes a recycled buffer, if any; returns the sticky error.
  Status AcquireSlot(ColumnBatch* slot);
  void Enqueue(ColumnBatch slot, int64_t rows);
  /// Waits until the worker is idle with an empty queue; returns the sticky error.
  Status Drain();
  void StopWorker();
  void UpdateMemory(int64_t queued_bytes);

  std::unique_ptr<ParquetFileWriter> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<ColumnBatch> queue_;  // guarded by mu_
  std::vector<ColumnBatch> free_;  // guarded by mu_: recycled buffers
  bool busy_ = false;              // guarded by mu_: the worker holds a batch
  bool stop_ = false;              // guarded by mu_
  Status error_;                   // guarded by mu_
  bool finished_ = false;
  int64_t rows_accepted_ = 0;
  int64_t rows_encoded_ = 0;    // guarded by mu_: rows of the batches the worker finished
  EncodedSizeHistory history_;  // guarded by mu_: encoded bytes at those batches' ends
  std::atomic<int64_t> encoded_bytes_{0};
  std::atomic<int64_t> bytes_written_{0};
  std::atomic<int64_t> allocated_{0};
  std::atomic<int64_t> peak_{0};
  std::thread worker_;
};

}  // namespace sluice::parquet

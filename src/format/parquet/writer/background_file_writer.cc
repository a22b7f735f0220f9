#include "format/parquet/writer/background_file_writer.h"

#include <algorithm>

namespace sluice::parquet {

BackgroundFileWriter::BackgroundFileWriter(std::unique_ptr<ParquetFileWriter> inner)
    : inner_(std::move(inner)), worker_([this] { WorkerLoop(); }) {}

BackgroundFileWriter::~BackgroundFileWriter() {
  if (!finished_) Abort();
}

void BackgroundFileWriter::UpdateMemory(int64_t queued_bytes) {
  int64_t now = inner_->allocated_bytes() + queued_bytes;
  allocated_ = now;
  int64_t peak = std::max(peak_.load(), std::max(now, inner_->peak_allocated_bytes()));
  peak_ = peak;
}

void BackgroundFileWriter::WorkerLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (queue_.empty() && stop_) return;
    ColumnBatch batch = std::move(queue_.front());
    queue_.pop_front();
    busy_ = true;
    bool skip = !error_.ok() || stop_;
    lock.unlock();
    Status st = skip ? Status::OK() : inner_->WriteBatch(batch);
    // Read here, on the only thread that drives inner_, right at this batch's end.
    int64_t encoded = inner_->encoded_bytes();
    int64_t queued = batch.allocated_bytes();
    lock.lock();
    rows_encoded_ += batch.num_rows();
    history_.Record(rows_encoded_, encoded);
    encoded_bytes_ = encoded;
    for (const auto& waiting : queue_) queued += waiting.allocated_bytes();
    UpdateMemory(queued);
    bytes_written_ = inner_->bytes_written();
    if (!st.ok() && error_.ok()) error_ = st;
    free_.push_back(std::move(batch));
    busy_ = false;
    cv_.notify_all();
  }
}

Status BackgroundFileWriter::AcquireSlot(ColumnBatch* slot) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return !error_.ok() || queue_.size() + (busy_ ? 1 : 0) < kQueueDepth; });
  if (!error_.ok()) return error_;
  if (!free_.empty()) {
    *slot = std::move(free_.back());
    free_.pop_back();
  }
  return Status::OK();
}

void BackgroundFileWriter::Enqueue(ColumnBatch slot, int64_t rows) {
  std::lock_guard<std::mutex> lock(mu_);
  rows_accepted_ += rows;
  queue_.push_back(std::move(slot));
  cv_.notify_all();
}

Status BackgroundFileWriter::WriteBatch(const ColumnBatch& batch) {
  ColumnBatch slot;
  SLUICE_RETURN_IF_ERROR(AcquireSlot(&slot));
  // Copy outside the lock; vector assignment reuses the recycled buffer's capacity.
  slot = batch;
  Enqueue(std::move(slot), batch.num_rows());
  return Status::OK();
}

Status BackgroundFileWriter::WriteOwnedBatch(ColumnBatch* batch) {
  ColumnBatch slot;
  SLUICE_RETURN_IF_ERROR(AcquireSlot(&slot));
  const int64_t rows = batch->num_rows();
  if (slot.num_columns() == batch->num_columns()) {
    // A recycled buffer of this writer has the same columns: hand it back to the producer and
    // queue the filled batch itself, so no value is copied.
    std::swap(slot, *batch);
  } else {
    slot = *batch;  // the first kQueueDepth batches: no buffer to recycle yet
  }
  Enqueue(std::move(slot), rows);
  return Status::OK();
}

Result<int64_t> BackgroundFileWriter::EncodedBytesAt(int64_t rows) {
  std::unique_lock<std::mutex> lock(mu_);
  // Idle with an empty queue: the rows asked about will never come (a caller's mistake).
  cv_.wait(lock,
           [&] { return !error_.ok() || rows_encoded_ >= rows || (queue_.empty() && !busy_); });
  if (!error_.ok()) return error_;
  if (auto bytes = history_.At(rows)) return *bytes;
  return Status::Internal("Parquet writer for " + inner_->path() + ": no batch ended at row " +
                          std::to_string(rows) + " lately");
}

Status BackgroundFileWriter::Drain() {
  std::unique_lock<std::mutex> lock(mu_);
  cv_.wait(lock, [this] { return queue_.empty() && !busy_; });
  return error_;
}

void BackgroundFileWriter::StopWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

Status BackgroundFileWriter::FlushRowGroup() {
  SLUICE_RETURN_IF_ERROR(Drain());
  return inner_->FlushRowGroup();
}

Status BackgroundFileWriter::Close() {
  Status st = Drain();
  StopWorker();
  finished_ = true;
  if (!st.ok()) {
    inner_->Abort();
    return st;
  }
  st = inner_->Close();
  bytes_written_ = inner_->bytes_written();
  peak_ = std::max(peak_.load(), inner_->peak_allocated_bytes());
  return st;
}

void BackgroundFileWriter::Abort() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.clear();
  }
  StopWorker();
  finished_ = true;
  inner_->Abort();
}

}  // namespace sluice::parquet

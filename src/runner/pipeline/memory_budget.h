// MemoryBudget: the pipeline's global byte budget. A chunk task starts only after TryReserve()
// of its task memory succeeds; the reservation is released when the task ends. Peak reserved
// bytes go into the run summary.
// Thread-safety: all methods are thread-safe.
#pragma once

#include <cstdint>
#include <mutex>

namespace sluice::runner::pipeline {

class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit_bytes) : limit_(limit_bytes) {}

  /// Reserves `bytes` if they fit in what is left; false otherwise (nothing reserved).
  bool TryReserve(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (bytes > limit_ - reserved_) return false;
    reserved_ += bytes;
    if (reserved_ > peak_) peak_ = reserved_;
    return true;
  }
  void Release(int64_t bytes) {
    std::lock_guard<std::mutex> lock(mutex_);
    reserved_ -= bytes;
  }
  int64_t limit() const { return limit_; }
  int64_t reserved() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return reserved_;
  }
  int64_t peak() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_;
  }

 private:
  const int64_t limit_;
  mutable std::mutex mutex_;
  int64_t reserved_ = 0;  // guarded by mutex_
  int64_t peak_ = 0;      // guarded by mutex_
};

}  // namespace sluice::runner::pipeline

// MemoryBudget: the query's --memory-limit, shared by every operator that keeps state (hash
// join build side, hash aggregate table, sort buffer). Operators reserve before growing; when
// TryReserve fails they spill to disk instead of exceeding the limit.
// Thread-safety: all methods are thread-safe (atomics).
#pragma once

#include <atomic>
#include <cstdint>

namespace sluice::engine {

class MemoryBudget {
 public:
  explicit MemoryBudget(int64_t limit_bytes) : limit_(limit_bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  int64_t limit() const { return limit_; }
  int64_t used() const { return used_.load(std::memory_order_relaxed); }
  int64_t peak() const { return peak_.load(std::memory_order_relaxed); }

  /// Reserves `bytes` if that keeps the total within the limit.
  bool TryReserve(int64_t bytes) {
    int64_t current = used_.load(std::memory_order_relaxed);
    do {
      if (current + bytes > limit_) return false;
    } while (!used_.compare_exchange_weak(current, current + bytes, std::memory_order_relaxed));
    UpdatePeak(current + bytes);
    return true;
  }
  /// Reserves unconditionally (for memory that cannot be spilled, e.g. one batch in flight).
  void ForceReserve(int64_t bytes) { UpdatePeak(used_.fetch_add(bytes) + bytes); }
  void Release(int64_t bytes) { used_.fetch_sub(bytes, std::memory_order_relaxed); }

 private:
  void UpdatePeak(int64_t value) {
    int64_t peak = peak_.load(std::memory_order_relaxed);
    while (value > peak && !peak_.compare_exchange_weak(peak, value, std::memory_order_relaxed)) {
    }
  }

  int64_t limit_;
  std::atomic<int64_t> used_{0};
  std::atomic<int64_t> peak_{0};
};

/// Tracks one operator's reservation so it is released when the operator goes away.
class Reservation {
 public:
  explicit Reservation(MemoryBudget* budget) : budget_(budget) {}
  ~Reservation() { Reset(); }
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

  /// Grows or shrinks the reservation to `bytes`; false (unchanged) when growing fails.
  bool Resize(int64_t bytes) {
    if (bytes > bytes_) {
      if (!budget_->TryReserve(bytes - bytes_)) return false;
    } else {
      budget_->Release(bytes_ - bytes);
    }
    bytes_ = bytes;
    return true;
  }
  void Reset() {
    budget_->Release(bytes_);
    bytes_ = 0;
  }
  int64_t bytes() const { return bytes_; }

 private:
  MemoryBudget* budget_;
  int64_t bytes_ = 0;
};

}  // namespace sluice::engine

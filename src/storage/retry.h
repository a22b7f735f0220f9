// Retrier: exponential backoff with full jitter for object-store requests.
//
// An attempt is retried when it fails with kUnavailable (HTTP 408/429/5xx, timeouts, resets) or
// kCorruption (bytes damaged in transit: a BadDigest answer or a checksum that does not match
// what was sent/received). Every other code fails at once. Delay before retry n (1-based) is
// uniform in [0, min(max_ms, initial_ms * 2^(n-1))] ("full jitter": spreads retries of many
// parallel parts so they do not hit a recovering server together).
// Thread-safety: Run() is reentrant; the attempt counter is atomic.
#pragma once

#include <atomic>
#include <functional>
#include <string>

#include "sluice/status.h"

namespace sluice::storage {

struct RetryOptions {
  int retries = 5;
  int initial_backoff_ms = 200;
  int max_backoff_ms = 10'000;
  /// Called instead of sleeping when set (tests).
  std::function<void(int attempt, int delay_ms)> on_retry;
};

bool IsRetryable(const Status& status);

class Retrier {
 public:
  explicit Retrier(RetryOptions options) : options_(std::move(options)) {}

  /// Runs attempt(n) for n = 0, 1, ... until it succeeds, fails for good, or retries run out.
  /// The final error says how many attempts were made.
  Status Run(const std::function<Status(int attempt)>& attempt);

  /// Retries made so far by every Run().
  int64_t retries() const { return retries_.load(); }
  int max_retries() const { return options_.retries; }

 private:
  int BackoffMs(int retry) const;

  RetryOptions options_;
  std::atomic<int64_t> retries_{0};
};

}  // namespace sluice::storage

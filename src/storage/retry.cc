#include "storage/retry.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace sluice::storage {

bool IsRetryable(const Status& status) {
  return status.code() == StatusCode::kUnavailable || status.code() == StatusCode::kCorruption;
}

int Retrier::BackoffMs(int retry) const {
  // Cap the exponent: 2^20 * any sane initial delay is already far past max_backoff_ms.
  int exponent = std::min(retry - 1, 20);
  int64_t ceiling = std::min<int64_t>(
      options_.max_backoff_ms, static_cast<int64_t>(options_.initial_backoff_ms) << exponent);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(ceiling, 0));
  return static_cast<int>(dist(rng));
}

Status Retrier::Run(const std::function<Status(int attempt)>& attempt) {
  Status last;
  for (int attempt_idx = 0;; ++attempt_idx) {
    last = attempt(attempt_idx);
    if (last.ok() || !IsRetryable(last)) return last;
    if (attempt_idx >= options_.retries) break;
    int delay = BackoffMs(attempt_idx + 1);
    retries_.fetch_add(1);
    if (options_.on_retry) {
      options_.on_retry(attempt_idx + 1, delay);
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(delay));
    }
  }
  return last.WithContext("gave up after " + std::to_string(options_.retries + 1) + " attempts");
}

}  // namespace sluice::storage

// AlertWebhook: posts Slack-compatible JSON ({"text": ..., plus machine-readable fields such as
// run_id, table, chunk_range, attempt, error}) to the pipeline's webhook with libcurl. A webhook
// that is down, slow or answers an error is logged and never fails the run: Send() returns the
// problem for the log and the caller goes on.
// Thread-safety: Send() may be called from several threads at once (one curl handle per call).
#pragma once

#include <string>

#include "sluice/status.h"

namespace sluice::runner::pipeline {

class AlertWebhook {
 public:
  AlertWebhook(std::string url, int timeout_seconds)
      : url_(std::move(url)), timeout_seconds_(timeout_seconds) {}
  bool enabled() const { return !url_.empty(); }
  /// POSTs `json_body` (application/json). OK only for a 2xx answer.
  Status Send(const std::string& json_body) const;

 private:
  std::string url_;
  int timeout_seconds_;
};

}  // namespace sluice::runner::pipeline

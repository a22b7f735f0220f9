// RunRecord: everything a pipeline run observed — chunk attempts (when, how long, rows, bytes,
// retries and errors), per-table outcomes, transforms, and samples of process RSS and rows read
// over time. The scheduler fills it; the progress display, the JSON summary (summary_json.h) and
// the HTML report (run_report.h) read it.
// Thread-safety: RunRecorder methods are thread-safe; RunRecord itself is a plain value (take a
// Snapshot() to read it while the run goes on).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace sluice::runner::pipeline {

enum class AttemptOutcome { kRunning, kSucceeded, kRetrying, kFailed, kReused };
const char* AttemptOutcomeName(AttemptOutcome outcome);

/// One attempt at one chunk task (a reused chunk is recorded once, with zero duration).
struct ChunkAttempt {
  std::string table;
  int task = 0;
  std::string range;
  int attempt = 0;           // 0 = first try
  double start_seconds = 0;  // since the run started
  double end_seconds = 0;
  int64_t rows = 0;
  int64_t bytes = 0;
  AttemptOutcome outcome = AttemptOutcome::kRunning;
  std::string error;
};

/// One failed contract check of a table (from its _validation.json).
struct FailedCheck {
  std::string column;  // empty for table checks
  std::string check;   // "unique", "max", "present", ...
  std::string detail;
  int64_t failure_count = 0;
};

/// The outcome of a table's contract (runner/pipeline/table_validation.h).
struct TableValidation {
  bool checked = false;  // the table has a contract and its report was written
  bool passed = false;
  int64_t rows_checked = 0;
  int64_t rows_quarantined = 0;
  int64_t checks_total = 0;
  std::vector<FailedCheck> failures;
  std::string report;   // path of the table's _validation.json
  std::string rejects;  // the _rejects directory when rows were quarantined, else empty
};

struct TableRecord {
  std::string name;
  std::string source_table;
  std::string status = "pending";  // pending, running, succeeded, failed, skipped
  int tasks_total = 0;
  int tasks_done = 0;
  int64_t estimated_rows = 0;
  int64_t rows = 0;       // committed rows (including reused chunks)
  int64_t bytes = 0;      // committed Parquet bytes
  int64_t live_rows = 0;  // rows read by attempts still running
  int64_t live_bytes = 0;
  int64_t chunks_reused = 0;
  int64_t retries = 0;
  double start_seconds = -1;
  double end_seconds = -1;
  std::string dir;
  std::vector<std::string> files;  // URIs (local paths or s3:// / gs:// object URLs)
  std::string error;
  std::string error_kind;  // "source", "destination", "validation", "config"
  TableValidation validation;
  std::string shard;     // "I/N" for a `--shard` run, else empty
  bool complete = true;  // false: this shard is done but others are missing (no manifest yet)
};

struct TransformRecord {
  std::string name;
  std::string output;
  std::string status;
  int64_t rows = 0;
  double seconds = 0;
  std::string error;
};

struct Sample {
  double seconds = 0;
  int64_t rss_bytes = 0;
  int64_t rows = 0;  // total rows read so far (committed + live)
  int64_t reserved_bytes = 0;
};

struct RunRecord {
  std::string run_id;
  std::string pipeline;
  std::string config_file;
  std::string destination;
  std::string started_at;  // ISO-8601 UTC
  double elapsed_seconds = 0;
  int64_t memory_budget_bytes = 0;
  int64_t peak_reserved_bytes = 0;
  int64_t peak_rss_bytes = 0;
  bool resumed = false;
  std::string status;  // succeeded, failed
  std::vector<TableRecord> tables;
  std::vector<ChunkAttempt> attempts;
  std::vector<TransformRecord> transforms;
  std::vector<Sample> samples;
  std::vector<std::string> alert_errors;
};

/// Current resident set size of this process (from /proc/self/statm), in bytes.
int64_t CurrentRssBytes();

class RunRecorder {
 public:
  RunRecorder();
  ~RunRecorder();
  RunRecorder(const RunRecorder&) = delete;
  RunRecorder& operator=(const RunRecorder&) = delete;

  double Now() const;  // seconds since construction
  /// Applies `edit` under the lock.
  void Edit(const std::function<void(RunRecord&)>& edit);
  RunRecord Snapshot() const;
  /// Starts a thread sampling RSS and rows every `period_ms`; `reserved` reads the budget.
  void StartSampling(int period_ms, std::function<int64_t()> reserved);
  void StopSampling();

 private:
  std::chrono::steady_clock::time_point started_;
  mutable std::mutex mutex_;
  RunRecord record_;  // guarded by mutex_
  std::atomic<bool> sampling_{false};
  std::thread sampler_;
};

}  // namespace sluice::runner::pipeline

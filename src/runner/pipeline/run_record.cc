#include "runner/pipeline/run_record.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>

namespace sluice::runner::pipeline {

const char* AttemptOutcomeName(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kRunning:
      return "running";
    case AttemptOutcome::kSucceeded:
      return "succeeded";
    case AttemptOutcome::kRetrying:
      return "retrying";
    case AttemptOutcome::kFailed:
      return "failed";
    case AttemptOutcome::kReused:
      return "reused";
  }
  return "?";
}

int64_t CurrentRssBytes() {
  std::ifstream in("/proc/self/statm");
  int64_t total_pages = 0;
  int64_t resident_pages = 0;
  in >> total_pages >> resident_pages;
  return resident_pages * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

RunRecorder::RunRecorder() : started_(std::chrono::steady_clock::now()) {}

RunRecorder::~RunRecorder() { StopSampling(); }

double RunRecorder::Now() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void RunRecorder::Edit(const std::function<void(RunRecord&)>& edit) {
  std::lock_guard<std::mutex> lock(mutex_);
  edit(record_);
}

RunRecord RunRecorder::Snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return record_;
}

void RunRecorder::StartSampling(int period_ms, std::function<int64_t()> reserved) {
  sampling_ = true;
  sampler_ = std::thread([this, period_ms, reserved = std::move(reserved)] {
    while (sampling_.load()) {
      Sample sample;
      sample.seconds = Now();
      sample.rss_bytes = CurrentRssBytes();
      sample.reserved_bytes = reserved ? reserved() : 0;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& table : record_.tables) sample.rows += table.rows + table.live_rows;
        // Long runs: keep at most 4,000 samples (thin every other one) so reports stay small.
        if (record_.samples.size() >= 4000) {
          std::vector<Sample> thinned;
          for (size_t sample_idx = 0; sample_idx < record_.samples.size(); sample_idx += 2)
            thinned.push_back(record_.samples[sample_idx]);
          record_.samples = std::move(thinned);
        }
        record_.samples.push_back(sample);
      }
      for (int slept = 0; slept < period_ms && sampling_.load(); slept += 10) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  });
}

void RunRecorder::StopSampling() {
  if (!sampling_.exchange(false)) return;
  if (sampler_.joinable()) sampler_.join();
}

}  // namespace sluice::runner::pipeline

#include "runner/snapshot_extract.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <thread>

#include "common/redact.h"

namespace sluice::runner {
namespace {

using Clock = std::chrono::steady_clock;

// A restarted snapshot waits 250 ms doubling to 8 s, like a retried chunk: a restarting server
// is usually back within seconds.
constexpr int64_t kFirstBackoffMs = 250;
constexpr int64_t kMaxBackoffMs = 8000;

std::string Seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3f", seconds);
  return text;
}

}  // namespace

Status RunTasksOnSnapshot(TableExtract* extract, const std::vector<int>& tasks,
                          const std::vector<mysql::Connection*>& connections, int attempt,
                          const SnapshotTaskHooks& hooks) {
  std::atomic<size_t> next{0};
  std::mutex mutex;
  Status failure;  // guarded by mutex
  auto worker = [&](mysql::Connection* conn) {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure.ok()) return;
      }
      size_t pos = next.fetch_add(1);
      if (pos >= tasks.size()) return;
      int task = tasks[pos];
      if (hooks.on_start) hooks.on_start(task);
      ChunkHooks chunk_hooks;
      if (hooks.on_batch) {
        chunk_hooks.on_batch = [&hooks, task](int64_t rows, int64_t bytes) {
          hooks.on_batch(task, rows, bytes);
        };
      }
      auto result = extract->RunTask(conn, task, attempt, chunk_hooks);
      if (hooks.on_end) {
        hooks.on_end(task, result.status(), result.ok() ? *result : std::vector<ChunkResult>{});
      }
      if (!result.ok()) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (failure.ok()) {
            std::string where = "table " + extract->source().display_name();
            if (!extract->scan())
              where += ", chunk " + std::to_string(task) + " " + extract->DescribeTask(task);
            failure = result.status().WithContext(where);
          }
        }
        extract->Cancel();  // the other connections stop: this attempt is over
        return;
      }
    }
  };
  std::vector<std::thread> threads;
  size_t workers = std::min(connections.size(), tasks.size());
  for (size_t index = 0; index < workers; ++index) threads.emplace_back(worker, connections[index]);
  for (auto& thread : threads) thread.join();
  return failure;
}

Result<ExtractSummary> RunSnapshotExtract(const ExtractOptions& base, std::ostream* log) {
  auto started = Clock::now();
  if (base.shard.enabled()) {
    return Status::InvalidArgument(
        "--snapshot cannot be combined with --shard: each shard would read another instant");
  }
  ExtractOptions options = base;
  options.restart = true;  // never resumed: the snapshot of an earlier run is gone
  int64_t restarts = 0;
  for (int attempt = 0;; ++attempt) {
    std::unique_ptr<TableExtract> table;
    // One attempt at the whole table: plan, snapshot, every chunk.
    Status status = [&]() -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto conn, mysql::Connection::Open(options.url, options.connection));
      SLUICE_ASSIGN_OR_RETURN(mysql::ResolvedSource resolved,
                              mysql::ResolveSource(conn.get(), options.source));
      if (resolved.mode() == source::PartitionMode::kScan || resolved.from().empty()) {
        // One statement is one consistent read: nothing to synchronise.
        SLUICE_ASSIGN_OR_RETURN(table, TableExtract::Prepare(options, conn.get()));
        SLUICE_ASSIGN_OR_RETURN(std::vector<int> pending, table->Begin());
        return RunTasksOnSnapshot(table.get(), pending, {conn.get()}, attempt);
      }
      SLUICE_ASSIGN_OR_RETURN(mysql::Snapshot snapshot,
                              mysql::OpenSnapshot(conn.get(), resolved.from(), options.jobs,
                                                  options.url, options.connection));
      if (log != nullptr) {
        *log << "sluice extract: snapshot of " << resolved.display_name() << " taken on "
             << options.jobs << " connections (waited " << Seconds(snapshot.lock_wait_seconds)
             << " s for writers, lock held " << Seconds(snapshot.lock_held_seconds) << " s)"
             << std::endl;
      }
      // Planned inside the snapshot: the key ranges cover exactly the rows it holds (a row
      // inserted after planning but before the snapshot would otherwise fall outside them).
      SLUICE_ASSIGN_OR_RETURN(table, TableExtract::Prepare(options, snapshot.connections[0].get()));
      SLUICE_ASSIGN_OR_RETURN(std::vector<int> pending, table->Begin());
      std::vector<mysql::Connection*> connections;
      for (auto& item : snapshot.connections) connections.push_back(item.get());
      return RunTasksOnSnapshot(table.get(), pending, connections, attempt);
    }();
    if (status.ok()) {
      double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
      return table->Finish(restarts, elapsed);
    }
    if (status.code() != StatusCode::kUnavailable || attempt >= options.retries) return status;
    ++restarts;
    int64_t backoff = std::min(kMaxBackoffMs, kFirstBackoffMs << attempt);
    if (log != nullptr) {
      *log << "sluice extract: " << RedactUrl(status.message())
           << "; a snapshot cannot continue on a new connection: restarting the table with a new "
              "snapshot in "
           << backoff << " ms (" << attempt + 1 << "/" << options.retries << ")" << std::endl;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
  }
}

}  // namespace sluice::runner

// Snapshot mode: every chunk of a table read as of one instant, on several connections at once
// (`sluice extract --snapshot`, `snapshot: true` in a pipeline; docs/pipeline.md).
//
// The table's chunks run on connections that share one consistent snapshot
// (source/mysql/snapshot.h); each connection runs one chunk at a time inside its open
// transaction, so the output equals the table at the snapshot instant whatever other sessions
// insert, update or delete meanwhile.
//
// Faults: the snapshot lives in those connections' transactions and cannot be re-taken on a new
// connection. A chunk that fails with a retryable error therefore fails the whole table attempt:
// the other chunks are stopped, every file of the attempt is discarded, and the table is
// extracted again from scratch with a new snapshot (a new instant), up to `retries` times.
// Resume: an interrupted snapshot extract is never resumed (its snapshot is gone); the next run
// starts the table from scratch (ExtractOptions::restart).
// Scan mode (a query, or no usable key) is one statement on one connection: a single consistent
// read already, so snapshot mode changes nothing there.
// Thread-safety: RunTasksOnSnapshot owns its threads; RunSnapshotExtract is called once.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <vector>

#include "runner/extract_job.h"
#include "source/mysql/snapshot.h"

namespace sluice::runner {

/// Observers of the tasks run by RunTasksOnSnapshot (all optional; called on worker threads).
struct SnapshotTaskHooks {
  std::function<void(int task)> on_start;
  std::function<void(int task, int64_t rows, int64_t bytes)> on_batch;
  /// After each attempt at a task (results empty when it failed or was stopped).
  std::function<void(int task, const Status& status, const std::vector<ChunkResult>& results)>
      on_end;
};

/// Runs each of `tasks` once on `connections` (borrowed, each in the snapshot's transaction; one
/// thread per connection, tasks taken in order by whichever connection is free). The first
/// failure stops the others (TableExtract::Cancel) and is returned with its chunk named; then
/// `extract` cannot be used for more tasks (make a new one for the next attempt).
Status RunTasksOnSnapshot(TableExtract* extract, const std::vector<int>& tasks,
                          const std::vector<mysql::Connection*>& connections, int attempt,
                          const SnapshotTaskHooks& hooks = {});

/// RunExtract in snapshot mode: takes a snapshot on `jobs` connections, plans the chunks inside
/// it (so the key ranges cover exactly the rows it holds), runs them and writes the manifest. A
/// retryable failure restarts the table with a new snapshot (up to options.retries times); the
/// table is always extracted from scratch. Progress and restarts are logged to `log` (may be null).
Result<ExtractSummary> RunSnapshotExtract(const ExtractOptions& options, std::ostream* log);

}  // namespace sluice::runner

// PipelineRunner: `sluice plan` and `sluice run` for a PipelineConfig.
//
// Plan: for every selected table, connect to its source (one connection per source), resolve
// the table and plan its chunks (or reload the plan an interrupted run saved) — reads only.
// Everything that can be wrong with the file, the credentials, the tables and columns is found
// here, before anything is written.
//
// Run: the chunk tasks of all tables go to one worker pool. A task starts only when its source
// has a free connection (sources.NAME.max_connections) and its task memory can be reserved from
// the global budget (defaults.memory_limit), so small and large tables run side by side. A task
// that fails with a retryable error (lost or killed connection, server restart) is put back with
// exponential backoff and jitter while other tasks keep going; a table fails only when one of
// its tasks exhausts its retries (or fails with an error retries cannot fix), and the others
// carry on. Each finished table writes its manifest last (and is uploaded for s3:// / gs://
// destinations); then the transforms run. Resume is the extract's: chunk state lives in each
// table's directory, so a rerun after kill -9 redoes only what is missing.
// A table with a contract (casts, checks) is validated while it streams; a failed contract keeps
// only that table from being published (FailureKind::kValidation). A snapshot table runs as one
// task on several connections sharing one consistent snapshot and is restarted as a whole, never
// resumed (runner/snapshot_extract.h).
// Thread-safety: RunPipeline owns its threads; call it from one thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "runner/pipeline/pipeline_config.h"
#include "runner/pipeline/run_record.h"
#include "runner/shard.h"
#include "sluice/result.h"

namespace sluice::runner::pipeline {

struct RunOptions {
  /// Start over: discard the state and files of earlier runs of the selected tables.
  bool fresh = false;
  /// Only these tables (empty: all). Transforms run only when every table is selected.
  std::vector<std::string> only_tables;
  /// Run the transforms only (the tables must have been extracted).
  bool transforms_only = false;
  /// Skip the transforms.
  bool skip_transforms = false;
  /// Live display on stderr (a terminal) instead of one log line per chunk event.
  bool live_progress = false;
  /// Print nothing while running (errors still go to the record).
  bool quiet = false;
  /// `--shard I/N`: run only this shard of each selected table's chunks (runner/shard.h); the
  /// transforms and the pipeline manifest are left to a run of all tables.
  ShardSpec shard;
  /// `sluice plan --save`: freeze each selected table's plan in the destination.
  bool save_plan = false;
};

struct PlannedChunk {
  int task = 0;
  std::string range;
  int64_t estimated_rows = -1;  // -1: unknown
  bool done = false;            // committed by an earlier run
};

struct PlannedTable {
  std::string name;
  std::string source;
  std::string source_table;  // db.table or "query"
  std::string mode;
  std::string key;
  std::string dir;
  int64_t estimated_rows = 0;  // information_schema estimate (0 for queries)
  bool resumed = false;
  std::vector<PlannedChunk> chunks;
};

struct PipelinePlan {
  std::string pipeline;
  std::string destination;
  std::vector<PlannedTable> tables;
  std::vector<std::string> transforms;
};

/// Which part of the system a failure came from; picks the exit code.
enum class FailureKind { kNone, kConfig, kSource, kDestination, kValidation };

/// Plans without writing anything. On error, `*kind` (if given) says where it came from.
Result<PipelinePlan> PlanPipeline(const PipelineConfig& config, const RunOptions& options,
                                  FailureKind* kind = nullptr);
std::string PlanJson(const PipelinePlan& plan);
std::string PlanText(const PipelinePlan& plan);

/// Runs the pipeline. A planning problem is returned as an error (nothing was written); once
/// tasks run, failures are in the record (status "failed", tables[].error) and `*kind`.
Result<RunRecord> RunPipeline(const PipelineConfig& config, const RunOptions& options,
                              FailureKind* kind);

/// The failure kind of a planning error.
FailureKind ClassifyPlanError(const Status& status);

}  // namespace sluice::runner::pipeline

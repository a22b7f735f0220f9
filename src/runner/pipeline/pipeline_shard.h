// Checks of `sluice run --shard I/N` and `sluice plan --save` against a pipeline (see
// runner/shard.h for how shards split a table and docs/airflow.md for how to run them).
#pragma once

#include "runner/pipeline/pipeline_config.h"
#include "runner/pipeline/pipeline_runner.h"
#include "sluice/status.h"

namespace sluice::runner::pipeline {

/// kInvalidArgument for --shard with --fresh or --transforms-only. Any destination works: a
/// directory every shard reaches, or s3:// / gs:// (the plan and the chunk records are stored
/// remotely, runner/pipeline/remote_table.h). OK when neither option is used.
Status CheckShardOptions(const PipelineConfig& config, const RunOptions& options);

}  // namespace sluice::runner::pipeline

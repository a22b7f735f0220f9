#include "runner/pipeline/pipeline_shard.h"

#include <string>

namespace sluice::runner::pipeline {

Status CheckShardOptions(const PipelineConfig& config, const RunOptions& options) {
  if (!options.shard.enabled() && !options.save_plan) return Status::OK();
  const std::string what =
      options.shard.enabled() ? "--shard " + options.shard.ToString() : std::string("--save");
  if (options.shard.enabled() && options.fresh) {
    return Status::InvalidArgument(
        what +
        " cannot be combined with --fresh (it would delete the other shards' work): "
        "start the table over once with `sluice plan " +
        config.file + " --only TABLE --save --fresh`, then run the shards");
  }
  if (options.shard.enabled() && options.transforms_only) {
    return Status::InvalidArgument(what + " cannot be combined with --transforms-only");
  }
  return Status::OK();
}

}  // namespace sluice::runner::pipeline

#include "runner/pipeline/pipeline_shard.h"

#include <string>

#include "common/redact.h"
#include "sluice/object_store.h"

namespace sluice::runner::pipeline {

Status CheckShardOptions(const PipelineConfig& config, const RunOptions& options) {
  if (!options.shard.enabled() && !options.save_plan) return Status::OK();
  const std::string what =
      options.shard.enabled() ? "--shard " + options.shard.ToString() : std::string("--save");
  if (IsObjectStoreUrl(config.destination)) {
    // Remote runs stage each table locally and publish it whole; shards on other machines would
    // neither see each other's chunks nor the saved plan.
    return Status::NotSupported(config.file + ": destination " + RedactUrl(config.destination) +
                                ": " + what +
                                " needs a destination directory every shard can reach (local or "
                                "network-mounted); s3:// and gs:// destinations are not "
                                "supported for sharded runs yet");
  }
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

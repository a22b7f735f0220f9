// TransformOperator: a streaming step (filter, projection, DISTINCT expansion) given as a
// ChunkTransform. It first offers the transform to its child, so that it runs on the child's
// worker threads (a scan, or a join whose probe runs there); parent transforms and sinks then
// pass through to the child as well. When the child cannot run it, Next() applies it here.
// Thread-safety: single consumer. Ownership: owns its child; shares the transform.
#pragma once

#include "engine/exec/operator.h"

namespace sluice::engine {

class TransformOperator : public Operator {
 public:
  TransformOperator(OperatorPtr child, std::shared_ptr<const ChunkTransform> transform)
      : child_(std::move(child)), transform_(std::move(transform)) {}
  Result<bool> Next(DataChunk* out) override;
  Result<bool> TryAddTransform(std::shared_ptr<const ChunkTransform> transform) override;
  Result<bool> TryAddSink(std::shared_ptr<ChunkSink> sink) override;

 private:
  /// Offers the transform to the child (once).
  Status Decide();

  OperatorPtr child_;
  std::shared_ptr<const ChunkTransform> transform_;
  bool decided_ = false;
  bool pushed_down_ = false;
  std::vector<DataChunk> pending_;  // outputs of the last input chunk not yet returned
  size_t next_pending_ = 0;
};

}  // namespace sluice::engine

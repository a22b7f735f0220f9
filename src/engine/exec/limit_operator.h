// LimitOperator: skips `offset` rows, then passes at most `limit` rows (limit < 0: all) and stops
// pulling from its child once the limit is reached.
// Thread-safety: single consumer. Ownership: owns its child.
#pragma once

#include "engine/exec/operator.h"

namespace sluice::engine {

class LimitOperator : public Operator {
 public:
  LimitOperator(OperatorPtr child, int64_t limit, int64_t offset)
      : child_(std::move(child)), remaining_(limit), to_skip_(offset) {}
  Result<bool> Next(DataChunk* out) override;

 private:
  OperatorPtr child_;
  int64_t remaining_;
  int64_t to_skip_;
};

/// Keeps rows [start, start+count) of *chunk.
void SliceChunk(DataChunk* chunk, int64_t start, int64_t count);

}  // namespace sluice::engine

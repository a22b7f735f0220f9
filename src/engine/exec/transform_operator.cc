#include "engine/exec/transform_operator.h"

namespace sluice::engine {

Status TransformOperator::Decide() {
  if (decided_) return Status::OK();
  decided_ = true;
  SLUICE_ASSIGN_OR_RETURN(pushed_down_, child_->TryAddTransform(transform_));
  return Status::OK();
}

Result<bool> TransformOperator::TryAddTransform(std::shared_ptr<const ChunkTransform> transform) {
  SLUICE_RETURN_IF_ERROR(Decide());
  if (!pushed_down_) return false;
  return child_->TryAddTransform(std::move(transform));
}

Result<bool> TransformOperator::TryAddSink(std::shared_ptr<ChunkSink> sink) {
  SLUICE_RETURN_IF_ERROR(Decide());
  if (!pushed_down_) return false;
  return child_->TryAddSink(std::move(sink));
}

Result<bool> TransformOperator::Next(DataChunk* out) {
  SLUICE_RETURN_IF_ERROR(Decide());
  if (pushed_down_) return child_->Next(out);
  while (true) {
    while (next_pending_ < pending_.size()) {
      DataChunk& piece = pending_[next_pending_++];
      if (piece.size > 0) {
        *out = std::move(piece);
        return true;
      }
    }
    pending_.clear();
    next_pending_ = 0;
    DataChunk input;
    SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&input));
    if (!more) return false;
    SLUICE_RETURN_IF_ERROR(transform_->Apply(std::move(input), &pending_));
  }
}

}  // namespace sluice::engine

// ProjectTransform computes output expressions per chunk (in a TransformOperator, so on the
// scan's threads when possible); ProjectOperator without a child produces exactly one row
// (SELECT without FROM).
// Thread-safety: ProjectTransform::Apply is const and may run concurrently; ProjectOperator has
// a single consumer. Ownership: both own their expressions.
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"

namespace sluice::engine {

class ProjectTransform : public ChunkTransform {
 public:
  explicit ProjectTransform(std::vector<ExprPtr> exprs) : exprs_(std::move(exprs)) {}
  Status Apply(DataChunk input, std::vector<DataChunk>* out) const override;

 private:
  std::vector<ExprPtr> exprs_;
};

/// Evaluates `exprs` over `input` (consumed: column references move their vector).
Result<DataChunk> ProjectChunk(const std::vector<ExprPtr>& exprs, DataChunk input);

class ProjectOperator : public Operator {
 public:
  explicit ProjectOperator(std::vector<ExprPtr> exprs) : exprs_(std::move(exprs)) {}
  Result<bool> Next(DataChunk* out) override;

 private:
  std::vector<ExprPtr> exprs_;
  bool single_row_done_ = false;
};

}  // namespace sluice::engine

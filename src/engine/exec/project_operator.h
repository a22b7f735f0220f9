// ProjectOperator: computes output expressions per chunk. Without a child it produces exactly
// one row (SELECT without FROM).
// Thread-safety: single consumer. Ownership: owns its child.
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"

namespace sluice::engine {

class ProjectOperator : public Operator {
 public:
  ProjectOperator(OperatorPtr child, std::vector<ExprPtr> exprs)
      : child_(std::move(child)), exprs_(std::move(exprs)) {}
  Result<bool> Next(DataChunk* out) override;

 private:
  OperatorPtr child_;
  std::vector<ExprPtr> exprs_;
  bool single_row_done_ = false;
};

}  // namespace sluice::engine

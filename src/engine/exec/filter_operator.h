// FilterOperator: keeps the rows where every conjunct is TRUE (NULL counts as not TRUE).
// Thread-safety: single consumer. Ownership: owns its child.
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"

namespace sluice::engine {

class FilterOperator : public Operator {
 public:
  FilterOperator(OperatorPtr child, std::vector<ExprPtr> conjuncts)
      : child_(std::move(child)), conjuncts_(std::move(conjuncts)) {}
  Result<bool> Next(DataChunk* out) override;

 private:
  OperatorPtr child_;
  std::vector<ExprPtr> conjuncts_;
  std::vector<uint32_t> selected_;
};

/// Keeps rows[selected] of `chunk` (in place).
void SelectRows(DataChunk* chunk, const std::vector<uint32_t>& selected);

}  // namespace sluice::engine

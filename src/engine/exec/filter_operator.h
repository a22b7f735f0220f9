// FilterTransform: keeps the rows where every conjunct is TRUE (NULL counts as not TRUE); runs
// in a TransformOperator (on the scan's threads when possible).
// Thread-safety: Apply is const and may run concurrently. Ownership: owns the conjuncts.
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"

namespace sluice::engine {

class FilterTransform : public ChunkTransform {
 public:
  explicit FilterTransform(std::vector<ExprPtr> conjuncts) : conjuncts_(std::move(conjuncts)) {}
  Status Apply(DataChunk input, std::vector<DataChunk>* out) const override;

 private:
  std::vector<ExprPtr> conjuncts_;
};

/// Keeps rows[selected] of `chunk` (in place).
void SelectRows(DataChunk* chunk, const std::vector<uint32_t>& selected);

}  // namespace sluice::engine

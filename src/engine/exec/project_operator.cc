#include "engine/exec/project_operator.h"

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

Result<DataChunk> ProjectChunk(const std::vector<ExprPtr>& exprs, DataChunk input) {
  DataChunk result;
  result.columns.resize(exprs.size());
  // Computed expressions first: they may read any input column.
  for (size_t idx = 0; idx < exprs.size(); ++idx) {
    if (exprs[idx]->kind == BoundExpr::Kind::kColumnRef) continue;
    SLUICE_RETURN_IF_ERROR(Evaluate(*exprs[idx], input, &result.columns[idx]));
  }
  // Then plain column references take the input vector: moved on its last use, else copied.
  for (size_t idx = 0; idx < exprs.size(); ++idx) {
    if (exprs[idx]->kind != BoundExpr::Kind::kColumnRef) continue;
    int source = exprs[idx]->index;
    bool used_later = false;
    for (size_t later = idx + 1; later < exprs.size(); ++later) {
      used_later = used_later || (exprs[later]->kind == BoundExpr::Kind::kColumnRef &&
                                  exprs[later]->index == source);
    }
    Vector& column = input.columns[static_cast<size_t>(source)];
    result.columns[idx] = used_later ? column : std::move(column);
  }
  result.size = input.size;
  return result;
}

Status ProjectTransform::Apply(DataChunk input, std::vector<DataChunk>* out) const {
  SLUICE_ASSIGN_OR_RETURN(DataChunk result, ProjectChunk(exprs_, std::move(input)));
  out->push_back(std::move(result));
  return Status::OK();
}

Result<bool> ProjectOperator::Next(DataChunk* out) {
  if (single_row_done_) return false;
  single_row_done_ = true;
  DataChunk input;
  input.size = 1;
  SLUICE_ASSIGN_OR_RETURN(*out, ProjectChunk(exprs_, std::move(input)));
  return true;
}

}  // namespace sluice::engine

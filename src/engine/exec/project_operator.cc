#include "engine/exec/project_operator.h"

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

Result<bool> ProjectOperator::Next(DataChunk* out) {
  DataChunk input;
  if (child_) {
    SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&input));
    if (!more) return false;
  } else {
    if (single_row_done_) return false;
    single_row_done_ = true;
    input.size = 1;
  }
  DataChunk result;
  result.columns.resize(exprs_.size());
  for (size_t idx = 0; idx < exprs_.size(); ++idx) {
    const BoundExpr& expr = *exprs_[idx];
    if (expr.kind == BoundExpr::Kind::kColumnRef) {
      result.columns[idx] = std::move(input.columns[static_cast<size_t>(expr.index)]);
      // A column may be projected twice: keep the source for later references.
      input.columns[static_cast<size_t>(expr.index)] = result.columns[idx];
      continue;
    }
    SLUICE_RETURN_IF_ERROR(Evaluate(expr, input, &result.columns[idx]));
  }
  result.size = input.size;
  *out = std::move(result);
  return true;
}

}  // namespace sluice::engine

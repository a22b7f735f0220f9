#include "engine/exec/filter_operator.h"

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

void SelectRows(DataChunk* chunk, const std::vector<uint32_t>& selected) {
  if (static_cast<int64_t>(selected.size()) == chunk->size) return;
  DataChunk narrowed(chunk->types());
  for (size_t col = 0; col < chunk->columns.size(); ++col) {
    narrowed.columns[col].AppendGather(chunk->columns[col], selected.data(),
                                       static_cast<int64_t>(selected.size()));
  }
  narrowed.size = static_cast<int64_t>(selected.size());
  *chunk = std::move(narrowed);
}

Result<bool> FilterOperator::Next(DataChunk* out) {
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(out));
    if (!more) return false;
    for (const auto& conjunct : conjuncts_) {
      SLUICE_RETURN_IF_ERROR(EvaluateFilter(*conjunct, *out, &selected_));
      SelectRows(out, selected_);
      if (out->size == 0) break;
    }
    if (out->size > 0) return true;
  }
}

}  // namespace sluice::engine

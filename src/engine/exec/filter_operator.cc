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

Status FilterTransform::Apply(DataChunk input, std::vector<DataChunk>* out) const {
  std::vector<uint32_t> selected;
  for (const auto& conjunct : conjuncts_) {
    selected.clear();
    SLUICE_RETURN_IF_ERROR(EvaluateFilter(*conjunct, input, &selected));
    SelectRows(&input, selected);
    if (input.size == 0) return Status::OK();
  }
  out->push_back(std::move(input));
  return Status::OK();
}

}  // namespace sluice::engine

#include "engine/exec/join_probe.h"

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

Status EncodeExprKeys(const std::vector<ExprPtr>& exprs, const DataChunk& chunk,
                      EncodedKeys* keys) {
  std::vector<Vector> values(exprs.size());
  std::vector<const Vector*> refs;
  for (size_t idx = 0; idx < exprs.size(); ++idx) {
    if (exprs[idx]->kind == BoundExpr::Kind::kColumnRef) {
      refs.push_back(&chunk.columns[static_cast<size_t>(exprs[idx]->index)]);
      continue;
    }
    SLUICE_RETURN_IF_ERROR(Evaluate(*exprs[idx], chunk, &values[idx]));
    refs.push_back(&values[idx]);
  }
  EncodeKeys(refs, chunk.size, keys);
  return Status::OK();
}

DataChunk AssembleJoinOutput(const DataChunk& probe, const DataChunk& build,
                             const std::vector<uint32_t>& probe_rows,
                             const std::vector<int64_t>& build_rows,
                             const std::vector<SqlType>& probe_types,
                             const std::vector<SqlType>& build_types,
                             const JoinOutputLayout& layout, DataChunk* movable_probe) {
  auto count = static_cast<int64_t>(probe_rows.size());
  bool every_row_once = movable_probe != nullptr && count == probe.size;
  for (int64_t idx = 0; every_row_once && idx < count; ++idx) {
    every_row_once = probe_rows[static_cast<size_t>(idx)] == static_cast<uint32_t>(idx);
  }
  std::vector<Vector> probe_part;
  for (int col : layout.probe_columns) {
    if (every_row_once) {
      probe_part.push_back(std::move(movable_probe->columns[static_cast<size_t>(col)]));
      continue;
    }
    Vector target(probe_types[static_cast<size_t>(col)]);
    target.AppendGather(probe.columns[static_cast<size_t>(col)], probe_rows.data(), count);
    probe_part.push_back(std::move(target));
  }
  bool any_unmatched = false;
  for (int64_t row : build_rows) any_unmatched = any_unmatched || row < 0;
  std::vector<uint32_t> rows;
  if (!any_unmatched) rows.assign(build_rows.begin(), build_rows.end());
  std::vector<Vector> build_part;
  for (int col : layout.build_columns) {
    Vector target(build_types[static_cast<size_t>(col)]);
    const Vector& source = build.columns[static_cast<size_t>(col)];
    if (!any_unmatched) {
      target.AppendGather(source, rows.data(), count);
    } else {
      for (int64_t row : build_rows) {
        if (row < 0) {
          target.AppendNull();
        } else {
          target.AppendFrom(source, row);
        }
      }
    }
    build_part.push_back(std::move(target));
  }
  DataChunk out;
  auto& first = layout.build_is_left ? build_part : probe_part;
  auto& second = layout.build_is_left ? probe_part : build_part;
  for (auto& column : first) out.columns.push_back(std::move(column));
  for (auto& column : second) out.columns.push_back(std::move(column));
  out.size = count;
  return out;
}

Status JoinProbeTransform::Apply(DataChunk input, std::vector<DataChunk>* out) const {
  EncodedKeys keys;
  SLUICE_RETURN_IF_ERROR(EncodeExprKeys(*probe_keys_, input, &keys));
  table_->Prefetch(keys.hashes.data(), keys.hashes.size());
  std::vector<uint32_t> probe_rows;
  std::vector<int64_t> build_rows;
  // `last`: no pair follows, so the input's columns may be moved into the output.
  auto flush = [&](bool last) {
    if (probe_rows.empty()) return;
    out->push_back(AssembleJoinOutput(input, table_->rows(), probe_rows, build_rows, probe_types_,
                                      build_types_, layout_, last ? &input : nullptr));
    probe_rows.clear();
    build_rows.clear();
  };
  auto add = [&](int64_t row, int64_t match) {
    if (static_cast<int64_t>(probe_rows.size()) >= kChunkRows) flush(false);
    probe_rows.push_back(static_cast<uint32_t>(row));
    build_rows.push_back(match);
  };
  for (int64_t row = 0; row < input.size; ++row) {
    auto idx = static_cast<size_t>(row);
    int64_t match = keys.has_null[idx] ? -1 : table_->Find(keys.hashes[idx], keys.Key(idx));
    if (match < 0 && preserve_probe_) add(row, -1);
    for (; match >= 0; match = table_->NextMatch(match)) add(row, match);
  }
  flush(true);
  return Status::OK();
}

}  // namespace sluice::engine

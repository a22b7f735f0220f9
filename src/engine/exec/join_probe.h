// Join probe helpers shared by HashJoinOperator and JoinProbeTransform: key encoding from
// expressions, assembling output chunks from (probe row, build row) pairs, and the transform that
// probes a finished in-memory hash table on the scan's worker threads.
// Thread-safety: JoinProbeTransform::Apply is const and may run concurrently; it borrows the
// table and key expressions, which its HashJoinOperator keeps alive (and it destroys its probe
// input, whose threads run the transform, before the table).
#pragma once

#include "engine/exec/join_hash_table.h"
#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"

namespace sluice::engine {

/// Encodes the values of `exprs` over `chunk`.
Status EncodeExprKeys(const std::vector<ExprPtr>& exprs, const DataChunk& chunk, EncodedKeys* keys);

/// Which input columns a join emits: positions in the probe and build inputs, and whether the
/// build input is the left one (output: left input's columns, then right input's).
struct JoinOutputLayout {
  std::vector<int> probe_columns;
  std::vector<int> build_columns;
  bool build_is_left = false;
};

/// Output rows for pairs (probe_rows[i], build_rows[i]); a build row of -1 means NULLs (LEFT join).
/// With `movable_probe` (== &probe, no longer needed by the caller), when the pairs list every
/// probe row once and in order (a foreign-key join), the probe columns are moved, not copied.
DataChunk AssembleJoinOutput(const DataChunk& probe, const DataChunk& build,
                             const std::vector<uint32_t>& probe_rows,
                             const std::vector<int64_t>& build_rows,
                             const std::vector<SqlType>& probe_types,
                             const std::vector<SqlType>& build_types,
                             const JoinOutputLayout& layout, DataChunk* movable_probe = nullptr);

class JoinProbeTransform : public ChunkTransform {
 public:
  JoinProbeTransform(const JoinHashTable* table, const std::vector<ExprPtr>* probe_keys,
                     std::vector<SqlType> probe_types, std::vector<SqlType> build_types,
                     bool preserve_probe, JoinOutputLayout layout)
      : table_(table),
        probe_keys_(probe_keys),
        probe_types_(std::move(probe_types)),
        build_types_(std::move(build_types)),
        preserve_probe_(preserve_probe),
        layout_(std::move(layout)) {}

  Status Apply(DataChunk input, std::vector<DataChunk>* out) const override;

 private:
  const JoinHashTable* table_;
  const std::vector<ExprPtr>* probe_keys_;
  std::vector<SqlType> probe_types_;
  std::vector<SqlType> build_types_;
  bool preserve_probe_;
  JoinOutputLayout layout_;
};

}  // namespace sluice::engine

// HashJoinOperator: INNER or LEFT equi-join on one or more keys, bounded by the memory budget.
//
// The build input is hashed into a JoinHashTable; the probe input streams through it. When the
// build side outgrows its reservation, both inputs are partitioned by key hash into 32 spill
// files each (grace hash join) and joined partition by partition. A build partition that still
// does not fit (e.g. one heavily skewed key) is joined in blocks that fit, re-reading the probe
// partition per block; for LEFT joins a per-row "matched" flag carries across blocks and
// unmatched probe rows are emitted after the last block.
// Output columns: left input's then right input's, whichever side was hashed.
// Thread-safety: single consumer. Ownership: owns its children and spill files.
#pragma once

#include <functional>

#include "engine/exec/join_hash_table.h"
#include "engine/exec/join_probe.h"
#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"
#include "engine/spill/spill_file.h"

namespace sluice::engine {

class HashJoinOperator : public Operator {
 public:
  /// Keys are resolved against their own child's output. `preserve_probe`: LEFT join with the
  /// probe side as the left input. `build_is_left`: the build input is the left input.
  /// `expected_build_rows`: the planner's estimate of the build input (0: unknown).
  HashJoinOperator(ExecContext* ctx, OperatorPtr build, OperatorPtr probe,
                   std::vector<ExprPtr> build_keys, std::vector<ExprPtr> probe_keys,
                   std::vector<SqlType> build_types, std::vector<SqlType> probe_types,
                   bool preserve_probe, JoinOutputLayout layout, double expected_build_rows = 0);
  ~HashJoinOperator() override;
  Result<bool> Next(DataChunk* out) override;
  /// Once the build side fits in memory, the join itself runs as a transform on the probe
  /// input's threads, and further transforms and a sink pass through to them.
  Result<bool> TryAddTransform(std::shared_ptr<const ChunkTransform> transform) override;
  Result<bool> TryAddSink(std::shared_ptr<ChunkSink> sink) override;

 private:
  using Source = std::function<Result<bool>(DataChunk*)>;
  struct Pass {
    Source source;
    bool emit_unmatched_inline = false;
    std::vector<uint8_t>* matched = nullptr;  // per probe row of the partition, across blocks
    bool unmatched_only = false;              // final LEFT pass: emit rows never matched
  };

  Status EnsureStarted();
  Status EncodeFor(const std::vector<ExprPtr>& exprs, const DataChunk& chunk, EncodedKeys* keys);
  Status BuildInMemory();
  Status PartitionInputs();
  Status StartPartition();
  Result<bool> LoadBlock();
  Result<bool> ProbeStep(DataChunk* out);
  Status EmitPairs(DataChunk* out);
  Result<bool> NextPass();

  ExecContext* ctx_;
  OperatorPtr build_;
  OperatorPtr probe_;
  std::vector<ExprPtr> build_keys_;
  std::vector<ExprPtr> probe_keys_;
  std::vector<SqlType> build_types_;
  std::vector<SqlType> probe_types_;
  bool preserve_probe_;
  JoinOutputLayout layout_;
  double expected_build_rows_;  // the planner's estimate, for sizing the table up front
  Reservation reservation_;

  std::unique_ptr<JoinHashTable> table_;
  bool started_ = false;
  bool passthrough_ = false;  // the probe input applies the join (JoinProbeTransform)
  bool partitioned_ = false;
  bool done_ = false;

  // Grace mode state.
  std::vector<std::unique_ptr<SpillFile>> build_parts_;
  std::vector<std::unique_ptr<SpillFile>> probe_parts_;
  size_t partition_ = 0;
  bool partition_started_ = false;
  bool build_exhausted_ = true;
  DataChunk build_carry_;  // a chunk read from the build partition that did not fit the block
  bool has_carry_ = false;
  std::vector<uint8_t> matched_;
  int blocks_in_partition_ = 0;

  // Probe pass state.
  Pass pass_;
  bool pass_active_ = false;
  DataChunk probe_chunk_;
  EncodedKeys probe_encoded_;
  int64_t probe_row_ = 0;
  int64_t probe_chunk_base_ = 0;  // ordinal of probe_chunk_'s first row in the pass
  int64_t chain_ = -1;  // -2: row not started, -1: no more matches, else the current match
  bool row_matched_ = false;
  bool have_chunk_ = false;
  std::vector<uint32_t> out_probe_;
  std::vector<int64_t> out_build_;
};

}  // namespace sluice::engine

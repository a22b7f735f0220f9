// HashAggregateOperator: GROUP BY with count/sum/avg/min/max/stddev_samp/var_samp (and
// DISTINCT), bounded by the memory budget.
//
// Spilling (hybrid hash aggregation): groups are added to an in-memory GroupedAggregator while
// its reservation can grow. Once the budget refuses, the table is frozen: rows of groups already
// in it still aggregate in memory, rows of new groups are written, already evaluated, to one of
// 16 partition files chosen by hash bits. After the input ends the in-memory groups are emitted
// and freed, then each partition is aggregated the same way (recursively, with the next hash
// bits), so every group's rows meet in exactly one table.
// Thread-safety: single consumer. Ownership: owns its child and spill files.
#pragma once

#include <memory>

#include "engine/exec/grouped_aggregator.h"
#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"
#include "engine/spill/spill_file.h"

namespace sluice::engine {

class HashAggregateOperator : public Operator {
 public:
  /// `groups` and the aggregate arguments are resolved against the child's output;
  /// specs[i].arg_column indexes `args`.
  HashAggregateOperator(ExecContext* ctx, OperatorPtr child, std::vector<ExprPtr> groups,
                        std::vector<ExprPtr> args, std::vector<AggregateSpec> specs);
  Result<bool> Next(DataChunk* out) override;

 private:
  struct Partition {
    std::unique_ptr<SpillFile> file;
    int depth = 0;
  };
  /// Feeds evaluated chunks from `next` into a fresh aggregator at `depth`.
  template <typename Source>
  Status Build(Source next, int depth);
  Status SpillRows(const DataChunk& evaluated, const EncodedKeys& keys,
                   const std::vector<uint32_t>& rows, int depth);
  Status FlushPartitions(int depth);

  ExecContext* ctx_;
  OperatorPtr child_;
  std::vector<ExprPtr> groups_;
  std::vector<ExprPtr> args_;
  std::vector<AggregateSpec> specs_;
  std::vector<SqlType> evaluated_types_;
  std::unique_ptr<GroupedAggregator> table_;
  Reservation reservation_;
  std::vector<std::unique_ptr<SpillFile>> open_partitions_;
  std::vector<DataChunk> partition_buffers_;
  std::vector<Partition> pending_;
  bool started_ = false;
};

}  // namespace sluice::engine

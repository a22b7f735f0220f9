// HashAggregateOperator: GROUP BY with count/sum/avg/min/max/stddev_samp/var_samp, bounded by
// the memory budget, consuming its input on the input's worker threads.
//
// Parallelism: the operator hands its child a ChunkSink, so the scan threads that produce rows
// (after filters, projections and join probes) also aggregate them. With GROUP BY, groups are
// split by 4 hash bits into 16 shards, each a hash table behind its own lock (a worker skips a
// busy shard and comes back to it), so every group lives in exactly one table and memory is not
// duplicated per thread. A worker first aggregates each chunk into a small table of its own and
// merges those partial states into the shards, so with few groups the shards see a handful of
// merges per chunk instead of thousands of rows; when chunks have many distinct groups (the
// pre-aggregation would not shrink them) rows go to the shards directly. Without GROUP BY each
// worker keeps its own one-group state and the states are merged at the end. When the child
// cannot run a sink, the consumer thread feeds the same structures.
//
// Spilling (hybrid hash aggregation): a shard's table grows in explicit steps, each reserved from
// the budget before it is allocated. Once the budget refuses, the shard is frozen: rows of groups
// already in it still aggregate in memory, rows of new groups (also those whose partial state it
// refuses) are written, already evaluated, to the shard's spill file. After the input
// ends the in-memory groups are emitted and freed, then each spill file is aggregated the same
// way (recursively, splitting by the next 4 hash bits into 16 partitions), so every group's rows
// meet in exactly one table.
// Thread-safety: single consumer; the sink is thread-safe. Ownership: owns its child and spill
// files.
#pragma once

#include <memory>
#include <mutex>

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
  ~HashAggregateOperator() override;
  Result<bool> Next(DataChunk* out) override;

 private:
  class InputSink;
  struct Partition {
    std::unique_ptr<SpillFile> file;
    int depth = 0;
  };
  // One of the first level's tables, shared by the workers.
  struct Shard {
    std::mutex mu;
    std::unique_ptr<GroupedAggregator> table;
    std::unique_ptr<Reservation> reservation;
    bool frozen = false;
    std::unique_ptr<SpillFile> spill;
    DataChunk spill_buffer;
  };
  // Per-worker state, touched only by its worker.
  struct WorkerState {
    DataChunk evaluated;
    EncodedKeys keys;
    std::vector<std::vector<uint32_t>> shard_rows;  // rows (or local groups) per shard
    std::vector<uint32_t> rejected;
    std::vector<uint8_t> rejected_mark;
    std::unique_ptr<GroupedAggregator> local;   // the current chunk pre-aggregated
    int direct_chunks = 0;                      // chunks left that skip the pre-aggregation
    std::unique_ptr<GroupedAggregator> global;  // without GROUP BY: this worker's state
  };

  /// Evaluates the group keys and aggregate arguments of `input` (thread-safe).
  Status Evaluate(const DataChunk& input, DataChunk* evaluated) const;
  /// Aggregates one input chunk on `worker` (thread-safe for distinct workers).
  Status ConsumeInput(int worker, const DataChunk& input);
  /// Runs fn(shard, index) under the lock of every shard with work in state.shard_rows.
  template <typename Fn>
  Status VisitShards(int worker, const WorkerState& state, Fn fn);
  /// Grows `table` for `incoming` more groups if the budget allows, else freezes it.
  static void MakeRoom(GroupedAggregator* table, Reservation* reservation, bool* frozen,
                       size_t incoming);
  Status ConsumeShard(Shard* shard, WorkerState* state, const std::vector<uint32_t>& rows);
  Status MergeShard(Shard* shard, WorkerState* state, const std::vector<uint32_t>& groups);
  /// Appends the evaluated rows listed in state.rejected to the shard's spill file.
  Status SpillToShard(Shard* shard, const WorkerState& state);
  Status UpdateShardReservation(Shard* shard);
  /// After the input: merges the per-worker states or closes the shards' spill files.
  Status FinishInput();
  /// Feeds evaluated chunks from `next` into a fresh table at `depth` (spill partitions).
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
  std::vector<SqlType> key_types_;

  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<WorkerState> workers_;
  size_t next_shard_ = 0;  // next shard whose table is emitted

  std::unique_ptr<GroupedAggregator> table_;  // the table being emitted
  std::unique_ptr<Reservation> reservation_;  // its memory
  std::vector<std::unique_ptr<SpillFile>> open_partitions_;
  std::vector<DataChunk> partition_buffers_;
  std::vector<Partition> pending_;
  bool started_ = false;
};

}  // namespace sluice::engine

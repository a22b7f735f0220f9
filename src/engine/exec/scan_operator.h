// ScanOperator: reads the projected columns of a TableSource row group by row group on
// `threads` worker threads, skips row groups whose statistics rule out the pushed-down
// predicates, converts to engine Vectors and applies the pushed-down filters in the workers.
// Chunks reach the consumer through a bounded queue, so memory stays at about one decoded row
// group per worker plus the queue — or, when a parent added a ChunkSink, go straight into the
// sink on the worker that produced them. Row order across row groups is not preserved with >1
// thread.
// Thread-safety: Next() from one thread; workers are internal and joined in the destructor.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "engine/exec/operator.h"
#include "engine/plan/bound_expr.h"
#include "engine/plan/table_source.h"
#include "sluice/parquet_reader.h"

namespace sluice::engine {

class ScanOperator : public Operator {
 public:
  /// `filters` are resolved against the scan's output (the projected columns in order).
  ScanOperator(ExecContext* ctx, std::shared_ptr<const TableSource> source,
               std::vector<int> columns, std::vector<ExprPtr> filters,
               std::vector<RowGroupPredicate> prune);
  ~ScanOperator() override;

  Result<bool> Next(DataChunk* out) override;
  Result<bool> TryAddTransform(std::shared_ptr<const ChunkTransform> transform) override {
    if (started_) return false;
    transforms_.push_back(std::move(transform));
    return true;
  }
  Result<bool> TryAddSink(std::shared_ptr<ChunkSink> sink) override {
    if (started_ || sink_) return false;
    sink_ = std::move(sink);
    return true;
  }

 private:
  void Worker(int worker);
  Status ScanRowGroup(ParquetFileReader* reader, int row_group, int worker);
  bool Push(DataChunk chunk);

  ExecContext* ctx_;
  std::shared_ptr<const TableSource> source_;
  std::vector<int> columns_;
  std::vector<SqlType> types_;
  std::vector<ExprPtr> filters_;
  std::vector<RowGroupPredicate> prune_;
  std::vector<std::shared_ptr<const ChunkTransform>> transforms_;
  std::shared_ptr<ChunkSink> sink_;
  std::vector<std::pair<int, int>> tasks_;  // (file, row group)

  std::mutex mu_;
  std::condition_variable not_empty_;
  std::condition_variable not_full_;
  std::deque<DataChunk> queue_;
  size_t queue_capacity_ = 4;
  size_t next_task_ = 0;
  int running_ = 0;
  bool stop_ = false;
  bool started_ = false;
  Status error_;
  std::vector<std::thread> workers_;
};

}  // namespace sluice::engine

// SortOperator: ORDER BY as an external merge sort. Input chunks (with the evaluated sort keys
// appended as extra columns) are buffered while the memory reservation allows; when it does not,
// the buffer is sorted and written as a run to a spill file. At the end the runs are merged with
// a heap, one chunk per run in memory. With `limit` >= 0 it is a top-N instead: only the best
// limit+offset rows are kept (the buffer is trimmed whenever it doubles), nothing spills.
// Thread-safety: single consumer. Ownership: owns its child and spill files.
#pragma once

#include <memory>

#include "engine/exec/operator.h"
#include "engine/exec/row_comparator.h"
#include "engine/plan/bound_expr.h"
#include "engine/spill/spill_file.h"

namespace sluice::engine {

class SortOperator : public Operator {
 public:
  SortOperator(ExecContext* ctx, OperatorPtr child, std::vector<SqlType> child_types,
               std::vector<ExprPtr> keys, std::vector<SortOrder> orders, int64_t limit = -1,
               int64_t offset = 0);
  Result<bool> Next(DataChunk* out) override;

 private:
  struct RowRef {
    uint32_t chunk;
    uint32_t row;
  };
  struct Run {
    std::unique_ptr<SpillFile> file;
    DataChunk chunk;
    int64_t row = 0;
  };

  Status Consume();
  std::vector<RowRef> SortBuffer();
  /// Replaces the buffer with its first `keep` sorted rows.
  void TrimBuffer(int64_t keep);
  Status SpillRun();
  Result<bool> NextInMemory(DataChunk* out);
  Result<bool> NextMerged(DataChunk* out);

  ExecContext* ctx_;
  OperatorPtr child_;
  std::vector<SqlType> child_types_;
  std::vector<SqlType> buffer_types_;
  std::vector<ExprPtr> keys_;
  RowComparator comparator_;
  int64_t limit_;
  int64_t offset_;
  Reservation reservation_;
  std::vector<DataChunk> buffer_;
  int64_t buffer_rows_ = 0;
  std::vector<Run> runs_;
  std::vector<RowRef> sorted_;
  size_t emitted_ = 0;
  std::vector<size_t> heap_;
  bool consumed_ = false;
  bool cutoff_valid_ = false;  // top-N: buffer_[0] is sorted and holds limit+offset rows
  int64_t to_skip_ = 0;
  int64_t remaining_ = -1;
};

}  // namespace sluice::engine

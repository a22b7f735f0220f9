// RowComparator: ORDER BY comparison of two rows, each addressed as (chunk, row), on key columns
// stored at the end of the chunks (key k at column first_key + k), with ASC/DESC and NULLS
// FIRST/LAST per key.
// Thread-safety: immutable after construction.
#pragma once

#include <vector>

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

struct SortOrder {
  bool descending = false;
  bool nulls_first = false;
};

class RowComparator {
 public:
  RowComparator(size_t first_key, std::vector<SortOrder> orders)
      : first_key_(first_key), orders_(std::move(orders)) {}

  /// <0, 0, >0 as row (a, ra) sorts before, with, after row (b, rb).
  int Compare(const DataChunk& a, int64_t ra, const DataChunk& b, int64_t rb) const {
    for (size_t key = 0; key < orders_.size(); ++key) {
      const Vector& x = a.columns[first_key_ + key];
      const Vector& y = b.columns[first_key_ + key];
      bool xn = x.IsNull(ra);
      bool yn = y.IsNull(rb);
      if (xn || yn) {
        if (xn && yn) continue;
        return (xn == orders_[key].nulls_first) ? -1 : 1;
      }
      int cmp = CompareValues(x, ra, y, rb);
      if (cmp != 0) return orders_[key].descending ? -cmp : cmp;
    }
    return 0;
  }

 private:
  size_t first_key_;
  std::vector<SortOrder> orders_;
};

}  // namespace sluice::engine

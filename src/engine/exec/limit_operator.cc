#include "engine/exec/limit_operator.h"

#include <numeric>

#include "engine/exec/filter_operator.h"

namespace sluice::engine {

void SliceChunk(DataChunk* chunk, int64_t start, int64_t count) {
  if (start == 0 && count == chunk->size) return;
  std::vector<uint32_t> rows(static_cast<size_t>(count));
  std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(start));
  SelectRows(chunk, rows);
}

Result<bool> LimitOperator::Next(DataChunk* out) {
  while (remaining_ != 0) {
    SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(out));
    if (!more) return false;
    int64_t start = std::min(to_skip_, out->size);
    to_skip_ -= start;
    int64_t count = out->size - start;
    if (remaining_ >= 0) count = std::min(count, remaining_);
    if (count == 0) continue;
    SliceChunk(out, start, count);
    if (remaining_ > 0) remaining_ -= count;
    return true;
  }
  return false;
}

}  // namespace sluice::engine

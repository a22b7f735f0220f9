// GroupedAggregator: the in-memory hash table of one hash-aggregation pass — group keys, one
// state per (group, aggregate), DISTINCT sets — over pre-evaluated input chunks laid out as
// [key columns..., one argument column per aggregate that has an argument...].
// In "reject" mode (set when the memory budget is exhausted) rows of groups not yet in the table
// are returned to the caller, who spills them; existing groups keep aggregating in memory.
// Thread-safety: single thread. Ownership: owns all state; memory_bytes() reports it.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "engine/exec/huge_page_allocator.h"
#include "engine/exec/key_encoder.h"
#include "engine/types/vector.h"

namespace sluice::engine {

struct AggregateSpec {
  std::string name;  // count_star count sum avg min max stddev_samp var_samp count_merge
  bool distinct = false;
  int arg_column = -1;  // column of the input chunk, -1 for count_star
  SqlType arg_type;
  SqlType result_type;
};

class GroupedAggregator {
 public:
  GroupedAggregator(std::vector<SqlType> key_types, std::vector<AggregateSpec> specs);

  /// Aggregates `input`, whose first key_types.size() columns are the keys encoded in `keys`.
  /// With `rejected` non-null, rows of unknown groups are not added but listed in *rejected.
  Status Consume(const DataChunk& input, const EncodedKeys& keys, std::vector<uint32_t>* rejected);
  /// Approximate heap bytes held.
  int64_t memory_bytes() const { return memory_bytes_; }
  int64_t num_groups() const { return static_cast<int64_t>(group_hashes_.size()); }
  /// Produces up to kChunkRows result rows (keys then aggregates); false when done.
  Result<bool> NextResult(DataChunk* out);
  std::vector<SqlType> result_types() const;

 private:
  struct State {
    std::vector<int64_t> count;
    std::vector<int128> wide;              // integer/decimal sums, min/max of kI128
    std::vector<int64_t> narrow;           // min/max of kI64 and kU8
    std::vector<double> real;              // double sums, min/max of kF64, Welford mean
    std::vector<double> m2;                // Welford sum of squared differences
    std::vector<std::string> text;         // min/max of strings
    std::vector<uint8_t> has;              // a value was seen
    std::unordered_set<std::string> seen;  // DISTINCT: group id + value bytes
  };

  uint32_t FindOrAdd(const EncodedKeys& keys, size_t row, const DataChunk& input, bool may_add);
  void Grow();
  void AddGroupState();
  Status Update(size_t agg, const Vector& arg, const std::vector<uint32_t>& groups,
                const std::vector<uint8_t>& active);
  Status Finalize(size_t agg, uint32_t group, Vector* out) const;
  void RecomputeMemory();

  std::vector<SqlType> key_types_;
  std::vector<AggregateSpec> specs_;
  std::vector<State> states_;
  DataChunk group_keys_;
  std::string key_arena_;
  std::vector<uint64_t> key_offsets_{0};
  std::vector<uint64_t> group_hashes_;
  std::vector<uint64_t, HugePageAllocator<uint64_t>>
      slots_;  // 0 = empty, else hash tag | (group id + 1)
  int64_t distinct_bytes_ = 0;
  int64_t text_bytes_ = 0;
  int64_t memory_bytes_ = 0;
  uint32_t next_output_ = 0;
  bool finalized_empty_check_ = false;
};

}  // namespace sluice::engine

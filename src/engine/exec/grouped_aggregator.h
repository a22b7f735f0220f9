// GroupedAggregator: the in-memory hash table of one hash-aggregation pass — group keys and one
// state per (group, aggregate) — over pre-evaluated input chunks laid out as
// [key columns..., one argument column per aggregate that has an argument...].
// In "reject" mode (set when the memory budget is exhausted) rows of groups not yet in the table
// are returned to the caller, who spills them; existing groups keep aggregating in memory.
// Tables built from different parts of the input (one per worker thread) combine with
// MergeFrom(). DISTINCT aggregates never reach it: the planner rewrites them into two levels of
// plain aggregation.
// Thread-safety: one thread at a time. Ownership: owns all state; memory_bytes() reports it.
#pragma once

#include <string>
#include <vector>

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
  /// Internal error for DISTINCT specs (the planner removes them).
  static Result<std::unique_ptr<GroupedAggregator>> Create(std::vector<SqlType> key_types,
                                                           std::vector<AggregateSpec> specs);

  /// Aggregates rows[0..count) of `input` (every row when `rows` is null), whose first
  /// key_types.size() columns are the keys encoded in `keys`. With `rejected` non-null the table
  /// is bounded: it adds new groups only up to capacity_groups(), rows of further new groups are
  /// appended to *rejected instead. Unbounded, it grows as needed.
  Status Consume(const DataChunk& input, const EncodedKeys& keys, const uint32_t* rows,
                 size_t count, std::vector<uint32_t>* rejected);
  /// Adds the states of groups[0..count) of `other` (every group when `groups` is null; same
  /// key types and aggregates) into this table. With `rejected` non-null, bounded as in
  /// Consume(): groups that do not fit are appended (as `other`'s group ids) to *rejected.
  Status MergeFrom(const GroupedAggregator& other, const uint32_t* groups = nullptr,
                   size_t count = 0, std::vector<uint32_t>* rejected = nullptr);
  /// Groups the table holds without allocating. Growth is explicit (ReserveGroups), so a caller
  /// can reserve budget for it first instead of finding out after the allocation.
  size_t capacity_groups() const { return capacity_groups_; }
  /// memory_bytes() once room for `groups` groups is reserved.
  int64_t BytesForCapacity(size_t groups) const;
  /// Makes room for `groups` groups (no-op when there is).
  void ReserveGroups(size_t groups);
  /// Forgets every group (keeping small allocations), for reuse as a per-chunk table.
  void Reset();
  /// The group of each row of the last Consume(), in the order of its `rows`.
  const std::vector<uint32_t>& row_groups() const { return groups_; }
  uint64_t group_hash(uint32_t group) const { return group_hashes_[group]; }
  /// Approximate heap bytes held.
  int64_t memory_bytes() const { return memory_bytes_; }
  int64_t num_groups() const { return static_cast<int64_t>(group_hashes_.size()); }
  /// Produces up to kChunkRows result rows (keys then aggregates); false when done.
  Result<bool> NextResult(DataChunk* out);
  std::vector<SqlType> result_types() const;

 private:
  // Which function updates a state: decided once from the spec, not per row.
  enum class Kind { kCountStar, kCount, kCountMerge, kSum, kMin, kMax, kVariance };
  struct State {
    LargeVector<int64_t> count;     // non-NULL values seen (0: the result is NULL)
    LargeVector<int128> wide;       // integer/decimal sums, min/max of kI128
    LargeVector<int64_t> narrow;    // min/max of kI64 and kU8
    LargeVector<double> real;       // double sums, min/max of kF64, Welford mean
    LargeVector<double> m2;         // Welford sum of squared differences
    LargeVector<std::string> text;  // min/max of strings
  };
  static constexpr uint32_t kRejected = UINT32_MAX;

  GroupedAggregator(std::vector<SqlType> key_types, std::vector<AggregateSpec> specs);
  /// The group of `key`, added if new — unless `bounded` and at capacity (then kRejected).
  uint32_t FindOrAdd(uint64_t hash, std::string_view key, bool bounded);
  /// The encoded key of `group`.
  std::string_view KeyOf(uint32_t group) const {
    if (fixed_key_length_ >= 0) {
      auto length = static_cast<size_t>(fixed_key_length_);
      return std::string_view(key_arena_.data() + group * length, length);
    }
    return std::string_view(key_arena_.data() + key_offsets_[group],
                            key_offsets_[group + 1] - key_offsets_[group]);
  }
  void AddGroupStates();
  Status Update(size_t agg, const Vector& arg, const uint32_t* rows, size_t count);
  /// Adds from's states of sources[i] into targets[i] (skipped when kRejected).
  Status Combine(size_t agg, const State& from, const std::vector<uint32_t>& sources,
                 const std::vector<uint32_t>& targets);
  Status Finalize(size_t agg, uint32_t group, Vector* out) const;
  void RecomputeMemory();

  std::vector<SqlType> key_types_;
  std::vector<AggregateSpec> specs_;
  std::vector<Kind> kinds_;
  std::vector<State> states_;
  // Group keys, encoded (output decodes them): fixed-width key columns give every key the same
  // length, addressed by stride; otherwise key_offsets_ delimits them.
  int64_t fixed_key_length_;
  LargeString key_arena_;
  LargeVector<uint64_t> key_offsets_;
  LargeVector<uint64_t> group_hashes_;
  LargeVector<uint64_t> slots_;     // 0 = empty, else hash tag | (group id + 1)
  std::vector<uint32_t> groups_;    // scratch: group of each consumed row
  std::vector<uint32_t> identity_;  // scratch: 0, 1, 2, ... for Consume without a selection
  size_t capacity_groups_ = 0;
  int64_t text_bytes_ = 0;
  int64_t memory_bytes_ = 0;
  uint32_t next_output_ = 0;
  bool finalized_empty_check_ = false;
};

}  // namespace sluice::engine

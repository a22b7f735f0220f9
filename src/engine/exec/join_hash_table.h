// JoinHashTable: the build side of a hash join — build rows stored columnar, their encoded keys,
// and a hash table over the distinct keys with duplicate rows chained. Rows with a NULL key are
// dropped (they never match).
// Thread-safety: single thread. Ownership: owns the rows; memory_bytes() reports them.
#pragma once

#include "engine/exec/key_encoder.h"
#include "engine/types/vector.h"

namespace sluice::engine {

class JoinHashTable {
 public:
  explicit JoinHashTable(std::vector<SqlType> types) : rows_(types), types_(std::move(types)) {}

  /// Sizes the arrays for about `rows` build rows up front (at the first Add()), so they are
  /// not grown by doubling: fewer copies and fewer fresh pages to fault in.
  void ExpectRows(int64_t rows) { expected_rows_ = rows; }
  /// Adds the rows of `chunk` whose keys (encoded in `keys`) have no NULL.
  void Add(const DataChunk& chunk, const EncodedKeys& keys);
  /// Builds the bucket chains; call after the last Add().
  void Finish();
  int64_t memory_bytes() const;
  int64_t num_rows() const { return rows_.size; }
  const DataChunk& rows() const { return rows_; }

  /// The first build row whose key equals `key` (hash `hash`), or -1.
  int64_t Find(uint64_t hash, std::string_view key) const;
  /// The next build row with the same key as `row` (a row returned by Find or NextMatch), or -1.
  int64_t NextMatch(int64_t row) const {
    if (next_.empty()) return -1;
    uint32_t next = next_[static_cast<size_t>(row)];
    return next == kNoRow ? -1 : static_cast<int64_t>(next);
  }
  /// Prefetches the slots, then the stored keys, that probing these hashes will touch, so a
  /// chunk's cache misses overlap instead of being paid one probe at a time.
  void Prefetch(const uint64_t* hashes, size_t count) const;

 private:
  // Open addressing with linear probing over distinct keys: a slot is the hash's high 32 bits (a
  // tag that rejects most mismatches without touching the keys) | (first row + 1). Further rows
  // with the same key follow in next_, so a probe stops at its key's slot instead of scanning
  // the rest of the probe run for duplicates.
  static constexpr uint64_t kRowMask = 0xFFFFFFFFULL;
  static constexpr uint32_t kNoRow = UINT32_MAX;

  /// The key bytes of build row `row` (before Finish() in inline mode).
  std::string_view StoredKey(size_t row) const;
  /// Makes `row` the first match of a key whose first match so far is `head`.
  void Chain(size_t row, uint64_t head);

  DataChunk rows_;
  std::vector<SqlType> types_;
  int64_t expected_rows_ = 0;
  LargeString key_arena_;
  LargeVector<uint64_t> key_offsets_;  // only once key lengths differ (else stride addressing)
  LargeVector<uint64_t> hashes_;
  int64_t fixed_key_length_ = -1;  // >= 0 while every key has this length (stride addressing)
  LargeVector<uint64_t> slots_;
  // How keys are stored, chosen by Finish():
  //  kGeneric: slots_ hold tag | (row + 1); keys stay in key_arena_.
  //  kInline: every key is at most 9 bytes (one NULL flag, always 1 here, plus up to 8 value
  //    bytes: any single integer/date/double key): the value bytes sit next to each slot, so a
  //    probe touches one cache line; inline_slots_[2 * pos + 1] is slot pos's key.
  //  kCompact: like kInline, and every key's value bytes fit in 32 bits (ids, dates): slots_
  //    hold key << 32 | (row + 1), half the memory of kInline, so more of it stays in cache.
  enum class Mode { kGeneric, kInline, kCompact };
  Mode mode_ = Mode::kGeneric;
  LargeVector<uint64_t> inline_slots_;  // pairs (tag | row + 1, key bytes)
  LargeVector<uint32_t> next_;          // per row: the next row with its key; empty: no duplicates
};

}  // namespace sluice::engine

// JoinHashTable: the build side of a hash join — build rows stored columnar, their encoded keys,
// and bucket chains over the key hashes. Rows with a NULL key are dropped (they never match).
// Thread-safety: single thread. Ownership: owns the rows; memory_bytes() reports them.
#pragma once

#include "engine/exec/huge_page_allocator.h"
#include "engine/exec/key_encoder.h"
#include "engine/types/vector.h"

namespace sluice::engine {

class JoinHashTable {
 public:
  explicit JoinHashTable(std::vector<SqlType> types) : rows_(types), types_(std::move(types)) {}

  /// Adds the rows of `chunk` whose keys (encoded in `keys`) have no NULL.
  void Add(const DataChunk& chunk, const EncodedKeys& keys);
  /// Builds the bucket chains; call after the last Add().
  void Finish();
  int64_t memory_bytes() const;
  int64_t num_rows() const { return rows_.size; }
  const DataChunk& rows() const { return rows_; }

  /// Finds build rows whose key equals `key` (hash `hash`): start with *cursor = Start(hash);
  /// each call returns the next matching row and advances *cursor, or -1 when there is none.
  size_t Start(uint64_t hash) const {
    if (inline_keys_mode_) return hash & (inline_slots_.size() / 2 - 1);
    return slots_.empty() ? 0 : (hash & (slots_.size() - 1));
  }
  int64_t Next(uint64_t hash, std::string_view key, size_t* cursor) const;
  /// Prefetches the slots, then the stored keys, that probing these hashes will touch, so a
  /// chunk's cache misses overlap instead of being paid one probe at a time.
  void Prefetch(const uint64_t* hashes, size_t count) const;

 private:
  // Open addressing with linear probing: a slot is the hash's high 32 bits (a tag that rejects
  // most mismatches without touching the keys) | (row + 1). Duplicate keys take separate slots.
  static constexpr uint64_t kRowMask = 0xFFFFFFFFULL;

  DataChunk rows_;
  std::vector<SqlType> types_;
  std::string key_arena_;
  std::vector<uint64_t> key_offsets_{0};
  std::vector<uint64_t> hashes_;
  int64_t fixed_key_length_ = -1;  // >= 0 while every key has this length (stride addressing)
  std::vector<uint64_t, HugePageAllocator<uint64_t>> slots_;
  // When every key is at most 9 bytes (one NULL flag, which is always 1 here, plus up to 8
  // value bytes: any single integer/date/double key), the value bytes sit next to each slot, so
  // a probe touches one cache line: inline_keys_[2 * pos + 1] is slot pos's key.
  bool inline_keys_mode_ = false;
  std::vector<uint64_t, HugePageAllocator<uint64_t>>
      inline_slots_;  // pairs (tag | row + 1, key bytes)
};

}  // namespace sluice::engine

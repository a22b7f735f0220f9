// UniqueKeySet: the distinct-key set behind a unique check over a whole table, in bounded memory.
//
// Keys (encoded column values) go into an in-memory open-addressing hash table; a key already in
// the table is a duplicate, detected at once. When the owner decides the set is over its memory
// budget it calls Spill(): the keys are sorted by (hash, bytes) and written as one run to an
// unlinked temporary file, and the table starts empty. Finish() merges all runs (k-way, by
// (hash, bytes)); a key present in r runs adds r - 1 duplicates. So the total is always
// (non-NULL rows) - (distinct keys), whatever the spill points were.
// Thread-safety: none (the validator serialises commits). Owns its spill files (closed, and
// already unlinked, on destruction).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::validate {

/// 64-bit hash of a byte string (fast, not cryptographic).
uint64_t HashBytes(const void* data, size_t size);

/// A new temporary file in `dir` (empty: $TMPDIR, else /tmp), already unlinked: it lives as long
/// as the stream, even if the process dies. Opened for writing and reading back.
Result<std::FILE*> OpenSpillFile(const std::string& dir);

class UniqueKeySet {
 public:
  explicit UniqueKeySet(std::string spill_dir);
  ~UniqueKeySet();
  UniqueKeySet(const UniqueKeySet&) = delete;
  UniqueKeySet& operator=(const UniqueKeySet&) = delete;

  /// Adds `key`; false when it is already in memory (a duplicate). When growing the table or
  /// the arena would pass memory_limit(), the in-memory keys are spilled first; a spill error
  /// is kept in status() (the key is then counted as new).
  bool Insert(std::string_view key, uint64_t hash);
  /// Bytes the in-memory part may use (0 = unlimited); growth beyond it spills instead.
  void set_memory_limit(int64_t bytes) { memory_limit_ = bytes; }
  const Status& status() const { return status_; }
  /// Heap bytes of the in-memory table and key arena.
  int64_t memory_bytes() const {
    return static_cast<int64_t>(arena_.capacity() + slots_.capacity() * sizeof(Slot));
  }
  int64_t size() const { return count_; }
  /// Writes the in-memory keys as a sorted run and frees the memory.
  Status Spill();
  int64_t runs() const { return static_cast<int64_t>(runs_.size()); }
  /// Merges the runs (the in-memory keys are spilled first when runs exist) and returns the
  /// number of cross-run duplicates, calling on_duplicate(key) for each.
  Result<int64_t> Finish(const std::function<void(std::string_view)>& on_duplicate);

 private:
  struct Slot {
    uint64_t hash;
    uint64_t offset_plus_one;  // 0 = empty slot
  };
  void Grow();
  std::string_view KeyAt(uint64_t offset) const;

  std::string spill_dir_;
  std::vector<char> arena_;  // [u32 length][bytes] per key
  std::vector<Slot> slots_;
  int64_t count_ = 0;
  std::vector<std::FILE*> runs_;
  int64_t memory_limit_ = 0;
  Status status_;
};

}  // namespace sluice::validate

// FixedKeySet: the distinct-key set behind a unique check whose key fits in 8 bytes (BIGINT ids,
// INT, DATE, TIMESTAMP, DECIMAL(<=18), DOUBLE, or a combination of such columns of <= 8 bytes).
//
// Why not the generic UniqueKeySet: for such keys the value itself is the key, so there is
// nothing to hash or compare byte-wise, and the typical key (a primary key) is a dense range
// that compresses to almost nothing. Keys are kept as a sorted set of maximal runs [lo, hi],
// varint-encoded (gap to the previous run, run length): 5M consecutive ids take a few bytes
// instead of ~100 MB of hash table, and random 64-bit keys take ~7 bytes each.
//
// Added keys first collect in a pending buffer (with an optional row key each); when it is full
// it is sorted (usually it already is: extracts stream in key order) and merged into the run set
// in one linear pass. A pending key already in the set, or equal to an earlier pending key, is a
// duplicate, reported with its row key. When the merged set would pass the memory limit, the
// merge output goes to an unlinked temporary file instead (a sorted run), and the set starts
// empty; Finish() sweeps all runs (a value present in r runs adds r - 1 duplicates, reported
// without a row key). So the total is always (keys added) - (distinct keys).
// Thread-safety: none (the validator serialises commits).
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::validate {

class FixedKeySet {
 public:
  /// The row a duplicate came from: the bytes the caller stored for it, and the tag it passed
  /// to Add() (e.g. which chunk). `null` when the caller stored a NULL row key.
  struct RowKey {
    std::string_view bytes;
    bool null = false;
    uint32_t tag = 0;
  };
  /// Called for each duplicate; `row` is null when the row is not known (found only when
  /// merging spilled runs, or the set keeps no row keys).
  using OnDuplicate = std::function<void(uint64_t key, const RowKey* row)>;

  /// `with_rows`: Add() passes a row key per key (else duplicates carry no row).
  FixedKeySet(std::string spill_dir, bool with_rows);
  ~FixedKeySet();
  FixedKeySet(const FixedKeySet&) = delete;
  FixedKeySet& operator=(const FixedKeySet&) = delete;

  /// Bytes the set may hold (0 = unlimited); beyond it merges go to spill files.
  void set_memory_limit(int64_t bytes) { memory_limit_ = bytes; }

  /// Adds `count` keys. With rows, `row_offsets[i]` is the offset in `row_arena` of key i's row
  /// key, stored as [u32 length][bytes] (length 0xFFFFFFFF: NULL, no bytes). `tag` is handed
  /// back with duplicates of these keys. Duplicates found by merges this call triggers are
  /// reported through `on_duplicate` (which may also see keys of earlier calls).
  Status Add(const uint64_t* keys, size_t count, const uint64_t* row_offsets,
             std::string_view row_arena, uint32_t tag, const OnDuplicate& on_duplicate);

  /// Merges everything and reports the remaining duplicates: those still pending (with rows)
  /// and, when runs were spilled, those across runs (without rows, at most `max_reported`
  /// calls for those; all are counted). Returns the number of duplicates this call found.
  Result<int64_t> Finish(const OnDuplicate& on_duplicate, int64_t max_reported);

  /// Heap bytes held now (run set, pending keys and row keys) and the peak, including the
  /// transient output of a merge.
  int64_t memory_bytes() const;
  int64_t peak_memory_bytes() const { return peak_bytes_; }
  /// Duplicates found so far (each reported to an OnDuplicate, except beyond `max_reported`).
  int64_t duplicates() const { return duplicates_; }
  /// Spill files written so far.
  int64_t runs() const { return static_cast<int64_t>(files_.size()); }
  /// Runs [lo, hi] in the in-memory set (for tests and sizing).
  int64_t memory_runs() const { return set_runs_; }

 private:
  Status MergePending(const OnDuplicate& on_duplicate);
  void SortPending();
  void NotePeak(int64_t extra);

  std::string spill_dir_;
  bool with_rows_;
  int64_t memory_limit_ = 0;
  int64_t peak_bytes_ = 0;
  int64_t duplicates_ = 0;

  std::vector<uint8_t> set_;  // varint runs
  int64_t set_runs_ = 0;
  std::vector<uint64_t> pending_keys_;
  std::vector<uint64_t> pending_rows_;  // offsets into pending_arena_ (with rows)
  std::vector<uint32_t> pending_tags_;  // per pending key (with rows)
  std::vector<char> pending_arena_;
  std::vector<std::FILE*> files_;
};

}  // namespace sluice::validate

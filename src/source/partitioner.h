// Partitioner: turns a table's key distribution into chunks (inclusive key ranges) that are
// extracted and written independently. Keys are int64 "ordinals" (integers, UINT64 with the
// sign bit flipped, DATE days, DATETIME micros), so planning is source-agnostic; the KeyProbe
// answers the few index lookups planning needs.
//
//   range    — fixed key width from MIN to MAX; windows with no rows are skipped with one index
//              lookup each (large key gaps do not create millions of empty queries).
//   balanced — each chunk holds about `chunk_rows` rows: boundaries found by walking the key
//              index with "key >= lo ORDER BY key LIMIT 1 OFFSET chunk_rows" (reads index
//              entries only, never row data beyond the key), so hot spots are split and sparse
//              stretches merged; one key value with more than chunk_rows rows is one chunk.
//   scan     — no key: one streaming full scan (not planned here).
// A nullable key adds a final "key IS NULL" chunk when such rows exist, so no row is skipped.
// Thread-safety: PlanRanges uses the probe from the calling thread only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sluice/result.h"

namespace sluice::source {

enum class PartitionMode { kRange, kBalanced, kScan };
Result<PartitionMode> ParsePartitionMode(const std::string& name);
const char* PartitionModeName(PartitionMode mode);

/// Inclusive key range [lo, hi], or the rows whose key is NULL.
struct KeyRange {
  int64_t lo = 0;
  int64_t hi = 0;
  bool null_keys = false;

  bool Contains(int64_t key) const { return !null_keys && key >= lo && key <= hi; }
  bool operator==(const KeyRange&) const = default;
};

class KeyProbe {
 public:
  virtual ~KeyProbe() = default;
  /// MIN and MAX of the non-NULL keys; nullopt if there are none.
  virtual Result<std::optional<std::pair<int64_t, int64_t>>> MinMax() = 0;
  virtual Result<bool> HasNullKeys() = 0;
  /// Smallest key >= `from`, or nullopt.
  virtual Result<std::optional<int64_t>> NextKeyAtOrAfter(int64_t from) = 0;
  /// Key of the row `offset` positions after the first row with key >= `from`, in key order
  /// (offset 0 is that first row); nullopt if there are not that many rows.
  virtual Result<std::optional<int64_t>> KeyAtOffset(int64_t from, int64_t offset) = 0;
};

struct PlanOptions {
  PartitionMode mode = PartitionMode::kBalanced;
  /// range: key width of a chunk (already in ordinal units).
  int64_t chunk_keys = 20000;
  /// balanced: target rows per chunk.
  int64_t chunk_rows = 500000;
};

/// Plans the chunks of a keyed table. REQUIRES: mode is kRange or kBalanced.
Result<std::vector<KeyRange>> PlanRanges(KeyProbe* probe, const PlanOptions& options);

}  // namespace sluice::source

// Sharding one table's extract across processes (`sluice run --shard I/N`). Shard I of N runs
// the planned chunks whose plan index k has k % N == I, so N processes — on one machine, or on
// workers that share the destination directory — together extract every chunk exactly once.
// Round-robin rather than contiguous blocks: balanced plans put hot keys in neighbouring chunks,
// and dealing them out spreads that work over all shards.
//
// What keeps concurrent shards apart (TableExtract does the rest; see extract_job.h):
//  - The plan is frozen in DEST/TABLE/_sluice_state.json, created exclusively (link(2), atomic
//    on local file systems and NFS): the first process to plan wins and every other adopts that
//    plan, however late it starts and whatever the data did since.
//  - Each shard appends its committed chunks to its own progress file
//    (_sluice_progress.shard-I-of-N.jsonl), so no two processes append to one file (O_APPEND is
//    not atomic across NFS clients).
//  - A running shard holds an fcntl lock on DEST/TABLE/_sluice_shard-I-of-N.lock (released by
//    the kernel when the process dies, kill -9 included): the same shard started twice — an
//    Airflow zombie and its retry — fails instead of both writing the same chunks, and so does a
//    shard started while shards of another count N run.
// Thread-safety: value types and free functions; a ShardLock belongs to one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::runner {

/// More shards than this is a typo, not a plan (a chunk per shard would already be tiny).
constexpr int kMaxShards = 10'000;

struct ShardSpec {
  int index = 0;
  int count = 0;  // 0: not sharded (the process runs every chunk)

  bool enabled() const { return count > 0; }
  /// Whether this shard runs the chunk (or owns the part file) with plan index `chunk`.
  bool Owns(int64_t chunk) const { return !enabled() || chunk % count == index; }
  /// "I/N"; empty when not sharded.
  std::string ToString() const;
};

/// Parses "I/N" (0 <= I < N <= kMaxShards). Errors name the flag and the expected form.
Result<ShardSpec> ParseShard(std::string_view text);

/// The chunk indices of a `total`-chunk plan that `shard` runs, ascending.
std::vector<int> ShardChunks(const ShardSpec& shard, int total);

/// "_sluice_progress.jsonl" when not sharded, else "_sluice_progress.shard-I-of-N.jsonl".
std::string ProgressFileName(const ShardSpec& shard);
/// True for the progress file of any shard or of an unsharded run.
bool IsProgressFileName(std::string_view name);

/// Creates `path` holding `contents` unless it exists: written and fsynced under a temporary
/// name, then link(2)ed to `path`, which fails when `path` exists. Returns false when another
/// process created `path` first (its file is left as it is).
Result<bool> CreateFileExclusive(const std::string& path, std::string_view contents);

/// Holds the fcntl lock of one shard of the table in `dir` (created if missing).
class ShardLock {
 public:
  /// Fails (kIoError naming the shard) when the same shard holds the lock in another process,
  /// or when a shard with another count N is running on this table.
  static Result<std::unique_ptr<ShardLock>> Acquire(const std::string& dir, const ShardSpec& shard);
  ~ShardLock();
  ShardLock(const ShardLock&) = delete;
  ShardLock& operator=(const ShardLock&) = delete;

 private:
  explicit ShardLock(int fd) : fd_(fd) {}
  int fd_;
};

/// "_sluice_shard-I-of-N.lock".
std::string ShardLockFileName(const ShardSpec& shard);

}  // namespace sluice::runner

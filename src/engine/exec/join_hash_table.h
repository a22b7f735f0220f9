// JoinHashTable: the build side of a hash join — build rows stored columnar, their encoded keys,
// and bucket chains over the key hashes. Rows with a NULL key are dropped (they never match).
// Thread-safety: single thread. Ownership: owns the rows; memory_bytes() reports them.
#pragma once

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

  /// First build row whose key may equal `key` (hash `hash`), or -1; iterate with NextMatch.
  int64_t FirstMatch(uint64_t hash, std::string_view key) const {
    if (buckets_.empty()) return -1;
    return Walk(buckets_[hash & (buckets_.size() - 1)], hash, key);
  }
  int64_t NextMatch(int64_t row, uint64_t hash, std::string_view key) const {
    return Walk(next_[static_cast<size_t>(row)], hash, key);
  }

 private:
  int64_t Walk(uint32_t link, uint64_t hash, std::string_view key) const;

  DataChunk rows_;
  std::vector<SqlType> types_;
  std::string key_arena_;
  std::vector<uint64_t> key_offsets_{0};
  std::vector<uint64_t> hashes_;
  std::vector<uint32_t> buckets_;  // head row + 1, 0 = empty
  std::vector<uint32_t> next_;     // next row + 1 in the chain
};

}  // namespace sluice::engine

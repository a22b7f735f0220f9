#include "engine/exec/join_hash_table.h"

#include <cstring>

namespace sluice::engine {

void JoinHashTable::Add(const DataChunk& chunk, const EncodedKeys& keys) {
  std::vector<uint32_t> keep;
  keep.reserve(static_cast<size_t>(chunk.size));
  for (int64_t row = 0; row < chunk.size; ++row) {
    auto idx = static_cast<size_t>(row);
    if (keys.has_null[idx]) continue;
    keep.push_back(static_cast<uint32_t>(row));
    key_arena_.append(keys.Key(idx));
    key_offsets_.push_back(key_arena_.size());
    hashes_.push_back(keys.hashes[idx]);
  }
  for (size_t col = 0; col < rows_.columns.size(); ++col) {
    rows_.columns[col].AppendGather(chunk.columns[col], keep.data(), static_cast<int64_t>(keep.size()));
  }
  rows_.size += static_cast<int64_t>(keep.size());
}

void JoinHashTable::Finish() {
  size_t size = 1;
  // Bucket count: the next power of two >= 2x rows keeps chains short.
  while (size < hashes_.size() * 2) size <<= 1;
  buckets_.assign(size, 0);
  next_.assign(hashes_.size(), 0);
  for (size_t row = hashes_.size(); row-- > 0;) {
    size_t bucket = hashes_[row] & (size - 1);
    next_[row] = buckets_[bucket];
    buckets_[bucket] = static_cast<uint32_t>(row + 1);
  }
}

int64_t JoinHashTable::Walk(uint32_t link, uint64_t hash, std::string_view key) const {
  while (link != 0) {
    size_t row = link - 1;
    if (hashes_[row] == hash) {
      uint64_t begin = key_offsets_[row];
      uint64_t length = key_offsets_[row + 1] - begin;
      if (length == key.size() && std::memcmp(key_arena_.data() + begin, key.data(), length) == 0) {
        return static_cast<int64_t>(row);
      }
    }
    link = next_[row];
  }
  return -1;
}

int64_t JoinHashTable::memory_bytes() const {
  return rows_.allocated_bytes() +
         static_cast<int64_t>(key_arena_.capacity() + key_offsets_.capacity() * 8 +
                              hashes_.capacity() * 8 + buckets_.capacity() * 4 + next_.capacity() * 4) +
         // Finish() will add buckets (~2 x 4 bytes) and chain links (4 bytes) per row.
         (buckets_.empty() ? static_cast<int64_t>(hashes_.size()) * 12 : 0);
}

}  // namespace sluice::engine

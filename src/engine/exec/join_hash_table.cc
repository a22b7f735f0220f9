#include "engine/exec/join_hash_table.h"

#include <cstring>

namespace sluice::engine {

void JoinHashTable::Add(const DataChunk& chunk, const EncodedKeys& keys) {
  auto count = static_cast<size_t>(chunk.size);
  if (count == 0) return;
  if (hashes_.empty() && expected_rows_ > 0) {
    // First chunk: size everything for the expected rows from this chunk's row widths.
    double scale = static_cast<double>(expected_rows_) / static_cast<double>(count);
    hashes_.reserve(static_cast<size_t>(expected_rows_));
    key_arena_.reserve(static_cast<size_t>(static_cast<double>(keys.buffer.size()) * scale));
    for (size_t col = 0; col < rows_.columns.size(); ++col) {
      rows_.columns[col].Reserve(expected_rows_);
      if (chunk.columns[col].type().storage() == Storage::kStr) {
        rows_.columns[col].ReserveChars(
            static_cast<int64_t>(static_cast<double>(chunk.columns[col].chars_size()) * scale));
      }
    }
  }
  std::vector<uint32_t> keep;
  keep.reserve(count);
  for (size_t row = 0; row < count; ++row) {
    if (!keys.has_null[row]) keep.push_back(static_cast<uint32_t>(row));
  }
  if (hashes_.empty()) fixed_key_length_ = keys.Key(keep.empty() ? 0 : keep[0]).size();
  if (keep.size() == count && keys.fixed_length >= 0 && keys.fixed_length == fixed_key_length_) {
    // Common case: no NULL keys, all of the table's length: append the chunk's keys in bulk.
    key_arena_.append(keys.buffer.data(), keys.buffer.size());
    hashes_.insert(hashes_.end(), keys.hashes.begin(), keys.hashes.end());
  } else {
    for (uint32_t row : keep) {
      std::string_view key = keys.Key(row);
      if (fixed_key_length_ >= 0 && static_cast<int64_t>(key.size()) != fixed_key_length_) {
        // Lengths start to differ: switch from stride addressing to offsets.
        key_offsets_.resize(hashes_.size() + 1);
        for (size_t stored = 0; stored <= hashes_.size(); ++stored) {
          key_offsets_[stored] = stored * static_cast<size_t>(fixed_key_length_);
        }
        fixed_key_length_ = -1;
      }
      key_arena_.append(key);
      if (fixed_key_length_ < 0) key_offsets_.push_back(key_arena_.size());
      hashes_.push_back(keys.hashes[row]);
    }
  }
  for (size_t col = 0; col < rows_.columns.size(); ++col) {
    rows_.columns[col].AppendGather(chunk.columns[col], keep.data(),
                                    static_cast<int64_t>(keep.size()));
  }
  rows_.size += static_cast<int64_t>(keep.size());
}

namespace {

// Rows ahead whose slot Finish() prefetches.
constexpr size_t kPrefetchAhead = 16;

// The value bytes of a key of at most 9 bytes (its first byte is the NULL flag).
uint64_t InlineKey(const char* key, size_t length) {
  uint64_t out = 0;
  if (length == 9) {
    std::memcpy(&out, key + 1, 8);  // one BIGINT/DATE/DOUBLE key: a fixed-size copy
  } else if (length > 1) {
    std::memcpy(&out, key + 1, length - 1);
  }
  return out;
}

// Keys are short (9 bytes for one BIGINT): an inline loop beats a memcmp call.
bool SameBytes(const char* a, const char* b, size_t length) {
  if (length <= 16) {
    for (size_t pos = 0; pos < length; ++pos) {
      if (a[pos] != b[pos]) return false;
    }
    return true;
  }
  return std::memcmp(a, b, length) == 0;
}

}  // namespace

std::string_view JoinHashTable::StoredKey(size_t row) const {
  if (fixed_key_length_ >= 0) {
    auto length = static_cast<size_t>(fixed_key_length_);
    return std::string_view(key_arena_.data() + row * length, length);
  }
  return std::string_view(key_arena_.data() + key_offsets_[row],
                          key_offsets_[row + 1] - key_offsets_[row]);
}

void JoinHashTable::Chain(size_t row, uint64_t head) {
  if (next_.empty()) next_.assign(hashes_.size(), kNoRow);
  next_[row] = static_cast<uint32_t>(head);
}

void JoinHashTable::Finish() {
  size_t size = 1;
  // Slot count: the next power of two >= 2x rows keeps linear-probe runs short.
  while (size < hashes_.size() * 2) size <<= 1;
  size_t mask = size - 1;
  mode_ = fixed_key_length_ >= 1 && fixed_key_length_ <= 9 ? Mode::kInline : Mode::kGeneric;
  if (mode_ == Mode::kInline) {
    auto length = static_cast<size_t>(fixed_key_length_);
    bool small = true;
    for (size_t row = 0; small && row < hashes_.size(); ++row) {
      small = InlineKey(key_arena_.data() + row * length, length) <= kRowMask;
    }
    if (small) mode_ = Mode::kCompact;
  }
  // Rows go in last to first, each becoming its key's first match: chains list rows in order.
  if (mode_ == Mode::kCompact) {
    auto length = static_cast<size_t>(fixed_key_length_);
    slots_.assign(size, 0);
    for (size_t row = hashes_.size(); row-- > 0;) {
      // Slots are hit at random: fetch the one a few rows ahead while placing this one.
      if (row >= kPrefetchAhead) {
        __builtin_prefetch(&slots_[hashes_[row - kPrefetchAhead] & mask], 1);
      }
      uint64_t key = InlineKey(key_arena_.data() + row * length, length) << 32;
      size_t pos = hashes_[row] & mask;
      while (slots_[pos] != 0 && (slots_[pos] & ~kRowMask) != key) pos = (pos + 1) & mask;
      if (slots_[pos] != 0) Chain(row, (slots_[pos] & kRowMask) - 1);
      slots_[pos] = key | (row + 1);
    }
    key_arena_.clear();
    key_arena_.shrink_to_fit();
  } else if (mode_ == Mode::kInline) {
    auto length = static_cast<size_t>(fixed_key_length_);
    inline_slots_.assign(size * 2, 0);
    for (size_t row = hashes_.size(); row-- > 0;) {
      if (row >= kPrefetchAhead) {
        __builtin_prefetch(&inline_slots_[2 * (hashes_[row - kPrefetchAhead] & mask)], 1);
      }
      uint64_t tag = hashes_[row] & ~kRowMask;
      uint64_t key = InlineKey(key_arena_.data() + row * length, length);
      size_t pos = hashes_[row] & mask;
      while (true) {
        uint64_t slot = inline_slots_[2 * pos];
        if (slot == 0) {
          inline_slots_[2 * pos + 1] = key;
        } else if ((slot & ~kRowMask) != tag || inline_slots_[2 * pos + 1] != key) {
          pos = (pos + 1) & mask;
          continue;
        } else {
          Chain(row, (slot & kRowMask) - 1);
        }
        inline_slots_[2 * pos] = tag | (row + 1);
        break;
      }
    }
    key_arena_.clear();
    key_arena_.shrink_to_fit();
  } else {
    slots_.assign(size, 0);
    for (size_t row = hashes_.size(); row-- > 0;) {
      if (row >= kPrefetchAhead)
        __builtin_prefetch(&slots_[hashes_[row - kPrefetchAhead] & mask], 1);
      uint64_t tag = hashes_[row] & ~kRowMask;
      std::string_view key = StoredKey(row);
      size_t pos = hashes_[row] & mask;
      while (true) {
        uint64_t slot = slots_[pos];
        if (slot != 0) {
          std::string_view other = StoredKey((slot & kRowMask) - 1);
          if ((slot & ~kRowMask) != tag || other.size() != key.size() ||
              !SameBytes(other.data(), key.data(), key.size())) {
            pos = (pos + 1) & mask;
            continue;
          }
          Chain(row, (slot & kRowMask) - 1);
        }
        slots_[pos] = tag | (row + 1);
        break;
      }
    }
  }
  hashes_.clear();
  hashes_.shrink_to_fit();
}

int64_t JoinHashTable::Find(uint64_t hash, std::string_view key) const {
  uint64_t tag = hash & ~kRowMask;
  if (mode_ == Mode::kCompact) {
    if (key.size() != static_cast<size_t>(fixed_key_length_)) return -1;
    uint64_t wanted = InlineKey(key.data(), key.size());
    if (wanted > kRowMask) return -1;
    wanted <<= 32;
    size_t mask = slots_.size() - 1;
    for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      uint64_t slot = slots_[pos];
      if (slot == 0) return -1;
      if ((slot & ~kRowMask) == wanted) return static_cast<int64_t>((slot & kRowMask) - 1);
    }
  }
  if (mode_ == Mode::kInline) {
    if (key.size() != static_cast<size_t>(fixed_key_length_)) return -1;
    size_t mask = inline_slots_.size() / 2 - 1;
    uint64_t wanted = InlineKey(key.data(), key.size());
    for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
      uint64_t slot = inline_slots_[2 * pos];
      if (slot == 0) return -1;
      if ((slot & ~kRowMask) == tag && inline_slots_[2 * pos + 1] == wanted) {
        return static_cast<int64_t>((slot & kRowMask) - 1);
      }
    }
  }
  if (slots_.empty()) return -1;
  size_t mask = slots_.size() - 1;
  for (size_t pos = hash & mask;; pos = (pos + 1) & mask) {
    uint64_t slot = slots_[pos];
    if (slot == 0) return -1;
    if ((slot & ~kRowMask) != tag) continue;
    size_t row = (slot & kRowMask) - 1;
    std::string_view stored = StoredKey(row);
    if (stored.size() == key.size() && SameBytes(stored.data(), key.data(), key.size())) {
      return static_cast<int64_t>(row);
    }
  }
}

void JoinHashTable::Prefetch(const uint64_t* hashes, size_t count) const {
  if (mode_ == Mode::kCompact) {
    if (slots_.empty()) return;
    size_t mask = slots_.size() - 1;
    for (size_t idx = 0; idx < count; ++idx) __builtin_prefetch(&slots_[hashes[idx] & mask]);
    return;
  }
  if (mode_ == Mode::kInline) {
    size_t mask = inline_slots_.size() / 2 - 1;
    for (size_t idx = 0; idx < count; ++idx)
      __builtin_prefetch(&inline_slots_[2 * (hashes[idx] & mask)]);
    return;
  }
  if (slots_.empty()) return;
  size_t mask = slots_.size() - 1;
  for (size_t idx = 0; idx < count; ++idx) __builtin_prefetch(&slots_[hashes[idx] & mask]);
  for (size_t idx = 0; idx < count; ++idx) {
    uint64_t slot = slots_[hashes[idx] & mask];
    if (slot == 0 || (slot & ~kRowMask) != (hashes[idx] & ~kRowMask)) continue;
    size_t row = (slot & kRowMask) - 1;
    if (fixed_key_length_ >= 0) {
      __builtin_prefetch(key_arena_.data() + row * static_cast<size_t>(fixed_key_length_));
    } else {
      __builtin_prefetch(&key_offsets_[row]);
    }
  }
}

int64_t JoinHashTable::memory_bytes() const {
  return rows_.allocated_bytes() +
         static_cast<int64_t>(key_arena_.capacity() + key_offsets_.capacity() * 8 +
                              hashes_.capacity() * 8 + slots_.capacity() * 8 +
                              inline_slots_.capacity() * 8 + next_.capacity() * 4) +
         // Finish() will add up to four 8-byte words per row (two slots of key + row) and a
         // 4-byte duplicate link.
         (slots_.empty() && inline_slots_.empty() ? static_cast<int64_t>(hashes_.size()) * 36 : 0);
}

}  // namespace sluice::engine

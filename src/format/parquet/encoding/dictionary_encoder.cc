#include "format/parquet/encoding/dictionary_encoder.h"

#include <algorithm>
#include <cstring>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/column_append.h"
#include "format/parquet/encoding/rle_bit_packed.h"

namespace sluice::parquet {
namespace {

// 1024 slots (8 KiB) hold 512 entries before the first resize: small enough for the many
// low-cardinality columns of a wide table.
constexpr size_t kInitialSlots = 1024;

// Odd 64-bit constants with well-mixed bits (from the golden ratio and wyhash's secrets).
constexpr uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
constexpr uint64_t kSecret0 = 0xA0761D6478BD642FULL;
constexpr uint64_t kSecret1 = 0xE7037ED1A0B428DBULL;

// 64x64 -> 128-bit multiply folded to 64 bits: the mixing step of wyhash-style hashes.
inline uint64_t MulFold(uint64_t lhs, uint64_t rhs) {
  const unsigned __int128 product = static_cast<unsigned __int128>(lhs) * rhs;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline uint64_t HashBytes(const uint8_t* data, size_t size) {
  uint64_t seed = kSecret0 ^ size;
  uint64_t first = 0;
  uint64_t second = 0;
  if (size <= 16) {
    if (size >= 4) {
      // Two overlapping pairs of 4-byte loads cover every byte of 4..16-byte inputs.
      const size_t step = (size >> 3) << 2;
      first = (static_cast<uint64_t>(LoadLE<uint32_t>(data)) << 32) | LoadLE<uint32_t>(data + step);
      second = (static_cast<uint64_t>(LoadLE<uint32_t>(data + size - 4)) << 32) |
               LoadLE<uint32_t>(data + size - 4 - step);
    } else if (size > 0) {
      first = (static_cast<uint64_t>(data[0]) << 16) |
              (static_cast<uint64_t>(data[size >> 1]) << 8) | data[size - 1];
    }
  } else {
    size_t left = size;
    const uint8_t* cursor = data;
    while (left > 16) {
      seed = MulFold(LoadLE<uint64_t>(cursor) ^ kSecret1, LoadLE<uint64_t>(cursor + 8) ^ seed);
      cursor += 16;
      left -= 16;
    }
    first = LoadLE<uint64_t>(cursor + left - 16);
    second = LoadLE<uint64_t>(cursor + left - 8);
  }
  return MulFold(kSecret1 ^ size, MulFold(first ^ kSecret1, second ^ seed));
}

inline uint32_t TagOf(uint64_t hash) { return static_cast<uint32_t>(hash >> 32); }

// Equality of two byte strings of the same `size`. Dictionary values are mostly short codes and
// names: comparing them with two overlapping word loads avoids a memcmp call per lookup.
inline bool SameBytes(const char* lhs, const char* rhs, size_t size) {
  if (size >= 8 && size <= 16) {
    return LoadLE<uint64_t>(lhs) == LoadLE<uint64_t>(rhs) &&
           LoadLE<uint64_t>(lhs + size - 8) == LoadLE<uint64_t>(rhs + size - 8);
  }
  if (size >= 4 && size < 8) {
    return LoadLE<uint32_t>(lhs) == LoadLE<uint32_t>(rhs) &&
           LoadLE<uint32_t>(lhs + size - 4) == LoadLE<uint32_t>(rhs + size - 4);
  }
  return std::memcmp(lhs, rhs, size) == 0;
}

}  // namespace

DictionaryEncoder::DictionaryEncoder(PhysicalType type, int32_t type_length)
    : type_(type), width_(FixedWidth(type, type_length)) {
  slots_.assign(kInitialSlots, Slot{0, 0});
  mask_ = kInitialSlots - 1;
}

int64_t DictionaryEncoder::allocated_bytes() const {
  return static_cast<int64_t>(plain_.capacity() + entry_offsets_.capacity() * sizeof(uint64_t) +
                              slots_.capacity() * sizeof(Slot));
}

void DictionaryEncoder::Reset() {
  plain_.clear();
  entry_offsets_.clear();
  std::fill(slots_.begin(), slots_.end(), Slot{0, 0});
  num_entries_ = 0;
}

void DictionaryEncoder::InsertSlot(size_t slot, uint32_t tag) {
  slots_[slot] = Slot{tag, static_cast<uint32_t>(num_entries_ + 1)};
  ++num_entries_;
  // Keep the load factor at or below 1/2 so linear probes stay short.
  if (static_cast<size_t>(num_entries_) * 2 > slots_.size()) Grow();
}

void DictionaryEncoder::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{0, 0});
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.index_plus_one == 0) continue;
    size_t pos = slot.tag & mask_;
    while (slots_[pos].index_plus_one != 0) pos = (pos + 1) & mask_;
    slots_[pos] = slot;
  }
}

template <typename T>
void DictionaryEncoder::PutNumbers(const ColumnVector& col, int64_t begin, int64_t end,
                                   std::vector<uint32_t>* indices) {
  const uint8_t* values = col.values().data();
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      const T value = LoadLE<T>(values + row * static_cast<int64_t>(sizeof(T)));
      const uint32_t tag = TagOf(static_cast<uint64_t>(value) * kGolden);
      size_t pos = tag & mask_;
      while (true) {
        const Slot slot = slots_[pos];
        if (slot.index_plus_one == 0) {
          indices->push_back(static_cast<uint32_t>(num_entries_));
          AppendLE<T>(&plain_, value);
          InsertSlot(pos, tag);
          break;
        }
        if (slot.tag == tag &&
            LoadLE<T>(plain_.data() + (slot.index_plus_one - 1) * sizeof(T)) == value) {
          indices->push_back(slot.index_plus_one - 1);
          break;
        }
        pos = (pos + 1) & mask_;
      }
    }
  });
}

void DictionaryEncoder::PutFixedBytes(const ColumnVector& col, int64_t begin, int64_t end,
                                      std::vector<uint32_t>* indices) {
  const auto width = static_cast<size_t>(width_);
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      const uint8_t* value = col.FixedAt(row);
      const uint32_t tag = TagOf(HashBytes(value, width));
      size_t pos = tag & mask_;
      while (true) {
        const Slot slot = slots_[pos];
        if (slot.index_plus_one == 0) {
          indices->push_back(static_cast<uint32_t>(num_entries_));
          plain_.append(reinterpret_cast<const char*>(value), width);
          InsertSlot(pos, tag);
          break;
        }
        if (slot.tag == tag &&
            std::memcmp(plain_.data() + (slot.index_plus_one - 1) * width, value, width) == 0) {
          indices->push_back(slot.index_plus_one - 1);
          break;
        }
        pos = (pos + 1) & mask_;
      }
    }
  });
}

void DictionaryEncoder::PutByteArrays(const ColumnVector& col, int64_t begin, int64_t end,
                                      std::vector<uint32_t>* indices) {
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      const std::string_view value = col.BytesAt(row);
      const auto* bytes = reinterpret_cast<const uint8_t*>(value.data());
      const uint32_t tag = TagOf(HashBytes(bytes, value.size()));
      size_t pos = tag & mask_;
      while (true) {
        const Slot slot = slots_[pos];
        if (slot.index_plus_one == 0) {
          indices->push_back(static_cast<uint32_t>(num_entries_));
          entry_offsets_.push_back(plain_.size());
          AppendLE<uint32_t>(&plain_, static_cast<uint32_t>(value.size()));
          plain_.append(value);
          InsertSlot(pos, tag);
          break;
        }
        if (slot.tag == tag) {
          const char* entry = plain_.data() + entry_offsets_[slot.index_plus_one - 1];
          if (LoadLE<uint32_t>(entry) == value.size() &&
              SameBytes(entry + 4, value.data(), value.size())) {
            indices->push_back(slot.index_plus_one - 1);
            break;
          }
        }
        pos = (pos + 1) & mask_;
      }
    }
  });
}

void DictionaryEncoder::Put(const ColumnVector& col, int64_t begin, int64_t end,
                            std::vector<uint32_t>* indices) {
  const size_t needed = indices->size() + static_cast<size_t>(end - begin);
  // Grow geometrically: callers append batch after batch to the same vector.
  if (indices->capacity() < needed) indices->reserve(std::max(needed, indices->capacity() * 2));
  switch (type_) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      PutNumbers<uint32_t>(col, begin, end, indices);
      return;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      PutNumbers<uint64_t>(col, begin, end, indices);
      return;
    case PhysicalType::kByteArray:
      PutByteArrays(col, begin, end, indices);
      return;
    default:
      PutFixedBytes(col, begin, end, indices);
      return;
  }
}

void EncodeDictionaryIndices(const uint32_t* indices, int64_t count, int bit_width,
                             std::string* out) {
  out->push_back(static_cast<char>(bit_width));
  RleBitPackedEncoder encoder(bit_width);
  for (int64_t index = 0; index < count; ++index) encoder.Put(indices[index]);
  encoder.FlushTo(out);
}

}  // namespace sluice::parquet

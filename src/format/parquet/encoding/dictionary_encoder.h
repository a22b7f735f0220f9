// Dictionary encoding for the RLE_DICTIONARY data pages of the Parquet spec: a dictionary page
// holding each distinct value once (PLAIN-encoded, in index order) and data pages holding the
// indices as 1 byte of bit width followed by the RLE/bit-packed hybrid.
//
// The encoder keeps one open-addressing hash table (linear probing, 8-byte slots holding a
// 32-bit hash tag and the entry index) over entries stored in one contiguous buffer that is
// already the PLAIN dictionary page body, so WriteDictionaryPage is a single append.
// The column chunk writer decides when the dictionary has grown too large (plain_size(),
// allocated_bytes()) and falls back to another encoding.
//
// Thread-safety: none; one encoder per column chunk being written. Ownership: Put borrows the
// column for the call only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice::parquet {

class DictionaryEncoder {
 public:
  /// REQUIRES: type is not BOOLEAN (a boolean dictionary never pays off); type_length is the
  /// FIXED_LEN_BYTE_ARRAY width (ignored otherwise).
  DictionaryEncoder(PhysicalType type, int32_t type_length);

  DictionaryEncoder(const DictionaryEncoder&) = delete;
  DictionaryEncoder& operator=(const DictionaryEncoder&) = delete;
  DictionaryEncoder(DictionaryEncoder&&) = default;
  DictionaryEncoder& operator=(DictionaryEncoder&&) = default;

  /// Looks up (inserting when new) the non-null values of col rows [begin, end) and appends
  /// their dictionary indices to *indices. Floating-point values are compared by bit pattern.
  /// REQUIRES: col has the encoder's type; 0 <= begin <= end <= col.size().
  void Put(const ColumnVector& col, int64_t begin, int64_t end, std::vector<uint32_t>* indices);

  int64_t num_entries() const { return num_entries_; }
  /// Bytes of the PLAIN-encoded dictionary page body.
  int64_t plain_size() const { return static_cast<int64_t>(plain_.size()); }
  /// Appends the PLAIN-encoded entries, in index order.
  void WriteDictionaryPage(std::string* out) const { out->append(plain_); }
  /// Heap bytes held (hash table and entry storage), for memory budgets.
  int64_t allocated_bytes() const;
  /// Forgets every entry (keeping the allocations for the next column chunk).
  void Reset();

 private:
  struct Slot {
    uint32_t tag;             // high 32 bits of the value's 64-bit hash
    uint32_t index_plus_one;  // 0 = empty slot
  };

  template <typename T>
  void PutNumbers(const ColumnVector& col, int64_t begin, int64_t end,
                  std::vector<uint32_t>* indices);
  void PutFixedBytes(const ColumnVector& col, int64_t begin, int64_t end,
                     std::vector<uint32_t>* indices);
  void PutByteArrays(const ColumnVector& col, int64_t begin, int64_t end,
                     std::vector<uint32_t>* indices);
  void InsertSlot(size_t slot, uint32_t tag);
  void Grow();

  PhysicalType type_;
  int32_t width_;                        // 0 for BYTE_ARRAY
  std::string plain_;                    // the dictionary page body
  std::vector<uint64_t> entry_offsets_;  // BYTE_ARRAY: where entry k's length prefix starts
  std::vector<Slot> slots_;              // power-of-two sized, at most half full
  size_t mask_ = 0;
  int64_t num_entries_ = 0;
};

/// Appends an RLE_DICTIONARY data page body: 1 byte bit width, then the RLE/bit-packed hybrid
/// of indices[0, count). REQUIRES: 0 <= bit_width <= 32 and every index < 2^bit_width.
void EncodeDictionaryIndices(const uint32_t* indices, int64_t count, int bit_width,
                             std::string* out);

}  // namespace sluice::parquet

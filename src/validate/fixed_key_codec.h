// FixedKeyCodec: turns the key of a unique check over fixed-width columns of <= 8 bytes in total
// into one uint64 (for FixedKeySet), and back into the key bytes the report formats.
//
// Encoding is invertible, so the set never stores the original bytes: a single signed integer
// column (INT, BIGINT, DATE, TIMESTAMP, DECIMAL as INT32/INT64) is sign-extended and has its top
// bit flipped, which keeps the order and keeps consecutive values consecutive across zero (so
// ids stay one run); floating point -0.0 becomes +0.0 (equal values must collide); anything
// else, and each part of a multi-column key, is its little-endian bytes side by side.
// Thread-safety: immutable after Make(); Encode/Decode may run on many threads.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice::validate {

class FixedKeyCodec {
 public:
  enum class Kind { kSigned32, kSigned64, kFloat, kDouble, kRaw };
  struct Part {
    int column = 0;
    Kind kind = Kind::kRaw;
    int width = 0;
    int offset = 0;  // byte offset in the packed key
  };

  /// A codec for `columns` of `schema`, or nullopt when the key does not fit 8 bytes (a string,
  /// INT96, a wide FIXED_LEN_BYTE_ARRAY, or too many columns).
  static std::optional<FixedKeyCodec> Make(const Schema& schema, const std::vector<int>& columns) {
    FixedKeyCodec codec;
    int offset = 0;
    for (int column : columns) {
      const ColumnSchema& col = schema.columns[static_cast<size_t>(column)];
      const int width = FixedWidth(col.physical, col.type_length);
      if (width <= 0 || col.physical == PhysicalType::kInt96 || offset + width > 8) {
        return std::nullopt;
      }
      const bool is_unsigned =
          col.logical.kind == LogicalType::Kind::kInteger && !col.logical.is_signed;
      Part part{column, Kind::kRaw, width, offset};
      if (col.physical == PhysicalType::kFloat) part.kind = Kind::kFloat;
      if (col.physical == PhysicalType::kDouble) part.kind = Kind::kDouble;
      if (columns.size() == 1 && !is_unsigned) {
        if (col.physical == PhysicalType::kInt32) part.kind = Kind::kSigned32;
        if (col.physical == PhysicalType::kInt64) part.kind = Kind::kSigned64;
      }
      codec.parts_.push_back(part);
      offset += width;
    }
    codec.width_ = offset;
    return codec;
  }

  const std::vector<Part>& parts() const { return parts_; }
  bool single() const { return parts_.size() == 1; }

  /// The key of `row` (whose key columns are all non-NULL).
  uint64_t Encode(const ColumnBatch& batch, int64_t row) const {
    uint64_t key = 0;
    for (const Part& part : parts_) {
      const uint8_t* at = batch.column(part.column).FixedAt(row);
      key |= EncodePart(part, at) << (8 * part.offset);
    }
    return key;
  }

  static uint64_t EncodePart(const Part& part, const uint8_t* at) {
    switch (part.kind) {
      case Kind::kSigned32: {
        int32_t value;
        std::memcpy(&value, at, 4);
        return static_cast<uint64_t>(static_cast<int64_t>(value)) ^ kSignBit;
      }
      case Kind::kSigned64: {
        uint64_t value;
        std::memcpy(&value, at, 8);
        return value ^ kSignBit;
      }
      case Kind::kFloat: {
        float value;
        std::memcpy(&value, at, 4);
        if (value == 0) value = 0;
        uint32_t bits;
        std::memcpy(&bits, &value, 4);
        return bits;
      }
      case Kind::kDouble: {
        double value;
        std::memcpy(&value, at, 8);
        if (value == 0) value = 0;
        uint64_t bits;
        std::memcpy(&bits, &value, 8);
        return bits;
      }
      case Kind::kRaw:
        break;
    }
    uint64_t value = 0;
    std::memcpy(&value, at, static_cast<size_t>(part.width));  // little-endian host
    return value;
  }

  /// The key bytes as the generic unique check lays them out: each column's fixed bytes in order.
  std::string Decode(uint64_t key) const {
    std::string out(static_cast<size_t>(width_), '\0');
    for (const Part& part : parts_) {
      if (part.kind == Kind::kSigned32 || part.kind == Kind::kSigned64) {
        // Only ever the single part: its encoding uses all 64 bits.
        int64_t value = static_cast<int64_t>(key ^ kSignBit);
        if (part.kind == Kind::kSigned32) {
          auto narrow = static_cast<int32_t>(value);
          std::memcpy(out.data() + part.offset, &narrow, 4);
        } else {
          std::memcpy(out.data() + part.offset, &value, 8);
        }
        continue;
      }
      uint64_t bits = key >> (8 * part.offset);  // offset < 8: parts have width >= 1
      std::memcpy(out.data() + part.offset, &bits, static_cast<size_t>(part.width));
    }
    return out;
  }

 private:
  static constexpr uint64_t kSignBit = uint64_t{1} << 63;
  std::vector<Part> parts_;
  int width_ = 0;
};

}  // namespace sluice::validate

#include "format/parquet/encoding/plain.h"

#include <array>
#include <cstring>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/column_append.h"

namespace sluice::parquet {
namespace {

// Turns 8 bytes that are each 0 or 1 into one byte with byte k's value at bit k: the multiply
// moves byte k's low bit to bit 56 + k without carries between the partial products.
constexpr uint64_t kGatherBitsMagic = 0x0102040810204080ULL;
constexpr uint64_t kLowBitOfEachByte = 0x0101010101010101ULL;

inline uint8_t PackEightBools(const uint8_t* bools) {
  uint64_t word = LoadLE<uint64_t>(bools);
  // Any non-zero byte counts as true: fold each byte's bits onto its bit 0 (the shifts only
  // move bits within a byte as far as bit 0 is concerned).
  word |= word >> 4;
  word |= word >> 2;
  word |= word >> 1;
  return static_cast<uint8_t>(((word & kLowBitOfEachByte) * kGatherBitsMagic) >> 56);
}

// Table from a bit-packed byte to the 8 bytes (0/1) it expands to, LSB first.
constexpr std::array<uint64_t, 256> MakeBitSpreadTable() {
  std::array<uint64_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    uint64_t spread = 0;
    for (int bit = 0; bit < 8; ++bit) {
      spread |= static_cast<uint64_t>((byte >> bit) & 1) << (8 * bit);
    }
    table[static_cast<size_t>(byte)] = spread;
  }
  return table;
}
constexpr std::array<uint64_t, 256> kBitSpread = MakeBitSpreadTable();

void EncodeBooleans(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  const uint8_t* values = col.values().data();
  if (!col.has_nulls()) {
    const int64_t count = end - begin;
    const size_t start = out->size();
    out->resize(start + static_cast<size_t>((count + 7) / 8));
    auto* dest = reinterpret_cast<uint8_t*>(out->data() + start);
    int64_t row = begin;
    for (; row + 8 <= end; row += 8) *dest++ = PackEightBools(values + row);
    uint8_t last = 0;
    for (int bit = 0; row < end; ++row, ++bit) {
      last = static_cast<uint8_t>(last | ((values[row] != 0 ? 1u : 0u) << bit));
    }
    if (count % 8 != 0) *dest = last;
    return;
  }
  uint8_t current = 0;
  int bit = 0;
  for (int64_t row = begin; row < end; ++row) {
    if (!col.IsValid(row)) continue;
    current = static_cast<uint8_t>(current | ((values[row] != 0 ? 1u : 0u) << bit));
    if (++bit == 8) {
      out->push_back(static_cast<char>(current));
      current = 0;
      bit = 0;
    }
  }
  if (bit > 0) out->push_back(static_cast<char>(current));
}

void EncodeFixed(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  const auto width = static_cast<size_t>(col.width());
  const char* values = reinterpret_cast<const char*>(col.values().data());
  if (!col.has_nulls()) {
    out->append(values + static_cast<size_t>(begin) * width,
                static_cast<size_t>(end - begin) * width);
    return;
  }
  out->reserve(out->size() + static_cast<size_t>(end - begin) * width);
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    out->append(values + static_cast<size_t>(run_begin) * width,
                static_cast<size_t>(run_end - run_begin) * width);
  });
}

void EncodeByteArrays(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  const auto& offsets = col.offsets();
  if (begin >= end) return;
  // Upper bound: every row's bytes plus a 4-byte length (null rows have empty spans).
  const size_t bound = (offsets[static_cast<size_t>(end)] - offsets[static_cast<size_t>(begin)]) +
                       4 * static_cast<size_t>(end - begin);
  const size_t start = out->size();
  out->resize(start + bound);
  char* dest = out->data() + start;
  const char* values = reinterpret_cast<const char*>(col.values().data());
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      const uint32_t from = offsets[static_cast<size_t>(row)];
      const uint32_t len = offsets[static_cast<size_t>(row) + 1] - from;
      StoreLE<uint32_t>(dest, len);
      // values is null when every string is empty; memcpy must not see it.
      if (len > 0) std::memcpy(dest + 4, values + from, len);
      dest += 4 + len;
    }
  });
  out->resize(static_cast<size_t>(dest - out->data()));
}

Status Truncated(const char* what, size_t offset, int64_t values_left) {
  return Status::Corruption(std::string("PLAIN ") + what + " data ends" + AtOffset(offset) +
                            " with " + std::to_string(values_left) + " values still expected");
}

}  // namespace

void PlainEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  switch (col.type()) {
    case PhysicalType::kBoolean:
      EncodeBooleans(col, begin, end, out);
      return;
    case PhysicalType::kByteArray:
      EncodeByteArrays(col, begin, end, out);
      return;
    default:
      EncodeFixed(col, begin, end, out);
      return;
  }
}

Result<size_t> PlainDecode(const uint8_t* data, size_t size, PhysicalType type, int32_t type_length,
                           int64_t count, ColumnVector* out) {
  SLUICE_RETURN_IF_ERROR(CheckDecodeTarget("PLAIN", type, type_length, count, *out));
  if (type == PhysicalType::kBoolean) {
    const auto bytes = static_cast<size_t>((count + 7) / 8);
    if (bytes > size) return Truncated("BOOLEAN", size, count - static_cast<int64_t>(size * 8));
    ReserveForAppend(out, count, 0);
    int64_t left = count;
    for (size_t byte = 0; left > 0; ++byte) {
      uint8_t spread[8];
      StoreLE<uint64_t>(spread, kBitSpread[data[byte]]);
      const int64_t take = left < 8 ? left : 8;
      AppendFixedValues(out, spread, take);
      left -= take;
    }
    return bytes;
  }
  if (type == PhysicalType::kByteArray) {
    // Each value needs at least its 4-byte length, which bounds what may be reserved.
    if (static_cast<uint64_t>(count) > size / 4) {
      return Truncated("BYTE_ARRAY", size, count - static_cast<int64_t>(size / 4));
    }
    ReserveForAppend(out, count, static_cast<int64_t>(size - 4 * static_cast<size_t>(count)));
    size_t pos = 0;
    for (int64_t value = 0; value < count; ++value) {
      if (size - pos < 4) return Truncated("BYTE_ARRAY", pos, count - value);
      const uint32_t len = LoadLE<uint32_t>(data + pos);
      if (len > size - pos - 4) {
        return Status::Corruption("PLAIN BYTE_ARRAY value " + std::to_string(value) +
                                  " has length " + std::to_string(len) + AtOffset(pos) +
                                  " but only " + std::to_string(size - pos - 4) + " bytes follow");
      }
      out->AppendBytes(std::string_view(reinterpret_cast<const char*>(data + pos + 4), len));
      pos += 4 + len;
    }
    return pos;
  }
  const auto width = static_cast<size_t>(out->width());
  if (static_cast<uint64_t>(count) > size / width) {
    return Truncated(PhysicalTypeName(type), (size / width) * width,
                     count - static_cast<int64_t>(size / width));
  }
  ReserveForAppend(out, count, 0);
  AppendFixedValues(out, data, count);
  return static_cast<size_t>(count) * width;
}

}  // namespace sluice::parquet

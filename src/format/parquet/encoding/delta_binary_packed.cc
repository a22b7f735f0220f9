#include "format/parquet/encoding/delta_binary_packed.h"

#include <algorithm>
#include <limits>
#include <type_traits>

#include "format/parquet/encoding/bit_packing.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/column_append.h"

namespace sluice::parquet {
namespace {

// The spec's recommended layout: 128 values per block in 4 miniblocks of 32.
constexpr int64_t kBlockSize = 128;
constexpr int64_t kMiniblocks = 4;
constexpr int64_t kValuesPerMiniblock = kBlockSize / kMiniblocks;

// Largest block size accepted on read: far above what writers use (128 to a few thousand), and
// small enough that block arithmetic cannot overflow.
constexpr uint64_t kMaxBlockSize = uint64_t{1} << 20;

// Values unpacked per step while decoding a miniblock.
constexpr int64_t kUnpackChunk = 256;

template <typename U>
inline void PackValues(const U* in, int bit_width, int64_t groups, uint8_t* out) {
  if constexpr (sizeof(U) == 4) {
    Pack32(in, bit_width, groups, out);
  } else {
    Pack64(in, bit_width, groups, out);
  }
}

template <typename U>
inline void UnpackValues(const uint8_t* in, size_t in_size, int bit_width, int64_t groups, U* out) {
  if constexpr (sizeof(U) == 4) {
    Unpack32(in, in_size, bit_width, groups, out);
  } else {
    Unpack64(in, in_size, bit_width, groups, out);
  }
}

template <typename T>
void EncodeImpl(const T* values, int64_t count, std::string* out) {
  using U = std::make_unsigned_t<T>;
  PutUleb128(kBlockSize, out);
  PutUleb128(kMiniblocks, out);
  PutUleb128(static_cast<uint64_t>(count), out);
  PutUleb128(ZigZagEncode64(count > 0 ? static_cast<int64_t>(values[0]) : 0), out);
  // Worst case per block: 10 bytes of min delta, 4 width bytes, 128 values at full width.
  const auto blocks = static_cast<size_t>(count / kBlockSize + 1);
  out->reserve(out->size() + blocks * (14 + static_cast<size_t>(kBlockSize) * sizeof(T)));

  U deltas[kBlockSize];
  for (int64_t start = 1; start < count; start += kBlockSize) {
    const int64_t block_values = std::min(kBlockSize, count - start);
    T min_delta = std::numeric_limits<T>::max();
    for (int64_t slot = 0; slot < block_values; ++slot) {
      // Wrap-around subtraction in the type's own width.
      const U delta = static_cast<U>(static_cast<U>(values[start + slot]) -
                                     static_cast<U>(values[start + slot - 1]));
      deltas[slot] = delta;
      min_delta = std::min(min_delta, static_cast<T>(delta));
    }
    const auto min_unsigned = static_cast<U>(min_delta);
    for (int64_t slot = 0; slot < block_values; ++slot) {
      deltas[slot] = static_cast<U>(deltas[slot] - min_unsigned);
    }
    // Padding values of the last miniblock are zero (the spec asks writers for zeros).
    std::fill(deltas + block_values, deltas + kBlockSize, U{0});
    PutUleb128(ZigZagEncode64(static_cast<int64_t>(min_delta)), out);

    uint8_t widths[kMiniblocks] = {};
    for (int64_t mini = 0; mini * kValuesPerMiniblock < block_values; ++mini) {
      U max_value = 0;
      for (int64_t slot = 0; slot < kValuesPerMiniblock; ++slot) {
        max_value |= deltas[mini * kValuesPerMiniblock + slot];
      }
      // OR-ing gives the same highest set bit as the maximum.
      widths[mini] = static_cast<uint8_t>(BitWidth(max_value));
    }
    out->append(reinterpret_cast<const char*>(widths), kMiniblocks);
    // Miniblocks past the last value keep their (zero) width byte but have no body.
    for (int64_t mini = 0; mini * kValuesPerMiniblock < block_values; ++mini) {
      const size_t body = static_cast<size_t>(kValuesPerMiniblock / 8 * widths[mini]);
      const size_t at = out->size();
      out->resize(at + body);
      PackValues<U>(deltas + mini * kValuesPerMiniblock, widths[mini], kValuesPerMiniblock / 8,
                    reinterpret_cast<uint8_t*>(out->data() + at));
    }
  }
}

// Decodes `count` values, handing them to sink(const T* values, int64_t n) in chunks.
template <typename T, typename Sink>
Result<size_t> DecodeImpl(const uint8_t* data, size_t size, int64_t count, Sink&& sink) {
  using U = std::make_unsigned_t<T>;
  constexpr int kTypeBits = static_cast<int>(sizeof(T) * 8);
  if (count < 0) {
    return Status::InvalidArgument("DELTA_BINARY_PACKED: negative value count " +
                                   std::to_string(count));
  }
  size_t pos = 0;
  uint64_t block_size = 0;
  uint64_t miniblocks = 0;
  uint64_t total = 0;
  uint64_t first_zigzag = 0;
  if (!GetUleb128(data, size, &pos, &block_size) || !GetUleb128(data, size, &pos, &miniblocks) ||
      !GetUleb128(data, size, &pos, &total) || !GetUleb128(data, size, &pos, &first_zigzag)) {
    return Status::Corruption("DELTA_BINARY_PACKED: header truncated or malformed" + AtOffset(pos));
  }
  if (block_size == 0 || block_size % 128 != 0 || block_size > kMaxBlockSize || miniblocks == 0 ||
      block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    return Status::Corruption("DELTA_BINARY_PACKED: invalid block size " +
                              std::to_string(block_size) + " with " + std::to_string(miniblocks) +
                              " miniblocks (block size must be a multiple of 128 and each "
                              "miniblock a multiple of 32 values)");
  }
  if (static_cast<uint64_t>(count) > total) {
    return Status::Corruption("DELTA_BINARY_PACKED: " + std::to_string(count) +
                              " values expected but the header holds " + std::to_string(total));
  }
  if (count == 0) return pos;
  // Every block costs at least its min delta byte and its width bytes: reject counts the
  // remaining bytes could not hold before the sink allocates anything.
  const uint64_t blocks_needed = (static_cast<uint64_t>(count) - 1 + block_size - 1) / block_size;
  if (blocks_needed > (size - pos) / (1 + miniblocks)) {
    return Status::Corruption("DELTA_BINARY_PACKED: " + std::to_string(count) +
                              " values cannot fit in the " + std::to_string(size - pos) +
                              " bytes after the header" + AtOffset(pos));
  }
  const int64_t first = ZigZagDecode64(first_zigzag);
  if (first < std::numeric_limits<T>::min() || first > std::numeric_limits<T>::max()) {
    return Status::Corruption("DELTA_BINARY_PACKED: first value " + std::to_string(first) +
                              " out of range for a " + std::to_string(kTypeBits) + "-bit column");
  }
  const auto values_per_mini = static_cast<int64_t>(block_size / miniblocks);
  T chunk[kUnpackChunk];
  chunk[0] = static_cast<T>(first);
  sink(chunk, 1);
  U last = static_cast<U>(static_cast<T>(first));
  int64_t decoded = 1;
  U deltas[kUnpackChunk];

  while (decoded < count) {
    uint64_t min_zigzag = 0;
    const size_t block_pos = pos;
    if (!GetUleb128(data, size, &pos, &min_zigzag)) {
      return Status::Corruption("DELTA_BINARY_PACKED: block header truncated" +
                                AtOffset(block_pos));
    }
    const int64_t min_delta = ZigZagDecode64(min_zigzag);
    if (min_delta < std::numeric_limits<T>::min() || min_delta > std::numeric_limits<T>::max()) {
      return Status::Corruption("DELTA_BINARY_PACKED: min delta " + std::to_string(min_delta) +
                                " out of range" + AtOffset(block_pos));
    }
    const auto min_unsigned = static_cast<U>(static_cast<T>(min_delta));
    if (miniblocks > size - pos) {
      return Status::Corruption("DELTA_BINARY_PACKED: miniblock widths truncated" + AtOffset(pos));
    }
    const uint8_t* widths = data + pos;
    pos += miniblocks;
    for (uint64_t mini = 0; mini < miniblocks && decoded < count; ++mini) {
      const int width = widths[mini];
      if (width > kTypeBits) {
        return Status::Corruption("DELTA_BINARY_PACKED: miniblock bit width " +
                                  std::to_string(width) + " exceeds " + std::to_string(kTypeBits) +
                                  AtOffset(static_cast<size_t>(widths - data) + mini));
      }
      const auto body = static_cast<size_t>(values_per_mini / 8 * width);
      if (body > size - pos) {
        return Status::Corruption("DELTA_BINARY_PACKED: miniblock of " + std::to_string(body) +
                                  " bytes truncated" + AtOffset(pos));
      }
      const int64_t wanted = std::min(values_per_mini, count - decoded);
      for (int64_t done = 0; done < wanted; done += kUnpackChunk) {
        const int64_t step = std::min(kUnpackChunk, wanted - done);
        const size_t offset = static_cast<size_t>(done / 8 * width);
        UnpackValues<U>(data + pos + offset, body - offset, width, (step + 7) / 8, deltas);
        for (int64_t slot = 0; slot < step; ++slot) {
          last = static_cast<U>(last + min_unsigned + deltas[slot]);
          chunk[slot] = static_cast<T>(last);
        }
        sink(chunk, step);
      }
      decoded += wanted;
      pos += body;
    }
  }
  return pos;
}

}  // namespace

void DeltaBinaryPackedEncode32(const int32_t* values, int64_t count, std::string* out) {
  EncodeImpl<int32_t>(values, count, out);
}

void DeltaBinaryPackedEncode64(const int64_t* values, int64_t count, std::string* out) {
  EncodeImpl<int64_t>(values, count, out);
}

void DeltaBinaryPackedEncode(const ColumnVector& col, int64_t begin, int64_t end,
                             std::string* out) {
  const bool is64 = col.type() == PhysicalType::kInt64;
  const uint8_t* values = col.values().data();
  if (!col.has_nulls()) {
    if (is64) {
      DeltaBinaryPackedEncode64(reinterpret_cast<const int64_t*>(values) + begin, end - begin, out);
    } else {
      DeltaBinaryPackedEncode32(reinterpret_cast<const int32_t*>(values) + begin, end - begin, out);
    }
    return;
  }
  std::string gathered;
  const auto width = static_cast<size_t>(col.width());
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    gathered.append(reinterpret_cast<const char*>(values) + static_cast<size_t>(run_begin) * width,
                    static_cast<size_t>(run_end - run_begin) * width);
  });
  const auto count = static_cast<int64_t>(gathered.size() / width);
  if (is64) {
    std::vector<int64_t> copy(static_cast<size_t>(count));
    std::memcpy(copy.data(), gathered.data(), gathered.size());
    DeltaBinaryPackedEncode64(copy.data(), count, out);
  } else {
    std::vector<int32_t> copy(static_cast<size_t>(count));
    std::memcpy(copy.data(), gathered.data(), gathered.size());
    DeltaBinaryPackedEncode32(copy.data(), count, out);
  }
}

Result<size_t> DeltaBinaryPackedDecode(const uint8_t* data, size_t size, PhysicalType type,
                                       int64_t count, ColumnVector* out) {
  if (type != PhysicalType::kInt32 && type != PhysicalType::kInt64) {
    return Status::InvalidArgument(std::string("DELTA_BINARY_PACKED does not apply to ") +
                                   PhysicalTypeName(type));
  }
  SLUICE_RETURN_IF_ERROR(CheckDecodeTarget("DELTA_BINARY_PACKED", type, 0, count, *out));
  bool reserved = false;
  auto sink = [&](const auto* values, int64_t n) {
    // Reserve on the first chunk: by then the header has been checked against the data size.
    if (!reserved) {
      ReserveForAppend(out, count, 0);
      reserved = true;
    }
    AppendFixedValues(out, values, n);
  };
  if (type == PhysicalType::kInt32) return DecodeImpl<int32_t>(data, size, count, sink);
  return DecodeImpl<int64_t>(data, size, count, sink);
}

Result<size_t> DeltaBinaryPackedDecodeInt32(const uint8_t* data, size_t size, int64_t count,
                                            std::vector<int32_t>* out) {
  bool reserved = false;
  return DecodeImpl<int32_t>(data, size, count, [&](const int32_t* values, int64_t n) {
    if (!reserved) {
      out->reserve(out->size() + static_cast<size_t>(count));
      reserved = true;
    }
    out->insert(out->end(), values, values + n);
  });
}

}  // namespace sluice::parquet

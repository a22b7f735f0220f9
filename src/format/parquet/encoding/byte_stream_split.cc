#include "format/parquet/encoding/byte_stream_split.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "format/parquet/encoding/column_append.h"

namespace sluice::parquet {
namespace {

// Values transposed per step while decoding: 64 KiB of scratch at the widest common width.
constexpr int64_t kDecodeChunk = 8192;

// Scatters count values of kWidth bytes from src into kWidth streams of stride bytes.
template <int kWidth>
void SplitFixed(const uint8_t* src, int64_t count, size_t stride, uint8_t* dest) {
  for (int64_t value = 0; value < count; ++value) {
#pragma GCC unroll 8
    for (int byte = 0; byte < kWidth; ++byte) {
      dest[static_cast<size_t>(byte) * stride + static_cast<size_t>(value)] =
          src[value * kWidth + byte];
    }
  }
}

void Split(const uint8_t* src, int64_t count, int width, size_t stride, uint8_t* dest) {
  switch (width) {
    case 4:
      SplitFixed<4>(src, count, stride, dest);
      return;
    case 8:
      SplitFixed<8>(src, count, stride, dest);
      return;
    default:
      for (int byte = 0; byte < width; ++byte) {
        uint8_t* stream = dest + static_cast<size_t>(byte) * stride;
        for (int64_t value = 0; value < count; ++value) {
          stream[value] = src[value * width + byte];
        }
      }
      return;
  }
}

// Gathers count values starting at value `first` of kWidth streams of stride bytes.
template <int kWidth>
void JoinFixed(const uint8_t* src, size_t stride, int64_t first, int64_t count, uint8_t* dest) {
  for (int64_t value = 0; value < count; ++value) {
#pragma GCC unroll 8
    for (int byte = 0; byte < kWidth; ++byte) {
      dest[value * kWidth + byte] =
          src[static_cast<size_t>(byte) * stride + static_cast<size_t>(first + value)];
    }
  }
}

void Join(const uint8_t* src, int width, size_t stride, int64_t first, int64_t count,
          uint8_t* dest) {
  switch (width) {
    case 4:
      JoinFixed<4>(src, stride, first, count, dest);
      return;
    case 8:
      JoinFixed<8>(src, stride, first, count, dest);
      return;
    default:
      for (int byte = 0; byte < width; ++byte) {
        const uint8_t* stream = src + static_cast<size_t>(byte) * stride;
        for (int64_t value = 0; value < count; ++value) {
          dest[value * width + byte] = stream[first + value];
        }
      }
      return;
  }
}

bool Applies(PhysicalType type) {
  return type == PhysicalType::kFloat || type == PhysicalType::kDouble ||
         type == PhysicalType::kInt32 || type == PhysicalType::kInt64 ||
         type == PhysicalType::kFixedLenByteArray;
}

}  // namespace

void ByteStreamSplitEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  const int width = col.width();
  const uint8_t* values = col.values().data();
  std::vector<uint8_t> gathered;
  const uint8_t* src = values + begin * width;
  int64_t count = end - begin;
  if (col.has_nulls()) {
    gathered.reserve(static_cast<size_t>(count * width));
    ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
      gathered.insert(gathered.end(), values + run_begin * width, values + run_end * width);
    });
    src = gathered.data();
    count = static_cast<int64_t>(gathered.size()) / width;
  }
  const size_t start = out->size();
  out->resize(start + static_cast<size_t>(count * width));
  Split(src, count, width, static_cast<size_t>(count),
        reinterpret_cast<uint8_t*>(out->data() + start));
}

Result<size_t> ByteStreamSplitDecode(const uint8_t* data, size_t size, PhysicalType type,
                                     int32_t type_length, int64_t count, ColumnVector* out) {
  if (!Applies(type)) {
    return Status::InvalidArgument(std::string("BYTE_STREAM_SPLIT does not apply to ") +
                                   PhysicalTypeName(type));
  }
  SLUICE_RETURN_IF_ERROR(CheckDecodeTarget("BYTE_STREAM_SPLIT", type, type_length, count, *out));
  const int width = out->width();
  if (static_cast<uint64_t>(count) > size / static_cast<size_t>(width)) {
    return Status::Corruption("BYTE_STREAM_SPLIT: " + std::to_string(count) + " values of " +
                              std::to_string(width) + " bytes need more than the " +
                              std::to_string(size) + " bytes available" + AtOffset(size));
  }
  ReserveForAppend(out, count, 0);
  std::vector<uint8_t> scratch(static_cast<size_t>(std::min(count, kDecodeChunk) * width));
  const auto stride = static_cast<size_t>(count);
  for (int64_t first = 0; first < count; first += kDecodeChunk) {
    const int64_t step = std::min(kDecodeChunk, count - first);
    Join(data, width, stride, first, step, scratch.data());
    AppendFixedValues(out, scratch.data(), step);
  }
  return static_cast<size_t>(count) * static_cast<size_t>(width);
}

}  // namespace sluice::parquet

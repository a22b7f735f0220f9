#include "format/parquet/encoding/delta_byte_array.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string_view>
#include <vector>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/column_append.h"
#include "format/parquet/encoding/delta_binary_packed.h"

namespace sluice::parquet {
namespace {

// ColumnVector offsets are uint32, so one vector's value bytes must stay below 4 GiB.
constexpr uint64_t kMaxColumnBytes = std::numeric_limits<uint32_t>::max();

inline std::string_view ValueAt(const ColumnVector& col, int64_t row) {
  if (col.width() > 0) {
    return {reinterpret_cast<const char*>(col.FixedAt(row)), static_cast<size_t>(col.width())};
  }
  return col.BytesAt(row);
}

// Length of the common prefix of lhs and rhs, comparing 8 bytes at a time.
inline size_t CommonPrefix(std::string_view lhs, std::string_view rhs) {
  const size_t limit = std::min(lhs.size(), rhs.size());
  size_t pos = 0;
  while (pos + 8 <= limit) {
    const uint64_t diff = LoadLE<uint64_t>(lhs.data() + pos) ^ LoadLE<uint64_t>(rhs.data() + pos);
    if (diff != 0) return pos + static_cast<size_t>(std::countr_zero(diff) / 8);
    pos += 8;
  }
  while (pos < limit && lhs[pos] == rhs[pos]) ++pos;
  return pos;
}

Status CheckLengths(const char* encoding, const std::vector<int32_t>& lengths, size_t bytes_left,
                    size_t data_pos, uint64_t* total) {
  uint64_t sum = 0;
  for (size_t index = 0; index < lengths.size(); ++index) {
    if (lengths[index] < 0) {
      return Status::Corruption(std::string(encoding) + ": value " + std::to_string(index) +
                                " has negative length " + std::to_string(lengths[index]));
    }
    sum += static_cast<uint64_t>(lengths[index]);
  }
  if (sum > bytes_left) {
    return Status::Corruption(std::string(encoding) + ": lengths add up to " + std::to_string(sum) +
                              " bytes but only " + std::to_string(bytes_left) + " follow" +
                              AtOffset(data_pos));
  }
  *total = sum;
  return Status::OK();
}

}  // namespace

void DeltaLengthByteArrayEncode(const ColumnVector& col, int64_t begin, int64_t end,
                                std::string* out) {
  std::vector<int32_t> lengths;
  lengths.reserve(static_cast<size_t>(end - begin));
  const auto& offsets = col.offsets();
  size_t bytes = 0;
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      lengths.push_back(static_cast<int32_t>(offsets[static_cast<size_t>(row) + 1] -
                                             offsets[static_cast<size_t>(row)]));
    }
    bytes += offsets[static_cast<size_t>(run_end)] - offsets[static_cast<size_t>(run_begin)];
  });
  DeltaBinaryPackedEncode32(lengths.data(), static_cast<int64_t>(lengths.size()), out);
  out->reserve(out->size() + bytes);
  const char* values = reinterpret_cast<const char*>(col.values().data());
  // The bytes of a run of valid rows are contiguous in the column.
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    const uint32_t from = offsets[static_cast<size_t>(run_begin)];
    out->append(values + from, offsets[static_cast<size_t>(run_end)] - from);
  });
}

Result<size_t> DeltaLengthByteArrayDecode(const uint8_t* data, size_t size, int64_t count,
                                          ColumnVector* out) {
  SLUICE_RETURN_IF_ERROR(
      CheckDecodeTarget("DELTA_LENGTH_BYTE_ARRAY", PhysicalType::kByteArray, 0, count, *out));
  std::vector<int32_t> lengths;
  SLUICE_ASSIGN_OR_RETURN(size_t pos, DeltaBinaryPackedDecodeInt32(data, size, count, &lengths));
  uint64_t total = 0;
  SLUICE_RETURN_IF_ERROR(CheckLengths("DELTA_LENGTH_BYTE_ARRAY", lengths, size - pos, pos, &total));
  ReserveForAppend(out, count, static_cast<int64_t>(total));
  for (int32_t length : lengths) {
    out->AppendBytes(
        std::string_view(reinterpret_cast<const char*>(data + pos), static_cast<size_t>(length)));
    pos += static_cast<size_t>(length);
  }
  return pos;
}

void DeltaByteArrayEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  std::vector<int32_t> prefixes;
  std::vector<int32_t> suffix_lengths;
  prefixes.reserve(static_cast<size_t>(end - begin));
  suffix_lengths.reserve(static_cast<size_t>(end - begin));
  std::string suffixes;
  std::string_view previous;
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) {
      const std::string_view value = ValueAt(col, row);
      const size_t prefix = CommonPrefix(previous, value);
      prefixes.push_back(static_cast<int32_t>(prefix));
      suffix_lengths.push_back(static_cast<int32_t>(value.size() - prefix));
      suffixes.append(value.substr(prefix));
      previous = value;
    }
  });
  const auto count = static_cast<int64_t>(prefixes.size());
  DeltaBinaryPackedEncode32(prefixes.data(), count, out);
  DeltaBinaryPackedEncode32(suffix_lengths.data(), count, out);
  out->append(suffixes);
}

Result<size_t> DeltaByteArrayDecode(const uint8_t* data, size_t size, PhysicalType type,
                                    int32_t type_length, int64_t count, ColumnVector* out) {
  if (type != PhysicalType::kByteArray && type != PhysicalType::kFixedLenByteArray) {
    return Status::InvalidArgument(std::string("DELTA_BYTE_ARRAY does not apply to ") +
                                   PhysicalTypeName(type));
  }
  SLUICE_RETURN_IF_ERROR(CheckDecodeTarget("DELTA_BYTE_ARRAY", type, type_length, count, *out));
  std::vector<int32_t> prefixes;
  std::vector<int32_t> suffix_lengths;
  SLUICE_ASSIGN_OR_RETURN(size_t pos, DeltaBinaryPackedDecodeInt32(data, size, count, &prefixes));
  const size_t suffix_lengths_pos = pos;
  auto suffix_result = DeltaBinaryPackedDecodeInt32(data + pos, size - pos, count, &suffix_lengths);
  if (!suffix_result.ok()) {
    return suffix_result.status().WithContext("DELTA_BYTE_ARRAY suffix lengths starting" +
                                              AtOffset(suffix_lengths_pos) + ": ");
  }
  pos += *suffix_result;
  uint64_t total = 0;
  SLUICE_RETURN_IF_ERROR(CheckLengths("DELTA_BYTE_ARRAY", suffix_lengths, size - pos, pos, &total));
  ReserveForAppend(out, count, static_cast<int64_t>(total));
  const uint64_t base_bytes = out->values().size();
  uint64_t produced = 0;
  std::string current;
  for (size_t index = 0; index < prefixes.size(); ++index) {
    const int32_t prefix = prefixes[index];
    if (prefix < 0 || static_cast<size_t>(prefix) > current.size()) {
      return Status::Corruption("DELTA_BYTE_ARRAY: value " + std::to_string(index) +
                                " has prefix length " + std::to_string(prefix) +
                                " but the previous value has " + std::to_string(current.size()) +
                                " bytes");
    }
    const auto suffix = static_cast<size_t>(suffix_lengths[index]);
    current.resize(static_cast<size_t>(prefix));
    current.append(reinterpret_cast<const char*>(data + pos), suffix);
    pos += suffix;
    if (type == PhysicalType::kFixedLenByteArray) {
      if (current.size() != static_cast<size_t>(type_length)) {
        return Status::Corruption("DELTA_BYTE_ARRAY: value " + std::to_string(index) + " has " +
                                  std::to_string(current.size()) + " bytes in a " +
                                  std::to_string(type_length) + "-byte FIXED_LEN_BYTE_ARRAY");
      }
      out->AppendFixed(current.data());
      continue;
    }
    produced += current.size();
    if (base_bytes + produced > kMaxColumnBytes) {
      return Status::Corruption("DELTA_BYTE_ARRAY: values expand past 4 GiB at value " +
                                std::to_string(index));
    }
    out->AppendBytes(current);
  }
  return pos;
}

}  // namespace sluice::parquet

#include "format/parquet/encoding/rle_boolean.h"

#include <algorithm>

#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/column_append.h"
#include "format/parquet/encoding/rle_bit_packed.h"

namespace sluice::parquet {
namespace {

// Booleans decoded per step. No up-front reservation: a 5-byte repeated run can claim 2^31
// values, so memory grows only as values are actually produced.
constexpr int64_t kDecodeChunk = 1024;

// Size of the little-endian length prefix.
constexpr size_t kPrefixBytes = 4;

}  // namespace

void RleBooleanEncode(const ColumnVector& col, int64_t begin, int64_t end, std::string* out) {
  const size_t prefix_at = out->size();
  out->append(kPrefixBytes, '\0');
  RleBitPackedEncoder encoder(1);
  const uint8_t* values = col.values().data();
  ForEachValidRun(col, begin, end, [&](int64_t run_begin, int64_t run_end) {
    for (int64_t row = run_begin; row < run_end; ++row) encoder.Put(values[row] != 0 ? 1 : 0);
  });
  encoder.FlushTo(out);
  StoreLE<uint32_t>(out->data() + prefix_at,
                    static_cast<uint32_t>(out->size() - prefix_at - kPrefixBytes));
}

Result<size_t> RleBooleanDecode(const uint8_t* data, size_t size, int64_t count,
                                ColumnVector* out) {
  SLUICE_RETURN_IF_ERROR(CheckDecodeTarget("RLE BOOLEAN", PhysicalType::kBoolean, 0, count, *out));
  if (size < kPrefixBytes) {
    return Status::Corruption("RLE BOOLEAN: length prefix truncated" + AtOffset(0));
  }
  const uint32_t length = LoadLE<uint32_t>(data);
  if (length > size - kPrefixBytes) {
    return Status::Corruption("RLE BOOLEAN: length prefix " + std::to_string(length) +
                              " exceeds the " + std::to_string(size - kPrefixBytes) +
                              " bytes that follow" + AtOffset(0));
  }
  RleBitPackedDecoder decoder(data + kPrefixBytes, length, 1);
  uint32_t decoded[kDecodeChunk];
  uint8_t bools[kDecodeChunk];
  for (int64_t done = 0; done < count; done += kDecodeChunk) {
    const int64_t step = std::min(kDecodeChunk, count - done);
    Status status = decoder.GetBatch(decoded, step);
    if (!status.ok()) return status.WithContext("RLE BOOLEAN (after the 4-byte prefix): ");
    for (int64_t index = 0; index < step; ++index) {
      bools[index] = static_cast<uint8_t>(decoded[index]);
    }
    AppendFixedValues(out, bools, step);
  }
  return kPrefixBytes + length;
}

}  // namespace sluice::parquet

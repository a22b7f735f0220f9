// Random and mutated inputs for every decoder: each call must return (OK or an error status)
// without crashing or reading out of bounds (run under ASan in the asan build).
#include <gtest/gtest.h>

#include <random>

#include "encoding_test_util.h"
#include "format/parquet/encoding/byte_stream_split.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/delta_byte_array.h"
#include "format/parquet/encoding/plain.h"
#include "format/parquet/encoding/rle_bit_packed.h"
#include "format/parquet/encoding/rle_boolean.h"

namespace sluice::parquet {
namespace {

// Runs every decoder over data (each given its own exact-size heap copy so ASan catches reads
// past the end) and checks that failures are Corruption.
void DecodeEverything(const std::vector<uint8_t>& bytes, int64_t count, int bit_width) {
  const uint8_t* data = bytes.empty() ? nullptr : bytes.data();
  const size_t size = bytes.size();
  auto expect_clean = [](const Status& status) {
    if (!status.ok()) {
      EXPECT_EQ(status.code(), StatusCode::kCorruption) << status.ToString();
    }
  };
  {
    std::vector<uint32_t> out(static_cast<size_t>(count));
    RleBitPackedDecoder decoder(data, size, bit_width);
    expect_clean(decoder.GetBatch(out.data(), count));
  }
  for (PhysicalType type : {PhysicalType::kBoolean, PhysicalType::kInt32, PhysicalType::kInt64,
                            PhysicalType::kByteArray, PhysicalType::kDouble}) {
    ColumnVector out(type, 0);
    expect_clean(PlainDecode(data, size, type, 0, count, &out).status());
  }
  {
    ColumnVector out(PhysicalType::kFixedLenByteArray, 3);
    expect_clean(
        PlainDecode(data, size, PhysicalType::kFixedLenByteArray, 3, count, &out).status());
  }
  for (PhysicalType type : {PhysicalType::kInt32, PhysicalType::kInt64}) {
    ColumnVector out(type, 0);
    expect_clean(DeltaBinaryPackedDecode(data, size, type, count, &out).status());
  }
  {
    ColumnVector out(PhysicalType::kByteArray, 0);
    expect_clean(DeltaLengthByteArrayDecode(data, size, count, &out).status());
  }
  {
    ColumnVector out(PhysicalType::kByteArray, 0);
    expect_clean(
        DeltaByteArrayDecode(data, size, PhysicalType::kByteArray, 0, count, &out).status());
  }
  {
    ColumnVector out(PhysicalType::kFixedLenByteArray, 2);
    expect_clean(DeltaByteArrayDecode(data, size, PhysicalType::kFixedLenByteArray, 2, count, &out)
                     .status());
  }
  {
    ColumnVector out(PhysicalType::kFloat, 0);
    expect_clean(ByteStreamSplitDecode(data, size, PhysicalType::kFloat, 0, count, &out).status());
  }
  {
    ColumnVector out(PhysicalType::kBoolean, 0);
    expect_clean(RleBooleanDecode(data, size, count, &out).status());
  }
}

TEST(DecoderRobustnessTest, RandomBytes) {
  std::mt19937 rng(2024);
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> bytes(rng() % 80);
    for (auto& byte : bytes) byte = static_cast<uint8_t>(rng());
    DecodeEverything(bytes, static_cast<int64_t>(rng() % 300), static_cast<int>(rng() % 34));
  }
}

TEST(DecoderRobustnessTest, MutatedValidEncodings) {
  std::mt19937 rng(7);
  const auto strings = testing::RandomStrings(300, 12, 3);
  const auto col = testing::MakeBytesColumn(strings);
  std::vector<std::string> seeds(3);
  DeltaByteArrayEncode(col, 0, col.size(), &seeds[0]);
  DeltaLengthByteArrayEncode(col, 0, col.size(), &seeds[1]);
  std::vector<int64_t> longs;
  for (int index = 0; index < 300; ++index) longs.push_back(index * index - 5000);
  DeltaBinaryPackedEncode64(longs.data(), 300, &seeds[2]);
  for (const std::string& seed : seeds) {
    for (int trial = 0; trial < 400; ++trial) {
      std::vector<uint8_t> bytes(seed.begin(), seed.end());
      for (int flip = 0; flip < 3; ++flip) {
        bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
      }
      DecodeEverything(bytes, 300, static_cast<int>(rng() % 33));
    }
  }
}

}  // namespace
}  // namespace sluice::parquet

#include "format/parquet/encoding/rle_bit_packed.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "encoding_test_util.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/rle_boolean.h"

namespace sluice::parquet {
namespace {

using testing::Bytes;

std::string Encode(const std::vector<uint32_t>& values, int width) {
  RleBitPackedEncoder encoder(width);
  for (uint32_t value : values) encoder.Put(value);
  const int64_t estimate = encoder.EstimatedSize();
  std::string out;
  encoder.FlushTo(&out);
  EXPECT_LE(static_cast<int64_t>(out.size()), estimate);
  return out;
}

std::vector<uint32_t> Decode(const std::string& encoded, int width, int64_t count) {
  std::vector<uint32_t> out(static_cast<size_t>(count));
  RleBitPackedDecoder decoder(Bytes(encoded), encoded.size(), width);
  Status status = decoder.GetBatch(out.data(), count);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out;
}

// Values mixing long runs, short runs and noise, all < 2^width, including 0 and the maximum.
std::vector<uint32_t> MixedValues(int width, int64_t count, uint32_t seed) {
  std::mt19937 rng(seed);
  const auto mask = static_cast<uint32_t>(LowBitsMask(width));
  std::vector<uint32_t> values;
  while (static_cast<int64_t>(values.size()) < count) {
    const uint32_t kind = rng() % 4;
    const uint32_t value = kind == 0 ? 0 : (kind == 1 ? mask : static_cast<uint32_t>(rng()) & mask);
    const uint32_t run = rng() % 3 == 0 ? static_cast<uint32_t>(rng() % 40 + 1) : 1u;
    for (uint32_t copy = 0; copy < run && static_cast<int64_t>(values.size()) < count; ++copy) {
      values.push_back(value);
    }
  }
  return values;
}

TEST(RleBitPackedTest, SpecBitPackedExample) {
  // Encodings.md: 0..7 at bit width 3 is one bit-packed group: header (1 << 1) | 1, then
  // 10001000 11000110 11111010.
  EXPECT_EQ(Encode({0, 1, 2, 3, 4, 5, 6, 7}, 3), std::string("\x03\x88\xC6\xFA", 4));
}

TEST(RleBitPackedTest, RepeatedRunBytes) {
  // 100 copies of 5 at width 3: header ULEB128(100 << 1) = C8 01, value in one byte.
  EXPECT_EQ(Encode(std::vector<uint32_t>(100, 5), 3), std::string("\xC8\x01\x05", 3));
  // Width 0: header only. Width 9: two value bytes. Width 32: four.
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 0), 0), std::string("\x14", 1));
  EXPECT_EQ(Encode(std::vector<uint32_t>(10, 0x1FF), 9), std::string("\x14\xFF\x01", 3));
  EXPECT_EQ(Encode(std::vector<uint32_t>(8, 0xFFFFFFFF), 32),
            std::string("\x10\xFF\xFF\xFF\xFF", 5));
}

TEST(RleBitPackedTest, ShortTailAndMixedRuns) {
  // Three equal values alone become a 3-value repeated run.
  EXPECT_EQ(Encode({1, 1, 1}, 1), std::string("\x06\x01", 2));
  // 1,0,1 is a padded literal group: 0b00000101.
  EXPECT_EQ(Encode({1, 0, 1}, 1), std::string("\x03\x05", 2));
  // A literal group, then a repeated run of 16 (starting at the group boundary).
  std::vector<uint32_t> values = {1, 0, 1, 0, 1, 0, 1, 0};
  values.insert(values.end(), 16, 1);
  EXPECT_EQ(Encode(values, 1), std::string("\x03\x55\x20\x01", 4));
}

TEST(RleBitPackedTest, EmptyInputEncodesToNothing) {
  EXPECT_EQ(Encode({}, 5), "");
  std::vector<uint32_t> none;
  RleBitPackedDecoder decoder(nullptr, 0, 5);
  EXPECT_TRUE(decoder.GetBatch(none.data(), 0).ok());
}

TEST(RleBitPackedTest, RoundTripEveryWidthAndCount) {
  for (int width = 0; width <= 32; ++width) {
    for (int64_t count : {1, 7, 8, 9, 31, 32, 33, 127, 128, 129, 1000, 5000}) {
      const auto values = MixedValues(width, count, static_cast<uint32_t>(width * 131 + count));
      const std::string encoded = Encode(values, width);
      EXPECT_EQ(Decode(encoded, width, count), values) << "width " << width << " count " << count;
    }
  }
}

TEST(RleBitPackedTest, DecodeInOddSizedBatches) {
  const auto values = MixedValues(13, 3000, 99);
  const std::string encoded = Encode(values, 13);
  RleBitPackedDecoder decoder(Bytes(encoded), encoded.size(), 13);
  std::vector<uint32_t> out(values.size());
  size_t done = 0;
  int64_t step = 1;
  while (done < values.size()) {
    const int64_t take = std::min<int64_t>(step, static_cast<int64_t>(values.size() - done));
    ASSERT_TRUE(decoder.GetBatch(out.data() + done, take).ok());
    done += static_cast<size_t>(take);
    step = step % 19 + 3;
  }
  EXPECT_EQ(out, values);
}

TEST(RleBitPackedTest, PutRepeatedMatchesPutAndHandlesHugeRuns) {
  for (int64_t count : {0, 1, 7, 8, 9, 15, 16, 100}) {
    RleBitPackedEncoder bulk(2);
    RleBitPackedEncoder single(2);
    for (RleBitPackedEncoder* encoder : {&bulk, &single}) encoder->Put(3);
    bulk.PutRepeated(1, count);
    for (int64_t copy = 0; copy < count; ++copy) single.Put(1);
    for (RleBitPackedEncoder* encoder : {&bulk, &single}) encoder->Put(2);
    std::string bulk_out;
    std::string single_out;
    bulk.FlushTo(&bulk_out);
    single.FlushTo(&single_out);
    EXPECT_EQ(bulk_out, single_out) << count;
  }
  // Ten million all-valid definition levels encode to a few bytes.
  RleBitPackedEncoder encoder(1);
  encoder.PutRepeated(1, 10'000'000);
  std::string out;
  encoder.FlushTo(&out);
  EXPECT_LE(out.size(), 6u);
  std::vector<uint32_t> decoded(10'000'000);
  RleBitPackedDecoder decoder(Bytes(out), out.size(), 1);
  ASSERT_TRUE(decoder.GetBatch(decoded.data(), static_cast<int64_t>(decoded.size())).ok());
  EXPECT_EQ(std::count(decoded.begin(), decoded.end(), 1u), 10'000'000);
}

TEST(RleBitPackedTest, EncoderIsReusableAfterFlush) {
  RleBitPackedEncoder encoder(4);
  for (uint32_t value : {1u, 2u, 3u}) encoder.Put(value);
  std::string first;
  encoder.FlushTo(&first);
  for (uint32_t value : {1u, 2u, 3u}) encoder.Put(value);
  std::string second;
  encoder.FlushTo(&second);
  EXPECT_EQ(first, second);
  encoder.Put(9);
  encoder.Reset();
  std::string empty;
  encoder.FlushTo(&empty);
  EXPECT_EQ(empty, "");
}

TEST(RleBitPackedTest, TruncationAtEveryPositionIsCorruption) {
  for (int width : {1, 3, 8, 17, 32}) {
    const auto values = MixedValues(width, 200, static_cast<uint32_t>(width));
    const std::string encoded = Encode(values, width);
    for (size_t cut = 0; cut < encoded.size(); ++cut) {
      std::vector<uint32_t> out(values.size());
      RleBitPackedDecoder decoder(Bytes(encoded), cut, width);
      Status status = decoder.GetBatch(out.data(), static_cast<int64_t>(out.size()));
      // Cutting only the zero padding of the final bit-packed group (fewer than `width`
      // bytes: under 8 values) is tolerated, and then the values must still be right.
      if (status.ok()) {
        EXPECT_GT(cut + static_cast<size_t>(width), encoded.size()) << "cut " << cut;
        EXPECT_EQ(out, values);
      } else {
        EXPECT_EQ(status.code(), StatusCode::kCorruption) << "width " << width << " cut " << cut;
      }
    }
  }
  // With groups aligned to the end (a multiple of 8 distinct values), every cut fails.
  std::vector<uint32_t> aligned;
  for (uint32_t value = 0; value < 64; ++value) aligned.push_back(value % 7);
  const std::string encoded = Encode(aligned, 3);
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    std::vector<uint32_t> out(aligned.size());
    RleBitPackedDecoder decoder(Bytes(encoded), cut, 3);
    EXPECT_EQ(decoder.GetBatch(out.data(), 64).code(), StatusCode::kCorruption) << cut;
  }
}

TEST(RleBitPackedTest, MalformedInputsAreCorruption) {
  uint32_t out[16];
  {
    RleBitPackedDecoder decoder(nullptr, 0, 33);
    Status status = decoder.GetBatch(out, 1);
    EXPECT_EQ(status.code(), StatusCode::kCorruption);
    EXPECT_NE(status.message().find("bit width 33"), std::string::npos);
  }
  {
    // Repeated run of 4 with value 9 at width 3.
    const std::string data("\x08\x09", 2);
    RleBitPackedDecoder decoder(Bytes(data), data.size(), 3);
    EXPECT_EQ(decoder.GetBatch(out, 4).code(), StatusCode::kCorruption);
  }
  {
    // Run header longer than a 32-bit varint.
    const std::string data("\xFF\xFF\xFF\xFF\xFF\x01\x00", 7);
    RleBitPackedDecoder decoder(Bytes(data), data.size(), 3);
    EXPECT_EQ(decoder.GetBatch(out, 4).code(), StatusCode::kCorruption);
  }
  {
    // More values wanted than the data holds.
    const std::string data("\x08\x01", 2);
    RleBitPackedDecoder decoder(Bytes(data), data.size(), 1);
    Status status = decoder.GetBatch(out, 5);
    EXPECT_EQ(status.code(), StatusCode::kCorruption);
    EXPECT_NE(status.message().find("offset 2"), std::string::npos) << status.message();
  }
  {
    // Zero-length runs are legal but consume their header bytes and make no progress.
    const std::string data("\x00\x00\x01\x00", 4);
    RleBitPackedDecoder decoder(Bytes(data), data.size(), 1);
    EXPECT_EQ(decoder.GetBatch(out, 1).code(), StatusCode::kCorruption);
  }
}

TEST(RleBitPackedTest, TruncatedFinalGroupYieldsOnlyCompleteValues) {
  // Bit-packed header for one group of width 8, but only 3 bytes present.
  const std::string data("\x03\x0A\x0B\x0C", 4);
  uint32_t out[4];
  RleBitPackedDecoder decoder(Bytes(data), data.size(), 8);
  ASSERT_TRUE(decoder.GetBatch(out, 3).ok());
  EXPECT_EQ(out[0], 10u);
  EXPECT_EQ(out[2], 12u);
  EXPECT_EQ(decoder.GetBatch(out, 1).code(), StatusCode::kCorruption);
}

TEST(RleBooleanTest, RoundTripAndTruncation) {
  std::vector<uint8_t> bools;
  std::vector<int64_t> nulls;
  std::mt19937 rng(5);
  for (int row = 0; row < 517; ++row) bools.push_back(row % 50 < 30 ? 1 : (rng() & 1));
  nulls = {3, 100, 516};
  const ColumnVector col = testing::MakeFixedColumn<uint8_t>(PhysicalType::kBoolean, bools, nulls);
  std::string encoded;
  RleBooleanEncode(col, 0, col.size(), &encoded);
  const int64_t count = col.size() - col.null_count();
  ColumnVector decoded(PhysicalType::kBoolean, 0);
  auto consumed = RleBooleanDecode(Bytes(encoded + "tail"), encoded.size() + 4, count, &decoded);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(*consumed, encoded.size());
  EXPECT_EQ(testing::ValidValues(decoded), testing::ValidValues(col));

  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    ColumnVector sink(PhysicalType::kBoolean, 0);
    EXPECT_EQ(RleBooleanDecode(Bytes(encoded), cut, count, &sink).status().code(),
              StatusCode::kCorruption)
        << cut;
  }
  // A length prefix that points past the data.
  std::string lying = encoded;
  lying[0] = '\x7F';
  lying[1] = '\x7F';
  ColumnVector sink(PhysicalType::kBoolean, 0);
  EXPECT_EQ(RleBooleanDecode(Bytes(lying), lying.size(), count, &sink).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace sluice::parquet

#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "encoding_test_util.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/delta_byte_array.h"

namespace sluice::parquet {
namespace {

using testing::Bytes;
using testing::MakeBytesColumn;
using testing::ValidValues;

constexpr int64_t kBoundaryCounts[] = {0,  1,   2,   8,   9,   31,  32,  33,
                                       65, 127, 128, 129, 130, 257, 1000};

template <typename T>
std::vector<T> DecodeAll(const std::string& encoded, int64_t count, size_t* consumed) {
  constexpr PhysicalType kType = sizeof(T) == 4 ? PhysicalType::kInt32 : PhysicalType::kInt64;
  ColumnVector out(kType, 0);
  out.Clear();
  const std::string padded = encoded + "junk";
  auto result = DeltaBinaryPackedDecode(Bytes(padded), padded.size(), kType, count, &out);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return {};
  *consumed = *result;
  std::vector<T> values;
  for (int64_t row = 0; row < out.size(); ++row) values.push_back(out.Get<T>(row));
  return values;
}

template <typename T>
void ExpectDeltaRoundTrip(const std::vector<T>& values) {
  std::string encoded;
  if constexpr (sizeof(T) == 4) {
    DeltaBinaryPackedEncode32(values.data(), static_cast<int64_t>(values.size()), &encoded);
  } else {
    DeltaBinaryPackedEncode64(values.data(), static_cast<int64_t>(values.size()), &encoded);
  }
  size_t consumed = 0;
  EXPECT_EQ(DecodeAll<T>(encoded, static_cast<int64_t>(values.size()), &consumed), values);
  EXPECT_EQ(consumed, encoded.size());
}

template <typename T>
std::vector<T> Pattern(int64_t count, int kind, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<T> values;
  for (int64_t index = 0; index < count; ++index) {
    switch (kind) {
      case 0:  // sorted ids
        values.push_back(static_cast<T>(1000 + index * 3));
        break;
      case 1:  // constant
        values.push_back(static_cast<T>(-7));
        break;
      case 2:  // random full range
        values.push_back(static_cast<T>(rng()));
        break;
      case 3:  // extremes alternating: the widest possible deltas
        values.push_back(index % 2 == 0 ? std::numeric_limits<T>::min()
                                        : std::numeric_limits<T>::max());
        break;
      default:  // small noise around a trend
        values.push_back(static_cast<T>(index * 1000 + static_cast<int64_t>(rng() % 17) - 8));
    }
  }
  return values;
}

TEST(DeltaBinaryPackedTest, RoundTripAtBlockBoundaries) {
  for (int64_t count : kBoundaryCounts) {
    for (int kind = 0; kind < 5; ++kind) {
      SCOPED_TRACE("count " + std::to_string(count) + " kind " + std::to_string(kind));
      ExpectDeltaRoundTrip(Pattern<int32_t>(count, kind, static_cast<uint32_t>(count)));
      ExpectDeltaRoundTrip(Pattern<int64_t>(count, kind, static_cast<uint32_t>(count)));
    }
  }
}

TEST(DeltaBinaryPackedTest, Int64Extremes) {
  ExpectDeltaRoundTrip<int64_t>({std::numeric_limits<int64_t>::min()});
  ExpectDeltaRoundTrip<int64_t>({std::numeric_limits<int64_t>::max(),
                                 std::numeric_limits<int64_t>::min(), 0,
                                 std::numeric_limits<int64_t>::max(), -1});
}

TEST(DeltaBinaryPackedTest, HeaderBytes) {
  // Spec example shape: block 128, 4 miniblocks, 5 values, first value zigzag(1) = 2.
  const std::vector<int32_t> values = {1, 2, 3, 4, 5};
  std::string encoded;
  DeltaBinaryPackedEncode32(values.data(), 5, &encoded);
  // 80 01 | 04 | 05 | 02 | min delta zigzag(1) = 02 | widths 00 00 00 00 (all deltas equal).
  EXPECT_EQ(encoded, std::string("\x80\x01\x04\x05\x02\x02\x00\x00\x00\x00", 10));
  std::string empty;
  DeltaBinaryPackedEncode64(nullptr, 0, &empty);
  EXPECT_EQ(empty, std::string("\x80\x01\x04\x00\x00", 5));
}

TEST(DeltaBinaryPackedTest, Int32WrapAroundKeepsWidthsAtMost32) {
  const auto values = Pattern<int32_t>(129, 3, 0);
  std::string encoded;
  DeltaBinaryPackedEncode32(values.data(), 129, &encoded);
  // Header: 80 01, 04, ULEB128(129) = 81 01, zigzag(INT32_MIN) = FF FF FF FF 0F. Then the
  // block's min delta (INT32_MIN + 1 wraps: deltas are +-(2^32 - 1) -> 1 and -1 in 32 bits).
  size_t pos = 0;
  uint64_t field = 0;
  for (int header_field = 0; header_field < 5; ++header_field) {
    ASSERT_TRUE(GetUleb128(Bytes(encoded), encoded.size(), &pos, &field));
  }
  for (int mini = 0; mini < 4; ++mini) {
    EXPECT_LE(static_cast<uint8_t>(encoded[pos + static_cast<size_t>(mini)]), 32) << mini;
  }
  ExpectDeltaRoundTrip(values);
}

TEST(DeltaBinaryPackedTest, TruncationAtEveryPositionIsCorruption) {
  // 1 + 128 values: one full block, so every byte is needed.
  for (int kind : {0, 2, 4}) {
    const auto values = Pattern<int64_t>(129, kind, 3);
    std::string encoded;
    DeltaBinaryPackedEncode64(values.data(), 129, &encoded);
    for (size_t cut = 0; cut < encoded.size(); ++cut) {
      ColumnVector out(PhysicalType::kInt64, 0);
      auto result = DeltaBinaryPackedDecode(Bytes(encoded), cut, PhysicalType::kInt64, 129, &out);
      EXPECT_EQ(result.status().code(), StatusCode::kCorruption)
          << "kind " << kind << " cut " << cut;
    }
  }
}

Status DecodeStatus(const std::string& data, PhysicalType type, int64_t count) {
  ColumnVector out(type, 0);
  return DeltaBinaryPackedDecode(Bytes(data), data.size(), type, count, &out).status();
}

TEST(DeltaBinaryPackedTest, MalformedInputsAreCorruption) {
  // Count above the header's total.
  EXPECT_EQ(DecodeStatus(std::string("\x80\x01\x04\x02\x00\x00\x00\x00\x00\x00", 10),
                         PhysicalType::kInt32, 3)
                .code(),
            StatusCode::kCorruption);
  // Block size not a multiple of 128; zero miniblocks; miniblock of 16 values.
  EXPECT_EQ(DecodeStatus(std::string("\x40\x04\x01\x00", 4), PhysicalType::kInt32, 1).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeStatus(std::string("\x80\x01\x00\x01\x00", 5), PhysicalType::kInt32, 1).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(DecodeStatus(std::string("\x80\x01\x08\x01\x00", 5), PhysicalType::kInt32, 1).code(),
            StatusCode::kCorruption);
  // Miniblock width 33 for INT32 (and 65 for INT64).
  std::string wide("\x80\x01\x04\x03\x00\x00\x21\x00\x00\x00", 10);
  wide.append(300, '\0');
  Status status = DecodeStatus(wide, PhysicalType::kInt32, 3);
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("33"), std::string::npos) << status.message();
  wide[6] = 65;
  EXPECT_EQ(DecodeStatus(wide, PhysicalType::kInt64, 3).code(), StatusCode::kCorruption);
  wide[6] = 64;
  EXPECT_TRUE(DecodeStatus(wide, PhysicalType::kInt64, 3).ok());
  // INT32 first value out of range: zigzag(2^31) = 2^32.
  EXPECT_EQ(
      DecodeStatus(std::string("\x80\x01\x04\x01\x80\x80\x80\x80\x10", 9), PhysicalType::kInt32, 1)
          .code(),
      StatusCode::kCorruption);
  // A huge total with a tiny body is rejected before allocating.
  EXPECT_EQ(DecodeStatus(std::string("\x80\x01\x04\xFF\xFF\xFF\xFF\x0F\x00\x00", 10),
                         PhysicalType::kInt64, 1'000'000'000)
                .code(),
            StatusCode::kCorruption);
  // Wrong output type.
  ColumnVector doubles(PhysicalType::kDouble, 0);
  EXPECT_EQ(DeltaBinaryPackedDecode(nullptr, 0, PhysicalType::kDouble, 0, &doubles).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(DeltaBinaryPackedTest, EncodeFromColumnSkipsNulls) {
  const auto col = testing::MakeFixedColumn<int64_t>(PhysicalType::kInt64, {5, 9, 11, 2}, {1});
  std::string encoded;
  DeltaBinaryPackedEncode(col, 0, col.size(), &encoded);
  size_t consumed = 0;
  EXPECT_EQ(DecodeAll<int64_t>(encoded, 3, &consumed), (std::vector<int64_t>{5, 11, 2}));
}

void ExpectByteArrayRoundTrips(const ColumnVector& col) {
  const int64_t count = col.size() - col.null_count();
  {
    std::string encoded;
    DeltaLengthByteArrayEncode(col, 0, col.size(), &encoded);
    ColumnVector out(PhysicalType::kByteArray, 0);
    out.Clear();
    const std::string padded = encoded + "xx";
    auto consumed = DeltaLengthByteArrayDecode(Bytes(padded), padded.size(), count, &out);
    ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
    EXPECT_EQ(*consumed, encoded.size());
    EXPECT_EQ(ValidValues(out), ValidValues(col));
  }
  {
    std::string encoded;
    DeltaByteArrayEncode(col, 0, col.size(), &encoded);
    ColumnVector out(PhysicalType::kByteArray, 0);
    out.Clear();
    const std::string padded = encoded + "xx";
    auto consumed = DeltaByteArrayDecode(Bytes(padded), padded.size(), PhysicalType::kByteArray, 0,
                                         count, &out);
    ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
    EXPECT_EQ(*consumed, encoded.size());
    EXPECT_EQ(ValidValues(out), ValidValues(col));
  }
}

TEST(DeltaByteArrayTest, RoundTrips) {
  ExpectByteArrayRoundTrips(MakeBytesColumn({}));
  ExpectByteArrayRoundTrips(MakeBytesColumn({""}));
  ExpectByteArrayRoundTrips(MakeBytesColumn({"", "", ""}));
  ExpectByteArrayRoundTrips(MakeBytesColumn({"one"}));
  ExpectByteArrayRoundTrips(MakeBytesColumn({"abc", "abcdef", "ab", "", "abd", "abd"}, {2}));
  ExpectByteArrayRoundTrips(MakeBytesColumn({std::string(300000, 'q'), "q", std::string(70, 'q')}));
  for (int64_t count : kBoundaryCounts) {
    ExpectByteArrayRoundTrips(
        MakeBytesColumn(testing::RandomStrings(static_cast<size_t>(count), 30, 17)));
  }
  std::vector<std::string> urls;
  for (int index = 0; index < 1000; ++index) {
    urls.push_back("https://example.com/customers/" + std::to_string(100000 + index));
  }
  ExpectByteArrayRoundTrips(MakeBytesColumn(urls));
}

TEST(DeltaByteArrayTest, SharedPrefixesAreFactoredOut) {
  std::vector<std::string> urls;
  for (int index = 0; index < 1000; ++index) {
    urls.push_back("https://example.com/customers/" + std::to_string(100000 + index));
  }
  const auto col = MakeBytesColumn(urls);
  std::string delta;
  DeltaByteArrayEncode(col, 0, col.size(), &delta);
  std::string lengths;
  DeltaLengthByteArrayEncode(col, 0, col.size(), &lengths);
  EXPECT_LT(delta.size() * 4, lengths.size());
}

TEST(DeltaByteArrayTest, FixedLenByteArray) {
  const auto col = testing::MakeFlbaColumn(4, {"abcd", "abce", "zzzz", "zzzz"}, {2});
  std::string encoded;
  DeltaByteArrayEncode(col, 0, col.size(), &encoded);
  ColumnVector out(PhysicalType::kFixedLenByteArray, 4);
  out.Clear();
  auto consumed = DeltaByteArrayDecode(Bytes(encoded), encoded.size(),
                                       PhysicalType::kFixedLenByteArray, 4, 3, &out);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(ValidValues(out), ValidValues(col));
  // Decoding as a 3-byte FLBA must fail: the values have 4 bytes.
  ColumnVector narrow(PhysicalType::kFixedLenByteArray, 3);
  EXPECT_EQ(DeltaByteArrayDecode(Bytes(encoded), encoded.size(), PhysicalType::kFixedLenByteArray,
                                 3, 3, &narrow)
                .status()
                .code(),
            StatusCode::kCorruption);
}

TEST(DeltaByteArrayTest, TruncationAtEveryPositionIsCorruption) {
  const auto col = MakeBytesColumn({"apple", "applesauce", "apricot", "banana", "", "band"});
  std::string dlba;
  DeltaLengthByteArrayEncode(col, 0, col.size(), &dlba);
  std::string dba;
  DeltaByteArrayEncode(col, 0, col.size(), &dba);
  for (size_t cut = 0; cut < dlba.size(); ++cut) {
    ColumnVector out(PhysicalType::kByteArray, 0);
    EXPECT_EQ(DeltaLengthByteArrayDecode(Bytes(dlba), cut, 6, &out).status().code(),
              StatusCode::kCorruption)
        << cut;
  }
  for (size_t cut = 0; cut < dba.size(); ++cut) {
    ColumnVector out(PhysicalType::kByteArray, 0);
    EXPECT_EQ(
        DeltaByteArrayDecode(Bytes(dba), cut, PhysicalType::kByteArray, 0, 6, &out).status().code(),
        StatusCode::kCorruption)
        << cut;
  }
}

TEST(DeltaByteArrayTest, MalformedLengthsAreCorruption) {
  // Prefix lengths {0, 5}: the second prefix is longer than the 2-byte first value.
  const std::vector<int32_t> prefixes = {0, 5};
  const std::vector<int32_t> suffixes = {2, 1};
  std::string data;
  DeltaBinaryPackedEncode32(prefixes.data(), 2, &data);
  DeltaBinaryPackedEncode32(suffixes.data(), 2, &data);
  data += "abc";
  ColumnVector out(PhysicalType::kByteArray, 0);
  Status status =
      DeltaByteArrayDecode(Bytes(data), data.size(), PhysicalType::kByteArray, 0, 2, &out).status();
  EXPECT_EQ(status.code(), StatusCode::kCorruption);
  EXPECT_NE(status.message().find("prefix length 5"), std::string::npos) << status.message();

  // A negative length.
  const std::vector<int32_t> negative = {3, -1};
  std::string dlba;
  DeltaBinaryPackedEncode32(negative.data(), 2, &dlba);
  dlba += "abcdef";
  ColumnVector strings(PhysicalType::kByteArray, 0);
  EXPECT_EQ(DeltaLengthByteArrayDecode(Bytes(dlba), dlba.size(), 2, &strings).status().code(),
            StatusCode::kCorruption);
}

}  // namespace
}  // namespace sluice::parquet

#include "format/parquet/encoding/plain.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "encoding_test_util.h"

namespace sluice::parquet {
namespace {

using testing::Bytes;
using testing::MakeBytesColumn;
using testing::MakeFixedColumn;
using testing::ValidValues;

// Encodes col, decodes it back and checks the values, the byte count and that trailing bytes
// are left alone.
void ExpectRoundTrip(const ColumnVector& col, int32_t type_length = 0) {
  std::string encoded;
  PlainEncode(col, 0, col.size(), &encoded);
  const int64_t count = col.size() - col.null_count();
  ColumnVector decoded(col.type(), type_length);
  decoded.Clear();
  const std::string padded = encoded + "trailing";
  auto consumed =
      PlainDecode(Bytes(padded), padded.size(), col.type(), type_length, count, &decoded);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(*consumed, encoded.size());
  EXPECT_EQ(decoded.size(), count);
  EXPECT_FALSE(decoded.has_nulls());
  EXPECT_EQ(ValidValues(decoded), ValidValues(col));
}

TEST(PlainTest, Int64BytesAreLittleEndian) {
  const auto col = MakeFixedColumn<int64_t>(PhysicalType::kInt64, {1, -1});
  std::string encoded;
  PlainEncode(col, 0, 2, &encoded);
  EXPECT_EQ(encoded, std::string("\x01\0\0\0\0\0\0\0\xFF\xFF\xFF\xFF\xFF\xFF\xFF\xFF", 16));
}

TEST(PlainTest, RoundTripNumbersWithNulls) {
  std::vector<int64_t> longs = {
      0, 1, -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), 42};
  ExpectRoundTrip(MakeFixedColumn<int64_t>(PhysicalType::kInt64, longs));
  ExpectRoundTrip(MakeFixedColumn<int64_t>(PhysicalType::kInt64, longs, {0, 3, 5}));
  ExpectRoundTrip(
      MakeFixedColumn<int32_t>(PhysicalType::kInt32, {0, INT32_MIN, INT32_MAX, 7}, {2}));
  ExpectRoundTrip(MakeFixedColumn<float>(PhysicalType::kFloat, {0.0f, -0.0f, std::nanf(""), 1.5f}));
  ExpectRoundTrip(MakeFixedColumn<double>(PhysicalType::kDouble,
                                          {std::numeric_limits<double>::infinity(), -2.25}, {1}));
  ExpectRoundTrip(MakeFixedColumn<int64_t>(PhysicalType::kInt64, {}));
  ExpectRoundTrip(MakeFixedColumn<int64_t>(PhysicalType::kInt64, {5, 6}, {0, 1}));
}

TEST(PlainTest, RoundTripFixedLenAndInt96) {
  ExpectRoundTrip(testing::MakeFlbaColumn(3, {"abc", "xyz", "\0\0\0"}, {1}), 3);
  ExpectRoundTrip(testing::MakeFlbaColumn(1, {"a"}), 1);
  ColumnVector int96(PhysicalType::kInt96, 0);
  int96.Clear();
  const char twelve[12] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  int96.AppendFixed(twelve);
  int96.AppendNull();
  int96.AppendFixed(twelve);
  ExpectRoundTrip(int96);
}

TEST(PlainTest, RoundTripBooleansAtByteBoundaries) {
  std::mt19937 rng(3);
  for (int count : {0, 1, 7, 8, 9, 15, 16, 17, 64, 65, 1000}) {
    std::vector<uint8_t> bools(static_cast<size_t>(count));
    for (auto& value : bools) value = static_cast<uint8_t>(rng() & 1);
    ExpectRoundTrip(MakeFixedColumn<uint8_t>(PhysicalType::kBoolean, bools));
    std::vector<int64_t> nulls;
    for (int row = 0; row < count; row += 3) nulls.push_back(row);
    ExpectRoundTrip(MakeFixedColumn<uint8_t>(PhysicalType::kBoolean, bools, nulls));
  }
}

TEST(PlainTest, BooleanBitsAreLsbFirst) {
  const auto col = MakeFixedColumn<uint8_t>(PhysicalType::kBoolean, {1, 0, 0, 0, 0, 0, 0, 1, 1, 1});
  std::string encoded;
  PlainEncode(col, 0, col.size(), &encoded);
  EXPECT_EQ(encoded, std::string("\x81\x03", 2));
  // A sub-range starts a fresh byte.
  std::string tail;
  PlainEncode(col, 7, 10, &tail);
  EXPECT_EQ(tail, std::string("\x07", 1));
}

TEST(PlainTest, RoundTripStrings) {
  std::vector<std::string> values = {"", "a", "", std::string(100000, 'x'), "hello world"};
  ExpectRoundTrip(MakeBytesColumn(values));
  ExpectRoundTrip(MakeBytesColumn(values, {1, 3}));
  ExpectRoundTrip(MakeBytesColumn({"", ""}));
  ExpectRoundTrip(MakeBytesColumn(testing::RandomStrings(3000, 40, 1)));
  std::string encoded;
  PlainEncode(MakeBytesColumn({"ab"}), 0, 1, &encoded);
  EXPECT_EQ(encoded, std::string("\x02\0\0\0ab", 6));
}

TEST(PlainTest, SubRangeEncodesOnlyThoseRows) {
  const auto col = MakeBytesColumn({"zero", "one", "two", "three"}, {2});
  std::string encoded;
  PlainEncode(col, 1, 3, &encoded);
  EXPECT_EQ(encoded, std::string("\x03\0\0\0one", 7));
}

TEST(PlainTest, TruncationAtEveryPositionIsCorruption) {
  struct Case {
    ColumnVector col;
    int32_t type_length;
  };
  std::vector<Case> cases;
  cases.push_back({MakeBytesColumn({"abc", "", "defgh"}), 0});
  cases.push_back({MakeFixedColumn<int32_t>(PhysicalType::kInt32, {1, 2, 3}), 0});
  cases.push_back({MakeFixedColumn<double>(PhysicalType::kDouble, {1, 2}), 0});
  cases.push_back(
      {MakeFixedColumn<uint8_t>(PhysicalType::kBoolean, {1, 0, 1, 1, 0, 1, 1, 1, 1}), 0});
  cases.push_back({testing::MakeFlbaColumn(5, {"12345", "67890"}), 5});
  for (const Case& test : cases) {
    std::string encoded;
    PlainEncode(test.col, 0, test.col.size(), &encoded);
    for (size_t cut = 0; cut < encoded.size(); ++cut) {
      ColumnVector sink(test.col.type(), test.type_length);
      sink.Clear();
      auto result = PlainDecode(Bytes(encoded), cut, test.col.type(), test.type_length,
                                test.col.size(), &sink);
      EXPECT_EQ(result.status().code(), StatusCode::kCorruption)
          << PhysicalTypeName(test.col.type()) << " cut " << cut;
    }
  }
}

TEST(PlainTest, ByteArrayLengthPastEndIsCorruptionWithOffset) {
  const std::string data("\x02\0\0\0ab\xFF\xFF\xFF\x7F", 10);
  ColumnVector sink(PhysicalType::kByteArray, 0);
  sink.Clear();
  auto result = PlainDecode(Bytes(data), data.size(), PhysicalType::kByteArray, 0, 2, &sink);
  ASSERT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_NE(result.status().message().find("offset 6"), std::string::npos)
      << result.status().message();
}

TEST(PlainTest, HugeCountIsRejectedBeforeAllocating) {
  const std::string data(16, '\0');
  ColumnVector sink(PhysicalType::kInt64, 0);
  auto result =
      PlainDecode(Bytes(data), data.size(), PhysicalType::kInt64, 0, int64_t{1} << 60, &sink);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  ColumnVector strings(PhysicalType::kByteArray, 0);
  result = PlainDecode(Bytes(data), data.size(), PhysicalType::kByteArray, 0, int64_t{1} << 60,
                       &strings);
  EXPECT_EQ(result.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(strings.allocated_bytes(), 0);
}

TEST(PlainTest, DecodeAppendsValidRowsAfterExistingNulls) {
  const auto col = MakeFixedColumn<int32_t>(PhysicalType::kInt32, {7, 8, 9});
  std::string encoded;
  PlainEncode(col, 0, col.size(), &encoded);
  ColumnVector out(PhysicalType::kInt32, 0);
  out.Clear();
  out.AppendNull();
  auto consumed = PlainDecode(Bytes(encoded), encoded.size(), PhysicalType::kInt32, 0, 3, &out);
  ASSERT_TRUE(consumed.ok());
  ASSERT_EQ(out.size(), 4);
  EXPECT_FALSE(out.IsValid(0));
  for (int64_t row = 1; row < 4; ++row) {
    EXPECT_TRUE(out.IsValid(row));
    EXPECT_EQ(out.Get<int32_t>(row), 6 + row);
  }
  EXPECT_EQ(out.null_count(), 1);
}

TEST(PlainTest, MismatchedOutputIsInvalidArgument) {
  const std::string data(16, '\0');
  ColumnVector sink(PhysicalType::kInt32, 0);
  EXPECT_EQ(
      PlainDecode(Bytes(data), data.size(), PhysicalType::kInt64, 0, 1, &sink).status().code(),
      StatusCode::kInvalidArgument);
  ColumnVector flba(PhysicalType::kFixedLenByteArray, 4);
  EXPECT_EQ(PlainDecode(Bytes(data), data.size(), PhysicalType::kFixedLenByteArray, 5, 1, &flba)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::parquet

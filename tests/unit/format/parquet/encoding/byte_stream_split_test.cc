#include "format/parquet/encoding/byte_stream_split.h"

#include <gtest/gtest.h>

#include <random>

#include "encoding_test_util.h"

namespace sluice::parquet {
namespace {

using testing::Bytes;
using testing::ValidValues;

void ExpectRoundTrip(const ColumnVector& col, int32_t type_length = 0) {
  std::string encoded;
  ByteStreamSplitEncode(col, 0, col.size(), &encoded);
  const int64_t count = col.size() - col.null_count();
  EXPECT_EQ(static_cast<int64_t>(encoded.size()), count * col.width());
  ColumnVector out(col.type(), type_length);
  out.Clear();
  auto consumed = ByteStreamSplitDecode(Bytes(encoded + "zz"), encoded.size() + 2, col.type(),
                                        type_length, count, &out);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(*consumed, encoded.size());
  EXPECT_EQ(ValidValues(out), ValidValues(col));
  for (size_t cut = 0; cut < encoded.size(); ++cut) {
    ColumnVector sink(col.type(), type_length);
    EXPECT_EQ(ByteStreamSplitDecode(Bytes(encoded), cut, col.type(), type_length, count, &sink)
                  .status()
                  .code(),
              StatusCode::kCorruption);
  }
}

TEST(ByteStreamSplitTest, LayoutIsStreamsOfBytes) {
  const auto col =
      testing::MakeFixedColumn<int32_t>(PhysicalType::kInt32, {0x04030201, 0x08070605});
  std::string encoded;
  ByteStreamSplitEncode(col, 0, 2, &encoded);
  EXPECT_EQ(encoded, std::string("\x01\x05\x02\x06\x03\x07\x04\x08", 8));
}

TEST(ByteStreamSplitTest, RoundTripEveryType) {
  std::mt19937_64 rng(1);
  for (int count : {0, 1, 7, 8, 9, 100, 9000}) {
    std::vector<double> doubles;
    std::vector<float> floats;
    std::vector<int32_t> ints;
    std::vector<int64_t> longs;
    std::vector<std::string> flba;
    for (int index = 0; index < count; ++index) {
      doubles.push_back(static_cast<double>(rng() % 100000) / 100.0);
      floats.push_back(static_cast<float>(rng() % 1000) / 8.0f);
      ints.push_back(static_cast<int32_t>(rng()));
      longs.push_back(static_cast<int64_t>(rng()));
      flba.push_back(std::string{static_cast<char>(rng()), static_cast<char>(rng()),
                                 static_cast<char>(rng())});
    }
    std::vector<int64_t> nulls;
    for (int row = 1; row < count; row += 4) nulls.push_back(row);
    ExpectRoundTrip(testing::MakeFixedColumn<double>(PhysicalType::kDouble, doubles));
    ExpectRoundTrip(testing::MakeFixedColumn<double>(PhysicalType::kDouble, doubles, nulls));
    ExpectRoundTrip(testing::MakeFixedColumn<float>(PhysicalType::kFloat, floats, nulls));
    ExpectRoundTrip(testing::MakeFixedColumn<int32_t>(PhysicalType::kInt32, ints));
    ExpectRoundTrip(testing::MakeFixedColumn<int64_t>(PhysicalType::kInt64, longs, nulls));
    ExpectRoundTrip(testing::MakeFlbaColumn(3, flba, nulls), 3);
  }
}

TEST(ByteStreamSplitTest, RejectsOtherTypes) {
  ColumnVector out(PhysicalType::kByteArray, 0);
  EXPECT_EQ(ByteStreamSplitDecode(nullptr, 0, PhysicalType::kByteArray, 0, 0, &out).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::parquet

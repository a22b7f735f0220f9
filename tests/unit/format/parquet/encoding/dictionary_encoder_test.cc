#include "format/parquet/encoding/dictionary_encoder.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "encoding_test_util.h"
#include "format/parquet/encoding/bit_util.h"
#include "format/parquet/encoding/plain.h"
#include "format/parquet/encoding/rle_bit_packed.h"

namespace sluice::parquet {
namespace {

using testing::Bytes;
using testing::ValidValues;

// Encodes col into a dictionary + indices, rebuilds the values from the PLAIN dictionary page
// and checks them against the column's valid values and first-seen order.
void ExpectDictionaryRoundTrip(const ColumnVector& col, int32_t type_length = 0) {
  DictionaryEncoder encoder(col.type(), type_length);
  std::vector<uint32_t> indices;
  // Two calls, to check that Put continues the same dictionary.
  const int64_t middle = col.size() / 2;
  encoder.Put(col, 0, middle, &indices);
  encoder.Put(col, middle, col.size(), &indices);
  const std::vector<std::string> expected = ValidValues(col);
  ASSERT_EQ(indices.size(), expected.size());

  std::string page;
  encoder.WriteDictionaryPage(&page);
  EXPECT_EQ(static_cast<int64_t>(page.size()), encoder.plain_size());
  ColumnVector dictionary(col.type(), type_length);
  dictionary.Clear();
  auto consumed = PlainDecode(Bytes(page), page.size(), col.type(), type_length,
                              encoder.num_entries(), &dictionary);
  ASSERT_TRUE(consumed.ok()) << consumed.status().ToString();
  EXPECT_EQ(*consumed, page.size());
  const std::vector<std::string> entries = ValidValues(dictionary);

  // Distinct, in first-seen order.
  std::map<std::string, uint32_t> first_seen;
  for (const std::string& value : expected) {
    first_seen.emplace(value, static_cast<uint32_t>(first_seen.size()));
  }
  EXPECT_EQ(static_cast<size_t>(encoder.num_entries()), first_seen.size());
  for (size_t index = 0; index < expected.size(); ++index) {
    ASSERT_LT(indices[index], entries.size());
    EXPECT_EQ(entries[indices[index]], expected[index]);
    EXPECT_EQ(indices[index], first_seen[expected[index]]);
  }

  // And through the RLE_DICTIONARY page body.
  const int width =
      BitWidth(static_cast<uint64_t>(encoder.num_entries() > 0 ? encoder.num_entries() - 1 : 0));
  std::string body;
  EncodeDictionaryIndices(indices.data(), static_cast<int64_t>(indices.size()), width, &body);
  ASSERT_FALSE(body.empty());
  EXPECT_EQ(static_cast<uint8_t>(body[0]), width);
  std::vector<uint32_t> decoded(indices.size());
  RleBitPackedDecoder decoder(Bytes(body) + 1, body.size() - 1, width);
  ASSERT_TRUE(decoder.GetBatch(decoded.data(), static_cast<int64_t>(decoded.size())).ok());
  EXPECT_EQ(decoded, indices);
}

TEST(DictionaryEncoderTest, StringsWithDuplicatesAndNulls) {
  ExpectDictionaryRoundTrip(testing::MakeBytesColumn(
      {"b", "a", "b", "", "a", "c", "", "b", "long value long value long value"}, {2, 7}));
}

TEST(DictionaryEncoderTest, IndicesAreFirstSeenOrder) {
  DictionaryEncoder encoder(PhysicalType::kByteArray, 0);
  std::vector<uint32_t> indices;
  encoder.Put(testing::MakeBytesColumn({"x", "y", "x", "z", "y"}), 0, 5, &indices);
  EXPECT_EQ(indices, (std::vector<uint32_t>{0, 1, 0, 2, 1}));
  std::string page;
  encoder.WriteDictionaryPage(&page);
  EXPECT_EQ(page, std::string("\x01\0\0\0x\x01\0\0\0y\x01\0\0\0z", 15));
}

TEST(DictionaryEncoderTest, ManyEntriesForceRehash) {
  std::vector<std::string> values;
  for (int round = 0; round < 2; ++round) {
    for (int index = 0; index < 100000; ++index) values.push_back("key-" + std::to_string(index));
  }
  const auto col = testing::MakeBytesColumn(values);
  ExpectDictionaryRoundTrip(col);
  DictionaryEncoder encoder(PhysicalType::kByteArray, 0);
  std::vector<uint32_t> indices;
  encoder.Put(col, 0, col.size(), &indices);
  EXPECT_EQ(encoder.num_entries(), 100000);
  EXPECT_GE(encoder.allocated_bytes(), encoder.plain_size());
}

TEST(DictionaryEncoderTest, Numbers) {
  std::vector<int64_t> longs;
  for (int index = 0; index < 5000; ++index) longs.push_back((index * 7919) % 1000 - 500);
  longs.push_back(std::numeric_limits<int64_t>::min());
  longs.push_back(std::numeric_limits<int64_t>::max());
  ExpectDictionaryRoundTrip(testing::MakeFixedColumn<int64_t>(PhysicalType::kInt64, longs, {4}));
  std::vector<int32_t> ints;
  for (int index = 0; index < 3000; ++index) ints.push_back(index % 37);
  ExpectDictionaryRoundTrip(testing::MakeFixedColumn<int32_t>(PhysicalType::kInt32, ints));
  ExpectDictionaryRoundTrip(testing::MakeFixedColumn<int32_t>(PhysicalType::kInt32, {}));
}

TEST(DictionaryEncoderTest, FloatsCompareByBits) {
  DictionaryEncoder encoder(PhysicalType::kDouble, 0);
  std::vector<uint32_t> indices;
  const auto col = testing::MakeFixedColumn<double>(
      PhysicalType::kDouble, {0.0, -0.0, std::nan(""), std::nan(""), 1.0, 0.0});
  encoder.Put(col, 0, col.size(), &indices);
  EXPECT_EQ(indices, (std::vector<uint32_t>{0, 1, 2, 2, 3, 0}));
  ExpectDictionaryRoundTrip(col);
  ExpectDictionaryRoundTrip(
      testing::MakeFixedColumn<float>(PhysicalType::kFloat, {1.5f, 2.5f, 1.5f}));
}

TEST(DictionaryEncoderTest, FixedLenByteArray) {
  ExpectDictionaryRoundTrip(
      testing::MakeFlbaColumn(4, {"abcd", "abce", "abcd", "zzzz", "abce"}, {1}), 4);
  std::vector<std::string> uuids;
  for (int index = 0; index < 2000; ++index) {
    std::string uuid(16, '\0');
    std::snprintf(uuid.data(), 16, "%015d", index % 900);
    uuids.push_back(uuid);
  }
  ExpectDictionaryRoundTrip(testing::MakeFlbaColumn(16, uuids), 16);
}

TEST(DictionaryEncoderTest, ResetStartsOver) {
  DictionaryEncoder encoder(PhysicalType::kByteArray, 0);
  std::vector<uint32_t> indices;
  encoder.Put(testing::MakeBytesColumn({"a", "b"}), 0, 2, &indices);
  encoder.Reset();
  EXPECT_EQ(encoder.num_entries(), 0);
  EXPECT_EQ(encoder.plain_size(), 0);
  indices.clear();
  encoder.Put(testing::MakeBytesColumn({"b", "c", "b"}), 0, 3, &indices);
  EXPECT_EQ(indices, (std::vector<uint32_t>{0, 1, 0}));
}

TEST(DictionaryEncoderTest, IndexPageOfSingleEntryUsesWidthZero) {
  const std::vector<uint32_t> indices(1000, 0);
  std::string body;
  EncodeDictionaryIndices(indices.data(), 1000, 0, &body);
  // Width byte 0, then one repeated run of 1000 (ULEB128(2000) = D0 0F) with no value bytes.
  EXPECT_EQ(body, std::string("\x00\xD0\x0F", 3));
}

}  // namespace
}  // namespace sluice::parquet

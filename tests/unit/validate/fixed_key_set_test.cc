// FixedKeySet (unique checks on keys of <= 8 bytes) and FixedKeyCodec: exact duplicate counts
// against a std::unordered_map ground truth under budgets that force many spills, row keys of
// reported duplicates, dense ids compressing to one run, and codec round trips.
#include "validate/fixed_key_set.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <unordered_map>

#include "validate/fixed_key_codec.h"

namespace sluice::validate {
namespace {

struct Seen {
  int64_t count = 0;
  std::vector<uint64_t> keys;
  std::vector<std::string> rows;
  std::vector<uint32_t> tags;
  FixedKeySet::OnDuplicate Callback() {
    return [this](uint64_t key, const FixedKeySet::RowKey* row) {
      ++count;
      keys.push_back(key);
      rows.push_back(row == nullptr ? "?" : row->null ? "NULL" : std::string(row->bytes));
      tags.push_back(row == nullptr ? 0 : row->tag);
    };
  }
};

// Row keys in the arena layout FixedKeySet::Add() reads: [u32 length][bytes].
struct Rows {
  std::vector<uint64_t> offsets;
  std::string arena;
  void Add(const std::string& key) {
    offsets.push_back(arena.size());
    auto length = static_cast<uint32_t>(key.size());
    arena.append(reinterpret_cast<const char*>(&length), 4);
    arena += key;
  }
  void AddNull() {
    offsets.push_back(arena.size());
    uint32_t length = 0xFFFFFFFFu;
    arena.append(reinterpret_cast<const char*>(&length), 4);
  }
};

TEST(FixedKeySetTest, DenseIdsBecomeOneRunInAFewBytes) {
  FixedKeySet set("", /*with_rows=*/false);
  set.set_memory_limit(1 << 20);
  Seen seen;
  // 2M ids in 4 chunks committed out of order (as with --jobs 2), each in key order.
  for (int64_t chunk : {1, 0, 3, 2}) {
    std::vector<uint64_t> keys;
    for (int64_t id = chunk * 500'000 + 1; id <= (chunk + 1) * 500'000; ++id) keys.push_back(id);
    ASSERT_TRUE(set.Add(keys.data(), keys.size(), nullptr, {}, 0, seen.Callback()).ok());
  }
  auto found = set.Finish(seen.Callback(), 5);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(set.duplicates(), 0);
  EXPECT_EQ(set.memory_runs(), 1);
  EXPECT_EQ(set.runs(), 0);
  EXPECT_LE(set.peak_memory_bytes(), 1 << 20);
}

TEST(FixedKeySetTest, ExactCountsUnderEveryBudget) {
  std::mt19937_64 rng(7);
  // 300,000 keys from 200,000 random 64-bit values (and a dense block), in uneven batches.
  std::vector<uint64_t> values;
  for (int idx = 0; idx < 150'000; ++idx) values.push_back(rng());
  for (uint64_t idx = 0; idx < 50'000; ++idx) values.push_back(1'000'000 + idx);
  values.push_back(0);
  values.push_back(UINT64_MAX);
  std::vector<uint64_t> input;
  for (int idx = 0; idx < 300'000; ++idx) input.push_back(values[rng() % values.size()]);
  std::unordered_map<uint64_t, int64_t> truth;
  int64_t expected = 0;
  for (uint64_t key : input) expected += truth[key]++ > 0 ? 1 : 0;

  for (int64_t limit : {int64_t{0}, int64_t{256} << 10, int64_t{32} << 10}) {
    FixedKeySet set("", /*with_rows=*/false);
    set.set_memory_limit(limit);
    Seen seen;
    size_t pos = 0;
    for (size_t size = 1; pos < input.size(); size = size * 3 + 1) {
      size_t take = std::min(size % 40'000 + 1, input.size() - pos);
      Status added = set.Add(input.data() + pos, take, nullptr, {}, 0, seen.Callback());
      ASSERT_TRUE(added.ok()) << added.ToString();
      pos += take;
    }
    auto found = set.Finish(seen.Callback(), 1'000'000'000);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    EXPECT_EQ(set.duplicates(), expected) << "limit " << limit;
    EXPECT_EQ(seen.count, expected) << "limit " << limit;
    for (uint64_t key : seen.keys) EXPECT_GT(truth[key], 1);
    if (limit == 0) {
      EXPECT_EQ(set.runs(), 0);
    } else {
      EXPECT_GT(set.runs(), 2) << "limit " << limit;
      // The budget, plus one spill file buffer while a merge writes to disk, plus the final
      // sweep's read buffers (a share of the budget each, at least 4 KiB).
      EXPECT_LE(set.peak_memory_bytes(), limit + (64 << 10) + set.runs() * (4 << 10))
          << "limit " << limit;
    }
  }
}

TEST(FixedKeySetTest, DuplicatesCarryTheLaterRowAndItsTag) {
  FixedKeySet set("", /*with_rows=*/true);
  Seen seen;
  Rows first;
  first.Add("a1");
  first.Add("a2");
  first.AddNull();
  std::vector<uint64_t> first_keys = {30, 10, 20};
  ASSERT_TRUE(
      set.Add(first_keys.data(), 3, first.offsets.data(), first.arena, 1, seen.Callback()).ok());
  Rows second;
  second.Add("b1");
  second.Add("b2");
  second.Add("b3");
  std::vector<uint64_t> second_keys = {10, 40, 20};  // 10 and 20 repeat keys of the first call
  ASSERT_TRUE(
      set.Add(second_keys.data(), 3, second.offsets.data(), second.arena, 2, seen.Callback()).ok());
  auto found = set.Finish(seen.Callback(), 5);
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(seen.count, 2);
  EXPECT_EQ(seen.keys, (std::vector<uint64_t>{10, 20}));
  EXPECT_EQ(seen.rows, (std::vector<std::string>{"b1", "b3"}));
  EXPECT_EQ(seen.tags, (std::vector<uint32_t>{2, 2}));
}

TEST(FixedKeySetTest, SpilledDuplicatesAreCountedWithoutRows) {
  FixedKeySet set("", /*with_rows=*/true);
  set.set_memory_limit(16 << 10);
  Seen seen;
  std::mt19937_64 rng(3);
  std::vector<uint64_t> keys;
  Rows rows;
  for (int idx = 0; idx < 20'000; ++idx) {
    keys.push_back(rng());
    rows.Add("r" + std::to_string(idx));
  }
  // The same keys again: every one a duplicate, most found only in the final sweep.
  ASSERT_TRUE(
      set.Add(keys.data(), keys.size(), rows.offsets.data(), rows.arena, 0, seen.Callback()).ok());
  ASSERT_TRUE(
      set.Add(keys.data(), keys.size(), rows.offsets.data(), rows.arena, 1, seen.Callback()).ok());
  auto found = set.Finish(seen.Callback(), 3);
  ASSERT_TRUE(found.ok());
  EXPECT_GT(set.runs(), 2);
  EXPECT_EQ(set.duplicates(), 20'000);
  EXPECT_LT(seen.count, 20'000);  // at most 3 reported from the sweep
  EXPECT_EQ(std::count(seen.rows.begin(), seen.rows.end(), "?"), 3);
}

TEST(FixedKeyCodecTest, RoundTripsAndKeepsIdsConsecutiveAcrossZero) {
  Schema schema{
      {ColumnSchema{"i64", PhysicalType::kInt64, 0, true, LogicalType::None()},
       ColumnSchema{"i32", PhysicalType::kInt32, 0, true, LogicalType::Date()},
       ColumnSchema{"d", PhysicalType::kDouble, 0, true, LogicalType::None()},
       ColumnSchema{"s", PhysicalType::kByteArray, 0, true, LogicalType::String()},
       ColumnSchema{"u", PhysicalType::kInt64, 0, true, LogicalType::Integer(64, false)}}};
  ColumnBatch batch(schema);
  const int64_t i64[] = {-1, 0, 1, INT64_MIN, INT64_MAX};
  const int32_t i32[] = {-1, 0, 1, INT32_MIN, INT32_MAX};
  const double d[] = {-0.0, 0.0, 1.5, -2.25, 1e300};
  for (int row = 0; row < 5; ++row) {
    batch.column(0).Append<int64_t>(i64[row]);
    batch.column(1).Append<int32_t>(i32[row]);
    batch.column(2).Append<double>(d[row]);
    batch.column(3).AppendBytes("x");
    batch.column(4).Append<uint64_t>(static_cast<uint64_t>(i64[row]));
  }
  EXPECT_FALSE(FixedKeyCodec::Make(schema, {3}).has_value());     // a string
  EXPECT_FALSE(FixedKeyCodec::Make(schema, {0, 1}).has_value());  // 12 bytes
  for (int column : {0, 1, 4}) {
    auto codec = FixedKeyCodec::Make(schema, {column});
    ASSERT_TRUE(codec.has_value());
    const int width = batch.column(column).width();
    for (int row = 0; row < 5; ++row) {
      std::string raw = codec->Decode(codec->Encode(batch, row));
      EXPECT_EQ(raw, std::string(reinterpret_cast<const char*>(batch.column(column).FixedAt(row)),
                                 static_cast<size_t>(width)))
          << "column " << column << " row " << row;
    }
  }
  for (int column : {0, 1}) {  // signed: -1, 0, 1 encode to consecutive keys
    auto codec = FixedKeyCodec::Make(schema, {column});
    EXPECT_EQ(codec->Encode(batch, 1), codec->Encode(batch, 0) + 1);
    EXPECT_EQ(codec->Encode(batch, 2), codec->Encode(batch, 1) + 1);
  }
  auto doubles = FixedKeyCodec::Make(schema, {2});
  EXPECT_EQ(doubles->Encode(batch, 0), doubles->Encode(batch, 1));  // -0.0 == 0.0
  auto pair = FixedKeyCodec::Make(schema, {1, 1});                  // two INT32 parts side by side
  ASSERT_TRUE(pair.has_value());
  std::string raw = pair->Decode(pair->Encode(batch, 3));
  ASSERT_EQ(raw.size(), 8u);
  int32_t parts[2];
  std::memcpy(parts, raw.data(), 8);
  EXPECT_EQ(parts[0], INT32_MIN);
  EXPECT_EQ(parts[1], INT32_MIN);
}

}  // namespace
}  // namespace sluice::validate

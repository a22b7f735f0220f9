#include "source/partitioner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace sluice::source {
namespace {

// A KeyProbe over an in-memory sorted key list (duplicates allowed), counting probe calls.
class FakeProbe : public KeyProbe {
 public:
  explicit FakeProbe(std::vector<int64_t> keys, int64_t nulls = 0)
      : keys_(std::move(keys)), nulls_(nulls) {
    std::sort(keys_.begin(), keys_.end());
  }
  Result<std::optional<std::pair<int64_t, int64_t>>> MinMax() override {
    ++calls;
    if (keys_.empty()) return std::optional<std::pair<int64_t, int64_t>>();
    return std::optional(std::make_pair(keys_.front(), keys_.back()));
  }
  Result<bool> HasNullKeys() override { return nulls_ > 0; }
  Result<std::optional<int64_t>> NextKeyAtOrAfter(int64_t from) override {
    ++calls;
    auto it = std::lower_bound(keys_.begin(), keys_.end(), from);
    if (it == keys_.end()) return std::optional<int64_t>();
    return std::optional<int64_t>(*it);
  }
  Result<std::optional<int64_t>> KeyAtOffset(int64_t from, int64_t offset) override {
    ++calls;
    auto it = std::lower_bound(keys_.begin(), keys_.end(), from);
    if (keys_.end() - it <= offset) return std::optional<int64_t>();
    return std::optional<int64_t>(*(it + offset));
  }
  // Rows whose key is in the range.
  int64_t Count(const KeyRange& range) const {
    return std::upper_bound(keys_.begin(), keys_.end(), range.hi) -
           std::lower_bound(keys_.begin(), keys_.end(), range.lo);
  }
  const std::vector<int64_t>& keys() const { return keys_; }
  int calls = 0;

 private:
  std::vector<int64_t> keys_;
  int64_t nulls_;
};

// Every key is in exactly one range and ranges are ordered and disjoint.
void ExpectCoversExactly(const FakeProbe& probe, const std::vector<KeyRange>& ranges) {
  int64_t total = 0;
  for (size_t idx = 0; idx < ranges.size(); ++idx) {
    if (ranges[idx].null_keys) continue;
    EXPECT_LE(ranges[idx].lo, ranges[idx].hi);
    if (idx > 0 && !ranges[idx - 1].null_keys) {
      EXPECT_LT(ranges[idx - 1].hi, ranges[idx].lo);
    }
    total += probe.Count(ranges[idx]);
  }
  EXPECT_EQ(total, static_cast<int64_t>(probe.keys().size()));
}

TEST(PartitionerTest, RangeModeFixedWidthFromMin) {
  std::vector<int64_t> keys;
  for (int64_t key = 5; key <= 104; ++key) keys.push_back(key);
  FakeProbe probe(keys);
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kRange, .chunk_keys = 25});
  ASSERT_TRUE(ranges.ok()) << ranges.status().ToString();
  ASSERT_EQ(ranges->size(), 4u);
  EXPECT_EQ((*ranges)[0], (KeyRange{5, 29, false}));
  EXPECT_EQ((*ranges)[3], (KeyRange{80, 104, false}));
  ExpectCoversExactly(probe, *ranges);
}

TEST(PartitionerTest, RangeModeSkipsLargeGapsWithoutEmptyChunks) {
  FakeProbe probe({1, 2, 3, 1'000'000'000'005, 1'000'000'000'006, 9'000'000'000'000'000'000});
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kRange, .chunk_keys = 10});
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 3u);
  // Windows stay aligned to MIN + k * width.
  EXPECT_EQ((*ranges)[1], (KeyRange{1'000'000'000'001, 1'000'000'000'010, false}));
  EXPECT_EQ((*ranges)[2].hi, 9'000'000'000'000'000'000);
  ExpectCoversExactly(probe, *ranges);
  EXPECT_LT(probe.calls, 10);
}

TEST(PartitionerTest, RangeModeNearInt64MaxDoesNotOverflow) {
  const int64_t max = std::numeric_limits<int64_t>::max();
  FakeProbe probe({max - 5, max - 1, max});
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kRange, .chunk_keys = 1000});
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 1u);
  EXPECT_EQ((*ranges)[0], (KeyRange{max - 5, max, false}));
}

TEST(PartitionerTest, BalancedSplitsHotSpotsAndMergesSparseStretches) {
  std::vector<int64_t> keys;
  for (int64_t key = 1; key <= 100; ++key) keys.push_back(key * 1000);  // sparse
  for (int64_t key = 200'000; key < 200'050; ++key) {
    for (int rep = 0; rep < 20; ++rep) keys.push_back(key);  // dense hot stretch: 1,000 rows
  }
  FakeProbe probe(keys);
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kBalanced, .chunk_rows = 100});
  ASSERT_TRUE(ranges.ok());
  ExpectCoversExactly(probe, *ranges);
  for (const auto& range : *ranges) EXPECT_LE(probe.Count(range), 100) << range.lo;
  // 100 sparse keys fit one chunk; the 1,000 hot rows need at least 10.
  EXPECT_EQ((*ranges)[0], (KeyRange{1000, 199'999, false}));
  EXPECT_GE(ranges->size(), 11u);
  EXPECT_LE(ranges->size(), 13u);
}

TEST(PartitionerTest, BalancedSingleHotKeyIsOneChunk) {
  std::vector<int64_t> keys = {1, 2, 3};
  for (int rep = 0; rep < 500; ++rep) keys.push_back(7);
  keys.push_back(8);
  keys.push_back(9);
  FakeProbe probe(keys);
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kBalanced, .chunk_rows = 10});
  ASSERT_TRUE(ranges.ok());
  ExpectCoversExactly(probe, *ranges);
  bool found = false;
  for (const auto& range : *ranges) {
    if (range.lo == 7 && range.hi == 7) found = true;
    EXPECT_TRUE(range.lo > 7 || range.hi < 7 || (range.lo == 7 && range.hi == 7));
  }
  EXPECT_TRUE(found);
}

TEST(PartitionerTest, EmptyTableHasNoChunks) {
  FakeProbe probe({});
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kBalanced, .chunk_rows = 10});
  ASSERT_TRUE(ranges.ok());
  EXPECT_TRUE(ranges->empty());
}

TEST(PartitionerTest, NullKeysGetTheirOwnChunk) {
  FakeProbe probe({1, 2}, /*nulls=*/3);
  auto ranges = PlanRanges(&probe, {.mode = PartitionMode::kBalanced, .chunk_rows = 10});
  ASSERT_TRUE(ranges.ok());
  ASSERT_EQ(ranges->size(), 2u);
  EXPECT_TRUE(ranges->back().null_keys);
}

TEST(PartitionerTest, RejectsNonPositiveSizes) {
  FakeProbe probe({1});
  EXPECT_FALSE(PlanRanges(&probe, {.mode = PartitionMode::kRange, .chunk_keys = 0}).ok());
  EXPECT_FALSE(PlanRanges(&probe, {.mode = PartitionMode::kBalanced, .chunk_rows = 0}).ok());
  EXPECT_FALSE(ParsePartitionMode("fast").ok());
}

}  // namespace
}  // namespace sluice::source

// Canonical text of temporal values at the edges of int64 (the reader prints whatever a file
// holds, so every int64 must format without overflow).
#include "common/value_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace sluice {
namespace {

TEST(ValueFormatTest, TimestampsFormatNearTheEpochBothWays) {
  EXPECT_EQ(FormatTimestamp(0, TimeUnit::kMicros), "1970-01-01T00:00:00.000000");
  EXPECT_EQ(FormatTimestamp(-1, TimeUnit::kMicros), "1969-12-31T23:59:59.999999");
  EXPECT_EQ(FormatTimestamp(1'500, TimeUnit::kMillis), "1970-01-01T00:00:01.500");
}

TEST(ValueFormatTest, Int64ExtremesDoNotOverflow) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  for (TimeUnit unit : {TimeUnit::kMillis, TimeUnit::kMicros, TimeUnit::kNanos}) {
    EXPECT_FALSE(FormatTimestamp(kMin, unit).empty());
    EXPECT_FALSE(FormatTimestamp(kMax, unit).empty());
    EXPECT_FALSE(FormatTime(kMin, unit).empty());
    EXPECT_FALSE(FormatTime(kMax, unit).empty());
  }
  // The first value below INT64_MIN's whole second keeps its fraction.
  EXPECT_TRUE(FormatTimestamp(kMin, TimeUnit::kMicros).ends_with(".224192"))
      << FormatTimestamp(kMin, TimeUnit::kMicros);
}

}  // namespace
}  // namespace sluice

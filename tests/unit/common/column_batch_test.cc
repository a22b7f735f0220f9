#include "sluice/column_batch.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

TEST(ColumnVectorTest, FixedWidthWithNulls) {
  ColumnVector col(PhysicalType::kInt64, 0);
  col.Append<int64_t>(1);
  col.Append<int64_t>(2);
  col.AppendNull();
  col.Append<int64_t>(-5);
  ASSERT_EQ(col.size(), 4);
  EXPECT_EQ(col.null_count(), 1);
  EXPECT_TRUE(col.IsValid(0));
  EXPECT_TRUE(col.IsValid(1));
  EXPECT_FALSE(col.IsValid(2));
  EXPECT_TRUE(col.IsValid(3));
  EXPECT_EQ(col.Get<int64_t>(3), -5);
}

TEST(ColumnVectorTest, ByteArrays) {
  ColumnVector col(PhysicalType::kByteArray, 0);
  col.Clear();
  col.AppendBytes("héllo");
  col.AppendNull();
  col.AppendBytes("");
  for (int row = 0; row < 20; ++row) col.AppendBytes("x");
  ASSERT_EQ(col.size(), 23);
  EXPECT_EQ(col.BytesAt(0), "héllo");
  EXPECT_FALSE(col.IsValid(1));
  EXPECT_EQ(col.BytesAt(1), "");
  EXPECT_TRUE(col.IsValid(2));
  EXPECT_TRUE(col.IsValid(22));
  EXPECT_EQ(col.BytesAt(22), "x");
}

TEST(ColumnBatchTest, FollowsSchema) {
  Schema schema;
  schema.columns.push_back({.name = "id", .physical = PhysicalType::kInt64, .nullable = false});
  schema.columns.push_back(
      {.name = "name", .physical = PhysicalType::kByteArray, .logical = LogicalType::String()});
  ColumnBatch batch(schema);
  batch.column(0).Append<int64_t>(7);
  batch.column(1).AppendBytes("seven");
  EXPECT_EQ(batch.num_rows(), 1);
  EXPECT_EQ(schema.FindColumn("name"), 1);
  EXPECT_EQ(schema.Hash().size(), 16u);
  EXPECT_EQ(DescribeType(schema.columns[1]), "BYTE_ARRAY STRING");
}

}  // namespace
}  // namespace sluice

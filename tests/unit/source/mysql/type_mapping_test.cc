#include "source/mysql/type_mapping.h"

#include <gtest/gtest.h>

#include "source/mysql/value_converter.h"

namespace sluice::mysql {
namespace {

SourceColumn Col(std::string data_type, std::string column_type, bool is_unsigned = false,
                 int precision = 0, int scale = 0) {
  SourceColumn column;
  column.name = "c";
  column.data_type = std::move(data_type);
  column.column_type = std::move(column_type);
  column.is_unsigned = is_unsigned;
  column.precision = precision;
  column.scale = scale;
  column.nullable = false;
  return column;
}

std::string Describe(const SourceColumn& column, MappingOptions options = {}) {
  auto plan = MapColumn("t", column, options);
  if (!plan.ok()) return plan.status().ToString();
  return DescribeType(plan->schema);
}

TEST(TypeMappingTest, Integers) {
  EXPECT_EQ(Describe(Col("tinyint", "tinyint(4)")), "INT32 INT(8)");
  EXPECT_EQ(Describe(Col("tinyint", "tinyint(3) unsigned", true)), "INT32 UINT(8)");
  EXPECT_EQ(Describe(Col("smallint", "smallint(6)")), "INT32 INT(16)");
  EXPECT_EQ(Describe(Col("mediumint", "mediumint(8) unsigned", true)), "INT32 UINT(32)");
  EXPECT_EQ(Describe(Col("int", "int(10) unsigned", true)), "INT32 UINT(32)");
  EXPECT_EQ(Describe(Col("bigint", "bigint(20)")), "INT64 INT(64)");
  EXPECT_EQ(Describe(Col("bigint", "bigint(20) unsigned", true)), "INT64 UINT(64)");
}

TEST(TypeMappingTest, Tinyint1StaysIntegerUnlessAsked) {
  EXPECT_EQ(Describe(Col("tinyint", "tinyint(1)")), "INT32 INT(8)");
  MappingOptions options;
  options.tinyint1_as_bool = true;
  EXPECT_EQ(Describe(Col("tinyint", "tinyint(1)"), options), "BOOLEAN");
  EXPECT_EQ(Describe(Col("tinyint", "tinyint(4)"), options), "INT32 INT(8)");
}

TEST(TypeMappingTest, Decimals) {
  EXPECT_EQ(Describe(Col("decimal", "decimal(9,2)", false, 9, 2)), "INT32 DECIMAL(9,2)");
  EXPECT_EQ(Describe(Col("decimal", "decimal(18,4)", false, 18, 4)), "INT64 DECIMAL(18,4)");
  EXPECT_EQ(Describe(Col("decimal", "decimal(38,10)", false, 38, 10)),
            "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10)");
  EXPECT_EQ(Describe(Col("decimal", "decimal(20,0)", false, 20, 0)),
            "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0)");
  auto wide = MapColumn("t", Col("decimal", "decimal(65,30)", false, 65, 30), {});
  ASSERT_FALSE(wide.ok());
  EXPECT_EQ(wide.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(wide.status().message().find("t.c"), std::string::npos);
}

TEST(TypeMappingTest, TemporalAndOthers) {
  EXPECT_EQ(Describe(Col("date", "date")), "INT32 DATE");
  EXPECT_EQ(Describe(Col("datetime", "datetime(6)")), "INT64 TIMESTAMP(MICROS,LOCAL)");
  EXPECT_EQ(Describe(Col("timestamp", "timestamp")), "INT64 TIMESTAMP(MICROS,UTC)");
  EXPECT_EQ(Describe(Col("time", "time(6)")), "INT64 INT(64)");
  EXPECT_EQ(Describe(Col("year", "year(4)")), "INT32 UINT(16)");
  EXPECT_EQ(Describe(Col("bit", "bit(1)", false, 1)), "BOOLEAN");
  EXPECT_EQ(Describe(Col("bit", "bit(12)", false, 12)), "INT64 UINT(64)");
  EXPECT_EQ(Describe(Col("varchar", "varchar(10)")), "BYTE_ARRAY STRING");
  EXPECT_EQ(Describe(Col("set", "set('a','b')")), "BYTE_ARRAY STRING");
  EXPECT_EQ(Describe(Col("enum", "enum('a','b')")), "BYTE_ARRAY ENUM");
  EXPECT_EQ(Describe(Col("json", "json")), "BYTE_ARRAY JSON");
  SourceColumn maria_json = Col("longtext", "longtext");
  maria_json.is_json = true;
  EXPECT_EQ(Describe(maria_json), "BYTE_ARRAY JSON");
  EXPECT_EQ(Describe(Col("longblob", "longblob")), "BYTE_ARRAY");
  // Zero dates become NULL, so temporal columns are OPTIONAL even when NOT NULL.
  EXPECT_TRUE(MapColumn("t", Col("date", "date"), {})->schema.nullable);
  EXPECT_FALSE(MapColumn("t", Col("int", "int(11)"), {})->schema.nullable);
}

TEST(TypeMappingTest, UnsupportedTypeNamesTableColumnAndType) {
  auto plan = MapColumn("db.shapes", Col("geometry", "point"), {});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(plan.status().message().find("db.shapes.c"), std::string::npos);
  EXPECT_NE(plan.status().message().find("point"), std::string::npos);
}

TEST(TypeMappingTest, CastsOverrideAndParseStrictly) {
  MappingOptions options;
  ASSERT_TRUE(ParseCastSpecs({"c=decimal(10,2)"}, &options.casts).ok());
  auto plan = MapColumn("t", Col("varchar", "varchar(20)"), options);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_EQ(DescribeType(plan->schema), "INT64 DECIMAL(10,2)");
  EXPECT_TRUE(plan->from_text);
  ColumnVector out(plan->schema.physical, 0);
  out.Clear();
  ConvertStats stats;
  ASSERT_TRUE(AppendTextValue(*plan, "12.5", &out, &stats, {}).ok());
  EXPECT_EQ(out.Get<int64_t>(0), 1250);
  Status bad = AppendTextValue(*plan, "12,5", &out, &stats, {});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("column c"), std::string::npos);

  EXPECT_FALSE(ParseCastSpecs({"nocolumn"}, &options.casts).ok());
  MappingOptions unknown;
  unknown.casts["c"] = "money";
  EXPECT_FALSE(MapColumn("t", Col("varchar", "varchar(20)"), unknown).ok());
  MappingOptions missing;
  missing.casts["zz"] = "string";
  EXPECT_EQ(MapColumns("t", {Col("varchar", "varchar(20)")}, missing).status().code(),
            StatusCode::kNotFound);
}

TEST(TypeMappingTest, ZeroDatesBecomeNullOrFailWhenStrict) {
  auto plan = MapColumn("t", Col("date", "date"), {});
  ColumnVector out(plan->schema.physical, 0);
  out.Clear();
  ConvertStats stats;
  ASSERT_TRUE(AppendTextValue(*plan, "0000-00-00", &out, &stats, {}).ok());
  EXPECT_EQ(stats.zero_dates, 1);
  EXPECT_FALSE(out.IsValid(0));
  EXPECT_FALSE(AppendTextValue(*plan, "0000-00-00", &out, &stats, {.strict = true}).ok());
}

TEST(TypeMappingTest, IntegerRangeChecks) {
  auto plan = MapColumn("t", Col("int", "int(10) unsigned", true), {});
  ColumnVector out(plan->schema.physical, 0);
  out.Clear();
  ASSERT_TRUE(AppendIntegerValue(*plan, 4294967295u, true, &out).ok());
  EXPECT_EQ(out.Get<uint32_t>(0), 4294967295u);
  EXPECT_FALSE(AppendIntegerValue(*plan, 4294967296u, true, &out).ok());
  auto big = MapColumn("t", Col("bigint", "bigint unsigned", true), {});
  ColumnVector out64(big->schema.physical, 0);
  out64.Clear();
  ASSERT_TRUE(AppendIntegerValue(*big, UINT64_MAX, true, &out64).ok());
  EXPECT_EQ(out64.Get<uint64_t>(0), UINT64_MAX);
  // Key ordinals keep unsigned order across the sign bit.
  ASSERT_TRUE(AppendIntegerValue(*big, 1, true, &out64).ok());
  EXPECT_GT(*KeyOrdinalAt(*big, out64, 0), *KeyOrdinalAt(*big, out64, 1));
}

}  // namespace
}  // namespace sluice::mysql

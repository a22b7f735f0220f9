// Interoperability: parses the footer of a Parquet file written by DuckDB 1.5.6
// (tests/data/parquet/golden/duckdb_types.parquet) and checks the facts DuckDB wrote, as also
// printed by hyparquet (`pqcheck footer`). The file was produced with `pqcheck sql` running:
//
//   COPY (SELECT * FROM (VALUES
//    (1::INT, 10000000000::BIGINT, 'alpha'::VARCHAR, 12345.67::DECIMAL(18,2),
//     12345678901234567.0123456789::DECIMAL(38,10), DATE '2024-02-29',
//     TIMESTAMP '2024-02-29 23:59:59.123456', TIMESTAMPTZ '2024-02-29 23:59:59.123456+00',
//     true, 3.5::DOUBLE, '\x00\xFF'::BLOB),
//    (NULL, -1::BIGINT, NULL, -0.01::DECIMAL(18,2), NULL, NULL, TIMESTAMP '1970-01-01 00:00:00',
//     NULL, false, NULL, NULL),
//    ((-2147483648)::INT, NULL, '', NULL, -1.5::DECIMAL(38,10), DATE '1970-01-01', NULL,
//     TIMESTAMPTZ '2000-01-01 00:00:00+00', NULL, -0.0::DOUBLE, ''::BLOB)
//   ) AS t(i, bi, s, d18, d38, dt, ts, tstz, b, f64, bl))
//   TO '/tmp/duckdb_types.parquet' (FORMAT PARQUET)
//
// thrift_interop_test (label integration) lets DuckDB write a fresh file when PQCHECK is set.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "format/parquet/thrift/file_metadata.h"

namespace sluice::parquet {
namespace {

using Which = LogicalTypeUnion::Which;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Footer layout: ... FileMetaData | 4-byte little-endian length | "PAR1".
Result<FileMetaData> ParseFooter(const std::string& file) {
  constexpr size_t kTailSize = 8;  // footer length (4) + magic (4)
  if (file.size() < kTailSize + 4 || file.compare(file.size() - 4, 4, "PAR1") != 0) {
    return Status::Corruption("not a Parquet file");
  }
  const auto* tail = reinterpret_cast<const uint8_t*>(file.data() + file.size() - kTailSize);
  const uint32_t footer_len =
      static_cast<uint32_t>(tail[0]) | (static_cast<uint32_t>(tail[1]) << 8) |
      (static_cast<uint32_t>(tail[2]) << 16) | (static_cast<uint32_t>(tail[3]) << 24);
  if (footer_len > file.size() - kTailSize) return Status::Corruption("footer length too big");
  const size_t footer_start = file.size() - kTailSize - footer_len;
  return ParseFileMetaData(reinterpret_cast<const uint8_t*>(file.data() + footer_start), footer_len,
                           static_cast<int64_t>(footer_start));
}

std::string Le32(int32_t value) {
  std::string out(4, '\0');
  std::memcpy(out.data(), &value, 4);  // test hosts are little-endian like the format
  return out;
}

TEST(DuckDbGoldenTest, FooterFacts) {
  const std::string file =
      ReadFile(std::string(SLUICE_TEST_DATA_DIR) + "/parquet/golden/duckdb_types.parquet");
  ASSERT_FALSE(file.empty());
  Result<FileMetaData> parsed = ParseFooter(file);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const FileMetaData& meta = *parsed;

  EXPECT_EQ(meta.version, 1);
  EXPECT_EQ(meta.num_rows, 3);
  ASSERT_TRUE(meta.created_by.has_value());
  EXPECT_EQ(meta.created_by->rfind("DuckDB version v1.5.6", 0), 0u) << *meta.created_by;

  ASSERT_EQ(meta.schema.size(), 12u);
  EXPECT_EQ(meta.schema[0].name, "duckdb_schema");
  EXPECT_EQ(meta.schema[0].num_children, 11);
  EXPECT_FALSE(meta.schema[0].type.has_value());

  struct Expected {
    const char* name;
    Type type;
    std::optional<ConvertedType> converted;
  };
  const Expected expected[] = {
      {"i", Type::INT32, ConvertedType::INT_32},
      {"bi", Type::INT64, ConvertedType::INT_64},
      {"s", Type::BYTE_ARRAY, ConvertedType::UTF8},
      {"d18", Type::INT64, ConvertedType::DECIMAL},
      {"d38", Type::FIXED_LEN_BYTE_ARRAY, ConvertedType::DECIMAL},
      {"dt", Type::INT32, ConvertedType::DATE},
      {"ts", Type::INT64, ConvertedType::TIMESTAMP_MICROS},
      {"tstz", Type::INT64, ConvertedType::TIMESTAMP_MICROS},
      {"b", Type::BOOLEAN, std::nullopt},
      {"f64", Type::DOUBLE, std::nullopt},
      {"bl", Type::BYTE_ARRAY, std::nullopt},
  };
  for (size_t col_idx = 0; col_idx < std::size(expected); ++col_idx) {
    const SchemaElement& element = meta.schema[col_idx + 1];
    SCOPED_TRACE(element.name);
    EXPECT_EQ(element.name, expected[col_idx].name);
    EXPECT_EQ(element.type, expected[col_idx].type);
    EXPECT_EQ(element.converted_type, expected[col_idx].converted);
    EXPECT_EQ(element.repetition_type, FieldRepetitionType::OPTIONAL);
    EXPECT_FALSE(element.num_children.has_value());
  }

  // DECIMAL(18,2) as INT64 and DECIMAL(38,10) as a 16-byte FLBA, with both annotations.
  const SchemaElement& d18 = meta.schema[4];
  EXPECT_EQ(d18.scale, 2);
  EXPECT_EQ(d18.precision, 18);
  ASSERT_TRUE(d18.logical_type.has_value());
  EXPECT_EQ(d18.logical_type->which, Which::DECIMAL);
  EXPECT_EQ(d18.logical_type->decimal_scale, 2);
  EXPECT_EQ(d18.logical_type->decimal_precision, 18);
  const SchemaElement& d38 = meta.schema[5];
  EXPECT_EQ(d38.type_length, 16);
  ASSERT_TRUE(d38.logical_type.has_value());
  EXPECT_EQ(d38.logical_type->decimal_scale, 10);
  EXPECT_EQ(d38.logical_type->decimal_precision, 38);

  // TIMESTAMP(MICROS) without and with isAdjustedToUTC.
  for (size_t schema_idx : {size_t{7}, size_t{8}}) {
    const SchemaElement& ts = meta.schema[schema_idx];
    ASSERT_TRUE(ts.logical_type.has_value()) << ts.name;
    EXPECT_EQ(ts.logical_type->which, Which::TIMESTAMP);
    EXPECT_EQ(ts.logical_type->time_unit, 2);  // MICROS
    EXPECT_EQ(ts.logical_type->is_adjusted_to_utc, schema_idx == 8);
  }
  // DuckDB writes only converted types for these.
  EXPECT_FALSE(meta.schema[1].logical_type.has_value());
  EXPECT_FALSE(meta.schema[3].logical_type.has_value());
  EXPECT_FALSE(meta.schema[6].logical_type.has_value());

  ASSERT_EQ(meta.row_groups.size(), 1u);
  const RowGroup& group = meta.row_groups[0];
  EXPECT_EQ(group.num_rows, 3);
  EXPECT_EQ(group.total_byte_size, 747);
  EXPECT_EQ(group.file_offset, 4);
  EXPECT_EQ(group.total_compressed_size, 469);
  ASSERT_EQ(group.columns.size(), 11u);
  int64_t previous_offset = 0;
  for (size_t col_idx = 0; col_idx < group.columns.size(); ++col_idx) {
    const ColumnChunk& chunk = group.columns[col_idx];
    ASSERT_TRUE(chunk.meta_data.has_value());
    const ColumnMetaData& cmd = *chunk.meta_data;
    SCOPED_TRACE(expected[col_idx].name);
    EXPECT_EQ(cmd.type, expected[col_idx].type);
    EXPECT_EQ(cmd.path_in_schema, std::vector<std::string>{expected[col_idx].name});
    EXPECT_EQ(cmd.codec, CompressionCodec::SNAPPY);
    EXPECT_EQ(cmd.num_values, 3);
    EXPECT_EQ(cmd.encodings, std::vector<Encoding>{Encoding::PLAIN});
    EXPECT_GT(cmd.data_page_offset, previous_offset);
    previous_offset = cmd.data_page_offset;
    ASSERT_TRUE(cmd.statistics.has_value());
    EXPECT_EQ(cmd.statistics->null_count, 1);  // every column has exactly one NULL
    EXPECT_EQ(cmd.statistics->is_max_value_exact, true);
  }
  EXPECT_EQ(group.columns[0].meta_data->data_page_offset, 4);
  const Statistics& int_stats = *group.columns[0].meta_data->statistics;
  EXPECT_EQ(int_stats.min_value, Le32(INT32_MIN));
  EXPECT_EQ(int_stats.max_value, Le32(1));
  const Statistics& string_stats = *group.columns[2].meta_data->statistics;
  EXPECT_EQ(string_stats.min_value, "");
  EXPECT_EQ(string_stats.max_value, "alpha");
  const Statistics& blob_stats = *group.columns[10].meta_data->statistics;
  EXPECT_EQ(blob_stats.max_value, std::string("\x00\xff", 2));
}

}  // namespace
}  // namespace sluice::parquet

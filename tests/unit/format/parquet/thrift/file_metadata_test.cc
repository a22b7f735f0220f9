// Tests of the Parquet footer / page header / page index (de)serialisation: round trips with all
// optional fields set and unset, unknown-field skipping, required-field checks and corrupt input.

#include "format/parquet/thrift/file_metadata.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "format/parquet/thrift/compact_writer.h"

namespace sluice::parquet {
namespace {

using thrift::CompactType;
using thrift::CompactWriter;
using Which = LogicalTypeUnion::Which;

const uint8_t* Data(const std::string& bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}

Statistics FullStatistics() {
  Statistics stats;
  stats.max = std::string("\xff\x00", 2);
  stats.min = "";
  stats.null_count = 7;
  stats.distinct_count = 0;
  stats.max_value = "zz";
  stats.min_value = std::string("\0a", 2);
  stats.is_max_value_exact = true;
  stats.is_min_value_exact = false;
  return stats;
}

LogicalTypeUnion Logical(Which which) {
  LogicalTypeUnion logical;
  logical.which = which;
  return logical;
}

FileMetaData FullFileMetaData() {
  FileMetaData meta;
  meta.version = 2;
  SchemaElement root;
  root.name = "schema";
  root.num_children = 3;
  root.repetition_type = FieldRepetitionType::REQUIRED;
  meta.schema.push_back(root);

  SchemaElement amount;
  amount.type = Type::FIXED_LEN_BYTE_ARRAY;
  amount.type_length = 16;
  amount.repetition_type = FieldRepetitionType::OPTIONAL;
  amount.name = "amount";
  amount.converted_type = ConvertedType::DECIMAL;
  amount.scale = 10;
  amount.precision = 38;
  amount.field_id = 17;
  LogicalTypeUnion decimal = Logical(Which::DECIMAL);
  decimal.decimal_scale = 10;
  decimal.decimal_precision = 38;
  amount.logical_type = decimal;
  meta.schema.push_back(amount);

  SchemaElement created;
  created.type = Type::INT64;
  created.repetition_type = FieldRepetitionType::REQUIRED;
  created.name = "created_at";
  LogicalTypeUnion timestamp = Logical(Which::TIMESTAMP);
  timestamp.is_adjusted_to_utc = true;
  timestamp.time_unit = 3;
  created.logical_type = timestamp;
  meta.schema.push_back(created);

  SchemaElement tiny;  // only the required name
  tiny.name = "t";
  meta.schema.push_back(tiny);

  meta.num_rows = 1LL << 40;

  for (int group_idx = 0; group_idx < 2; ++group_idx) {
    RowGroup group;
    ColumnChunk full;
    full.file_path = "part-0.parquet";
    full.file_offset = 4;
    ColumnMetaData cmd;
    cmd.type = Type::FIXED_LEN_BYTE_ARRAY;
    cmd.encodings = {Encoding::PLAIN, Encoding::RLE, Encoding::RLE_DICTIONARY};
    cmd.path_in_schema = {"amount"};
    cmd.codec = CompressionCodec::ZSTD;
    cmd.num_values = 1000;
    cmd.total_uncompressed_size = 123456789012LL;
    cmd.total_compressed_size = 12345;
    cmd.key_value_metadata = {{"k", "v"}, {"only_key", std::nullopt}};
    cmd.data_page_offset = 100;
    cmd.index_page_offset = 50;
    cmd.dictionary_page_offset = 4;
    cmd.statistics = FullStatistics();
    cmd.encoding_stats = {{PageType::DICTIONARY_PAGE, Encoding::PLAIN, 1},
                          {PageType::DATA_PAGE, Encoding::RLE_DICTIONARY, 20}};
    full.meta_data = cmd;
    full.offset_index_offset = 99999;
    full.offset_index_length = 30;
    full.column_index_offset = 88888;
    full.column_index_length = 40;
    group.columns.push_back(full);

    ColumnChunk minimal;  // every optional unset, meta_data with only required fields
    minimal.file_offset = 0;
    ColumnMetaData bare;
    bare.type = Type::INT64;
    bare.path_in_schema = {"created_at"};
    minimal.meta_data = bare;
    group.columns.push_back(minimal);

    ColumnChunk no_meta;
    no_meta.file_offset = 77;
    group.columns.push_back(no_meta);

    group.total_byte_size = 999;
    group.num_rows = 500;
    if (group_idx == 0) {
      group.file_offset = 4;
      group.total_compressed_size = 800;
      group.ordinal = 0;
    }
    meta.row_groups.push_back(group);
  }
  meta.key_value_metadata = {{"sluice.version", "0.1.0"}, {"empty", ""}, {"null", std::nullopt}};
  meta.created_by = "sluice version 0.1.0";
  meta.num_column_orders = 3;
  return meta;
}

template <typename T>
T ParseOk(Result<T> result) {
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? std::move(result).value() : T{};
}

// ------------------------------------------------------------------------------------------
// Round trips

TEST(FileMetaDataTest, RoundTripAllOptionalFieldsSet) {
  FileMetaData meta = FullFileMetaData();
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  EXPECT_TRUE(parsed == meta);
  EXPECT_EQ(parsed.num_column_orders, 3);
  ASSERT_EQ(parsed.schema.size(), 4u);
  EXPECT_EQ(parsed.schema[1].logical_type->decimal_precision, 38);
  EXPECT_EQ(parsed.schema[2].logical_type->time_unit, 3);
  EXPECT_TRUE(parsed.schema[2].logical_type->is_adjusted_to_utc);
  EXPECT_FALSE(parsed.schema[3].type.has_value());
}

TEST(FileMetaDataTest, RoundTripMinimal) {
  FileMetaData meta;
  meta.schema.push_back(SchemaElement{.name = "root"});
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  EXPECT_TRUE(parsed == meta);
  EXPECT_FALSE(parsed.created_by.has_value());
  EXPECT_EQ(parsed.num_column_orders, 0);
  EXPECT_TRUE(parsed.row_groups.empty());
}

TEST(FileMetaDataTest, MinimalEncodingIsExact) {
  FileMetaData meta;
  meta.version = 1;
  meta.num_rows = 0;
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  // 15 02: version i32 1 | 19 0c: empty list<struct> schema | 16 00: num_rows i64 0 |
  // 19 0c: empty list<struct> row_groups | 00: stop.
  EXPECT_EQ(bytes, std::string("\x15\x02\x19\x0c\x16\x00\x19\x0c\x00", 9));
}

TEST(FileMetaDataTest, ColumnOrdersEncoding) {
  FileMetaData meta;
  meta.num_column_orders = 2;
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  // ... then 19 (field 7 = delta 3 from 4: 0x39) 2c (2 structs) and per element:
  // 1c (field 1 struct) 00 (empty TypeDefinedOrder) 00 (end of union); final stop.
  const std::string tail("\x39\x2c\x1c\x00\x00\x1c\x00\x00\x00", 9);
  ASSERT_GE(bytes.size(), tail.size());
  EXPECT_EQ(bytes.substr(bytes.size() - tail.size()), tail);
}

TEST(FileMetaDataTest, EveryLogicalTypeRoundTrips) {
  std::vector<LogicalTypeUnion> types;
  for (Which which : {Which::STRING, Which::MAP, Which::LIST, Which::ENUM, Which::DATE,
                      Which::UNKNOWN, Which::JSON, Which::BSON, Which::UUID, Which::FLOAT16}) {
    types.push_back(Logical(which));
  }
  LogicalTypeUnion decimal = Logical(Which::DECIMAL);
  decimal.decimal_scale = 2;
  decimal.decimal_precision = 18;
  types.push_back(decimal);
  for (Which which : {Which::TIME, Which::TIMESTAMP}) {
    for (int16_t unit = 1; unit <= 3; ++unit) {
      for (bool utc : {false, true}) {
        LogicalTypeUnion time = Logical(which);
        time.time_unit = unit;
        time.is_adjusted_to_utc = utc;
        types.push_back(time);
      }
    }
  }
  for (int8_t width : {8, 16, 32, 64}) {
    for (bool is_signed : {false, true}) {
      LogicalTypeUnion integer = Logical(Which::INTEGER);
      integer.int_bit_width = width;
      integer.int_is_signed = is_signed;
      types.push_back(integer);
    }
  }
  FileMetaData meta;
  for (const LogicalTypeUnion& logical : types) {
    SchemaElement element;
    element.name = "c";
    element.logical_type = logical;
    meta.schema.push_back(element);
  }
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  ASSERT_EQ(parsed.schema.size(), types.size());
  for (size_t idx = 0; idx < types.size(); ++idx) {
    ASSERT_TRUE(parsed.schema[idx].logical_type.has_value()) << idx;
    EXPECT_TRUE(*parsed.schema[idx].logical_type == types[idx])
        << "logical type #" << idx << " which=" << static_cast<int>(types[idx].which);
  }
}

TEST(FileMetaDataTest, LogicalTypeNoneIsNotWritten) {
  FileMetaData meta;
  SchemaElement element;
  element.name = "c";
  element.logical_type = LogicalTypeUnion{};
  meta.schema.push_back(element);
  std::string bytes;
  SerializeFileMetaData(meta, &bytes);
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  EXPECT_FALSE(parsed.schema[0].logical_type.has_value());
}

TEST(PageHeaderTest, RoundTripsAllVariants) {
  PageHeader data_page;
  data_page.type = PageType::DATA_PAGE;
  data_page.uncompressed_page_size = 1 << 20;
  data_page.compressed_page_size = 4242;
  data_page.crc = -12345;
  data_page.data_page_header = DataPageHeader{.num_values = 1000,
                                              .encoding = Encoding::RLE_DICTIONARY,
                                              .definition_level_encoding = Encoding::RLE,
                                              .repetition_level_encoding = Encoding::BIT_PACKED,
                                              .statistics = FullStatistics()};
  PageHeader data_page_plain;  // no crc, no statistics
  data_page_plain.data_page_header = DataPageHeader{.num_values = 3};

  PageHeader dict_page;
  dict_page.type = PageType::DICTIONARY_PAGE;
  dict_page.uncompressed_page_size = 10;
  dict_page.compressed_page_size = 10;
  dict_page.dictionary_page_header =
      DictionaryPageHeader{.num_values = 2, .encoding = Encoding::PLAIN, .is_sorted = true};
  PageHeader dict_page_unsorted = dict_page;
  dict_page_unsorted.dictionary_page_header->is_sorted.reset();

  PageHeader v2;
  v2.type = PageType::DATA_PAGE_V2;
  v2.uncompressed_page_size = 77;
  v2.compressed_page_size = 66;
  v2.data_page_header_v2 = DataPageHeaderV2{.num_values = 9,
                                            .num_nulls = 2,
                                            .num_rows = 9,
                                            .encoding = Encoding::DELTA_BINARY_PACKED,
                                            .definition_levels_byte_length = 4,
                                            .repetition_levels_byte_length = 0,
                                            .is_compressed = false,
                                            .statistics = FullStatistics()};
  PageHeader v2_bare = v2;
  v2_bare.data_page_header_v2->is_compressed.reset();
  v2_bare.data_page_header_v2->statistics.reset();

  for (const PageHeader& header :
       {data_page, data_page_plain, dict_page, dict_page_unsorted, v2, v2_bare}) {
    std::string bytes;
    SerializePageHeader(header, &bytes);
    const size_t encoded_size = bytes.size();
    bytes += "page payload follows";
    size_t header_size = 0;
    PageHeader parsed = ParseOk(ParsePageHeader(Data(bytes), bytes.size(), 0, &header_size));
    EXPECT_TRUE(parsed == header);
    EXPECT_EQ(header_size, encoded_size);
    for (size_t len = 0; len < encoded_size; ++len) {
      size_t ignored = 0;
      EXPECT_EQ(ParsePageHeader(Data(bytes), len, 0, &ignored).status().code(),
                StatusCode::kCorruption)
          << "len " << len;
    }
  }
}

TEST(PageIndexTest, OffsetIndexRoundTrip) {
  OffsetIndex index;
  for (int64_t page = 0; page < 20; ++page) {  // > 14 elements: long list header
    index.page_locations.push_back(PageLocation{
        .offset = 4 + page * 1000, .compressed_page_size = 999, .first_row_index = page * 50});
  }
  for (const OffsetIndex& candidate : {index, OffsetIndex{}}) {
    std::string bytes;
    SerializeOffsetIndex(candidate, &bytes);
    OffsetIndex parsed = ParseOk(ParseOffsetIndex(Data(bytes), bytes.size(), 0));
    EXPECT_TRUE(parsed == candidate);
    for (size_t len = 0; len < bytes.size(); ++len) {
      EXPECT_EQ(ParseOffsetIndex(Data(bytes), len, 0).status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(PageIndexTest, ColumnIndexRoundTrip) {
  ColumnIndex index;
  index.null_pages = {false, true, false};
  index.min_values = {"a", "", "m"};
  index.max_values = {"f", "", std::string(300, 'z')};
  index.boundary_order = BoundaryOrder::ASCENDING;
  index.null_counts = {0, 10, 1LL << 40};
  ColumnIndex no_counts = index;
  no_counts.null_counts.clear();
  no_counts.boundary_order = BoundaryOrder::DESCENDING;
  for (const ColumnIndex& candidate : {index, no_counts, ColumnIndex{}}) {
    std::string bytes;
    SerializeColumnIndex(candidate, &bytes);
    ColumnIndex parsed = ParseOk(ParseColumnIndex(Data(bytes), bytes.size(), 0));
    EXPECT_TRUE(parsed == candidate);
    for (size_t len = 0; len < bytes.size(); ++len) {
      EXPECT_EQ(ParseColumnIndex(Data(bytes), len, 0).status().code(), StatusCode::kCorruption);
    }
  }
}

TEST(PageIndexTest, NullPagesExactBytesAndLenientBools) {
  ColumnIndex index;
  index.null_pages = {true, false};
  std::string bytes;
  SerializeColumnIndex(index, &bytes);
  // 19 21 01 02: field 1 list, 2 bools (element type 1), true = 01, false = 02; then
  // 19 08 / 19 08: empty binary lists; 15 00: boundary_order 0; 00: stop.
  EXPECT_EQ(bytes, std::string("\x19\x21\x01\x02\x19\x08\x19\x08\x15\x00\x00", 11));

  // A writer using element type 2 and 0 for false is accepted.
  std::string lenient("\x19\x22\x01\x00\x19\x08\x19\x08\x15\x00\x00", 11);
  ColumnIndex parsed = ParseOk(ParseColumnIndex(Data(lenient), lenient.size(), 0));
  EXPECT_EQ(parsed.null_pages, (std::vector<bool>{true, false}));

  std::string bad("\x19\x21\x01\x07\x19\x08\x19\x08\x15\x00\x00", 11);
  EXPECT_EQ(ParseColumnIndex(Data(bad), bad.size(), 0).status().code(), StatusCode::kCorruption);
}

// ------------------------------------------------------------------------------------------
// Unknown fields, required fields, type mismatches

TEST(FileMetaDataTest, SkipsUnknownFieldsOfEveryKind) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI32(1, 2);
  w.FieldBinary(30, "unknown string");
  w.FieldBool(31, true);
  w.FieldI8(32, 1);
  w.FieldI16(33, 2);
  w.FieldDouble(34, 3.0);
  w.FieldListBegin(35, CompactType::kStruct, 1);
  w.StructBegin();
  w.FieldStructBegin(1);  // nested unknown struct
  w.FieldListBegin(2, CompactType::kBoolTrue, 2);
  w.WriteBool(true);
  w.WriteBool(false);
  w.StructEnd();
  w.StructEnd();
  w.FieldHeader(36, CompactType::kMap);
  w.MapHeader(CompactType::kBinary, CompactType::kList, 1);
  w.WriteBinary("k");
  w.ListHeader(CompactType::kI64, 2);
  w.WriteI64(1);
  w.WriteI64(2);
  w.FieldHeader(37, CompactType::kSet);
  w.ListHeader(CompactType::kI32, 0);
  // Known fields after unknown ones, written with long-form (decreasing) ids.
  w.FieldListBegin(2, CompactType::kStruct, 1);
  w.StructBegin();
  w.FieldBinary(4, "root");
  w.FieldI64(99, -5);      // unknown field inside a known struct
  w.FieldStructBegin(10);  // LogicalType union
  w.FieldStructBegin(1);   // STRING
  w.FieldI32(7, 7);        // unknown field inside StringType
  w.StructEnd();
  w.StructEnd();
  w.StructEnd();
  w.FieldI64(3, 42);
  w.FieldListBegin(4, CompactType::kStruct, 0);
  w.FieldBinary(6, "me");
  w.FieldI32(8, 1);  // encryption_algorithm slot with a wrong type: skipped as unknown
  w.StructEnd();

  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  EXPECT_EQ(parsed.version, 2);
  ASSERT_EQ(parsed.schema.size(), 1u);
  EXPECT_EQ(parsed.schema[0].name, "root");
  ASSERT_TRUE(parsed.schema[0].logical_type.has_value());
  EXPECT_EQ(parsed.schema[0].logical_type->which, Which::STRING);
  EXPECT_EQ(parsed.num_rows, 42);
  EXPECT_EQ(parsed.created_by, "me");
}

// Builds a FileMetaData by hand with `schema_field` controlling field 2.
std::string FooterWithSchemaField(bool write_schema, CompactType schema_type) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI32(1, 1);
  if (write_schema) {
    if (schema_type == CompactType::kList) {
      w.FieldListBegin(2, CompactType::kStruct, 0);
    } else {
      w.FieldI32(2, 5);  // wrong wire type for field 2
    }
  }
  w.FieldI64(3, 0);
  w.FieldListBegin(4, CompactType::kStruct, 0);
  w.StructEnd();
  return bytes;
}

TEST(FileMetaDataTest, MissingRequiredFieldIsCorruptionNamingStructAndField) {
  std::string ok_bytes = FooterWithSchemaField(true, CompactType::kList);
  EXPECT_TRUE(ParseFileMetaData(Data(ok_bytes), ok_bytes.size(), 0).ok());

  std::string missing = FooterWithSchemaField(false, CompactType::kList);
  Status st = ParseFileMetaData(Data(missing), missing.size(), 100).status();
  ASSERT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("FileMetaData"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("schema"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("offset 100"), std::string::npos) << st.message();

  std::string wrong_type = FooterWithSchemaField(true, CompactType::kI32);
  st = ParseFileMetaData(Data(wrong_type), wrong_type.size(), 0).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("schema"), std::string::npos) << st.message();
}

TEST(FileMetaDataTest, MissingRequiredNestedFieldsAreReported) {
  {
    // SchemaElement without a name.
    std::string bytes;
    CompactWriter w(&bytes);
    w.StructBegin();
    w.FieldI32(1, 1);
    w.FieldListBegin(2, CompactType::kStruct, 1);
    w.StructBegin();
    w.FieldI32(5, 0);
    w.StructEnd();
    w.FieldI64(3, 0);
    w.FieldListBegin(4, CompactType::kStruct, 0);
    w.StructEnd();
    Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
    ASSERT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("SchemaElement"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("name"), std::string::npos) << st.message();
  }
  {
    // ColumnMetaData without data_page_offset.
    std::string bytes;
    CompactWriter w(&bytes);
    w.StructBegin();
    w.FieldI32(1, 1);
    w.FieldListBegin(2, CompactType::kStruct, 0);
    w.FieldI64(3, 0);
    w.FieldListBegin(4, CompactType::kStruct, 1);
    w.StructBegin();  // RowGroup
    w.FieldListBegin(1, CompactType::kStruct, 1);
    w.StructBegin();  // ColumnChunk
    w.FieldI64(2, 0);
    w.FieldStructBegin(3);  // ColumnMetaData
    w.FieldI32(1, 1);
    w.FieldListBegin(2, CompactType::kI32, 0);
    w.FieldListBegin(3, CompactType::kBinary, 0);
    w.FieldI32(4, 0);
    w.FieldI64(5, 0);
    w.FieldI64(6, 0);
    w.FieldI64(7, 0);
    w.StructEnd();
    w.StructEnd();
    w.FieldI64(2, 0);
    w.FieldI64(3, 0);
    w.StructEnd();
    w.StructEnd();
    Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
    ASSERT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("ColumnMetaData"), std::string::npos) << st.message();
    EXPECT_NE(st.message().find("data_page_offset"), std::string::npos) << st.message();
  }
}

TEST(FileMetaDataTest, LogicalTypeUnionWithTwoMembersIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI32(1, 1);
  w.FieldListBegin(2, CompactType::kStruct, 1);
  w.StructBegin();
  w.FieldBinary(4, "c");
  w.FieldStructBegin(10);
  w.FieldStructBegin(1);
  w.StructEnd();
  w.FieldStructBegin(6);
  w.StructEnd();
  w.StructEnd();
  w.StructEnd();
  w.FieldI64(3, 0);
  w.FieldListBegin(4, CompactType::kStruct, 0);
  w.StructEnd();
  Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("LogicalType"), std::string::npos) << st.message();
}

TEST(FileMetaDataTest, UnknownLogicalTypeMemberLeavesLogicalTypeUnset) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI32(1, 1);
  w.FieldListBegin(2, CompactType::kStruct, 1);
  w.StructBegin();
  w.FieldBinary(4, "c");
  w.FieldI32(6, static_cast<int32_t>(ConvertedType::UTF8));
  w.FieldStructBegin(10);
  w.FieldStructBegin(16);  // VARIANT, newer than sluice
  w.FieldI8(1, 1);
  w.StructEnd();
  w.StructEnd();
  w.StructEnd();
  w.FieldI64(3, 0);
  w.FieldListBegin(4, CompactType::kStruct, 0);
  w.StructEnd();
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  ASSERT_EQ(parsed.schema.size(), 1u);
  EXPECT_FALSE(parsed.schema[0].logical_type.has_value());
  EXPECT_EQ(parsed.schema[0].converted_type, ConvertedType::UTF8);
}

// ------------------------------------------------------------------------------------------
// Corrupt input

TEST(FileMetaDataTest, TruncationAtEveryPositionIsCorruption) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  for (size_t len = 0; len < bytes.size(); ++len) {
    // Copy into an exactly-sized buffer so ASan catches any read past `len`.
    std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(len));
    Result<FileMetaData> result = ParseFileMetaData(prefix.data(), prefix.size(), 4);
    ASSERT_FALSE(result.ok()) << "len " << len;
    EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << "len " << len;
    EXPECT_NE(result.status().message().find("offset"), std::string::npos)
        << result.status().message();
  }
}

TEST(FileMetaDataTest, RandomByteCorruptionNeverCrashes) {
  std::string original;
  SerializeFileMetaData(FullFileMetaData(), &original);
  std::mt19937 rng(20240229);  // fixed seed: reproducible
  int failures = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    std::vector<uint8_t> bytes(original.begin(), original.end());
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int flip = 0; flip < flips; ++flip) {
      bytes[rng() % bytes.size()] = static_cast<uint8_t>(rng());
    }
    Result<FileMetaData> result = ParseFileMetaData(bytes.data(), bytes.size(), 0);
    if (!result.ok()) {
      ++failures;
      EXPECT_EQ(result.status().code(), StatusCode::kCorruption) << result.status().ToString();
    }
  }
  EXPECT_GT(failures, 0);
}

TEST(FileMetaDataTest, HugeDeclaredSizesAreCorruption) {
  {
    // schema declared with 2^31 elements in a tiny footer.
    std::string bytes;
    CompactWriter w(&bytes);
    w.StructBegin();
    w.FieldI32(1, 1);
    w.FieldListBegin(2, CompactType::kStruct, size_t{1} << 31);
    w.StructEnd();
    Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("list size 2147483648"), std::string::npos) << st.message();
  }
  {
    // created_by with a declared length of 2^32 - 1.
    std::string bytes;
    CompactWriter w(&bytes);
    w.StructBegin();
    w.FieldHeader(6, CompactType::kBinary);
    w.WriteVarint(4294967295u);
    w.Stop();
    Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("string length 4294967295"), std::string::npos) << st.message();
  }
  {
    // A list size within the remaining bytes but above the configured limit.
    std::string bytes;
    CompactWriter w(&bytes);
    w.StructBegin();
    w.FieldListBegin(5, CompactType::kStruct, 3);
    for (int kv = 0; kv < 3; ++kv) {
      w.StructBegin();
      w.FieldBinary(1, "k");
      w.StructEnd();
    }
    w.StructEnd();
    ThriftLimits limits;
    limits.max_list_size = 2;
    EXPECT_EQ(ParseFileMetaData(Data(bytes), bytes.size(), 0, limits).status().code(),
              StatusCode::kCorruption);
  }
}

TEST(FileMetaDataTest, DeepNestingInUnknownFieldIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI32(1, 1);
  for (int level = 0; level < 10000; ++level) w.FieldStructBegin(1);
  for (int level = 0; level < 10000; ++level) w.StructEnd();
  w.StructEnd();
  Status st = ParseFileMetaData(Data(bytes), bytes.size(), 0).status();
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("nesting depth"), std::string::npos) << st.message();
}

TEST(FileMetaDataTest, TrailingBytesAreIgnored) {
  std::string bytes;
  SerializeFileMetaData(FullFileMetaData(), &bytes);
  bytes.append(28, '\x5a');  // e.g. a plaintext-footer signature (12-byte nonce + 16-byte tag)
  FileMetaData parsed = ParseOk(ParseFileMetaData(Data(bytes), bytes.size(), 0));
  EXPECT_TRUE(parsed == FullFileMetaData());
}

}  // namespace
}  // namespace sluice::parquet

// The Parquet footer and page header structures (parquet.thrift of apache/parquet-format),
// hand-written as plain structs, with Thrift compact-protocol (de)serialisation.
//
// Only the fields sluice writes or needs to read are modelled; unknown fields are skipped on read.
// Field ids in comments are the Thrift ids of the spec. Optional Thrift fields are std::optional.
// Thread-safety: plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sluice/result.h"

namespace sluice::parquet {

// Thrift enum values, exactly as in parquet.thrift.
enum class Type : int32_t {
  BOOLEAN = 0,
  INT32 = 1,
  INT64 = 2,
  INT96 = 3,
  FLOAT = 4,
  DOUBLE = 5,
  BYTE_ARRAY = 6,
  FIXED_LEN_BYTE_ARRAY = 7
};
enum class ConvertedType : int32_t {
  UTF8 = 0,
  MAP = 1,
  MAP_KEY_VALUE = 2,
  LIST = 3,
  ENUM = 4,
  DECIMAL = 5,
  DATE = 6,
  TIME_MILLIS = 7,
  TIME_MICROS = 8,
  TIMESTAMP_MILLIS = 9,
  TIMESTAMP_MICROS = 10,
  UINT_8 = 11,
  UINT_16 = 12,
  UINT_32 = 13,
  UINT_64 = 14,
  INT_8 = 15,
  INT_16 = 16,
  INT_32 = 17,
  INT_64 = 18,
  JSON = 19,
  BSON = 20,
  INTERVAL = 21
};
enum class FieldRepetitionType : int32_t { REQUIRED = 0, OPTIONAL = 1, REPEATED = 2 };
enum class Encoding : int32_t {
  PLAIN = 0,
  PLAIN_DICTIONARY = 2,
  RLE = 3,
  BIT_PACKED = 4,
  DELTA_BINARY_PACKED = 5,
  DELTA_LENGTH_BYTE_ARRAY = 6,
  DELTA_BYTE_ARRAY = 7,
  RLE_DICTIONARY = 8,
  BYTE_STREAM_SPLIT = 9
};
enum class CompressionCodec : int32_t {
  UNCOMPRESSED = 0,
  SNAPPY = 1,
  GZIP = 2,
  LZO = 3,
  BROTLI = 4,
  LZ4 = 5,
  ZSTD = 6,
  LZ4_RAW = 7
};
enum class PageType : int32_t {
  DATA_PAGE = 0,
  INDEX_PAGE = 1,
  DICTIONARY_PAGE = 2,
  DATA_PAGE_V2 = 3
};
enum class BoundaryOrder : int32_t { UNORDERED = 0, ASCENDING = 1, DESCENDING = 2 };

// LogicalType union (field id = which member is set). TimeUnit: 1 MILLIS, 2 MICROS, 3 NANOS.
struct LogicalTypeUnion {
  enum class Which : int16_t {
    kNone = 0,
    STRING = 1,
    MAP = 2,
    LIST = 3,
    ENUM = 4,
    DECIMAL = 5,
    DATE = 6,
    TIME = 7,
    TIMESTAMP = 8,
    INTEGER = 10,
    UNKNOWN = 11,
    JSON = 12,
    BSON = 13,
    UUID = 14,
    FLOAT16 = 15
  };
  Which which = Which::kNone;
  int32_t decimal_scale = 0;        // DecimalType 1: scale
  int32_t decimal_precision = 0;    // DecimalType 2: precision
  bool is_adjusted_to_utc = false;  // TimeType/TimestampType 1
  int16_t time_unit = 2;            // TimeType/TimestampType 2: union field id 1/2/3
  int8_t int_bit_width = 0;         // IntType 1
  bool int_is_signed = true;        // IntType 2
  bool operator==(const LogicalTypeUnion&) const = default;
};

struct SchemaElement {
  std::optional<Type> type;                            // 1
  std::optional<int32_t> type_length;                  // 2
  std::optional<FieldRepetitionType> repetition_type;  // 3
  std::string name;                                    // 4 (required)
  std::optional<int32_t> num_children;                 // 5
  std::optional<ConvertedType> converted_type;         // 6
  std::optional<int32_t> scale;                        // 7
  std::optional<int32_t> precision;                    // 8
  std::optional<int32_t> field_id;                     // 9
  std::optional<LogicalTypeUnion> logical_type;        // 10
  bool operator==(const SchemaElement&) const = default;
};

struct Statistics {
  std::optional<std::string> max;          // 1 (deprecated, signed order) - read only
  std::optional<std::string> min;          // 2 (deprecated) - read only
  std::optional<int64_t> null_count;       // 3
  std::optional<int64_t> distinct_count;   // 4
  std::optional<std::string> max_value;    // 5
  std::optional<std::string> min_value;    // 6
  std::optional<bool> is_max_value_exact;  // 7
  std::optional<bool> is_min_value_exact;  // 8
  bool operator==(const Statistics&) const = default;
};

struct KeyValue {
  std::string key;                   // 1
  std::optional<std::string> value;  // 2
  bool operator==(const KeyValue&) const = default;
};

struct PageEncodingStats {
  PageType page_type = PageType::DATA_PAGE;  // 1
  Encoding encoding = Encoding::PLAIN;       // 2
  int32_t count = 0;                         // 3
  bool operator==(const PageEncodingStats&) const = default;
};

struct ColumnMetaData {
  Type type = Type::INT32;                                  // 1
  std::vector<Encoding> encodings;                          // 2
  std::vector<std::string> path_in_schema;                  // 3
  CompressionCodec codec = CompressionCodec::UNCOMPRESSED;  // 4
  int64_t num_values = 0;                                   // 5
  int64_t total_uncompressed_size = 0;                      // 6
  int64_t total_compressed_size = 0;                        // 7
  std::vector<KeyValue> key_value_metadata;                 // 8
  int64_t data_page_offset = 0;                             // 9
  std::optional<int64_t> index_page_offset;                 // 10
  std::optional<int64_t> dictionary_page_offset;            // 11
  std::optional<Statistics> statistics;                     // 12
  std::vector<PageEncodingStats> encoding_stats;            // 13
  bool operator==(const ColumnMetaData&) const = default;
};

struct ColumnChunk {
  std::optional<std::string> file_path;        // 1
  int64_t file_offset = 0;                     // 2 (deprecated but required)
  std::optional<ColumnMetaData> meta_data;     // 3
  std::optional<int64_t> offset_index_offset;  // 4
  std::optional<int32_t> offset_index_length;  // 5
  std::optional<int64_t> column_index_offset;  // 6
  std::optional<int32_t> column_index_length;  // 7
  bool operator==(const ColumnChunk&) const = default;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;              // 1
  int64_t total_byte_size = 0;                   // 2
  int64_t num_rows = 0;                          // 3
  std::optional<int64_t> file_offset;            // 5
  std::optional<int64_t> total_compressed_size;  // 6
  std::optional<int16_t> ordinal;                // 7
  bool operator==(const RowGroup&) const = default;
};

/// ColumnOrder union: sluice always writes TYPE_ORDER (field 1, empty struct).
struct FileMetaData {
  int32_t version = 2;                       // 1
  std::vector<SchemaElement> schema;         // 2
  int64_t num_rows = 0;                      // 3
  std::vector<RowGroup> row_groups;          // 4
  std::vector<KeyValue> key_value_metadata;  // 5
  std::optional<std::string> created_by;     // 6
  int32_t num_column_orders = 0;             // 7: count of TYPE_ORDER entries (0 = absent)
  bool operator==(const FileMetaData&) const = default;
};

struct DataPageHeader {
  int32_t num_values = 0;                              // 1
  Encoding encoding = Encoding::PLAIN;                 // 2
  Encoding definition_level_encoding = Encoding::RLE;  // 3
  Encoding repetition_level_encoding = Encoding::RLE;  // 4
  std::optional<Statistics> statistics;                // 5
  bool operator==(const DataPageHeader&) const = default;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;               // 1
  Encoding encoding = Encoding::PLAIN;  // 2
  std::optional<bool> is_sorted;        // 3
  bool operator==(const DictionaryPageHeader&) const = default;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0;                     // 1
  int32_t num_nulls = 0;                      // 2
  int32_t num_rows = 0;                       // 3
  Encoding encoding = Encoding::PLAIN;        // 4
  int32_t definition_levels_byte_length = 0;  // 5
  int32_t repetition_levels_byte_length = 0;  // 6
  std::optional<bool> is_compressed;          // 7 (default true)
  std::optional<Statistics> statistics;       // 8
  bool operator==(const DataPageHeaderV2&) const = default;
};

struct PageHeader {
  PageType type = PageType::DATA_PAGE;             // 1
  int32_t uncompressed_page_size = 0;              // 2
  int32_t compressed_page_size = 0;                // 3
  std::optional<int32_t> crc;                      // 4
  std::optional<DataPageHeader> data_page_header;  // 5
  // 6: IndexPageHeader, never written, skipped on read
  std::optional<DictionaryPageHeader> dictionary_page_header;  // 7
  std::optional<DataPageHeaderV2> data_page_header_v2;         // 8
  bool operator==(const PageHeader&) const = default;
};

// Page index (written when WriterOptions::write_page_index).
struct PageLocation {
  int64_t offset = 0;                // 1
  int32_t compressed_page_size = 0;  // 2
  int64_t first_row_index = 0;       // 3
  bool operator==(const PageLocation&) const = default;
};
struct OffsetIndex {
  std::vector<PageLocation> page_locations;  // 1
  bool operator==(const OffsetIndex&) const = default;
};
struct ColumnIndex {
  std::vector<bool> null_pages;                             // 1
  std::vector<std::string> min_values;                      // 2
  std::vector<std::string> max_values;                      // 3
  BoundaryOrder boundary_order = BoundaryOrder::UNORDERED;  // 4
  std::vector<int64_t> null_counts;                         // 5
  bool operator==(const ColumnIndex&) const = default;
};

// --- serialisation -------------------------------------------------------------------------
// Each Serialize* appends the Thrift compact encoding to `*out`. Optional fields are written only
// when set; a LogicalTypeUnion whose `which` is kNone is not written.

void SerializeFileMetaData(const FileMetaData& meta, std::string* out);
void SerializePageHeader(const PageHeader& header, std::string* out);
void SerializeOffsetIndex(const OffsetIndex& index, std::string* out);
void SerializeColumnIndex(const ColumnIndex& index, std::string* out);

/// Limits that keep a corrupt footer from causing huge allocations: a list longer than
/// `max_list_size` or a string longer than `max_string_size` is Corruption.
struct ThriftLimits {
  int64_t max_string_size = 100 * 1024 * 1024;
  int64_t max_list_size = 10 * 1000 * 1000;
  int max_depth = 64;
};

/// Parses a FileMetaData occupying data[0, size). Corruption errors name the byte
/// offset (relative to `data` + `base_offset`, so callers pass the footer's file offset).
/// Bytes after the struct's stop byte are ignored (encrypted files with a plaintext footer put
/// a signature there). Unknown fields are skipped; a LogicalType member newer than sluice
/// leaves SchemaElement::logical_type unset.
Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size, int64_t base_offset,
                                       const ThriftLimits& limits = {});
/// Parses one PageHeader from the start of data[0, size); `*header_size` receives the bytes
/// consumed.
Result<PageHeader> ParsePageHeader(const uint8_t* data, size_t size, int64_t base_offset,
                                   size_t* header_size, const ThriftLimits& limits = {});
Result<OffsetIndex> ParseOffsetIndex(const uint8_t* data, size_t size, int64_t base_offset);
Result<ColumnIndex> ParseColumnIndex(const uint8_t* data, size_t size, int64_t base_offset);

}  // namespace sluice::parquet

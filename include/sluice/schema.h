// Schema: the lake-side description of a table, in Parquet terms.
//
// Every component that moves rows (sources, casts, the Parquet writer and reader, the query
// engine) speaks this one schema, so a table's type is decided once (from the source catalog)
// and never inferred from batch contents. Values are Value types; copy freely.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace sluice {

/// Parquet physical types; numeric values are the Thrift enum values of the format spec.
enum class PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,  // read-only: legacy timestamps
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};

enum class TimeUnit : int8_t { kMillis, kMicros, kNanos };

/// Parquet logical type annotation (the LogicalType union of the format spec).
struct LogicalType {
  enum class Kind : int8_t {
    kNone,       // plain physical type
    kString,     // UTF-8 BYTE_ARRAY
    kEnum,       // BYTE_ARRAY, written as STRING for reader compatibility
    kJson,       // BYTE_ARRAY holding UTF-8 JSON text
    kDecimal,    // INT32/INT64/FLBA/BYTE_ARRAY big-endian two's complement unscaled value
    kDate,       // INT32 days since 1970-01-01
    kTime,       // INT64 micros since midnight (INT32 for millis)
    kTimestamp,  // INT64 units since the epoch
    kInteger,    // INT32/INT64 with declared bit width and signedness
    kUuid,       // FLBA(16)
  };
  Kind kind = Kind::kNone;
  int32_t precision = 0;              // kDecimal
  int32_t scale = 0;                  // kDecimal
  TimeUnit unit = TimeUnit::kMicros;  // kTime, kTimestamp
  bool adjusted_to_utc = false;       // kTime, kTimestamp
  int8_t bit_width = 0;               // kInteger: 8, 16, 32, 64
  bool is_signed = true;              // kInteger

  static LogicalType None() { return {}; }
  static LogicalType String() { return {.kind = Kind::kString}; }
  static LogicalType Enum() { return {.kind = Kind::kEnum}; }
  static LogicalType Json() { return {.kind = Kind::kJson}; }
  static LogicalType Decimal(int32_t precision, int32_t scale) {
    return {.kind = Kind::kDecimal, .precision = precision, .scale = scale};
  }
  static LogicalType Date() { return {.kind = Kind::kDate}; }
  static LogicalType Time(TimeUnit unit, bool utc) {
    return {.kind = Kind::kTime, .unit = unit, .adjusted_to_utc = utc};
  }
  static LogicalType Timestamp(TimeUnit unit, bool utc) {
    return {.kind = Kind::kTimestamp, .unit = unit, .adjusted_to_utc = utc};
  }
  static LogicalType Integer(int8_t bit_width, bool is_signed) {
    return {.kind = Kind::kInteger, .bit_width = bit_width, .is_signed = is_signed};
  }
  static LogicalType Uuid() { return {.kind = Kind::kUuid}; }

  bool operator==(const LogicalType&) const = default;
};

/// One flat column. Nested types are not part of sluice's lake schema.
struct ColumnSchema {
  std::string name;
  PhysicalType physical = PhysicalType::kInt64;
  int32_t type_length = 0;  // kFixedLenByteArray only
  bool nullable = true;     // OPTIONAL vs REQUIRED
  LogicalType logical;

  bool operator==(const ColumnSchema&) const = default;
};

struct Schema {
  std::vector<ColumnSchema> columns;

  int num_columns() const { return static_cast<int>(columns.size()); }
  /// Index of the column named `name`, or -1.
  int FindColumn(const std::string& name) const;
  /// Stable text form ("name:INT64:OPTIONAL:INT(64,true);..."), the input of SchemaHash().
  std::string ToCanonicalString() const;
  /// Hex SHA-256 prefix of ToCanonicalString(): identical schemas hash alike across runs.
  std::string Hash() const;

  bool operator==(const Schema&) const = default;
};

/// Human-readable type, e.g. "INT64 TIMESTAMP(MICROS,UTC)" or "FIXED_LEN_BYTE_ARRAY(16)
/// DECIMAL(38,10)".
std::string DescribeType(const ColumnSchema& column);
const char* PhysicalTypeName(PhysicalType type);

/// Byte width of a fixed-width physical type in a ColumnVector (BOOLEAN is one byte per value);
/// 0 for BYTE_ARRAY; type_length for FLBA.
int32_t FixedWidth(PhysicalType type, int32_t type_length);

}  // namespace sluice

// Type mapping: a MySQL/MariaDB column as the catalog describes it (SourceColumn) to the exact
// Parquet column sluice writes (ColumnPlan), decided once per table, never from data.
//
//   TINYINT/SMALLINT/MEDIUMINT/INT [UNSIGNED] -> INT32 INT(8/16/32/32, signed) / UINT(...)
//   BIGINT -> INT64 INT(64); BIGINT UNSIGNED -> INT64 UINT(64)
//   TINYINT(1) -> INT32 INT(8) (it can hold 127); with tinyint1_as_bool -> BOOLEAN
//   DECIMAL(p,s), p<=9 -> INT32, p<=18 -> INT64, p<=38 -> FLBA(minimal width); DECIMAL(p,s)
//   FLOAT -> FLOAT, DOUBLE -> DOUBLE; BIT(1) -> BOOLEAN; BIT(n>1) -> INT64 UINT(64)
//   DATE -> INT32 DATE; DATETIME(fsp) -> INT64 TIMESTAMP(MICROS, local);
//   TIMESTAMP(fsp) -> INT64 TIMESTAMP(MICROS, UTC) (session time zone is +00:00)
//   TIME -> INT64 INT(64) signed microseconds (Parquet TIME cannot hold negative or >24 h values;
//           files carry key/value "sluice.time_columns" listing such columns)
//   YEAR -> INT32 UINT(16); CHAR/VARCHAR/TEXT/SET/UUID/INET -> BYTE_ARRAY STRING;
//   BINARY/VARBINARY/BLOB -> BYTE_ARRAY; ENUM -> BYTE_ARRAY ENUM; JSON (MySQL JSON, or MariaDB
//   LONGTEXT with a json_valid() check) -> BYTE_ARRAY JSON.
// DATE/DATETIME/TIMESTAMP columns are always OPTIONAL: zero dates become NULL (counted).
// Anything else (GEOMETRY, DECIMAL(p>38), ...) is NotSupported naming table.column and its type;
// a --cast override reads the column as text and converts it to the requested type strictly.
// Thread-safety: pure functions over values.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::mysql {

/// One column as information_schema.COLUMNS (or result metadata) describes it.
struct SourceColumn {
  std::string name;
  std::string data_type;    // lower case: "int", "decimal", "varchar", ...
  std::string column_type;  // full: "tinyint(1) unsigned", "enum('a','b')"
  bool nullable = true;
  bool is_unsigned = false;
  int precision = 0;           // DECIMAL precision; BIT width
  int scale = 0;               // DECIMAL scale
  int datetime_precision = 0;  // fsp of DATETIME/TIMESTAMP/TIME
  int64_t max_octets = 0;      // CHARACTER_OCTET_LENGTH / byte length, 0 if unknown
  bool is_json = false;        // JSON, or MariaDB's LONGTEXT CHECK(json_valid(col))
};

/// How a column's values are converted into its ColumnVector.
enum class ValueKind {
  kBool,       // BOOLEAN from an integer (TINYINT(1) as bool, --cast bool)
  kBitBool,    // BOOLEAN from BIT(1) bytes
  kBitUInt64,  // INT64 UINT(64) from BIT(n) big-endian bytes
  kInt32,      // INT32 from signed integers
  kUInt32,     // INT32 holding an unsigned 32-bit pattern (UINT(8/16/32), YEAR)
  kInt64,      // INT64 from signed integers
  kUInt64,     // INT64 holding an unsigned 64-bit pattern (UINT(64))
  kDecimal,    // INT32 / INT64 / FLBA unscaled
  kFloat,
  kDouble,
  kDate,       // INT32 days
  kDatetime,   // INT64 micros, local wall clock
  kTimestamp,  // INT64 micros, UTC
  kTime,       // INT64 signed micros
  kBytes,      // BYTE_ARRAY as received (strings, binary, enum, set, json)
};

struct ColumnPlan {
  ColumnSchema schema;
  ValueKind kind = ValueKind::kBytes;
  SourceColumn source;
  int decimal_precision = 0;
  int decimal_scale = 0;
  /// --cast: the value is fetched as text and parsed into `kind`.
  bool from_text = false;
};

struct MappingOptions {
  bool tinyint1_as_bool = false;
  /// column name -> cast type ("string", "binary", "json", "int32", "int64", "uint64", "bool",
  /// "float", "double", "date", "datetime", "timestamp", "time", "decimal(p,s)").
  std::map<std::string, std::string> casts;
};

/// Maps one column; `table` is used in error messages only.
Result<ColumnPlan> MapColumn(const std::string& table, const SourceColumn& column,
                             const MappingOptions& options);

/// Maps every column (casts applied). Fails on the first unsupported column; fails if a cast
/// names a column that is not in `columns`.
Result<std::vector<ColumnPlan>> MapColumns(const std::string& table,
                                           const std::vector<SourceColumn>& columns,
                                           const MappingOptions& options);

/// Parses "col=TYPE[,col=TYPE...]" entries of --cast into MappingOptions::casts.
Status ParseCastSpecs(const std::vector<std::string>& specs,
                      std::map<std::string, std::string>* casts);

Schema SchemaOf(const std::vector<ColumnPlan>& plans);

}  // namespace sluice::mysql

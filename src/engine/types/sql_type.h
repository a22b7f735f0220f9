// SqlType: the engine's value types and DuckDB-compatible typing rules (so results compare equal
// with DuckDB's): integer widths, DECIMAL(p,s) precision/scale for + - *, common supertypes.
// Thread-safety: value types and pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/result.h"

namespace sluice::engine {

enum class TypeId : uint8_t {
  kNull,  // the type of a bare NULL literal; converts to anything
  kBoolean,
  kInt32,
  kInt64,
  kInt128,  // DuckDB HUGEINT: the result of sum() over integers
  kDouble,
  kDecimal,  // exact, unscaled value in 128 bits
  kVarchar,
  kBlob,
  kDate,       // days since 1970-01-01
  kTimestamp,  // microseconds since the epoch
};

/// How values of a type are held in a Vector.
enum class Storage : uint8_t { kU8, kI64, kI128, kF64, kStr };

/// Decimal precision limit: 38 digits fit in a signed 128-bit integer (as in DuckDB/Parquet).
constexpr int kMaxDecimalPrecision = 38;
/// DuckDB stores DECIMAL(p<=18) in int64; its typing rules clamp some results to 18 digits.
constexpr int kMaxInt64DecimalPrecision = 18;

struct SqlType {
  TypeId id = TypeId::kNull;
  uint8_t precision = 0;  // kDecimal
  uint8_t scale = 0;      // kDecimal
  bool utc = false;       // kTimestamp: printed with a trailing "Z"

  static SqlType Of(TypeId id) { return SqlType{id}; }
  static SqlType Decimal(int precision, int scale) {
    return SqlType{TypeId::kDecimal, static_cast<uint8_t>(precision), static_cast<uint8_t>(scale)};
  }

  Storage storage() const;
  bool IsInteger() const {
    return id == TypeId::kInt32 || id == TypeId::kInt64 || id == TypeId::kInt128;
  }
  bool IsNumeric() const { return IsInteger() || id == TypeId::kDouble || id == TypeId::kDecimal; }
  bool IsString() const { return id == TypeId::kVarchar || id == TypeId::kBlob; }
  /// "DECIMAL(12,3)", "BIGINT", ... (DuckDB's names).
  std::string ToString() const;
  bool operator==(const SqlType&) const = default;
};

/// The DECIMAL an integer type converts to: INTEGER -> (10,0), BIGINT -> (19,0), HUGEINT -> (38,0).
SqlType DecimalForInteger(TypeId id);

/// The type both sides convert to for comparison, CASE/COALESCE/IN and UNION ALL.
/// InvalidArgument when none exists (e.g. VARCHAR vs INTEGER).
Result<SqlType> CommonSupertype(const SqlType& left, const SqlType& right);

/// Result types of arithmetic (DuckDB's rules): `op` is one of + - * / // %.
Result<SqlType> ArithmeticResultType(char op, bool integer_division, const SqlType& left,
                                     const SqlType& right);

/// Parses a type name as written in CAST (INTEGER, BIGINT, DECIMAL(p,s), VARCHAR, DATE, ...).
Result<SqlType> ParseTypeName(const std::string& name, int precision, int scale,
                              bool has_precision);

}  // namespace sluice::engine

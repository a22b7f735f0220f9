// Value: one typed SQL scalar (possibly NULL). Used for constants, folding and the row-at-a-time
// paths (functions over strings and dates); the hot paths work on Vectors.
// Thread-safety: a value type.
#pragma once

#include <cstdint>
#include <string>

#include "engine/types/decimal.h"
#include "engine/types/sql_type.h"

namespace sluice::engine {

struct Value {
  SqlType type;
  bool is_null = true;
  int64_t i64 = 0;  // kU8 and kI64 storage
  int128 i128 = 0;  // kI128 storage
  double f64 = 0;   // kF64 storage
  std::string str;  // kStr storage

  static Value Null(SqlType type = {}) { return Value{type}; }
  static Value Boolean(bool v) { return Int(SqlType::Of(TypeId::kBoolean), v ? 1 : 0); }
  static Value Int(SqlType type, int64_t v) {
    Value out{type, false};
    out.i64 = v;
    return out;
  }
  static Value Wide(SqlType type, int128 v) {
    Value out{type, false};
    out.i128 = v;
    return out;
  }
  static Value Double(double v) {
    Value out{SqlType::Of(TypeId::kDouble), false};
    out.f64 = v;
    return out;
  }
  static Value Varchar(std::string v) {
    Value out{SqlType::Of(TypeId::kVarchar), false};
    out.str = std::move(v);
    return out;
  }
  bool truthy() const { return !is_null && i64 != 0; }
  /// SQL literal text for EXPLAIN ("42", "'abc'", "1.50", "NULL").
  std::string ToSql() const;
};

/// Converts `value` to `target` with SQL CAST semantics (decimal rounding half away from zero,
/// range checks: out-of-range is InvalidArgument naming the value and the type).
Result<Value> CastValue(const Value& value, const SqlType& target);

/// Days since epoch of "YYYY-MM-DD"; micros since epoch of "YYYY-MM-DD[ T]HH:MM:SS[.ffffff]".
Result<int64_t> ParseDate(std::string_view text);
Result<int64_t> ParseTimestamp(std::string_view text);
/// Civil date parts of days since the epoch.
void CivilFromDays(int64_t days, int64_t* year, int* month, int* day);
int64_t DaysFromCivil(int64_t year, int month, int day);

}  // namespace sluice::engine

#include "engine/types/sql_type.h"

#include <algorithm>

namespace sluice::engine {

Storage SqlType::storage() const {
  switch (id) {
    case TypeId::kNull:
    case TypeId::kBoolean:
      return Storage::kU8;
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kDate:
    case TypeId::kTimestamp:
      return Storage::kI64;
    case TypeId::kInt128:
    case TypeId::kDecimal:
      return Storage::kI128;
    case TypeId::kDouble:
      return Storage::kF64;
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return Storage::kStr;
  }
  return Storage::kU8;
}

std::string SqlType::ToString() const {
  switch (id) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      return "BOOLEAN";
    case TypeId::kInt32:
      return "INTEGER";
    case TypeId::kInt64:
      return "BIGINT";
    case TypeId::kInt128:
      return "HUGEINT";
    case TypeId::kDouble:
      return "DOUBLE";
    case TypeId::kDecimal:
      return "DECIMAL(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case TypeId::kVarchar:
      return "VARCHAR";
    case TypeId::kBlob:
      return "BLOB";
    case TypeId::kDate:
      return "DATE";
    case TypeId::kTimestamp:
      return utc ? "TIMESTAMP WITH TIME ZONE" : "TIMESTAMP";
  }
  return "?";
}

SqlType DecimalForInteger(TypeId id) {
  // The widths DuckDB uses: the digits of INT32_MAX (10), INT64_MAX (19), and the maximum.
  switch (id) {
    case TypeId::kInt32:
      return SqlType::Decimal(10, 0);
    case TypeId::kInt64:
      return SqlType::Decimal(19, 0);
    default:
      return SqlType::Decimal(kMaxDecimalPrecision, 0);
  }
}

namespace {

int IntegerRank(TypeId id) {
  switch (id) {
    case TypeId::kInt32:
      return 1;
    case TypeId::kInt64:
      return 2;
    case TypeId::kInt128:
      return 3;
    default:
      return 0;
  }
}

SqlType AsDecimal(const SqlType& type) {
  return type.id == TypeId::kDecimal ? type : DecimalForInteger(type.id);
}

Status Incompatible(const SqlType& left, const SqlType& right) {
  return Status::InvalidArgument("no common type for " + left.ToString() + " and " +
                                 right.ToString());
}

}  // namespace

Result<SqlType> CommonSupertype(const SqlType& left, const SqlType& right) {
  if (left == right) return left;
  if (left.id == TypeId::kNull) return right;
  if (right.id == TypeId::kNull) return left;
  if (left.IsInteger() && right.IsInteger()) {
    return IntegerRank(left.id) >= IntegerRank(right.id) ? left : right;
  }
  if (left.IsNumeric() && right.IsNumeric()) {
    if (left.id == TypeId::kDouble || right.id == TypeId::kDouble) {
      return SqlType::Of(TypeId::kDouble);
    }
    SqlType l = AsDecimal(left);
    SqlType r = AsDecimal(right);
    int scale = std::max(l.scale, r.scale);
    int integral = std::max(l.precision - l.scale, r.precision - r.scale);
    return SqlType::Decimal(std::min(integral + scale, kMaxDecimalPrecision), scale);
  }
  if ((left.id == TypeId::kDate && right.id == TypeId::kTimestamp) ||
      (left.id == TypeId::kTimestamp && right.id == TypeId::kDate)) {
    return left.id == TypeId::kTimestamp ? left : right;
  }
  if (left.IsString() && right.IsString()) return SqlType::Of(TypeId::kVarchar);
  return Incompatible(left, right);
}

Result<SqlType> ArithmeticResultType(char op, bool integer_division, const SqlType& left,
                                     const SqlType& right) {
  if (left.id == TypeId::kNull && right.id == TypeId::kNull) return SqlType::Of(TypeId::kInt32);
  SqlType l = left.id == TypeId::kNull ? right : left;
  SqlType r = right.id == TypeId::kNull ? left : right;
  // DATE +/- integer days, DATE - DATE (days between), as in DuckDB.
  if (l.id == TypeId::kDate && r.IsInteger() && (op == '+' || op == '-')) return l;
  if (r.id == TypeId::kDate && l.IsInteger() && op == '+') return r;
  if (l.id == TypeId::kDate && r.id == TypeId::kDate && op == '-') {
    return SqlType::Of(TypeId::kInt64);
  }
  if (!l.IsNumeric() || !r.IsNumeric()) {
    return Status::InvalidArgument(std::string("operator ") + op + " is not defined for " +
                                   left.ToString() + " and " + right.ToString());
  }
  if (op == '/' && !integer_division) return SqlType::Of(TypeId::kDouble);
  if (l.id == TypeId::kDouble || r.id == TypeId::kDouble) return SqlType::Of(TypeId::kDouble);
  if (l.IsInteger() && r.IsInteger()) {
    return IntegerRank(l.id) >= IntegerRank(r.id) ? l : r;
  }
  if (op == '/' || op == '%') {
    return Status::NotSupported(std::string("operator ") + (op == '/' ? "//" : "%") +
                                " on DECIMAL; cast to DOUBLE or an integer first");
  }
  SqlType dl = AsDecimal(l);
  SqlType dr = AsDecimal(r);
  int max_width = std::max(dl.precision, dr.precision);
  if (op == '*') {
    int width = dl.precision + dr.precision;
    int scale = dl.scale + dr.scale;
    if (scale > kMaxDecimalPrecision) {
      return Status::InvalidArgument("DECIMAL multiplication needs scale " + std::to_string(scale) +
                                     " > 38");
    }
    // DuckDB keeps a product of two int64-sized decimals in 18 digits (checking overflow).
    if (width > kMaxInt64DecimalPrecision && max_width <= kMaxInt64DecimalPrecision &&
        scale < kMaxInt64DecimalPrecision) {
      width = kMaxInt64DecimalPrecision;
    }
    return SqlType::Decimal(std::min(width, kMaxDecimalPrecision), scale);
  }
  int scale = std::max(dl.scale, dr.scale);
  int width = std::max(dl.precision - dl.scale, dr.precision - dr.scale) + scale + 1;
  if (width > kMaxInt64DecimalPrecision && max_width <= kMaxInt64DecimalPrecision) {
    width = kMaxInt64DecimalPrecision;
  }
  return SqlType::Decimal(std::min(width, kMaxDecimalPrecision), scale);
}

Result<SqlType> ParseTypeName(const std::string& raw, int precision, int scale,
                              bool has_precision) {
  std::string name;
  for (char ch : raw)
    name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  if (name == "INTEGER" || name == "INT" || name == "INT4" || name == "INT32" ||
      name == "SMALLINT" || name == "TINYINT" || name == "INT2" || name == "INT1") {
    return SqlType::Of(TypeId::kInt32);
  }
  if (name == "BIGINT" || name == "INT8" || name == "INT64" || name == "LONG") {
    return SqlType::Of(TypeId::kInt64);
  }
  if (name == "HUGEINT" || name == "INT128") return SqlType::Of(TypeId::kInt128);
  if (name == "DOUBLE" || name == "FLOAT8" || name == "FLOAT" || name == "REAL" ||
      name == "FLOAT4") {
    return SqlType::Of(TypeId::kDouble);
  }
  if (name == "DECIMAL" || name == "NUMERIC") {
    // DuckDB's default DECIMAL without arguments is DECIMAL(18,3).
    if (!has_precision) return SqlType::Decimal(18, 3);
    if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
      return Status::InvalidArgument("invalid DECIMAL(" + std::to_string(precision) + "," +
                                     std::to_string(scale) + ")");
    }
    return SqlType::Decimal(precision, scale);
  }
  if (name == "VARCHAR" || name == "TEXT" || name == "STRING" || name == "CHAR") {
    return SqlType::Of(TypeId::kVarchar);
  }
  if (name == "BLOB" || name == "BYTEA" || name == "VARBINARY") return SqlType::Of(TypeId::kBlob);
  if (name == "BOOLEAN" || name == "BOOL") return SqlType::Of(TypeId::kBoolean);
  if (name == "DATE") return SqlType::Of(TypeId::kDate);
  if (name == "TIMESTAMP" || name == "DATETIME") return SqlType::Of(TypeId::kTimestamp);
  return Status::NotSupported("type " + raw);
}

}  // namespace sluice::engine

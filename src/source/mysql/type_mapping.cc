#include "source/mysql/type_mapping.h"

#include <cctype>
#include <charconv>

#include "source/mysql/decimal.h"

namespace sluice::mysql {
namespace {

ColumnPlan Plan(const SourceColumn& source, PhysicalType physical, LogicalType logical,
                ValueKind kind) {
  ColumnPlan plan;
  plan.source = source;
  plan.kind = kind;
  plan.schema.name = source.name;
  plan.schema.physical = physical;
  plan.schema.logical = logical;
  plan.schema.nullable = source.nullable;
  return plan;
}

Result<ColumnPlan> DecimalPlan(const std::string& table, const SourceColumn& source, int precision,
                               int scale) {
  if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
    return Status::NotSupported(
        "column " + table + "." + source.name + " has type " + source.column_type +
        ": DECIMAL precision above " + std::to_string(kMaxDecimalPrecision) +
        " has no exact Parquet type; use --cast " + source.name + "=string");
  }
  PhysicalType physical = PhysicalType::kFixedLenByteArray;
  // Parquet's rule: INT32 holds 9 decimal digits, INT64 holds 18.
  if (precision <= 9) {
    physical = PhysicalType::kInt32;
  } else if (precision <= 18) {
    physical = PhysicalType::kInt64;
  }
  ColumnPlan plan =
      Plan(source, physical, LogicalType::Decimal(precision, scale), ValueKind::kDecimal);
  if (physical == PhysicalType::kFixedLenByteArray) {
    plan.schema.type_length = DecimalByteWidth(precision);
  }
  plan.decimal_precision = precision;
  plan.decimal_scale = scale;
  return plan;
}

Result<ColumnPlan> CastPlan(const std::string& table, const SourceColumn& source,
                            const std::string& cast) {
  std::string type;
  for (char ch : cast) {
    if (!std::isspace(static_cast<unsigned char>(ch))) {
      type.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    }
  }
  ColumnPlan plan;
  if (type == "string" || type == "text" || type == "utf8") {
    plan = Plan(source, PhysicalType::kByteArray, LogicalType::String(), ValueKind::kBytes);
  } else if (type == "binary" || type == "bytes") {
    plan = Plan(source, PhysicalType::kByteArray, LogicalType::None(), ValueKind::kBytes);
  } else if (type == "json") {
    plan = Plan(source, PhysicalType::kByteArray, LogicalType::Json(), ValueKind::kBytes);
  } else if (type == "int32") {
    plan = Plan(source, PhysicalType::kInt32, LogicalType::Integer(32, true), ValueKind::kInt32);
  } else if (type == "int64") {
    plan = Plan(source, PhysicalType::kInt64, LogicalType::Integer(64, true), ValueKind::kInt64);
  } else if (type == "uint64") {
    plan = Plan(source, PhysicalType::kInt64, LogicalType::Integer(64, false), ValueKind::kUInt64);
  } else if (type == "bool" || type == "boolean") {
    plan = Plan(source, PhysicalType::kBoolean, LogicalType::None(), ValueKind::kBool);
  } else if (type == "float") {
    plan = Plan(source, PhysicalType::kFloat, LogicalType::None(), ValueKind::kFloat);
  } else if (type == "double") {
    plan = Plan(source, PhysicalType::kDouble, LogicalType::None(), ValueKind::kDouble);
  } else if (type == "date") {
    plan = Plan(source, PhysicalType::kInt32, LogicalType::Date(), ValueKind::kDate);
    plan.schema.nullable = true;
  } else if (type == "datetime") {
    plan = Plan(source, PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kMicros, false),
                ValueKind::kDatetime);
    plan.schema.nullable = true;
  } else if (type == "timestamp") {
    plan = Plan(source, PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kMicros, true),
                ValueKind::kTimestamp);
    plan.schema.nullable = true;
  } else if (type == "time") {
    plan = Plan(source, PhysicalType::kInt64, LogicalType::Integer(64, true), ValueKind::kTime);
  } else if (type.starts_with("decimal(") && type.ends_with(")")) {
    std::string_view args(type.data() + 8, type.size() - 9);
    size_t comma = args.find(',');
    int precision = 0, scale = 0;
    std::string_view p_text = args.substr(0, comma);
    std::string_view s_text = comma == std::string_view::npos ? "0" : args.substr(comma + 1);
    auto p_res = std::from_chars(p_text.data(), p_text.data() + p_text.size(), precision);
    auto s_res = std::from_chars(s_text.data(), s_text.data() + s_text.size(), scale);
    if (p_res.ec != std::errc() || s_res.ec != std::errc() ||
        p_res.ptr != p_text.data() + p_text.size() || s_res.ptr != s_text.data() + s_text.size()) {
      return Status::InvalidArgument("--cast " + source.name + "=" + cast +
                                     ": expected decimal(PRECISION,SCALE)");
    }
    SLUICE_ASSIGN_OR_RETURN(plan, DecimalPlan(table, source, precision, scale));
  } else {
    return Status::InvalidArgument(
        "--cast " + source.name + "=" + cast +
        ": unknown type (string, binary, json, int32, int64, uint64, bool, float, double, date, "
        "datetime, timestamp, time, decimal(p,s))");
  }
  plan.from_text = true;
  return plan;
}

}  // namespace

Result<ColumnPlan> MapColumn(const std::string& table, const SourceColumn& column,
                             const MappingOptions& options) {
  if (auto cast = options.casts.find(column.name); cast != options.casts.end()) {
    return CastPlan(table, column, cast->second);
  }
  const std::string& type = column.data_type;
  const bool is_unsigned = column.is_unsigned;
  auto int32_plan = [&](int8_t bits) {
    return Plan(column, PhysicalType::kInt32, LogicalType::Integer(bits, !is_unsigned),
                is_unsigned ? ValueKind::kUInt32 : ValueKind::kInt32);
  };
  if (type == "tinyint") {
    if (options.tinyint1_as_bool && column.column_type.starts_with("tinyint(1)")) {
      return Plan(column, PhysicalType::kBoolean, LogicalType::None(), ValueKind::kBool);
    }
    return int32_plan(8);
  }
  if (type == "smallint") return int32_plan(16);
  // Parquet has no 24-bit integer: MEDIUMINT widens to 32 bits.
  if (type == "mediumint" || type == "int" || type == "integer") return int32_plan(32);
  if (type == "bigint") {
    return Plan(column, PhysicalType::kInt64, LogicalType::Integer(64, !is_unsigned),
                is_unsigned ? ValueKind::kUInt64 : ValueKind::kInt64);
  }
  if (type == "decimal" || type == "numeric") {
    return DecimalPlan(table, column, column.precision, column.scale);
  }
  if (type == "float") {
    return Plan(column, PhysicalType::kFloat, LogicalType::None(), ValueKind::kFloat);
  }
  if (type == "double" || type == "real" || type == "double precision") {
    return Plan(column, PhysicalType::kDouble, LogicalType::None(), ValueKind::kDouble);
  }
  if (type == "bit") {
    if (column.precision <= 1) {
      return Plan(column, PhysicalType::kBoolean, LogicalType::None(), ValueKind::kBitBool);
    }
    return Plan(column, PhysicalType::kInt64, LogicalType::Integer(64, false),
                ValueKind::kBitUInt64);
  }
  if (type == "date") {
    ColumnPlan plan = Plan(column, PhysicalType::kInt32, LogicalType::Date(), ValueKind::kDate);
    plan.schema.nullable = true;  // zero dates become NULL
    return plan;
  }
  if (type == "datetime") {
    ColumnPlan plan = Plan(column, PhysicalType::kInt64,
                           LogicalType::Timestamp(TimeUnit::kMicros, false), ValueKind::kDatetime);
    plan.schema.nullable = true;
    return plan;
  }
  if (type == "timestamp") {
    ColumnPlan plan = Plan(column, PhysicalType::kInt64,
                           LogicalType::Timestamp(TimeUnit::kMicros, true), ValueKind::kTimestamp);
    plan.schema.nullable = true;
    return plan;
  }
  if (type == "time") {
    return Plan(column, PhysicalType::kInt64, LogicalType::Integer(64, true), ValueKind::kTime);
  }
  if (type == "year") {
    return Plan(column, PhysicalType::kInt32, LogicalType::Integer(16, false), ValueKind::kUInt32);
  }
  if (column.is_json || type == "json") {
    return Plan(column, PhysicalType::kByteArray, LogicalType::Json(), ValueKind::kBytes);
  }
  if (type == "char" || type == "varchar" || type == "tinytext" || type == "text" ||
      type == "mediumtext" || type == "longtext" || type == "set" || type == "uuid" ||
      type == "inet4" || type == "inet6") {
    return Plan(column, PhysicalType::kByteArray, LogicalType::String(), ValueKind::kBytes);
  }
  if (type == "enum") {
    return Plan(column, PhysicalType::kByteArray, LogicalType::Enum(), ValueKind::kBytes);
  }
  if (type == "binary" || type == "varbinary" || type == "tinyblob" || type == "blob" ||
      type == "mediumblob" || type == "longblob") {
    return Plan(column, PhysicalType::kByteArray, LogicalType::None(), ValueKind::kBytes);
  }
  return Status::NotSupported("column " + table + "." + column.name + " has type " +
                              column.column_type +
                              ", which sluice cannot map to Parquet; use --cast " + column.name +
                              "=string (or binary), or leave it out with --columns");
}

Result<std::vector<ColumnPlan>> MapColumns(const std::string& table,
                                           const std::vector<SourceColumn>& columns,
                                           const MappingOptions& options) {
  for (const auto& [name, type] : options.casts) {
    bool found = false;
    for (const auto& column : columns) found = found || column.name == name;
    if (!found) {
      return Status::NotFound("--cast names column " + table + "." + name +
                              ", which is not extracted");
    }
  }
  std::vector<ColumnPlan> plans;
  plans.reserve(columns.size());
  for (const auto& column : columns) {
    SLUICE_ASSIGN_OR_RETURN(auto plan, MapColumn(table, column, options));
    plans.push_back(std::move(plan));
  }
  return plans;
}

Status ParseCastSpecs(const std::vector<std::string>& specs,
                      std::map<std::string, std::string>* casts) {
  for (const auto& spec : specs) {
    size_t eq = spec.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
      return Status::InvalidArgument("--cast '" + spec + "': expected COLUMN=TYPE");
    }
    (*casts)[spec.substr(0, eq)] = spec.substr(eq + 1);
  }
  return Status::OK();
}

Schema SchemaOf(const std::vector<ColumnPlan>& plans) {
  Schema schema;
  for (const auto& plan : plans) schema.columns.push_back(plan.schema);
  return schema;
}

}  // namespace sluice::mysql

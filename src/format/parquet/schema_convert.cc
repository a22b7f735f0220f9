#include "format/parquet/schema_convert.h"

#include <cmath>
#include <string>

namespace sluice::parquet {

namespace {

using K = LogicalType::Kind;
using Which = LogicalTypeUnion::Which;

int16_t UnitId(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 1;
    case TimeUnit::kMicros:
      return 2;
    case TimeUnit::kNanos:
      return 3;
  }
  return 2;
}

TimeUnit UnitFromId(int16_t id) {
  if (id == 1) return TimeUnit::kMillis;
  if (id == 3) return TimeUnit::kNanos;
  return TimeUnit::kMicros;
}

Status CheckPhysical(const ColumnSchema& col, bool ok, const char* expected) {
  if (ok) return Status::OK();
  return Status::InvalidArgument("column '" + col.name + "': logical type needs " + expected +
                                 ", got " + DescribeType(col));
}

Status Annotate(const ColumnSchema& col, bool json_logical_type, SchemaElement* el) {
  const LogicalType& lt = col.logical;
  LogicalTypeUnion u;
  auto phys = col.physical;
  bool is_bytes = phys == PhysicalType::kByteArray;
  switch (lt.kind) {
    case K::kNone:
      return Status::OK();
    case K::kString:
      SLUICE_RETURN_IF_ERROR(CheckPhysical(col, is_bytes, "BYTE_ARRAY"));
      u.which = Which::STRING;
      el->converted_type = ConvertedType::UTF8;
      break;
    case K::kEnum:
      // ENUM is written as STRING: DuckDB and Polars read the ENUM annotation as plain binary in
      // some versions, while STRING is understood everywhere.
      SLUICE_RETURN_IF_ERROR(CheckPhysical(col, is_bytes, "BYTE_ARRAY"));
      u.which = Which::STRING;
      el->converted_type = ConvertedType::UTF8;
      break;
    case K::kJson:
      SLUICE_RETURN_IF_ERROR(CheckPhysical(col, is_bytes, "BYTE_ARRAY"));
      if (json_logical_type) {
        u.which = Which::JSON;
        el->converted_type = ConvertedType::JSON;
      } else {
        u.which = Which::STRING;
        el->converted_type = ConvertedType::UTF8;
      }
      break;
    case K::kDecimal: {
      if (lt.precision < 1 || lt.precision > 38 || lt.scale < 0 || lt.scale > lt.precision) {
        return Status::InvalidArgument("column '" + col.name + "': DECIMAL(" +
                                       std::to_string(lt.precision) + "," +
                                       std::to_string(lt.scale) +
                                       ") is outside what Parquet readers accept (1 <= p <= 38, "
                                       "0 <= s <= p)");
      }
      int max_precision = 0;
      if (phys == PhysicalType::kInt32) max_precision = 9;
      if (phys == PhysicalType::kInt64) max_precision = 18;
      if (phys == PhysicalType::kFixedLenByteArray) {
        // floor(log10(2^(8*n-1) - 1)) digits fit in n bytes.
        max_precision = static_cast<int>(std::floor(std::log10(2.0) * (8 * col.type_length - 1)));
      }
      if (phys == PhysicalType::kByteArray) max_precision = 38;
      if (lt.precision > max_precision) {
        return Status::InvalidArgument("column '" + col.name + "': DECIMAL precision " +
                                       std::to_string(lt.precision) + " does not fit " +
                                       DescribeType(col));
      }
      u.which = Which::DECIMAL;
      u.decimal_precision = lt.precision;
      u.decimal_scale = lt.scale;
      el->converted_type = ConvertedType::DECIMAL;
      el->precision = lt.precision;
      el->scale = lt.scale;
      break;
    }
    case K::kDate:
      SLUICE_RETURN_IF_ERROR(CheckPhysical(col, phys == PhysicalType::kInt32, "INT32"));
      u.which = Which::DATE;
      el->converted_type = ConvertedType::DATE;
      break;
    case K::kTime:
      SLUICE_RETURN_IF_ERROR(CheckPhysical(
          col, phys == (lt.unit == TimeUnit::kMillis ? PhysicalType::kInt32 : PhysicalType::kInt64),
          lt.unit == TimeUnit::kMillis ? "INT32" : "INT64"));
      u.which = Which::TIME;
      u.time_unit = UnitId(lt.unit);
      u.is_adjusted_to_utc = lt.adjusted_to_utc;
      if (lt.unit == TimeUnit::kMillis) el->converted_type = ConvertedType::TIME_MILLIS;
      if (lt.unit == TimeUnit::kMicros) el->converted_type = ConvertedType::TIME_MICROS;
      break;
    case K::kTimestamp:
      SLUICE_RETURN_IF_ERROR(CheckPhysical(col, phys == PhysicalType::kInt64, "INT64"));
      u.which = Which::TIMESTAMP;
      u.time_unit = UnitId(lt.unit);
      u.is_adjusted_to_utc = lt.adjusted_to_utc;
      // The legacy TIMESTAMP_* converted types imply UTC adjustment; only set them then, as
      // parquet-format's compatibility rules say.
      if (lt.adjusted_to_utc && lt.unit == TimeUnit::kMillis) {
        el->converted_type = ConvertedType::TIMESTAMP_MILLIS;
      }
      if (lt.adjusted_to_utc && lt.unit == TimeUnit::kMicros) {
        el->converted_type = ConvertedType::TIMESTAMP_MICROS;
      }
      break;
    case K::kInteger: {
      bool fits32 = lt.bit_width <= 32;
      SLUICE_RETURN_IF_ERROR(
          CheckPhysical(col, phys == (fits32 ? PhysicalType::kInt32 : PhysicalType::kInt64),
                        fits32 ? "INT32" : "INT64"));
      u.which = Which::INTEGER;
      u.int_bit_width = lt.bit_width;
      u.int_is_signed = lt.is_signed;
      static const ConvertedType kSigned[] = {ConvertedType::INT_8, ConvertedType::INT_16,
                                              ConvertedType::INT_32, ConvertedType::INT_64};
      static const ConvertedType kUnsigned[] = {ConvertedType::UINT_8, ConvertedType::UINT_16,
                                                ConvertedType::UINT_32, ConvertedType::UINT_64};
      int idx = lt.bit_width == 8 ? 0 : lt.bit_width == 16 ? 1 : lt.bit_width == 32 ? 2 : 3;
      el->converted_type = lt.is_signed ? kSigned[idx] : kUnsigned[idx];
      break;
    }
    case K::kUuid:
      SLUICE_RETURN_IF_ERROR(
          CheckPhysical(col, phys == PhysicalType::kFixedLenByteArray && col.type_length == 16,
                        "FIXED_LEN_BYTE_ARRAY(16)"));
      u.which = Which::UUID;
      break;
  }
  el->logical_type = u;
  return Status::OK();
}

LogicalType FromAnnotation(const SchemaElement& el) {
  if (el.logical_type) {
    const auto& u = *el.logical_type;
    switch (u.which) {
      case Which::STRING:
        return LogicalType::String();
      case Which::ENUM:
        return LogicalType::Enum();
      case Which::JSON:
        return LogicalType::Json();
      case Which::DECIMAL:
        return LogicalType::Decimal(u.decimal_precision, u.decimal_scale);
      case Which::DATE:
        return LogicalType::Date();
      case Which::TIME:
        return LogicalType::Time(UnitFromId(u.time_unit), u.is_adjusted_to_utc);
      case Which::TIMESTAMP:
        return LogicalType::Timestamp(UnitFromId(u.time_unit), u.is_adjusted_to_utc);
      case Which::INTEGER:
        return LogicalType::Integer(u.int_bit_width, u.int_is_signed);
      case Which::UUID:
        return LogicalType::Uuid();
      default:
        break;  // BSON, FLOAT16, UNKNOWN: keep the physical type
    }
  }
  if (!el.converted_type) return LogicalType::None();
  switch (*el.converted_type) {
    case ConvertedType::UTF8:
      return LogicalType::String();
    case ConvertedType::ENUM:
      return LogicalType::Enum();
    case ConvertedType::JSON:
      return LogicalType::Json();
    case ConvertedType::DECIMAL:
      return LogicalType::Decimal(el.precision.value_or(0), el.scale.value_or(0));
    case ConvertedType::DATE:
      return LogicalType::Date();
    case ConvertedType::TIME_MILLIS:
      return LogicalType::Time(TimeUnit::kMillis, true);
    case ConvertedType::TIME_MICROS:
      return LogicalType::Time(TimeUnit::kMicros, true);
    case ConvertedType::TIMESTAMP_MILLIS:
      return LogicalType::Timestamp(TimeUnit::kMillis, true);
    case ConvertedType::TIMESTAMP_MICROS:
      return LogicalType::Timestamp(TimeUnit::kMicros, true);
    case ConvertedType::INT_8:
      return LogicalType::Integer(8, true);
    case ConvertedType::INT_16:
      return LogicalType::Integer(16, true);
    case ConvertedType::INT_32:
      return LogicalType::Integer(32, true);
    case ConvertedType::INT_64:
      return LogicalType::Integer(64, true);
    case ConvertedType::UINT_8:
      return LogicalType::Integer(8, false);
    case ConvertedType::UINT_16:
      return LogicalType::Integer(16, false);
    case ConvertedType::UINT_32:
      return LogicalType::Integer(32, false);
    case ConvertedType::UINT_64:
      return LogicalType::Integer(64, false);
    default:
      return LogicalType::None();
  }
}

}  // namespace

int32_t DecimalByteWidth(int32_t precision) {
  for (int32_t bytes = 1; bytes <= 16; ++bytes) {
    if (std::floor(std::log10(2.0) * (8 * bytes - 1)) >= precision) return bytes;
  }
  return 16;
}

Result<std::vector<SchemaElement>> ToSchemaElements(const Schema& schema, bool json_logical_type) {
  std::vector<SchemaElement> out;
  SchemaElement root;
  root.name = "schema";
  root.num_children = schema.num_columns();
  out.push_back(root);
  for (const auto& col : schema.columns) {
    if (col.name.empty()) return Status::InvalidArgument("a column has an empty name");
    if (col.physical == PhysicalType::kFixedLenByteArray && col.type_length <= 0) {
      return Status::InvalidArgument("column '" + col.name +
                                     "': FIXED_LEN_BYTE_ARRAY needs a positive length");
    }
    SchemaElement el;
    el.name = col.name;
    el.type = static_cast<Type>(col.physical);
    if (col.physical == PhysicalType::kFixedLenByteArray) el.type_length = col.type_length;
    el.repetition_type =
        col.nullable ? FieldRepetitionType::OPTIONAL : FieldRepetitionType::REQUIRED;
    SLUICE_RETURN_IF_ERROR(Annotate(col, json_logical_type, &el));
    out.push_back(std::move(el));
  }
  return out;
}

Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements) {
  if (elements.empty()) return Status::Corruption("schema has no root element");
  const SchemaElement& root = elements[0];
  int64_t children = root.num_children.value_or(0);
  if (children < 0 || children != static_cast<int64_t>(elements.size()) - 1) {
    // Either nested (some child has children) or malformed; find which for the message.
    for (size_t idx = 1; idx < elements.size(); ++idx) {
      if (elements[idx].num_children.value_or(0) > 0) {
        return Status::NotSupported("column '" + elements[idx].name +
                                    "' is nested (LIST/MAP/STRUCT); sluice reads flat "
                                    "columns only");
      }
    }
    return Status::Corruption("schema root declares " + std::to_string(children) +
                              " children but the footer lists " +
                              std::to_string(elements.size() - 1) + " elements");
  }
  Schema schema;
  for (size_t idx = 1; idx < elements.size(); ++idx) {
    const SchemaElement& el = elements[idx];
    if (el.num_children.value_or(0) > 0 || !el.type) {
      return Status::NotSupported("column '" + el.name +
                                  "' is nested (LIST/MAP/STRUCT); sluice reads flat columns only");
    }
    if (el.repetition_type == FieldRepetitionType::REPEATED) {
      return Status::NotSupported("column '" + el.name +
                                  "' is REPEATED; sluice reads flat columns only");
    }
    int32_t type_value = static_cast<int32_t>(*el.type);
    if (type_value < 0 || type_value > 7) {
      return Status::Corruption("column '" + el.name + "' has unknown physical type " +
                                std::to_string(type_value));
    }
    ColumnSchema col;
    col.name = el.name;
    col.physical = static_cast<PhysicalType>(type_value);
    if (col.physical == PhysicalType::kFixedLenByteArray) {
      col.type_length = el.type_length.value_or(-1);
      if (col.type_length <= 0 || col.type_length > (1 << 24)) {
        return Status::Corruption("column '" + el.name +
                                  "' has invalid FIXED_LEN_BYTE_ARRAY "
                                  "length " +
                                  std::to_string(col.type_length));
      }
    }
    col.nullable = el.repetition_type != FieldRepetitionType::REQUIRED;
    col.logical = FromAnnotation(el);
    schema.columns.push_back(std::move(col));
  }
  return schema;
}

}  // namespace sluice::parquet

#include "sluice/schema.h"

#include <string>

#include "common/sha256.h"

namespace sluice {

const char* PhysicalTypeName(PhysicalType type) {
  switch (type) {
    case PhysicalType::kBoolean:
      return "BOOLEAN";
    case PhysicalType::kInt32:
      return "INT32";
    case PhysicalType::kInt64:
      return "INT64";
    case PhysicalType::kInt96:
      return "INT96";
    case PhysicalType::kFloat:
      return "FLOAT";
    case PhysicalType::kDouble:
      return "DOUBLE";
    case PhysicalType::kByteArray:
      return "BYTE_ARRAY";
    case PhysicalType::kFixedLenByteArray:
      return "FIXED_LEN_BYTE_ARRAY";
  }
  return "UNKNOWN";
}

int32_t FixedWidth(PhysicalType type, int32_t type_length) {
  switch (type) {
    case PhysicalType::kBoolean:
      return 1;
    case PhysicalType::kInt32:
      return 4;
    case PhysicalType::kInt64:
      return 8;
    case PhysicalType::kInt96:
      return 12;
    case PhysicalType::kFloat:
      return 4;
    case PhysicalType::kDouble:
      return 8;
    case PhysicalType::kByteArray:
      return 0;
    case PhysicalType::kFixedLenByteArray:
      return type_length;
  }
  return 0;
}

namespace {

const char* UnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return "MILLIS";
    case TimeUnit::kMicros:
      return "MICROS";
    case TimeUnit::kNanos:
      return "NANOS";
  }
  return "?";
}

std::string DescribeLogical(const LogicalType& t) {
  using K = LogicalType::Kind;
  switch (t.kind) {
    case K::kNone:
      return "";
    case K::kString:
      return "STRING";
    case K::kEnum:
      return "ENUM";
    case K::kJson:
      return "JSON";
    case K::kDecimal:
      return "DECIMAL(" + std::to_string(t.precision) + "," + std::to_string(t.scale) + ")";
    case K::kDate:
      return "DATE";
    case K::kTime:
      return std::string("TIME(") + UnitName(t.unit) + (t.adjusted_to_utc ? ",UTC)" : ",LOCAL)");
    case K::kTimestamp:
      return std::string("TIMESTAMP(") + UnitName(t.unit) +
             (t.adjusted_to_utc ? ",UTC)" : ",LOCAL)");
    case K::kInteger:
      return std::string(t.is_signed ? "INT(" : "UINT(") + std::to_string(t.bit_width) + ")";
    case K::kUuid:
      return "UUID";
  }
  return "?";
}

}  // namespace

std::string DescribeType(const ColumnSchema& column) {
  std::string out = PhysicalTypeName(column.physical);
  if (column.physical == PhysicalType::kFixedLenByteArray) {
    out += "(" + std::to_string(column.type_length) + ")";
  }
  std::string logical = DescribeLogical(column.logical);
  if (!logical.empty()) out += " " + logical;
  return out;
}

int Schema::FindColumn(const std::string& name) const {
  for (size_t idx = 0; idx < columns.size(); ++idx) {
    if (columns[idx].name == name) return static_cast<int>(idx);
  }
  return -1;
}

std::string Schema::ToCanonicalString() const {
  std::string out;
  for (const auto& col : columns) {
    out += col.name;
    out += ':';
    out += DescribeType(col);
    out += col.nullable ? ":OPTIONAL;" : ":REQUIRED;";
  }
  return out;
}

std::string Schema::Hash() const { return Sha256Hex(ToCanonicalString()).substr(0, 16); }

}  // namespace sluice

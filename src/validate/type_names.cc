#include "validate/type_names.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "validate/text_parse.h"

namespace sluice::validate {

namespace {

std::string Lower(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    if (ch != ' ') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  }
  return out;
}

bool ParseTwoInts(std::string_view inner, int* first, int* second) {
  size_t comma = inner.find(',');
  if (comma == std::string_view::npos) return false;
  auto a = std::from_chars(inner.data(), inner.data() + comma, *first);
  auto b = std::from_chars(inner.data() + comma + 1, inner.data() + inner.size(), *second);
  return a.ec == std::errc() && a.ptr == inner.data() + comma && b.ec == std::errc() &&
         b.ptr == inner.data() + inner.size();
}

}  // namespace

Result<std::string> NormalizeTypeName(std::string_view name) {
  std::string lower = Lower(name);
  if (lower.starts_with("decimal(") || lower.starts_with("numeric(")) {
    if (!lower.ends_with(")")) {
      return Status::InvalidArgument("type '" + std::string(name) + "': expected decimal(P,S)");
    }
    size_t open = lower.find('(');
    int precision = 0, scale = 0;
    if (!ParseTwoInts(std::string_view(lower).substr(open + 1, lower.size() - open - 2), &precision,
                      &scale) ||
        precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
      return Status::InvalidArgument("type '" + std::string(name) +
                                     "': expected decimal(P,S) with 1 <= P <= 38 and 0 <= S <= P");
    }
    return "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
  }
  static const std::pair<const char*, const char*> kAliases[] = {
      {"int", "int64"},     {"bigint", "int64"}, {"varchar", "string"},     {"text", "string"},
      {"utf8", "string"},   {"boolean", "bool"}, {"datetime", "timestamp"}, {"float64", "double"},
      {"float32", "float"}, {"bytes", "binary"},
  };
  for (const auto& [alias, canonical] : kAliases) {
    if (lower == alias) return std::string(canonical);
  }
  static const char* kNames[] = {"bool",   "int8",   "int16",  "int32", "int64",     "uint8",
                                 "uint16", "uint32", "uint64", "float", "double",    "string",
                                 "json",   "binary", "date",   "time",  "timestamp", "uuid"};
  for (const char* known : kNames) {
    if (lower == known) return lower;
  }
  return Status::InvalidArgument(
      "unknown type '" + std::string(name) +
      "' (expected bool, int8..int64, uint8..uint64, float, double, decimal(P,S), string, json, "
      "binary, date, time, timestamp, uuid)");
}

std::string TypeNameOf(const ColumnSchema& column) {
  using K = LogicalType::Kind;
  const LogicalType& lt = column.logical;
  if (lt.kind == K::kDecimal) {
    return "decimal(" + std::to_string(lt.precision) + "," + std::to_string(lt.scale) + ")";
  }
  switch (column.physical) {
    case PhysicalType::kBoolean:
      return "bool";
    case PhysicalType::kInt32:
      if (lt.kind == K::kDate) return "date";
      if (lt.kind == K::kTime) return "time";
      if (lt.kind == K::kInteger) {
        return std::string(lt.is_signed ? "int" : "uint") + std::to_string(lt.bit_width);
      }
      return "int32";
    case PhysicalType::kInt64:
      if (lt.kind == K::kTimestamp) return "timestamp";
      if (lt.kind == K::kTime) return "time";
      if (lt.kind == K::kInteger) {
        return std::string(lt.is_signed ? "int" : "uint") + std::to_string(lt.bit_width);
      }
      return "int64";
    case PhysicalType::kInt96:
      return "timestamp";
    case PhysicalType::kFloat:
      return "float";
    case PhysicalType::kDouble:
      return "double";
    case PhysicalType::kByteArray:
      if (lt.kind == K::kString || lt.kind == K::kEnum) return "string";
      if (lt.kind == K::kJson) return "json";
      return "binary";
    case PhysicalType::kFixedLenByteArray:
      if (lt.kind == K::kUuid) return "uuid";
      return "binary";
  }
  return "binary";
}

Status ParseCastTarget(std::string_view name, CastSpec* spec) {
  SLUICE_ASSIGN_OR_RETURN(std::string canonical, NormalizeTypeName(name));
  if (canonical.starts_with("decimal(")) {
    int precision = 0, scale = 0;
    ParseTwoInts(std::string_view(canonical).substr(8, canonical.size() - 9), &precision, &scale);
    spec->target = CastTarget::kDecimal;
    spec->precision = precision;
    spec->scale = scale;
    return Status::OK();
  }
  if (canonical == "string") {
    spec->target = CastTarget::kString;
  } else if (canonical == "int32") {
    spec->target = CastTarget::kInt32;
  } else if (canonical == "int64") {
    spec->target = CastTarget::kInt64;
  } else if (canonical == "double") {
    spec->target = CastTarget::kDouble;
  } else if (canonical == "date") {
    spec->target = CastTarget::kDate;
  } else if (canonical == "timestamp") {
    spec->target = CastTarget::kTimestamp;
  } else {
    return Status::InvalidArgument("cannot cast to '" + std::string(name) +
                                   "' (cast targets: string, int32, int64, double, "
                                   "decimal(P,S), date, timestamp)");
  }
  return Status::OK();
}

std::string CastTargetName(const CastSpec& spec) {
  switch (spec.target) {
    case CastTarget::kKeep:
      return "unchanged";
    case CastTarget::kString:
      return "STRING";
    case CastTarget::kInt32:
      return "INT32";
    case CastTarget::kInt64:
      return "INT64";
    case CastTarget::kDouble:
      return "DOUBLE";
    case CastTarget::kDecimal:
      return "DECIMAL(" + std::to_string(spec.precision) + "," + std::to_string(spec.scale) + ")";
    case CastTarget::kDate:
      return "DATE";
    case CastTarget::kTimestamp:
      return "TIMESTAMP";
  }
  return "?";
}

int DecimalByteWidth(int precision) {
  __int128 max_value = 1;
  for (int digit = 0; digit < precision; ++digit) max_value *= 10;
  max_value -= 1;
  for (int width = 1; width < 16; ++width) {
    __int128 limit = (static_cast<__int128>(1) << (8 * width - 1)) - 1;
    if (max_value <= limit) return width;
  }
  return 16;
}

}  // namespace sluice::validate

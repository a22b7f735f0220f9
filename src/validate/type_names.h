// Type names used in contracts and --cast flags ("int64", "decimal(12,2)", "string", ...): parsing
// and normalising them, and naming the type of a schema column the same way, so a `type` check
// is a string comparison.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "sluice/result.h"
#include "sluice/schema.h"
#include "sluice/validate.h"

namespace sluice::validate {

/// Canonical spelling of a type name: lower case, aliases resolved (int/bigint -> int64,
/// varchar/text -> string, boolean -> bool, datetime -> timestamp, numeric -> decimal,
/// float64 -> double, float32 -> float), "decimal(p, s)" -> "decimal(p,s)".
/// InvalidArgument for an unknown name.
Result<std::string> NormalizeTypeName(std::string_view name);

/// The canonical type name of a column: "int32", "uint64", "decimal(12,2)", "date",
/// "timestamp", "time", "string", "json", "binary", "bool", "float", "double", "uuid".
std::string TypeNameOf(const ColumnSchema& column);

/// A cast target from a canonical or alias type name (string, int32, int64, double,
/// decimal(p,s), date, timestamp). InvalidArgument for other types.
Status ParseCastTarget(std::string_view name, CastSpec* spec);

/// "DECIMAL(12,2)", "INT64", ... for messages.
std::string CastTargetName(const CastSpec& spec);

/// Minimal FIXED_LEN_BYTE_ARRAY width holding every DECIMAL(precision) value (Parquet's rule).
int DecimalByteWidth(int precision);

}  // namespace sluice::validate

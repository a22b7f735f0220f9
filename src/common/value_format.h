// Lossless text forms of column values, shared by `sluice cat`, `sluice inspect`, the query
// engine's output and tests. The forms match what ../shared/tools/pqcheck prints, so outputs can
// be compared line by line:
//   64-bit integers: a JSON number when |v| <= 2^53-1, else a digit string (JS-safe, exact);
//   DECIMAL: a string with exactly `scale` fraction digits; DATE "2024-02-29";
//   TIMESTAMP "2024-02-29T23:59:59.123456" (+ "Z" when UTC-adjusted), digits per unit;
//   TIME "23:59:59.999999"; FLOAT/DOUBLE shortest round-trip ("NaN", "Infinity" as strings);
//   binary as lowercase hex; UUID in 8-4-4-4-12 form.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice {

/// Appends the JSON text of col[row] (typed by `column`) to *out.
void AppendJsonValue(const ColumnSchema& column, const ColumnVector& col, int64_t row,
                     std::string* out);

/// Exact decimal text of a big-endian two's-complement unscaled value (1..16 bytes).
std::string FormatDecimalBigEndian(const uint8_t* bytes, size_t size, int32_t scale);
/// Exact decimal text of an unscaled integer.
std::string FormatDecimal(__int128 unscaled, int32_t scale);
/// "YYYY-MM-DD" for days since 1970-01-01.
std::string FormatDate(int64_t days);
/// "YYYY-MM-DDTHH:MM:SS.ffffff" for `value` units since the epoch (fraction digits per unit).
std::string FormatTimestamp(int64_t value, TimeUnit unit);
/// "HH:MM:SS.ffffff" for `value` units since midnight.
std::string FormatTime(int64_t value, TimeUnit unit);
/// JSON string literal with escapes.
void AppendJsonString(std::string_view text, std::string* out);

}  // namespace sluice

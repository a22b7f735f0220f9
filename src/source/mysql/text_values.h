// Parsers for the text forms MySQL/MariaDB send (text protocol, --cast columns, MIN/MAX probes)
// into Parquet physical values. Strict: junk is an error, never 0.
// Temporal values are proleptic Gregorian; DATETIME/TIMESTAMP become microseconds since
// 1970-01-01 00:00:00, DATE days since 1970-01-01, TIME signed microseconds.
// Zero dates ('0000-00-00', or a zero month/day) parse to std::nullopt: the caller stores NULL
// and counts it.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::mysql {

Result<int64_t> ParseInt64Text(std::string_view text);
Result<uint64_t> ParseUInt64Text(std::string_view text);
Result<double> ParseDoubleText(std::string_view text);
Result<float> ParseFloatText(std::string_view text);
/// "0"/"1"/"true"/"false" (any case), and any integer (non-zero is true).
Result<bool> ParseBoolText(std::string_view text);

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);
/// Inverse of DaysFromCivil.
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day);

/// "YYYY-MM-DD" -> days; nullopt for a zero date.
Result<std::optional<int32_t>> ParseDateText(std::string_view text);
/// "YYYY-MM-DD[ HH:MM:SS[.ffffff]]" (also 'T') -> micros; nullopt for a zero date.
Result<std::optional<int64_t>> ParseDatetimeText(std::string_view text);
/// "[-]H...H:MM:SS[.ffffff]" -> signed micros (MySQL TIME spans -838:59:59 .. 838:59:59).
Result<int64_t> ParseTimeText(std::string_view text);

/// "YYYY-MM-DD".
std::string FormatDate(int32_t days);
/// "YYYY-MM-DD HH:MM:SS.ffffff".
std::string FormatDatetime(int64_t micros);

}  // namespace sluice::mysql

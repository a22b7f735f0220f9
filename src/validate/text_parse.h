// Exact text-to-value parsers used by casts and by contract literals: decimals (never through
// floating point), integers, doubles, dates and timestamps with an explicit pattern.
//
// The hot-path functions return a bool and a static reason string instead of a Status, so a
// column full of bad values costs no allocation per row.
// Thread-safety: pure functions; compiled patterns are immutable values.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice::validate {

/// Largest DECIMAL precision: 10^38 - 1 < 2^127 fits an int128, and FLBA(16) is what Parquet
/// readers accept.
inline constexpr int kMaxDecimalPrecision = 38;

/// How numbers are written: which character groups digits and which is the decimal point.
enum class NumberStyle {
  kPlain,     // 1234.5      no grouping
  kComma,     // 1,234.5     ',' groups, '.' decimal point
  kDotComma,  // 1.234,5     '.' groups, ',' decimal point
};

/// "plain" (or ""), "comma", "dot_comma".
Result<NumberStyle> ParseNumberStyle(std::string_view name);

/// ASCII whitespace (space, \t, \n, \r, \f, \v) removed from both ends. Inline: casts call it
/// once per value.
inline std::string_view TrimAscii(std::string_view text) {
  auto space = [](char ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); };
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && space(text[begin])) ++begin;
  while (end > begin && space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

/// Parses a decimal number into its unscaled value at `scale`. Accepts an optional sign, digits
/// with grouping per `style` (groups of exactly 3 after the first group of 1-3), and an optional
/// fraction. Rounding rule: none. A value with more than `scale` fraction digits is rejected
/// unless the extra digits are all zero; a value with more than precision - scale integer
/// digits is rejected. No exponents.
bool ParseDecimal(std::string_view text, NumberStyle style, int precision, int scale, __int128* out,
                  const char** why);

/// Parses an integer in [min, max] (no fraction, no exponent), grouping per `style`.
bool ParseInteger(std::string_view text, NumberStyle style, int64_t min, int64_t max, int64_t* out,
                  const char** why);

/// Parses a finite double (exponent allowed; "nan" and "inf" are rejected).
bool ParseDouble(std::string_view text, NumberStyle style, double* out, const char** why);

/// Days since 1970-01-01 of a proleptic Gregorian date.
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day);

/// A compiled date/time pattern. Directives: %Y (4 digits), %m %d %H %M %S (1-2 digits),
/// %f (optional '.' and 1-9 fraction digits; beyond 6 digits they must be zeros), %% ('%').
/// Any other character matches itself.
class DateTimePattern {
 public:
  /// `date_only`: the pattern may not contain %H %M %S %f. %Y %m %d are required.
  static Result<DateTimePattern> Compile(std::string_view pattern, bool date_only);

  /// Days since the epoch (date_only patterns) or microseconds since the epoch (naive, no time
  /// zone) into *out.
  bool Parse(std::string_view text, int64_t* out, const char** why) const;
  const std::string& text() const { return text_; }

 private:
  enum class Item : char { kLiteral, kYear, kMonth, kDay, kHour, kMinute, kSecond, kFraction };
  struct Step {
    Item item;
    char literal;
  };
  std::string text_;
  std::vector<Step> steps_;
  bool date_only_ = false;
};

/// Parses a contract literal in a column's own representation.
/// "2024-02-29" -> days; "2024-02-29 12:00:00[.ffffff]" or with 'T' -> micros.
Result<int64_t> ParseIsoDate(std::string_view text);
Result<int64_t> ParseIsoTimestampMicros(std::string_view text);

}  // namespace sluice::validate

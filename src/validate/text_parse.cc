#include "validate/text_parse.h"

#include <charconv>
#include <cmath>
#include <limits>

namespace sluice::validate {

namespace {

bool IsDigit(char ch) { return ch >= '0' && ch <= '9'; }

char GroupChar(NumberStyle style) {
  switch (style) {
    case NumberStyle::kPlain:
      return '\0';
    case NumberStyle::kComma:
      return ',';
    case NumberStyle::kDotComma:
      return '.';
  }
  return '\0';
}
char PointChar(NumberStyle style) { return style == NumberStyle::kDotComma ? ',' : '.'; }

// The pieces of a number's text: sign, integer digits (grouping removed, into `int_digits`),
// fraction digits. Validates grouping. Returns false with *why on malformed text.
struct NumberParts {
  bool negative = false;
  std::string_view fraction;
  // Integer digits without separators; at most 64 kept inline (more is out of range for every
  // target anyway, 38 digits being the largest precision).
  char int_digits[64];
  int int_len = 0;
  bool int_overflow = false;
  std::string_view rest;  // text after the number (exponent for doubles)
};

bool SplitNumber(std::string_view text, NumberStyle style, bool allow_fraction, NumberParts* parts,
                 const char** why) {
  size_t pos = 0;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    parts->negative = text[pos] == '-';
    ++pos;
  }
  const char group = GroupChar(style);
  const char point = PointChar(style);
  // Integer part with optional grouping: first group 1-3 digits, then separator + 3 digits.
  int digits_in_group = 0;
  bool grouped = false;
  bool any_int_digit = false;
  while (pos < text.size()) {
    char ch = text[pos];
    if (IsDigit(ch)) {
      if (parts->int_len < static_cast<int>(sizeof(parts->int_digits))) {
        parts->int_digits[parts->int_len++] = ch;
      } else {
        parts->int_overflow = true;
      }
      ++digits_in_group;
      any_int_digit = true;
      ++pos;
    } else if (group != '\0' && ch == group) {
      if (!any_int_digit || (grouped ? digits_in_group != 3 : digits_in_group > 3)) {
        *why = "misplaced digit group separator";
        return false;
      }
      grouped = true;
      digits_in_group = 0;
      ++pos;
      if (pos >= text.size() || !IsDigit(text[pos])) {
        *why = "misplaced digit group separator";
        return false;
      }
    } else {
      break;
    }
  }
  if (grouped && digits_in_group != 3) {
    *why = "misplaced digit group separator";
    return false;
  }
  bool any_fraction_digit = false;
  if (pos < text.size() && text[pos] == point) {
    if (!allow_fraction) {
      *why = "not an integer";
      return false;
    }
    ++pos;
    size_t start = pos;
    while (pos < text.size() && IsDigit(text[pos])) ++pos;
    parts->fraction = text.substr(start, pos - start);
    any_fraction_digit = pos > start;
  }
  if (!any_int_digit && !any_fraction_digit) {
    *why = text.empty() ? "empty text" : "not a number";
    return false;
  }
  parts->rest = text.substr(pos);
  return true;
}

}  // namespace

Result<NumberStyle> ParseNumberStyle(std::string_view name) {
  if (name.empty() || name == "plain") return NumberStyle::kPlain;
  if (name == "comma") return NumberStyle::kComma;
  if (name == "dot_comma") return NumberStyle::kDotComma;
  return Status::InvalidArgument("unknown number format '" + std::string(name) +
                                 "' (expected plain, comma or dot_comma)");
}

namespace {

// The common case of ParseDecimal in one pass without copying digits: [sign] digits [point
// digits], at most 18 significant digits in all (so int64 arithmetic is exact). False means
// "not decided here" (grouping, too many digits, extra fraction digits, junk): the general
// parser then gives the exact answer or the reason.
bool ParseDecimalFast(std::string_view text, char point, int precision, int scale, int64_t* out) {
  const char* at = text.data();
  const char* end = at + text.size();
  bool negative = false;
  if (at < end && (*at == '-' || *at == '+')) negative = *at++ == '-';
  while (at < end && *at == '0') ++at;  // leading zeros do not count toward the precision
  const char* int_start = at;
  uint64_t value = 0;
  while (at < end && IsDigit(*at)) value = value * 10 + static_cast<uint64_t>(*at++ - '0');
  const int int_digits = static_cast<int>(at - int_start);
  bool any_digit = int_digits > 0 || (int_start > text.data() && int_start[-1] == '0');
  if (int_digits > precision - scale || int_digits + scale > 18) return false;
  int fraction_digits = 0;
  if (at < end && *at == point) {
    ++at;
    while (at < end && IsDigit(*at) && fraction_digits < scale) {
      value = value * 10 + static_cast<uint64_t>(*at++ - '0');
      ++fraction_digits;
      any_digit = true;
    }
  }
  if (at != end || !any_digit) return false;
  for (; fraction_digits < scale; ++fraction_digits) value *= 10;
  *out = negative ? -static_cast<int64_t>(value) : static_cast<int64_t>(value);
  return true;
}

}  // namespace

bool ParseDecimal(std::string_view text, NumberStyle style, int precision, int scale, __int128* out,
                  const char** why) {
  int64_t fast = 0;
  if (ParseDecimalFast(text, PointChar(style), precision, scale, &fast)) {
    *out = fast;
    return true;
  }
  NumberParts parts;
  if (!SplitNumber(text, style, /*allow_fraction=*/true, &parts, why)) return false;
  if (!parts.rest.empty()) {
    *why = parts.rest[0] == 'e' || parts.rest[0] == 'E' ? "exponents are not accepted"
                                                        : "unexpected character";
    return false;
  }
  // Leading zeros do not count toward the precision.
  int first = 0;
  while (first < parts.int_len && parts.int_digits[first] == '0') ++first;
  if (parts.int_overflow || parts.int_len - first > precision - scale) {
    *why = "too many integer digits for the precision";
    return false;
  }
  // Rounding rule: none. Extra fraction digits are accepted only when they are zeros.
  for (size_t idx = static_cast<size_t>(scale); idx < parts.fraction.size(); ++idx) {
    if (parts.fraction[idx] != '0') {
      *why = "more fraction digits than the scale";
      return false;
    }
  }
  __int128 value = 0;
  for (int idx = first; idx < parts.int_len; ++idx)
    value = value * 10 + (parts.int_digits[idx] - '0');
  for (int idx = 0; idx < scale; ++idx) {
    int digit = static_cast<size_t>(idx) < parts.fraction.size()
                    ? parts.fraction[static_cast<size_t>(idx)] - '0'
                    : 0;
    value = value * 10 + digit;
  }
  *out = parts.negative ? -value : value;
  return true;
}

bool ParseInteger(std::string_view text, NumberStyle style, int64_t min, int64_t max, int64_t* out,
                  const char** why) {
  NumberParts parts;
  if (!SplitNumber(text, style, /*allow_fraction=*/false, &parts, why)) return false;
  if (!parts.rest.empty()) {
    *why = "unexpected character";
    return false;
  }
  // 19 digits hold every int64 magnitude; accumulate in int128 so the check is exact.
  int first = 0;
  while (first < parts.int_len && parts.int_digits[first] == '0') ++first;
  if (parts.int_overflow || parts.int_len - first > 19) {
    *why = "out of range";
    return false;
  }
  __int128 value = 0;
  for (int idx = first; idx < parts.int_len; ++idx)
    value = value * 10 + (parts.int_digits[idx] - '0');
  if (parts.negative) value = -value;
  if (value < min || value > max) {
    *why = "out of range";
    return false;
  }
  *out = static_cast<int64_t>(value);
  return true;
}

bool ParseDouble(std::string_view text, NumberStyle style, double* out, const char** why) {
  NumberParts parts;
  if (!SplitNumber(text, style, /*allow_fraction=*/true, &parts, why)) return false;
  // Rebuild plain text ("-123.45e6") for from_chars; the exponent is the only allowed rest.
  std::string_view rest = parts.rest;
  if (!rest.empty()) {
    if (rest[0] != 'e' && rest[0] != 'E') {
      *why = "unexpected character";
      return false;
    }
    size_t pos = 1;
    if (pos < rest.size() && (rest[pos] == '+' || rest[pos] == '-')) ++pos;
    size_t digits = pos;
    while (pos < rest.size() && IsDigit(rest[pos])) ++pos;
    if (pos == digits || pos != rest.size()) {
      *why = "malformed exponent";
      return false;
    }
  }
  std::string plain;
  plain.reserve(static_cast<size_t>(parts.int_len) + parts.fraction.size() + rest.size() + 3);
  if (parts.negative) plain.push_back('-');
  if (parts.int_overflow) {
    *why = "too many digits";
    return false;
  }
  if (parts.int_len == 0) plain.push_back('0');
  plain.append(parts.int_digits, static_cast<size_t>(parts.int_len));
  if (!parts.fraction.empty()) {
    plain.push_back('.');
    plain.append(parts.fraction);
  }
  plain.append(rest);
  double value = 0;
  auto res = std::from_chars(plain.data(), plain.data() + plain.size(), value);
  if (res.ec != std::errc() || res.ptr != plain.data() + plain.size() || !std::isfinite(value)) {
    *why = "out of range for DOUBLE";
    return false;
  }
  *out = value;
  return true;
}

int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  // H. Hinnant's days_from_civil (proleptic Gregorian), the inverse of FormatDate's algorithm.
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

namespace {

unsigned DaysInMonth(int64_t year, unsigned month) {
  static const unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

// Reads min_digits..max_digits digits at *pos.
bool ReadDigits(std::string_view text, size_t* pos, int min_digits, int max_digits, int64_t* out) {
  int64_t value = 0;
  int count = 0;
  while (*pos < text.size() && count < max_digits && IsDigit(text[*pos])) {
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
    ++count;
  }
  *out = value;
  return count >= min_digits;
}

}  // namespace

Result<DateTimePattern> DateTimePattern::Compile(std::string_view pattern, bool date_only) {
  DateTimePattern out;
  out.text_ = std::string(pattern);
  out.date_only_ = date_only;
  bool has_year = false, has_month = false, has_day = false;
  for (size_t pos = 0; pos < pattern.size(); ++pos) {
    char ch = pattern[pos];
    if (ch != '%') {
      out.steps_.push_back({Item::kLiteral, ch});
      continue;
    }
    if (++pos >= pattern.size()) {
      return Status::InvalidArgument("format '" + out.text_ + "' ends with '%'");
    }
    Item item;
    switch (pattern[pos]) {
      case 'Y':
        item = Item::kYear;
        has_year = true;
        break;
      case 'm':
        item = Item::kMonth;
        has_month = true;
        break;
      case 'd':
        item = Item::kDay;
        has_day = true;
        break;
      case 'H':
        item = Item::kHour;
        break;
      case 'M':
        item = Item::kMinute;
        break;
      case 'S':
        item = Item::kSecond;
        break;
      case 'f':
        item = Item::kFraction;
        break;
      case '%':
        out.steps_.push_back({Item::kLiteral, '%'});
        continue;
      default:
        return Status::InvalidArgument("format '" + out.text_ + "': unknown directive '%" +
                                       std::string(1, pattern[pos]) +
                                       "' (supported: %Y %m %d %H %M %S %f %%)");
    }
    if (date_only && item >= Item::kHour) {
      return Status::InvalidArgument("format '" + out.text_ +
                                     "': a DATE format cannot contain time directives");
    }
    out.steps_.push_back({item, '\0'});
  }
  if (!has_year || !has_month || !has_day) {
    return Status::InvalidArgument("format '" + out.text_ + "' needs %Y, %m and %d");
  }
  return out;
}

bool DateTimePattern::Parse(std::string_view text, int64_t* out, const char** why) const {
  int64_t year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, micros = 0;
  size_t pos = 0;
  for (const Step& step : steps_) {
    bool ok = true;
    switch (step.item) {
      case Item::kLiteral:
        ok = pos < text.size() && text[pos] == step.literal;
        if (ok) ++pos;
        break;
      case Item::kYear:
        ok = ReadDigits(text, &pos, 4, 4, &year);
        break;
      case Item::kMonth:
        ok = ReadDigits(text, &pos, 1, 2, &month);
        break;
      case Item::kDay:
        ok = ReadDigits(text, &pos, 1, 2, &day);
        break;
      case Item::kHour:
        ok = ReadDigits(text, &pos, 1, 2, &hour);
        break;
      case Item::kMinute:
        ok = ReadDigits(text, &pos, 1, 2, &minute);
        break;
      case Item::kSecond:
        ok = ReadDigits(text, &pos, 1, 2, &second);
        break;
      case Item::kFraction:
        if (pos < text.size() && text[pos] == '.') {
          ++pos;
          int digits = 0;
          while (pos < text.size() && IsDigit(text[pos])) {
            // Digits beyond microseconds must be zeros: truncating would change the value.
            if (digits >= 6 && text[pos] != '0') {
              *why = "more than 6 fraction digits";
              return false;
            }
            if (digits < 6) micros = micros * 10 + (text[pos] - '0');
            ++digits;
            ++pos;
          }
          if (digits == 0 || digits > 9) {
            *why = "malformed fraction of a second";
            return false;
          }
          for (int pad = digits; pad < 6; ++pad) micros *= 10;
        }
        break;
    }
    if (!ok) {
      *why = "does not match the format";
      return false;
    }
  }
  if (pos != text.size()) {
    *why = "unexpected text after the format";
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, static_cast<unsigned>(month))) {
    *why = "no such date";
    return false;
  }
  if (hour > 23 || minute > 59 || second > 59) {
    *why = "no such time of day";
    return false;
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  if (date_only_) {
    *out = days;
  } else {
    // 86,400,000,000 microseconds per day.
    *out = days * 86'400'000'000LL + ((hour * 60 + minute) * 60 + second) * 1'000'000LL + micros;
  }
  return true;
}

Result<int64_t> ParseIsoDate(std::string_view text) {
  static const auto* kPattern =
      new DateTimePattern(DateTimePattern::Compile("%Y-%m-%d", true).value());
  int64_t out = 0;
  const char* why = "";
  if (!kPattern->Parse(text, &out, &why)) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not a date YYYY-MM-DD: " + why);
  }
  return out;
}

Result<int64_t> ParseIsoTimestampMicros(std::string_view text) {
  static const auto* kSpace =
      new DateTimePattern(DateTimePattern::Compile("%Y-%m-%d %H:%M:%S%f", false).value());
  static const auto* kT =
      new DateTimePattern(DateTimePattern::Compile("%Y-%m-%dT%H:%M:%S%f", false).value());
  static const auto* kDay =
      new DateTimePattern(DateTimePattern::Compile("%Y-%m-%d", false).value());
  int64_t out = 0;
  const char* why = "";
  if (kSpace->Parse(text, &out, &why) || kT->Parse(text, &out, &why) ||
      kDay->Parse(text, &out, &why)) {
    return out;
  }
  return Status::InvalidArgument("'" + std::string(text) +
                                 "' is not a timestamp YYYY-MM-DD[ HH:MM:SS[.ffffff]]");
}

}  // namespace sluice::validate

#include "source/mysql/text_values.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace sluice::mysql {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;

Status Bad(const char* what, std::string_view text) {
  return Status::InvalidArgument(std::string("bad ") + what + " value '" + std::string(text) + "'");
}

// Parses exactly `count` digits at text[*pos]; advances *pos.
bool Digits(std::string_view text, size_t* pos, size_t count, int64_t* out) {
  if (*pos + count > text.size()) return false;
  int64_t value = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    char ch = text[*pos + idx];
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + (ch - '0');
  }
  *pos += count;
  *out = value;
  return true;
}

// Parses ".ffffff" (1..6 digits; more are rejected) at text[*pos] into micros.
bool Fraction(std::string_view text, size_t* pos, int64_t* micros) {
  *micros = 0;
  if (*pos >= text.size()) return true;
  if (text[*pos] != '.') return false;
  ++*pos;
  size_t digits = 0;
  int64_t value = 0;
  while (*pos < text.size() && text[*pos] >= '0' && text[*pos] <= '9') {
    // MySQL's finest fractional precision is microseconds (fsp 6).
    if (++digits > 6) return false;
    value = value * 10 + (text[*pos] - '0');
    ++*pos;
  }
  if (digits == 0) return false;
  for (; digits < 6; ++digits) value *= 10;
  *micros = value;
  return true;
}

}  // namespace

Result<int64_t> ParseInt64Text(std::string_view text) {
  int64_t value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Bad("integer", text);
  }
  return value;
}

Result<uint64_t> ParseUInt64Text(std::string_view text) {
  uint64_t value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Bad("unsigned integer", text);
  }
  return value;
}

Result<double> ParseDoubleText(std::string_view text) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Bad("DOUBLE", text);
  }
  return value;
}

Result<float> ParseFloatText(std::string_view text) {
  float value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    return Bad("FLOAT", text);
  }
  return value;
}

Result<bool> ParseBoolText(std::string_view text) {
  std::string lower;
  for (char ch : text) lower.push_back(static_cast<char>(std::tolower(ch)));
  if (lower == "true") return true;
  if (lower == "false") return false;
  auto number = ParseInt64Text(text);
  if (!number.ok()) return Bad("boolean", text);
  return *number != 0;
}

// Howard Hinnant's days_from_civil (public domain algorithm, chrono-compatible).
int64_t DaysFromCivil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = static_cast<int64_t>(yoe) + era * 400 + (*month <= 2);
}

Result<std::optional<int32_t>> ParseDateText(std::string_view text) {
  size_t pos = 0;
  int64_t year = 0, month = 0, day = 0;
  if (!Digits(text, &pos, 4, &year) || pos >= text.size() || text[pos++] != '-' ||
      !Digits(text, &pos, 2, &month) || pos >= text.size() || text[pos++] != '-' ||
      !Digits(text, &pos, 2, &day) || pos != text.size() || month > 12 || day > 31) {
    return Bad("DATE", text);
  }
  if (month == 0 || day == 0) return std::optional<int32_t>();
  return std::optional<int32_t>(static_cast<int32_t>(
      DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day))));
}

Result<std::optional<int64_t>> ParseDatetimeText(std::string_view text) {
  if (text.size() < 10) return Bad("DATETIME", text);
  auto date = ParseDateText(text.substr(0, 10));
  if (!date.ok()) return Bad("DATETIME", text);
  size_t pos = 10;
  int64_t hour = 0, minute = 0, second = 0, micros = 0;
  if (pos < text.size()) {
    if ((text[pos] != ' ' && text[pos] != 'T')) return Bad("DATETIME", text);
    ++pos;
    if (!Digits(text, &pos, 2, &hour) || pos >= text.size() || text[pos++] != ':' ||
        !Digits(text, &pos, 2, &minute) || pos >= text.size() || text[pos++] != ':' ||
        !Digits(text, &pos, 2, &second) || !Fraction(text, &pos, &micros) || pos != text.size() ||
        hour > 23 || minute > 59 || second > 59) {
      return Bad("DATETIME", text);
    }
  }
  if (!date->has_value()) return std::optional<int64_t>();
  return std::optional<int64_t>(static_cast<int64_t>(**date) * kMicrosPerDay +
                                (hour * 3600 + minute * 60 + second) * kMicrosPerSecond + micros);
}

Result<int64_t> ParseTimeText(std::string_view text) {
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && text[pos] == '-') {
    negative = true;
    ++pos;
  }
  size_t hour_begin = pos;
  int64_t hours = 0;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    hours = hours * 10 + (text[pos] - '0');
    // MySQL TIME hours stop at 838; 7 digits is far past any valid value.
    if (pos - hour_begin > 6) return Bad("TIME", text);
    ++pos;
  }
  int64_t minute = 0, second = 0, micros = 0;
  if (pos == hour_begin || pos >= text.size() || text[pos++] != ':' ||
      !Digits(text, &pos, 2, &minute) || pos >= text.size() || text[pos++] != ':' ||
      !Digits(text, &pos, 2, &second) || !Fraction(text, &pos, &micros) || pos != text.size() ||
      minute > 59 || second > 59) {
    return Bad("TIME", text);
  }
  int64_t value = (hours * 3600 + minute * 60 + second) * kMicrosPerSecond + micros;
  return negative ? -value : value;
}

std::string FormatDate(int32_t days) {
  int64_t year = 0;
  unsigned month = 0, day = 0;
  CivilFromDays(days, &year, &month, &day);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
  return buf;
}

std::string FormatDatetime(int64_t micros) {
  int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-micros - 1) / kMicrosPerDay) - 1;
  int64_t rest = micros - days * kMicrosPerDay;
  int64_t seconds = rest / kMicrosPerSecond;
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%s %02lld:%02lld:%02lld.%06lld",
                FormatDate(static_cast<int32_t>(days)).c_str(),
                static_cast<long long>(seconds / 3600), static_cast<long long>(seconds / 60 % 60),
                static_cast<long long>(seconds % 60),
                static_cast<long long>(rest % kMicrosPerSecond));
  return buf;
}

}  // namespace sluice::mysql

#include "common/value_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace sluice {

namespace {

// Largest integer a JavaScript double holds exactly (2^53 - 1): beyond it, print as a string.
constexpr int64_t kMaxSafeInteger = 9007199254740991LL;

void AppendInt(int64_t value, std::string* out) {
  bool quote = value > kMaxSafeInteger || value < -kMaxSafeInteger;
  if (quote) out->push_back('"');
  *out += std::to_string(value);
  if (quote) out->push_back('"');
}

void AppendUInt(uint64_t value, std::string* out) {
  bool quote = value > static_cast<uint64_t>(kMaxSafeInteger);
  if (quote) out->push_back('"');
  *out += std::to_string(value);
  if (quote) out->push_back('"');
}

template <typename T>
void AppendFloat(T value, std::string* out) {
  if (std::isnan(value)) {
    *out += "\"NaN\"";
  } else if (std::isinf(value)) {
    *out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
  } else {
    char buf[64];
    auto res = std::to_chars(buf, buf + sizeof(buf), value);
    out->append(buf, res.ptr);
  }
}

void AppendHex(std::string_view bytes, std::string* out) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  for (unsigned char byte : bytes) {
    out->push_back(kHex[byte >> 4]);
    out->push_back(kHex[byte & 15]);
  }
  out->push_back('"');
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm, proleptic Gregorian).
void CivilFromDays(int64_t days, int64_t* year, unsigned* month, unsigned* day) {
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<unsigned>(days - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t y = static_cast<int64_t>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2 ? 1 : 0);
}

int64_t FloorDiv(int64_t value, int64_t divisor) {
  int64_t q = value / divisor;
  if ((value % divisor != 0) && ((value < 0) != (divisor < 0))) --q;
  return q;
}

// The remainder that goes with FloorDiv: in [0, divisor) for a positive divisor.
int64_t FloorMod(int64_t value, int64_t divisor) {
  int64_t r = value % divisor;
  return r < 0 ? r + divisor : r;
}

int64_t UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 1000;
    case TimeUnit::kMicros:
      return 1000000;
    case TimeUnit::kNanos:
      return 1000000000;
  }
  return 1000000;
}

int FractionDigits(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kMillis:
      return 3;
    case TimeUnit::kMicros:
      return 6;
    case TimeUnit::kNanos:
      return 9;
  }
  return 6;
}

std::string FormatClock(int64_t seconds_of_day, int64_t fraction, TimeUnit unit) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld.%0*lld",
                static_cast<long long>(seconds_of_day / 3600),
                static_cast<long long>(seconds_of_day / 60 % 60),
                static_cast<long long>(seconds_of_day % 60), FractionDigits(unit),
                static_cast<long long>(fraction));
  return buf;
}

}  // namespace

std::string FormatDecimal(__int128 unscaled, int32_t scale) {
  bool negative = unscaled < 0;
  unsigned __int128 magnitude =
      negative ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(unscaled)
               : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  while (static_cast<int32_t>(digits.size()) <= scale) digits.push_back('0');
  std::string out = negative ? "-" : "";
  for (auto idx = static_cast<int64_t>(digits.size()) - 1; idx >= 0; --idx) {
    out.push_back(digits[static_cast<size_t>(idx)]);
    if (idx == scale && scale > 0) out.push_back('.');
  }
  return out;
}

std::string FormatDecimalBigEndian(const uint8_t* bytes, size_t size, int32_t scale) {
  if (size == 0 || size > 16) return "null";
  // Sign-extend into 128 bits.
  unsigned __int128 value = (bytes[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t idx = 0; idx < size; ++idx) value = (value << 8) | bytes[idx];
  return FormatDecimal(static_cast<__int128>(value), scale);
}

std::string FormatDate(int64_t days) {
  int64_t year;
  unsigned month;
  unsigned day;
  CivilFromDays(days, &year, &month, &day);
  char buf[32];
  if (year >= 0 && year <= 9999) {
    std::snprintf(buf, sizeof(buf), "%04lld-%02u-%02u", static_cast<long long>(year), month, day);
  } else {
    std::snprintf(buf, sizeof(buf), "%c%06lld-%02u-%02u", year < 0 ? '-' : '+',
                  static_cast<long long>(year < 0 ? -year : year), month, day);
  }
  return buf;
}

std::string FormatTimestamp(int64_t value, TimeUnit unit) {
  int64_t per_second = UnitsPerSecond(unit);
  int64_t seconds = FloorDiv(value, per_second);
  // value - seconds * per_second would overflow near INT64_MIN (found by the reader fuzzer).
  int64_t fraction = FloorMod(value, per_second);
  int64_t days = FloorDiv(seconds, 86400);
  int64_t second_of_day = seconds - days * 86400;
  return FormatDate(days) + "T" + FormatClock(second_of_day, fraction, unit);
}

std::string FormatTime(int64_t value, TimeUnit unit) {
  int64_t per_second = UnitsPerSecond(unit);
  int64_t seconds = FloorDiv(value, per_second);
  // value - seconds * per_second would overflow near INT64_MIN (found by the reader fuzzer).
  int64_t fraction = FloorMod(value, per_second);
  return FormatClock(seconds, fraction, unit);
}

void AppendJsonString(std::string_view text, std::string* out) {
  out->push_back('"');
  for (char ch : text) {
    auto byte = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (byte < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\u%04x", byte);
          *out += buf;
        } else {
          out->push_back(ch);
        }
    }
  }
  out->push_back('"');
}

void AppendJsonValue(const ColumnSchema& column, const ColumnVector& col, int64_t row,
                     std::string* out) {
  using K = LogicalType::Kind;
  if (!col.IsValid(row)) {
    *out += "null";
    return;
  }
  const LogicalType& lt = column.logical;
  switch (column.physical) {
    case PhysicalType::kBoolean:
      *out += col.Get<uint8_t>(row) ? "true" : "false";
      return;
    case PhysicalType::kInt32: {
      int32_t value = col.Get<int32_t>(row);
      if (lt.kind == K::kDate) {
        *out += "\"" + FormatDate(value) + "\"";
      } else if (lt.kind == K::kDecimal) {
        *out += "\"" + FormatDecimal(value, lt.scale) + "\"";
      } else if (lt.kind == K::kTime) {
        *out += "\"" + FormatTime(value, lt.unit) + "\"";
      } else if (lt.kind == K::kInteger && !lt.is_signed) {
        AppendUInt(static_cast<uint32_t>(value), out);
      } else {
        *out += std::to_string(value);
      }
      return;
    }
    case PhysicalType::kInt64: {
      int64_t value = col.Get<int64_t>(row);
      if (lt.kind == K::kDecimal) {
        *out += "\"" + FormatDecimal(value, lt.scale) + "\"";
      } else if (lt.kind == K::kTimestamp) {
        *out += "\"" + FormatTimestamp(value, lt.unit) + (lt.adjusted_to_utc ? "Z\"" : "\"");
      } else if (lt.kind == K::kTime) {
        *out += "\"" + FormatTime(value, lt.unit) + "\"";
      } else if (lt.kind == K::kInteger && !lt.is_signed) {
        AppendUInt(static_cast<uint64_t>(value), out);
      } else {
        AppendInt(value, out);
      }
      return;
    }
    case PhysicalType::kInt96: {
      // Legacy Impala/Spark timestamps: 8 bytes nanoseconds of the day, 4 bytes Julian day.
      const uint8_t* raw = col.FixedAt(row);
      int64_t nanos;
      int32_t julian;
      std::memcpy(&nanos, raw, 8);
      std::memcpy(&julian, raw + 8, 4);
      constexpr int64_t kJulianEpochDay = 2440588;  // Julian day number of 1970-01-01
      int64_t value = (static_cast<int64_t>(julian) - kJulianEpochDay) * 86400000000000LL + nanos;
      *out += "\"" + FormatTimestamp(value, TimeUnit::kNanos) + "\"";
      return;
    }
    case PhysicalType::kFloat:
      AppendFloat(col.Get<float>(row), out);
      return;
    case PhysicalType::kDouble:
      AppendFloat(col.Get<double>(row), out);
      return;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      std::string_view bytes =
          col.width() > 0 ? std::string_view(reinterpret_cast<const char*>(col.FixedAt(row)),
                                             static_cast<size_t>(col.width()))
                          : col.BytesAt(row);
      if (lt.kind == K::kString || lt.kind == K::kEnum || lt.kind == K::kJson) {
        AppendJsonString(bytes, out);
      } else if (lt.kind == K::kDecimal) {
        *out += "\"" +
                FormatDecimalBigEndian(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                                       lt.scale) +
                "\"";
      } else if (lt.kind == K::kUuid && bytes.size() == 16) {
        std::string hex;
        AppendHex(bytes, &hex);
        hex = hex.substr(1, 32);
        *out += "\"" + hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
                hex.substr(16, 4) + "-" + hex.substr(20) + "\"";
      } else {
        AppendHex(bytes, out);
      }
      return;
    }
  }
}

}  // namespace sluice

#include "engine/types/value.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "common/value_format.h"

namespace sluice::engine {

namespace {

constexpr int64_t kMicrosPerDay = 86400LL * 1000000LL;

Status OutOfRange(const std::string& text, const SqlType& target) {
  return Status::InvalidArgument("value " + text + " is out of range for " + target.ToString());
}

Status CannotCast(const Value& value, const SqlType& target) {
  return Status::InvalidArgument("cannot cast " + value.ToSql() + " (" + value.type.ToString() +
                                 ") to " + target.ToString());
}

int128 IntegerMax(TypeId id) {
  if (id == TypeId::kInt32) return std::numeric_limits<int32_t>::max();
  if (id == TypeId::kInt64) return std::numeric_limits<int64_t>::max();
  return std::numeric_limits<int128>::max();
}

int128 IntegerMin(TypeId id) {
  if (id == TypeId::kInt32) return std::numeric_limits<int32_t>::min();
  if (id == TypeId::kInt64) return std::numeric_limits<int64_t>::min();
  return std::numeric_limits<int128>::min();
}

Result<Value> MakeInteger(int128 wide, const SqlType& target, const std::string& text) {
  if (wide > IntegerMax(target.id) || wide < IntegerMin(target.id)) return OutOfRange(text, target);
  if (target.id == TypeId::kInt128) return Value::Wide(target, wide);
  return Value::Int(target, static_cast<int64_t>(wide));
}

std::string DoubleText(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, res.ptr);
}

std::string TimestampText(int64_t micros) {
  // DuckDB's VARCHAR form: "YYYY-MM-DD HH:MM:SS" plus the fraction without trailing zeros.
  std::string iso = FormatTimestamp(micros, TimeUnit::kMicros);
  iso[iso.find('T')] = ' ';
  while (iso.back() == '0') iso.pop_back();
  if (iso.back() == '.') iso.pop_back();
  return iso;
}

std::string ToText(const Value& value) {
  switch (value.type.id) {
    case TypeId::kNull:
      return "NULL";
    case TypeId::kBoolean:
      return value.i64 ? "true" : "false";
    case TypeId::kInt32:
    case TypeId::kInt64:
      return std::to_string(value.i64);
    case TypeId::kInt128:
      return Int128ToString(value.i128);
    case TypeId::kDecimal:
      return FormatDecimal(value.i128, value.type.scale);
    case TypeId::kDouble:
      return DoubleText(value.f64);
    case TypeId::kVarchar:
    case TypeId::kBlob:
      return value.str;
    case TypeId::kDate:
      return FormatDate(value.i64);
    case TypeId::kTimestamp:
      return TimestampText(value.i64);
  }
  return "";
}

Result<int128> ParseInteger(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  bool negative = !text.empty() && text.front() == '-';
  if (!text.empty() && (text.front() == '-' || text.front() == '+')) text.remove_prefix(1);
  if (text.empty()) return Status::InvalidArgument("empty string is not an integer");
  int128 out = 0;
  for (char ch : text) {
    if (ch < '0' || ch > '9') {
      return Status::InvalidArgument("cannot parse '" + std::string(text) + "' as an integer");
    }
    if (__builtin_mul_overflow(out, 10, &out) || __builtin_add_overflow(out, ch - '0', &out)) {
      return Status::InvalidArgument("'" + std::string(text) + "' overflows HUGEINT");
    }
  }
  return negative ? -out : out;
}

}  // namespace

std::string Value::ToSql() const {
  if (is_null) return "NULL";
  if (type.IsString()) return "'" + str + "'";
  if (type.id == TypeId::kDate) return "DATE '" + ToText(*this) + "'";
  if (type.id == TypeId::kTimestamp) return "TIMESTAMP '" + ToText(*this) + "'";
  return ToText(*this);
}

void CivilFromDays(int64_t days, int64_t* year, int* month, int* day) {
  // H. Hinnant's civil_from_days (proleptic Gregorian); 719468 = days from 0000-03-01 to epoch.
  days += 719468;
  int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  auto doe = static_cast<int64_t>(days - era * 146097);
  int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int64_t mp = (5 * doy + 2) / 153;
  *day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  *month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  *year = yoe + era * 400 + (*month <= 2 ? 1 : 0);
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  int64_t era = (year >= 0 ? year : year - 399) / 400;
  int64_t yoe = year - era * 400;
  int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Result<int64_t> ParseDate(std::string_view text) {
  int year = 0;
  int month = 0;
  int day = 0;
  char tail = 0;
  std::string copy(text);
  int got = std::sscanf(copy.c_str(), "%d-%d-%d%c", &year, &month, &day, &tail);
  if (got != 3 || month < 1 || month > 12 || day < 1 || day > 31) {
    return Status::InvalidArgument("cannot parse '" + copy + "' as DATE (want YYYY-MM-DD)");
  }
  int64_t days = DaysFromCivil(year, month, day);
  int64_t check_year;
  int check_month;
  int check_day;
  CivilFromDays(days, &check_year, &check_month, &check_day);
  if (check_month != month || check_day != day) {
    return Status::InvalidArgument("date '" + copy + "' does not exist");
  }
  return days;
}

Result<int64_t> ParseTimestamp(std::string_view text) {
  std::string copy(text);
  size_t split = copy.find_first_of("T ");
  SLUICE_ASSIGN_OR_RETURN(int64_t days, ParseDate(copy.substr(0, split)));
  int64_t micros = days * kMicrosPerDay;
  if (split == std::string::npos) return micros;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int consumed = 0;
  if (std::sscanf(copy.c_str() + split + 1, "%d:%d:%d%n", &hour, &minute, &second, &consumed) < 3) {
    return Status::InvalidArgument("cannot parse '" + copy + "' as TIMESTAMP");
  }
  micros += ((hour * 60LL + minute) * 60 + second) * 1000000LL;
  const char* rest = copy.c_str() + split + 1 + consumed;
  if (*rest == '.') {
    int64_t fraction = 0;
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest) {
      if (digits < 6) fraction = fraction * 10 + (*rest - '0');
      ++digits;
    }
    for (; digits < 6; ++digits) fraction *= 10;
    micros += fraction;
  }
  return micros;
}

Result<Value> CastValue(const Value& value, const SqlType& target) {
  if (value.is_null) return Value::Null(target);
  const SqlType& source = value.type;
  if (source == target) return value;
  if (target.id == TypeId::kVarchar) return Value::Varchar(ToText(value));
  if (target.id == TypeId::kBlob && source.IsString()) {
    Value out = value;
    out.type = target;
    return out;
  }
  Value out{target, false};
  switch (source.id) {
    case TypeId::kVarchar: {
      switch (target.id) {
        case TypeId::kInt32:
        case TypeId::kInt64:
        case TypeId::kInt128: {
          SLUICE_ASSIGN_OR_RETURN(int128 wide, ParseInteger(value.str));
          return MakeInteger(wide, target, value.str);
        }
        case TypeId::kDecimal: {
          SLUICE_ASSIGN_OR_RETURN(out.i128,
                                  ParseDecimal(value.str, target.precision, target.scale));
          return out;
        }
        case TypeId::kDouble: {
          char* end = nullptr;
          out.f64 = std::strtod(value.str.c_str(), &end);
          if (value.str.empty() || *end != '\0') return CannotCast(value, target);
          return out;
        }
        case TypeId::kDate: {
          SLUICE_ASSIGN_OR_RETURN(out.i64, ParseDate(value.str));
          return out;
        }
        case TypeId::kTimestamp: {
          SLUICE_ASSIGN_OR_RETURN(out.i64, ParseTimestamp(value.str));
          return out;
        }
        case TypeId::kBoolean: {
          std::string lower;
          for (char ch : value.str) lower.push_back(static_cast<char>(std::tolower(ch)));
          if (lower == "true" || lower == "t" || lower == "1") return Value::Boolean(true);
          if (lower == "false" || lower == "f" || lower == "0") return Value::Boolean(false);
          return CannotCast(value, target);
        }
        default:
          return CannotCast(value, target);
      }
    }
    case TypeId::kBoolean:
    case TypeId::kInt32:
    case TypeId::kInt64:
    case TypeId::kInt128: {
      int128 wide = source.id == TypeId::kInt128 ? value.i128 : value.i64;
      switch (target.id) {
        case TypeId::kBoolean:
          return Value::Boolean(wide != 0);
        case TypeId::kInt32:
        case TypeId::kInt64:
        case TypeId::kInt128:
          return MakeInteger(wide, target, Int128ToString(wide));
        case TypeId::kDouble:
          return Value::Double(static_cast<double>(wide));
        case TypeId::kDecimal: {
          int128 scaled;
          if (__builtin_mul_overflow(wide, Pow10(target.scale), &scaled) ||
              !FitsPrecision(scaled, target.precision)) {
            return OutOfRange(Int128ToString(wide), target);
          }
          out.i128 = scaled;
          return out;
        }
        default:
          return CannotCast(value, target);
      }
    }
    case TypeId::kDecimal: {
      switch (target.id) {
        case TypeId::kInt32:
        case TypeId::kInt64:
        case TypeId::kInt128: {
          SLUICE_ASSIGN_OR_RETURN(int128 whole, Rescale(value.i128, source.scale, 0));
          return MakeInteger(whole, target, FormatDecimal(value.i128, source.scale));
        }
        case TypeId::kDouble:
          return Value::Double(static_cast<double>(DecimalToLongDouble(value.i128, source.scale)));
        case TypeId::kDecimal: {
          SLUICE_ASSIGN_OR_RETURN(out.i128, Rescale(value.i128, source.scale, target.scale));
          if (!FitsPrecision(out.i128, target.precision)) {
            return OutOfRange(FormatDecimal(value.i128, source.scale), target);
          }
          return out;
        }
        case TypeId::kBoolean:
          return Value::Boolean(value.i128 != 0);
        default:
          return CannotCast(value, target);
      }
    }
    case TypeId::kDouble: {
      double v = value.f64;
      switch (target.id) {
        case TypeId::kInt32:
        case TypeId::kInt64:
        case TypeId::kInt128: {
          // 1.7e38: the largest magnitude a HUGEINT holds (2^127 ~ 1.70e38).
          double rounded = std::nearbyint(v);
          if (!std::isfinite(v) || std::fabs(rounded) >= 1.7e38)
            return OutOfRange(DoubleText(v), target);
          return MakeInteger(static_cast<int128>(rounded), target, DoubleText(v));
        }
        case TypeId::kDecimal: {
          long double scaled =
              static_cast<long double>(v) * static_cast<long double>(Pow10(target.scale));
          long double rounded = std::round(scaled);
          if (!std::isfinite(v) ||
              std::fabs(rounded) >= static_cast<long double>(Pow10(target.precision))) {
            return OutOfRange(DoubleText(v), target);
          }
          out.i128 = static_cast<int128>(rounded);
          return out;
        }
        case TypeId::kBoolean:
          return Value::Boolean(v != 0);
        default:
          return CannotCast(value, target);
      }
    }
    case TypeId::kDate:
      if (target.id == TypeId::kTimestamp) {
        out.i64 = value.i64 * kMicrosPerDay;
        return out;
      }
      return CannotCast(value, target);
    case TypeId::kTimestamp:
      if (target.id == TypeId::kDate) {
        int64_t days = value.i64 / kMicrosPerDay;
        if (value.i64 % kMicrosPerDay < 0) --days;
        out.i64 = days;
        return out;
      }
      if (target.id == TypeId::kTimestamp) {
        out.i64 = value.i64;
        return out;
      }
      return CannotCast(value, target);
    default:
      return CannotCast(value, target);
  }
}

}  // namespace sluice::engine

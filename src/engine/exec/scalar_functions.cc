// Row-at-a-time scalar functions over strings and dates (see expression_evaluator.h).
#include <algorithm>
#include <cctype>
#include <cmath>

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

namespace {

constexpr int64_t kMicrosPerSecond = 1000000;
constexpr int64_t kMicrosPerDay = 86400 * kMicrosPerSecond;

// Byte offsets of each UTF-8 code point start, plus the end.
std::vector<size_t> CodePointStarts(std::string_view text) {
  std::vector<size_t> starts;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if ((static_cast<unsigned char>(text[pos]) & 0xC0) != 0x80) starts.push_back(pos);
  }
  starts.push_back(text.size());
  return starts;
}

std::string Substr(std::string_view text, int64_t start, std::optional<int64_t> length) {
  auto starts = CodePointStarts(text);
  auto chars = static_cast<int64_t>(starts.size()) - 1;
  // DuckDB: positions are 1-based; 0 is "before the first character"; negative counts from the end.
  int64_t begin = start > 0 ? start - 1 : (start == 0 ? -1 : chars + start);
  int64_t end = length ? begin + *length : chars;
  if (length && *length < 0) return "";
  begin = std::clamp<int64_t>(begin, 0, chars);
  end = std::clamp<int64_t>(end, begin, chars);
  return std::string(
      text.substr(starts[static_cast<size_t>(begin)],
                  starts[static_cast<size_t>(end)] - starts[static_cast<size_t>(begin)]));
}

int64_t FloorDiv(int64_t value, int64_t divisor) {
  int64_t q = value / divisor;
  if (value % divisor != 0 && ((value < 0) != (divisor < 0))) --q;
  return q;
}

Result<Value> DatePart(const std::string& part, const Value& value) {
  int64_t micros = value.type.id == TypeId::kDate ? value.i64 * kMicrosPerDay : value.i64;
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t micros_of_day = micros - days * kMicrosPerDay;
  int64_t year;
  int month;
  int day;
  CivilFromDays(days, &year, &month, &day);
  int64_t out = 0;
  if (part == "year") {
    out = year;
  } else if (part == "quarter") {
    out = (month - 1) / 3 + 1;
  } else if (part == "month") {
    out = month;
  } else if (part == "day") {
    out = day;
  } else if (part == "hour") {
    out = micros_of_day / (3600 * kMicrosPerSecond);
  } else if (part == "minute") {
    out = micros_of_day / (60 * kMicrosPerSecond) % 60;
  } else if (part == "second") {
    out = micros_of_day / kMicrosPerSecond % 60;
  } else if (part == "dow") {
    out = ((days % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday (4); Sunday = 0
  } else if (part == "doy") {
    out = days - DaysFromCivil(year, 1, 1) + 1;
  } else if (part == "epoch") {
    out = FloorDiv(micros, kMicrosPerSecond);
  } else if (part == "week") {
    // ISO week: the week with the year's first Thursday is week 1.
    int64_t dow_monday = ((days % 7) + 7 + 3) % 7;  // Monday = 0
    int64_t thursday = days - dow_monday + 3;
    int64_t iso_year;
    int unused_month;
    int unused_day;
    CivilFromDays(thursday, &iso_year, &unused_month, &unused_day);
    out = (thursday - DaysFromCivil(iso_year, 1, 1)) / 7 + 1;
  } else {
    return Status::InvalidArgument("unknown date part '" + part + "'");
  }
  return Value::Int(SqlType::Of(TypeId::kInt64), out);
}

Result<Value> DateTrunc(const std::string& part, const Value& value) {
  int64_t micros = value.type.id == TypeId::kDate ? value.i64 * kMicrosPerDay : value.i64;
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t year;
  int month;
  int day;
  CivilFromDays(days, &year, &month, &day);
  int64_t out;
  if (part == "year") {
    out = DaysFromCivil(year, 1, 1) * kMicrosPerDay;
  } else if (part == "quarter") {
    out = DaysFromCivil(year, (month - 1) / 3 * 3 + 1, 1) * kMicrosPerDay;
  } else if (part == "month") {
    out = DaysFromCivil(year, month, 1) * kMicrosPerDay;
  } else if (part == "week") {
    int64_t dow_monday = ((days % 7) + 7 + 3) % 7;
    out = (days - dow_monday) * kMicrosPerDay;
  } else if (part == "day") {
    out = days * kMicrosPerDay;
  } else if (part == "hour") {
    out = FloorDiv(micros, 3600 * kMicrosPerSecond) * 3600 * kMicrosPerSecond;
  } else if (part == "minute") {
    out = FloorDiv(micros, 60 * kMicrosPerSecond) * 60 * kMicrosPerSecond;
  } else if (part == "second") {
    out = FloorDiv(micros, kMicrosPerSecond) * kMicrosPerSecond;
  } else {
    return Status::InvalidArgument("date_trunc: unsupported part '" + part + "'");
  }
  return Value::Int(SqlType::Of(TypeId::kTimestamp), out);
}

}  // namespace

Result<Value> EvaluateFunction(const std::string& name, const SqlType& type,
                               const std::vector<Value>& args) {
  if (name == "lower" || name == "upper") {
    std::string out = args[0].str;
    for (char& ch : out) {
      ch = static_cast<char>(name == "lower" ? std::tolower(static_cast<unsigned char>(ch))
                                             : std::toupper(static_cast<unsigned char>(ch)));
    }
    return Value::Varchar(std::move(out));
  }
  if (name == "trim" || name == "ltrim" || name == "rtrim") {
    std::string_view text = args[0].str;
    if (name != "rtrim") {
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    }
    if (name != "ltrim") {
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
    }
    return Value::Varchar(std::string(text));
  }
  if (name == "length") {
    return Value::Int(type, static_cast<int64_t>(CodePointStarts(args[0].str).size() - 1));
  }
  if (name == "substr") {
    std::optional<int64_t> length;
    if (args.size() > 2) length = args[2].i64;
    return Value::Varchar(Substr(args[0].str, args[1].i64, length));
  }
  if (name == "concat" || name == "||") {
    std::string out;
    for (const auto& arg : args) {
      if (!arg.is_null) out += arg.str;
    }
    return Value::Varchar(std::move(out));
  }
  if (name == "date_part") return DatePart(args[0].str, args[1]);
  if (name == "date_trunc") return DateTrunc(args[0].str, args[1]);
  if (name == "abs") {
    Value out = args[0];
    switch (type.storage()) {
      case Storage::kI64:
        if (out.i64 == INT64_MIN || (type.id == TypeId::kInt32 && out.i64 == INT32_MIN)) {
          return Status::InvalidArgument("Out of Range: overflow in abs of " + type.ToString());
        }
        out.i64 = out.i64 < 0 ? -out.i64 : out.i64;
        break;
      case Storage::kI128:
        out.i128 = out.i128 < 0 ? -out.i128 : out.i128;
        break;
      case Storage::kF64:
        out.f64 = std::fabs(out.f64);
        break;
      default:
        break;
    }
    return out;
  }
  return Status::NotSupported("function " + name + "()");
}

}  // namespace sluice::engine

#include <charconv>
#include <cmath>

#include "common/value_format.h"
#include "engine/output/result_sink.h"

namespace sluice::engine {

namespace {

// Largest integer a JavaScript double holds exactly (2^53 - 1): beyond it, print as a string.
constexpr int64_t kMaxSafeInteger = 9007199254740991LL;

void AppendInteger(int128 value, std::string* out) {
  bool quote = value > kMaxSafeInteger || value < -kMaxSafeInteger;
  if (quote) out->push_back('"');
  *out += Int128ToString(value);
  if (quote) out->push_back('"');
}

}  // namespace

void AppendJson(const Vector& v, int64_t row, std::string* out) {
  if (v.IsNull(row)) {
    *out += "null";
    return;
  }
  auto idx = static_cast<size_t>(row);
  const SqlType& type = v.type();
  switch (type.id) {
    case TypeId::kNull:
      *out += "null";
      return;
    case TypeId::kBoolean:
      *out += v.u8()[idx] ? "true" : "false";
      return;
    case TypeId::kInt32:
    case TypeId::kInt64:
      AppendInteger(v.i64()[idx], out);
      return;
    case TypeId::kInt128:
      AppendInteger(v.i128()[idx], out);
      return;
    case TypeId::kDecimal:
      out->push_back('"');
      *out += FormatDecimal(v.i128()[idx], type.scale);
      out->push_back('"');
      return;
    case TypeId::kDouble: {
      double value = v.f64()[idx];
      if (std::isnan(value)) {
        *out += "\"NaN\"";
      } else if (std::isinf(value)) {
        *out += value > 0 ? "\"Infinity\"" : "\"-Infinity\"";
      } else {
        char buf[64];
        auto res = std::to_chars(buf, buf + sizeof(buf), value);
        out->append(buf, res.ptr);
      }
      return;
    }
    case TypeId::kVarchar:
      AppendJsonString(v.Str(row), out);
      return;
    case TypeId::kBlob: {
      static const char kHex[] = "0123456789abcdef";
      out->push_back('"');
      for (unsigned char byte : v.Str(row)) {
        out->push_back(kHex[byte >> 4]);
        out->push_back(kHex[byte & 15]);
      }
      out->push_back('"');
      return;
    }
    case TypeId::kDate:
      out->push_back('"');
      *out += FormatDate(v.i64()[idx]);
      out->push_back('"');
      return;
    case TypeId::kTimestamp:
      out->push_back('"');
      *out += FormatTimestamp(v.i64()[idx], TimeUnit::kMicros);
      if (type.utc) out->push_back('Z');
      out->push_back('"');
      return;
  }
}

std::string PlainText(const Vector& v, int64_t row) {
  if (v.IsNull(row)) return "";
  if (v.type().id == TypeId::kDouble || v.type().id == TypeId::kBlob) {
    std::string text;
    AppendJson(v, row, &text);
    if (!text.empty() && text.front() == '"') text = text.substr(1, text.size() - 2);
    return text;
  }
  auto text = CastValue(v.GetValue(row), SqlType::Of(TypeId::kVarchar));
  return text.ok() ? text->str : "?";
}

}  // namespace sluice::engine

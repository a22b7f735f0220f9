#include "engine/types/decimal.h"

#include <array>

namespace sluice::engine {

namespace {

// 10^0 .. 10^38: 39 entries, computed once.
const std::array<int128, 39>& PowerTable() {
  static const std::array<int128, 39> table = [] {
    std::array<int128, 39> out{};
    out[0] = 1;
    for (size_t idx = 1; idx < out.size(); ++idx) out[idx] = out[idx - 1] * 10;
    return out;
  }();
  return table;
}

}  // namespace

int128 Pow10(int exponent) { return PowerTable()[static_cast<size_t>(exponent)]; }

bool FitsPrecision(int128 value, int precision) {
  int128 limit = Pow10(precision);
  return value < limit && value > -limit;
}

Result<int128> Rescale(int128 value, int from_scale, int to_scale) {
  if (from_scale == to_scale) return value;
  if (to_scale > from_scale) {
    int128 out;
    if (__builtin_mul_overflow(value, Pow10(to_scale - from_scale), &out)) {
      return Status::InvalidArgument("DECIMAL overflow while rescaling " + Int128ToString(value));
    }
    return out;
  }
  int128 divisor = Pow10(from_scale - to_scale);
  int128 quotient = value / divisor;
  int128 remainder = value % divisor;
  // Half away from zero: compare twice the remainder with the divisor.
  if (remainder * 2 >= divisor) ++quotient;
  if (remainder * 2 <= -divisor) --quotient;
  return quotient;
}

Result<int128> ParseDecimal(std::string_view text, int precision, int scale) {
  size_t pos = 0;
  while (pos < text.size() && text[pos] == ' ') ++pos;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  int128 value = 0;
  int fraction_digits = 0;
  bool seen_dot = false;
  bool any_digit = false;
  bool round_up = false;
  for (; pos < text.size(); ++pos) {
    char ch = text[pos];
    if (ch == '.' && !seen_dot) {
      seen_dot = true;
      continue;
    }
    if (ch == ' ') break;
    if (ch < '0' || ch > '9') {
      return Status::InvalidArgument("cannot parse '" + std::string(text) + "' as DECIMAL");
    }
    any_digit = true;
    if (seen_dot && fraction_digits >= scale) {
      // First dropped digit decides rounding (half away from zero); later ones are ignored.
      if (fraction_digits == scale) round_up = ch >= '5';
      ++fraction_digits;
      continue;
    }
    if (seen_dot) ++fraction_digits;
    if (__builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, ch - '0', &value)) {
      return Status::InvalidArgument("'" + std::string(text) + "' overflows DECIMAL");
    }
  }
  while (pos < text.size() && text[pos] == ' ') ++pos;
  if (!any_digit || pos != text.size()) {
    return Status::InvalidArgument("cannot parse '" + std::string(text) + "' as DECIMAL");
  }
  int kept = std::min(fraction_digits, scale);
  if (round_up) ++value;
  SLUICE_ASSIGN_OR_RETURN(value, Rescale(value, kept, scale));
  if (negative) value = -value;
  if (!FitsPrecision(value, precision)) {
    return Status::InvalidArgument("'" + std::string(text) + "' does not fit DECIMAL(" +
                                   std::to_string(precision) + "," + std::to_string(scale) + ")");
  }
  return value;
}

std::string Int128ToString(int128 value) {
  bool negative = value < 0;
  auto magnitude = negative
                       ? static_cast<unsigned __int128>(0) - static_cast<unsigned __int128>(value)
                       : static_cast<unsigned __int128>(value);
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (negative) digits.push_back('-');
  return std::string(digits.rbegin(), digits.rend());
}

long double DecimalToLongDouble(int128 value, int scale) {
  return static_cast<long double>(value) / static_cast<long double>(Pow10(scale));
}

}  // namespace sluice::engine

#include "source/mysql/decimal.h"

#include <string>

namespace sluice::mysql {

Result<__int128> ParseDecimalUnscaled(std::string_view text, int precision, int scale) {
  auto bad = [&](const char* why) {
    return Status::InvalidArgument("bad DECIMAL(" + std::to_string(precision) + "," +
                                   std::to_string(scale) + ") value '" + std::string(text) +
                                   "': " + why);
  };
  if (precision < 1 || precision > kMaxDecimalPrecision || scale < 0 || scale > precision) {
    return bad("unsupported precision/scale");
  }
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  // Up to 18 digits fit an int64: most DECIMAL columns (money, rates) take that path, which is
  // several times cheaper per digit than 128-bit arithmetic.
  auto parse = [&](auto value) -> Result<__int128> {
    using Acc = decltype(value);
    int int_digits = 0;
    int frac_digits = 0;
    bool seen_digit = false;
    bool seen_point = false;
    for (; pos < text.size(); ++pos) {
      char ch = text[pos];
      if (ch == '.') {
        if (seen_point) return bad("two decimal points");
        seen_point = true;
        continue;
      }
      if (ch < '0' || ch > '9') return bad("not a decimal number");
      seen_digit = true;
      if (seen_point) {
        if (++frac_digits > scale) return bad("more fraction digits than the scale");
      } else {
        // Leading zeros do not count against the precision.
        if (int_digits == 0 && ch == '0') continue;
        if (++int_digits > precision - scale) return bad("too many integer digits");
      }
      value = value * 10 + static_cast<Acc>(ch - '0');
    }
    if (!seen_digit) return bad("no digits");
    for (; frac_digits < scale; ++frac_digits) value *= 10;
    __int128 wide = value;
    return negative ? -wide : wide;  // "-0.00" is 0: two's complement has one zero
  };
  if (precision <= 18) return parse(int64_t{0});
  return parse(__int128{0});
}

int DecimalByteWidth(int precision) {
  // Smallest n with 2^(8n-1) > 10^precision - 1.
  __int128 max_value = 1;
  for (int digit = 0; digit < precision; ++digit) max_value *= 10;
  max_value -= 1;
  for (int width = 1; width < 16; ++width) {
    __int128 limit = static_cast<__int128>(1) << (8 * width - 1);
    if (max_value < limit) return width;
  }
  return 16;
}

void EncodeDecimalBigEndian(__int128 value, int width, uint8_t* out) {
  auto bits = static_cast<unsigned __int128>(value);
  for (int idx = width - 1; idx >= 0; --idx) {
    out[idx] = static_cast<uint8_t>(bits & 0xFF);
    bits >>= 8;
  }
}

std::string FormatDecimal(__int128 unscaled, int scale) {
  bool negative = unscaled < 0;
  auto magnitude = negative ? -static_cast<unsigned __int128>(unscaled)
                            : static_cast<unsigned __int128>(unscaled);
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  } while (magnitude != 0);
  if (static_cast<int>(digits.size()) <= scale) {
    digits.insert(0, static_cast<size_t>(scale + 1) - digits.size(), '0');
  }
  if (scale > 0) digits.insert(digits.size() - static_cast<size_t>(scale), ".");
  return negative ? "-" + digits : digits;
}

}  // namespace sluice::mysql

// Exact 128-bit helpers for DECIMAL and HUGEINT: powers of ten, precision checks, rescaling with
// DuckDB's rounding (half away from zero), text parsing and printing.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::engine {

using int128 = __int128;

/// 10^exponent for 0 <= exponent <= 38.
int128 Pow10(int exponent);
/// True when |value| < 10^precision.
bool FitsPrecision(int128 value, int precision);
/// Changes the scale of an unscaled value; scaling down rounds half away from zero.
/// InvalidArgument (overflow) when scaling up leaves 128 bits.
Result<int128> Rescale(int128 value, int from_scale, int to_scale);
/// Parses "-12.345", "1e3" is not accepted; rounds to `scale` digits; checks `precision`.
Result<int128> ParseDecimal(std::string_view text, int precision, int scale);
/// Digits of an integer.
std::string Int128ToString(int128 value);
/// Nearest long double of value / 10^scale (what DuckDB uses to turn decimals into doubles).
long double DecimalToLongDouble(int128 value, int scale);

}  // namespace sluice::engine

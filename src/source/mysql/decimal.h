// Exact DECIMAL conversion: the server's decimal text ("-123.4500") to the unscaled integer and
// its Parquet encodings (INT32, INT64, or big-endian two's complement FIXED_LEN_BYTE_ARRAY).
// Never goes through floating point. Precision is limited to 38 digits (what fits an int128 and
// what Parquet readers accept in FLBA(16)).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <string_view>

#include "sluice/result.h"

namespace sluice::mysql {

/// Largest DECIMAL precision sluice maps to a Parquet DECIMAL (10^38 - 1 < 2^127).
inline constexpr int kMaxDecimalPrecision = 38;

/// Parses decimal text with at most `precision - scale` integer digits and at most `scale`
/// fraction digits (fewer are zero-padded) into the unscaled value. Accepts a leading '+'/'-',
/// leading zeros, "-0.00" (gives 0) and ".5"; rejects empty text, exponents, junk and values
/// that do not fit DECIMAL(precision, scale).
Result<__int128> ParseDecimalUnscaled(std::string_view text, int precision, int scale);

/// Minimal FIXED_LEN_BYTE_ARRAY width that holds every DECIMAL(precision) value in two's
/// complement (the Parquet spec's rule): 1 for p<=2, ..., 16 for p=38.
int DecimalByteWidth(int precision);

/// Writes the low `width` bytes of `value` big-endian into out[0, width).
void EncodeDecimalBigEndian(__int128 value, int width, uint8_t* out);

/// Text of an unscaled value at `scale` ("-12.340"), for messages and tests.
std::string FormatDecimal(__int128 unscaled, int scale);

}  // namespace sluice::mysql

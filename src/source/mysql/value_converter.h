// ValueConverter: appends one source value (text form, or a few binary-protocol forms) to the
// ColumnVector of a ColumnPlan, in the Parquet physical representation. Shared by the text and
// binary cursors so both produce identical batches.
// Zero dates become NULL and are counted (or fail with `strict`).
// Thread-safety: stateless apart from the counters in ConvertStats, which the caller owns.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sluice/column_batch.h"
#include "sluice/status.h"
#include "source/mysql/type_mapping.h"

namespace sluice::mysql {

struct ConvertStats {
  int64_t zero_dates = 0;  // zero dates stored as NULL
};

struct ConvertOptions {
  bool strict = false;  // zero dates fail instead of becoming NULL
};

/// Appends the value whose text form is `text` (what the text protocol sends; BIT arrives as
/// raw big-endian bytes). Errors name the column and the value.
Status AppendTextValue(const ColumnPlan& plan, std::string_view text, ColumnVector* out,
                       ConvertStats* stats, const ConvertOptions& options);

/// Appends a temporal value given as calendar fields (the binary protocol's MYSQL_TIME).
/// `hours` may exceed 23 for TIME.
Status AppendTemporalValue(const ColumnPlan& plan, bool negative, int64_t year, unsigned month,
                           unsigned day, int64_t hours, unsigned minute, unsigned second,
                           int64_t micros, ColumnVector* out, ConvertStats* stats,
                           const ConvertOptions& options);

/// Appends an integer received as a 64-bit pattern (`is_unsigned` says how to read it).
Status AppendIntegerValue(const ColumnPlan& plan, uint64_t bits, bool is_unsigned,
                          ColumnVector* out);

/// Order-preserving int64 "ordinal" of a key value at `row` (integers as themselves, UINT64 with
/// the sign bit flipped, DATE as days, DATETIME/TIMESTAMP as micros); nullopt for NULL.
std::optional<int64_t> KeyOrdinalAt(const ColumnPlan& plan, const ColumnVector& column,
                                    int64_t row);

}  // namespace sluice::mysql

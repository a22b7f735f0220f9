// Conversion between Parquet column vectors (physical representation) and engine Vectors:
// DECIMAL to 128-bit unscaled integers, DATE to days, TIMESTAMP to microseconds, FLOAT to
// DOUBLE; and predicate literals for row-group pruning.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "engine/types/vector.h"
#include "sluice/column_batch.h"
#include "sluice/parquet_reader.h"
#include "sluice/schema.h"

namespace sluice::engine {

/// Appends rows [start, start+count) of `input` (described by `column`) to *out (of `type`).
void ConvertParquetColumn(const ColumnSchema& column, const ColumnVector& input, int64_t start,
                          int64_t count, Vector* out);

/// The statistics literal (Parquet physical bytes) of `value` for `column`, or nullopt when the
/// column's representation does not allow a safe comparison.
std::optional<std::string> StatLiteral(const ColumnSchema& column, const Value& value);

}  // namespace sluice::engine

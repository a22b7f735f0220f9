// Copying single values between ColumnVectors of the same physical type (used to compact batches
// after quarantine and to collect rejected rows).
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice::validate {

inline void CopyValue(const ColumnVector& src, int64_t row, ColumnVector* dst) {
  if (!src.IsValid(row)) {
    dst->AppendNull();
  } else if (src.width() == 0) {
    dst->AppendBytes(src.BytesAt(row));
  } else {
    dst->AppendFixed(src.FixedAt(row));
  }
}

/// JSON text of one value (common/value_format's forms).
std::string ValueJson(const ColumnSchema& column, const ColumnVector& col, int64_t row);

}  // namespace sluice::validate

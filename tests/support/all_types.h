// Test support: a schema with every logical type sluice writes, and deterministic batches of
// it full of edge values (extremes, NULLs, empty and 4-byte UTF-8 strings).
#pragma once

#include <cstdint>

#include "sluice/column_batch.h"
#include "sluice/schema.h"

namespace sluice::testing {

Schema AllTypesSchema();
/// Rows [first_row, first_row + rows) of the deterministic all-types data set. Row r's values
/// depend only on r and `seed`, so any slice can be regenerated.
ColumnBatch AllTypesBatch(const Schema& schema, int64_t first_row, int64_t rows, uint64_t seed);

}  // namespace sluice::testing

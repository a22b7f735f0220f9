// Conversion between sluice's flat Schema and the Parquet footer's SchemaElement list.
//
// Writing sets both the modern LogicalType and the legacy ConvertedType, because older readers
// (and some of DuckDB's code paths) still look at ConvertedType. Reading accepts either.
// Thread-safety: pure functions.
#pragma once

#include <vector>

#include "format/parquet/thrift/file_metadata.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::parquet {

/// Fails with InvalidArgument naming the column for schemas Parquet cannot hold as declared
/// (e.g. DECIMAL precision > 38, or a DECIMAL whose physical type is too narrow).
/// `json_logical_type`: annotate JSON columns as JSON (true) or as STRING (false).
Result<std::vector<SchemaElement>> ToSchemaElements(const Schema& schema,
                                                    bool json_logical_type = true);

/// Fails with NotSupported naming the column for nested schemas, Corruption for malformed
/// element trees.
Result<Schema> FromSchemaElements(const std::vector<SchemaElement>& elements);

/// Minimal FLBA width that holds every unscaled value of DECIMAL(precision, _).
int32_t DecimalByteWidth(int32_t precision);

}  // namespace sluice::parquet

// TableSource: a table the engine can scan — the Parquet files matched by a glob, or every
// *.parquet file in a directory — with its schema, engine types and size from file metadata.
// Also the engine type mapping of Parquet columns (EngineTypeFor).
// Thread-safety: immutable after Open(); shared read-only by plans and scan workers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/types/sql_type.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::engine {

/// The engine type of a Parquet column; NotSupported (naming the column) for INT96, TIME,
/// UUID, unsigned 64-bit and other types the engine does not compute with.
Result<SqlType> EngineTypeFor(const ColumnSchema& column);

struct TableSource {
  std::string location;                  // the glob or directory as written
  std::vector<std::string> files;        // sorted
  Schema schema;                         // of the first file; all files must match by name and type
  std::vector<SqlType> types;            // engine type per column (kNull when unsupported)
  std::vector<std::string> unsupported;  // per column: why it cannot be read ("" if it can)
  int64_t num_rows = 0;
  int64_t num_row_groups = 0;
  std::vector<int> file_row_groups;  // row groups per file
  int64_t file_bytes = 0;

  /// Expands `location` (a glob, a file or a directory) and reads every footer. NotFound when
  /// nothing matches; InvalidArgument naming the file when schemas differ.
  static Result<std::shared_ptr<const TableSource>> Open(const std::string& location);
};

}  // namespace sluice::engine

// ResultSink: where query results go — JSON lines, CSV, an aligned text table, or a Parquet file.
// The JSON forms are exactly those of ../shared/tools/pqcheck (see src/common/value_format.h),
// so results can be diffed against DuckDB's line by line.
// Thread-safety: one thread. Ownership: a sink borrows the stream it writes to.
#pragma once

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "engine/types/vector.h"

namespace sluice::engine {

class ResultSink {
 public:
  virtual ~ResultSink() = default;
  virtual Status Begin(const std::vector<std::string>& names,
                       const std::vector<SqlType>& types) = 0;
  virtual Status Consume(const DataChunk& chunk) = 0;
  /// Flushes/commits; the result is complete only after Finish() returns OK.
  virtual Status Finish() = 0;
};

enum class OutputFormat { kTable, kCsv, kJsonl, kParquet };

/// Sinks writing text to `out` (borrowed for the sink's lifetime).
std::unique_ptr<ResultSink> MakeTextSink(OutputFormat format, std::ostream* out);
/// A sink writing a Parquet file at `path` (temporary name until Finish()).
std::unique_ptr<ResultSink> MakeParquetSink(const std::string& path);

/// Appends the pqcheck-canonical JSON text of v[row].
void AppendJson(const Vector& v, int64_t row, std::string* out);
/// Plain text of v[row] for CSV and tables ("" for NULL).
std::string PlainText(const Vector& v, int64_t row);

}  // namespace sluice::engine

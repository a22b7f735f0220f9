// QueryEngine: the entry point of the SQL engine — parse, bind, optimize, execute.
//
//   QueryEngine engine({.memory_limit_bytes = 512 << 20, .threads = 4});
//   engine.RegisterTable("orders", "out/orders/");   // optional: tables by name
//   auto sink = MakeTextSink(OutputFormat::kJsonl, &std::cout);
//   Status st = engine.Execute("SELECT ... FROM read_parquet('x/*.parquet')", sink.get());
//
// EXPLAIN <query> produces one VARCHAR column "explain" with the optimized plan.
// Thread-safety: one query at a time per engine. Ownership: the engine owns its catalog.
#pragma once

#include <cstdint>
#include <string>

#include "engine/output/result_sink.h"
#include "engine/plan/binder.h"

namespace sluice::engine {

struct QueryOptions {
  /// Budget for operator state (hash tables, sort buffers); beyond it operators spill.
  int64_t memory_limit_bytes = 1ll << 30;
  /// Scan threads (row groups decoded and filtered in parallel).
  int threads = 1;
  /// Directory for spill files; empty = $TMPDIR (or /tmp) + "/sluice-spill".
  std::string spill_dir;
};

struct QueryStats {
  int64_t rows = 0;
  int64_t spilled_bytes = 0;
  int64_t peak_reserved_bytes = 0;
  int64_t row_groups_read = 0;
  int64_t row_groups_skipped = 0;
};

class QueryEngine {
 public:
  explicit QueryEngine(QueryOptions options) : options_(std::move(options)) {}

  /// Makes `location` (glob, file or directory of Parquet files) queryable as `name`.
  Status RegisterTable(const std::string& name, const std::string& location);
  /// Parses, plans and runs `sql`, streaming the result into `sink`.
  Status Execute(const std::string& sql, ResultSink* sink, QueryStats* stats = nullptr);
  /// The optimized plan of `sql` as text.
  Result<std::string> Explain(const std::string& sql);

 private:
  Result<BoundQuery> Plan(const Statement& statement);

  QueryOptions options_;
  Catalog catalog_;
};

/// Parses "512MB", "2GiB", "1g", "100000" (bytes) into bytes.
Result<int64_t> ParseByteSize(const std::string& text);

}  // namespace sluice::engine

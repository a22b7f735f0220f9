// Operator: the pull-based execution contract. Each operator produces DataChunks on demand from
// its children; blocking operators (hash aggregate, sort, the build side of a hash join) consume
// their input on the first Next() call. ExecContext carries the per-query settings.
// Pipelines: streaming steps (filters, projections, join probes) are pushed down as
// ChunkTransforms and a blocking consumer (hash aggregation) as a ChunkSink into the operator that
// owns worker threads (the scan), so a whole pipeline runs in parallel over row groups.
// Thread-safety: an operator tree is driven by one thread (the scan uses worker threads
// internally). Ownership: an operator owns its children.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/exec/memory_budget.h"
#include "engine/types/vector.h"

namespace sluice::engine {

struct ExecContext {
  MemoryBudget* budget = nullptr;  // borrowed for the query's duration
  std::string spill_dir;           // where spill files go (created on demand)
  int threads = 1;
  /// Counters for tests and EXPLAIN ANALYZE-style reporting.
  std::atomic<int64_t> spilled_bytes{0};
  std::atomic<int64_t> row_groups_skipped{0};
  std::atomic<int64_t> row_groups_read{0};
};

/// A streaming, stateless step (e.g. probing a finished hash table) that can run on the scan's
/// worker threads. Apply() is called concurrently from several threads.
class ChunkTransform {
 public:
  virtual ~ChunkTransform() = default;
  /// Transforms `input` into zero or more chunks appended to *out.
  virtual Status Apply(DataChunk input, std::vector<DataChunk>* out) const = 0;
};

/// Consumes chunks on the worker threads of the operator that produces them — the end of a
/// parallel pipeline (e.g. the partial aggregation of a hash aggregate). Consume() runs
/// concurrently; `worker` (0 <= worker < ExecContext::threads) is unique among the calls running
/// at the same time, so per-worker state needs no lock.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual Status Consume(int worker, DataChunk chunk) = 0;
};

class Operator {
 public:
  virtual ~Operator() = default;
  /// Fills *out with the next rows (out->size > 0) and returns true, or returns false at the end.
  virtual Result<bool> Next(DataChunk* out) = 0;
  /// Asks the operator to run `transform` on every chunk it produces, on its worker threads.
  /// Only possible before the first Next(); false when the operator cannot (the caller then
  /// applies the step itself). The transform is shared by the worker threads.
  virtual Result<bool> TryAddTransform(std::shared_ptr<const ChunkTransform> transform) {
    return false;
  }
  /// Asks the operator to deliver its whole output to `sink` on its worker threads (after its
  /// transforms): Next() then runs the input through the sink and returns false, or an error.
  /// Only possible before the first Next(); false when the operator cannot.
  virtual Result<bool> TryAddSink(std::shared_ptr<ChunkSink> sink) { return false; }
};

using OperatorPtr = std::unique_ptr<Operator>;

}  // namespace sluice::engine

// DISTINCT aggregates as two levels of plain, spilling hash aggregation, for the cases the binder
// leaves alone (DISTINCT on different arguments, or mixed with avg/stddev/var):
//
//   SELECT k, count(DISTINCT a), sum(DISTINCT b), avg(y), count(*) ... GROUP BY k
//
// Each input row is expanded into copies: copy 0 carries the plain aggregates' arguments, copy i
// carries the i-th DISTINCT argument (dropped when NULL); every other value column is NULL.
// The inner aggregation groups by (k, a, b): one row per distinct a (resp. b) of each key, plus
// one row per key with the plain aggregates' partial results. The outer aggregation groups by k:
// count(DISTINCT a) = count(a) over the inner rows, avg(y) = the one non-NULL partial (max),
// count(*) = the sum of partial counts. Both levels are ordinary hash aggregations, so they run in
// parallel and spill past the memory budget instead of holding per-group sets in memory.
// Thread-safety: the expansion runs as a ChunkTransform (concurrently on the scan's threads).
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/logical_plan.h"

namespace sluice::engine {

/// The aggregation of `child` by `groups` with `aggregates` (some DISTINCT); expressions are
/// resolved against the child's output. Output: keys then aggregates, like HashAggregateOperator.
Result<OperatorPtr> CreateDistinctAggregate(ExecContext* ctx, OperatorPtr child,
                                            std::vector<ExprPtr> groups,
                                            std::vector<BoundAggregate> aggregates);

}  // namespace sluice::engine

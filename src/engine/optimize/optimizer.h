// Optimizer: rewrites a bound LogicalOp tree before execution —
//   1. constant folding (any expression whose inputs are all constants is evaluated once);
//   2. predicate pushdown through projections, joins, aggregates (on group keys), sorts and
//      UNION ALL into the Parquet scans, where they filter in the scan threads and prune row
//      groups by statistics;
//   3. projection pushdown: scans read only the column chunks some operator needs;
//   4. join reassociation: (A JOIN B) JOIN C with C joined on B's columns becomes
//      A JOIN (B JOIN C) when A is larger, so C meets B's rows instead of the fact table's;
//   5. build-side choice: an INNER join hashes its smaller input (estimated from file metadata).
// Thread-safety: pure function over the plan it owns.
#pragma once

#include "engine/plan/logical_plan.h"

namespace sluice::engine {

Result<PlanPtr> Optimize(PlanPtr plan);

/// Folds constant subexpressions of `expr` in place (exposed for tests).
Status FoldConstants(ExprPtr* expr);

}  // namespace sluice::engine

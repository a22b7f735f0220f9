// PhysicalPlanner: turns an optimized LogicalOp tree into an Operator tree — resolves every
// expression's column bindings to chunk positions, derives row-group pruning predicates from the
// filters pushed into scans, and runs ORDER BY ... LIMIT as a top-N.
// Thread-safety: pure function; the context is borrowed by the operators for the query.
#pragma once

#include "engine/exec/operator.h"
#include "engine/plan/logical_plan.h"

namespace sluice::engine {

Result<OperatorPtr> CreateOperator(LogicalOp* plan, ExecContext* ctx);

}  // namespace sluice::engine

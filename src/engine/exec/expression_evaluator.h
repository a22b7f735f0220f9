// Vectorized evaluation of resolved BoundExprs over a DataChunk, with SQL NULL semantics
// (three-valued AND/OR, NULL-propagating operators), exact DECIMAL arithmetic and integer
// overflow reported as InvalidArgument instead of wrapping.
// Thread-safety: pure functions; callers own the chunks.
#pragma once

#include "engine/plan/bound_expr.h"
#include "engine/types/vector.h"

namespace sluice::engine {

/// Evaluates `expr` (its column references resolved against `input`) into *out
/// (out->size() == input.size on success).
Status Evaluate(const BoundExpr& expr, const DataChunk& input, Vector* out);

/// Evaluates a boolean predicate and appends to *selected the rows where it is TRUE.
Status EvaluateFilter(const BoundExpr& expr, const DataChunk& input,
                      std::vector<uint32_t>* selected);

/// Casts every row of `input` to `target` into *out.
Status CastVector(const Vector& input, const SqlType& target, Vector* out);

/// Three-way comparison of a[ra] and b[rb] (same storage, both non-NULL).
int CompareValues(const Vector& a, int64_t ra, const Vector& b, int64_t rb);

/// SQL LIKE with % and _ (no escape character).
bool LikeMatch(std::string_view text, std::string_view pattern);

/// Row-at-a-time scalar functions (strings and dates) on non-NULL arguments.
Result<Value> EvaluateFunction(const std::string& name, const SqlType& type,
                               const std::vector<Value>& args);

}  // namespace sluice::engine

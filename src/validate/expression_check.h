// ExpressionCheck: a contract's `expression` table check — a SQL boolean expression over the
// columns of one row (e.g. "end_date IS NULL OR end_date >= start_date"), compiled and evaluated
// by the query engine (src/engine) on each batch, vectorized.
//
// Semantics are SQL CHECK's: a row fails when the expression is FALSE; TRUE and NULL pass (so
// "amount > 0" lets NULL amounts through, like a column min check). Anything the engine's
// SELECT list accepts works (arithmetic, CASE, IN, LIKE, BETWEEN, COALESCE, string and date
// functions, CAST); aggregates, subqueries and references to other tables do not, since the check
// is per row.
// Thread-safety: immutable after Compile(); Evaluate() may run on many threads at once.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice::validate {

class ExpressionCheck {
 public:
  /// Parses and binds `expression` against `schema`. InvalidArgument (the engine's message:
  /// syntax error, unknown column, type mismatch) or when the result is not BOOLEAN;
  /// NotSupported for columns the engine cannot compute with.
  static Result<std::shared_ptr<const ExpressionCheck>> Compile(const std::string& expression,
                                                                const Schema& schema);
  ~ExpressionCheck();

  /// Appends to *failing the rows of `batch` (of the compiled schema) where the expression is
  /// FALSE. An evaluation error (integer overflow) is kValidationFailed naming the expression.
  Status Evaluate(const ColumnBatch& batch, std::vector<int64_t>* failing) const;

  /// Schema indices of the columns the expression reads (shown in failure samples).
  const std::vector<int>& columns() const { return columns_; }

 private:
  struct Impl;
  explicit ExpressionCheck(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
  std::vector<int> columns_;
};

}  // namespace sluice::validate

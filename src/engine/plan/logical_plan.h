// LogicalOp: the nodes of a bound query plan (scan, filter, project, aggregate, join, sort,
// limit, union all). The binder builds it, the optimizer rewrites it, EXPLAIN prints it and the
// executor turns it into operators.
// Ownership: a node owns its children; TableSource is shared (immutable) with the catalog.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/plan/bound_expr.h"
#include "engine/plan/table_source.h"

namespace sluice::engine {

struct BoundAggregate {
  std::string name;  // count_star count sum avg min max stddev_samp var_samp count_merge
  bool distinct = false;
  ExprPtr arg;   // null for count_star
  SqlType type;  // result type
  std::string ToString() const;
};

struct SortKey {
  ExprPtr expr;
  bool descending = false;
  bool nulls_first = false;
};

struct LogicalOp {
  enum class Kind { kScan, kFilter, kProject, kAggregate, kJoin, kSort, kLimit, kUnionAll };
  Kind kind = Kind::kScan;
  std::vector<std::unique_ptr<LogicalOp>> children;

  // kScan: `columns` are file column indices, output as bindings (table_index, file column).
  std::shared_ptr<const TableSource> source;
  std::vector<int> columns;
  // kScan (pushed-down filters), kFilter (conjuncts), kProject (output expressions),
  // kAggregate (group keys).
  std::vector<ExprPtr> exprs;
  int table_index = -1;      // kScan, kProject, kUnionAll, kAggregate (groups)
  int aggregate_index = -1;  // kAggregate
  std::vector<BoundAggregate> aggregates;
  // kJoin: left_keys over children[0], right_keys over children[1].
  bool left_join = false;
  bool build_left = false;  // chosen by the optimizer: the smaller input is hashed
  std::vector<ExprPtr> left_keys;
  std::vector<ExprPtr> right_keys;
  // kJoin: when not empty, the subset of (left outputs ++ right outputs) the join emits (the
  // optimizer drops columns nobody above needs, e.g. join keys, so they are never gathered).
  std::vector<ColumnBinding> join_outputs;
  // kSort
  std::vector<SortKey> order;
  // kLimit (limit < 0: none); a kLimit over a kSort runs as top-N.
  int64_t limit = -1;
  int64_t offset = 0;
  /// Output column names (kProject and kUnionAll; others derive theirs).
  std::vector<std::string> names;
  /// Estimated output rows (from file metadata) for choosing the build side.
  double estimated_rows = 0;

  std::vector<ColumnBinding> OutputBindings() const;
  std::vector<SqlType> OutputTypes() const;
  /// Indented plan text for EXPLAIN.
  std::string ToString(int indent = 0) const;
};

using PlanPtr = std::unique_ptr<LogicalOp>;

}  // namespace sluice::engine

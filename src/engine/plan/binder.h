// Binder: turns a parsed Statement into a LogicalOp tree — resolves table and column names,
// expands *, types every expression with DuckDB's rules (inserting casts), collects aggregates,
// and wires ORDER BY / LIMIT / UNION ALL / CTEs / subqueries in FROM.
// Thread-safety: one Binder per query. The catalog is borrowed for the Binder's lifetime.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/parse/ast.h"
#include "engine/plan/logical_plan.h"

namespace sluice::engine {

/// Tables registered by name (lower-cased), e.g. the extracted tables of a pipeline.
using Catalog = std::map<std::string, std::shared_ptr<const TableSource>>;

struct BoundQuery {
  PlanPtr plan;
  std::vector<std::string> names;  // output column names
};

class Binder {
 public:
  explicit Binder(const Catalog* catalog) : catalog_(catalog) {}
  Result<BoundQuery> Bind(const QueryNode& query);

 private:
  struct ScopeColumn {
    std::string table;
    std::string name;
    ColumnBinding binding;
    SqlType type;
    std::string error;  // non-empty: referencing the column fails with this message
  };
  struct Scope {
    std::vector<ScopeColumn> columns;
  };
  struct BindContext {
    const Scope* scope = nullptr;
    const char* clause = "";  // for errors: "WHERE", "GROUP BY", ...
    bool aggregate_mode = false;
    std::vector<std::string> group_strings;
    std::vector<SqlType> group_types;
    int group_index = -1;
    std::vector<BoundAggregate>* aggregates = nullptr;
    int aggregate_index = -1;
  };

  Result<BoundQuery> BindQueryNode(const QueryNode& query);
  Result<BoundQuery> BindSelect(const SelectCore& core, const std::vector<OrderItem>* order_by,
                                std::vector<SortKey>* sort_keys, int* hidden);
  Status BindFrom(const TableRef& ref, PlanPtr* plan, Scope* scope);
  Status BindJoin(const TableRef& ref, PlanPtr* plan, Scope* scope);
  Result<std::shared_ptr<const TableSource>> OpenTable(const std::string& location);
  PlanPtr MakeScan(std::shared_ptr<const TableSource> source, const std::string& alias,
                   Scope* scope);

  Result<ExprPtr> BindExpr(const ParsedExpr& expr, BindContext& ctx);
  Result<ExprPtr> BindNode(const ParsedExpr& expr, BindContext& ctx);
  Result<ExprPtr> BindColumn(const ParsedExpr& expr, const BindContext& ctx);
  Result<ExprPtr> BindAggregateCall(const ParsedExpr& expr, BindContext& ctx);
  Result<ExprPtr> BindFunction(const ParsedExpr& expr, std::vector<ExprPtr> args);
  Result<ExprPtr> BindComparison(const std::string& op, ExprPtr left, ExprPtr right);
  Result<ExprPtr> BindArithmetic(const std::string& op, ExprPtr left, ExprPtr right);
  Result<ExprPtr> BindCast(ExprPtr child, const SqlType& type);

  int NewTableIndex() { return next_table_index_++; }

  const Catalog* catalog_;
  std::map<std::string, std::shared_ptr<const TableSource>> opened_;
  std::vector<std::pair<std::string, const QueryNode*>> ctes_;  // visible CTEs, innermost last
  int next_table_index_ = 0;
};

/// True for the aggregate function names the engine implements.
bool IsAggregateFunction(const std::string& name);

}  // namespace sluice::engine

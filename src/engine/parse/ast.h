// AST: the parsed form of a query, before names and types are resolved (see plan/binder.h).
// Ownership: each node owns its children through unique_ptr.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/types/value.h"

namespace sluice::engine {

struct QueryNode;

struct ParsedExpr {
  enum class Kind {
    kColumn,    // [table.]name
    kLiteral,   // literal
    kStar,      // * or table.*
    kUnary,     // op: "-", "NOT"
    kBinary,    // op: + - * / // % = <> < <= > >= AND OR ||
    kFunction,  // name(args) [DISTINCT]; count(*) has star = true
    kCase,      // [operand] WHEN.. THEN.. [ELSE]
    kCast,      // CAST(x AS type) / x::type
    kIsNull,    // x IS [NOT] NULL
    kIn,        // x [NOT] IN (list)
    kBetween,   // x [NOT] BETWEEN lo AND hi
    kLike,      // x [NOT] LIKE pattern
  };
  Kind kind = Kind::kLiteral;
  std::string name;   // column or function name; operator for kUnary/kBinary
  std::string table;  // column qualifier
  Value literal;
  std::vector<std::unique_ptr<ParsedExpr>> children;
  bool negated = false;
  bool distinct = false;
  bool star = false;
  bool has_operand = false;  // kCase: children[0] is the operand
  bool has_else = false;     // kCase: the last child is the ELSE
  std::string type_name;     // kCast
  int precision = 0;
  int scale = 0;
  bool has_precision = false;
  int line = 0;
  int column = 0;
  /// The text DuckDB would use as a column name for this expression (e.g. "sum(x)").
  std::string text;
};

struct TableRef {
  enum class Kind { kParquet, kNamed, kSubquery, kJoin };
  Kind kind = Kind::kNamed;
  std::string path;  // kParquet: glob or directory
  std::string name;  // kNamed
  std::string alias;
  std::unique_ptr<QueryNode> subquery;
  // kJoin
  bool left_join = false;
  std::unique_ptr<TableRef> left;
  std::unique_ptr<TableRef> right;
  std::unique_ptr<ParsedExpr> on;
};

struct SelectItem {
  std::unique_ptr<ParsedExpr> expr;
  std::string alias;
};

struct OrderItem {
  std::unique_ptr<ParsedExpr> expr;
  bool descending = false;
  std::optional<bool> nulls_first;  // unset: NULLS LAST (DuckDB's default)
};

struct SelectCore {
  bool distinct = false;
  std::vector<SelectItem> items;
  std::unique_ptr<TableRef> from;
  std::unique_ptr<ParsedExpr> where;
  std::vector<std::unique_ptr<ParsedExpr>> group_by;
  bool group_by_all = false;  // GROUP BY ALL: every select item without an aggregate
  std::unique_ptr<ParsedExpr> having;
};

/// One operand of UNION ALL: a SELECT or a parenthesized query.
struct SetOperand {
  std::unique_ptr<SelectCore> select;
  std::unique_ptr<QueryNode> nested;
};

struct CommonTableExpr {
  std::string name;
  std::unique_ptr<QueryNode> query;
};

struct QueryNode {
  std::vector<CommonTableExpr> ctes;
  std::vector<SetOperand> operands;  // joined by UNION ALL
  std::vector<OrderItem> order_by;
  std::optional<int64_t> limit;
  std::optional<int64_t> offset;
};

struct Statement {
  bool explain = false;
  std::unique_ptr<QueryNode> query;
};

}  // namespace sluice::engine

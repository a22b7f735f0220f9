// BoundExpr: a typed expression whose column references are resolved to ColumnBindings (the
// output column of a plan node). Before execution, ResolveColumns() turns each binding into the
// position of that column in the operator's input chunk.
// Ownership: a node owns its children; Clone() copies a tree.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/types/value.h"

namespace sluice::engine {

/// Names one output column of a plan node: the node's table index and the column's position.
struct ColumnBinding {
  int table = -1;
  int column = -1;
  bool operator==(const ColumnBinding&) const = default;
};

struct BoundExpr {
  enum class Kind {
    kColumnRef,
    kConstant,
    kCast,
    kCompare,  // op: = <> < <= > >=
    kArith,    // op: + - * / // %
    kNegate,
    kAnd,
    kOr,
    kNot,
    kIsNull,  // negated: IS NOT NULL
    kIn,      // children[0] IN children[1..]; negated: NOT IN
    kLike,    // negated: NOT LIKE
    kCase,    // when/then pairs then else
    kCoalesce,
    kFunction,  // op: lower upper trim ltrim rtrim length substr concat || year month day
                //     date_part date_trunc abs
  };
  Kind kind = Kind::kConstant;
  SqlType type;
  std::string op;
  Value value;            // kConstant
  ColumnBinding binding;  // kColumnRef
  int index = -1;         // kColumnRef: position in the input chunk, set by ResolveColumns
  bool negated = false;
  std::vector<std::unique_ptr<BoundExpr>> children;

  std::unique_ptr<BoundExpr> Clone() const;
  /// Readable form for EXPLAIN and for matching GROUP BY expressions.
  std::string ToString() const;
};

using ExprPtr = std::unique_ptr<BoundExpr>;

ExprPtr MakeColumnRef(ColumnBinding binding, SqlType type);
ExprPtr MakeConstant(Value value);
/// CAST(child AS type); returns child unchanged when it already has that type.
ExprPtr MakeCast(ExprPtr child, const SqlType& type);
ExprPtr MakeBinary(BoundExpr::Kind kind, std::string op, SqlType type, ExprPtr left, ExprPtr right);

/// Collects every column binding referenced in `expr`.
void CollectBindings(const BoundExpr& expr, std::vector<ColumnBinding>* out);
/// Splits a conjunction into its AND-ed parts.
void SplitConjunction(ExprPtr expr, std::vector<ExprPtr>* out);
/// Sets `index` of every column reference to its position in `layout`; Internal error when a
/// binding is missing (a planner bug).
Status ResolveColumns(BoundExpr* expr, const std::vector<ColumnBinding>& layout);

}  // namespace sluice::engine

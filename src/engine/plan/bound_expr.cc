#include "engine/plan/bound_expr.h"

namespace sluice::engine {

std::unique_ptr<BoundExpr> BoundExpr::Clone() const {
  auto out = std::make_unique<BoundExpr>();
  out->kind = kind;
  out->type = type;
  out->op = op;
  out->value = value;
  out->binding = binding;
  out->index = index;
  out->negated = negated;
  for (const auto& child : children) out->children.push_back(child->Clone());
  return out;
}

std::string BoundExpr::ToString() const {
  auto child = [&](size_t idx) { return children[idx]->ToString(); };
  switch (kind) {
    case Kind::kColumnRef:
      return "#" + std::to_string(binding.table) + "." + std::to_string(binding.column);
    case Kind::kConstant:
      return value.ToSql();
    case Kind::kCast:
      return "CAST(" + child(0) + " AS " + type.ToString() + ")";
    case Kind::kCompare:
    case Kind::kArith:
      return "(" + child(0) + " " + op + " " + child(1) + ")";
    case Kind::kNegate:
      return "-(" + child(0) + ")";
    case Kind::kAnd:
      return "(" + child(0) + " AND " + child(1) + ")";
    case Kind::kOr:
      return "(" + child(0) + " OR " + child(1) + ")";
    case Kind::kNot:
      return "NOT " + child(0);
    case Kind::kIsNull:
      return "(" + child(0) + (negated ? " IS NOT NULL)" : " IS NULL)");
    case Kind::kLike:
      return "(" + child(0) + (negated ? " NOT LIKE " : " LIKE ") + child(1) + ")";
    case Kind::kIn:
    case Kind::kCase:
    case Kind::kCoalesce:
    case Kind::kFunction: {
      std::string name = kind == Kind::kIn         ? (negated ? "NOT IN" : "IN")
                         : kind == Kind::kCase     ? "CASE"
                         : kind == Kind::kCoalesce ? "coalesce"
                                                   : op;
      std::string out = name + "(";
      for (size_t idx = 0; idx < children.size(); ++idx) {
        out += (idx ? ", " : "") + child(idx);
      }
      return out + ")";
    }
  }
  return "?";
}

ExprPtr MakeColumnRef(ColumnBinding binding, SqlType type) {
  auto out = std::make_unique<BoundExpr>();
  out->kind = BoundExpr::Kind::kColumnRef;
  out->binding = binding;
  out->type = type;
  return out;
}

ExprPtr MakeConstant(Value value) {
  auto out = std::make_unique<BoundExpr>();
  out->kind = BoundExpr::Kind::kConstant;
  out->type = value.type;
  out->value = std::move(value);
  return out;
}

ExprPtr MakeCast(ExprPtr child, const SqlType& type) {
  if (child->type == type) return child;
  auto out = std::make_unique<BoundExpr>();
  out->kind = BoundExpr::Kind::kCast;
  out->type = type;
  out->children.push_back(std::move(child));
  return out;
}

ExprPtr MakeBinary(BoundExpr::Kind kind, std::string op, SqlType type, ExprPtr left,
                   ExprPtr right) {
  auto out = std::make_unique<BoundExpr>();
  out->kind = kind;
  out->op = std::move(op);
  out->type = type;
  out->children.push_back(std::move(left));
  out->children.push_back(std::move(right));
  return out;
}

void CollectBindings(const BoundExpr& expr, std::vector<ColumnBinding>* out) {
  if (expr.kind == BoundExpr::Kind::kColumnRef) out->push_back(expr.binding);
  for (const auto& child : expr.children) CollectBindings(*child, out);
}

void SplitConjunction(ExprPtr expr, std::vector<ExprPtr>* out) {
  if (expr->kind == BoundExpr::Kind::kAnd) {
    SplitConjunction(std::move(expr->children[0]), out);
    SplitConjunction(std::move(expr->children[1]), out);
    return;
  }
  out->push_back(std::move(expr));
}

Status ResolveColumns(BoundExpr* expr, const std::vector<ColumnBinding>& layout) {
  if (expr->kind == BoundExpr::Kind::kColumnRef) {
    for (size_t pos = 0; pos < layout.size(); ++pos) {
      if (layout[pos] == expr->binding) {
        expr->index = static_cast<int>(pos);
        return Status::OK();
      }
    }
    return Status::Internal("column binding " + expr->ToString() + " is not in the input");
  }
  for (auto& child : expr->children) SLUICE_RETURN_IF_ERROR(ResolveColumns(child.get(), layout));
  return Status::OK();
}

}  // namespace sluice::engine

// Expression binding and typing (part of Binder): literals, columns, operators, CASE, CAST,
// scalar functions and aggregate calls.
#include <algorithm>
#include <cctype>

#include "engine/plan/binder.h"

namespace sluice::engine {

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

bool ContainsAggregate(const ParsedExpr& expr) {
  if (expr.kind == ParsedExpr::Kind::kFunction && IsAggregateFunction(expr.name)) return true;
  for (const auto& child : expr.children) {
    if (ContainsAggregate(*child)) return true;
  }
  return false;
}

// DuckDB's literal typing: INTEGER when it fits 32 bits, then BIGINT, then HUGEINT; a decimal
// point gives DECIMAL(total digits, fraction digits); an exponent gives DOUBLE.
Result<Value> NumberLiteral(const std::string& text) {
  if (text.find_first_of("eE") != std::string::npos)
    return Value::Double(std::strtod(text.c_str(), nullptr));
  size_t dot = text.find('.');
  if (dot == std::string::npos) {
    auto wide = CastValue(Value::Varchar(text), SqlType::Of(TypeId::kInt128));
    if (!wide.ok()) return Value::Double(std::strtod(text.c_str(), nullptr));
    int128 value = wide->i128;
    if (value >= INT32_MIN && value <= INT32_MAX)
      return Value::Int(SqlType::Of(TypeId::kInt32), static_cast<int64_t>(value));
    if (value >= INT64_MIN && value <= INT64_MAX)
      return Value::Int(SqlType::Of(TypeId::kInt64), static_cast<int64_t>(value));
    return Value::Wide(SqlType::Of(TypeId::kInt128), value);
  }
  int digits = 0;
  for (char ch : text) digits += std::isdigit(static_cast<unsigned char>(ch)) ? 1 : 0;
  int scale = static_cast<int>(text.size() - dot - 1);
  int precision = std::max(digits, scale);
  if (precision > kMaxDecimalPrecision) return Value::Double(std::strtod(text.c_str(), nullptr));
  return CastValue(Value::Varchar(text), SqlType::Decimal(precision, scale));
}

bool IsStringConstant(const BoundExpr& expr) {
  return expr.kind == BoundExpr::Kind::kConstant && expr.type.id == TypeId::kVarchar;
}

Result<ExprPtr> ToBoolean(ExprPtr expr, const char* where) {
  if (expr->type.id == TypeId::kBoolean) return expr;
  if (expr->type.id == TypeId::kNull)
    return MakeCast(std::move(expr), SqlType::Of(TypeId::kBoolean));
  return Status::InvalidArgument(std::string(where) + " needs a BOOLEAN, got " +
                                 expr->type.ToString() + " (" + expr->ToString() + ")");
}

// Unifies the types of `exprs` (casting string constants to the other type, as DuckDB does for
// string literals) and casts every expression to the result.
Result<SqlType> Unify(std::vector<ExprPtr*> exprs) {
  SqlType common;
  bool have_non_literal = false;
  for (ExprPtr* expr : exprs) {
    if (IsStringConstant(**expr)) continue;
    have_non_literal = true;
    SLUICE_ASSIGN_OR_RETURN(common, CommonSupertype(common, (*expr)->type));
  }
  if (!have_non_literal || common.IsString() || common.id == TypeId::kNull) {
    for (ExprPtr* expr : exprs) {
      SLUICE_ASSIGN_OR_RETURN(common, CommonSupertype(common, (*expr)->type));
    }
  }
  for (ExprPtr* expr : exprs) {
    if (IsStringConstant(**expr) && !common.IsString()) {
      auto cast = CastValue((*expr)->value, common);
      if (!cast.ok()) return cast.status();
      *expr = MakeConstant(*cast);
    } else {
      *expr = MakeCast(std::move(*expr), common);
    }
  }
  return common;
}

}  // namespace

Result<ExprPtr> Binder::BindExpr(const ParsedExpr& expr, BindContext& ctx) {
  if (ctx.aggregate_mode) {
    if (expr.kind == ParsedExpr::Kind::kFunction && IsAggregateFunction(expr.name)) {
      return BindAggregateCall(expr, ctx);
    }
    if (!ContainsAggregate(expr)) {
      BindContext plain = ctx;
      plain.aggregate_mode = false;
      SLUICE_ASSIGN_OR_RETURN(auto bound, BindNode(expr, plain));
      std::string text = bound->ToString();
      for (size_t idx = 0; idx < ctx.group_strings.size(); ++idx) {
        if (ctx.group_strings[idx] == text) {
          return MakeColumnRef({ctx.group_index, static_cast<int>(idx)}, ctx.group_types[idx]);
        }
      }
      std::vector<ColumnBinding> used;
      CollectBindings(*bound, &used);
      if (used.empty()) return bound;
      if (expr.kind == ParsedExpr::Kind::kColumn) {
        return Status::InvalidArgument(
            "column '" + expr.name + "' in " + ctx.clause +
            " must appear in GROUP BY or be used in an aggregate function");
      }
    }
  }
  return BindNode(expr, ctx);
}

Result<ExprPtr> Binder::BindColumn(const ParsedExpr& expr, const BindContext& ctx) {
  const ScopeColumn* found = nullptr;
  if (ctx.scope) {
    for (const auto& column : ctx.scope->columns) {
      if (!EqualsIgnoreCase(column.name, expr.name)) continue;
      if (!expr.table.empty() && !EqualsIgnoreCase(column.table, expr.table)) continue;
      if (found) {
        return Status::InvalidArgument("column reference '" + expr.name + "' is ambiguous (line " +
                                       std::to_string(expr.line) + ", column " +
                                       std::to_string(expr.column) + ")");
      }
      found = &column;
    }
  }
  if (!found) {
    return Status::NotFound("column '" + (expr.table.empty() ? "" : expr.table + ".") + expr.name +
                            "' not found (line " + std::to_string(expr.line) + ", column " +
                            std::to_string(expr.column) + ")");
  }
  if (!found->error.empty()) return Status::NotSupported(found->error);
  return MakeColumnRef(found->binding, found->type);
}

Result<ExprPtr> Binder::BindAggregateCall(const ParsedExpr& expr, BindContext& ctx) {
  BindContext inner = ctx;
  inner.aggregate_mode = false;
  BoundAggregate agg;
  agg.distinct = expr.distinct;
  std::string name = expr.name;
  if (name == "mean") name = "avg";
  if (name == "stddev") name = "stddev_samp";
  if (name == "variance") name = "var_samp";
  if (expr.star) {
    if (name != "count") return Status::InvalidArgument(name + "(*) is not a function");
    name = "count_star";
    agg.type = SqlType::Of(TypeId::kInt64);
  } else {
    if (expr.children.size() != 1) {
      return Status::InvalidArgument(name + "() takes exactly one argument");
    }
    if (ContainsAggregate(*expr.children[0])) {
      return Status::InvalidArgument("aggregate function calls cannot be nested: " + expr.text);
    }
    SLUICE_ASSIGN_OR_RETURN(agg.arg, BindNode(*expr.children[0], inner));
    const SqlType& arg = agg.arg->type;
    if (name == "count") {
      agg.type = SqlType::Of(TypeId::kInt64);
    } else if (name == "min" || name == "max") {
      agg.type = arg;
    } else if (!arg.IsNumeric() && arg.id != TypeId::kNull) {
      return Status::InvalidArgument(name + "() needs a numeric argument, got " + arg.ToString());
    } else if (name == "sum") {
      if (arg.id == TypeId::kDecimal) {
        agg.type = SqlType::Decimal(kMaxDecimalPrecision, arg.scale);
      } else if (arg.id == TypeId::kDouble) {
        agg.type = arg;
      } else {
        agg.type = SqlType::Of(TypeId::kInt128);
        agg.arg = MakeCast(std::move(agg.arg), SqlType::Of(TypeId::kInt128));
      }
    } else {
      agg.type = SqlType::Of(TypeId::kDouble);  // avg, stddev_samp, var_samp
      if (name != "avg" || arg.id == TypeId::kNull) {
        agg.arg = MakeCast(std::move(agg.arg), SqlType::Of(TypeId::kDouble));
      }
    }
  }
  agg.name = name;
  std::string text = agg.ToString();
  for (size_t idx = 0; idx < ctx.aggregates->size(); ++idx) {
    if ((*ctx.aggregates)[idx].ToString() == text) {
      return MakeColumnRef({ctx.aggregate_index, static_cast<int>(idx)}, agg.type);
    }
  }
  ctx.aggregates->push_back(std::move(agg));
  return MakeColumnRef({ctx.aggregate_index, static_cast<int>(ctx.aggregates->size() - 1)},
                       ctx.aggregates->back().type);
}

Result<ExprPtr> Binder::BindComparison(const std::string& op, ExprPtr left, ExprPtr right) {
  auto status = Unify({&left, &right});
  if (!status.ok()) return status.status().WithContext("comparison " + op);
  return MakeBinary(BoundExpr::Kind::kCompare, op, SqlType::Of(TypeId::kBoolean), std::move(left),
                    std::move(right));
}

Result<ExprPtr> Binder::BindArithmetic(const std::string& op, ExprPtr left, ExprPtr right) {
  if (op == "||") {
    left = MakeCast(std::move(left), SqlType::Of(TypeId::kVarchar));
    right = MakeCast(std::move(right), SqlType::Of(TypeId::kVarchar));
    return MakeBinary(BoundExpr::Kind::kFunction, "||", SqlType::Of(TypeId::kVarchar),
                      std::move(left), std::move(right));
  }
  bool integer_division = op == "//";
  SLUICE_ASSIGN_OR_RETURN(
      SqlType result,
      ArithmeticResultType(op == "//" ? '/' : op[0], integer_division, left->type, right->type));
  SqlType lt = left->type;
  SqlType rt = right->type;
  if (result.id == TypeId::kDate || (lt.id == TypeId::kDate && rt.id == TypeId::kDate)) {
    // Date arithmetic works on day numbers held as integers.
    if (lt.IsInteger()) left = MakeCast(std::move(left), SqlType::Of(TypeId::kInt64));
    if (rt.IsInteger()) right = MakeCast(std::move(right), SqlType::Of(TypeId::kInt64));
    return MakeBinary(BoundExpr::Kind::kArith, op == "+" ? "date+" : "date-", result,
                      std::move(left), std::move(right));
  }
  if (result.id == TypeId::kDouble) {
    left = MakeCast(std::move(left), result);
    right = MakeCast(std::move(right), result);
  } else if (result.id == TypeId::kDecimal) {
    auto as_decimal = [](ExprPtr expr) {
      SqlType type =
          expr->type.id == TypeId::kDecimal ? expr->type : DecimalForInteger(expr->type.id);
      return MakeCast(std::move(expr), type);
    };
    left = as_decimal(std::move(left));
    right = as_decimal(std::move(right));
    if (op != "*") {
      // + and -: align both scales to the result's (the value keeps its digits).
      left = MakeCast(std::move(left), SqlType::Decimal(kMaxDecimalPrecision, result.scale));
      right = MakeCast(std::move(right), SqlType::Decimal(kMaxDecimalPrecision, result.scale));
    }
  } else {
    left = MakeCast(std::move(left), result);
    right = MakeCast(std::move(right), result);
  }
  return MakeBinary(BoundExpr::Kind::kArith, op, result, std::move(left), std::move(right));
}

Result<ExprPtr> Binder::BindCast(ExprPtr child, const SqlType& type) {
  if (child->kind == BoundExpr::Kind::kConstant) {
    SLUICE_ASSIGN_OR_RETURN(Value value, CastValue(child->value, type));
    return MakeConstant(std::move(value));
  }
  if (child->type.IsString() && !type.IsString() && child->type.id != TypeId::kNull) {
    // Allowed at run time (row by row); failures are errors naming the value.
  }
  return MakeCast(std::move(child), type);
}

Result<ExprPtr> Binder::BindNode(const ParsedExpr& expr, BindContext& ctx) {
  auto at = [&] {
    return " (line " + std::to_string(expr.line) + ", column " + std::to_string(expr.column) + ")";
  };
  switch (expr.kind) {
    case ParsedExpr::Kind::kColumn:
      return BindColumn(expr, ctx);
    case ParsedExpr::Kind::kLiteral: {
      if (expr.name == "number") {
        SLUICE_ASSIGN_OR_RETURN(Value value, NumberLiteral(expr.literal.str));
        return MakeConstant(std::move(value));
      }
      return MakeConstant(expr.literal);
    }
    case ParsedExpr::Kind::kStar:
      return Status::InvalidArgument("* is only allowed in the select list or count(*)" + at());
    case ParsedExpr::Kind::kUnary: {
      SLUICE_ASSIGN_OR_RETURN(auto child, BindExpr(*expr.children[0], ctx));
      auto node = std::make_unique<BoundExpr>();
      if (expr.name == "NOT") {
        SLUICE_ASSIGN_OR_RETURN(child, ToBoolean(std::move(child), "NOT"));
        node->kind = BoundExpr::Kind::kNot;
        node->type = SqlType::Of(TypeId::kBoolean);
      } else {
        if (!child->type.IsNumeric() && child->type.id != TypeId::kNull) {
          return Status::InvalidArgument("unary minus needs a number, got " +
                                         child->type.ToString() + at());
        }
        node->kind = BoundExpr::Kind::kNegate;
        node->type = child->type.id == TypeId::kNull ? SqlType::Of(TypeId::kInt32) : child->type;
        child = MakeCast(std::move(child), node->type);
      }
      node->children.push_back(std::move(child));
      return node;
    }
    case ParsedExpr::Kind::kBinary: {
      SLUICE_ASSIGN_OR_RETURN(auto left, BindExpr(*expr.children[0], ctx));
      SLUICE_ASSIGN_OR_RETURN(auto right, BindExpr(*expr.children[1], ctx));
      const std::string& op = expr.name;
      if (op == "AND" || op == "OR") {
        SLUICE_ASSIGN_OR_RETURN(left, ToBoolean(std::move(left), op.c_str()));
        SLUICE_ASSIGN_OR_RETURN(right, ToBoolean(std::move(right), op.c_str()));
        return MakeBinary(op == "AND" ? BoundExpr::Kind::kAnd : BoundExpr::Kind::kOr, op,
                          SqlType::Of(TypeId::kBoolean), std::move(left), std::move(right));
      }
      if (op == "=" || op == "<>" || op == "<" || op == "<=" || op == ">" || op == ">=") {
        auto bound = BindComparison(op, std::move(left), std::move(right));
        if (!bound.ok()) return bound.status().WithContext(at().substr(1));
        return bound;
      }
      auto bound = BindArithmetic(op, std::move(left), std::move(right));
      if (!bound.ok()) return Status(bound.status().code(), bound.status().message() + at());
      return bound;
    }
    case ParsedExpr::Kind::kIsNull: {
      SLUICE_ASSIGN_OR_RETURN(auto child, BindExpr(*expr.children[0], ctx));
      auto node = std::make_unique<BoundExpr>();
      node->kind = BoundExpr::Kind::kIsNull;
      node->negated = expr.negated;
      node->type = SqlType::Of(TypeId::kBoolean);
      node->children.push_back(std::move(child));
      return node;
    }
    case ParsedExpr::Kind::kIn: {
      auto node = std::make_unique<BoundExpr>();
      node->kind = BoundExpr::Kind::kIn;
      node->negated = expr.negated;
      node->type = SqlType::Of(TypeId::kBoolean);
      for (const auto& child : expr.children) {
        SLUICE_ASSIGN_OR_RETURN(auto bound, BindExpr(*child, ctx));
        node->children.push_back(std::move(bound));
      }
      std::vector<ExprPtr*> all;
      for (auto& child : node->children) all.push_back(&child);
      auto unified = Unify(all);
      if (!unified.ok()) return unified.status().WithContext("IN" + at());
      return node;
    }
    case ParsedExpr::Kind::kBetween: {
      SLUICE_ASSIGN_OR_RETURN(auto value, BindExpr(*expr.children[0], ctx));
      SLUICE_ASSIGN_OR_RETURN(auto low, BindExpr(*expr.children[1], ctx));
      SLUICE_ASSIGN_OR_RETURN(auto high, BindExpr(*expr.children[2], ctx));
      auto copy = value->Clone();
      SLUICE_ASSIGN_OR_RETURN(auto lower, BindComparison(">=", std::move(value), std::move(low)));
      SLUICE_ASSIGN_OR_RETURN(auto upper, BindComparison("<=", std::move(copy), std::move(high)));
      auto both = MakeBinary(BoundExpr::Kind::kAnd, "AND", SqlType::Of(TypeId::kBoolean),
                             std::move(lower), std::move(upper));
      if (!expr.negated) return both;
      auto node = std::make_unique<BoundExpr>();
      node->kind = BoundExpr::Kind::kNot;
      node->type = SqlType::Of(TypeId::kBoolean);
      node->children.push_back(std::move(both));
      return node;
    }
    case ParsedExpr::Kind::kLike: {
      SLUICE_ASSIGN_OR_RETURN(auto value, BindExpr(*expr.children[0], ctx));
      SLUICE_ASSIGN_OR_RETURN(auto pattern, BindExpr(*expr.children[1], ctx));
      if ((!value->type.IsString() && value->type.id != TypeId::kNull) ||
          (!pattern->type.IsString() && pattern->type.id != TypeId::kNull)) {
        return Status::InvalidArgument("LIKE needs VARCHAR operands" + at());
      }
      auto node = MakeBinary(BoundExpr::Kind::kLike, "LIKE", SqlType::Of(TypeId::kBoolean),
                             MakeCast(std::move(value), SqlType::Of(TypeId::kVarchar)),
                             MakeCast(std::move(pattern), SqlType::Of(TypeId::kVarchar)));
      node->negated = expr.negated;
      return node;
    }
    case ParsedExpr::Kind::kCase: {
      auto node = std::make_unique<BoundExpr>();
      node->kind = BoundExpr::Kind::kCase;
      size_t pos = 0;
      ExprPtr operand;
      if (expr.has_operand) {
        SLUICE_ASSIGN_OR_RETURN(operand, BindExpr(*expr.children[0], ctx));
        pos = 1;
      }
      size_t end = expr.children.size() - (expr.has_else ? 1 : 0);
      std::vector<ExprPtr> results;
      for (; pos < end; pos += 2) {
        SLUICE_ASSIGN_OR_RETURN(auto when, BindExpr(*expr.children[pos], ctx));
        if (operand) {
          SLUICE_ASSIGN_OR_RETURN(when, BindComparison("=", operand->Clone(), std::move(when)));
        } else {
          SLUICE_ASSIGN_OR_RETURN(when, ToBoolean(std::move(when), "CASE WHEN"));
        }
        SLUICE_ASSIGN_OR_RETURN(auto then, BindExpr(*expr.children[pos + 1], ctx));
        node->children.push_back(std::move(when));
        results.push_back(std::move(then));
      }
      if (expr.has_else) {
        SLUICE_ASSIGN_OR_RETURN(auto otherwise, BindExpr(*expr.children.back(), ctx));
        results.push_back(std::move(otherwise));
      } else {
        results.push_back(MakeConstant(Value::Null()));
      }
      std::vector<ExprPtr*> all;
      for (auto& result : results) all.push_back(&result);
      auto unified = Unify(all);
      if (!unified.ok()) return unified.status().WithContext("CASE" + at());
      node->type = *unified;
      // Interleave: when0 then0 when1 then1 ... else.
      std::vector<ExprPtr> ordered;
      for (size_t idx = 0; idx + 1 < results.size(); ++idx) {
        ordered.push_back(std::move(node->children[idx]));
        ordered.push_back(std::move(results[idx]));
      }
      ordered.push_back(std::move(results.back()));
      node->children = std::move(ordered);
      return node;
    }
    case ParsedExpr::Kind::kCast: {
      SLUICE_ASSIGN_OR_RETURN(auto child, BindExpr(*expr.children[0], ctx));
      SLUICE_ASSIGN_OR_RETURN(SqlType type, ParseTypeName(expr.type_name, expr.precision,
                                                          expr.scale, expr.has_precision));
      auto bound = BindCast(std::move(child), type);
      if (!bound.ok()) return Status(bound.status().code(), bound.status().message() + at());
      return bound;
    }
    case ParsedExpr::Kind::kFunction: {
      if (IsAggregateFunction(expr.name)) {
        return Status::InvalidArgument("aggregate function " + expr.name + "() is not allowed in " +
                                       ctx.clause + at());
      }
      std::vector<ExprPtr> args;
      for (const auto& child : expr.children) {
        SLUICE_ASSIGN_OR_RETURN(auto bound, BindExpr(*child, ctx));
        args.push_back(std::move(bound));
      }
      auto bound = BindFunction(expr, std::move(args));
      if (!bound.ok()) return Status(bound.status().code(), bound.status().message() + at());
      return bound;
    }
  }
  return Status::Internal("unknown expression");
}

Result<ExprPtr> Binder::BindFunction(const ParsedExpr& expr, std::vector<ExprPtr> args) {
  std::string name = expr.name;
  auto node = std::make_unique<BoundExpr>();
  node->kind = BoundExpr::Kind::kFunction;
  auto want = [&](size_t low, size_t high) -> Status {
    if (args.size() < low || args.size() > high) {
      return Status::InvalidArgument(name + "() takes " + std::to_string(low) +
                                     (high != low ? " to " + std::to_string(high) : "") +
                                     " arguments, got " + std::to_string(args.size()));
    }
    return Status::OK();
  };
  auto as_type = [&](size_t idx, TypeId id) -> Status {
    if (args[idx]->type.id == id) return Status::OK();
    SqlType target = SqlType::Of(id);
    if (id == TypeId::kInt64 && args[idx]->type.IsInteger()) {
      args[idx] = MakeCast(std::move(args[idx]), target);
      return Status::OK();
    }
    if (args[idx]->type.id == TypeId::kNull ||
        (id == TypeId::kVarchar && args[idx]->type.id == TypeId::kBlob)) {
      args[idx] = MakeCast(std::move(args[idx]), target);
      return Status::OK();
    }
    if (args[idx]->kind == BoundExpr::Kind::kConstant && args[idx]->type.id == TypeId::kVarchar) {
      SLUICE_ASSIGN_OR_RETURN(Value value, CastValue(args[idx]->value, target));
      args[idx] = MakeConstant(std::move(value));
      return Status::OK();
    }
    return Status::InvalidArgument(name + "() argument " + std::to_string(idx + 1) + " must be " +
                                   target.ToString() + ", got " + args[idx]->type.ToString());
  };
  if (name == "substring") name = "substr";
  if (name == "char_length" || name == "strlen") name = "length";
  if (name == "lcase") name = "lower";
  if (name == "ucase") name = "upper";
  if (name == "datepart") name = "date_part";
  if (name == "coalesce" || name == "ifnull") {
    if (args.empty()) return Status::InvalidArgument("coalesce() needs arguments");
    std::vector<ExprPtr*> all;
    for (auto& arg : args) all.push_back(&arg);
    SLUICE_ASSIGN_OR_RETURN(node->type, Unify(all));
    node->kind = BoundExpr::Kind::kCoalesce;
  } else if (name == "lower" || name == "upper" || name == "trim" || name == "ltrim" ||
             name == "rtrim") {
    SLUICE_RETURN_IF_ERROR(want(1, 1));
    SLUICE_RETURN_IF_ERROR(as_type(0, TypeId::kVarchar));
    node->type = SqlType::Of(TypeId::kVarchar);
  } else if (name == "length") {
    SLUICE_RETURN_IF_ERROR(want(1, 1));
    SLUICE_RETURN_IF_ERROR(as_type(0, TypeId::kVarchar));
    node->type = SqlType::Of(TypeId::kInt64);
  } else if (name == "substr") {
    SLUICE_RETURN_IF_ERROR(want(2, 3));
    SLUICE_RETURN_IF_ERROR(as_type(0, TypeId::kVarchar));
    for (size_t idx = 1; idx < args.size(); ++idx)
      SLUICE_RETURN_IF_ERROR(as_type(idx, TypeId::kInt64));
    node->type = SqlType::Of(TypeId::kVarchar);
  } else if (name == "concat") {
    if (args.empty()) return Status::InvalidArgument("concat() needs arguments");
    for (auto& arg : args) arg = MakeCast(std::move(arg), SqlType::Of(TypeId::kVarchar));
    node->type = SqlType::Of(TypeId::kVarchar);
  } else if (name == "year" || name == "month" || name == "day" || name == "quarter" ||
             name == "hour" || name == "minute" || name == "second") {
    SLUICE_RETURN_IF_ERROR(want(1, 1));
    if (args[0]->type.id != TypeId::kDate && args[0]->type.id != TypeId::kTimestamp) {
      SLUICE_RETURN_IF_ERROR(as_type(0, TypeId::kTimestamp));
    }
    args.insert(args.begin(), MakeConstant(Value::Varchar(name)));
    name = "date_part";
    node->type = SqlType::Of(TypeId::kInt64);
  } else if (name == "date_part" || name == "date_trunc") {
    SLUICE_RETURN_IF_ERROR(want(2, 2));
    if (args[0]->kind != BoundExpr::Kind::kConstant || args[0]->type.id != TypeId::kVarchar) {
      return Status::InvalidArgument(name + "() needs a constant part name ('year', 'month', ...)");
    }
    std::string part;
    for (char ch : args[0]->value.str)
      part.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
    static const char* kParts[] = {"year",   "quarter", "month", "day", "hour", "minute",
                                   "second", "week",    "dow",   "doy", "epoch"};
    bool known = false;
    for (const char* p : kParts) known = known || part == p;
    if (!known) return Status::InvalidArgument(name + "(): unknown part '" + part + "'");
    args[0] = MakeConstant(Value::Varchar(part));
    if (args[1]->type.id != TypeId::kDate && args[1]->type.id != TypeId::kTimestamp) {
      SLUICE_RETURN_IF_ERROR(as_type(1, TypeId::kTimestamp));
    }
    node->type =
        name == "date_part" ? SqlType::Of(TypeId::kInt64) : SqlType::Of(TypeId::kTimestamp);
  } else if (name == "abs") {
    SLUICE_RETURN_IF_ERROR(want(1, 1));
    if (!args[0]->type.IsNumeric()) return Status::InvalidArgument("abs() needs a number");
    node->type = args[0]->type;
  } else {
    return Status::NotSupported("function " + name + "()");
  }
  node->op = name;
  node->children = std::move(args);
  return node;
}

}  // namespace sluice::engine

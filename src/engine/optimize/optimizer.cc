#include "engine/optimize/optimizer.h"

#include <algorithm>
#include <set>

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

Status FoldConstants(ExprPtr* expr) {
  BoundExpr& node = **expr;
  if (node.kind == BoundExpr::Kind::kColumnRef || node.kind == BoundExpr::Kind::kConstant) {
    return Status::OK();
  }
  bool all_constant = true;
  for (auto& child : node.children) {
    SLUICE_RETURN_IF_ERROR(FoldConstants(&child));
    all_constant = all_constant && child->kind == BoundExpr::Kind::kConstant;
  }
  if (!all_constant) return Status::OK();
  DataChunk one_row;
  one_row.size = 1;
  Vector result;
  SLUICE_RETURN_IF_ERROR(Evaluate(node, one_row, &result));
  *expr = MakeConstant(result.GetValue(0));
  return Status::OK();
}

namespace {

using BindingSet = std::set<std::pair<int, int>>;

Status FoldPlan(LogicalOp* op) {
  for (auto& expr : op->exprs) SLUICE_RETURN_IF_ERROR(FoldConstants(&expr));
  for (auto& expr : op->left_keys) SLUICE_RETURN_IF_ERROR(FoldConstants(&expr));
  for (auto& expr : op->right_keys) SLUICE_RETURN_IF_ERROR(FoldConstants(&expr));
  for (auto& key : op->order) SLUICE_RETURN_IF_ERROR(FoldConstants(&key.expr));
  for (auto& agg : op->aggregates) {
    if (agg.arg) SLUICE_RETURN_IF_ERROR(FoldConstants(&agg.arg));
  }
  for (auto& child : op->children) SLUICE_RETURN_IF_ERROR(FoldPlan(child.get()));
  return Status::OK();
}

bool AllIn(const BoundExpr& expr, const std::vector<ColumnBinding>& bindings) {
  std::vector<ColumnBinding> used;
  CollectBindings(expr, &used);
  for (const auto& binding : used) {
    if (std::find(bindings.begin(), bindings.end(), binding) == bindings.end()) return false;
  }
  return true;
}

/// Replaces references to `table`'s columns with copies of `replacements[column]`.
ExprPtr Substitute(const BoundExpr& expr, int table,
                   const std::vector<const BoundExpr*>& replacements) {
  if (expr.kind == BoundExpr::Kind::kColumnRef && expr.binding.table == table) {
    return replacements[static_cast<size_t>(expr.binding.column)]->Clone();
  }
  auto copy = expr.Clone();
  for (size_t idx = 0; idx < expr.children.size(); ++idx) {
    copy->children[idx] = Substitute(*expr.children[idx], table, replacements);
  }
  return copy;
}

PlanPtr WrapFilter(PlanPtr plan, std::vector<ExprPtr> filters) {
  if (filters.empty()) return plan;
  auto filter = std::make_unique<LogicalOp>();
  filter->kind = LogicalOp::Kind::kFilter;
  filter->exprs = std::move(filters);
  filter->estimated_rows = plan->estimated_rows * 0.5;
  filter->children.push_back(std::move(plan));
  return filter;
}

PlanPtr PushDown(PlanPtr plan, std::vector<ExprPtr> filters) {
  switch (plan->kind) {
    case LogicalOp::Kind::kFilter: {
      for (auto& expr : plan->exprs) filters.push_back(std::move(expr));
      return PushDown(std::move(plan->children[0]), std::move(filters));
    }
    case LogicalOp::Kind::kScan: {
      for (auto& filter : filters) plan->exprs.push_back(std::move(filter));
      if (!plan->exprs.empty()) {
        plan->estimated_rows = static_cast<double>(plan->source->num_rows) * 0.3;
      }
      return plan;
    }
    case LogicalOp::Kind::kProject: {
      if (plan->children.empty()) return WrapFilter(std::move(plan), std::move(filters));
      std::vector<const BoundExpr*> replacements;
      for (const auto& expr : plan->exprs) replacements.push_back(expr.get());
      std::vector<ExprPtr> below;
      for (auto& filter : filters)
        below.push_back(Substitute(*filter, plan->table_index, replacements));
      plan->children[0] = PushDown(std::move(plan->children[0]), std::move(below));
      return plan;
    }
    case LogicalOp::Kind::kAggregate: {
      std::vector<const BoundExpr*> replacements;
      for (const auto& expr : plan->exprs) replacements.push_back(expr.get());
      std::vector<ColumnBinding> groups;
      for (size_t idx = 0; idx < plan->exprs.size(); ++idx) {
        groups.push_back({plan->table_index, static_cast<int>(idx)});
      }
      std::vector<ExprPtr> below;
      std::vector<ExprPtr> above;
      for (auto& filter : filters) {
        std::vector<ColumnBinding> used;
        CollectBindings(*filter, &used);
        // A filter without column references (HAVING false) must stay above the aggregate.
        if (!used.empty() && AllIn(*filter, groups)) {
          below.push_back(Substitute(*filter, plan->table_index, replacements));
        } else {
          above.push_back(std::move(filter));
        }
      }
      plan->children[0] = PushDown(std::move(plan->children[0]), std::move(below));
      return WrapFilter(std::move(plan), std::move(above));
    }
    case LogicalOp::Kind::kJoin: {
      auto left = plan->children[0]->OutputBindings();
      auto right = plan->children[1]->OutputBindings();
      std::vector<ExprPtr> to_left;
      std::vector<ExprPtr> to_right;
      std::vector<ExprPtr> above;
      for (auto& filter : filters) {
        if (AllIn(*filter, left)) {
          to_left.push_back(std::move(filter));
        } else if (AllIn(*filter, right) && !plan->left_join) {
          to_right.push_back(std::move(filter));
        } else {
          above.push_back(std::move(filter));
        }
      }
      plan->children[0] = PushDown(std::move(plan->children[0]), std::move(to_left));
      plan->children[1] = PushDown(std::move(plan->children[1]), std::move(to_right));
      plan->estimated_rows =
          std::max(plan->children[0]->estimated_rows, plan->children[1]->estimated_rows);
      return WrapFilter(std::move(plan), std::move(above));
    }
    case LogicalOp::Kind::kSort: {
      plan->children[0] = PushDown(std::move(plan->children[0]), std::move(filters));
      return plan;
    }
    case LogicalOp::Kind::kLimit: {
      plan->children[0] = PushDown(std::move(plan->children[0]), {});
      return WrapFilter(std::move(plan), std::move(filters));
    }
    case LogicalOp::Kind::kUnionAll: {
      for (auto& child : plan->children) {
        auto bindings = child->OutputBindings();
        auto types = child->OutputTypes();
        std::vector<ExprPtr> refs;
        std::vector<const BoundExpr*> replacements;
        for (size_t col = 0; col < bindings.size(); ++col) {
          refs.push_back(MakeColumnRef(bindings[col], types[col]));
          replacements.push_back(refs.back().get());
        }
        std::vector<ExprPtr> copies;
        for (const auto& filter : filters)
          copies.push_back(Substitute(*filter, plan->table_index, replacements));
        child = PushDown(std::move(child), std::move(copies));
      }
      return plan;
    }
  }
  return WrapFilter(std::move(plan), std::move(filters));
}

void AddUsed(const BoundExpr& expr, BindingSet* used) {
  std::vector<ColumnBinding> bindings;
  CollectBindings(expr, &bindings);
  for (const auto& binding : bindings) used->insert({binding.table, binding.column});
}

int64_t TypeWidth(const SqlType& type) {
  switch (type.storage()) {
    case Storage::kU8:
      return 1;
    case Storage::kI64:
    case Storage::kF64:
      return 8;
    case Storage::kI128:
      return 16;
    case Storage::kStr:
      return 24;  // a guess for average text: offsets plus a short string
  }
  return 8;
}

void PruneColumns(LogicalOp* op, BindingSet required) {
  if (op->kind == LogicalOp::Kind::kJoin) {
    std::vector<ColumnBinding> kept;
    auto left = op->children[0]->OutputBindings();
    auto right = op->children[1]->OutputBindings();
    left.insert(left.end(), right.begin(), right.end());
    for (const auto& binding : left) {
      if (required.count({binding.table, binding.column})) kept.push_back(binding);
    }
    // Keep one column when none is needed (count(*)): a join key column, which the children
    // keep anyway.
    if (kept.empty()) {
      std::vector<ColumnBinding> key_bindings;
      for (const auto& key : op->left_keys) CollectBindings(*key, &key_bindings);
      for (const auto& key : op->right_keys) CollectBindings(*key, &key_bindings);
      for (const auto& binding : left) {
        if (kept.empty() &&
            std::find(key_bindings.begin(), key_bindings.end(), binding) != key_bindings.end()) {
          kept.push_back(binding);
        }
      }
    }
    if (kept.size() < left.size()) op->join_outputs = std::move(kept);
  }
  for (const auto& expr : op->exprs) AddUsed(*expr, &required);
  for (const auto& expr : op->left_keys) AddUsed(*expr, &required);
  for (const auto& expr : op->right_keys) AddUsed(*expr, &required);
  for (const auto& key : op->order) AddUsed(*key.expr, &required);
  for (const auto& agg : op->aggregates) {
    if (agg.arg) AddUsed(*agg.arg, &required);
  }
  if (op->kind == LogicalOp::Kind::kUnionAll) {
    for (auto& child : op->children) {
      BindingSet all;
      for (const auto& binding : child->OutputBindings())
        all.insert({binding.table, binding.column});
      PruneColumns(child.get(), all);
    }
    return;
  }
  if (op->kind == LogicalOp::Kind::kScan) {
    std::vector<int> kept;
    for (int col : op->columns) {
      if (required.count({op->table_index, col})) kept.push_back(col);
    }
    if (kept.empty() && !op->columns.empty()) {
      // count(*) and friends still need row counts: read the narrowest column.
      int best = op->columns[0];
      for (int col : op->columns) {
        if (TypeWidth(op->source->types[static_cast<size_t>(col)]) <
            TypeWidth(op->source->types[static_cast<size_t>(best)])) {
          best = col;
        }
      }
      kept.push_back(best);
    }
    op->columns = std::move(kept);
    return;
  }
  for (auto& child : op->children) PruneColumns(child.get(), required);
}

// (A JOIN B ON a = b) JOIN C ON b2 = c, where the second condition only involves B, becomes
// A JOIN (B JOIN C ...) when A is the larger input: C is then probed once per row of B instead of
// once per row of A JOIN B (the fact table's rows), and C's columns are gathered as often.
// The outer join may also be a LEFT join (B's rows are extended by C before meeting A); the
// inner one must be INNER, or A's unmatched rows would change meaning. Output columns keep their
// order (A, B, C) and bindings, so nothing above changes.
void ReassociateJoins(PlanPtr* slot) {
  LogicalOp* op = slot->get();
  for (auto& child : op->children) ReassociateJoins(&child);
  if (op->kind != LogicalOp::Kind::kJoin) return;
  LogicalOp* lower = op->children[0].get();
  if (lower->kind != LogicalOp::Kind::kJoin || lower->left_join) return;
  const LogicalOp& a = *lower->children[0];
  auto b_bindings = lower->children[1]->OutputBindings();
  for (const auto& key : op->left_keys) {
    if (!AllIn(*key, b_bindings)) return;
  }
  if (a.estimated_rows <= lower->children[1]->estimated_rows) return;
  // op = (A lower B) op C  ->  A lower' (B op' C)
  PlanPtr upper = std::move(*slot);
  PlanPtr inner = std::move(upper->children[0]);
  PlanPtr c = std::move(upper->children[1]);
  PlanPtr b = std::move(inner->children[1]);
  upper->children.clear();
  upper->children.push_back(std::move(b));
  upper->children.push_back(std::move(c));
  upper->join_outputs.clear();
  upper->estimated_rows =
      std::max(upper->children[0]->estimated_rows, upper->children[1]->estimated_rows);
  ReassociateJoins(&upper);  // B may itself be a join that C can move into
  inner->children[1] = std::move(upper);
  inner->join_outputs.clear();
  inner->estimated_rows =
      std::max(inner->children[0]->estimated_rows, inner->children[1]->estimated_rows);
  *slot = std::move(inner);
}

double EstimateBytes(const LogicalOp& op) {
  int64_t width = 0;
  for (const auto& type : op.OutputTypes()) width += TypeWidth(type);
  return op.estimated_rows * static_cast<double>(std::max<int64_t>(width, 1));
}

void ChooseBuildSides(LogicalOp* op) {
  for (auto& child : op->children) ChooseBuildSides(child.get());
  if (op->kind == LogicalOp::Kind::kJoin) {
    // LEFT joins stream the left input (its unmatched rows are emitted while probing).
    op->build_left =
        !op->left_join && EstimateBytes(*op->children[0]) < EstimateBytes(*op->children[1]);
  }
}

}  // namespace

Result<PlanPtr> Optimize(PlanPtr plan) {
  SLUICE_RETURN_IF_ERROR(FoldPlan(plan.get()));
  plan = PushDown(std::move(plan), {});
  SLUICE_RETURN_IF_ERROR(FoldPlan(plan.get()));
  ReassociateJoins(&plan);
  BindingSet required;
  for (const auto& binding : plan->OutputBindings())
    required.insert({binding.table, binding.column});
  PruneColumns(plan.get(), required);
  ChooseBuildSides(plan.get());
  return plan;
}

}  // namespace sluice::engine

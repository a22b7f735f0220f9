#include "engine/exec/physical_planner.h"

#include <algorithm>

#include "engine/exec/distinct_aggregate.h"
#include "engine/exec/filter_operator.h"
#include "engine/exec/hash_aggregate_operator.h"
#include "engine/exec/hash_join_operator.h"
#include "engine/exec/limit_operator.h"
#include "engine/exec/parquet_convert.h"
#include "engine/exec/project_operator.h"
#include "engine/exec/scan_operator.h"
#include "engine/exec/sort_operator.h"
#include "engine/exec/transform_operator.h"
#include "engine/exec/union_all_operator.h"

namespace sluice::engine {

namespace {

Status ResolveAll(std::vector<ExprPtr>* exprs, const std::vector<ColumnBinding>& layout) {
  for (auto& expr : *exprs) SLUICE_RETURN_IF_ERROR(ResolveColumns(expr.get(), layout));
  return Status::OK();
}

// `column OP constant` (or reversed) over a column read unchanged from the file.
std::vector<RowGroupPredicate> PruningPredicates(const LogicalOp& scan) {
  std::vector<RowGroupPredicate> out;
  for (const auto& filter : scan.exprs) {
    if (filter->kind != BoundExpr::Kind::kCompare || filter->op == "<>") continue;
    const BoundExpr* column = filter->children[0].get();
    const BoundExpr* constant = filter->children[1].get();
    bool flipped = false;
    if (column->kind != BoundExpr::Kind::kColumnRef) {
      std::swap(column, constant);
      flipped = true;
    }
    if (column->kind != BoundExpr::Kind::kColumnRef ||
        constant->kind != BoundExpr::Kind::kConstant) {
      continue;
    }
    int file_column = column->binding.column;
    const ColumnSchema& schema = scan.source->schema.columns[static_cast<size_t>(file_column)];
    if (!(scan.source->types[static_cast<size_t>(file_column)] == constant->type)) continue;
    auto literal = StatLiteral(schema, constant->value);
    if (!literal) continue;
    RowGroupPredicate pred;
    pred.column = file_column;
    pred.literal = *literal;
    const std::string& op = filter->op;
    if (op == "=") {
      pred.op = RowGroupPredicate::Op::kEq;
    } else if (op == "<") {
      pred.op = flipped ? RowGroupPredicate::Op::kGt : RowGroupPredicate::Op::kLt;
    } else if (op == "<=") {
      pred.op = flipped ? RowGroupPredicate::Op::kGe : RowGroupPredicate::Op::kLe;
    } else if (op == ">") {
      pred.op = flipped ? RowGroupPredicate::Op::kLt : RowGroupPredicate::Op::kGt;
    } else {
      pred.op = flipped ? RowGroupPredicate::Op::kLe : RowGroupPredicate::Op::kGe;
    }
    out.push_back(std::move(pred));
  }
  return out;
}

}  // namespace

Result<OperatorPtr> CreateOperator(LogicalOp* plan, ExecContext* ctx) {
  switch (plan->kind) {
    case LogicalOp::Kind::kScan: {
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->exprs, plan->OutputBindings()));
      auto prune = PruningPredicates(*plan);
      return OperatorPtr(std::make_unique<ScanOperator>(ctx, plan->source, plan->columns,
                                                        std::move(plan->exprs), std::move(prune)));
    }
    case LogicalOp::Kind::kFilter: {
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->exprs, plan->children[0]->OutputBindings()));
      SLUICE_ASSIGN_OR_RETURN(auto child, CreateOperator(plan->children[0].get(), ctx));
      return OperatorPtr(std::make_unique<TransformOperator>(
          std::move(child), std::make_shared<FilterTransform>(std::move(plan->exprs))));
    }
    case LogicalOp::Kind::kProject: {
      if (plan->children.empty()) {
        return OperatorPtr(std::make_unique<ProjectOperator>(std::move(plan->exprs)));
      }
      // Resolve first: creating the child moves its expressions (and so its bindings) away.
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->exprs, plan->children[0]->OutputBindings()));
      SLUICE_ASSIGN_OR_RETURN(auto child, CreateOperator(plan->children[0].get(), ctx));
      return OperatorPtr(std::make_unique<TransformOperator>(
          std::move(child), std::make_shared<ProjectTransform>(std::move(plan->exprs))));
    }
    case LogicalOp::Kind::kAggregate: {
      auto layout = plan->children[0]->OutputBindings();
      SLUICE_ASSIGN_OR_RETURN(auto child, CreateOperator(plan->children[0].get(), ctx));
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->exprs, layout));
      bool any_distinct = false;
      for (auto& agg : plan->aggregates) {
        if (agg.arg) SLUICE_RETURN_IF_ERROR(ResolveColumns(agg.arg.get(), layout));
        any_distinct = any_distinct || agg.distinct;
      }
      if (any_distinct) {
        return CreateDistinctAggregate(ctx, std::move(child), std::move(plan->exprs),
                                       std::move(plan->aggregates));
      }
      std::vector<ExprPtr> args;
      std::vector<AggregateSpec> specs;
      for (auto& agg : plan->aggregates) {
        AggregateSpec spec;
        spec.name = agg.name;
        spec.distinct = agg.distinct;
        spec.result_type = agg.type;
        if (agg.arg) {
          spec.arg_type = agg.arg->type;
          spec.arg_column = static_cast<int>(args.size());
          args.push_back(std::move(agg.arg));
        }
        specs.push_back(std::move(spec));
      }
      return OperatorPtr(std::make_unique<HashAggregateOperator>(
          ctx, std::move(child), std::move(plan->exprs), std::move(args), std::move(specs)));
    }
    case LogicalOp::Kind::kJoin: {
      auto left_layout = plan->children[0]->OutputBindings();
      auto right_layout = plan->children[1]->OutputBindings();
      auto left_types = plan->children[0]->OutputTypes();
      auto right_types = plan->children[1]->OutputTypes();
      SLUICE_ASSIGN_OR_RETURN(auto left, CreateOperator(plan->children[0].get(), ctx));
      SLUICE_ASSIGN_OR_RETURN(auto right, CreateOperator(plan->children[1].get(), ctx));
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->left_keys, left_layout));
      SLUICE_RETURN_IF_ERROR(ResolveAll(&plan->right_keys, right_layout));
      // Which columns of each input the join emits (all, unless the optimizer pruned some).
      std::vector<int> left_out;
      std::vector<int> right_out;
      for (size_t pos = 0; pos < left_layout.size(); ++pos) {
        if (plan->join_outputs.empty() ||
            std::find(plan->join_outputs.begin(), plan->join_outputs.end(), left_layout[pos]) !=
                plan->join_outputs.end()) {
          left_out.push_back(static_cast<int>(pos));
        }
      }
      for (size_t pos = 0; pos < right_layout.size(); ++pos) {
        if (plan->join_outputs.empty() ||
            std::find(plan->join_outputs.begin(), plan->join_outputs.end(), right_layout[pos]) !=
                plan->join_outputs.end()) {
          right_out.push_back(static_cast<int>(pos));
        }
      }
      JoinOutputLayout layout;
      layout.build_is_left = plan->build_left;
      layout.build_columns = plan->build_left ? left_out : right_out;
      layout.probe_columns = plan->build_left ? right_out : left_out;
      double build_rows = plan->children[plan->build_left ? 0 : 1]->estimated_rows;
      if (plan->build_left) {
        return OperatorPtr(std::make_unique<HashJoinOperator>(
            ctx, std::move(left), std::move(right), std::move(plan->left_keys),
            std::move(plan->right_keys), left_types, right_types, false, std::move(layout),
            build_rows));
      }
      return OperatorPtr(std::make_unique<HashJoinOperator>(
          ctx, std::move(right), std::move(left), std::move(plan->right_keys),
          std::move(plan->left_keys), right_types, left_types, plan->left_join, std::move(layout),
          build_rows));
    }
    case LogicalOp::Kind::kSort:
    case LogicalOp::Kind::kLimit: {
      LogicalOp* sort = plan->kind == LogicalOp::Kind::kSort ? plan : nullptr;
      if (!sort && plan->children[0]->kind == LogicalOp::Kind::kSort && plan->limit >= 0) {
        sort = plan->children[0].get();
      }
      if (!sort) {
        SLUICE_ASSIGN_OR_RETURN(auto child, CreateOperator(plan->children[0].get(), ctx));
        return OperatorPtr(
            std::make_unique<LimitOperator>(std::move(child), plan->limit, plan->offset));
      }
      auto layout = sort->children[0]->OutputBindings();
      auto types = sort->children[0]->OutputTypes();
      SLUICE_ASSIGN_OR_RETURN(auto child, CreateOperator(sort->children[0].get(), ctx));
      std::vector<ExprPtr> keys;
      std::vector<SortOrder> orders;
      for (auto& key : sort->order) {
        SLUICE_RETURN_IF_ERROR(ResolveColumns(key.expr.get(), layout));
        keys.push_back(std::move(key.expr));
        orders.push_back({key.descending, key.nulls_first});
      }
      bool top_n = sort != plan;
      return OperatorPtr(std::make_unique<SortOperator>(
          ctx, std::move(child), types, std::move(keys), std::move(orders),
          top_n ? plan->limit : -1, top_n ? plan->offset : 0));
    }
    case LogicalOp::Kind::kUnionAll: {
      std::vector<OperatorPtr> children;
      for (auto& child : plan->children) {
        SLUICE_ASSIGN_OR_RETURN(auto op, CreateOperator(child.get(), ctx));
        children.push_back(std::move(op));
      }
      return OperatorPtr(std::make_unique<UnionAllOperator>(std::move(children)));
    }
  }
  return Status::Internal("unknown plan node");
}

}  // namespace sluice::engine

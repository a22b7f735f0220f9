#include "engine/plan/binder.h"

#include <algorithm>
#include <cctype>

namespace sluice::engine {

namespace {

bool EqualsIgnoreCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(const std::string& text) {
  std::string out;
  for (char ch : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

bool ContainsAggregate(const ParsedExpr& expr) {
  if (expr.kind == ParsedExpr::Kind::kFunction && IsAggregateFunction(expr.name)) return true;
  for (const auto& child : expr.children) {
    if (ContainsAggregate(*child)) return true;
  }
  return false;
}

std::string OutputName(const SelectItem& item) {
  if (!item.alias.empty()) return item.alias;
  if (item.expr->kind == ParsedExpr::Kind::kColumn) return item.expr->name;
  return item.expr->text;
}

PlanPtr MakeProject(int table_index, std::vector<ExprPtr> exprs, std::vector<std::string> names,
                    PlanPtr child) {
  auto project = std::make_unique<LogicalOp>();
  project->kind = LogicalOp::Kind::kProject;
  project->table_index = table_index;
  project->exprs = std::move(exprs);
  project->names = std::move(names);
  if (child) {
    project->estimated_rows = child->estimated_rows;
    project->children.push_back(std::move(child));
  } else {
    project->estimated_rows = 1;
  }
  return project;
}

// Rewrites an aggregate whose DISTINCT aggregates all share one argument x into two levels:
// an inner aggregate GROUP BY (keys, x) — which spills like any GROUP BY, unlike the in-memory
// DISTINCT sets — computing partials of the non-DISTINCT aggregates, and the original node (same
// bindings, so nothing above changes) grouping the inner rows by the keys. f(DISTINCT x) becomes
// f(x) over the deduplicated rows; NULL x forms its own inner group, which f ignores as before.
// Non-DISTINCT count(*)/count(y) merge by adding partial counts (count_merge, 0 when empty),
// sum/min/max by re-aggregating the partials. Leaves the node alone (DISTINCT sets in memory)
// when the DISTINCT arguments differ or a non-DISTINCT aggregate (avg, stddev) cannot merge.
void SplitDistinctAggregates(LogicalOp* aggregate, PlanPtr* child, int inner_groups,
                             int inner_aggregates) {
  const ExprPtr* distinct_arg = nullptr;
  for (const auto& agg : aggregate->aggregates) {
    if (agg.distinct) {
      if (distinct_arg && (*distinct_arg)->ToString() != agg.arg->ToString()) return;
      distinct_arg = &agg.arg;
    } else if (agg.name != "count_star" && agg.name != "count" && agg.name != "sum" &&
               agg.name != "min" && agg.name != "max") {
      return;
    }
  }
  if (!distinct_arg) return;

  auto inner = std::make_unique<LogicalOp>();
  inner->kind = LogicalOp::Kind::kAggregate;
  inner->table_index = inner_groups;
  inner->aggregate_index = inner_aggregates;
  size_t num_keys = aggregate->exprs.size();
  ExprPtr distinct_value = (*distinct_arg)->Clone();
  SqlType value_type = distinct_value->type;
  std::vector<ExprPtr> outer_keys;
  for (size_t pos = 0; pos < num_keys; ++pos) {
    SqlType type = aggregate->exprs[pos]->type;
    inner->exprs.push_back(std::move(aggregate->exprs[pos]));
    outer_keys.push_back(MakeColumnRef({inner_groups, static_cast<int>(pos)}, type));
  }
  inner->exprs.push_back(std::move(distinct_value));
  ColumnBinding value_binding{inner_groups, static_cast<int>(num_keys)};
  for (auto& agg : aggregate->aggregates) {
    if (agg.distinct) {
      agg.distinct = false;
      agg.arg = MakeColumnRef(value_binding, value_type);
      continue;
    }
    BoundAggregate partial;
    partial.name = agg.name;
    partial.arg = std::move(agg.arg);
    partial.type = agg.type;
    ColumnBinding partial_binding{inner_aggregates, static_cast<int>(inner->aggregates.size())};
    inner->aggregates.push_back(std::move(partial));
    // count(*) and count(y) partials are BIGINT counts that the outer level adds up.
    if (agg.name == "count_star" || agg.name == "count") agg.name = "count_merge";
    agg.arg = MakeColumnRef(partial_binding, agg.type);
  }
  aggregate->exprs = std::move(outer_keys);
  inner->estimated_rows = std::max(1.0, (*child)->estimated_rows * 0.5);
  inner->children.push_back(std::move(*child));
  *child = std::move(inner);
}

}  // namespace

bool IsAggregateFunction(const std::string& name) {
  static const char* kNames[] = {"count", "sum",         "avg",    "mean",     "min",
                                 "max",   "stddev_samp", "stddev", "var_samp", "variance"};
  for (const char* known : kNames) {
    if (name == known) return true;
  }
  return false;
}

Result<BoundQuery> Binder::Bind(const QueryNode& query) { return BindQueryNode(query); }

Result<BoundQuery> Binder::BindQueryNode(const QueryNode& query) {
  size_t cte_mark = ctes_.size();
  for (const auto& cte : query.ctes) ctes_.emplace_back(Lower(cte.name), cte.query.get());
  struct CteRestore {
    std::vector<std::pair<std::string, const QueryNode*>>* ctes;
    size_t mark;
    ~CteRestore() { ctes->resize(mark); }
  } restore{&ctes_, cte_mark};

  BoundQuery result;
  std::vector<SortKey> sort_keys;
  int hidden = 0;
  if (query.operands.size() == 1 && query.operands[0].select) {
    SLUICE_ASSIGN_OR_RETURN(
        result, BindSelect(*query.operands[0].select, &query.order_by, &sort_keys, &hidden));
  } else {
    std::vector<BoundQuery> parts;
    for (const auto& operand : query.operands) {
      if (operand.nested) {
        SLUICE_ASSIGN_OR_RETURN(auto part, BindQueryNode(*operand.nested));
        parts.push_back(std::move(part));
      } else {
        SLUICE_ASSIGN_OR_RETURN(auto part, BindSelect(*operand.select, nullptr, nullptr, nullptr));
        parts.push_back(std::move(part));
      }
    }
    if (parts.size() == 1) {
      result = std::move(parts[0]);
    } else {
      std::vector<SqlType> types = parts[0].plan->OutputTypes();
      for (size_t part_idx = 1; part_idx < parts.size(); ++part_idx) {
        auto other = parts[part_idx].plan->OutputTypes();
        if (other.size() != types.size()) {
          return Status::InvalidArgument("UNION ALL operands have different column counts (" +
                                         std::to_string(types.size()) + " and " +
                                         std::to_string(other.size()) + ")");
        }
        for (size_t col = 0; col < types.size(); ++col) {
          SLUICE_ASSIGN_OR_RETURN(types[col], CommonSupertype(types[col], other[col]));
        }
      }
      auto union_op = std::make_unique<LogicalOp>();
      union_op->kind = LogicalOp::Kind::kUnionAll;
      union_op->table_index = NewTableIndex();
      union_op->names = parts[0].names;
      for (auto& part : parts) {
        auto bindings = part.plan->OutputBindings();
        auto part_types = part.plan->OutputTypes();
        std::vector<ExprPtr> exprs;
        for (size_t col = 0; col < bindings.size(); ++col) {
          exprs.push_back(MakeCast(MakeColumnRef(bindings[col], part_types[col]), types[col]));
        }
        union_op->estimated_rows += part.plan->estimated_rows;
        union_op->children.push_back(
            MakeProject(NewTableIndex(), std::move(exprs), part.names, std::move(part.plan)));
      }
      result.names = union_op->names;
      result.plan = std::move(union_op);
    }
    // ORDER BY over a set operation: output names or ordinals only.
    auto bindings = result.plan->OutputBindings();
    auto types = result.plan->OutputTypes();
    for (const auto& item : query.order_by) {
      int position = -1;
      if (item.expr->kind == ParsedExpr::Kind::kLiteral && item.expr->name == "number") {
        position = std::atoi(item.expr->literal.str.c_str()) - 1;
      } else if (item.expr->kind == ParsedExpr::Kind::kColumn) {
        for (size_t col = 0; col < result.names.size(); ++col) {
          if (EqualsIgnoreCase(result.names[col], item.expr->name))
            position = static_cast<int>(col);
        }
      }
      if (position < 0 || position >= static_cast<int>(bindings.size())) {
        return Status::InvalidArgument(
            "ORDER BY " + item.expr->text +
            ": over UNION ALL, order by an output column name or position");
      }
      SortKey key;
      key.expr = MakeColumnRef(bindings[static_cast<size_t>(position)],
                               types[static_cast<size_t>(position)]);
      key.descending = item.descending;
      key.nulls_first = item.nulls_first.value_or(false);
      sort_keys.push_back(std::move(key));
    }
  }
  if (!sort_keys.empty()) {
    auto sort = std::make_unique<LogicalOp>();
    sort->kind = LogicalOp::Kind::kSort;
    sort->order = std::move(sort_keys);
    sort->estimated_rows = result.plan->estimated_rows;
    sort->children.push_back(std::move(result.plan));
    result.plan = std::move(sort);
  }
  if (query.limit || query.offset) {
    auto limit = std::make_unique<LogicalOp>();
    limit->kind = LogicalOp::Kind::kLimit;
    limit->limit = query.limit.value_or(-1);
    limit->offset = query.offset.value_or(0);
    limit->estimated_rows = result.plan->estimated_rows;
    if (limit->limit >= 0) {
      limit->estimated_rows = std::min(limit->estimated_rows, static_cast<double>(limit->limit));
    }
    limit->children.push_back(std::move(result.plan));
    result.plan = std::move(limit);
  }
  if (hidden > 0) {
    auto bindings = result.plan->OutputBindings();
    auto types = result.plan->OutputTypes();
    std::vector<ExprPtr> exprs;
    for (size_t col = 0; col + static_cast<size_t>(hidden) < bindings.size(); ++col) {
      exprs.push_back(MakeColumnRef(bindings[col], types[col]));
    }
    result.plan =
        MakeProject(NewTableIndex(), std::move(exprs), result.names, std::move(result.plan));
  }
  return result;
}

Result<BoundQuery> Binder::BindSelect(const SelectCore& core,
                                      const std::vector<OrderItem>* order_by,
                                      std::vector<SortKey>* sort_keys, int* hidden) {
  PlanPtr plan;
  Scope scope;
  if (core.from) SLUICE_RETURN_IF_ERROR(BindFrom(*core.from, &plan, &scope));

  BindContext base;
  base.scope = &scope;
  if (core.where) {
    base.clause = "WHERE";
    if (ContainsAggregate(*core.where)) {
      return Status::InvalidArgument("aggregate functions are not allowed in WHERE");
    }
    SLUICE_ASSIGN_OR_RETURN(auto predicate, BindExpr(*core.where, base));
    if (predicate->type.id != TypeId::kBoolean && predicate->type.id != TypeId::kNull) {
      return Status::InvalidArgument("WHERE must be a boolean expression, got " +
                                     predicate->type.ToString());
    }
    auto filter = std::make_unique<LogicalOp>();
    filter->kind = LogicalOp::Kind::kFilter;
    filter->estimated_rows = plan ? plan->estimated_rows * 0.5 : 1;
    SplitConjunction(MakeCast(std::move(predicate), SqlType::Of(TypeId::kBoolean)), &filter->exprs);
    if (!plan) return Status::NotSupported("WHERE without FROM");
    filter->children.push_back(std::move(plan));
    plan = std::move(filter);
  }

  // Expand the select list (stars) into parsed expressions with output names.
  std::vector<const ParsedExpr*> items;
  std::vector<std::string> names;
  std::vector<std::unique_ptr<ParsedExpr>> star_columns;
  for (const auto& item : core.items) {
    if (item.expr->kind == ParsedExpr::Kind::kStar) {
      bool any = false;
      for (const auto& column : scope.columns) {
        if (!item.expr->table.empty() && !EqualsIgnoreCase(item.expr->table, column.table))
          continue;
        auto ref = std::make_unique<ParsedExpr>();
        ref->kind = ParsedExpr::Kind::kColumn;
        ref->name = column.name;
        ref->table = column.table;
        ref->text = column.name;
        items.push_back(ref.get());
        names.push_back(column.name);
        star_columns.push_back(std::move(ref));
        any = true;
      }
      if (!any)
        return Status::InvalidArgument("* matches no columns" + (item.expr->table.empty()
                                                                     ? std::string()
                                                                     : " of " + item.expr->table));
      continue;
    }
    items.push_back(item.expr.get());
    names.push_back(OutputName(item));
  }

  bool aggregating = !core.group_by.empty() || core.group_by_all || (core.having != nullptr);
  for (const auto* item : items) aggregating = aggregating || ContainsAggregate(*item);
  if (order_by) {
    for (const auto& item : *order_by) aggregating = aggregating || ContainsAggregate(*item.expr);
  }

  BindContext select_ctx = base;
  select_ctx.clause = "SELECT";
  std::vector<BoundAggregate> aggregates;
  PlanPtr aggregate_node;
  if (aggregating) {
    if (!plan) return Status::NotSupported("aggregates without FROM");
    aggregate_node = std::make_unique<LogicalOp>();
    aggregate_node->kind = LogicalOp::Kind::kAggregate;
    aggregate_node->table_index = NewTableIndex();
    aggregate_node->aggregate_index = NewTableIndex();
    BindContext group_ctx = base;
    group_ctx.clause = "GROUP BY";
    std::vector<const ParsedExpr*> group_items;
    for (const auto& group : core.group_by) group_items.push_back(group.get());
    if (core.group_by_all) {
      for (const auto* item : items) {
        if (!ContainsAggregate(*item)) group_items.push_back(item);
      }
    }
    for (const ParsedExpr* group : group_items) {
      const ParsedExpr* target = group;
      // GROUP BY <ordinal> or GROUP BY <select alias> refer to the select list.
      if (group->kind == ParsedExpr::Kind::kLiteral && group->name == "number") {
        int position = std::atoi(group->literal.str.c_str());
        if (position < 1 || position > static_cast<int>(items.size())) {
          return Status::InvalidArgument("GROUP BY position " + group->literal.str +
                                         " is not in the select list");
        }
        target = items[static_cast<size_t>(position - 1)];
      } else if (group->kind == ParsedExpr::Kind::kColumn && group->table.empty()) {
        bool in_scope = false;
        for (const auto& column : scope.columns)
          in_scope = in_scope || EqualsIgnoreCase(column.name, group->name);
        if (!in_scope) {
          for (size_t idx = 0; idx < names.size(); ++idx) {
            if (EqualsIgnoreCase(names[idx], group->name)) target = items[idx];
          }
        }
      }
      if (ContainsAggregate(*target))
        return Status::InvalidArgument("aggregate functions are not allowed in GROUP BY");
      SLUICE_ASSIGN_OR_RETURN(auto key, BindExpr(*target, group_ctx));
      select_ctx.group_strings.push_back(key->ToString());
      select_ctx.group_types.push_back(key->type);
      aggregate_node->exprs.push_back(std::move(key));
    }
    select_ctx.aggregate_mode = true;
    select_ctx.group_index = aggregate_node->table_index;
    select_ctx.aggregate_index = aggregate_node->aggregate_index;
    select_ctx.aggregates = &aggregates;
  }

  std::vector<ExprPtr> outputs;
  for (size_t idx = 0; idx < items.size(); ++idx) {
    SLUICE_ASSIGN_OR_RETURN(auto expr, BindExpr(*items[idx], select_ctx));
    outputs.push_back(std::move(expr));
  }
  ExprPtr having;
  if (core.having) {
    BindContext having_ctx = select_ctx;
    having_ctx.clause = "HAVING";
    SLUICE_ASSIGN_OR_RETURN(having, BindExpr(*core.having, having_ctx));
  }

  // ORDER BY: positions into `outputs`, adding hidden columns for expressions not selected.
  std::vector<std::pair<size_t, const OrderItem*>> order_positions;
  size_t visible = outputs.size();
  if (order_by) {
    for (const auto& item : *order_by) {
      const ParsedExpr& parsed = *item.expr;
      std::optional<size_t> position;
      if (parsed.kind == ParsedExpr::Kind::kLiteral && parsed.name == "number") {
        int ordinal = std::atoi(parsed.literal.str.c_str());
        if (ordinal < 1 || ordinal > static_cast<int>(visible)) {
          return Status::InvalidArgument("ORDER BY position " + parsed.literal.str +
                                         " is not in the select list");
        }
        position = static_cast<size_t>(ordinal - 1);
      } else if (parsed.kind == ParsedExpr::Kind::kColumn && parsed.table.empty()) {
        for (size_t idx = 0; idx < visible; ++idx) {
          if (EqualsIgnoreCase(names[idx], parsed.name)) {
            position = idx;
            break;
          }
        }
      }
      if (!position) {
        BindContext order_ctx = select_ctx;
        order_ctx.clause = "ORDER BY";
        SLUICE_ASSIGN_OR_RETURN(auto expr, BindExpr(parsed, order_ctx));
        std::string text = expr->ToString();
        for (size_t idx = 0; idx < outputs.size(); ++idx) {
          if (outputs[idx]->ToString() == text) position = idx;
        }
        if (!position) {
          if (core.distinct) {
            return Status::InvalidArgument(
                "with SELECT DISTINCT, ORDER BY expressions must appear in the select list");
          }
          position = outputs.size();
          outputs.push_back(std::move(expr));
          names.push_back(parsed.text);
        }
      }
      order_positions.emplace_back(*position, &item);
    }
  }

  if (aggregating) {
    aggregate_node->aggregates = std::move(aggregates);
    aggregate_node->estimated_rows =
        aggregate_node->exprs.empty() ? 1 : std::max(1.0, plan->estimated_rows * 0.1);
    int inner_groups = NewTableIndex();
    int inner_aggregates = NewTableIndex();
    SplitDistinctAggregates(aggregate_node.get(), &plan, inner_groups, inner_aggregates);
    aggregate_node->children.push_back(std::move(plan));
    plan = std::move(aggregate_node);
    if (having) {
      auto filter = std::make_unique<LogicalOp>();
      filter->kind = LogicalOp::Kind::kFilter;
      filter->estimated_rows = plan->estimated_rows * 0.5;
      SplitConjunction(MakeCast(std::move(having), SqlType::Of(TypeId::kBoolean)), &filter->exprs);
      filter->children.push_back(std::move(plan));
      plan = std::move(filter);
    }
  }
  plan = MakeProject(NewTableIndex(), std::move(outputs), names, std::move(plan));
  if (core.distinct) {
    auto distinct = std::make_unique<LogicalOp>();
    distinct->kind = LogicalOp::Kind::kAggregate;
    distinct->table_index = NewTableIndex();
    distinct->aggregate_index = NewTableIndex();
    auto bindings = plan->OutputBindings();
    auto types = plan->OutputTypes();
    for (size_t col = 0; col < bindings.size(); ++col) {
      distinct->exprs.push_back(MakeColumnRef(bindings[col], types[col]));
    }
    distinct->estimated_rows = plan->estimated_rows;
    distinct->children.push_back(std::move(plan));
    plan = std::move(distinct);
  }
  if (sort_keys) {
    auto bindings = plan->OutputBindings();
    auto types = plan->OutputTypes();
    for (const auto& [position, item] : order_positions) {
      SortKey key;
      key.expr = MakeColumnRef(bindings[position], types[position]);
      key.descending = item->descending;
      key.nulls_first = item->nulls_first.value_or(false);
      sort_keys->push_back(std::move(key));
    }
  }
  if (hidden) *hidden = static_cast<int>(names.size() - visible);
  BoundQuery out;
  out.names = std::move(names);
  if (hidden) out.names.resize(visible);
  out.plan = std::move(plan);
  return out;
}

Result<std::shared_ptr<const TableSource>> Binder::OpenTable(const std::string& location) {
  auto found = opened_.find(location);
  if (found != opened_.end()) return found->second;
  SLUICE_ASSIGN_OR_RETURN(auto source, TableSource::Open(location));
  opened_[location] = source;
  return source;
}

PlanPtr Binder::MakeScan(std::shared_ptr<const TableSource> source, const std::string& alias,
                         Scope* scope) {
  auto scan = std::make_unique<LogicalOp>();
  scan->kind = LogicalOp::Kind::kScan;
  scan->table_index = NewTableIndex();
  scan->estimated_rows = static_cast<double>(source->num_rows);
  for (int col = 0; col < source->schema.num_columns(); ++col) {
    scan->columns.push_back(col);
    ScopeColumn column;
    column.table = alias;
    column.name = source->schema.columns[static_cast<size_t>(col)].name;
    column.binding = {scan->table_index, col};
    column.type = source->types[static_cast<size_t>(col)];
    column.error = source->unsupported[static_cast<size_t>(col)];
    scope->columns.push_back(std::move(column));
  }
  scan->source = std::move(source);
  return scan;
}

Status Binder::BindFrom(const TableRef& ref, PlanPtr* plan, Scope* scope) {
  switch (ref.kind) {
    case TableRef::Kind::kParquet: {
      SLUICE_ASSIGN_OR_RETURN(auto source, OpenTable(ref.path));
      *plan = MakeScan(std::move(source), ref.alias, scope);
      return Status::OK();
    }
    case TableRef::Kind::kNamed: {
      std::string key = Lower(ref.name);
      std::string alias = ref.alias.empty() ? ref.name : ref.alias;
      for (auto it = ctes_.rbegin(); it != ctes_.rend(); ++it) {
        if (it->first != key) continue;
        // Bind the CTE's query with only the CTEs defined before it visible.
        auto saved = ctes_;
        ctes_.erase(ctes_.begin() + (ctes_.rend() - it) - 1, ctes_.end());
        auto bound = BindQueryNode(*it->second);
        ctes_ = std::move(saved);
        if (!bound.ok()) return bound.status().WithContext("CTE " + ref.name);
        auto bindings = bound->plan->OutputBindings();
        auto types = bound->plan->OutputTypes();
        for (size_t col = 0; col < bindings.size(); ++col) {
          scope->columns.push_back({alias, bound->names[col], bindings[col], types[col], ""});
        }
        *plan = std::move(bound->plan);
        return Status::OK();
      }
      if (catalog_) {
        auto found = catalog_->find(key);
        if (found != catalog_->end()) {
          *plan = MakeScan(found->second, alias, scope);
          return Status::OK();
        }
      }
      return Status::NotFound("table '" + ref.name +
                              "' is not defined (use read_parquet('path/*.parquet') or a CTE)");
    }
    case TableRef::Kind::kSubquery: {
      SLUICE_ASSIGN_OR_RETURN(auto bound, BindQueryNode(*ref.subquery));
      auto bindings = bound.plan->OutputBindings();
      auto types = bound.plan->OutputTypes();
      for (size_t col = 0; col < bindings.size(); ++col) {
        scope->columns.push_back({ref.alias, bound.names[col], bindings[col], types[col], ""});
      }
      *plan = std::move(bound.plan);
      return Status::OK();
    }
    case TableRef::Kind::kJoin:
      return BindJoin(ref, plan, scope);
  }
  return Status::Internal("unknown table reference");
}

Status Binder::BindJoin(const TableRef& ref, PlanPtr* plan, Scope* scope) {
  PlanPtr left;
  PlanPtr right;
  Scope left_scope;
  Scope right_scope;
  SLUICE_RETURN_IF_ERROR(BindFrom(*ref.left, &left, &left_scope));
  SLUICE_RETURN_IF_ERROR(BindFrom(*ref.right, &right, &right_scope));
  Scope merged = left_scope;
  merged.columns.insert(merged.columns.end(), right_scope.columns.begin(),
                        right_scope.columns.end());
  BindContext ctx;
  ctx.scope = &merged;
  ctx.clause = "JOIN ... ON";
  SLUICE_ASSIGN_OR_RETURN(auto condition, BindExpr(*ref.on, ctx));
  std::vector<ExprPtr> conjuncts;
  SplitConjunction(std::move(condition), &conjuncts);
  auto left_bindings = left->OutputBindings();
  auto side_of = [&](const BoundExpr& expr) {
    std::vector<ColumnBinding> used;
    CollectBindings(expr, &used);
    int side = 0;  // bit 1: left, bit 2: right
    for (const auto& binding : used) {
      bool is_left =
          std::find(left_bindings.begin(), left_bindings.end(), binding) != left_bindings.end();
      side |= is_left ? 1 : 2;
    }
    return side;
  };
  auto join = std::make_unique<LogicalOp>();
  join->kind = LogicalOp::Kind::kJoin;
  join->left_join = ref.left_join;
  std::vector<ExprPtr> residual;
  std::vector<ExprPtr> right_only;
  for (auto& conjunct : conjuncts) {
    if (conjunct->kind == BoundExpr::Kind::kCompare && conjunct->op == "=") {
      int lhs = side_of(*conjunct->children[0]);
      int rhs = side_of(*conjunct->children[1]);
      if ((lhs == 1 && rhs == 2) || (lhs == 2 && rhs == 1)) {
        size_t left_pos = lhs == 1 ? 0 : 1;
        join->left_keys.push_back(std::move(conjunct->children[left_pos]));
        join->right_keys.push_back(std::move(conjunct->children[1 - left_pos]));
        continue;
      }
    }
    int side = side_of(*conjunct);
    if (ref.left_join && side == 2) {
      right_only.push_back(std::move(conjunct));
    } else if (ref.left_join) {
      return Status::NotSupported(
          "LEFT JOIN ... ON supports equality keys and conditions on the right side only: " +
          conjunct->ToString());
    } else {
      residual.push_back(std::move(conjunct));
    }
  }
  if (join->left_keys.empty()) {
    return Status::NotSupported(
        "JOIN needs at least one equality between the two sides (ON a.x = b.y)");
  }
  if (!right_only.empty()) {
    auto filter = std::make_unique<LogicalOp>();
    filter->kind = LogicalOp::Kind::kFilter;
    filter->exprs = std::move(right_only);
    filter->estimated_rows = right->estimated_rows * 0.5;
    filter->children.push_back(std::move(right));
    right = std::move(filter);
  }
  join->estimated_rows = std::max(left->estimated_rows, right->estimated_rows);
  join->children.push_back(std::move(left));
  join->children.push_back(std::move(right));
  PlanPtr result = std::move(join);
  if (!residual.empty()) {
    auto filter = std::make_unique<LogicalOp>();
    filter->kind = LogicalOp::Kind::kFilter;
    filter->exprs = std::move(residual);
    filter->estimated_rows = result->estimated_rows * 0.5;
    filter->children.push_back(std::move(result));
    result = std::move(filter);
  }
  *plan = std::move(result);
  *scope = std::move(merged);
  return Status::OK();
}

}  // namespace sluice::engine

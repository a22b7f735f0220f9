#include "engine/plan/logical_plan.h"

#include <cstdio>

namespace sluice::engine {

std::string BoundAggregate::ToString() const {
  if (name == "count_star") return "count_star()";
  return name + "(" + (distinct ? "DISTINCT " : "") + arg->ToString() + ")";
}

std::vector<ColumnBinding> LogicalOp::OutputBindings() const {
  std::vector<ColumnBinding> out;
  switch (kind) {
    case Kind::kScan:
      // Bound by file column index, so pruning columns keeps every reference valid.
      for (int col : columns) out.push_back({table_index, col});
      break;
    case Kind::kProject:
    case Kind::kUnionAll: {
      size_t count = kind == Kind::kProject ? exprs.size() : names.size();
      for (size_t pos = 0; pos < count; ++pos) out.push_back({table_index, static_cast<int>(pos)});
      break;
    }
    case Kind::kAggregate:
      for (size_t pos = 0; pos < exprs.size(); ++pos) {
        out.push_back({table_index, static_cast<int>(pos)});
      }
      for (size_t pos = 0; pos < aggregates.size(); ++pos) {
        out.push_back({aggregate_index, static_cast<int>(pos)});
      }
      break;
    case Kind::kJoin: {
      if (!join_outputs.empty()) return join_outputs;
      out = children[0]->OutputBindings();
      auto right = children[1]->OutputBindings();
      out.insert(out.end(), right.begin(), right.end());
      break;
    }
    case Kind::kFilter:
    case Kind::kSort:
    case Kind::kLimit:
      out = children[0]->OutputBindings();
      break;
  }
  return out;
}

std::vector<SqlType> LogicalOp::OutputTypes() const {
  std::vector<SqlType> out;
  switch (kind) {
    case Kind::kScan:
      for (int col : columns) out.push_back(source->types[static_cast<size_t>(col)]);
      break;
    case Kind::kProject:
      for (const auto& expr : exprs) out.push_back(expr->type);
      break;
    case Kind::kUnionAll:
      out = children[0]->OutputTypes();
      break;
    case Kind::kAggregate:
      for (const auto& expr : exprs) out.push_back(expr->type);
      for (const auto& agg : aggregates) out.push_back(agg.type);
      break;
    case Kind::kJoin: {
      out = children[0]->OutputTypes();
      auto right = children[1]->OutputTypes();
      out.insert(out.end(), right.begin(), right.end());
      if (!join_outputs.empty()) {
        auto all = children[0]->OutputBindings();
        auto right_bindings = children[1]->OutputBindings();
        all.insert(all.end(), right_bindings.begin(), right_bindings.end());
        std::vector<SqlType> kept;
        for (const auto& binding : join_outputs) {
          for (size_t pos = 0; pos < all.size(); ++pos) {
            if (all[pos] == binding) kept.push_back(out[pos]);
          }
        }
        out = std::move(kept);
      }
      break;
    }
    case Kind::kFilter:
    case Kind::kSort:
    case Kind::kLimit:
      out = children[0]->OutputTypes();
      break;
  }
  return out;
}

namespace {

std::string JoinExprs(const std::vector<ExprPtr>& exprs, const char* sep) {
  std::string out;
  for (size_t idx = 0; idx < exprs.size(); ++idx) out += (idx ? sep : "") + exprs[idx]->ToString();
  return out;
}

}  // namespace

std::string LogicalOp::ToString(int indent) const {
  std::string pad(static_cast<size_t>(indent) * 2, ' ');
  std::string line;
  char est[64];
  std::snprintf(est, sizeof(est), "  (~%.0f rows)", estimated_rows);
  switch (kind) {
    case Kind::kScan: {
      line = "SCAN " + source->location + " #" + std::to_string(table_index) + " [";
      for (size_t pos = 0; pos < columns.size(); ++pos) {
        line += (pos ? ", " : "") + source->schema.columns[static_cast<size_t>(columns[pos])].name;
      }
      line += "] files=" + std::to_string(source->files.size()) +
              " row_groups=" + std::to_string(source->num_row_groups);
      if (!exprs.empty()) line += " filters=[" + JoinExprs(exprs, " AND ") + "]";
      break;
    }
    case Kind::kFilter:
      line = "FILTER " + JoinExprs(exprs, " AND ");
      break;
    case Kind::kProject:
      line = "PROJECT #" + std::to_string(table_index) + " [" + JoinExprs(exprs, ", ") + "]";
      break;
    case Kind::kAggregate: {
      line = "HASH_AGGREGATE #" + std::to_string(table_index) + " groups=[" +
             JoinExprs(exprs, ", ") + "] #" + std::to_string(aggregate_index) + " aggregates=[";
      for (size_t idx = 0; idx < aggregates.size(); ++idx) {
        line += (idx ? ", " : "") + aggregates[idx].ToString();
      }
      line += "]";
      break;
    }
    case Kind::kJoin:
      line = std::string("HASH_JOIN ") + (left_join ? "LEFT" : "INNER") +
             " build=" + (build_left ? "left" : "right") + " keys=[" + JoinExprs(left_keys, ", ") +
             "] = [" + JoinExprs(right_keys, ", ") + "]";
      break;
    case Kind::kSort: {
      line = "SORT [";
      for (size_t idx = 0; idx < order.size(); ++idx) {
        line += (idx ? ", " : "") + order[idx].expr->ToString() +
                (order[idx].descending ? " DESC" : " ASC") +
                (order[idx].nulls_first ? " NULLS FIRST" : " NULLS LAST");
      }
      line += "]";
      break;
    }
    case Kind::kLimit:
      line = "LIMIT " + std::to_string(limit) + " OFFSET " + std::to_string(offset);
      if (!children.empty() && children[0]->kind == Kind::kSort) line += " (top-N)";
      break;
    case Kind::kUnionAll:
      line = "UNION_ALL #" + std::to_string(table_index);
      break;
  }
  std::string out = pad + line + est + "\n";
  for (const auto& child : children) out += child->ToString(indent + 1);
  return out;
}

}  // namespace sluice::engine

#include "engine/exec/distinct_aggregate.h"

#include <algorithm>

#include "engine/exec/expression_evaluator.h"
#include "engine/exec/hash_aggregate_operator.h"
#include "engine/exec/transform_operator.h"

namespace sluice::engine {

namespace {

// A column reference already resolved to chunk position `position`.
ExprPtr Ref(int position, const SqlType& type) {
  ExprPtr expr = MakeColumnRef({-1, position}, type);
  expr->index = position;
  return expr;
}

Vector NullColumn(const SqlType& type, int64_t count) {
  Vector out(type);
  out.Reserve(count);
  out.AppendNulls(count);
  return out;
}

// Emits the copies of each input row: [keys..., distinct values..., plain arguments...].
class ExpandTransform : public ChunkTransform {
 public:
  // A null plain argument stands for count(*): copy 0 gets a non-NULL constant to count.
  ExpandTransform(std::vector<ExprPtr> keys, std::vector<ExprPtr> distinct_args,
                  std::vector<ExprPtr> plain_args, std::vector<SqlType> plain_types)
      : keys_(std::move(keys)),
        distinct_args_(std::move(distinct_args)),
        plain_args_(std::move(plain_args)),
        plain_types_(std::move(plain_types)) {}

  Status Apply(DataChunk input, std::vector<DataChunk>* out) const override {
    int64_t rows = input.size;
    std::vector<Vector> keys(keys_.size());
    for (size_t idx = 0; idx < keys_.size(); ++idx) {
      SLUICE_RETURN_IF_ERROR(Evaluate(*keys_[idx], input, &keys[idx]));
    }
    std::vector<Vector> values(distinct_args_.size());
    for (size_t idx = 0; idx < distinct_args_.size(); ++idx) {
      SLUICE_RETURN_IF_ERROR(Evaluate(*distinct_args_[idx], input, &values[idx]));
    }
    // Copy 0: the plain aggregates' arguments.
    DataChunk plain;
    plain.columns = keys;
    for (const auto& value : values) plain.columns.push_back(NullColumn(value.type(), rows));
    for (size_t idx = 0; idx < plain_args_.size(); ++idx) {
      Vector arg;
      if (plain_args_[idx]) {
        SLUICE_RETURN_IF_ERROR(Evaluate(*plain_args_[idx], input, &arg));
      } else {
        arg = Vector::Constant(Value::Boolean(true), rows);
      }
      plain.columns.push_back(std::move(arg));
    }
    plain.size = rows;
    out->push_back(std::move(plain));
    // Copy i: the rows where the i-th DISTINCT argument is not NULL (NULLs never count).
    std::vector<uint32_t> selected;
    for (size_t which = 0; which < values.size(); ++which) {
      selected.clear();
      for (int64_t row = 0; row < rows; ++row) {
        if (!values[which].IsNull(row)) selected.push_back(static_cast<uint32_t>(row));
      }
      if (selected.empty()) continue;
      auto count = static_cast<int64_t>(selected.size());
      DataChunk copy;
      for (const auto& key : keys) {
        Vector gathered(key.type());
        gathered.AppendGather(key, selected.data(), count);
        copy.columns.push_back(std::move(gathered));
      }
      for (size_t idx = 0; idx < values.size(); ++idx) {
        if (idx != which) {
          copy.columns.push_back(NullColumn(values[idx].type(), count));
          continue;
        }
        Vector gathered(values[idx].type());
        gathered.AppendGather(values[idx], selected.data(), count);
        copy.columns.push_back(std::move(gathered));
      }
      for (const auto& type : plain_types_) copy.columns.push_back(NullColumn(type, count));
      copy.size = count;
      out->push_back(std::move(copy));
    }
    return Status::OK();
  }

 private:
  std::vector<ExprPtr> keys_;
  std::vector<ExprPtr> distinct_args_;
  std::vector<ExprPtr> plain_args_;
  std::vector<SqlType> plain_types_;
};

}  // namespace

Result<OperatorPtr> CreateDistinctAggregate(ExecContext* ctx, OperatorPtr child,
                                            std::vector<ExprPtr> groups,
                                            std::vector<BoundAggregate> aggregates) {
  const int num_keys = static_cast<int>(groups.size());
  std::vector<SqlType> key_types;
  for (const auto& group : groups) key_types.push_back(group->type);
  // Distinct arguments, deduplicated by their text; the plain aggregates' arguments.
  std::vector<ExprPtr> distinct_args;
  std::vector<std::string> distinct_texts;
  std::vector<SqlType> plain_types;
  std::vector<ExprPtr> plain_args;
  std::vector<int> position(aggregates.size());  // in distinct_args or plain_args
  for (size_t idx = 0; idx < aggregates.size(); ++idx) {
    BoundAggregate& agg = aggregates[idx];
    if (agg.distinct) {
      std::string text = agg.arg->ToString();
      auto found = std::find(distinct_texts.begin(), distinct_texts.end(), text);
      position[idx] = static_cast<int>(found - distinct_texts.begin());
      if (found == distinct_texts.end()) {
        distinct_texts.push_back(text);
        distinct_args.push_back(std::move(agg.arg));
      }
      continue;
    }
    position[idx] = static_cast<int>(plain_args.size());
    plain_types.push_back(agg.arg ? agg.arg->type : SqlType::Of(TypeId::kBoolean));
    plain_args.push_back(std::move(agg.arg));
  }
  const int num_distinct = static_cast<int>(distinct_args.size());
  std::vector<SqlType> distinct_types;
  for (const auto& arg : distinct_args) distinct_types.push_back(arg->type);

  // Inner level: GROUP BY keys and distinct values; partials of the plain aggregates.
  std::vector<ExprPtr> inner_groups;
  for (int col = 0; col < num_keys; ++col) inner_groups.push_back(Ref(col, key_types[col]));
  for (int col = 0; col < num_distinct; ++col) {
    inner_groups.push_back(Ref(num_keys + col, distinct_types[col]));
  }
  std::vector<ExprPtr> inner_args;
  std::vector<AggregateSpec> inner_specs;
  std::vector<SqlType> partial_types;
  for (size_t idx = 0; idx < aggregates.size(); ++idx) {
    const BoundAggregate& agg = aggregates[idx];
    if (agg.distinct) continue;
    bool counting = agg.name == "count_star" || agg.name == "count";
    AggregateSpec spec;
    spec.name = agg.name == "count_star" ? "count" : agg.name;
    spec.arg_type = plain_types[static_cast<size_t>(position[idx])];
    spec.result_type = counting ? SqlType::Of(TypeId::kInt64) : agg.type;
    spec.arg_column = static_cast<int>(inner_args.size());
    inner_args.push_back(Ref(num_keys + num_distinct + position[idx], spec.arg_type));
    partial_types.push_back(spec.result_type);
    inner_specs.push_back(std::move(spec));
  }
  auto expand = std::make_shared<ExpandTransform>(std::move(groups), std::move(distinct_args),
                                                  std::move(plain_args), plain_types);
  OperatorPtr expanded = std::make_unique<TransformOperator>(std::move(child), std::move(expand));
  OperatorPtr inner =
      std::make_unique<HashAggregateOperator>(ctx, std::move(expanded), std::move(inner_groups),
                                              std::move(inner_args), std::move(inner_specs));

  // Outer level over [keys, distinct values, partials]: GROUP BY keys.
  std::vector<ExprPtr> outer_groups;
  for (int col = 0; col < num_keys; ++col) outer_groups.push_back(Ref(col, key_types[col]));
  std::vector<ExprPtr> outer_args;
  std::vector<AggregateSpec> outer_specs;
  for (size_t idx = 0; idx < aggregates.size(); ++idx) {
    const BoundAggregate& agg = aggregates[idx];
    AggregateSpec spec;
    spec.result_type = agg.type;
    int column;
    if (agg.distinct) {
      // f(DISTINCT x) is f(x) over the inner rows: one per distinct x (NULL elsewhere).
      spec.name = agg.name;
      spec.arg_type = distinct_types[static_cast<size_t>(position[idx])];
      column = num_keys + position[idx];
    } else {
      spec.arg_type = partial_types[static_cast<size_t>(position[idx])];
      column = num_keys + num_distinct + position[idx];
      if (agg.name == "count_star" || agg.name == "count" || agg.name == "count_merge") {
        spec.name = "count_merge";  // partial counts add up (0 on the distinct rows)
      } else if (agg.name == "sum" || agg.name == "min" || agg.name == "max") {
        spec.name = agg.name;  // one non-NULL partial per key: re-aggregating keeps it
      } else {
        spec.name = "max";  // avg, stddev_samp, var_samp: the key's only non-NULL partial
      }
    }
    spec.arg_column = static_cast<int>(outer_args.size());
    outer_args.push_back(Ref(column, spec.arg_type));
    outer_specs.push_back(std::move(spec));
  }
  return OperatorPtr(
      std::make_unique<HashAggregateOperator>(ctx, std::move(inner), std::move(outer_groups),
                                              std::move(outer_args), std::move(outer_specs)));
}

}  // namespace sluice::engine

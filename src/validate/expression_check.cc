#include "validate/expression_check.h"

#include <algorithm>

#include "engine/exec/expression_evaluator.h"
#include "engine/exec/parquet_convert.h"
#include "engine/parse/parser.h"
#include "engine/plan/binder.h"

namespace sluice::validate {

namespace {

using engine::BoundExpr;
using engine::ColumnBinding;
using engine::DataChunk;
using engine::LogicalOp;
using engine::SqlType;
using engine::TypeId;

// The name the expression's row is bound under; columns are referenced unqualified.
constexpr const char* kTableName = "contract_row";

}  // namespace

struct ExpressionCheck::Impl {
  std::string text;
  Schema schema;
  engine::ExprPtr expr;
  std::vector<SqlType> types;  // engine type per referenced column, in columns_ order
};

ExpressionCheck::ExpressionCheck(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ExpressionCheck::~ExpressionCheck() = default;

Result<std::shared_ptr<const ExpressionCheck>> ExpressionCheck::Compile(
    const std::string& expression, const Schema& schema) {
  auto fail = [&](const std::string& why) {
    return Status::InvalidArgument("expression '" + expression + "': " + why);
  };
  // A table source with the schema and no files: the binder only needs names and types.
  auto source = std::make_shared<engine::TableSource>();
  source->location = kTableName;
  source->schema = schema;
  for (const ColumnSchema& column : schema.columns) {
    auto type = engine::EngineTypeFor(column);
    source->types.push_back(type.ok() ? *type : SqlType::Of(TypeId::kNull));
    source->unsupported.push_back(type.ok() ? "" : type.status().message());
  }
  engine::Catalog catalog;
  catalog[kTableName] = source;
  auto statement =
      engine::ParseSql("SELECT (" + expression + ") AS contract_check FROM " + kTableName);
  if (!statement.ok()) return fail(statement.status().message());
  if (statement->explain || !statement->query) return fail("not an expression");
  engine::Binder binder(&catalog);
  auto bound = binder.Bind(*statement->query);
  if (!bound.ok()) {
    if (bound.status().code() == StatusCode::kNotSupported) {
      return Status::NotSupported("expression '" + expression + "': " + bound.status().message());
    }
    return fail(bound.status().message());
  }
  // Exactly SELECT (expr) FROM the row: anything else (a ')' that closed the parenthesis early,
  // an aggregate, a subquery) is not a row-level check.
  LogicalOp* plan = bound->plan.get();
  if (plan->kind != LogicalOp::Kind::kProject || plan->exprs.size() != 1 ||
      plan->children.size() != 1 || plan->children[0]->kind != LogicalOp::Kind::kScan) {
    return fail("must be one boolean expression over the columns of a row (no aggregates)");
  }
  engine::ExprPtr expr = std::move(plan->exprs[0]);
  if (expr->type.id != TypeId::kBoolean && expr->type.id != TypeId::kNull) {
    return fail("is " + expr->type.ToString() + ", not a boolean");
  }
  std::vector<ColumnBinding> bindings;
  engine::CollectBindings(*expr, &bindings);
  std::sort(
      bindings.begin(), bindings.end(),
      [](const ColumnBinding& lhs, const ColumnBinding& rhs) { return lhs.column < rhs.column; });
  bindings.erase(std::unique(bindings.begin(), bindings.end()), bindings.end());
  auto impl = std::make_unique<Impl>();
  impl->text = expression;
  impl->schema = schema;
  std::vector<int> columns;
  for (const ColumnBinding& binding : bindings) {
    columns.push_back(binding.column);
    impl->types.push_back(source->types[static_cast<size_t>(binding.column)]);
  }
  SLUICE_RETURN_IF_ERROR(engine::ResolveColumns(expr.get(), bindings));
  impl->expr = std::move(expr);
  std::shared_ptr<ExpressionCheck> check(new ExpressionCheck(std::move(impl)));
  check->columns_ = std::move(columns);
  return std::shared_ptr<const ExpressionCheck>(std::move(check));
}

Status ExpressionCheck::Evaluate(const ColumnBatch& batch, std::vector<int64_t>* failing) const {
  const int64_t rows = batch.num_rows();
  // Slices of the engine's chunk size keep the converted columns in cache.
  for (int64_t start = 0; start < rows; start += engine::kChunkRows) {
    const int64_t count = std::min(engine::kChunkRows, rows - start);
    DataChunk chunk(impl_->types);
    for (size_t idx = 0; idx < columns_.size(); ++idx) {
      const int column = columns_[idx];
      engine::ConvertParquetColumn(impl_->schema.columns[static_cast<size_t>(column)],
                                   batch.column(column), start, count, &chunk.columns[idx]);
    }
    chunk.size = count;
    engine::Vector result(SqlType::Of(TypeId::kBoolean));
    Status evaluated = engine::Evaluate(*impl_->expr, chunk, &result);
    if (!evaluated.ok()) {
      // The data made the expression fail (an overflow): the check cannot pass.
      return Status(StatusCode::kValidationFailed,
                    "expression check '" + impl_->text + "': " + evaluated.message());
    }
    if (result.type().id == TypeId::kNull) continue;  // a constant NULL: every row passes
    const auto& values = result.u8();
    for (int64_t row = 0; row < count; ++row) {
      if (!result.IsNull(row) && values[static_cast<size_t>(row)] == 0) [[unlikely]]
        failing->push_back(start + row);
    }
  }
  return Status::OK();
}

}  // namespace sluice::validate

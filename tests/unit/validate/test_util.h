// Helpers for validate tests: build batches from literal values and read columns back as text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/value_format.h"
#include "sluice/column_batch.h"
#include "sluice/schema.h"
#include "sluice/validate.h"

namespace sluice::validate::testing {

inline ColumnSchema StringColumn(const std::string& name) {
  return ColumnSchema{name, PhysicalType::kByteArray, 0, true, LogicalType::String()};
}
inline ColumnSchema Int64Column(const std::string& name, bool nullable = true) {
  return ColumnSchema{name, PhysicalType::kInt64, 0, nullable, LogicalType::None()};
}

using Cell = std::optional<std::string>;  // nullopt = NULL; text for strings, digits for ints

/// A batch of `schema` from rows of cells (int columns take decimal text).
inline ColumnBatch MakeBatch(const Schema& schema, const std::vector<std::vector<Cell>>& rows) {
  ColumnBatch batch(schema);
  for (const auto& row : rows) {
    for (size_t col = 0; col < schema.columns.size(); ++col) {
      ColumnVector& vec = batch.column(static_cast<int>(col));
      const Cell& cell = row[col];
      if (!cell) {
        vec.AppendNull();
      } else if (schema.columns[col].physical == PhysicalType::kByteArray) {
        vec.AppendBytes(*cell);
      } else if (schema.columns[col].physical == PhysicalType::kInt64) {
        vec.Append<int64_t>(std::stoll(*cell));
      } else if (schema.columns[col].physical == PhysicalType::kInt32) {
        vec.Append<int32_t>(std::stoi(*cell));
      } else if (schema.columns[col].physical == PhysicalType::kDouble) {
        vec.Append<double>(std::stod(*cell));
      }
    }
  }
  return batch;
}

/// JSON texts of one column (common/value_format forms), e.g. {"\"12.50\"", "null"}.
inline std::vector<std::string> ColumnJson(const Schema& schema, const ColumnBatch& batch,
                                           int col) {
  std::vector<std::string> out;
  for (int64_t row = 0; row < batch.num_rows(); ++row) {
    std::string text;
    AppendJsonValue(schema.columns[static_cast<size_t>(col)], batch.column(col), row, &text);
    out.push_back(text);
  }
  return out;
}

/// Collects rejected rows in memory.
class MemoryRejectSink : public RejectSink {
 public:
  Status Reject(const ColumnBatch& source, int64_t row, const std::string& column,
                const std::string& reason) override {
    rows.push_back(row);
    columns.push_back(column);
    reasons.push_back(reason);
    (void)source;
    return Status::OK();
  }
  std::vector<int64_t> rows;
  std::vector<std::string> columns;
  std::vector<std::string> reasons;
};

}  // namespace sluice::validate::testing

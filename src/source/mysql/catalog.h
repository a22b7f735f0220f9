// Catalog: reads a table's columns and primary key from information_schema (or a query's result
// metadata for --query), which is where a table's Parquet schema comes from. Never from data.
// Thread-safety: functions use the given Connection only; one thread per connection.
#pragma once

#include <string>
#include <vector>

#include "sluice/result.h"
#include "source/mysql/connection.h"
#include "source/mysql/type_mapping.h"

namespace sluice::mysql {

struct TableInfo {
  std::string database;
  std::string table;
  std::vector<SourceColumn> columns;     // ordinal order
  std::vector<std::string> primary_key;  // column names in key order; empty if none
  /// `db`.`table`, ready for SQL.
  std::string QualifiedName() const;
  /// db.table, for messages.
  std::string DisplayName() const { return database + "." + table; }
  const SourceColumn* FindColumn(const std::string& name) const;
};

/// `table` is "NAME" (in the connection's database) or "DB.NAME". NotFound if it does not exist.
Result<TableInfo> ReadTableInfo(Connection* conn, const std::string& table);

/// Columns of an arbitrary SELECT from its prepared statement's result metadata (executes
/// nothing). Used for --query.
Result<std::vector<SourceColumn>> ReadQueryColumns(Connection* conn, const std::string& sql);

}  // namespace sluice::mysql

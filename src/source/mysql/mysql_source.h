// MysqlSource: resolves what `sluice extract` reads from one table (or --query): the column
// plans (schema), the partition key, the SQL of each chunk, and a KeyProbe for planning.
//
// Key choice: --key if given (an integer, DATE, DATETIME or TIMESTAMP column), else a
// single-column integer primary key, else none (scan mode). Planning probes ignore --where (it
// only shrinks chunks; filtering inside the walk could scan the table once per boundary).
// Thread-safety: a resolved source is an immutable value, shared read-only by worker threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/result.h"
#include "sluice/schema.h"
#include "source/mysql/catalog.h"
#include "source/mysql/connection.h"
#include "source/mysql/streaming_cursor.h"
#include "source/mysql/type_mapping.h"
#include "source/partitioner.h"

namespace sluice::mysql {

struct SourceOptions {
  std::string table;                 // NAME or DB.NAME; with --query, only names the output
  std::string query;                 // --query: an arbitrary SELECT (scan mode)
  std::vector<std::string> columns;  // --columns projection; empty: all, in table order
  std::string key;                   // --key
  std::string where;                 // --where
  MappingOptions mapping;
  source::PartitionMode mode = source::PartitionMode::kBalanced;
  bool mode_explicit = false;  // false: no usable key falls back to scan
};

class ResolvedSource {
 public:
  /// db.table, or "query" for --query.
  const std::string& display_name() const { return display_name_; }
  const std::vector<ColumnPlan>& columns() const { return columns_; }
  const Schema& schema() const { return schema_; }
  source::PartitionMode mode() const { return mode_; }
  bool has_key() const { return key_.has_value(); }
  const std::optional<ColumnPlan>& key() const { return key_; }
  const std::string& key_name() const { return key_name_; }
  /// The key is the table's single-column primary key: unique, NOT NULL, and InnoDB's clustered
  /// order, so "ORDER BY key" over a key range streams without sorting.
  bool key_is_primary() const { return key_is_primary_; }
  const std::string& where() const { return where_; }
  const std::string& query() const { return query_; }
  /// `db`.`table` (empty for --query).
  const std::string& from() const { return from_; }
  /// Multiplier from --chunk-keys to key ordinals: 1 for integers and DATE (days), 1,000,000 for
  /// DATETIME/TIMESTAMP (--chunk-keys counts seconds).
  int64_t ordinal_units_per_chunk_key() const;

  /// SQL literal of a key ordinal ("42", "'2024-01-31'").
  std::string KeyLiteral(int64_t ordinal) const;
  /// "[lo, hi]" in key literals, or "NULL".
  std::string DescribeRange(const source::KeyRange& range) const;
  /// The cursor spec of one chunk, or of the whole scan when `range` is nullopt.
  CursorSpec ChunkSpec(const std::optional<source::KeyRange>& range) const;
  /// ChunkSpec(range) in ascending key order (for cutting chunks while streaming).
  CursorSpec OrderedChunkSpec(const source::KeyRange& range) const;
  /// Text the schema hash and resume check cover besides the schema: table/query, key, where.
  std::string SourceIdentity() const;

 private:
  friend Result<ResolvedSource> ResolveSource(Connection* conn, const SourceOptions& options);
  std::string display_name_;
  std::string from_;  // `db`.`table`
  std::string query_;
  std::string where_;
  std::vector<ColumnPlan> columns_;
  Schema schema_;
  std::optional<ColumnPlan> key_;
  std::string key_name_;
  int key_index_ = -1;
  bool key_is_primary_ = false;
  source::PartitionMode mode_ = source::PartitionMode::kScan;
};

/// Reads the catalog and validates everything that can be validated before a file is written:
/// table, columns, key, casts, type support. Errors name the table/column.
Result<ResolvedSource> ResolveSource(Connection* conn, const SourceOptions& options);

/// Parses a key value's text (as the server prints it) into its ordinal.
Result<std::optional<int64_t>> ParseKeyOrdinal(const ColumnPlan& key, std::string_view text);

/// KeyProbe over a resolved keyed source, on a borrowed connection.
std::unique_ptr<source::KeyProbe> NewKeyProbe(Connection* conn, const ResolvedSource* source);

}  // namespace sluice::mysql

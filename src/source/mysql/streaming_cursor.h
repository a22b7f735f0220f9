// StreamingCursor: runs one SELECT on a borrowed Connection and hands its rows back as
// ColumnBatches of at most `fetch_rows` rows (or `max_batch_bytes`), without ever holding the
// whole result: the text protocol uses mysql_use_result, the binary protocol a prepared
// statement fetched row by row without mysql_stmt_store_result.
//
// No silent truncation: when the row stream ends, the client error state is checked, so a
// dropped or killed connection is reported as kUnavailable, never as end of data.
// The cursor also tracks the key column (projected or fetched as a hidden trailing column):
// rows read, min/max key ordinal and NULL keys, so the caller can verify a chunk before commit.
//
// Thread-safety: one thread. Ownership: borrows the Connection, which must outlive the cursor.
// A cursor destroyed before its end cancels the connection (no draining of millions of rows):
// the caller must then discard that Connection.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "source/mysql/connection.h"
#include "source/mysql/type_mapping.h"
#include "source/mysql/value_converter.h"

namespace sluice::mysql {

enum class Protocol { kText, kBinary };
Result<Protocol> ParseProtocol(const std::string& name);
const char* ProtocolName(Protocol protocol);

struct CursorSpec {
  std::string sql;
  /// Output columns, in SELECT-list order.
  std::vector<ColumnPlan> columns;
  /// The key column, if any. If key_index >= 0 it is columns[key_index]; otherwise it is an
  /// extra column at the end of the SELECT list that is read but not output.
  std::optional<ColumnPlan> key;
  int key_index = -1;
};

struct CursorOptions {
  /// Rows per batch handed to the consumer (the case study's fetchmany size).
  int64_t fetch_rows = 2000;
  /// A batch is also cut when its values pass this many bytes, so wide rows stay bounded.
  int64_t max_batch_bytes = 32ll << 20;
  ConvertOptions convert;
};

struct CursorStats {
  int64_t rows = 0;
  int64_t zero_dates = 0;
  int64_t null_keys = 0;
  std::optional<int64_t> min_key;
  std::optional<int64_t> max_key;
  /// Key of the first non-NULL-key row of the latest batch.
  std::optional<int64_t> batch_first_key;
  /// Rows whose key is not greater than the previous row's (0 for an ascending unique key).
  int64_t non_increasing_keys = 0;
};

class StreamingCursor {
 public:
  /// Starts the query. Errors: kUnavailable (connection lost), kNotFound / kInvalidArgument
  /// (server rejected the query), kInternal (column count differs from the spec).
  static Result<std::unique_ptr<StreamingCursor>> Open(Connection* conn, Protocol protocol,
                                                       CursorSpec spec,
                                                       const CursorOptions& options);
  virtual ~StreamingCursor() = default;

  /// Clears `batch` (which must have been built from the spec's schema) and fills it. Returns
  /// false when the result is exhausted and nothing was added.
  virtual Result<bool> Next(ColumnBatch* batch) = 0;
  const CursorStats& stats() const { return stats_; }
  /// Changes the row cap of the following batches (scan mode uses it to end a file exactly at
  /// --chunk-rows). REQUIRES: rows >= 1.
  void set_fetch_rows(int64_t rows) { options_.fetch_rows = rows; }
  bool finished() const { return finished_; }

 protected:
  StreamingCursor(Connection* conn, CursorSpec spec, const CursorOptions& options);
  /// Updates key statistics from the rows of `batch` (and the hidden key vector).
  void TrackKeys(const ColumnBatch& batch);
  ColumnVector* KeyTarget(ColumnBatch* batch);
  int64_t FixedRowBytes() const;

  Connection* conn_;
  CursorSpec spec_;
  CursorOptions options_;
  CursorStats stats_;
  ConvertStats convert_stats_;
  ConvertStats key_convert_stats_;  // the hidden key is not output: its zero dates do not count
  ColumnVector hidden_key_;
  bool finished_ = false;
};

}  // namespace sluice::mysql

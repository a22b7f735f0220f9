// Binary-protocol cursor: a prepared statement executed without mysql_stmt_store_result, so
// mysql_stmt_fetch reads one row at a time from the socket. Buffers are bound once: integers as
// 64-bit, FLOAT/DOUBLE natively, temporals as MYSQL_TIME, everything else (DECIMAL text,
// strings, blobs, BIT bytes, --cast columns) into a per-column byte buffer; a value longer than
// its buffer is re-read with mysql_stmt_fetch_column into a grown buffer.
#include <mysql.h>

#include <algorithm>
#include <cstring>

#include "source/mysql/streaming_cursor.h"

namespace sluice::mysql {
namespace {

// Initial byte buffer per string-like column: big enough for typical VARCHARs and all DECIMAL
// text (at most 67 characters), small enough that 1,000 TEXT columns stay under 64 MiB.
constexpr size_t kInitialStringBuffer = 256;
// Buffers never start larger than this even for wide VARCHAR(16000) columns; longer values
// are fetched with mysql_stmt_fetch_column.
constexpr size_t kMaxInitialStringBuffer = 64 * 1024;

enum class BindKind { kInteger, kFloat, kDouble, kTemporal, kBytes };

struct ColumnBinding {
  const ColumnPlan* plan = nullptr;
  BindKind kind = BindKind::kBytes;
  bool is_unsigned = false;
  uint64_t integer = 0;
  float float_value = 0;
  double double_value = 0;
  MYSQL_TIME time{};
  std::vector<char> bytes;
  unsigned long length = 0;
  my_bool is_null = 0;
  my_bool error = 0;
  // Values longer than `bytes` are re-read here (see RefetchTruncated).
  std::vector<char> long_value;
  bool use_long_value = false;
};

BindKind BindKindFor(const ColumnPlan& plan) {
  if (plan.from_text) return BindKind::kBytes;
  switch (plan.kind) {
    case ValueKind::kBool:
    case ValueKind::kInt32:
    case ValueKind::kUInt32:
    case ValueKind::kInt64:
    case ValueKind::kUInt64:
      return BindKind::kInteger;
    case ValueKind::kFloat:
      return BindKind::kFloat;
    case ValueKind::kDouble:
      return BindKind::kDouble;
    case ValueKind::kDate:
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
    case ValueKind::kTime:
      return BindKind::kTemporal;
    default:
      return BindKind::kBytes;
  }
}

class BinaryCursor final : public StreamingCursor {
 public:
  BinaryCursor(Connection* conn, CursorSpec spec, const CursorOptions& options)
      : StreamingCursor(conn, std::move(spec), options) {}

  ~BinaryCursor() override {
    if (stmt_ == nullptr) return;
    // Closing a statement with unread rows drains them; cancel the connection first (see
    // TextCursor). The connection is unusable afterwards.
    if (!finished_) mariadb_cancel(conn_->handle());
    mysql_stmt_close(stmt_);
  }

  Status Start() {
    stmt_ = mysql_stmt_init(conn_->handle());
    if (stmt_ == nullptr) return conn_->ErrorStatus("mysql_stmt_init");
    if (mysql_stmt_prepare(stmt_, spec_.sql.data(), spec_.sql.size()) != 0) {
      return StmtError("query failed");
    }
    size_t num_plans = spec_.columns.size() + (spec_.key && spec_.key_index < 0 ? 1 : 0);
    if (mysql_stmt_field_count(stmt_) != num_plans) {
      return Status::Internal("query returns " + std::to_string(mysql_stmt_field_count(stmt_)) +
                              " columns, expected " + std::to_string(num_plans));
    }
    MYSQL_RES* meta = mysql_stmt_result_metadata(stmt_);
    if (meta == nullptr) return StmtError("no result metadata");
    MYSQL_FIELD* fields = mysql_fetch_fields(meta);
    bindings_.resize(num_plans);
    binds_.assign(num_plans, MYSQL_BIND{});
    for (size_t col = 0; col < num_plans; ++col) {
      const ColumnPlan& plan = col < spec_.columns.size() ? spec_.columns[col] : *spec_.key;
      ColumnBinding& binding = bindings_[col];
      binding.plan = &plan;
      binding.kind = BindKindFor(plan);
      binding.is_unsigned = (fields[col].flags & UNSIGNED_FLAG) != 0;
      MYSQL_BIND& bind = binds_[col];
      bind.is_null = &binding.is_null;
      bind.length = &binding.length;
      bind.error = &binding.error;
      switch (binding.kind) {
        case BindKind::kInteger:
          bind.buffer_type = MYSQL_TYPE_LONGLONG;
          bind.buffer = &binding.integer;
          bind.is_unsigned = binding.is_unsigned;
          break;
        case BindKind::kFloat:
          bind.buffer_type = MYSQL_TYPE_FLOAT;
          bind.buffer = &binding.float_value;
          break;
        case BindKind::kDouble:
          bind.buffer_type = MYSQL_TYPE_DOUBLE;
          bind.buffer = &binding.double_value;
          break;
        case BindKind::kTemporal:
          bind.buffer_type = fields[col].type;
          bind.buffer = &binding.time;
          bind.buffer_length = sizeof(MYSQL_TIME);
          break;
        case BindKind::kBytes: {
          size_t size = kInitialStringBuffer;
          if (plan.source.max_octets > 0) {
            size = std::clamp(static_cast<size_t>(plan.source.max_octets), size_t{64},
                              kMaxInitialStringBuffer);
          }
          binding.bytes.resize(size);
          bind.buffer_type = MYSQL_TYPE_BLOB;
          bind.buffer = binding.bytes.data();
          bind.buffer_length = static_cast<unsigned long>(binding.bytes.size());
          break;
        }
      }
    }
    mysql_free_result(meta);
    if (mysql_stmt_execute(stmt_) != 0) return StmtError("query failed");
    if (mysql_stmt_bind_result(stmt_, binds_.data()) != 0) return StmtError("bind failed");
    return Status::OK();
  }

  Result<bool> Next(ColumnBatch* batch) override {
    batch->Clear();
    hidden_key_.Clear();
    if (finished_) return false;
    const int64_t fixed_bytes = FixedRowBytes();
    const size_t num_columns = spec_.columns.size();
    int64_t var_bytes = 0;
    int64_t rows = 0;
    while (rows < options_.fetch_rows) {
      int rc = mysql_stmt_fetch(stmt_);
      if (rc == MYSQL_NO_DATA) {
        // As with mysql_fetch_row, "no data" after a broken stream must be told apart.
        if (mysql_stmt_errno(stmt_) != 0) return StmtError(RowsContext(rows));
        if (mysql_errno(conn_->handle()) != 0) {
          return conn_->ErrorStatus(RowsContext(rows));
        }
        finished_ = true;
        break;
      }
      if (rc == 1) {
        if (mysql_stmt_errno(stmt_) != 0) return StmtError(RowsContext(rows));
        if (mysql_errno(conn_->handle()) != 0) return conn_->ErrorStatus(RowsContext(rows));
        // A failed fetch without an error code: the socket went away under us.
        return Status::Unavailable("lost connection while " + RowsContext(rows));
      }
      if (rc == MYSQL_DATA_TRUNCATED) SLUICE_RETURN_IF_ERROR(RefetchTruncated());
      for (size_t col = 0; col < bindings_.size(); ++col) {
        ColumnVector* out =
            col < num_columns ? &batch->column(static_cast<int>(col)) : &hidden_key_;
        ConvertStats* stats = col < num_columns ? &convert_stats_ : &key_convert_stats_;
        SLUICE_RETURN_IF_ERROR(AppendValue(bindings_[col], out, stats, &var_bytes));
      }
      ++rows;
      if (rows * fixed_bytes + var_bytes >= options_.max_batch_bytes) break;
    }
    TrackKeys(*batch);
    return rows > 0;
  }

 private:
  std::string RowsContext(int64_t rows) const {
    return "reading rows after " + std::to_string(stats_.rows + rows) + " rows";
  }

  Status StmtError(const std::string& context) {
    return Connection::StatusFromError(mysql_stmt_errno(stmt_), mysql_stmt_error(stmt_), context);
  }

  // Re-reads every value that did not fit its bound buffer into that column's `long_value`
  // buffer (grown as needed). The bound buffers stay as they are: rebinding in the middle of a
  // row would drop the row pointers mysql_stmt_fetch_column needs.
  Status RefetchTruncated() {
    for (size_t col = 0; col < bindings_.size(); ++col) {
      ColumnBinding& binding = bindings_[col];
      if (!binding.error || binding.kind != BindKind::kBytes || binding.is_null) continue;
      if (binding.long_value.size() < binding.length) binding.long_value.resize(binding.length);
      MYSQL_BIND bind{};
      unsigned long length = 0;
      my_bool is_null = 0;
      bind.buffer_type = MYSQL_TYPE_BLOB;
      bind.buffer = binding.long_value.data();
      bind.buffer_length = static_cast<unsigned long>(binding.long_value.size());
      bind.length = &length;
      bind.is_null = &is_null;
      if (mysql_stmt_fetch_column(stmt_, &bind, static_cast<unsigned int>(col), 0) != 0) {
        return StmtError("fetching a long value of column " + binding.plan->schema.name);
      }
      binding.use_long_value = true;
    }
    return Status::OK();
  }

  Status AppendValue(ColumnBinding& binding, ColumnVector* out, ConvertStats* stats,
                     int64_t* var_bytes) {
    if (binding.is_null) {
      out->AppendNull();
      return Status::OK();
    }
    const ColumnPlan& plan = *binding.plan;
    switch (binding.kind) {
      case BindKind::kInteger:
        return AppendIntegerValue(plan, binding.integer, binding.is_unsigned, out);
      case BindKind::kFloat:
        out->Append(binding.float_value);
        return Status::OK();
      case BindKind::kDouble:
        out->Append(binding.double_value);
        return Status::OK();
      case BindKind::kTemporal: {
        const MYSQL_TIME& t = binding.time;
        // TIME values may carry whole days in `day` rather than in `hour`.
        int64_t hours = plan.kind == ValueKind::kTime ? static_cast<int64_t>(t.day) * 24 + t.hour
                                                      : static_cast<int64_t>(t.hour);
        return AppendTemporalValue(plan, t.neg != 0, t.year, t.month, t.day, hours, t.minute,
                                   t.second, static_cast<int64_t>(t.second_part), out, stats,
                                   options_.convert);
      }
      case BindKind::kBytes: {
        const char* data = binding.bytes.data();
        size_t length = std::min<size_t>(binding.length, binding.bytes.size());
        if (binding.use_long_value) {
          data = binding.long_value.data();
          length = binding.length;
          binding.use_long_value = false;
        }
        *var_bytes += static_cast<int64_t>(length);
        if (plan.kind == ValueKind::kBytes && !plan.from_text) {
          out->AppendBytes({data, length});
          return Status::OK();
        }
        return AppendTextValue(plan, {data, length}, out, stats, options_.convert);
      }
    }
    return Status::Internal("unknown bind kind");
  }

  MYSQL_STMT* stmt_ = nullptr;
  std::vector<ColumnBinding> bindings_;
  std::vector<MYSQL_BIND> binds_;
};

}  // namespace

std::unique_ptr<StreamingCursor> NewBinaryCursor(Connection* conn, CursorSpec spec,
                                                 const CursorOptions& options) {
  return std::make_unique<BinaryCursor>(conn, std::move(spec), options);
}

Status StartBinaryCursor(StreamingCursor* cursor) {
  return static_cast<BinaryCursor*>(cursor)->Start();
}

}  // namespace sluice::mysql

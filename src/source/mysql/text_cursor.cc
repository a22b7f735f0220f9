// Text-protocol cursor: mysql_real_query + mysql_use_result, one MYSQL_ROW at a time; every
// value arrives as text and goes through AppendTextValue.
#include <mysql.h>

#include "source/mysql/streaming_cursor.h"

namespace sluice::mysql {
namespace {

class TextCursor final : public StreamingCursor {
 public:
  TextCursor(Connection* conn, CursorSpec spec, const CursorOptions& options)
      : StreamingCursor(conn, std::move(spec), options) {}

  ~TextCursor() override {
    if (result_ == nullptr) return;
    // Freeing an unfinished unbuffered result would read (and discard) every remaining row;
    // cancelling the connection first makes it fail at once. The connection is unusable after.
    if (!finished_) mariadb_cancel(conn_->handle());
    mysql_free_result(result_);
  }

  Status Start() {
    MYSQL* mysql = conn_->handle();
    if (mysql_real_query(mysql, spec_.sql.data(), spec_.sql.size()) != 0) {
      return conn_->ErrorStatus("query failed");
    }
    result_ = mysql_use_result(mysql);
    if (result_ == nullptr) return conn_->ErrorStatus("query returned no result set");
    size_t expected = spec_.columns.size() + (spec_.key && spec_.key_index < 0 ? 1 : 0);
    if (mysql_num_fields(result_) != expected) {
      return Status::Internal("query returned " + std::to_string(mysql_num_fields(result_)) +
                              " columns, expected " + std::to_string(expected));
    }
    return Status::OK();
  }

  Result<bool> Next(ColumnBatch* batch) override {
    batch->Clear();
    hidden_key_.Clear();
    if (finished_) return false;
    MYSQL* mysql = conn_->handle();
    const int64_t fixed_bytes = FixedRowBytes();
    const size_t num_columns = spec_.columns.size();
    int64_t var_bytes = 0;
    int64_t rows = 0;
    while (rows < options_.fetch_rows) {
      MYSQL_ROW row = mysql_fetch_row(result_);
      if (row == nullptr) {
        // NULL is both "no more rows" and "the connection broke": only errno tells them apart.
        if (mysql_errno(mysql) != 0) {
          return conn_->ErrorStatus("reading rows after " + std::to_string(stats_.rows + rows) +
                                    " rows");
        }
        finished_ = true;
        break;
      }
      unsigned long* lengths = mysql_fetch_lengths(result_);
      for (size_t col = 0; col < num_columns; ++col) {
        ColumnVector& out = batch->column(static_cast<int>(col));
        if (row[col] == nullptr) {
          out.AppendNull();
          continue;
        }
        var_bytes += static_cast<int64_t>(lengths[col]);
        SLUICE_RETURN_IF_ERROR(AppendTextValue(spec_.columns[col], {row[col], lengths[col]}, &out,
                                               &convert_stats_, options_.convert));
      }
      if (spec_.key && spec_.key_index < 0) {
        if (row[num_columns] == nullptr) {
          hidden_key_.AppendNull();
        } else {
          SLUICE_RETURN_IF_ERROR(AppendTextValue(*spec_.key,
                                                 {row[num_columns], lengths[num_columns]},
                                                 &hidden_key_, &key_convert_stats_, {}));
        }
      }
      ++rows;
      if (rows * fixed_bytes + var_bytes >= options_.max_batch_bytes) break;
    }
    TrackKeys(*batch);
    return rows > 0;
  }

 private:
  MYSQL_RES* result_ = nullptr;
};

}  // namespace

std::unique_ptr<StreamingCursor> NewTextCursor(Connection* conn, CursorSpec spec,
                                               const CursorOptions& options) {
  return std::make_unique<TextCursor>(conn, std::move(spec), options);
}

Status StartTextCursor(StreamingCursor* cursor) {
  return static_cast<TextCursor*>(cursor)->Start();
}

}  // namespace sluice::mysql

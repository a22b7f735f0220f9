#include "source/mysql/streaming_cursor.h"

#include <algorithm>

namespace sluice::mysql {

std::unique_ptr<StreamingCursor> NewTextCursor(Connection* conn, CursorSpec spec,
                                               const CursorOptions& options);
std::unique_ptr<StreamingCursor> NewBinaryCursor(Connection* conn, CursorSpec spec,
                                                 const CursorOptions& options);
Status StartTextCursor(StreamingCursor* cursor);
Status StartBinaryCursor(StreamingCursor* cursor);

Result<Protocol> ParseProtocol(const std::string& name) {
  if (name == "text") return Protocol::kText;
  if (name == "binary") return Protocol::kBinary;
  return Status::InvalidArgument("protocol '" + name + "' is not text or binary");
}

const char* ProtocolName(Protocol protocol) {
  return protocol == Protocol::kText ? "text" : "binary";
}

StreamingCursor::StreamingCursor(Connection* conn, CursorSpec spec, const CursorOptions& options)
    : conn_(conn), spec_(std::move(spec)), options_(options) {
  if (spec_.key.has_value() && spec_.key_index < 0) {
    hidden_key_ = ColumnVector(spec_.key->schema.physical, spec_.key->schema.type_length);
    hidden_key_.Clear();
  }
}

ColumnVector* StreamingCursor::KeyTarget(ColumnBatch* batch) {
  if (!spec_.key.has_value()) return nullptr;
  if (spec_.key_index >= 0) return &batch->column(spec_.key_index);
  return &hidden_key_;
}

void StreamingCursor::TrackKeys(const ColumnBatch& batch) {
  stats_.rows += batch.num_rows();
  stats_.zero_dates = convert_stats_.zero_dates;
  if (!spec_.key.has_value()) return;
  const ColumnVector& keys = spec_.key_index >= 0 ? batch.column(spec_.key_index) : hidden_key_;
  stats_.batch_first_key.reset();
  for (int64_t row = 0; row < keys.size(); ++row) {
    auto ordinal = KeyOrdinalAt(*spec_.key, keys, row);
    if (!ordinal.has_value()) {
      ++stats_.null_keys;
      continue;
    }
    if (!stats_.batch_first_key) stats_.batch_first_key = *ordinal;
    if (stats_.max_key && *ordinal <= *stats_.max_key) ++stats_.non_increasing_keys;
    stats_.min_key = stats_.min_key ? std::min(*stats_.min_key, *ordinal) : *ordinal;
    stats_.max_key = stats_.max_key ? std::max(*stats_.max_key, *ordinal) : *ordinal;
  }
}

int64_t StreamingCursor::FixedRowBytes() const {
  int64_t bytes = 0;
  for (const auto& column : spec_.columns) {
    bytes += FixedWidth(column.schema.physical, column.schema.type_length);
  }
  return bytes;
}

Result<std::unique_ptr<StreamingCursor>> StreamingCursor::Open(Connection* conn, Protocol protocol,
                                                               CursorSpec spec,
                                                               const CursorOptions& options) {
  if (options.fetch_rows < 1) return Status::InvalidArgument("--fetch-rows must be at least 1");
  std::unique_ptr<StreamingCursor> cursor = protocol == Protocol::kText
                                                ? NewTextCursor(conn, std::move(spec), options)
                                                : NewBinaryCursor(conn, std::move(spec), options);
  Status status =
      protocol == Protocol::kText ? StartTextCursor(cursor.get()) : StartBinaryCursor(cursor.get());
  if (!status.ok()) return status;
  return cursor;
}

}  // namespace sluice::mysql

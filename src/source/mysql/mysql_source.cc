#include "source/mysql/mysql_source.h"

#include "source/mysql/text_values.h"
#include "source/mysql/value_converter.h"

namespace sluice::mysql {
namespace {

constexpr uint64_t kSignBit = uint64_t{1} << 63;
constexpr int64_t kMicrosPerSecond = 1'000'000;

bool IsKeyKind(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt32:
    case ValueKind::kUInt32:
    case ValueKind::kInt64:
    case ValueKind::kUInt64:
    case ValueKind::kDate:
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
      return true;
    default:
      return false;
  }
}

class MysqlKeyProbe final : public source::KeyProbe {
 public:
  MysqlKeyProbe(Connection* conn, const ResolvedSource* source, std::string from)
      : conn_(conn),
        source_(source),
        from_(std::move(from)),
        key_(QuoteIdentifier(source->key_name())) {}

  Result<std::optional<std::pair<int64_t, int64_t>>> MinMax() override {
    SLUICE_ASSIGN_OR_RETURN(
        auto rows, conn_->QueryRows("SELECT MIN(" + key_ + "), MAX(" + key_ + ") FROM " + from_));
    using Out = std::optional<std::pair<int64_t, int64_t>>;
    if (rows.empty() || !rows[0][0].has_value() || !rows[0][1].has_value()) return Out();
    SLUICE_ASSIGN_OR_RETURN(auto min_key, ParseKeyOrdinal(*source_->key(), *rows[0][0]));
    SLUICE_ASSIGN_OR_RETURN(auto max_key, ParseKeyOrdinal(*source_->key(), *rows[0][1]));
    if (!min_key.has_value() || !max_key.has_value()) {
      return Status::NotSupported("key " + source_->key_name() +
                                  " holds zero dates; choose another --key or --mode scan");
    }
    return Out(std::make_pair(*min_key, *max_key));
  }

  Result<bool> HasNullKeys() override {
    if (!source_->key()->source.nullable) return false;
    SLUICE_ASSIGN_OR_RETURN(auto value, conn_->QueryValue("SELECT 1 FROM " + from_ + " WHERE " +
                                                          key_ + " IS NULL LIMIT 1"));
    return value.has_value();
  }

  Result<std::optional<int64_t>> NextKeyAtOrAfter(int64_t from) override {
    SLUICE_ASSIGN_OR_RETURN(
        auto value, conn_->QueryValue("SELECT MIN(" + key_ + ") FROM " + from_ + " WHERE " + key_ +
                                      " >= " + source_->KeyLiteral(from)));
    if (!value.has_value()) return std::optional<int64_t>();
    return ParseKeyOrdinal(*source_->key(), *value);
  }

  Result<std::optional<int64_t>> KeyAtOffset(int64_t from, int64_t offset) override {
    SLUICE_ASSIGN_OR_RETURN(
        auto value, conn_->QueryValue("SELECT " + key_ + " FROM " + from_ + " WHERE " + key_ +
                                      " >= " + source_->KeyLiteral(from) + " ORDER BY " + key_ +
                                      " LIMIT 1 OFFSET " + std::to_string(offset)));
    if (!value.has_value()) return std::optional<int64_t>();
    return ParseKeyOrdinal(*source_->key(), *value);
  }

 private:
  Connection* conn_;
  const ResolvedSource* source_;
  std::string from_;
  std::string key_;
};

}  // namespace

Result<std::optional<int64_t>> ParseKeyOrdinal(const ColumnPlan& key, std::string_view text) {
  ColumnVector scratch(key.schema.physical, key.schema.type_length);
  scratch.Clear();
  ConvertStats stats;
  SLUICE_RETURN_IF_ERROR(AppendTextValue(key, text, &scratch, &stats, {}));
  return KeyOrdinalAt(key, scratch, 0);
}

int64_t ResolvedSource::ordinal_units_per_chunk_key() const {
  if (!key_) return 1;
  return key_->kind == ValueKind::kDatetime || key_->kind == ValueKind::kTimestamp
             ? kMicrosPerSecond
             : 1;
}

std::string ResolvedSource::KeyLiteral(int64_t ordinal) const {
  switch (key_->kind) {
    case ValueKind::kUInt64:
      return std::to_string(static_cast<uint64_t>(ordinal) ^ kSignBit);
    case ValueKind::kDate:
      return "'" + FormatDate(static_cast<int32_t>(ordinal)) + "'";
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
      return "'" + FormatDatetime(ordinal) + "'";
    default:
      return std::to_string(ordinal);
  }
}

std::string ResolvedSource::DescribeRange(const source::KeyRange& range) const {
  if (range.null_keys) return "NULL";
  return "[" + KeyLiteral(range.lo) + ", " + KeyLiteral(range.hi) + "]";
}

CursorSpec ResolvedSource::ChunkSpec(const std::optional<source::KeyRange>& range) const {
  CursorSpec spec;
  spec.columns = columns_;
  if (!query_.empty()) {
    spec.sql = query_;
    return spec;
  }
  std::string select;
  for (const auto& column : columns_) {
    select += (select.empty() ? "" : ", ") + QuoteIdentifier(column.source.name);
  }
  if (key_.has_value()) {
    spec.key = key_;
    spec.key_index = key_index_;
    if (key_index_ < 0) select += ", " + QuoteIdentifier(key_name_);
  }
  spec.sql = "SELECT " + select + " FROM " + from_;
  std::string conditions;
  if (range.has_value()) {
    std::string key = QuoteIdentifier(key_name_);
    conditions = range->null_keys
                     ? key + " IS NULL"
                     : key + " BETWEEN " + KeyLiteral(range->lo) + " AND " + KeyLiteral(range->hi);
  }
  if (!where_.empty()) {
    conditions += (conditions.empty() ? "(" : " AND (") + where_ + ")";
  }
  if (!conditions.empty()) spec.sql += " WHERE " + conditions;
  return spec;
}

CursorSpec ResolvedSource::OrderedChunkSpec(const source::KeyRange& range) const {
  CursorSpec spec = ChunkSpec(range);
  spec.sql += " ORDER BY " + QuoteIdentifier(key_name_);
  return spec;
}

std::string ResolvedSource::SourceIdentity() const {
  std::string text = query_.empty() ? "table=" + display_name_ : "query=" + query_;
  text += "\nkey=" + key_name_ + "\nwhere=" + where_ + "\nmode=" + PartitionModeName(mode_);
  return text;
}

Result<ResolvedSource> ResolveSource(Connection* conn, const SourceOptions& options) {
  ResolvedSource out;
  std::vector<SourceColumn> selected;
  if (!options.query.empty()) {
    if (options.mode_explicit && options.mode != source::PartitionMode::kScan) {
      return Status::InvalidArgument("--query extracts in scan mode; drop --mode");
    }
    if (!options.key.empty() || !options.where.empty() || !options.columns.empty()) {
      return Status::InvalidArgument("--query cannot be combined with --key, --where or --columns");
    }
    SLUICE_ASSIGN_OR_RETURN(selected, ReadQueryColumns(conn, options.query));
    out.display_name_ = "query";
    out.query_ = options.query;
    out.mode_ = source::PartitionMode::kScan;
    SLUICE_ASSIGN_OR_RETURN(out.columns_, MapColumns("query", selected, options.mapping));
    out.schema_ = SchemaOf(out.columns_);
    return out;
  }

  SLUICE_ASSIGN_OR_RETURN(TableInfo info, ReadTableInfo(conn, options.table));
  out.display_name_ = info.DisplayName();
  out.from_ = info.QualifiedName();
  out.where_ = options.where;
  if (options.columns.empty()) {
    selected = info.columns;
  } else {
    for (const auto& name : options.columns) {
      const SourceColumn* column = info.FindColumn(name);
      if (column == nullptr) {
        return Status::NotFound("column " + info.DisplayName() + "." + name + " does not exist");
      }
      selected.push_back(*column);
    }
  }
  SLUICE_ASSIGN_OR_RETURN(out.columns_, MapColumns(info.DisplayName(), selected, options.mapping));
  out.schema_ = SchemaOf(out.columns_);

  // The key.
  const SourceColumn* key_column = nullptr;
  if (!options.key.empty()) {
    key_column = info.FindColumn(options.key);
    if (key_column == nullptr) {
      return Status::NotFound("--key column " + info.DisplayName() + "." + options.key +
                              " does not exist");
    }
  } else if (info.primary_key.size() == 1) {
    key_column = info.FindColumn(info.primary_key[0]);
  }
  std::optional<ColumnPlan> key_plan;
  if (key_column != nullptr) {
    auto plan = MapColumn(info.DisplayName(), *key_column, {});
    if (plan.ok() && IsKeyKind(plan->kind)) key_plan = std::move(plan).value();
    if (!key_plan && !options.key.empty()) {
      return Status::InvalidArgument("--key " + info.DisplayName() + "." + options.key +
                                     " has type " + key_column->column_type +
                                     "; a key must be an integer, DATE or DATETIME column");
    }
  }
  out.mode_ = options.mode;
  if (out.mode_ != source::PartitionMode::kScan) {
    if (!key_plan) {
      if (options.mode_explicit) {
        return Status::InvalidArgument(
            "--mode " + std::string(PartitionModeName(options.mode)) +
            " needs a key: " + info.DisplayName() +
            " has no single-column integer primary key; pass --key COLUMN or --mode scan");
      }
      out.mode_ = source::PartitionMode::kScan;
    } else {
      out.key_ = key_plan;
      out.key_name_ = key_plan->source.name;
      out.key_is_primary_ = options.query.empty() && info.primary_key.size() == 1 &&
                            info.primary_key[0] == out.key_name_;
      for (size_t idx = 0; idx < out.columns_.size(); ++idx) {
        if (out.columns_[idx].source.name == out.key_name_ && !out.columns_[idx].from_text) {
          out.key_index_ = static_cast<int>(idx);
        }
      }
    }
  }
  return out;
}

std::unique_ptr<source::KeyProbe> NewKeyProbe(Connection* conn, const ResolvedSource* source) {
  return std::make_unique<MysqlKeyProbe>(conn, source, source->from());
}

}  // namespace sluice::mysql

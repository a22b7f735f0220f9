#include <cstring>
#include <optional>
#include <set>

#include "common/value_format.h"
#include "sluice/validate.h"
#include "validate/row_copy.h"
#include "validate/text_parse.h"
#include "validate/type_names.h"

namespace sluice {

namespace validate {

std::string ValueJson(const ColumnSchema& column, const ColumnVector& col, int64_t row) {
  std::string out;
  AppendJsonValue(column, col, row, &out);
  return out;
}

}  // namespace validate

namespace {

using validate::DateTimePattern;
using validate::NumberStyle;

struct OutputColumn {
  int source = 0;
  bool pass_through = true;
  CastSpec spec;
  NumberStyle style = NumberStyle::kPlain;
  std::optional<DateTimePattern> pattern;
  std::string target_name;
  int decimal_width = 0;  // FLBA bytes for DECIMAL precision > 18
};

Status PlanError(const CastSpec& spec, const std::string& what) {
  return Status::InvalidArgument(spec.location.ToString() + "cast of column '" + spec.column +
                                 "': " + what);
}

void EncodeBigEndian(__int128 value, int width, uint8_t* out) {
  for (int idx = width - 1; idx >= 0; --idx) {
    out[idx] = static_cast<uint8_t>(value & 0xFF);
    value >>= 8;  // arithmetic shift keeps the two's-complement sign bytes
  }
}

}  // namespace

struct CastPlan::Impl {
  Schema source;
  Schema output;
  std::vector<OutputColumn> columns;
  int key_column = -1;
  bool identity = true;
  bool any_quarantine = false;

  std::string RowKey(const ColumnBatch& in, int64_t row) const {
    if (key_column < 0) return "\"row " + std::to_string(row) + " of the batch\"";
    return validate::ValueJson(source.columns[static_cast<size_t>(key_column)],
                               in.column(key_column), row);
  }
};

CastPlan::CastPlan(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CastPlan::CastPlan(CastPlan&&) noexcept = default;
CastPlan& CastPlan::operator=(CastPlan&&) noexcept = default;
CastPlan::~CastPlan() = default;

const Schema& CastPlan::source_schema() const { return impl_->source; }
const Schema& CastPlan::output_schema() const { return impl_->output; }
bool CastPlan::is_identity() const { return impl_->identity; }

Result<CastPlan> CastPlan::Make(const std::vector<CastSpec>& casts, const Schema& source,
                                const std::string& key_column) {
  auto impl = std::make_unique<Impl>();
  impl->source = source;
  impl->identity = casts.empty();
  if (!key_column.empty()) {
    impl->key_column = source.FindColumn(key_column);
    if (impl->key_column < 0) {
      return Status::InvalidArgument("key column '" + key_column + "' is not in the source");
    }
  }
  std::vector<const CastSpec*> by_column(source.columns.size(), nullptr);
  for (const CastSpec& spec : casts) {
    int index = source.FindColumn(spec.column);
    if (index < 0) {
      std::string names;
      for (const auto& col : source.columns) names += (names.empty() ? "" : ", ") + col.name;
      return PlanError(spec, "no such column in the source (columns: " + names + ")");
    }
    if (by_column[static_cast<size_t>(index)] != nullptr) {
      return PlanError(spec, "declared twice");
    }
    by_column[static_cast<size_t>(index)] = &spec;
  }
  std::set<std::string> names;
  for (size_t idx = 0; idx < source.columns.size(); ++idx) {
    const ColumnSchema& src = source.columns[idx];
    OutputColumn out;
    out.source = static_cast<int>(idx);
    ColumnSchema schema = src;
    if (const CastSpec* spec = by_column[idx]; spec != nullptr) {
      if (spec->drop) continue;
      out.spec = *spec;
      if (!spec->rename.empty()) schema.name = spec->rename;
      bool is_text = src.physical == PhysicalType::kByteArray;
      if (spec->target != CastTarget::kKeep) {
        if (!is_text) {
          return PlanError(
              *spec, "type casts read text columns, but the source type is " + DescribeType(src));
        }
        out.pass_through = false;
      } else if (is_text && (spec->trim || spec->empty_as_null)) {
        // Renames of text columns also trim and map "" to NULL unless switched off.
        out.pass_through = false;
        out.spec.target = CastTarget::kString;
      }
      if (spec->on_error == OnError::kQuarantine && !out.pass_through) impl->any_quarantine = true;
      out.target_name = validate::CastTargetName(out.spec);
      // Cast outputs are OPTIONAL: empty text and on_error: null both produce NULLs.
      if (!out.pass_through) schema.nullable = true;
      switch (out.spec.target) {
        case CastTarget::kKeep:
          break;
        case CastTarget::kString:
          schema.physical = PhysicalType::kByteArray;
          schema.logical = LogicalType::String();
          if (!spec->format.empty()) return PlanError(*spec, "a string cast takes no format");
          break;
        case CastTarget::kInt32:
        case CastTarget::kInt64:
        case CastTarget::kDouble:
        case CastTarget::kDecimal: {
          auto style = validate::ParseNumberStyle(spec->format);
          if (!style.ok()) return PlanError(*spec, style.status().message());
          out.style = *style;
          schema.logical = LogicalType::None();
          schema.type_length = 0;
          if (out.spec.target == CastTarget::kInt32) {
            schema.physical = PhysicalType::kInt32;
          } else if (out.spec.target == CastTarget::kInt64) {
            schema.physical = PhysicalType::kInt64;
          } else if (out.spec.target == CastTarget::kDouble) {
            schema.physical = PhysicalType::kDouble;
          } else {
            if (spec->precision < 1 || spec->precision > validate::kMaxDecimalPrecision ||
                spec->scale < 0 || spec->scale > spec->precision) {
              return PlanError(*spec,
                               "DECIMAL needs 1 <= precision <= 38, 0 <= scale <= precision");
            }
            schema.logical = LogicalType::Decimal(spec->precision, spec->scale);
            // Parquet's rule: INT32 holds 9 decimal digits, INT64 holds 18, FLBA the rest.
            if (spec->precision <= 9) {
              schema.physical = PhysicalType::kInt32;
            } else if (spec->precision <= 18) {
              schema.physical = PhysicalType::kInt64;
            } else {
              schema.physical = PhysicalType::kFixedLenByteArray;
              out.decimal_width = validate::DecimalByteWidth(spec->precision);
              schema.type_length = out.decimal_width;
            }
          }
          break;
        }
        case CastTarget::kDate:
        case CastTarget::kTimestamp: {
          bool date = out.spec.target == CastTarget::kDate;
          std::string format =
              spec->format.empty() ? (date ? "%Y-%m-%d" : "%Y-%m-%d %H:%M:%S%f") : spec->format;
          auto pattern = DateTimePattern::Compile(format, date);
          if (!pattern.ok()) return PlanError(*spec, pattern.status().message());
          out.pattern = std::move(*pattern);
          schema.physical = date ? PhysicalType::kInt32 : PhysicalType::kInt64;
          schema.type_length = 0;
          schema.logical =
              date ? LogicalType::Date() : LogicalType::Timestamp(TimeUnit::kMicros, false);
          break;
        }
      }
    }
    if (!names.insert(schema.name).second) {
      return Status::InvalidArgument("cast output has two columns named '" + schema.name + "'");
    }
    impl->output.columns.push_back(std::move(schema));
    impl->columns.push_back(std::move(out));
  }
  if (impl->output.columns.empty()) {
    return Status::InvalidArgument("casts drop every column of the source");
  }
  return CastPlan(std::move(impl));
}

namespace {

// Per-Apply state for rows that failed a quarantine cast.
struct Quarantine {
  std::vector<uint8_t> rejected;          // one flag per input row
  std::vector<std::string> first_column;  // per input row (only for rejected ones)
  std::vector<std::string> reasons;
  int64_t count = 0;
};

CastStats::Column* StatsColumn(CastStats* stats, const std::string& column,
                               const std::string& target) {
  if (stats == nullptr) return nullptr;
  for (CastStats::Column& entry : stats->columns) {
    if (entry.column == column) return &entry;
  }
  stats->columns.push_back(CastStats::Column{column, target, 0, 0, {}});
  return &stats->columns.back();
}

bool IsAsciiSpace(char ch) {
  return ch == ' ' || (ch >= '\t' && ch <= '\r');  // \t \n \v \f \r, as TrimAscii
}

// True when a text cast would leave every value of `src` as it is (the usual case for a clean
// column): no value has whitespace to trim at either end, none is empty (with empty_as_null).
bool TextUnchanged(const ColumnVector& src, const CastSpec& spec) {
  const auto* data = reinterpret_cast<const char*>(src.values().data());
  const std::vector<uint32_t>& offsets = src.offsets();
  const int64_t rows = src.size();
  for (int64_t row = 0; row < rows; ++row) {
    const uint32_t begin = offsets[static_cast<size_t>(row)];
    const uint32_t end = offsets[static_cast<size_t>(row) + 1];
    if (begin == end) {
      // NULLs have empty spans too; they stay NULL.
      if (spec.empty_as_null && src.IsValid(row)) return false;
      continue;
    }
    if (spec.trim && (IsAsciiSpace(data[begin]) || IsAsciiSpace(data[end - 1]))) return false;
  }
  return true;
}

std::string Quote(std::string_view text) {
  std::string out;
  AppendJsonString(text, &out);
  return out;
}

}  // namespace

Status CastPlan::Apply(const ColumnBatch& in, ColumnBatch* out, RejectSink* rejects,
                       CastStats* stats) const {
  return Run(in, nullptr, out, rejects, stats);
}

Status CastPlan::ApplyTaking(ColumnBatch* in, ColumnBatch* out, RejectSink* rejects,
                             CastStats* stats) const {
  return Run(*in, in, out, rejects, stats);
}

// `take` is `in` when its unchanged columns may be moved out (ApplyTaking), else null.
Status CastPlan::Run(const ColumnBatch& in, ColumnBatch* take, ColumnBatch* out,
                     RejectSink* rejects, CastStats* stats) const {
  const Impl& impl = *impl_;
  const int64_t rows = in.num_rows();
  bool shape_ok = out->num_columns() == impl.output.num_columns();
  for (int col = 0; shape_ok && col < out->num_columns(); ++col) {
    const ColumnSchema& schema = impl.output.columns[static_cast<size_t>(col)];
    shape_ok = out->column(col).type() == schema.physical &&
               out->column(col).width() == FixedWidth(schema.physical, schema.type_length);
  }
  if (shape_ok) {
    out->Clear();
  } else {
    *out = ColumnBatch(impl.output);
  }
  Quarantine quarantine;
  // Output columns equal to their source column: filled last, by a move when allowed.
  std::vector<size_t> unchanged;

  for (size_t col = 0; col < impl.columns.size(); ++col) {
    const OutputColumn& plan = impl.columns[col];
    const ColumnVector& src = in.column(plan.source);
    ColumnVector& dst = out->column(static_cast<int>(col));
    if (plan.pass_through) {
      unchanged.push_back(col);
      continue;
    }
    const CastSpec& spec = plan.spec;
    const std::string& out_name = impl.output.columns[col].name;
    if ((spec.target == CastTarget::kString || spec.target == CastTarget::kKeep) &&
        TextUnchanged(src, spec)) {
      unchanged.push_back(col);  // nothing to trim or to turn into NULL: no row-by-row cast
      continue;
    }
    dst.Reserve(rows,
                spec.target == CastTarget::kString ? static_cast<int64_t>(src.values().size()) : 0);

    // One failing value: apply on_error. Returns a non-OK status only for kFail.
    auto on_failure = [&](int64_t row, std::string_view text, const char* why) -> Status {
      std::string value = Quote(text);
      switch (spec.on_error) {
        case OnError::kFail:
          return Status(StatusCode::kValidationFailed,
                        "column " + spec.column + ", row " + impl.RowKey(in, row) +
                            ": cannot cast " + value + " to " + plan.target_name + ": " + why +
                            " (on_error: fail; use null or quarantine to keep going)");
        case OnError::kNull: {
          dst.AppendNull();
          if (CastStats::Column* entry = StatsColumn(stats, out_name, plan.target_name)) {
            ++entry->nulled;
            if (static_cast<int>(entry->samples.size()) < stats->max_samples) {
              entry->samples.emplace_back(impl.RowKey(in, row), value);
            }
          }
          return Status::OK();
        }
        case OnError::kQuarantine: {
          dst.AppendNull();  // placeholder: the row is removed below
          if (quarantine.rejected.empty()) {
            quarantine.rejected.assign(static_cast<size_t>(rows), 0);
            quarantine.first_column.resize(static_cast<size_t>(rows));
            quarantine.reasons.resize(static_cast<size_t>(rows));
          }
          auto slot = static_cast<size_t>(row);
          std::string reason =
              spec.column + ": cannot cast " + value + " to " + plan.target_name + ": " + why;
          if (!quarantine.rejected[slot]) {
            quarantine.rejected[slot] = 1;
            quarantine.first_column[slot] = spec.column;
            quarantine.reasons[slot] = std::move(reason);
            ++quarantine.count;
            if (CastStats::Column* entry = StatsColumn(stats, spec.column, plan.target_name)) {
              ++entry->quarantined;
              if (static_cast<int>(entry->samples.size()) < stats->max_samples) {
                entry->samples.emplace_back(impl.RowKey(in, row), value);
              }
            }
          } else {
            quarantine.reasons[slot] += "; " + reason;
          }
          return Status::OK();
        }
      }
      return Status::OK();
    };

    for (int64_t row = 0; row < rows; ++row) {
      if (!src.IsValid(row)) {
        dst.AppendNull();
        continue;
      }
      std::string_view text = src.BytesAt(row);
      if (spec.trim) text = validate::TrimAscii(text);
      if (text.empty() && spec.empty_as_null) {
        dst.AppendNull();
        continue;
      }
      const char* why = "";
      bool ok = true;
      switch (spec.target) {
        case CastTarget::kKeep:
        case CastTarget::kString:
          dst.AppendBytes(text);
          break;
        case CastTarget::kInt32: {
          int64_t value = 0;
          ok = validate::ParseInteger(text, plan.style, INT32_MIN, INT32_MAX, &value, &why);
          if (ok) dst.Append(static_cast<int32_t>(value));
          break;
        }
        case CastTarget::kInt64: {
          int64_t value = 0;
          ok = validate::ParseInteger(text, plan.style, INT64_MIN, INT64_MAX, &value, &why);
          if (ok) dst.Append(value);
          break;
        }
        case CastTarget::kDouble: {
          double value = 0;
          ok = validate::ParseDouble(text, plan.style, &value, &why);
          if (ok) dst.Append(value);
          break;
        }
        case CastTarget::kDecimal: {
          __int128 value = 0;
          ok = validate::ParseDecimal(text, plan.style, spec.precision, spec.scale, &value, &why);
          if (ok) {
            if (spec.precision <= 9) {
              dst.Append(static_cast<int32_t>(value));
            } else if (spec.precision <= 18) {
              dst.Append(static_cast<int64_t>(value));
            } else {
              uint8_t bytes[16];
              EncodeBigEndian(value, plan.decimal_width, bytes);
              dst.AppendFixed(bytes);
            }
          }
          break;
        }
        case CastTarget::kDate: {
          int64_t days = 0;
          ok = plan.pattern->Parse(text, &days, &why);
          if (ok && (days < INT32_MIN || days > INT32_MAX)) {
            ok = false;
            why = "date out of range";
          }
          if (ok) dst.Append(static_cast<int32_t>(days));
          break;
        }
        case CastTarget::kTimestamp: {
          int64_t micros = 0;
          ok = plan.pattern->Parse(text, &micros, &why);
          if (ok) dst.Append(micros);
          break;
        }
      }
      if (!ok) SLUICE_RETURN_IF_ERROR(on_failure(row, text, why));
    }
  }

  // Rejected rows need the source row as it arrived, so a batch with rejects is copied.
  const bool move = take != nullptr && quarantine.count == 0;
  for (size_t col : unchanged) {
    const int source = impl.columns[col].source;
    ColumnVector& dst = out->column(static_cast<int>(col));
    if (move) {
      std::swap(dst, take->column(source));  // *in gets dst's old buffers: same column type
    } else {
      dst = in.column(source);
    }
  }
  if (quarantine.count == 0) return Status::OK();
  // Compact: keep the rows that passed, send the others to the sink with their reasons.
  ColumnBatch kept(impl.output);
  for (int col = 0; col < kept.num_columns(); ++col) {
    const ColumnVector& from = out->column(col);
    ColumnVector& to = kept.column(col);
    to.Reserve(rows - quarantine.count, static_cast<int64_t>(from.values().size()));
    for (int64_t row = 0; row < rows; ++row) {
      if (!quarantine.rejected[static_cast<size_t>(row)]) validate::CopyValue(from, row, &to);
    }
  }
  *out = std::move(kept);
  if (stats != nullptr) stats->rows_quarantined += quarantine.count;
  if (rejects != nullptr) {
    for (int64_t row = 0; row < rows; ++row) {
      auto slot = static_cast<size_t>(row);
      if (!quarantine.rejected[slot]) continue;
      SLUICE_RETURN_IF_ERROR(
          rejects->Reject(in, row, quarantine.first_column[slot], quarantine.reasons[slot]));
    }
  }
  return Status::OK();
}

}  // namespace sluice

#include "source/mysql/value_converter.h"

#include <limits>
#include <string>

#include "source/mysql/decimal.h"
#include "source/mysql/text_values.h"

namespace sluice::mysql {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400LL * kMicrosPerSecond;
constexpr uint64_t kSignBit = uint64_t{1} << 63;

Status ColumnError(const ColumnPlan& plan, const Status& status) {
  return status.WithContext("column " + plan.schema.name);
}

Status ZeroDate(const ColumnPlan& plan, ColumnVector* out, ConvertStats* stats,
                const ConvertOptions& options) {
  if (options.strict) {
    return Status::InvalidArgument("column " + plan.schema.name +
                                   ": zero date ('0000-00-00') with --strict");
  }
  ++stats->zero_dates;
  out->AppendNull();
  return Status::OK();
}

uint64_t BigEndianBits(std::string_view bytes) {
  uint64_t value = 0;
  for (char ch : bytes) value = (value << 8) | static_cast<uint8_t>(ch);
  return value;
}

Status AppendDecimal(const ColumnPlan& plan, __int128 unscaled, ColumnVector* out) {
  switch (plan.schema.physical) {
    case PhysicalType::kInt32:
      out->Append(static_cast<int32_t>(unscaled));
      return Status::OK();
    case PhysicalType::kInt64:
      out->Append(static_cast<int64_t>(unscaled));
      return Status::OK();
    default: {
      uint8_t bytes[16];
      EncodeDecimalBigEndian(unscaled, plan.schema.type_length, bytes);
      out->AppendFixed(bytes);
      return Status::OK();
    }
  }
}

}  // namespace

Status AppendIntegerValue(const ColumnPlan& plan, uint64_t bits, bool is_unsigned,
                          ColumnVector* out) {
  auto range_error = [&]() {
    return Status::InvalidArgument(
        "column " + plan.schema.name + ": value " +
        (is_unsigned ? std::to_string(bits) : std::to_string(static_cast<int64_t>(bits))) +
        " does not fit " + DescribeType(plan.schema));
  };
  auto signed_value = static_cast<int64_t>(bits);
  switch (plan.kind) {
    case ValueKind::kBool:
      out->Append(static_cast<uint8_t>(bits != 0));
      return Status::OK();
    case ValueKind::kInt32:
      if ((is_unsigned && bits > static_cast<uint64_t>(std::numeric_limits<int32_t>::max())) ||
          (!is_unsigned && (signed_value < std::numeric_limits<int32_t>::min() ||
                            signed_value > std::numeric_limits<int32_t>::max()))) {
        return range_error();
      }
      out->Append(static_cast<int32_t>(signed_value));
      return Status::OK();
    case ValueKind::kUInt32:
      if ((!is_unsigned && signed_value < 0) || bits > std::numeric_limits<uint32_t>::max()) {
        return range_error();
      }
      out->Append(static_cast<uint32_t>(bits));
      return Status::OK();
    case ValueKind::kInt64:
      if (is_unsigned && bits > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
        return range_error();
      }
      out->Append(signed_value);
      return Status::OK();
    case ValueKind::kUInt64:
      if (!is_unsigned && signed_value < 0) return range_error();
      out->Append(bits);
      return Status::OK();
    default:
      return Status::Internal("column " + plan.schema.name + ": integer for non-integer kind");
  }
}

Status AppendTextValue(const ColumnPlan& plan, std::string_view text, ColumnVector* out,
                       ConvertStats* stats, const ConvertOptions& options) {
  switch (plan.kind) {
    case ValueKind::kBytes:
      out->AppendBytes(text);
      return Status::OK();
    case ValueKind::kBitBool:
      out->Append(static_cast<uint8_t>(BigEndianBits(text) != 0));
      return Status::OK();
    case ValueKind::kBitUInt64:
      out->Append(BigEndianBits(text));
      return Status::OK();
    case ValueKind::kBool: {
      auto value = ParseBoolText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      out->Append(static_cast<uint8_t>(*value));
      return Status::OK();
    }
    case ValueKind::kInt32:
    case ValueKind::kInt64: {
      auto value = ParseInt64Text(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      return AppendIntegerValue(plan, static_cast<uint64_t>(*value), false, out);
    }
    case ValueKind::kUInt32:
    case ValueKind::kUInt64: {
      auto value = ParseUInt64Text(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      return AppendIntegerValue(plan, *value, true, out);
    }
    case ValueKind::kDecimal: {
      auto value = ParseDecimalUnscaled(text, plan.decimal_precision, plan.decimal_scale);
      if (!value.ok()) return ColumnError(plan, value.status());
      return AppendDecimal(plan, *value, out);
    }
    case ValueKind::kFloat: {
      auto value = ParseFloatText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      out->Append(*value);
      return Status::OK();
    }
    case ValueKind::kDouble: {
      auto value = ParseDoubleText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      out->Append(*value);
      return Status::OK();
    }
    case ValueKind::kDate: {
      auto value = ParseDateText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      if (!value->has_value()) return ZeroDate(plan, out, stats, options);
      out->Append(**value);
      return Status::OK();
    }
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp: {
      auto value = ParseDatetimeText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      if (!value->has_value()) return ZeroDate(plan, out, stats, options);
      out->Append(**value);
      return Status::OK();
    }
    case ValueKind::kTime: {
      auto value = ParseTimeText(text);
      if (!value.ok()) return ColumnError(plan, value.status());
      out->Append(*value);
      return Status::OK();
    }
  }
  return Status::Internal("unknown value kind");
}

Status AppendTemporalValue(const ColumnPlan& plan, bool negative, int64_t year, unsigned month,
                           unsigned day, int64_t hours, unsigned minute, unsigned second,
                           int64_t micros, ColumnVector* out, ConvertStats* stats,
                           const ConvertOptions& options) {
  int64_t time_of_day = (hours * 3600 + minute * 60 + second) * kMicrosPerSecond + micros;
  switch (plan.kind) {
    case ValueKind::kTime:
      out->Append(negative ? -time_of_day : time_of_day);
      return Status::OK();
    case ValueKind::kDate:
      if (month == 0 || day == 0) return ZeroDate(plan, out, stats, options);
      out->Append(static_cast<int32_t>(DaysFromCivil(year, month, day)));
      return Status::OK();
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
      if (month == 0 || day == 0) return ZeroDate(plan, out, stats, options);
      out->Append(DaysFromCivil(year, month, day) * kMicrosPerDay + time_of_day);
      return Status::OK();
    default:
      return Status::Internal("column " + plan.schema.name + ": temporal value for non-temporal");
  }
}

std::optional<int64_t> KeyOrdinalAt(const ColumnPlan& plan, const ColumnVector& column,
                                    int64_t row) {
  if (!column.IsValid(row)) return std::nullopt;
  switch (plan.kind) {
    case ValueKind::kInt32:
    case ValueKind::kDate:
      return column.Get<int32_t>(row);
    case ValueKind::kUInt32:
      return column.Get<uint32_t>(row);
    case ValueKind::kInt64:
    case ValueKind::kDatetime:
    case ValueKind::kTimestamp:
    case ValueKind::kTime:
      return column.Get<int64_t>(row);
    case ValueKind::kUInt64:
      return static_cast<int64_t>(column.Get<uint64_t>(row) ^ kSignBit);
    case ValueKind::kBool:
    case ValueKind::kBitBool:
      return column.Get<uint8_t>(row);
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::mysql

#include "engine/exec/parquet_convert.h"

#include <cstring>

namespace sluice::engine {

namespace {

int128 BigEndianToInt128(const uint8_t* bytes, size_t size) {
  if (size == 0) return 0;
  unsigned __int128 value = (bytes[0] & 0x80) ? ~static_cast<unsigned __int128>(0) : 0;
  for (size_t idx = 0; idx < size; ++idx) value = (value << 8) | bytes[idx];
  return static_cast<int128>(value);
}

// Appends rows [start, start + count) of a fixed-width column of T, sign-extended, in one pass.
template <typename T, typename Out>
void Widen(const ColumnVector& input, int64_t start, int64_t count, ColumnArray<Out>* out) {
  size_t old = out->size();
  out->resize(old + static_cast<size_t>(count));
  Out* dst = out->data() + old;
  const uint8_t* src = input.FixedAt(start);
  for (int64_t row = 0; row < count; ++row) {
    T value;
    std::memcpy(&value, src + row * static_cast<int64_t>(sizeof(T)), sizeof(T));
    dst[row] = value;
  }
}

}  // namespace

void ConvertParquetColumn(const ColumnSchema& column, const ColumnVector& input, int64_t start,
                          int64_t count, Vector* out) {
  const SqlType& type = out->type();
  out->Reserve(out->size() + count);
  bool nullable = input.has_nulls();
  int64_t base = out->size();
  if (nullable) {
    auto& nulls = out->nulls();
    if (nulls.empty()) nulls.assign(static_cast<size_t>(base), 0);
    for (int64_t row = 0; row < count; ++row) nulls.push_back(!input.IsValid(start + row));
  } else if (out->has_nulls()) {
    out->nulls().resize(static_cast<size_t>(base + count), 0);
  }
  const LogicalType& logical = column.logical;
  switch (column.physical) {
    case PhysicalType::kBoolean:
      for (int64_t row = 0; row < count; ++row)
        out->u8().push_back(*input.FixedAt(start + row) ? 1 : 0);
      break;
    case PhysicalType::kInt32:
      if (type.id == TypeId::kDecimal) {
        Widen<int32_t>(input, start, count, &out->i128());
      } else if (logical.kind == LogicalType::Kind::kInteger && !logical.is_signed) {
        for (int64_t row = 0; row < count; ++row)
          out->i64().push_back(input.Get<uint32_t>(start + row));
      } else {
        for (int64_t row = 0; row < count; ++row)
          out->i64().push_back(input.Get<int32_t>(start + row));
      }
      break;
    case PhysicalType::kInt64:
      if (type.id == TypeId::kDecimal) {
        Widen<int64_t>(input, start, count, &out->i128());
      } else if (type.id == TypeId::kInt128) {
        for (int64_t row = 0; row < count; ++row)
          out->i128().push_back(input.Get<uint64_t>(start + row));
      } else if (type.id == TypeId::kTimestamp && logical.unit != TimeUnit::kMicros) {
        for (int64_t row = 0; row < count; ++row) {
          int64_t value = input.Get<int64_t>(start + row);
          if (logical.unit == TimeUnit::kMillis) {
            value *= 1000;
          } else {
            value = value / 1000 - ((value % 1000) < 0 ? 1 : 0);  // floor to micros
          }
          out->i64().push_back(value);
        }
      } else {
        const uint8_t* src = input.FixedAt(start);
        size_t old = out->i64().size();
        out->i64().resize(old + static_cast<size_t>(count));
        std::memcpy(out->i64().data() + old, src, static_cast<size_t>(count) * 8);
      }
      break;
    case PhysicalType::kFloat:
      for (int64_t row = 0; row < count; ++row) out->f64().push_back(input.Get<float>(start + row));
      break;
    case PhysicalType::kDouble: {
      const uint8_t* src = input.FixedAt(start);
      size_t old = out->f64().size();
      out->f64().resize(old + static_cast<size_t>(count));
      std::memcpy(out->f64().data() + old, src, static_cast<size_t>(count) * 8);
      break;
    }
    case PhysicalType::kByteArray:
      if (type.id == TypeId::kDecimal) {
        for (int64_t row = 0; row < count; ++row) {
          auto bytes = input.BytesAt(start + row);
          out->i128().push_back(
              BigEndianToInt128(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
        }
      } else {
        // One copy of the rows' bytes (NULL rows hold none). AppendStrings maintains the NULL
        // map itself: detach it (already filled above) meanwhile.
        ColumnArray<uint8_t> nulls = std::move(out->nulls());
        out->nulls().clear();
        out->AppendStrings(reinterpret_cast<const char*>(input.values().data()),
                           input.offsets().data() + start, count);
        out->nulls() = std::move(nulls);
        return;
      }
      break;
    case PhysicalType::kFixedLenByteArray:
      for (int64_t row = 0; row < count; ++row) {
        out->i128().push_back(
            BigEndianToInt128(input.FixedAt(start + row), static_cast<size_t>(input.width())));
      }
      break;
    default:
      break;
  }
  out->SetSize(base + count);
}

std::optional<std::string> StatLiteral(const ColumnSchema& column, const Value& value) {
  if (value.is_null) return std::nullopt;
  std::string out;
  switch (column.physical) {
    case PhysicalType::kInt32: {
      if (column.logical.kind == LogicalType::Kind::kInteger && !column.logical.is_signed)
        return std::nullopt;
      int128 wide = value.type.id == TypeId::kDecimal ? value.i128 : value.i64;
      if (wide < INT32_MIN || wide > INT32_MAX) return std::nullopt;
      auto narrow = static_cast<int32_t>(wide);
      out.assign(reinterpret_cast<const char*>(&narrow), 4);
      return out;
    }
    case PhysicalType::kInt64: {
      if (column.logical.kind == LogicalType::Kind::kInteger && !column.logical.is_signed)
        return std::nullopt;
      if (column.logical.kind == LogicalType::Kind::kTimestamp &&
          column.logical.unit != TimeUnit::kMicros) {
        return std::nullopt;
      }
      int128 wide = value.type.id == TypeId::kDecimal ? value.i128 : value.i64;
      if (wide < INT64_MIN || wide > INT64_MAX) return std::nullopt;
      auto narrow = static_cast<int64_t>(wide);
      out.assign(reinterpret_cast<const char*>(&narrow), 8);
      return out;
    }
    case PhysicalType::kDouble:
      out.assign(reinterpret_cast<const char*>(&value.f64), 8);
      return out;
    case PhysicalType::kByteArray:
      if (value.type.id == TypeId::kVarchar) return value.str;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

}  // namespace sluice::engine

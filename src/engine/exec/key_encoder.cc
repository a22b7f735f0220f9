#include "engine/exec/key_encoder.h"

#include <cmath>
#include <cstring>
#include <type_traits>

#include "engine/types/copy_bytes.h"

namespace sluice::engine {

namespace {

int FixedKeyWidth(const SqlType& type) {
  switch (type.storage()) {
    case Storage::kU8:
      return 1;
    case Storage::kI64:
      return 8;
    case Storage::kI128:
      return 16;
    case Storage::kF64:
      return 8;
    case Storage::kStr:
      return -1;
  }
  return -1;
}

// All keys fixed-width: every encoded key has the same length, written in place.
void EncodeFixedKeys(const std::vector<const Vector*>& keys, int64_t count, size_t length,
                     EncodedKeys* out) {
  auto rows = static_cast<size_t>(count);
  out->buffer.assign(rows * length, '\0');
  out->offsets.resize(rows + 1);
  for (size_t row = 0; row <= rows; ++row) out->offsets[row] = static_cast<uint32_t>(row * length);
  char* base = out->buffer.data();
  size_t field = 0;
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(key->type());
    const uint8_t* nulls = key->has_nulls() ? key->nulls().data() : nullptr;
    // One loop per storage, so the per-row work is a flag byte and a fixed-size copy.
    auto encode = [&](auto write) {
      for (size_t row = 0; row < rows; ++row) {
        char* dst = base + row * length + field;
        if (nulls && nulls[row]) {
          out->has_null[row] = 1;
          continue;  // flag 0 and zero bytes
        }
        dst[0] = 1;
        write(dst + 1, row);
      }
    };
    switch (key->type().storage()) {
      case Storage::kU8: {
        const uint8_t* values = key->u8().data();
        encode([&](char* dst, size_t row) { dst[0] = static_cast<char>(values[row]); });
        break;
      }
      case Storage::kI64: {
        const int64_t* values = key->i64().data();
        encode([&](char* dst, size_t row) { std::memcpy(dst, &values[row], 8); });
        break;
      }
      case Storage::kI128: {
        const int128* values = key->i128().data();
        encode([&](char* dst, size_t row) { std::memcpy(dst, &values[row], 16); });
        break;
      }
      case Storage::kF64: {
        const double* values = key->f64().data();
        encode([&](char* dst, size_t row) {
          double value = values[row];
          if (value == 0) value = 0;  // folds -0.0
          if (std::isnan(value)) value = std::nan("");
          std::memcpy(dst, &value, 8);
        });
        break;
      }
      case Storage::kStr:
        break;
    }
    field += static_cast<size_t>(width) + 1;
  }
  // Constant lengths for the common keys let HashBytes compile to straight-line code.
  auto hash_all = [&](auto constant_length) {
    constexpr size_t kLength = decltype(constant_length)::value;
    for (size_t row = 0; row < rows; ++row) {
      out->hashes[row] = HashBytes(std::string_view(base + row * kLength, kLength));
    }
  };
  switch (length) {
    case 2:  // one BOOLEAN
      hash_all(std::integral_constant<size_t, 2>());
      break;
    case 9:  // one BIGINT/DATE/TIMESTAMP/DOUBLE
      hash_all(std::integral_constant<size_t, 9>());
      break;
    case 17:  // one DECIMAL/HUGEINT
      hash_all(std::integral_constant<size_t, 17>());
      break;
    case 18:  // two BIGINTs
      hash_all(std::integral_constant<size_t, 18>());
      break;
    default:
      for (size_t row = 0; row < rows; ++row) {
        out->hashes[row] = HashBytes(std::string_view(base + row * length, length));
      }
  }
}

}  // namespace

void EncodeKeys(const std::vector<const Vector*>& keys, int64_t count, EncodedKeys* out) {
  size_t fixed_length = 0;
  bool all_fixed = true;
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(key->type());
    all_fixed = all_fixed && width >= 0;
    fixed_length += static_cast<size_t>(width) + 1;
  }
  if (all_fixed) {
    out->hashes.resize(static_cast<size_t>(count));
    out->has_null.assign(static_cast<size_t>(count), 0);
    out->fixed_length = static_cast<int64_t>(fixed_length);
    EncodeFixedKeys(keys, count, fixed_length, out);
    return;
  }
  // Mixed keys (some text): size every row first, then write column by column in place.
  auto rows = static_cast<size_t>(count);
  out->fixed_length = -1;
  out->hashes.resize(rows);
  out->has_null.assign(rows, 0);
  out->offsets.assign(rows + 1, 0);
  for (const Vector* key : keys) {
    int width = FixedKeyWidth(key->type());
    const uint8_t* nulls = key->has_nulls() ? key->nulls().data() : nullptr;
    uint32_t* lengths = out->offsets.data() + 1;
    if (width >= 0) {
      for (size_t row = 0; row < rows; ++row) {
        lengths[row] += nulls && nulls[row] ? 1 : 1 + static_cast<uint32_t>(width);
      }
      continue;
    }
    const uint32_t* offsets = key->str_offsets();
    for (size_t row = 0; row < rows; ++row) {
      lengths[row] += nulls && nulls[row] ? 1 : 5 + (offsets[row + 1] - offsets[row]);
    }
  }
  for (size_t row = 0; row < rows; ++row) out->offsets[row + 1] += out->offsets[row];
  out->buffer.assign(out->offsets[rows], '\0');
  std::vector<uint32_t> cursor(out->offsets.begin(), out->offsets.end() - 1);
  char* base = out->buffer.data();
  for (const Vector* key : keys) {
    const uint8_t* nulls = key->has_nulls() ? key->nulls().data() : nullptr;
    // One loop per storage: writes the flag and value, returns the bytes used.
    auto encode = [&](auto write) {
      for (size_t row = 0; row < rows; ++row) {
        char* dst = base + cursor[row];
        if (nulls && nulls[row]) {
          out->has_null[row] = 1;
          cursor[row] += 1;
          continue;
        }
        dst[0] = 1;
        cursor[row] += 1 + write(dst + 1, row);
      }
    };
    switch (key->type().storage()) {
      case Storage::kU8: {
        const uint8_t* values = key->u8().data();
        encode([&](char* dst, size_t row) {
          dst[0] = static_cast<char>(values[row]);
          return 1u;
        });
        break;
      }
      case Storage::kI64: {
        const int64_t* values = key->i64().data();
        encode([&](char* dst, size_t row) {
          std::memcpy(dst, &values[row], 8);
          return 8u;
        });
        break;
      }
      case Storage::kI128: {
        const int128* values = key->i128().data();
        encode([&](char* dst, size_t row) {
          std::memcpy(dst, &values[row], 16);
          return 16u;
        });
        break;
      }
      case Storage::kF64: {
        const double* values = key->f64().data();
        encode([&](char* dst, size_t row) {
          double value = values[row];
          if (value == 0) value = 0;  // folds -0.0
          if (std::isnan(value)) value = std::nan("");
          std::memcpy(dst, &value, 8);
          return 8u;
        });
        break;
      }
      case Storage::kStr: {
        const uint32_t* offsets = key->str_offsets();
        const char* chars = key->str_chars();
        encode([&](char* dst, size_t row) {
          uint32_t length = offsets[row + 1] - offsets[row];
          std::memcpy(dst, &length, 4);
          CopyBytes(dst + 4, chars + offsets[row], length);
          return 4 + length;
        });
        break;
      }
    }
  }
  for (size_t row = 0; row < rows; ++row) out->hashes[row] = HashBytes(out->Key(row));
}

int64_t FixedKeyLength(const std::vector<SqlType>& types) {
  int64_t length = 0;
  for (const auto& type : types) {
    int width = FixedKeyWidth(type);
    if (width < 0) return -1;
    length += width + 1;
  }
  return length;
}

void DecodeKey(std::string_view key, const std::vector<SqlType>& types, bool all_fixed,
               DataChunk* out) {
  size_t pos = 0;
  for (size_t col = 0; col < types.size(); ++col) {
    Vector& column = out->columns[col];
    const SqlType& type = types[col];
    bool is_null = key[pos] == 0;
    ++pos;
    Storage storage = type.storage();
    size_t width = storage == Storage::kU8 ? 1 : storage == Storage::kI128 ? 16 : 8;
    if (is_null) {
      column.AppendNull();
      if (all_fixed) pos += width;
      continue;
    }
    switch (storage) {
      case Storage::kU8:
        column.AppendValue(Value::Int(type, static_cast<uint8_t>(key[pos])));
        break;
      case Storage::kI64: {
        int64_t value;
        std::memcpy(&value, key.data() + pos, 8);
        column.AppendValue(Value::Int(type, value));
        break;
      }
      case Storage::kI128: {
        int128 value;
        std::memcpy(&value, key.data() + pos, 16);
        column.AppendValue(Value::Wide(type, value));
        break;
      }
      case Storage::kF64: {
        double value;
        std::memcpy(&value, key.data() + pos, 8);
        Value boxed = Value::Double(value);
        boxed.type = type;
        column.AppendValue(boxed);
        break;
      }
      case Storage::kStr: {
        uint32_t length;
        std::memcpy(&length, key.data() + pos, 4);
        column.AppendStr(key.substr(pos + 4, length));
        width = 4 + length;
        break;
      }
    }
    pos += width;
  }
}

}  // namespace sluice::engine

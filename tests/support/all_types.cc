#include "support/all_types.h"

#include <cstring>
#include <limits>
#include <string>

namespace sluice::testing {

namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

void AppendBigEndian(ColumnVector* col, __int128 value, int width) {
  uint8_t buf[16];
  for (int idx = width - 1; idx >= 0; --idx) {
    buf[idx] = static_cast<uint8_t>(value & 0xFF);
    value >>= 8;
  }
  col->AppendFixed(buf);
}

}  // namespace

Schema AllTypesSchema() {
  Schema s;
  auto add = [&](std::string name, PhysicalType physical, LogicalType logical, bool nullable = true,
                 int32_t type_length = 0) {
    s.columns.push_back({std::move(name), physical, type_length, nullable, logical});
  };
  add("id", PhysicalType::kInt64, LogicalType::Integer(64, true), false);
  add("i8", PhysicalType::kInt32, LogicalType::Integer(8, true));
  add("u8", PhysicalType::kInt32, LogicalType::Integer(8, false));
  add("i16", PhysicalType::kInt32, LogicalType::Integer(16, true));
  add("u16", PhysicalType::kInt32, LogicalType::Integer(16, false));
  add("i32", PhysicalType::kInt32, LogicalType::Integer(32, true));
  add("u32", PhysicalType::kInt32, LogicalType::Integer(32, false));
  add("i64", PhysicalType::kInt64, LogicalType::Integer(64, true));
  add("u64", PhysicalType::kInt64, LogicalType::Integer(64, false));
  add("f32", PhysicalType::kFloat, LogicalType::None());
  add("f64", PhysicalType::kDouble, LogicalType::None());
  add("flag", PhysicalType::kBoolean, LogicalType::None());
  add("dec9", PhysicalType::kInt32, LogicalType::Decimal(9, 2));
  add("dec18", PhysicalType::kInt64, LogicalType::Decimal(18, 4));
  add("dec38", PhysicalType::kFixedLenByteArray, LogicalType::Decimal(38, 10), true, 16);
  add("name", PhysicalType::kByteArray, LogicalType::String());
  add("status", PhysicalType::kByteArray, LogicalType::Enum());
  add("doc", PhysicalType::kByteArray, LogicalType::Json());
  add("blob", PhysicalType::kByteArray, LogicalType::None());
  add("day", PhysicalType::kInt32, LogicalType::Date());
  add("tod", PhysicalType::kInt64, LogicalType::Time(TimeUnit::kMicros, false));
  add("ts_local", PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kMicros, false));
  add("ts_utc", PhysicalType::kInt64, LogicalType::Timestamp(TimeUnit::kMicros, true));
  add("uuid", PhysicalType::kFixedLenByteArray, LogicalType::Uuid(), true, 16);
  add("all_null", PhysicalType::kInt64, LogicalType::None());
  return s;
}

ColumnBatch AllTypesBatch(const Schema& schema, int64_t first_row, int64_t rows, uint64_t seed) {
  ColumnBatch batch(schema);
  static const char* kNames[] = {
      "alice", "", "Zoë", "日本語テキスト", "emoji 😀🎉", "bob", "a\"quote\\back\nslash", "carol"};
  static const char* kStatus[] = {"active", "lapsed", "cancelled"};
  for (int64_t row = first_row; row < first_row + rows; ++row) {
    uint64_t r = Mix(static_cast<uint64_t>(row) ^ seed);
    auto edge = static_cast<int>(row % 11);  // every 11th row cycles through extremes
    bool null_row = (r % 7) == 3;
    auto col = [&](int idx) -> ColumnVector& { return batch.column(idx); };
    col(0).Append<int64_t>(row);
    auto put32 = [&](int idx, int32_t lo, int32_t hi, int32_t random) {
      if (null_row) return col(idx).AppendNull();
      col(idx).Append<int32_t>(edge == 0 ? lo : edge == 1 ? hi : random);
    };
    put32(1, -128, 127, static_cast<int8_t>(r));
    put32(2, 0, 255, static_cast<uint8_t>(r >> 8));
    put32(3, -32768, 32767, static_cast<int16_t>(r >> 16));
    put32(4, 0, 65535, static_cast<uint16_t>(r >> 24));
    put32(5, std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
          static_cast<int32_t>(r));
    put32(6, 0, -1 /* 4294967295 as UINT32 */, static_cast<int32_t>(r >> 32));
    if (null_row) {
      col(7).AppendNull();
      col(8).AppendNull();
    } else {
      col(7).Append<int64_t>(edge == 0   ? std::numeric_limits<int64_t>::min()
                             : edge == 1 ? std::numeric_limits<int64_t>::max()
                                         : static_cast<int64_t>(r));
      col(8).Append<int64_t>(edge == 1 ? -1 /* 18446744073709551615 */
                                       : static_cast<int64_t>(r % 1000));
    }
    if (null_row) {
      col(9).AppendNull();
      col(10).AppendNull();
      col(11).AppendNull();
    } else {
      col(9).Append<float>(edge == 2 ? -0.0f : static_cast<float>(static_cast<int32_t>(r)) / 7.0f);
      col(10).Append<double>(edge == 3 ? 1e308
                                       : static_cast<double>(static_cast<int64_t>(r)) / 3.0);
      col(11).Append<uint8_t>(static_cast<uint8_t>(r & 1));
    }
    if (null_row) {
      col(12).AppendNull();
      col(13).AppendNull();
      col(14).AppendNull();
    } else {
      col(12).Append<int32_t>(edge == 0 ? -999999999 : static_cast<int32_t>(r % 2000000) - 1000000);
      col(13).Append<int64_t>(edge == 1 ? 999999999999999999LL
                                        : static_cast<int64_t>(r % 100000000000LL) - 50000000000LL);
      __int128 max38 = 1;
      for (int idx = 0; idx < 38; ++idx) max38 *= 10;
      max38 -= 1;
      __int128 value = edge == 0   ? -max38
                       : edge == 1 ? max38
                                   : static_cast<__int128>(static_cast<int64_t>(r)) * 1000;
      AppendBigEndian(&col(14), value, 16);
    }
    if (null_row && edge != 4) {
      col(15).AppendNull();
    } else {
      col(15).AppendBytes(kNames[r % 8]);
    }
    col(16).AppendBytes(kStatus[r % 3]);
    if (null_row) {
      col(17).AppendNull();
    } else {
      col(17).AppendBytes("{\"k\": " + std::to_string(r % 100) + "}");
    }
    if (null_row) {
      col(18).AppendNull();
    } else {
      std::string blob(static_cast<size_t>(r % 5), '\0');
      for (size_t idx = 0; idx < blob.size(); ++idx) blob[idx] = static_cast<char>(r >> (idx * 8));
      col(18).AppendBytes(blob);
    }
    if (null_row) {
      col(19).AppendNull();
      col(20).AppendNull();
      col(21).AppendNull();
      col(22).AppendNull();
      col(23).AppendNull();
    } else {
      col(19).Append<int32_t>(edge == 0   ? -719162 /* 0001-01-01 */
                              : edge == 1 ? 2932896 /* 9999-12-31 */
                                          : static_cast<int32_t>(r % 40000));
      col(20).Append<int64_t>(static_cast<int64_t>(r % 86400000000ULL));
      col(21).Append<int64_t>(static_cast<int64_t>(r % 4102444800000000ULL));
      col(22).Append<int64_t>(edge == 0 ? -62135596800000000LL
                                        : static_cast<int64_t>(r % 4102444800000000ULL));
      uint8_t uuid[16];
      for (int idx = 0; idx < 16; ++idx)
        uuid[idx] = static_cast<uint8_t>(Mix(r + static_cast<uint64_t>(idx)));
      col(23).AppendFixed(uuid);
    }
    col(24).AppendNull();
  }
  return batch;
}

}  // namespace sluice::testing

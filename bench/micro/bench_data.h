// Deterministic, table-like inputs shared by the micro-benchmarks.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <random>
#include <string>
#include <vector>

#include "format/parquet/encoding/plain.h"
#include "sluice/column_batch.h"

namespace sluice::parquet::bench {

/// Auto-increment style ids with occasional gaps.
inline ColumnVector MakeIdColumn(int64_t rows) {
  ColumnVector col(PhysicalType::kInt64, 0);
  col.Clear();
  std::mt19937_64 rng(1);
  int64_t id = 1'000'000;
  for (int64_t row = 0; row < rows; ++row) {
    id += (rng() % 16 == 0) ? static_cast<int64_t>(rng() % 5) + 2 : 1;
    col.Append(id);
  }
  return col;
}

/// Microsecond timestamps a few seconds apart, with jitter.
inline ColumnVector MakeTimestampColumn(int64_t rows) {
  ColumnVector col(PhysicalType::kInt64, 0);
  col.Clear();
  std::mt19937_64 rng(2);
  int64_t micros = 1'700'000'000'000'000;
  for (int64_t row = 0; row < rows; ++row) {
    micros += static_cast<int64_t>(rng() % 5'000'000);
    col.Append(micros);
  }
  return col;
}

/// Short strings drawn from `cardinality` distinct values (names, statuses, countries).
inline ColumnVector MakeStringColumn(int64_t rows, int cardinality, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> pool;
  for (int index = 0; index < cardinality; ++index) {
    pool.push_back("customer-" + std::to_string(rng() % 1'000'000) + "-" +
                   std::string(rng() % 12, static_cast<char>('a' + index % 26)));
  }
  ColumnVector col(PhysicalType::kByteArray, 0);
  col.Clear();
  for (int64_t row = 0; row < rows; ++row) col.AppendBytes(pool[rng() % pool.size()]);
  return col;
}

/// About `size` bytes of PLAIN pages of a typical table (ids, timestamps, amounts, names,
/// statuses): what the codecs see in practice. 16384 rows of these columns are about 1.3 MB,
/// so a 1 MiB input holds no repeated page for the codecs to find.
inline std::string MakeTablePages(size_t size) {
  constexpr int64_t kRowsPerPage = 16384;
  const ColumnVector ids = MakeIdColumn(kRowsPerPage);
  const ColumnVector times = MakeTimestampColumn(kRowsPerPage);
  const ColumnVector names = MakeStringColumn(kRowsPerPage, 5000, 3);
  const ColumnVector statuses = MakeStringColumn(kRowsPerPage, 4, 4);
  ColumnVector amounts(PhysicalType::kDouble, 0);
  amounts.Clear();
  std::mt19937 rng(5);
  for (int64_t row = 0; row < kRowsPerPage; ++row) {
    amounts.Append(static_cast<double>(rng() % 1'000'000) / 100.0);
  }
  std::string out;
  while (out.size() < size) {
    for (const ColumnVector* col :
         std::initializer_list<const ColumnVector*>{&ids, &times, &amounts, &names, &statuses}) {
      PlainEncode(*col, 0, col->size(), &out);
    }
  }
  out.resize(size);
  return out;
}

}  // namespace sluice::parquet::bench

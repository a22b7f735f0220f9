// Throughput of the value encodings (bytes/s of in-memory column data).
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "format/parquet/encoding/delta_binary_packed.h"
#include "format/parquet/encoding/dictionary_encoder.h"
#include "format/parquet/encoding/plain.h"
#include "format/parquet/encoding/rle_bit_packed.h"

namespace sluice::parquet::bench {
namespace {

// One million rows: large enough to leave the caches, typical of a row group column.
constexpr int64_t kRows = 1 << 20;

const uint8_t* Bytes(const std::string& text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

void BM_PlainEncodeInt64(benchmark::State& state) {
  const ColumnVector col = MakeIdColumn(kRows);
  std::string out;
  for (auto _ : state) {
    out.clear();
    PlainEncode(col, 0, col.size(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kRows * 8);
}
BENCHMARK(BM_PlainEncodeInt64);

void BM_PlainDecodeInt64(benchmark::State& state) {
  const ColumnVector col = MakeIdColumn(kRows);
  std::string encoded;
  PlainEncode(col, 0, col.size(), &encoded);
  ColumnVector out(PhysicalType::kInt64, 0);
  for (auto _ : state) {
    out.Clear();
    auto consumed =
        PlainDecode(Bytes(encoded), encoded.size(), PhysicalType::kInt64, 0, kRows, &out);
    benchmark::DoNotOptimize(consumed);
  }
  state.SetBytesProcessed(state.iterations() * kRows * 8);
}
BENCHMARK(BM_PlainDecodeInt64);

void BM_PlainEncodeStrings(benchmark::State& state) {
  const ColumnVector col = MakeStringColumn(kRows, 100000, 7);
  std::string out;
  for (auto _ : state) {
    out.clear();
    PlainEncode(col, 0, col.size(), &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(col.values().size()));
}
BENCHMARK(BM_PlainEncodeStrings);

void BM_PlainDecodeStrings(benchmark::State& state) {
  const ColumnVector col = MakeStringColumn(kRows, 100000, 7);
  std::string encoded;
  PlainEncode(col, 0, col.size(), &encoded);
  ColumnVector out(PhysicalType::kByteArray, 0);
  for (auto _ : state) {
    out.Clear();
    auto consumed =
        PlainDecode(Bytes(encoded), encoded.size(), PhysicalType::kByteArray, 0, kRows, &out);
    benchmark::DoNotOptimize(consumed);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(col.values().size()));
}
BENCHMARK(BM_PlainDecodeStrings);

void BM_DictionaryEncodeLowCardinalityStrings(benchmark::State& state) {
  const ColumnVector col = MakeStringColumn(kRows, 64, 8);
  DictionaryEncoder encoder(PhysicalType::kByteArray, 0);
  std::vector<uint32_t> indices;
  std::string body;
  for (auto _ : state) {
    encoder.Reset();
    indices.clear();
    body.clear();
    encoder.Put(col, 0, col.size(), &indices);
    EncodeDictionaryIndices(indices.data(), static_cast<int64_t>(indices.size()), 6, &body);
    benchmark::DoNotOptimize(body.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(col.values().size()));
  state.counters["rows/s"] = benchmark::Counter(static_cast<double>(state.iterations() * kRows),
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DictionaryEncodeLowCardinalityStrings);

// Definition levels of a nullable column: Arg 0 = all valid, Arg N = one null every N rows.
void BM_RleDefLevelsEncode(benchmark::State& state) {
  const int64_t null_every = state.range(0);
  std::vector<uint32_t> levels(static_cast<size_t>(kRows), 1);
  if (null_every > 0) {
    for (int64_t row = 0; row < kRows; row += null_every) levels[static_cast<size_t>(row)] = 0;
  }
  RleBitPackedEncoder encoder(1);
  std::string out;
  for (auto _ : state) {
    out.clear();
    if (null_every == 0) {
      encoder.PutRepeated(1, kRows);
    } else {
      for (uint32_t level : levels) encoder.Put(level);
    }
    encoder.FlushTo(&out);
    benchmark::DoNotOptimize(out.data());
  }
  // Counted as the 1 byte per row a level occupies in memory.
  state.SetBytesProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_RleDefLevelsEncode)->Arg(0)->Arg(10)->Arg(2);

void BM_RleDefLevelsDecode(benchmark::State& state) {
  const int64_t null_every = state.range(0);
  RleBitPackedEncoder encoder(1);
  for (int64_t row = 0; row < kRows; ++row) {
    encoder.Put(null_every > 0 && row % null_every == 0 ? 0 : 1);
  }
  std::string encoded;
  encoder.FlushTo(&encoded);
  std::vector<uint32_t> out(static_cast<size_t>(kRows));
  for (auto _ : state) {
    RleBitPackedDecoder decoder(Bytes(encoded), encoded.size(), 1);
    auto status = decoder.GetBatch(out.data(), kRows);
    benchmark::DoNotOptimize(status);
  }
  state.SetBytesProcessed(state.iterations() * kRows);
}
BENCHMARK(BM_RleDefLevelsDecode)->Arg(0)->Arg(10)->Arg(2);

void BM_DeltaEncodeInt64(benchmark::State& state) {
  const ColumnVector col = MakeTimestampColumn(kRows);
  const auto* values = reinterpret_cast<const int64_t*>(col.values().data());
  std::string out;
  for (auto _ : state) {
    out.clear();
    DeltaBinaryPackedEncode64(values, kRows, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * kRows * 8);
}
BENCHMARK(BM_DeltaEncodeInt64);

void BM_DeltaDecodeInt64(benchmark::State& state) {
  const ColumnVector col = MakeTimestampColumn(kRows);
  std::string encoded;
  DeltaBinaryPackedEncode64(reinterpret_cast<const int64_t*>(col.values().data()), kRows, &encoded);
  ColumnVector out(PhysicalType::kInt64, 0);
  for (auto _ : state) {
    out.Clear();
    auto consumed =
        DeltaBinaryPackedDecode(Bytes(encoded), encoded.size(), PhysicalType::kInt64, kRows, &out);
    benchmark::DoNotOptimize(consumed);
  }
  state.SetBytesProcessed(state.iterations() * kRows * 8);
}
BENCHMARK(BM_DeltaDecodeInt64);

}  // namespace
}  // namespace sluice::parquet::bench

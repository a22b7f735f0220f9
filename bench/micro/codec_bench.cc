// Throughput of the page codecs on 1 MiB of PLAIN pages of a typical table (bytes/s of
// uncompressed data, both directions).
#include <benchmark/benchmark.h>

#include "bench_data.h"
#include "format/parquet/compression/codec.h"

namespace sluice::parquet::bench {
namespace {

// 1 MiB: the default page size range of Parquet writers.
constexpr size_t kInputBytes = 1 << 20;

const std::string& Input() {
  static const std::string input = MakeTablePages(kInputBytes);
  return input;
}

void BM_Compress(benchmark::State& state, CompressionCodec kind, int level) {
  auto codec = std::move(MakeCodec(kind, level)).value();
  const std::string& input = Input();
  std::string out;
  for (auto _ : state) {
    out.clear();
    auto status =
        codec->Compress(reinterpret_cast<const uint8_t*>(input.data()), input.size(), &out);
    benchmark::DoNotOptimize(status);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
  state.counters["ratio"] = static_cast<double>(input.size()) / static_cast<double>(out.size());
}

void BM_Decompress(benchmark::State& state, CompressionCodec kind, int level) {
  auto codec = std::move(MakeCodec(kind, level)).value();
  const std::string& input = Input();
  std::string compressed;
  if (!codec->Compress(reinterpret_cast<const uint8_t*>(input.data()), input.size(), &compressed)
           .ok()) {
    state.SkipWithError("compress failed");
    return;
  }
  std::string output(input.size(), '\0');
  for (auto _ : state) {
    auto status =
        codec->Decompress(reinterpret_cast<const uint8_t*>(compressed.data()), compressed.size(),
                          reinterpret_cast<uint8_t*>(output.data()), output.size());
    benchmark::DoNotOptimize(status);
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(input.size()));
}

BENCHMARK_CAPTURE(BM_Compress, snappy, CompressionCodec::SNAPPY, 0);
BENCHMARK_CAPTURE(BM_Decompress, snappy, CompressionCodec::SNAPPY, 0);
BENCHMARK_CAPTURE(BM_Compress, zstd_1, CompressionCodec::ZSTD, 1);
BENCHMARK_CAPTURE(BM_Compress, zstd_3, CompressionCodec::ZSTD, 3);
BENCHMARK_CAPTURE(BM_Decompress, zstd_3, CompressionCodec::ZSTD, 3);
BENCHMARK_CAPTURE(BM_Compress, lz4_raw, CompressionCodec::LZ4_RAW, 0);
BENCHMARK_CAPTURE(BM_Decompress, lz4_raw, CompressionCodec::LZ4_RAW, 0);
BENCHMARK_CAPTURE(BM_Compress, gzip_6, CompressionCodec::GZIP, 6);
BENCHMARK_CAPTURE(BM_Decompress, gzip_6, CompressionCodec::GZIP, 6);

}  // namespace
}  // namespace sluice::parquet::bench

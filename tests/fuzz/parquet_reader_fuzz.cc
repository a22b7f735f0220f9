// libFuzzer target for the Parquet reader: any byte string must yield a clean Status, never a
// crash, a hang or an unbounded allocation. Built with -DSLUICE_BUILD_FUZZERS=ON under clang;
// scripts/fuzz runs it briefly under AddressSanitizer in CI, seeded with tests/data/parquet.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "sluice/parquet_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The reader works on files; /dev/shm keeps this in memory.
  static const std::string path = "/dev/shm/sluice_fuzz_" + std::to_string(::getpid()) + ".parquet";
  FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return 0;
  std::fwrite(data, 1, size, file);
  std::fclose(file);

  sluice::ParquetReaderOptions options;
  // Keep single allocations small so the fuzzer's RSS limit is never the thing that trips.
  options.max_page_bytes = 16 << 20;
  auto reader = sluice::ParquetFileReader::Open(path, options);
  if (!reader.ok()) return 0;
  std::vector<int> all;
  for (int col = 0; col < (*reader)->schema().num_columns(); ++col) all.push_back(col);
  (void)(*reader)->DescribeJson();
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    auto batch = (*reader)->ReadRowGroup(rg, all);
    if (!batch.ok()) break;
  }
  return 0;
}

// rewrite_parquet IN OUT CODEC: reads IN with sluice's reader and writes its rows with sluice's
// writer (default options, the given codec). bench/format/size_vs_duckdb uses it to compare
// file sizes with DuckDB's writer on identical data.
#include <cstdio>
#include <string>
#include <vector>

#include "sluice/parquet_reader.h"
#include "sluice/parquet_writer.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: rewrite_parquet IN OUT CODEC\n");
    return 2;
  }
  auto reader = sluice::ParquetFileReader::Open(argv[1]);
  if (!reader.ok()) {
    std::fprintf(stderr, "%s\n", reader.status().ToString().c_str());
    return 1;
  }
  sluice::ParquetWriterOptions options;
  auto codec = sluice::ParseCompression(argv[3]);
  if (!codec.ok()) {
    std::fprintf(stderr, "%s\n", codec.status().ToString().c_str());
    return 2;
  }
  options.compression = *codec;
  auto writer = sluice::ParquetFileWriter::Open(argv[2], (*reader)->schema(), options);
  if (!writer.ok()) {
    std::fprintf(stderr, "%s\n", writer.status().ToString().c_str());
    return 1;
  }
  std::vector<int> all;
  for (int col = 0; col < (*reader)->schema().num_columns(); ++col) all.push_back(col);
  for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
    auto batch = (*reader)->ReadRowGroup(rg, all);
    if (!batch.ok()) {
      std::fprintf(stderr, "%s\n", batch.status().ToString().c_str());
      return 1;
    }
    sluice::Status st = (*writer)->WriteBatch(*batch);
    if (!st.ok()) {
      std::fprintf(stderr, "%s\n", st.ToString().c_str());
      return 1;
    }
  }
  sluice::Status st = (*writer)->Close();
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("%lld\n", static_cast<long long>((*writer)->bytes_written()));
  return 0;
}

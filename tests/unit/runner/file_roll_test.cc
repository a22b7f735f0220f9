// FileRoll (runner/file_roll.h): files rolled by rows, by Parquet bytes known one batch late,
// batches sized to the bytes left, and the same decisions for the same rows.
#include "runner/file_roll.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::runner {
namespace {

// A writer whose encoded size grows `row_bytes(row)` per row, with the one-batch lag of
// ParquetFileWriter::EncodedBytesAt as the scan uses it. Returns each file's rows and bytes.
struct File {
  int64_t rows = 0;
  int64_t bytes = 0;
};

template <typename RowBytes>
std::vector<File> Simulate(int64_t total_rows, int64_t max_rows, int64_t max_bytes,
                           int64_t fetch_rows, RowBytes row_bytes) {
  FileRoll roll(max_rows, max_bytes);
  std::vector<File> files;
  File file;
  int64_t known_rows = 0;
  int64_t known_bytes = 0;  // the encoded bytes at the previous batch's end
  int64_t row = 0;
  while (row < total_rows) {
    int64_t batch = std::min(roll.NextBatchRows(fetch_rows), total_rows - row);
    EXPECT_GE(batch, 1);
    for (int64_t idx = 0; idx < batch; ++idx) file.bytes += row_bytes(row + idx);
    file.rows += batch;
    row += batch;
    roll.AfterBatch(file.rows, file.rows, known_rows, known_bytes);
    known_rows = file.rows;
    known_bytes = file.bytes;
    if (roll.full()) {
      files.push_back(file);
      file = File();
      known_rows = 0;
      known_bytes = 0;
      roll.StartFile();
    }
  }
  if (file.rows > 0) files.push_back(file);
  return files;
}

TEST(FileRollTest, RowsOnlyWithoutAByteLimit) {
  FileRoll roll(300, 0);
  EXPECT_EQ(roll.NextBatchRows(128), 128);
  roll.AfterBatch(256, 256, 128, 1 << 30);  // bytes are ignored
  EXPECT_FALSE(roll.full());
  EXPECT_EQ(roll.NextBatchRows(128), 44);
  roll.AfterBatch(300, 300, 256, 1 << 30);
  EXPECT_TRUE(roll.full());
  roll.StartFile();
  EXPECT_FALSE(roll.full());
  EXPECT_EQ(roll.NextBatchRows(128), 128);
}

TEST(FileRollTest, NoByteCutBeforeABytesPerRowIsKnown) {
  FileRoll roll(1'000'000, 1000);
  // The first batch of the scan: nothing encoded is known yet, only rows limit the batch.
  EXPECT_EQ(roll.NextBatchRows(500), 500);
  roll.AfterBatch(500, 500, 0, 0);
  EXPECT_FALSE(roll.full());
  // The second batch learns 10 bytes per row from the first: 500 rows are 5000 bytes already.
  roll.AfterBatch(600, 600, 500, 5000);
  EXPECT_TRUE(roll.full());
  EXPECT_EQ(roll.estimated_bytes(), 6000);
}

TEST(FileRollTest, BatchesShrinkToTheBytesLeftAndFilesEndJustPastTheLimit) {
  // 1,000 bytes a row, 1 MiB files, 64-row batches (the scan caps a batch at a sixteenth of
  // the limit): each file ends at the first row that reaches the limit.
  const int64_t limit = 1 << 20;
  auto files = Simulate(10'000, 500'000, limit, 64, [](int64_t) { return 1000; });
  ASSERT_GE(files.size(), 9u);
  int64_t rows = 0;
  for (size_t idx = 0; idx + 1 < files.size(); ++idx) {
    SCOPED_TRACE(idx);
    EXPECT_GE(files[idx].bytes, limit);
    EXPECT_LT(files[idx].bytes, limit + 1000);
    rows += files[idx].rows;
  }
  EXPECT_EQ(rows + files.back().rows, 10'000);
  EXPECT_LE(files.back().bytes, limit + 1000);
}

TEST(FileRollTest, RowsStillCutFirstWhenTheyComeFirst) {
  auto files = Simulate(1000, 300, 1 << 30, 128, [](int64_t) { return 1000; });
  ASSERT_EQ(files.size(), 4u);
  EXPECT_EQ(files[0].rows, 300);
  EXPECT_EQ(files[3].rows, 100);
}

TEST(FileRollTest, RowsGettingWiderOvershootByAtMostTheLastTwoBatches) {
  // Rows go from 100 to 10,000 bytes at row 5,000: the estimate (100 per row) is wrong for the
  // batches after the change until one of them is known.
  const int64_t limit = 4 << 20;
  const int64_t fetch = 64;
  auto files = Simulate(20'000, 1'000'000, limit, fetch,
                        [](int64_t row) { return row < 5000 ? 100 : 10'000; });
  for (const auto& file : files) EXPECT_LE(file.bytes, limit + 2 * fetch * 10'000);
  // The same rows, the same files.
  auto again = Simulate(20'000, 1'000'000, limit, fetch,
                        [](int64_t row) { return row < 5000 ? 100 : 10'000; });
  ASSERT_EQ(again.size(), files.size());
  for (size_t idx = 0; idx < files.size(); ++idx) EXPECT_EQ(again[idx].rows, files[idx].rows);
}

TEST(FileRollTest, HugeBytesPerRowStillFetchesOneRow) {
  FileRoll roll(1'000'000, 1 << 20);
  roll.AfterBatch(1, 1, 0, 0);
  roll.AfterBatch(2, 2, 1, 900'000);
  EXPECT_TRUE(roll.full());
  roll.StartFile();
  EXPECT_EQ(roll.NextBatchRows(2000), 2);  // 1 MiB left at 900,000 bytes a row: 2 rows
}

TEST(FileRollTest, TinyBytesPerRowDoesNotOverflow) {
  FileRoll roll(1'000'000'000'000, int64_t{1} << 62);
  roll.AfterBatch(10, 10, 5, 1);
  EXPECT_EQ(roll.NextBatchRows(2000), 2000);
}

}  // namespace
}  // namespace sluice::runner

// FileRoll: when a scan-mode part file is full — at `max_rows` source rows, or once its Parquet
// bytes reach `max_bytes` (`--file-bytes`), whichever comes first — and how many rows the next
// batch may bring so that the file ends close to the byte limit rather than a batch past it.
//
// Bytes come from ParquetFileWriter::EncodedBytesAt() one batch behind: after batch k the file's
// encoded size is known exactly through batch k-1 (waiting for batch k would stop the cursor
// while the background encoder builds its pages), and batch k is counted at the bytes per row
// seen so far (carried over from the previous file for a file's first batch). Every input is a
// function of the rows alone, so the same rows give the same files whatever the threads' timing.
//
// What a file can hold beyond `max_bytes`: the estimate's error on the last two batches (it is
// exact up to the one before the last), plus the footer. Batches near the limit are sized to
// the bytes left, and the scan caps every batch at a sixteenth of `max_bytes` of values, so in
// the worst case (rows suddenly much wider than the ones before) a file ends at most about an
// eighth of `max_bytes` — or two rows, when single rows are larger — past it.
// Thread-safety: none (one scan pass owns it).
#pragma once

#include <cstdint>

namespace sluice::runner {

class FileRoll {
 public:
  /// `max_bytes` 0: files are rolled by rows only.
  FileRoll(int64_t max_rows, int64_t max_bytes);

  /// A new file begins (the learned bytes per row are kept).
  void StartFile();
  /// After a batch was handed to the writer: the file now holds `source_rows` source rows, of
  /// which the writer has `written_rows` (a transform may drop some); the writer had encoded
  /// `known_bytes` bytes at `known_rows` written rows (the previous batch's end, 0 at 0).
  void AfterBatch(int64_t source_rows, int64_t written_rows, int64_t known_rows,
                  int64_t known_bytes);
  /// The file is to be closed now.
  bool full() const;
  /// Rows the next batch may bring: at most `fetch_rows`, the rows left, and (once a bytes per
  /// row is known) about the bytes left; at least 1.
  int64_t NextBatchRows(int64_t fetch_rows) const;
  /// The file's estimated Parquet bytes (0 before a bytes per row is known).
  int64_t estimated_bytes() const { return estimated_bytes_; }

 private:
  int64_t max_rows_;
  int64_t max_bytes_;
  int64_t source_rows_ = 0;
  int64_t estimated_bytes_ = 0;
  double bytes_per_row_ = 0;  // 0: not known yet (no batch of the scan encoded)
};

}  // namespace sluice::runner

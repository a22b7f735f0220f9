// EncodedSizeHistory: a writer's encoded_bytes() at the end of its last few batches, so that
// ParquetFileWriter::EncodedBytesAt() can answer for a batch boundary after later batches were
// written (a background encoder runs up to two batches behind its producer).
// Thread-safety: none; the owner synchronises.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace sluice::parquet {

class EncodedSizeHistory {
 public:
  /// Four boundaries: two batches in a background writer's queue plus the one asked about, with
  /// one to spare.
  static constexpr size_t kDepth = 4;

  /// Notes that after `rows` rows the writer held `bytes` encoded bytes.
  void Record(int64_t rows, int64_t bytes) {
    entries_[next_] = {rows, bytes};
    next_ = (next_ + 1) % kDepth;
    if (count_ < kDepth) ++count_;
  }

  /// The bytes recorded at `rows` (0 at 0 rows); nullopt when that boundary is not (or no
  /// longer) known.
  std::optional<int64_t> At(int64_t rows) const {
    if (rows == 0) return 0;
    for (size_t age = 0; age < count_; ++age) {
      const Entry& entry = entries_[(next_ + kDepth - 1 - age) % kDepth];
      if (entry.rows == rows) return entry.bytes;
    }
    return std::nullopt;
  }

 private:
  struct Entry {
    int64_t rows = 0;
    int64_t bytes = 0;
  };
  std::array<Entry, kDepth> entries_{};
  size_t next_ = 0;
  size_t count_ = 0;
};

}  // namespace sluice::parquet

#include "runner/file_roll.h"

#include <algorithm>
#include <cmath>

namespace sluice::runner {

FileRoll::FileRoll(int64_t max_rows, int64_t max_bytes)
    : max_rows_(max_rows), max_bytes_(max_bytes) {}

void FileRoll::StartFile() {
  source_rows_ = 0;
  estimated_bytes_ = 0;
}

void FileRoll::AfterBatch(int64_t source_rows, int64_t written_rows, int64_t known_rows,
                          int64_t known_bytes) {
  source_rows_ = source_rows;
  if (known_rows > 0) {
    bytes_per_row_ = static_cast<double>(known_bytes) / static_cast<double>(known_rows);
  }
  estimated_bytes_ =
      known_bytes + static_cast<int64_t>(
                        std::ceil(static_cast<double>(written_rows - known_rows) * bytes_per_row_));
}

bool FileRoll::full() const {
  if (source_rows_ >= max_rows_) return true;
  return max_bytes_ > 0 && bytes_per_row_ > 0 && estimated_bytes_ >= max_bytes_;
}

int64_t FileRoll::NextBatchRows(int64_t fetch_rows) const {
  int64_t rows = std::min(fetch_rows, max_rows_ - source_rows_);
  if (max_bytes_ > 0 && bytes_per_row_ > 0) {
    double left = static_cast<double>(max_bytes_ - estimated_bytes_) / bytes_per_row_;
    // Rounded up: a batch that ends just short of the limit would only be followed by a
    // one-row batch.
    left = std::clamp(left, 1.0, static_cast<double>(std::max<int64_t>(rows, 1)));
    rows = std::min(rows, static_cast<int64_t>(std::ceil(left)));
  }
  return std::max<int64_t>(rows, 1);
}

}  // namespace sluice::runner

// ParquetFileReader: reads flat Parquet files written by sluice or any common writer.
//
// The reader distrusts its input: every offset and length from the file is checked against
// the file size and the limits below before anything is allocated, and a corrupt file yields
// Status::Corruption naming the file, the byte offset and what was wrong. Nested columns are
// refused with NotSupported naming the column.
// Thread-safety: a reader may be used by one thread at a time; open one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice {

struct ParquetReaderOptions {
  /// Verify page CRC32s when the writer stored them.
  bool verify_page_crc = true;
  /// Refuse any single page or dictionary larger than this (uncompressed): a corrupt header
  /// must not make us allocate gigabytes.
  int64_t max_page_bytes = 512ll << 20;
};

/// Column statistics of one row group, decoded into the column's physical representation.
struct ColumnChunkStats {
  std::optional<std::string> min;  // physical bytes (little-endian for numbers)
  std::optional<std::string> max;
  std::optional<int64_t> null_count;
};

/// A simple comparison used to skip row groups: `column OP literal`, the literal given in the
/// column's physical representation (as produced by EncodeStatValue helpers).
struct RowGroupPredicate {
  enum class Op { kEq, kLt, kLe, kGt, kGe };
  int column = 0;
  Op op = Op::kEq;
  std::string literal;
};

class ParquetFileReader {
 public:
  static Result<std::unique_ptr<ParquetFileReader>> Open(const std::string& path,
                                                         const ParquetReaderOptions& options = {});
  virtual ~ParquetFileReader() = default;

  virtual const Schema& schema() const = 0;
  virtual int64_t num_rows() const = 0;
  virtual int num_row_groups() const = 0;
  virtual int64_t row_group_num_rows(int row_group) const = 0;
  virtual std::vector<std::pair<std::string, std::string>> key_value_metadata() const = 0;
  virtual std::string created_by() const = 0;
  virtual Result<ColumnChunkStats> column_stats(int row_group, int column) const = 0;

  /// True when the statistics prove no row of `row_group` can satisfy all predicates.
  virtual bool CanSkipRowGroup(int row_group,
                               const std::vector<RowGroupPredicate>& predicates) const = 0;

  /// Reads the listed columns (indices into schema()) of one row group. Only those column
  /// chunks are read from disk. The batch's columns follow the order of `columns`.
  virtual Result<ColumnBatch> ReadRowGroup(int row_group, const std::vector<int>& columns) = 0;

  /// JSON description of the footer (what `sluice inspect --json` prints).
  virtual std::string DescribeJson() const = 0;
  /// Human-readable description (what `sluice inspect` prints).
  virtual std::string DescribeText() const = 0;
};

}  // namespace sluice

// SpillFile: a temporary file of DataChunks written sequentially and read back sequentially,
// used by the hash join, hash aggregate and sort when their state passes the memory budget.
// Format per chunk: row count, then per column: a NULL-map flag and map, then the values
// (raw fixed-width arrays, or offsets + bytes for strings). The file is unlinked on creation,
// so it disappears when closed even after a crash.
// Thread-safety: one thread at a time. Ownership: owns its file descriptor.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "engine/types/vector.h"

namespace sluice::engine {

class SpillFile {
 public:
  /// Creates an anonymous temporary file in `dir` (created if missing).
  static Result<std::unique_ptr<SpillFile>> Create(const std::string& dir,
                                                   std::vector<SqlType> types);
  ~SpillFile();
  SpillFile(const SpillFile&) = delete;
  SpillFile& operator=(const SpillFile&) = delete;

  Status Append(const DataChunk& chunk);
  /// Switches to reading from the start; call once after the last Append().
  Status FinishWriting();
  /// Starts reading again from the first chunk (after FinishWriting()).
  Status Rewind() { return FinishWriting(); }
  /// Reads the next chunk; false at the end.
  Result<bool> Read(DataChunk* out);

  int64_t bytes_written() const { return bytes_written_; }
  int64_t rows() const { return rows_; }
  const std::vector<SqlType>& types() const { return types_; }

 private:
  SpillFile(FILE* file, std::vector<SqlType> types) : file_(file), types_(std::move(types)) {}
  Status Write(const void* data, size_t size);
  Status ReadExact(void* data, size_t size);

  FILE* file_;
  std::vector<SqlType> types_;
  int64_t bytes_written_ = 0;
  int64_t rows_ = 0;
};

}  // namespace sluice::engine

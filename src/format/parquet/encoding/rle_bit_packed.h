// The RLE/bit-packed hybrid encoding of the Parquet spec (Encodings.md, "RLE = 3"), used for
// definition/repetition levels, dictionary indices and RLE booleans. No length prefix here:
// callers that need one (data page v1 levels, RLE booleans) add it.
//
//   hybrid      := run*
//   run         := bit-packed-run | rle-run
//   rle-run     := ULEB128(count << 1) value-in-ceil(bit_width/8)-bytes-LE
//   bit-packed  := ULEB128(groups << 1 | 1) groups*bit_width bytes (8 values per group, LSB first)
//
// The encoder emits a repeated run for 8 or more equal values that start at a group boundary,
// and bit-packs everything else (padding the final group with zeros), as parquet-mr and Arrow do.
//
// Thread-safety: none; one encoder/decoder per thread. The decoder borrows `data`, which must
// outlive it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sluice/status.h"

namespace sluice::parquet {

class RleBitPackedEncoder {
 public:
  /// REQUIRES: 0 <= bit_width <= 32.
  explicit RleBitPackedEncoder(int bit_width);

  /// Appends one value. REQUIRES: value < 2^bit_width.
  void Put(uint32_t value) {
    if (value == current_value_) {
      ++repeat_count_;
      // Fast path: continuing a run that is already long enough to be a repeated run.
      if (repeat_count_ > 8) return;
    } else {
      if (repeat_count_ >= 8) FlushRepeatedRun();
      repeat_count_ = 1;
      current_value_ = value;
    }
    buffered_[num_buffered_++] = value;
    if (num_buffered_ == 8) FlushBufferedGroup();
  }

  /// Appends `count` copies of value; O(1) once a repeated run is established.
  void PutRepeated(uint32_t value, int64_t count);

  /// Upper bound of the bytes FlushTo would append now.
  int64_t EstimatedSize() const;

  /// Appends the encoded bytes to *out and resets the encoder for reuse.
  void FlushTo(std::string* out);

  /// Drops everything buffered.
  void Reset();

 private:
  void FlushBufferedGroup();
  void FlushRepeatedRun();
  void FlushLiteralRun();

  int bit_width_;
  std::string encoded_;             // completed runs
  std::vector<uint32_t> literals_;  // values of the open bit-packed run (whole groups)
  uint32_t buffered_[8] = {};       // the group being filled
  int num_buffered_ = 0;
  uint32_t current_value_ = 0;
  int64_t repeat_count_ = 0;  // length of the current run of equal values
};

class RleBitPackedDecoder {
 public:
  /// Borrows data[0, size) for the decoder's lifetime.
  RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width);

  /// Decodes exactly n values into out. Corruption (naming the byte offset) if the data runs
  /// out, a run header is malformed, a run value exceeds the bit width, or bit_width is not in
  /// 0..32. After an error the decoder is unusable.
  Status GetBatch(uint32_t* out, int64_t n);

  /// Bytes consumed so far (headers and run bodies that have been started).
  size_t position() const { return pos_; }

 private:
  Status NextRun();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int bit_width_;
  // Current repeated run.
  int64_t repeat_left_ = 0;
  uint32_t repeat_value_ = 0;
  // Current bit-packed run: values still to decode, starting at data_[literal_pos_].
  int64_t literal_left_ = 0;
  size_t literal_pos_ = 0;
  // A partially consumed unpacked group.
  uint32_t group_[8] = {};
  int group_next_ = 0;
  int group_end_ = 0;
};

}  // namespace sluice::parquet

#include "format/parquet/encoding/rle_bit_packed.h"

#include <algorithm>
#include <cstring>

#include "format/parquet/encoding/bit_packing.h"
#include "format/parquet/encoding/bit_util.h"

namespace sluice::parquet {
namespace {

// Readers (Arrow, parquet-mr) parse run headers as 32-bit varints, so count << 1 must fit in
// a uint32: longer runs are split.
constexpr int64_t kMaxRunLength = (int64_t{1} << 31) - 1;

// A bit-packed run is written once it holds this many groups: it bounds the literal buffer to
// 16 KiB while costing at most 2 header bytes per 512 payload bytes.
constexpr size_t kMaxLiteralGroups = 512;

// Largest ULEB128 of a 32-bit run header.
constexpr int64_t kMaxHeaderBytes = 5;

std::string OffsetText(size_t offset) { return " at byte offset " + std::to_string(offset); }

}  // namespace

RleBitPackedEncoder::RleBitPackedEncoder(int bit_width) : bit_width_(bit_width) {}

void RleBitPackedEncoder::PutRepeated(uint32_t value, int64_t count) {
  // At most 15 single Puts align the run to a group boundary and make it a repeated run; from
  // then on every further copy only extends repeat_count_.
  while (count > 0 && !(value == current_value_ && repeat_count_ >= 8)) {
    Put(value);
    --count;
  }
  repeat_count_ += count;
}

void RleBitPackedEncoder::FlushBufferedGroup() {
  num_buffered_ = 0;
  if (repeat_count_ >= 8) {
    // The 8 buffered values are the start of a repeated run (which always starts at a group
    // boundary): they are counted in repeat_count_, and the open bit-packed run ends here.
    if (!literals_.empty()) FlushLiteralRun();
    return;
  }
  literals_.insert(literals_.end(), buffered_, buffered_ + 8);
  if (literals_.size() >= kMaxLiteralGroups * 8) FlushLiteralRun();
  // Runs are only detected from group boundaries, so counting restarts with the next group.
  repeat_count_ = 0;
}

void RleBitPackedEncoder::FlushRepeatedRun() {
  const auto value_bytes = static_cast<size_t>((bit_width_ + 7) / 8);
  char value_le[4];
  StoreLE<uint32_t>(value_le, current_value_);
  while (repeat_count_ > 0) {
    int64_t run = std::min(repeat_count_, kMaxRunLength);
    PutUleb128(static_cast<uint64_t>(run) << 1, &encoded_);
    encoded_.append(value_le, value_bytes);
    repeat_count_ -= run;
  }
}

void RleBitPackedEncoder::FlushLiteralRun() {
  const auto groups = static_cast<int64_t>(literals_.size() / 8);
  PutUleb128((static_cast<uint64_t>(groups) << 1) | 1, &encoded_);
  size_t start = encoded_.size();
  encoded_.resize(start + static_cast<size_t>(groups * bit_width_));
  Pack32(literals_.data(), bit_width_, groups, reinterpret_cast<uint8_t*>(encoded_.data() + start));
  literals_.clear();
}

int64_t RleBitPackedEncoder::EstimatedSize() const {
  const auto literal_groups = static_cast<int64_t>(literals_.size() / 8) + 1;
  const int64_t literal = kMaxHeaderBytes + literal_groups * bit_width_;
  const int64_t repeated =
      (repeat_count_ / kMaxRunLength + 1) * (kMaxHeaderBytes + (bit_width_ + 7) / 8);
  return static_cast<int64_t>(encoded_.size()) + literal + repeated;
}

void RleBitPackedEncoder::FlushTo(std::string* out) {
  const bool all_repeat =
      literals_.empty() && (num_buffered_ == 0 || repeat_count_ == num_buffered_);
  if (repeat_count_ > 0 && all_repeat) {
    FlushRepeatedRun();
  } else if (num_buffered_ > 0 || !literals_.empty()) {
    if (num_buffered_ > 0) {
      // Pad the last group with zeros; the reader knows the value count.
      std::fill(buffered_ + num_buffered_, buffered_ + 8, 0u);
      literals_.insert(literals_.end(), buffered_, buffered_ + 8);
    }
    FlushLiteralRun();
  }
  out->append(encoded_);
  Reset();
}

void RleBitPackedEncoder::Reset() {
  encoded_.clear();
  literals_.clear();
  num_buffered_ = 0;
  current_value_ = 0;
  repeat_count_ = 0;
}

RleBitPackedDecoder::RleBitPackedDecoder(const uint8_t* data, size_t size, int bit_width)
    : data_(data), size_(size), bit_width_(bit_width) {}

Status RleBitPackedDecoder::NextRun() {
  const size_t header_pos = pos_;
  uint32_t indicator = 0;
  if (!GetUleb128_32(data_, size_, &pos_, &indicator)) {
    if (pos_ >= size_) {
      return Status::Corruption("RLE/bit-packed data ends" + OffsetText(pos_) +
                                " before all values were decoded");
    }
    return Status::Corruption("RLE/bit-packed data: malformed run header" + OffsetText(header_pos));
  }
  const size_t available = size_ - pos_;
  if (indicator & 1) {
    const uint64_t groups = indicator >> 1;
    const uint64_t bytes = groups * static_cast<uint64_t>(bit_width_);
    int64_t values = static_cast<int64_t>(groups * 8);
    if (bytes > available) {
      // A truncated final bit-packed run still yields the values whose bits are all present
      // (some writers omit the padding of the last group); asking for more fails later.
      values = static_cast<int64_t>(available * 8 / static_cast<size_t>(bit_width_));
    }
    literal_left_ = values;
    literal_pos_ = pos_;
    pos_ += static_cast<size_t>(std::min<uint64_t>(bytes, available));
  } else {
    const auto value_bytes = static_cast<size_t>((bit_width_ + 7) / 8);
    if (value_bytes > available) {
      return Status::Corruption("RLE/bit-packed data: repeated-run value truncated" +
                                OffsetText(pos_));
    }
    uint32_t value = 0;
    std::memcpy(&value, data_ + pos_, value_bytes);
    if (static_cast<uint64_t>(value) > LowBitsMask(bit_width_)) {
      return Status::Corruption("RLE/bit-packed data: repeated-run value " + std::to_string(value) +
                                " exceeds bit width " + std::to_string(bit_width_) +
                                OffsetText(pos_));
    }
    pos_ += value_bytes;
    repeat_value_ = value;
    repeat_left_ = indicator >> 1;
  }
  return Status::OK();
}

Status RleBitPackedDecoder::GetBatch(uint32_t* out, int64_t n) {
  if (bit_width_ < 0 || bit_width_ > 32) {
    return Status::Corruption("RLE/bit-packed data: bit width " + std::to_string(bit_width_) +
                              " is not in 0..32");
  }
  while (n > 0) {
    if (group_next_ < group_end_) {
      const int take = static_cast<int>(std::min<int64_t>(group_end_ - group_next_, n));
      std::memcpy(out, group_ + group_next_, static_cast<size_t>(take) * sizeof(uint32_t));
      group_next_ += take;
      out += take;
      n -= take;
    } else if (repeat_left_ > 0) {
      const int64_t take = std::min(repeat_left_, n);
      std::fill_n(out, take, repeat_value_);
      repeat_left_ -= take;
      out += take;
      n -= take;
    } else if (literal_left_ > 0) {
      const int64_t groups = std::min(literal_left_, n) / 8;
      const auto group_bytes = static_cast<size_t>(bit_width_);
      if (groups > 0) {
        Unpack32(data_ + literal_pos_, size_ - literal_pos_, bit_width_, groups, out);
        literal_pos_ += static_cast<size_t>(groups) * group_bytes;
        literal_left_ -= groups * 8;
        out += groups * 8;
        n -= groups * 8;
      } else {
        // Fewer than 8 values wanted or left: unpack one group into group_ (from a padded copy,
        // since the final group of a truncated run may be short).
        uint8_t padded[32] = {};
        const size_t have = std::min(group_bytes, size_ - literal_pos_);
        std::memcpy(padded, data_ + literal_pos_, have);
        Unpack32(padded, sizeof(padded), bit_width_, 1, group_);
        literal_pos_ += have;
        group_next_ = 0;
        group_end_ = static_cast<int>(std::min<int64_t>(literal_left_, 8));
        literal_left_ -= group_end_;
      }
    } else {
      SLUICE_RETURN_IF_ERROR(NextRun());
    }
  }
  return Status::OK();
}

}  // namespace sluice::parquet

#include "validate/fixed_key_set.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <numeric>
#include <queue>

#include "common/atomic_file.h"
#include "validate/unique_key_set.h"

namespace sluice::validate {

namespace {

// Pending keys merged at once, at least: a merge costs a pass over the run set, so it waits for
// this many keys (or as many as the set has runs, whichever is larger) to keep the total work
// linear. 64K keys = 512 KiB.
constexpr size_t kMinPending = size_t{1} << 16;
// Buffer of a spill file while writing or reading it.
constexpr size_t kFileBufferBytes = size_t{64} << 10;
// Longest encoding of one run: two 10-byte varints.
constexpr size_t kMaxRunBytes = 20;
constexpr uint32_t kNullRow = 0xFFFFFFFFu;

void PutVarint(uint64_t value, std::vector<uint8_t>* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<uint8_t>(value | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<uint8_t>(value));
}

// Decodes a varint from [*at, end); false when the bytes end or run on past 10 bytes.
bool GetVarint(const uint8_t** at, const uint8_t* end, uint64_t* value) {
  uint64_t result = 0;
  int shift = 0;
  const uint8_t* p = *at;
  while (p < end && shift < 64) {
    uint8_t byte = *p++;
    result |= static_cast<uint64_t>(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) {
      *at = p;
      *value = result;
      return true;
    }
    shift += 7;
  }
  return false;
}

// Writes maximal runs in ascending order as varints: (start, length - 1) for the first run, then
// (start - previous end - 2, length - 1): runs are maximal, so starts are >= previous end + 2.
// Output goes to memory while it fits `allowance` bytes, then to an unlinked spill file.
class RunWriter {
 public:
  RunWriter(std::vector<uint8_t>* memory, int64_t allowance, const std::string* spill_dir)
      : out_(memory), allowance_(allowance), spill_dir_(spill_dir) {}

  /// Adds [lo, hi]; lo is greater than every value added before.
  void AddRun(uint64_t lo, uint64_t hi) {
    if (open_ && lo == end_ + 1) {
      end_ = hi;
      return;
    }
    Close();
    open_ = true;
    start_ = lo;
    end_ = hi;
  }
  void AddValue(uint64_t value) {
    if (open_ && value == end_ + 1) {
      end_ = value;  // the dense case: one compare per key
      return;
    }
    AddRun(value, value);
  }
  bool has_last() const { return open_ || any_; }
  /// The largest value added (REQUIRES: has_last()).
  uint64_t last() const { return end_; }

  /// Writes the last run; the output is complete after this.
  Status Finish() {
    Close();
    if (file_ != nullptr) SLUICE_RETURN_IF_ERROR(FlushToFile());
    if (file_ != nullptr && std::fflush(file_) != 0) {
      return ErrnoStatus("writing unique check spill file", errno);
    }
    return status_;
  }
  /// The spill file when the output went to disk (ownership passes to the caller), else null.
  std::FILE* ReleaseFile() {
    std::FILE* file = file_;
    file_ = nullptr;
    return file;
  }
  int64_t runs() const { return runs_; }
  ~RunWriter() {
    if (file_ != nullptr) std::fclose(file_);
  }

 private:
  void Close() {
    if (!open_) return;
    open_ = false;
    if (out_->size() + kMaxRunBytes > out_->capacity()) Reserve();
    if (any_) {
      PutVarint(start_ - prev_end_ - 2, out_);
    } else {
      PutVarint(start_, out_);
    }
    PutVarint(end_ - start_, out_);
    prev_end_ = end_;
    any_ = true;
    ++runs_;
  }
  // Grows the memory output, or moves it to a spill file when growing would pass the allowance.
  void Reserve() {
    if (file_ != nullptr) {
      if (out_->size() + kMaxRunBytes > kFileBufferBytes) {
        Status flushed = FlushToFile();
        if (!flushed.ok() && status_.ok()) status_ = flushed;
      }
      if (out_->capacity() < kFileBufferBytes) out_->reserve(kFileBufferBytes);
      return;
    }
    size_t want = std::max<size_t>(4096, out_->capacity() * 2);
    if (allowance_ >= 0 && static_cast<int64_t>(want) > allowance_) {
      want = static_cast<size_t>(allowance_);
    }
    if (want >= out_->size() + kMaxRunBytes) {
      out_->reserve(want);
      return;
    }
    auto opened = OpenSpillFile(*spill_dir_);
    if (!opened.ok()) {
      if (status_.ok()) status_ = opened.status();
      out_->reserve(out_->size() + 4096);  // keep going; the error surfaces in Finish()
      return;
    }
    file_ = *opened;
    Status flushed = FlushToFile();
    if (!flushed.ok() && status_.ok()) status_ = flushed;
    std::vector<uint8_t>().swap(*out_);
    out_->reserve(kFileBufferBytes);
  }
  Status FlushToFile() {
    if (!out_->empty() && std::fwrite(out_->data(), out_->size(), 1, file_) != 1) {
      return ErrnoStatus("writing unique check spill file", errno);
    }
    out_->clear();
    return Status::OK();
  }

  std::vector<uint8_t>* out_;
  int64_t allowance_;  // < 0: unlimited
  const std::string* spill_dir_;
  std::FILE* file_ = nullptr;
  bool open_ = false;
  bool any_ = false;
  uint64_t start_ = 0;
  uint64_t end_ = 0;
  uint64_t prev_end_ = 0;
  int64_t runs_ = 0;
  Status status_;
};

// Reads runs written by RunWriter, from memory or from a spill file.
class RunReader {
 public:
  explicit RunReader(const std::vector<uint8_t>& memory)
      : at_(memory.data()), end_(memory.data() + memory.size()) {}
  RunReader(std::FILE* file, size_t buffer_bytes) : file_(file) {
    std::rewind(file);
    buffer_.resize(std::max(buffer_bytes, 2 * kMaxRunBytes));
    at_ = end_ = buffer_.data();
  }

  /// The next run, false at the end (or on an error: see status()).
  bool Next(uint64_t* lo, uint64_t* hi) {
    if (file_ != nullptr && end_ - at_ < static_cast<ptrdiff_t>(kMaxRunBytes)) Refill();
    if (at_ == end_) return false;
    uint64_t gap, length;
    if (!GetVarint(&at_, end_, &gap) || !GetVarint(&at_, end_, &length)) {
      status_ = Status::Corruption("unique check spill data is truncated");
      at_ = end_;
      return false;
    }
    *lo = any_ ? prev_end_ + 2 + gap : gap;
    *hi = *lo + length;
    prev_end_ = *hi;
    any_ = true;
    return true;
  }
  const Status& status() const { return status_; }

 private:
  void Refill() {
    size_t left = static_cast<size_t>(end_ - at_);
    std::memmove(buffer_.data(), at_, left);
    size_t got = std::fread(buffer_.data() + left, 1, buffer_.size() - left, file_);
    if (got == 0 && std::ferror(file_)) {
      status_ = ErrnoStatus("reading unique check spill file", errno);
    }
    at_ = buffer_.data();
    end_ = buffer_.data() + left + got;
  }

  std::FILE* file_ = nullptr;
  std::vector<uint8_t> buffer_;
  const uint8_t* at_;
  const uint8_t* end_;
  bool any_ = false;
  uint64_t prev_end_ = 0;
  Status status_;
};

}  // namespace

FixedKeySet::FixedKeySet(std::string spill_dir, bool with_rows)
    : spill_dir_(std::move(spill_dir)), with_rows_(with_rows) {}

FixedKeySet::~FixedKeySet() {
  for (std::FILE* file : files_) std::fclose(file);
}

int64_t FixedKeySet::memory_bytes() const {
  return static_cast<int64_t>(set_.capacity() + pending_keys_.capacity() * 8 +
                              pending_rows_.capacity() * 8 + pending_tags_.capacity() * 4 +
                              pending_arena_.capacity());
}

void FixedKeySet::NotePeak(int64_t extra) {
  peak_bytes_ = std::max(peak_bytes_, memory_bytes() + extra);
}

Status FixedKeySet::Add(const uint64_t* keys, size_t count, const uint64_t* row_offsets,
                        std::string_view row_arena, uint32_t tag, const OnDuplicate& on_duplicate) {
  // Pending keys may use half the budget; the run set and a merge's output share the rest.
  const size_t entry_bytes = with_rows_ ? 8 + 8 + 4 + 16 : 8;
  const size_t max_pending =
      memory_limit_ > 0
          ? std::max<size_t>(1024, static_cast<size_t>(memory_limit_ / 2) / entry_bytes)
          : SIZE_MAX;
  size_t done = 0;
  while (done < count) {
    const size_t threshold =
        std::min(max_pending, std::max(kMinPending, static_cast<size_t>(set_runs_)));
    size_t take = std::min(count - done, threshold - std::min(threshold, pending_keys_.size()));
    if (take == 0) take = 1;
    size_t need = pending_keys_.size() + take;
    if (pending_keys_.capacity() < need) {
      size_t grown = std::min(max_pending, std::max(need, pending_keys_.capacity() * 2));
      pending_keys_.reserve(std::max(grown, need));
      if (with_rows_) {
        pending_rows_.reserve(pending_keys_.capacity());
        pending_tags_.reserve(pending_keys_.capacity());
      }
    }
    pending_keys_.insert(pending_keys_.end(), keys + done, keys + done + take);
    if (with_rows_) {
      for (size_t idx = done; idx < done + take; ++idx) {
        const char* entry = row_arena.data() + row_offsets[idx];
        uint32_t length;
        std::memcpy(&length, entry, 4);
        size_t bytes = 4 + (length == kNullRow ? 0 : length);
        pending_rows_.push_back(pending_arena_.size());
        pending_tags_.push_back(tag);
        pending_arena_.insert(pending_arena_.end(), entry, entry + bytes);
      }
    }
    done += take;
    NotePeak(0);
    bool arena_full =
        memory_limit_ > 0 && static_cast<int64_t>(pending_arena_.capacity()) > memory_limit_ / 4;
    if (pending_keys_.size() >= threshold || arena_full) {
      SLUICE_RETURN_IF_ERROR(MergePending(on_duplicate));
    }
  }
  return Status::OK();
}

void FixedKeySet::SortPending() {
  if (std::is_sorted(pending_keys_.begin(), pending_keys_.end())) return;
  if (!with_rows_) {
    std::sort(pending_keys_.begin(), pending_keys_.end());
    return;
  }
  // Stable: of equal keys the one added first stays, the later ones are the duplicates.
  std::vector<uint32_t> order(pending_keys_.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [this](uint32_t lhs, uint32_t rhs) {
    return pending_keys_[lhs] < pending_keys_[rhs];
  });
  std::vector<uint64_t> keys(order.size()), rows(order.size());
  std::vector<uint32_t> tags(order.size());
  for (size_t idx = 0; idx < order.size(); ++idx) {
    keys[idx] = pending_keys_[order[idx]];
    rows[idx] = pending_rows_[order[idx]];
    tags[idx] = pending_tags_[order[idx]];
  }
  // Keep the reserved capacity (it is what the budget accounts for).
  std::copy(keys.begin(), keys.end(), pending_keys_.begin());
  std::copy(rows.begin(), rows.end(), pending_rows_.begin());
  std::copy(tags.begin(), tags.end(), pending_tags_.begin());
}

Status FixedKeySet::MergePending(const OnDuplicate& on_duplicate) {
  if (pending_keys_.empty()) return Status::OK();
  SortPending();
  auto report = [&](size_t idx) {
    ++duplicates_;
    if (!with_rows_) {
      on_duplicate(pending_keys_[idx], nullptr);
      return;
    }
    const char* entry = pending_arena_.data() + pending_rows_[idx];
    uint32_t length;
    std::memcpy(&length, entry, 4);
    RowKey row;
    row.null = length == kNullRow;
    row.bytes = row.null ? std::string_view() : std::string_view(entry + 4, length);
    row.tag = pending_tags_[idx];
    on_duplicate(pending_keys_[idx], &row);
  };
  const int64_t allowance =
      memory_limit_ > 0 ? std::max<int64_t>(0, memory_limit_ - memory_bytes()) : int64_t{-1};
  std::vector<uint8_t> merged;
  RunWriter writer(&merged, allowance, &spill_dir_);
  RunReader reader(set_);
  uint64_t lo = 0, hi = 0;
  bool have_run = reader.Next(&lo, &hi);
  const size_t count = pending_keys_.size();
  for (size_t idx = 0; idx < count; ++idx) {
    const uint64_t value = pending_keys_[idx];
    // Sorted input: a value not above the last one written equals it.
    if (writer.has_last() && value <= writer.last()) {
      report(idx);
      continue;
    }
    while (have_run && hi < value) {
      writer.AddRun(lo, hi);
      have_run = reader.Next(&lo, &hi);
    }
    if (have_run && lo <= value) {
      report(idx);
      continue;
    }
    writer.AddValue(value);
  }
  while (have_run) {
    writer.AddRun(lo, hi);
    have_run = reader.Next(&lo, &hi);
  }
  SLUICE_RETURN_IF_ERROR(reader.status());
  SLUICE_RETURN_IF_ERROR(writer.Finish());
  NotePeak(static_cast<int64_t>(merged.capacity()));
  pending_keys_.clear();
  pending_rows_.clear();
  pending_tags_.clear();
  pending_arena_.clear();
  if (std::FILE* file = writer.ReleaseFile()) {
    files_.push_back(file);
    std::vector<uint8_t>().swap(set_);
    set_runs_ = 0;
  } else {
    set_.swap(merged);
    set_runs_ = writer.runs();
  }
  return Status::OK();
}

Result<int64_t> FixedKeySet::Finish(const OnDuplicate& on_duplicate, int64_t max_reported) {
  const int64_t before = duplicates_;
  SLUICE_RETURN_IF_ERROR(MergePending(on_duplicate));
  if (files_.empty()) return duplicates_ - before;
  // Sweep every run in order of its start: the part of a run at or below the highest value
  // seen so far was already in an earlier run (sorted by start, so every earlier value <= it).
  // Read buffers share the budget (many runs get small buffers; reads stay sequential).
  size_t buffer_bytes = kFileBufferBytes;
  if (memory_limit_ > 0) {
    buffer_bytes = std::clamp<size_t>(
        static_cast<size_t>(std::max<int64_t>(0, memory_limit_ - memory_bytes())) /
            (files_.size() + 1),
        size_t{4} << 10, kFileBufferBytes);
  }
  NotePeak(static_cast<int64_t>(buffer_bytes * files_.size()));
  std::vector<RunReader> readers;
  readers.reserve(files_.size() + 1);
  for (std::FILE* file : files_) readers.emplace_back(file, buffer_bytes);
  if (!set_.empty()) readers.emplace_back(set_);
  struct Head {
    uint64_t lo, hi;
    size_t reader;
  };
  auto later = [](const Head& lhs, const Head& rhs) { return lhs.lo > rhs.lo; };
  std::priority_queue<Head, std::vector<Head>, decltype(later)> heap(later);
  for (size_t idx = 0; idx < readers.size(); ++idx) {
    Head head{0, 0, idx};
    if (readers[idx].Next(&head.lo, &head.hi)) heap.push(head);
    SLUICE_RETURN_IF_ERROR(readers[idx].status());
  }
  bool covered = false;
  uint64_t covered_hi = 0;
  int64_t reported = 0;
  while (!heap.empty()) {
    Head head = heap.top();
    heap.pop();
    if (covered && head.lo <= covered_hi) {
      uint64_t overlap_hi = std::min(head.hi, covered_hi);
      duplicates_ += static_cast<int64_t>(overlap_hi - head.lo + 1);
      for (uint64_t value = head.lo; reported < max_reported; ++value) {
        on_duplicate(value, nullptr);
        ++reported;
        if (value == overlap_hi) break;
      }
    }
    if (!covered || head.hi > covered_hi) covered_hi = head.hi;
    covered = true;
    if (readers[head.reader].Next(&head.lo, &head.hi)) heap.push(head);
    SLUICE_RETURN_IF_ERROR(readers[head.reader].status());
  }
  return duplicates_ - before;
}

}  // namespace sluice::validate

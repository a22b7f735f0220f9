#include "validate/unique_key_set.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <queue>

#include "common/atomic_file.h"

namespace sluice::validate {

namespace {

// Initial table size: 4096 slots (64 KiB), doubled at 50% load so probes stay short.
constexpr size_t kInitialSlots = 4096;
// Buffer of each spill file stream: 64 KiB keeps writes and merge reads sequential, and the
// merge's buffers (one per run, all open at once) small next to the budget.
constexpr size_t kRunBufferBytes = 64 << 10;

uint64_t Mix(uint64_t value) {
  // The MurmurHash3 64-bit finalizer: every input bit affects every output bit.
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdULL;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ULL;
  value ^= value >> 33;
  return value;
}

}  // namespace

uint64_t HashBytes(const void* data, size_t size) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  // Odd 64-bit constants (from the golden ratio and wyhash) spread short keys.
  uint64_t hash = 0x9e3779b97f4a7c15ULL ^ (size * 0xa0761d6478bd642fULL);
  size_t pos = 0;
  for (; pos + 8 <= size; pos += 8) {
    uint64_t word;
    std::memcpy(&word, bytes + pos, 8);
    hash = Mix(hash ^ word) * 0xe7037ed1a0b428dbULL;
  }
  if (pos < size) {
    uint64_t word = 0;
    std::memcpy(&word, bytes + pos, size - pos);
    hash = Mix(hash ^ word) * 0xe7037ed1a0b428dbULL;
  }
  return Mix(hash);
}

Result<std::FILE*> OpenSpillFile(const std::string& dir) {
  std::string base = dir;
  if (base.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    base = tmp != nullptr && *tmp != '\0' ? tmp : "/tmp";
  }
  std::string path_template = base + "/sluice-unique-XXXXXX";
  int fd = mkstemp(path_template.data());
  if (fd < 0) return ErrnoStatus("unique check spill file in " + path_template, errno);
  // Unlinked at once: the run lives as long as the open stream, even if the process dies.
  unlink(path_template.c_str());
  std::FILE* file = fdopen(fd, "w+b");
  if (file == nullptr) {
    int err = errno;
    close(fd);
    return ErrnoStatus("unique check spill file", err);
  }
  return file;
}

UniqueKeySet::UniqueKeySet(std::string spill_dir) : spill_dir_(std::move(spill_dir)) {}

UniqueKeySet::~UniqueKeySet() {
  for (std::FILE* run : runs_) std::fclose(run);
}

std::string_view UniqueKeySet::KeyAt(uint64_t offset) const {
  uint32_t length;
  std::memcpy(&length, arena_.data() + offset, 4);
  return {arena_.data() + offset + 4, length};
}

void UniqueKeySet::Grow() {
  size_t new_size = slots_.empty() ? kInitialSlots : slots_.size() * 2;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(new_size, Slot{0, 0});
  const size_t mask = new_size - 1;
  for (const Slot& slot : old) {
    if (slot.offset_plus_one == 0) continue;
    size_t idx = slot.hash & mask;
    while (slots_[idx].offset_plus_one != 0) idx = (idx + 1) & mask;
    slots_[idx] = slot;
  }
}

bool UniqueKeySet::Insert(std::string_view key, uint64_t hash) {
  const bool table_full = static_cast<size_t>(count_ + 1) * 2 > slots_.size();
  const bool arena_full = arena_.size() + 4 + key.size() > arena_.capacity();
  if ((table_full || arena_full) && memory_limit_ > 0 && count_ > 0) {
    // What the growth would allocate: a table of twice the slots, or a doubled arena.
    int64_t next = memory_bytes();
    if (table_full) next += static_cast<int64_t>(slots_.size() * sizeof(Slot));
    if (arena_full)
      next += static_cast<int64_t>(std::max<size_t>(arena_.capacity(), 4 + key.size()));
    if (next > memory_limit_) {
      Status spilled = Spill();
      if (!spilled.ok() && status_.ok()) status_ = spilled;
    }
  }
  if (static_cast<size_t>(count_ + 1) * 2 > slots_.size()) Grow();
  const size_t mask = slots_.size() - 1;
  size_t idx = hash & mask;
  while (true) {
    Slot& slot = slots_[idx];
    if (slot.offset_plus_one == 0) break;
    if (slot.hash == hash && KeyAt(slot.offset_plus_one - 1) == key) return false;
    idx = (idx + 1) & mask;
  }
  uint64_t offset = arena_.size();
  auto length = static_cast<uint32_t>(key.size());
  arena_.resize(arena_.size() + 4 + key.size());
  std::memcpy(arena_.data() + offset, &length, 4);
  if (!key.empty()) std::memcpy(arena_.data() + offset + 4, key.data(), key.size());
  slots_[idx] = Slot{hash, offset + 1};
  ++count_;
  return true;
}

Status UniqueKeySet::Spill() {
  if (count_ == 0) return Status::OK();
  std::vector<Slot> entries;
  entries.reserve(static_cast<size_t>(count_));
  for (const Slot& slot : slots_) {
    if (slot.offset_plus_one != 0) entries.push_back(slot);
  }
  std::sort(entries.begin(), entries.end(), [this](const Slot& lhs, const Slot& rhs) {
    if (lhs.hash != rhs.hash) return lhs.hash < rhs.hash;
    return KeyAt(lhs.offset_plus_one - 1) < KeyAt(rhs.offset_plus_one - 1);
  });
  SLUICE_ASSIGN_OR_RETURN(std::FILE * file, OpenSpillFile(spill_dir_));
  runs_.push_back(file);
  std::setvbuf(file, nullptr, _IOFBF, kRunBufferBytes);
  for (const Slot& slot : entries) {
    std::string_view key = KeyAt(slot.offset_plus_one - 1);
    auto length = static_cast<uint32_t>(key.size());
    if (std::fwrite(&slot.hash, 8, 1, file) != 1 || std::fwrite(&length, 4, 1, file) != 1 ||
        (length > 0 && std::fwrite(key.data(), key.size(), 1, file) != 1)) {
      return ErrnoStatus("writing unique check spill file", errno);
    }
  }
  if (std::fflush(file) != 0) return ErrnoStatus("writing unique check spill file", errno);
  std::vector<char>().swap(arena_);
  std::vector<Slot>().swap(slots_);
  count_ = 0;
  return Status::OK();
}

namespace {

struct RunCursor {
  std::FILE* file;
  uint64_t hash = 0;
  std::string key;
  bool valid = false;

  Status Next() {
    uint32_t length;
    if (std::fread(&hash, 8, 1, file) != 1) {
      if (std::ferror(file)) return ErrnoStatus("reading unique check spill file", errno);
      valid = false;
      return Status::OK();
    }
    if (std::fread(&length, 4, 1, file) != 1) {
      return Status::Corruption("unique check spill file truncated");
    }
    key.resize(length);
    if (length > 0 && std::fread(key.data(), length, 1, file) != 1) {
      return Status::Corruption("unique check spill file truncated");
    }
    valid = true;
    return Status::OK();
  }
};

}  // namespace

Result<int64_t> UniqueKeySet::Finish(const std::function<void(std::string_view)>& on_duplicate) {
  if (runs_.empty()) return int64_t{0};
  SLUICE_RETURN_IF_ERROR(Spill());
  std::vector<RunCursor> cursors;
  cursors.reserve(runs_.size());
  for (std::FILE* run : runs_) {
    std::rewind(run);
    cursors.push_back(RunCursor{run});
    SLUICE_RETURN_IF_ERROR(cursors.back().Next());
  }
  auto greater = [&cursors](size_t lhs, size_t rhs) {
    const RunCursor& a = cursors[lhs];
    const RunCursor& b = cursors[rhs];
    if (a.hash != b.hash) return a.hash > b.hash;
    return a.key > b.key;
  };
  std::priority_queue<size_t, std::vector<size_t>, decltype(greater)> heap(greater);
  for (size_t idx = 0; idx < cursors.size(); ++idx) {
    if (cursors[idx].valid) heap.push(idx);
  }
  int64_t duplicates = 0;
  bool have_previous = false;
  uint64_t previous_hash = 0;
  std::string previous_key;
  while (!heap.empty()) {
    size_t idx = heap.top();
    heap.pop();
    RunCursor& cursor = cursors[idx];
    if (have_previous && cursor.hash == previous_hash && cursor.key == previous_key) {
      ++duplicates;
      on_duplicate(cursor.key);
    } else {
      previous_hash = cursor.hash;
      previous_key = cursor.key;
      have_previous = true;
    }
    SLUICE_RETURN_IF_ERROR(cursor.Next());
    if (cursor.valid) heap.push(idx);
  }
  return duplicates;
}

}  // namespace sluice::validate

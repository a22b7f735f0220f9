// LargeArrayAllocator: the allocator of the engine's growing arrays (hash-table slots, keys and
// aggregate states; column vectors, which become big as a join's build side or a sort buffer).
// Arrays of kMapBytes or more get their own anonymous mapping, unmapped when freed; from 2 MiB
// they are 2 MiB-aligned and marked MADV_HUGEPAGE, so random probes into tables of tens of MB
// miss the TLB far less often. Smaller arrays use operator new. Column vectors map from 1 MiB,
// so a chunk's columns (4096 rows) stay on the heap even with longish strings.
//
// Why not malloc for big arrays: glibc raises its mmap threshold to the largest block freed, so
// after the first big free every array grown by doubling leaves its outgrown copies as heap
// holes, and RSS ends up ~1.5x the bytes the memory budget counts. Mapping only these arrays
// (instead of lowering the process-wide threshold) keeps the row-group buffers of the Parquet
// reader on the heap, where they are reused without page faults.
// Thread-safety: stateless.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <new>
#include <string>
#include <vector>

namespace sluice::engine {

template <typename T, size_t kMapBytes = size_t{128} << 10>
struct LargeArrayAllocator {
  using value_type = T;
  // The x86-64 huge page size.
  static constexpr size_t kHugePage = size_t{2} << 20;

  template <typename U>
  struct rebind {
    using other = LargeArrayAllocator<U, kMapBytes>;
  };

  LargeArrayAllocator() = default;
  template <typename U>
  LargeArrayAllocator(const LargeArrayAllocator<U, kMapBytes>&) {}  // NOLINT: rebinding

  T* allocate(size_t count) {
    size_t bytes = count * sizeof(T);
    if (bytes < kMapBytes) return static_cast<T*>(::operator new(bytes));
    size_t rounded = Rounded(bytes);
    if (bytes < kHugePage) return static_cast<T*>(Map(rounded));
    // Over-map by one huge page and trim, so the array starts on a huge-page boundary.
    auto* raw = static_cast<char*>(Map(rounded + kHugePage));
    auto address = reinterpret_cast<uintptr_t>(raw);
    uintptr_t aligned = (address + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
    size_t head = aligned - address;
    if (head > 0) ::munmap(raw, head);
    ::munmap(raw + head + rounded, kHugePage - head);
    ::madvise(reinterpret_cast<void*>(aligned), rounded, MADV_HUGEPAGE);  // advisory
    return reinterpret_cast<T*>(aligned);
  }
  void deallocate(T* pointer, size_t count) {
    size_t bytes = count * sizeof(T);
    if (bytes < kMapBytes) {
      ::operator delete(pointer);
    } else {
      ::munmap(pointer, Rounded(bytes));
    }
  }
  template <typename U>
  bool operator==(const LargeArrayAllocator<U, kMapBytes>&) const {
    return true;
  }

 private:
  static size_t Rounded(size_t bytes) {
    // Page-granular, also for huge arrays: a tail that does not fill a huge page stays in small
    // pages (rounding up to one would fault in 2 MiB for, e.g., a string's terminator byte).
    return (bytes + 4095) / 4096 * 4096;
  }
  static void* Map(size_t bytes) {
    void* memory =
        ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (memory == MAP_FAILED) throw std::bad_alloc();
    return memory;
  }
};

template <typename T>
using LargeVector = std::vector<T, LargeArrayAllocator<T>>;
using LargeString = std::basic_string<char, std::char_traits<char>, LargeArrayAllocator<char>>;

// Column vectors: mapped from 1 MiB.
inline constexpr size_t kColumnMapBytes = size_t{1} << 20;
template <typename T>
using ColumnArray = std::vector<T, LargeArrayAllocator<T, kColumnMapBytes>>;
using ColumnChars =
    std::basic_string<char, std::char_traits<char>, LargeArrayAllocator<char, kColumnMapBytes>>;

}  // namespace sluice::engine

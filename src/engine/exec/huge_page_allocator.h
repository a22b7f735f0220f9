// HugePageAllocator: a std::allocator for large hash-table arrays. Allocations of 2 MiB or more
// are 2 MiB-aligned and marked MADV_HUGEPAGE before first touch, so random probes into a table of
// tens of MB miss the TLB far less often (with 4 KiB pages nearly every probe needs a page walk,
// which also makes software prefetches ineffective). Smaller allocations use operator new.
// Thread-safety: stateless.
#pragma once

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace sluice::engine {

template <typename T>
struct HugePageAllocator {
  using value_type = T;
  // The x86-64 huge page size.
  static constexpr size_t kHugePage = size_t{2} << 20;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: allocator rebinding

  T* allocate(size_t count) {
    size_t bytes = count * sizeof(T);
    if (bytes < kHugePage) return static_cast<T*>(::operator new(bytes));
    size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    void* memory = std::aligned_alloc(kHugePage, rounded);
    if (!memory) throw std::bad_alloc();
    ::madvise(memory, rounded, MADV_HUGEPAGE);  // advisory: failure only costs speed
    return static_cast<T*>(memory);
  }
  void deallocate(T* pointer, size_t count) {
    if (count * sizeof(T) < kHugePage) {
      ::operator delete(pointer);
    } else {
      std::free(pointer);
    }
  }
  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

}  // namespace sluice::engine

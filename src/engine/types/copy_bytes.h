// CopyBytes: memcpy for the short strings of typical columns and keys without a library call —
// fixed-size, possibly overlapping, loads and stores that stay within [src, src + length).
// Thread-safety: pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace sluice::engine {

inline void CopyBytes(char* dst, const char* src, size_t length) {
  if (length > 16) {
    std::memcpy(dst, src, length);
  } else if (length >= 8) {
    uint64_t head;
    uint64_t tail;
    std::memcpy(&head, src, 8);
    std::memcpy(&tail, src + length - 8, 8);
    std::memcpy(dst, &head, 8);
    std::memcpy(dst + length - 8, &tail, 8);
  } else if (length >= 4) {
    uint32_t head;
    uint32_t tail;
    std::memcpy(&head, src, 4);
    std::memcpy(&tail, src + length - 4, 4);
    std::memcpy(dst, &head, 4);
    std::memcpy(dst + length - 4, &tail, 4);
  } else if (length > 0) {
    dst[0] = src[0];
    dst[length / 2] = src[length / 2];
    dst[length - 1] = src[length - 1];
  }
}

}  // namespace sluice::engine

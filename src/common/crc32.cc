#include "common/crc32.h"

#include <zlib.h>

#include <algorithm>

namespace sluice {

uint32_t Crc32(const void* data, size_t size, uint32_t crc) {
  auto* bytes = static_cast<const Bytef*>(data);
  // zlib takes uInt lengths; feed very large buffers in slices.
  while (size > 0) {
    auto slice = static_cast<uInt>(std::min<size_t>(size, 1u << 30));
    crc = static_cast<uint32_t>(crc32(crc, bytes, slice));
    bytes += slice;
    size -= slice;
  }
  return crc;
}

}  // namespace sluice

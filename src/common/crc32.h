// CRC-32 (ISO-HDLC polynomial, as zlib computes it): the checksum of Parquet page headers' `crc`.
#pragma once

#include <cstddef>
#include <cstdint>

namespace sluice {

/// Continues a CRC-32 over data[0,size); start with crc = 0.
uint32_t Crc32(const void* data, size_t size, uint32_t crc = 0);

}  // namespace sluice

// CRC-32C (Castagnoli polynomial 0x1EDC6F41, reflected 0x82F63B78): the checksum Google Cloud
// Storage keeps for every object (`crc32c` in object metadata, `x-goog-hash: crc32c=...`).
// GCS transmits it as the base64 of the 4 big-endian bytes of the CRC.
// Thread-safety: pure functions; the lookup tables are built once at static-init time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice {

/// Continues a CRC-32C over data[0,size); start with crc = 0. Crc32c("123456789") == 0xE3069283.
uint32_t Crc32c(const void* data, size_t size, uint32_t crc = 0);

/// The GCS wire form: base64 of the big-endian 4-byte CRC ("AAAAAA==" for empty input).
std::string Crc32cToBase64(uint32_t crc);

}  // namespace sluice

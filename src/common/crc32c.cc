#include "common/crc32c.h"

#include <array>
#include <cstring>

namespace sluice {
namespace {

// Reflected form of the Castagnoli polynomial 0x1EDC6F41.
constexpr uint32_t kPoly = 0x82F63B78u;

// Slicing-by-8 tables: table[k][b] is the CRC of byte b followed by k zero bytes, so eight input
// bytes are folded per step (about 1-2 GB/s in software, far above network speeds).
struct Tables {
  std::array<std::array<uint32_t, 256>, 8> t{};
  constexpr Tables() {
    for (uint32_t byte = 0; byte < 256; ++byte) {
      uint32_t crc = byte;
      for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ kPoly : crc >> 1;
      t[0][byte] = crc;
    }
    for (uint32_t byte = 0; byte < 256; ++byte) {
      for (size_t slice = 1; slice < 8; ++slice) {
        uint32_t prev = t[slice - 1][byte];
        t[slice][byte] = (prev >> 8) ^ t[0][prev & 0xFF];
      }
    }
  }
};

constexpr Tables kTables;

}  // namespace

uint32_t Crc32c(const void* data, size_t size, uint32_t crc) {
  const auto* bytes = static_cast<const uint8_t*>(data);
  const auto& t = kTables.t;
  crc = ~crc;
  while (size >= 8) {
    uint32_t low;
    uint32_t high;
    std::memcpy(&low, bytes, 4);
    std::memcpy(&high, bytes + 4, 4);
    // The table layout assumes little-endian loads (x86-64 and aarch64 are both little-endian).
    low ^= crc;
    crc = t[7][low & 0xFF] ^ t[6][(low >> 8) & 0xFF] ^ t[5][(low >> 16) & 0xFF] ^ t[4][low >> 24] ^
          t[3][high & 0xFF] ^ t[2][(high >> 8) & 0xFF] ^ t[1][(high >> 16) & 0xFF] ^
          t[0][high >> 24];
    bytes += 8;
    size -= 8;
  }
  while (size-- > 0) crc = (crc >> 8) ^ t[0][(crc ^ *bytes++) & 0xFF];
  return ~crc;
}

std::string Crc32cToBase64(uint32_t crc) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const uint8_t bytes[4] = {static_cast<uint8_t>(crc >> 24), static_cast<uint8_t>(crc >> 16),
                            static_cast<uint8_t>(crc >> 8), static_cast<uint8_t>(crc)};
  std::string out;
  out.push_back(kAlphabet[bytes[0] >> 2]);
  out.push_back(kAlphabet[((bytes[0] & 0x3) << 4) | (bytes[1] >> 4)]);
  out.push_back(kAlphabet[((bytes[1] & 0xF) << 2) | (bytes[2] >> 6)]);
  out.push_back(kAlphabet[bytes[2] & 0x3F]);
  out.push_back(kAlphabet[bytes[3] >> 2]);
  out.push_back(kAlphabet[(bytes[3] & 0x3) << 4]);
  out += "==";
  return out;
}

}  // namespace sluice

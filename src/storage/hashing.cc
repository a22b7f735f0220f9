#include "storage/hashing.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "common/atomic_file.h"
#include "common/crc32c.h"
#include "common/sha256.h"

namespace sluice::storage {
namespace {

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), len);
}

}  // namespace

std::string Md5Raw(std::string_view data) { return Digest(EVP_md5(), data); }
std::string Sha256Raw(std::string_view data) { return Digest(EVP_sha256(), data); }

std::string HmacSha256Raw(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string HexEncode(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Status::InvalidArgument("odd-length hex string");
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t pos = 0; pos < hex.size(); pos += 2) {
    int high = nibble(hex[pos]);
    int low = nibble(hex[pos + 1]);
    if (high < 0 || low < 0) return Status::InvalidArgument("bad hex string");
    out.push_back(static_cast<char>(high * 16 + low));
  }
  return out;
}

std::string Base64Encode(std::string_view raw) {
  std::string out;
  size_t pos = 0;
  auto byte = [&](size_t at) { return static_cast<uint32_t>(static_cast<unsigned char>(raw[at])); };
  for (; pos + 3 <= raw.size(); pos += 3) {
    uint32_t triple = (byte(pos) << 16) | (byte(pos + 1) << 8) | byte(pos + 2);
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out.push_back(kBase64[(triple >> 6) & 63]);
    out.push_back(kBase64[triple & 63]);
  }
  size_t rest = raw.size() - pos;
  if (rest == 1) {
    uint32_t triple = byte(pos) << 16;
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t triple = (byte(pos) << 16) | (byte(pos + 1) << 8);
    out.push_back(kBase64[(triple >> 18) & 63]);
    out.push_back(kBase64[(triple >> 12) & 63]);
    out.push_back(kBase64[(triple >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

Result<std::string> Base64Decode(std::string_view text) {
  std::string out;
  uint32_t accum = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=') break;
    const char* found = std::char_traits<char>::find(kBase64, 64, c);
    if (found == nullptr) return Status::InvalidArgument("bad base64 text");
    accum = (accum << 6) | static_cast<uint32_t>(found - kBase64);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((accum >> bits) & 0xFF));
    }
  }
  return out;
}

std::string Base64UrlEncode(std::string_view raw) {
  std::string out = Base64Encode(raw);
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

struct Md5::Impl {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Impl() { EVP_MD_CTX_free(ctx); }
};

Md5::Md5() : impl_(std::make_unique<Impl>()) { EVP_DigestInit_ex(impl_->ctx, EVP_md5(), nullptr); }
Md5::~Md5() = default;
void Md5::Update(std::string_view data) { EVP_DigestUpdate(impl_->ctx, data.data(), data.size()); }
std::string Md5::Raw() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(impl_->ctx, out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

Result<FileDigests> DigestFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(path, errno);
  FileDigests digests;
  Md5 md5;
  Sha256 sha;
  // 1 MiB blocks: large enough for full disk throughput, small enough to stay out of budgets.
  std::vector<char> buffer(1 << 20);
  while (true) {
    ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      return ErrnoStatus(path, err);
    }
    if (got == 0) break;
    std::string_view block(buffer.data(), static_cast<size_t>(got));
    md5.Update(block);
    sha.Update(block.data(), block.size());
    digests.crc32c = Crc32c(block.data(), block.size(), digests.crc32c);
    digests.size += got;
  }
  ::close(fd);
  digests.md5_hex = HexEncode(md5.Raw());
  digests.sha256_hex = sha.HexDigest();
  return digests;
}

}  // namespace sluice::storage

// GZIP: zlib's deflate in the gzip container on write; inflate auto-detects gzip or zlib
// headers on read (some old writers used zlib framing under the GZIP codec id).
#include <zlib.h>

#include <climits>

#include "format/parquet/compression/codec.h"

namespace sluice::parquet {
namespace {

// windowBits: 15 is the largest window; +16 selects the gzip container on write, +32 makes
// inflate detect gzip or zlib headers automatically.
constexpr int kWindowBits = 15;
constexpr int kGzipWrite = kWindowBits + 16;
constexpr int kAutoDetectRead = kWindowBits + 32;
// zlib's default memory level (8) balances speed and memory.
constexpr int kMemLevel = 8;

class GzipCodec final : public Codec {
 public:
  explicit GzipCodec(int level)
      : level_(level >= 1 && level <= 9 ? level : Z_DEFAULT_COMPRESSION) {}
  GzipCodec(const GzipCodec&) = delete;
  GzipCodec& operator=(const GzipCodec&) = delete;
  ~GzipCodec() override {
    if (deflate_ready_) deflateEnd(&deflate_);
    if (inflate_ready_) inflateEnd(&inflate_);
  }

  Status Compress(const uint8_t* input, size_t size, std::string* out) override {
    if (size > UINT_MAX) {
      return Status::InvalidArgument("GZIP: input of " + std::to_string(size) +
                                     " bytes exceeds zlib's 4 GiB limit");
    }
    if (!deflate_ready_) {
      if (deflateInit2(&deflate_, level_, Z_DEFLATED, kGzipWrite, kMemLevel, Z_DEFAULT_STRATEGY) !=
          Z_OK) {
        return Status::Internal("GZIP: deflateInit2 failed");
      }
      deflate_ready_ = true;
    } else if (deflateReset(&deflate_) != Z_OK) {
      return Status::Internal("GZIP: deflateReset failed");
    }
    const uLong bound = deflateBound(&deflate_, static_cast<uLong>(size));
    const size_t start = out->size();
    out->resize(start + bound);
    deflate_.next_in = const_cast<Bytef*>(input);
    deflate_.avail_in = static_cast<uInt>(size);
    deflate_.next_out = reinterpret_cast<Bytef*>(out->data() + start);
    deflate_.avail_out = static_cast<uInt>(bound);
    const int ret = deflate(&deflate_, Z_FINISH);
    if (ret != Z_STREAM_END) {
      out->resize(start);
      return Status::Internal("GZIP: deflate failed with code " + std::to_string(ret));
    }
    out->resize(start + deflate_.total_out);
    return Status::OK();
  }

  Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                    size_t output_size) override {
    if (size == 0 && output_size == 0) return Status::OK();
    if (size > UINT_MAX || output_size > UINT_MAX) {
      return Status::Corruption("GZIP: page of " + std::to_string(size) + " -> " +
                                std::to_string(output_size) + " bytes exceeds zlib's 4 GiB limit");
    }
    if (!inflate_ready_) {
      if (inflateInit2(&inflate_, kAutoDetectRead) != Z_OK) {
        return Status::Internal("GZIP: inflateInit2 failed");
      }
      inflate_ready_ = true;
    } else if (inflateReset(&inflate_) != Z_OK) {
      return Status::Internal("GZIP: inflateReset failed");
    }
    uint8_t spare = 0;  // zlib wants a valid pointer even for an empty output
    inflate_.next_in = const_cast<Bytef*>(input);
    inflate_.avail_in = static_cast<uInt>(size);
    inflate_.next_out = output_size > 0 ? output : &spare;
    inflate_.avail_out = static_cast<uInt>(output_size);
    const int ret = inflate(&inflate_, Z_FINISH);
    if (ret == Z_STREAM_END) {
      if (inflate_.total_out != output_size) {
        return Status::Corruption("GZIP: data decompresses to " +
                                  std::to_string(inflate_.total_out) + " bytes but " +
                                  std::to_string(output_size) + " were expected");
      }
      return Status::OK();
    }
    if (ret == Z_DATA_ERROR || ret == Z_NEED_DICT) {
      return Status::Corruption(std::string("GZIP: malformed data at byte offset ") +
                                std::to_string(inflate_.total_in) + ": " +
                                (inflate_.msg != nullptr ? inflate_.msg : "invalid stream"));
    }
    if (inflate_.avail_out == 0 && inflate_.avail_in > 0) {
      return Status::Corruption("GZIP: data decompresses to more than the " +
                                std::to_string(output_size) + " bytes expected");
    }
    return Status::Corruption("GZIP: compressed data truncated at byte offset " +
                              std::to_string(inflate_.total_in) + " (" +
                              std::to_string(inflate_.total_out) + " of " +
                              std::to_string(output_size) + " bytes produced)");
  }

 private:
  int level_;
  z_stream deflate_{};
  z_stream inflate_{};
  bool deflate_ready_ = false;
  bool inflate_ready_ = false;
};

}  // namespace

namespace internal {
std::unique_ptr<Codec> MakeGzipCodec(int level) { return std::make_unique<GzipCodec>(level); }
}  // namespace internal

}  // namespace sluice::parquet

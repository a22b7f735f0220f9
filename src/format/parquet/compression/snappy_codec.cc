// SNAPPY: raw snappy blocks (no framing), as every Parquet writer produces them.
#include <snappy.h>

#include "format/parquet/compression/codec.h"

namespace sluice::parquet {
namespace {

class SnappyCodec final : public Codec {
 public:
  Status Compress(const uint8_t* input, size_t size, std::string* out) override {
    const size_t start = out->size();
    out->resize(start + snappy::MaxCompressedLength(size));
    size_t written = 0;
    snappy::RawCompress(reinterpret_cast<const char*>(input), size, out->data() + start, &written);
    out->resize(start + written);
    return Status::OK();
  }

  Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                    size_t output_size) override {
    if (size == 0 && output_size == 0) return Status::OK();
    const auto* compressed = reinterpret_cast<const char*>(input);
    size_t length = 0;
    if (!snappy::GetUncompressedLength(compressed, size, &length)) {
      return Status::Corruption("SNAPPY: malformed length header at byte offset 0");
    }
    if (length != output_size) {
      return Status::Corruption("SNAPPY: data decompresses to " + std::to_string(length) +
                                " bytes but " + std::to_string(output_size) + " were expected");
    }
    // RawUncompress validates the whole stream and never writes past `length` bytes.
    if (!snappy::RawUncompress(compressed, size, reinterpret_cast<char*>(output))) {
      return Status::Corruption("SNAPPY: malformed compressed data (" + std::to_string(size) +
                                " bytes)");
    }
    return Status::OK();
  }
};

}  // namespace

namespace internal {
std::unique_ptr<Codec> MakeSnappyCodec() { return std::make_unique<SnappyCodec>(); }
}  // namespace internal

}  // namespace sluice::parquet

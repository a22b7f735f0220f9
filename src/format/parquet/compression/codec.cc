#include "format/parquet/compression/codec.h"

#include <cstring>

namespace sluice::parquet {
namespace {

class UncompressedCodec final : public Codec {
 public:
  Status Compress(const uint8_t* input, size_t size, std::string* out) override {
    out->append(reinterpret_cast<const char*>(input), size);
    return Status::OK();
  }

  Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                    size_t output_size) override {
    if (size != output_size) {
      return Status::Corruption("UNCOMPRESSED page has " + std::to_string(size) + " bytes but " +
                                std::to_string(output_size) + " were expected");
    }
    if (size > 0) std::memcpy(output, input, size);
    return Status::OK();
  }
};

}  // namespace

const char* CompressionCodecName(CompressionCodec codec) {
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      return "UNCOMPRESSED";
    case CompressionCodec::SNAPPY:
      return "SNAPPY";
    case CompressionCodec::GZIP:
      return "GZIP";
    case CompressionCodec::LZO:
      return "LZO";
    case CompressionCodec::BROTLI:
      return "BROTLI";
    case CompressionCodec::LZ4:
      return "LZ4";
    case CompressionCodec::ZSTD:
      return "ZSTD";
    case CompressionCodec::LZ4_RAW:
      return "LZ4_RAW";
  }
  return "UNKNOWN";
}

Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec codec, int level) {
  switch (codec) {
    case CompressionCodec::UNCOMPRESSED:
      return std::unique_ptr<Codec>(std::make_unique<UncompressedCodec>());
    case CompressionCodec::SNAPPY:
      return internal::MakeSnappyCodec();
    case CompressionCodec::GZIP:
      return internal::MakeGzipCodec(level);
    case CompressionCodec::ZSTD:
      return internal::MakeZstdCodec(level);
    case CompressionCodec::LZ4_RAW:
      return internal::MakeLz4RawCodec(level);
    case CompressionCodec::LZ4:
      return internal::MakeLz4HadoopCodec();
    case CompressionCodec::LZO:
    case CompressionCodec::BROTLI:
      return Status::NotSupported(std::string("compression codec ") + CompressionCodecName(codec) +
                                  " is not supported");
  }
  return Status::NotSupported("unknown compression codec " +
                              std::to_string(static_cast<int32_t>(codec)));
}

}  // namespace sluice::parquet

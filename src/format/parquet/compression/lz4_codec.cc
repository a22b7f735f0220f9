// LZ4_RAW (the LZ4 block format) and the legacy, read-only LZ4 codec id, whose files come from
// Hadoop's framing ([4-byte BE uncompressed size][4-byte BE compressed size][block], repeated),
// from old Arrow versions (an LZ4 frame) or from writers that stored a bare block.
#include <lz4.h>
#include <lz4frame.h>
#include <lz4hc.h>

#include <climits>
#include <cstring>

#include "format/parquet/compression/codec.h"

namespace sluice::parquet {
namespace {

// Magic number opening an LZ4 frame (lz4_Frame_format.md), little-endian on disk.
constexpr uint32_t kLz4FrameMagic = 0x184D2204;
// Size of one Hadoop frame header: two big-endian uint32 sizes.
constexpr size_t kHadoopHeaderBytes = 8;

uint32_t LoadBE32(const uint8_t* data) {
  return (static_cast<uint32_t>(data[0]) << 24) | (static_cast<uint32_t>(data[1]) << 16) |
         (static_cast<uint32_t>(data[2]) << 8) | static_cast<uint32_t>(data[3]);
}

bool DecompressBlock(const uint8_t* input, size_t size, uint8_t* output, size_t output_size) {
  if (size > INT_MAX || output_size > INT_MAX) return false;
  const int produced =
      LZ4_decompress_safe(reinterpret_cast<const char*>(input), reinterpret_cast<char*>(output),
                          static_cast<int>(size), static_cast<int>(output_size));
  return produced >= 0 && static_cast<size_t>(produced) == output_size;
}

bool DecompressHadoop(const uint8_t* input, size_t size, uint8_t* output, size_t output_size) {
  size_t pos = 0;
  size_t produced = 0;
  while (pos < size) {
    if (size - pos < kHadoopHeaderBytes) return false;
    const uint32_t uncompressed = LoadBE32(input + pos);
    const uint32_t compressed = LoadBE32(input + pos + 4);
    pos += kHadoopHeaderBytes;
    if (compressed > size - pos || uncompressed > output_size - produced) return false;
    if (!DecompressBlock(input + pos, compressed, output + produced, uncompressed)) return false;
    pos += compressed;
    produced += uncompressed;
  }
  return produced == output_size;
}

bool DecompressFrame(const uint8_t* input, size_t size, uint8_t* output, size_t output_size) {
  LZ4F_dctx* dctx = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&dctx, LZ4F_VERSION))) return false;
  size_t in_pos = 0;
  size_t out_pos = 0;
  bool ok = false;
  while (true) {
    size_t in_left = size - in_pos;
    size_t out_left = output_size - out_pos;
    const size_t hint =
        LZ4F_decompress(dctx, output + out_pos, &out_left, input + in_pos, &in_left, nullptr);
    if (LZ4F_isError(hint)) break;
    in_pos += in_left;
    out_pos += out_left;
    if (hint == 0) {  // frame complete
      ok = out_pos == output_size && in_pos == size;
      break;
    }
    // No progress possible: input exhausted or output full before the frame ended.
    if (in_left == 0 && out_left == 0) break;
  }
  LZ4F_freeDecompressionContext(dctx);
  return ok;
}

class Lz4Codec final : public Codec {
 public:
  Lz4Codec(bool hadoop, int level) : hadoop_(hadoop), level_(level) {}

  Status Compress(const uint8_t* input, size_t size, std::string* out) override {
    if (hadoop_) {
      return Status::NotSupported(
          "compression codec LZ4 (Hadoop framing) is read-only in sluice; write LZ4_RAW");
    }
    if (size > LZ4_MAX_INPUT_SIZE) {
      return Status::InvalidArgument("LZ4_RAW: input of " + std::to_string(size) +
                                     " bytes exceeds LZ4's limit");
    }
    const int bound = LZ4_compressBound(static_cast<int>(size));
    const size_t start = out->size();
    out->resize(start + static_cast<size_t>(bound));
    const auto* src = reinterpret_cast<const char*>(input);
    char* dest = out->data() + start;
    // LZ4 HC levels start at 3 (LZ4HC_CLEVEL_MIN); below that the fast compressor is used.
    const int written = level_ >= LZ4HC_CLEVEL_MIN
                            ? LZ4_compress_HC(src, dest, static_cast<int>(size), bound, level_)
                            : LZ4_compress_default(src, dest, static_cast<int>(size), bound);
    if (written <= 0 && size > 0) {
      out->resize(start);
      return Status::Internal("LZ4_RAW: compression failed");
    }
    out->resize(start + static_cast<size_t>(written));
    return Status::OK();
  }

  Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                    size_t output_size) override {
    if (size == 0 && output_size == 0) return Status::OK();
    const char* name = hadoop_ ? "LZ4" : "LZ4_RAW";
    if (hadoop_) {
      if (DecompressHadoop(input, size, output, output_size)) return Status::OK();
      if (size >= 4) {
        uint32_t magic = 0;
        std::memcpy(&magic, input, sizeof(magic));
        if (magic == kLz4FrameMagic && DecompressFrame(input, size, output, output_size)) {
          return Status::OK();
        }
      }
    }
    if (DecompressBlock(input, size, output, output_size)) return Status::OK();
    return Status::Corruption(std::string(name) + ": malformed data, or it does not decompress " +
                              "to exactly " + std::to_string(output_size) + " bytes (" +
                              std::to_string(size) + " compressed bytes)");
  }

 private:
  bool hadoop_;
  int level_;
};

}  // namespace

namespace internal {
std::unique_ptr<Codec> MakeLz4RawCodec(int level) {
  return std::make_unique<Lz4Codec>(false, level);
}
std::unique_ptr<Codec> MakeLz4HadoopCodec() { return std::make_unique<Lz4Codec>(true, 0); }
}  // namespace internal

}  // namespace sluice::parquet

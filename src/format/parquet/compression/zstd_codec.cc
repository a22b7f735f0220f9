// ZSTD: standard zstd frames, with one compression and one decompression context per codec so
// that pages do not pay for context setup.
#include <zstd.h>

#include "format/parquet/compression/codec.h"

namespace sluice::parquet {
namespace {

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

class ZstdCodec final : public Codec {
 public:
  explicit ZstdCodec(int level) : level_(level) {}

  Status Compress(const uint8_t* input, size_t size, std::string* out) override {
    if (!cctx_) {
      cctx_.reset(ZSTD_createCCtx());
      if (!cctx_) return Status::ResourceExhausted("ZSTD: cannot allocate a compression context");
    }
    const size_t bound = ZSTD_compressBound(size);
    const size_t start = out->size();
    out->resize(start + bound);
    const size_t written =
        ZSTD_compressCCtx(cctx_.get(), out->data() + start, bound, input, size, level_);
    if (ZSTD_isError(written)) {
      out->resize(start);
      return Status::Internal(std::string("ZSTD: compression failed: ") +
                              ZSTD_getErrorName(written));
    }
    out->resize(start + written);
    return Status::OK();
  }

  Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                    size_t output_size) override {
    if (size == 0 && output_size == 0) return Status::OK();
    if (!dctx_) {
      dctx_.reset(ZSTD_createDCtx());
      if (!dctx_) {
        return Status::ResourceExhausted("ZSTD: cannot allocate a decompression context");
      }
    }
    const size_t produced = ZSTD_decompressDCtx(dctx_.get(), output, output_size, input, size);
    if (ZSTD_isError(produced)) {
      return Status::Corruption(std::string("ZSTD: malformed data (") + std::to_string(size) +
                                " bytes, " + std::to_string(output_size) +
                                " expected): " + ZSTD_getErrorName(produced));
    }
    if (produced != output_size) {
      return Status::Corruption("ZSTD: data decompresses to " + std::to_string(produced) +
                                " bytes but " + std::to_string(output_size) + " were expected");
    }
    return Status::OK();
  }

 private:
  int level_;
  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> cctx_;
  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> dctx_;
};

}  // namespace

namespace internal {
std::unique_ptr<Codec> MakeZstdCodec(int level) { return std::make_unique<ZstdCodec>(level); }
}  // namespace internal

}  // namespace sluice::parquet

// Page compression codecs of the Parquet spec (CompressionCodec in parquet.thrift).
//
//   UNCOMPRESSED  copy
//   SNAPPY        raw snappy (no framing)
//   GZIP          gzip (RFC 1952) on write; gzip or zlib headers accepted on read
//   ZSTD          zstd frames; one ZSTD_CCtx/ZSTD_DCtx reused per Codec
//   LZ4_RAW       the LZ4 block format
//   LZ4           read-only legacy codec: Hadoop framing ([4-byte BE uncompressed size]
//                 [4-byte BE compressed size][lz4 block], repeated), falling back to an LZ4
//                 frame (by its magic number) or a raw block when the framing does not fit
//   LZO, BROTLI   NotSupported
//
// Thread-safety: a Codec holds reusable library contexts, so use one Codec per thread.
// Ownership: MakeCodec returns an owned codec; Compress/Decompress borrow their buffers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "format/parquet/thrift/file_metadata.h"
#include "sluice/result.h"
#include "sluice/status.h"

namespace sluice::parquet {

class Codec {
 public:
  virtual ~Codec() = default;

  /// Appends the compressed form of input[0, size) to *out.
  virtual Status Compress(const uint8_t* input, size_t size, std::string* out) = 0;

  /// Decompresses input[0, size) into exactly output_size bytes at output. Corruption if the
  /// input is malformed or does not decode to exactly output_size bytes.
  virtual Status Decompress(const uint8_t* input, size_t size, uint8_t* output,
                            size_t output_size) = 0;
};

/// Creates the codec. `level` is codec-specific: ZSTD passes it to zstd (0 = zstd's default,
/// negative = fast modes); GZIP uses 1..9 and zlib's default otherwise; LZ4_RAW uses the fast
/// compressor for level < 3 and LZ4 HC at that level otherwise; others ignore it.
/// NotSupported (naming the codec) for LZO, BROTLI and unknown values.
Result<std::unique_ptr<Codec>> MakeCodec(CompressionCodec codec, int level);

/// "ZSTD", "SNAPPY", ... for messages.
const char* CompressionCodecName(CompressionCodec codec);

namespace internal {
// Per-codec factories, each defined in its own file.
std::unique_ptr<Codec> MakeSnappyCodec();
std::unique_ptr<Codec> MakeGzipCodec(int level);
std::unique_ptr<Codec> MakeZstdCodec(int level);
std::unique_ptr<Codec> MakeLz4RawCodec(int level);
std::unique_ptr<Codec> MakeLz4HadoopCodec();
}  // namespace internal

}  // namespace sluice::parquet

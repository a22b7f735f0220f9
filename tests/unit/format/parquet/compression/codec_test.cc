#include "format/parquet/compression/codec.h"

#include <gtest/gtest.h>
#include <lz4.h>
#include <lz4frame.h>
#include <zlib.h>

#include <random>
#include <string>
#include <vector>

namespace sluice::parquet {
namespace {

const uint8_t* Bytes(const std::string& text) {
  return reinterpret_cast<const uint8_t*>(text.data());
}

// Table-like text: ids, names, amounts and timestamps, compressible but not trivially so.
std::string TableLikeData(size_t size, uint32_t seed) {
  std::mt19937 rng(seed);
  static const char* const kNames[] = {"alice", "bob", "carol", "dave", "erin", "frank"};
  std::string out;
  out.reserve(size + 128);
  int64_t id = 1000000;
  while (out.size() < size) {
    out += std::to_string(id++);
    out += '\t';
    out += kNames[rng() % 6];
    out += '\t';
    out += std::to_string(rng() % 100000) + "." + std::to_string(rng() % 100);
    out += "\t2024-0" + std::to_string(rng() % 9 + 1) + "-1" + std::to_string(rng() % 10);
    out += '\n';
  }
  out.resize(size);
  return out;
}

const CompressionCodec kWritable[] = {CompressionCodec::UNCOMPRESSED, CompressionCodec::SNAPPY,
                                      CompressionCodec::GZIP, CompressionCodec::ZSTD,
                                      CompressionCodec::LZ4_RAW};

std::unique_ptr<Codec> Make(CompressionCodec codec, int level = 0) {
  auto result = MakeCodec(codec, level);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return std::move(result).value();
}

class CodecTest : public ::testing::TestWithParam<CompressionCodec> {};

TEST_P(CodecTest, RoundTripSizes) {
  auto codec = Make(GetParam());
  for (size_t size : {size_t{0}, size_t{1}, size_t{100}, size_t{65536}, size_t{10} << 20}) {
    const std::string input = TableLikeData(size, static_cast<uint32_t>(size));
    std::string compressed = "prefix";  // Compress appends
    ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &compressed).ok());
    ASSERT_EQ(compressed.substr(0, 6), "prefix");
    std::vector<uint8_t> output(size + 1, 0xAB);
    Status status =
        codec->Decompress(Bytes(compressed) + 6, compressed.size() - 6, output.data(), size);
    ASSERT_TRUE(status.ok()) << CompressionCodecName(GetParam()) << " " << size << ": "
                             << status.ToString();
    EXPECT_EQ(std::string(output.begin(), output.begin() + static_cast<ptrdiff_t>(size)), input);
    EXPECT_EQ(output[size], 0xAB) << "wrote past output_size";
    if (size == (size_t{10} << 20) && GetParam() != CompressionCodec::UNCOMPRESSED) {
      EXPECT_LT(compressed.size(), input.size() / 2);
    }
  }
}

TEST_P(CodecTest, IncompressibleData) {
  auto codec = Make(GetParam());
  std::mt19937 rng(9);
  std::string input(1 << 20, '\0');
  for (char& ch : input) ch = static_cast<char>(rng());
  std::string compressed;
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &compressed).ok());
  std::string output(input.size(), '\0');
  ASSERT_TRUE(codec
                  ->Decompress(Bytes(compressed), compressed.size(),
                               reinterpret_cast<uint8_t*>(output.data()), output.size())
                  .ok());
  EXPECT_EQ(output, input);
}

TEST_P(CodecTest, WrongOutputSizeIsCorruption) {
  auto codec = Make(GetParam());
  const std::string input = TableLikeData(5000, 1);
  std::string compressed;
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &compressed).ok());
  std::vector<uint8_t> output(input.size() + 10);
  EXPECT_EQ(codec->Decompress(Bytes(compressed), compressed.size(), output.data(), 4999).code(),
            StatusCode::kCorruption);
  EXPECT_EQ(codec->Decompress(Bytes(compressed), compressed.size(), output.data(), 5001).code(),
            StatusCode::kCorruption);
  // The codec stays usable after an error.
  EXPECT_TRUE(codec->Decompress(Bytes(compressed), compressed.size(), output.data(), 5000).ok());
}

TEST_P(CodecTest, TruncatedAndGarbageInputIsCorruption) {
  auto codec = Make(GetParam());
  const std::string input = TableLikeData(3000, 2);
  std::string compressed;
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &compressed).ok());
  std::vector<uint8_t> output(input.size());
  for (size_t cut = 0; cut < compressed.size(); ++cut) {
    // Copy so that ASan sees reads past the truncated end.
    const std::vector<uint8_t> truncated(compressed.begin(),
                                         compressed.begin() + static_cast<ptrdiff_t>(cut));
    Status status =
        codec->Decompress(truncated.data(), truncated.size(), output.data(), output.size());
    EXPECT_EQ(status.code(), StatusCode::kCorruption) << "cut " << cut;
  }
  std::mt19937 rng(4);
  for (int trial = 0; trial < 200; ++trial) {
    std::string garbage = compressed;
    garbage[rng() % garbage.size()] = static_cast<char>(rng());
    garbage[rng() % garbage.size()] = static_cast<char>(rng());
    // Must not crash; may succeed when the flipped bytes happen to be harmless.
    (void)codec->Decompress(Bytes(garbage), garbage.size(), output.data(), output.size());
  }
}

TEST_P(CodecTest, ContextsAreReusable) {
  auto codec = Make(GetParam());
  const std::string input = TableLikeData(20000, 3);
  std::string first;
  std::string second;
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &first).ok());
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &second).ok());
  EXPECT_EQ(first, second);
}

INSTANTIATE_TEST_SUITE_P(AllWritable, CodecTest, ::testing::ValuesIn(kWritable),
                         [](const ::testing::TestParamInfo<CompressionCodec>& param_info) {
                           return std::string(CompressionCodecName(param_info.param));
                         });

TEST(CodecFactoryTest, UnsupportedCodecsNameThemselves) {
  for (CompressionCodec codec : {CompressionCodec::LZO, CompressionCodec::BROTLI}) {
    auto result = MakeCodec(codec, 0);
    ASSERT_EQ(result.status().code(), StatusCode::kNotSupported);
    EXPECT_NE(result.status().message().find(CompressionCodecName(codec)), std::string::npos);
  }
  EXPECT_EQ(MakeCodec(static_cast<CompressionCodec>(99), 0).status().code(),
            StatusCode::kNotSupported);
}

TEST(CodecFactoryTest, LevelsAreHonoured) {
  const std::string input = TableLikeData(1 << 20, 5);
  std::string fast;
  std::string strong;
  ASSERT_TRUE(Make(CompressionCodec::ZSTD, 1)->Compress(Bytes(input), input.size(), &fast).ok());
  ASSERT_TRUE(Make(CompressionCodec::ZSTD, 19)->Compress(Bytes(input), input.size(), &strong).ok());
  EXPECT_LT(strong.size(), fast.size());
  std::string lz4_fast;
  std::string lz4_hc;
  ASSERT_TRUE(
      Make(CompressionCodec::LZ4_RAW, 0)->Compress(Bytes(input), input.size(), &lz4_fast).ok());
  ASSERT_TRUE(
      Make(CompressionCodec::LZ4_RAW, 9)->Compress(Bytes(input), input.size(), &lz4_hc).ok());
  EXPECT_LT(lz4_hc.size(), lz4_fast.size());
  std::vector<uint8_t> output(input.size());
  EXPECT_TRUE(Make(CompressionCodec::LZ4_RAW)
                  ->Decompress(Bytes(lz4_hc), lz4_hc.size(), output.data(), output.size())
                  .ok());
}

TEST(GzipCodecTest, WritesGzipAndReadsZlibToo) {
  const std::string input = TableLikeData(10000, 6);
  auto codec = Make(CompressionCodec::GZIP, 6);
  std::string compressed;
  ASSERT_TRUE(codec->Compress(Bytes(input), input.size(), &compressed).ok());
  ASSERT_GE(compressed.size(), 2u);
  EXPECT_EQ(static_cast<uint8_t>(compressed[0]), 0x1F);  // gzip magic
  EXPECT_EQ(static_cast<uint8_t>(compressed[1]), 0x8B);

  uLongf zlib_size = compressBound(static_cast<uLong>(input.size()));
  std::vector<uint8_t> zlib_data(zlib_size);
  ASSERT_EQ(compress2(zlib_data.data(), &zlib_size, Bytes(input), input.size(), 6), Z_OK);
  std::vector<uint8_t> output(input.size());
  ASSERT_TRUE(codec->Decompress(zlib_data.data(), zlib_size, output.data(), output.size()).ok());
  EXPECT_EQ(std::string(output.begin(), output.end()), input);
}

TEST(Lz4HadoopCodecTest, ReadsHadoopFramingFramesAndRawBlocks) {
  auto codec = Make(CompressionCodec::LZ4);
  std::string unused;
  EXPECT_EQ(codec->Compress(Bytes("x"), 1, &unused).code(), StatusCode::kNotSupported);

  const std::string input = TableLikeData(200000, 7);
  auto raw_block = [](const std::string& text) {
    std::string block(static_cast<size_t>(LZ4_compressBound(static_cast<int>(text.size()))), '\0');
    const int written = LZ4_compress_default(
        text.data(), block.data(), static_cast<int>(text.size()), static_cast<int>(block.size()));
    block.resize(static_cast<size_t>(written));
    return block;
  };
  auto be32 = [](uint32_t value) {
    std::string out(4, '\0');
    out[0] = static_cast<char>(value >> 24);
    out[1] = static_cast<char>(value >> 16);
    out[2] = static_cast<char>(value >> 8);
    out[3] = static_cast<char>(value);
    return out;
  };
  // Two Hadoop frames.
  const std::string first_half = input.substr(0, 120000);
  const std::string second_half = input.substr(120000);
  const std::string block_a = raw_block(first_half);
  const std::string block_b = raw_block(second_half);
  const std::string hadoop = be32(static_cast<uint32_t>(first_half.size())) +
                             be32(static_cast<uint32_t>(block_a.size())) + block_a +
                             be32(static_cast<uint32_t>(second_half.size())) +
                             be32(static_cast<uint32_t>(block_b.size())) + block_b;
  std::vector<uint8_t> output(input.size());
  ASSERT_TRUE(codec->Decompress(Bytes(hadoop), hadoop.size(), output.data(), output.size()).ok());
  EXPECT_EQ(std::string(output.begin(), output.end()), input);

  // A bare block (what some writers stored under the LZ4 id).
  const std::string bare = raw_block(input);
  std::fill(output.begin(), output.end(), 0);
  ASSERT_TRUE(codec->Decompress(Bytes(bare), bare.size(), output.data(), output.size()).ok());
  EXPECT_EQ(std::string(output.begin(), output.end()), input);

  // An LZ4 frame (old Arrow versions).
  std::string frame(LZ4F_compressFrameBound(input.size(), nullptr), '\0');
  const size_t frame_size =
      LZ4F_compressFrame(frame.data(), frame.size(), input.data(), input.size(), nullptr);
  ASSERT_FALSE(LZ4F_isError(frame_size));
  frame.resize(frame_size);
  std::fill(output.begin(), output.end(), 0);
  ASSERT_TRUE(codec->Decompress(Bytes(frame), frame.size(), output.data(), output.size()).ok());
  EXPECT_EQ(std::string(output.begin(), output.end()), input);

  // Truncated Hadoop data fails cleanly at every cut.
  for (size_t cut = 0; cut < hadoop.size(); cut += 97) {
    const std::vector<uint8_t> truncated(hadoop.begin(),
                                         hadoop.begin() + static_cast<ptrdiff_t>(cut));
    EXPECT_EQ(
        codec->Decompress(truncated.data(), truncated.size(), output.data(), output.size()).code(),
        StatusCode::kCorruption)
        << cut;
  }
}

}  // namespace
}  // namespace sluice::parquet

// Writer -> reader round trips over every type, codec and page/row-group boundary, plus the
// commit/abort rule and footer facts (statistics, encodings, key/value metadata).
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "common/value_format.h"
#include "format/parquet/thrift/file_metadata.h"
#include "sluice/parquet_reader.h"
#include "sluice/parquet_writer.h"
#include "support/all_types.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

class RoundTripTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("sluice_rt_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  static std::string Row(const Schema& schema, const ColumnBatch& batch, int64_t row) {
    std::string out;
    for (int col = 0; col < schema.num_columns(); ++col) {
      AppendJsonValue(schema.columns[static_cast<size_t>(col)], batch.column(col), row, &out);
      out += "|";
    }
    return out;
  }

  /// Writes `rows` rows in batches of `batch_rows`, reads everything back, compares row by row.
  void CheckRoundTrip(const ParquetWriterOptions& options, int64_t rows, int64_t batch_rows) {
    Schema schema = testing::AllTypesSchema();
    std::string path = Path("t.parquet");
    auto writer = ParquetFileWriter::Open(path, schema, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    for (int64_t first = 0; first < rows; first += batch_rows) {
      ColumnBatch batch =
          testing::AllTypesBatch(schema, first, std::min(batch_rows, rows - first), 42);
      ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
    }
    ASSERT_TRUE((*writer)->Close().ok());
    ASSERT_TRUE(fs::exists(path));

    auto reader = ParquetFileReader::Open(path);
    ASSERT_TRUE(reader.ok()) << reader.status().ToString();
    // ENUM is written with the STRING annotation (see schema_convert.cc), so it reads back so.
    Schema expected_schema = schema;
    for (auto& col : expected_schema.columns) {
      if (col.logical.kind == LogicalType::Kind::kEnum) col.logical = LogicalType::String();
    }
    EXPECT_EQ((*reader)->schema().ToCanonicalString(), expected_schema.ToCanonicalString());
    EXPECT_EQ((*reader)->num_rows(), rows);
    std::vector<int> all;
    for (int col = 0; col < schema.num_columns(); ++col) all.push_back(col);
    int64_t next = 0;
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto batch = (*reader)->ReadRowGroup(rg, all);
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      ColumnBatch expected = testing::AllTypesBatch(schema, next, batch->num_rows(), 42);
      for (int64_t row = 0; row < batch->num_rows(); ++row) {
        ASSERT_EQ(Row(schema, *batch, row), Row(schema, expected, row)) << "row " << next + row;
      }
      next += batch->num_rows();
    }
    EXPECT_EQ(next, rows);
  }

  fs::path dir_;
};

TEST_F(RoundTripTest, EveryCodec) {
  for (Compression codec : {Compression::kUncompressed, Compression::kSnappy, Compression::kGzip,
                            Compression::kZstd, Compression::kLz4Raw}) {
    SCOPED_TRACE(CompressionName(codec));
    ParquetWriterOptions options;
    options.compression = codec;
    CheckRoundTrip(options, 5000, 1000);
  }
}

TEST_F(RoundTripTest, BackgroundEncoding) {
  ParquetWriterOptions options;
  options.background_encoding = true;
  options.row_group_max_rows = 1000;
  CheckRoundTrip(options, 10000, 333);
}

TEST_F(RoundTripTest, SmallPagesAndRowGroups) {
  ParquetWriterOptions options;
  options.page_max_values = 7;
  options.row_group_max_rows = 333;
  options.write_page_index = true;
  CheckRoundTrip(options, 2000, 97);
}

TEST_F(RoundTripTest, DictionaryFallbackAndPlainOnly) {
  ParquetWriterOptions options;
  options.dictionary_limit_bytes = 64;  // forces fallback after the first pages
  options.page_max_values = 100;
  CheckRoundTrip(options, 3000, 500);
  options.enable_dictionary = false;
  options.enable_delta_integers = false;
  CheckRoundTrip(options, 3000, 500);
}

TEST_F(RoundTripTest, EmptyFileAndSingleRow) {
  CheckRoundTrip(ParquetWriterOptions{}, 0, 1);
  CheckRoundTrip(ParquetWriterOptions{}, 1, 1);
}

TEST_F(RoundTripTest, RowGroupByteLimitBoundsMemory) {
  ParquetWriterOptions options;
  options.row_group_max_bytes = 256 * 1024;
  Schema schema = testing::AllTypesSchema();
  auto writer = ParquetFileWriter::Open(Path("mem.parquet"), schema, options);
  ASSERT_TRUE(writer.ok());
  for (int64_t first = 0; first < 100000; first += 5000) {
    ASSERT_TRUE((*writer)->WriteBatch(testing::AllTypesBatch(schema, first, 5000, 1)).ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_LT((*writer)->peak_allocated_bytes(), 16 << 20);
  auto reader = ParquetFileReader::Open(Path("mem.parquet"));
  ASSERT_TRUE(reader.ok());
  EXPECT_GT((*reader)->num_row_groups(), 1);
}

TEST_F(RoundTripTest, WideValuesKeepWriterMemoryBounded) {
  // 400 rows of ~100 KB incompressible-ish text, fed in batches of 100 (10 MB each): the writer
  // must hold about a row group's worth of pages, not whole batches in its encoders.
  Schema schema;
  schema.columns.push_back({"id", PhysicalType::kInt64, 0, false, LogicalType::None()});
  schema.columns.push_back({"doc", PhysicalType::kByteArray, 0, true, LogicalType::String()});
  ParquetWriterOptions options;
  options.compression = Compression::kUncompressed;
  options.row_group_max_bytes = 4 << 20;
  auto writer = ParquetFileWriter::Open(Path("wide.parquet"), schema, options);
  ASSERT_TRUE(writer.ok());
  uint64_t rng = 99;
  for (int64_t first = 0; first < 400; first += 100) {
    ColumnBatch batch(schema);
    for (int64_t row = first; row < first + 100; ++row) {
      batch.column(0).Append<int64_t>(row);
      std::string doc(100 * 1024, ' ');
      for (char& ch : doc) {
        rng = rng * 6364136223846793005ULL + 1;
        ch = static_cast<char>('a' + (rng >> 59));
      }
      batch.column(1).AppendBytes(doc);
    }
    ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
  }
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_LT((*writer)->peak_allocated_bytes(), 16 << 20) << (*writer)->peak_allocated_bytes();
  auto reader = ParquetFileReader::Open(Path("wide.parquet"));
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ((*reader)->num_rows(), 400);
  EXPECT_GE((*reader)->num_row_groups(), 8);
}

// EncodedBytesAt() (what scan mode rolls files by): the same answers whether or not a
// background thread encodes, close to the final file size, and an error for a row count that
// is not a recent batch boundary.
TEST_F(RoundTripTest, EncodedBytesAtIsExactAtBatchBoundaries) {
  Schema schema;
  schema.columns.push_back({"id", PhysicalType::kInt64, 0, false, LogicalType::None()});
  schema.columns.push_back({"doc", PhysicalType::kByteArray, 0, true, LogicalType::String()});
  auto run = [&](bool background, std::vector<int64_t>* answers) -> int64_t {
    ParquetWriterOptions options;
    options.compression = Compression::kUncompressed;
    options.row_group_max_bytes = 1 << 20;  // several row groups
    options.background_encoding = background;
    std::string path = Path(background ? "bg.parquet" : "fg.parquet");
    auto writer = ParquetFileWriter::Open(path, schema, options);
    EXPECT_TRUE(writer.ok());
    uint64_t rng = 7;
    int64_t before = 0;
    for (int64_t first = 0; first < 600; first += 50) {
      ColumnBatch batch(schema);
      for (int64_t row = first; row < first + 50; ++row) {
        batch.column(0).Append<int64_t>(row);
        std::string doc(static_cast<size_t>(1000 + row * 10), ' ');
        for (char& ch : doc) {
          rng = rng * 6364136223846793005ULL + 1;
          ch = static_cast<char>('a' + (rng >> 59));
        }
        batch.column(1).AppendBytes(doc);
      }
      EXPECT_TRUE((*writer)->WriteOwnedBatch(&batch).ok());
      auto known = (*writer)->EncodedBytesAt(before);  // one batch behind, as the scan asks
      EXPECT_TRUE(known.ok()) << known.status().ToString();
      answers->push_back(known.ok() ? *known : -1);
      before = (*writer)->rows_written();
    }
    auto last = (*writer)->EncodedBytesAt(before);
    EXPECT_TRUE(last.ok());
    answers->push_back(last.ok() ? *last : -1);
    EXPECT_FALSE((*writer)->EncodedBytesAt(before - 1).ok());
    EXPECT_FALSE((*writer)->EncodedBytesAt(50).ok());  // long gone from the history
    EXPECT_TRUE((*writer)->Close().ok());
    EXPECT_EQ((*writer)->encoded_bytes(), static_cast<int64_t>(fs::file_size(path)));
    return static_cast<int64_t>(fs::file_size(path));
  };
  std::vector<int64_t> foreground;
  std::vector<int64_t> background;
  int64_t size = run(false, &foreground);
  run(true, &background);
  EXPECT_EQ(foreground, background);
  ASSERT_EQ(foreground.size(), 13u);
  EXPECT_EQ(foreground[0], 0);
  for (size_t idx = 1; idx < foreground.size(); ++idx)
    EXPECT_GT(foreground[idx], foreground[idx - 1]);
  // Uncompressed: the count misses page headers, levels and the footer, and counts the last
  // pages' integers at their PLAIN size (they are delta-encoded): a few KB either way.
  EXPECT_NEAR(static_cast<double>(foreground.back()), static_cast<double>(size), 64 << 10);
}

TEST_F(RoundTripTest, AbortLeavesNothing) {
  Schema schema = testing::AllTypesSchema();
  {
    auto writer = ParquetFileWriter::Open(Path("gone.parquet"), schema, {});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteBatch(testing::AllTypesBatch(schema, 0, 100, 1)).ok());
    (*writer)->Abort();
  }
  {
    auto writer = ParquetFileWriter::Open(Path("dropped.parquet"), schema, {});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteBatch(testing::AllTypesBatch(schema, 0, 100, 1)).ok());
    // destroyed without Close(): same as Abort()
  }
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(RoundTripTest, RequiredColumnRejectsNull) {
  Schema schema;
  schema.columns.push_back({"id", PhysicalType::kInt64, 0, false, LogicalType::None()});
  auto writer = ParquetFileWriter::Open(Path("req.parquet"), schema, {});
  ASSERT_TRUE(writer.ok());
  ColumnBatch batch(schema);
  batch.column(0).Append<int64_t>(1);
  batch.column(0).AppendNull();
  Status st = (*writer)->WriteBatch(batch);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("'id'"), std::string::npos) << st.message();
  (*writer)->Abort();
}

TEST_F(RoundTripTest, BackgroundEncodingReportsErrorsAndLeavesNothing) {
  Schema schema;
  schema.columns.push_back({"id", PhysicalType::kInt64, 0, false, LogicalType::None()});
  ParquetWriterOptions options;
  options.background_encoding = true;
  auto writer = ParquetFileWriter::Open(Path("bg.parquet"), schema, options);
  ASSERT_TRUE(writer.ok());
  ColumnBatch bad(schema);
  bad.column(0).AppendNull();                    // REQUIRED column: the encoding thread rejects it
  ASSERT_TRUE((*writer)->WriteBatch(bad).ok());  // accepted into the queue
  Status st = (*writer)->Close();
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument) << st.ToString();
  EXPECT_TRUE(fs::is_empty(dir_));
}

TEST_F(RoundTripTest, StatisticsAndMetadata) {
  Schema schema;
  schema.columns.push_back({"k", PhysicalType::kInt64, 0, false, LogicalType::Integer(64, false)});
  schema.columns.push_back({"s", PhysicalType::kByteArray, 0, true, LogicalType::String()});
  schema.columns.push_back(
      {"d", PhysicalType::kFixedLenByteArray, 16, true, LogicalType::Decimal(38, 2)});
  ParquetWriterOptions options;
  options.key_value_metadata.push_back({"sluice.source_table", "demo.coverages"});
  auto writer = ParquetFileWriter::Open(Path("stats.parquet"), schema, options);
  ASSERT_TRUE(writer.ok());
  ColumnBatch batch(schema);
  // Unsigned order: 2^64-1 (stored as -1) is the maximum, not the minimum.
  for (int64_t value : {int64_t{5}, int64_t{-1}, int64_t{3}}) batch.column(0).Append(value);
  batch.column(1).AppendBytes("b");
  batch.column(1).AppendNull();
  batch.column(1).AppendBytes("a\xff");
  // Decimal order is signed: -1.00 < 0.05 < 1.00.
  for (int value : {-100, 5, 100}) {
    uint8_t bytes[16];
    __int128 v = value;
    for (int idx = 15; idx >= 0; --idx) {
      bytes[idx] = static_cast<uint8_t>(v & 0xFF);
      v >>= 8;
    }
    batch.column(2).AppendFixed(bytes);
  }
  ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
  ASSERT_TRUE((*writer)->Close().ok());

  auto reader = ParquetFileReader::Open(Path("stats.parquet"));
  ASSERT_TRUE(reader.ok());
  auto k = (*reader)->column_stats(0, 0);
  ASSERT_TRUE(k.ok() && k->min && k->max);
  uint64_t kmin;
  uint64_t kmax;
  std::memcpy(&kmin, k->min->data(), 8);
  std::memcpy(&kmax, k->max->data(), 8);
  EXPECT_EQ(kmin, 3u);
  EXPECT_EQ(kmax, UINT64_MAX);
  auto s = (*reader)->column_stats(0, 1);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s->null_count, 1);
  EXPECT_EQ(*s->min, "a\xff");
  EXPECT_EQ(*s->max, "b");
  auto d = (*reader)->column_stats(0, 2);
  ASSERT_TRUE(d.ok() && d->min);
  EXPECT_EQ(FormatDecimalBigEndian(reinterpret_cast<const uint8_t*>(d->min->data()), 16, 2),
            "-1.00");
  EXPECT_EQ(FormatDecimalBigEndian(reinterpret_cast<const uint8_t*>(d->max->data()), 16, 2),
            "1.00");

  bool found = false;
  for (const auto& [key, value] : (*reader)->key_value_metadata()) {
    if (key == "sluice.source_table") found = value == "demo.coverages";
  }
  EXPECT_TRUE(found);

  // Pruning: k = 4 may match ([3, 2^64-1]); k < 3 cannot.
  std::string lit(8, '\0');
  int64_t four = 4;
  std::memcpy(lit.data(), &four, 8);
  EXPECT_FALSE((*reader)->CanSkipRowGroup(0, {{0, RowGroupPredicate::Op::kEq, lit}}));
  int64_t three = 3;
  std::memcpy(lit.data(), &three, 8);
  EXPECT_TRUE((*reader)->CanSkipRowGroup(0, {{0, RowGroupPredicate::Op::kLt, lit}}));
}

TEST_F(RoundTripTest, CorruptionIsDetected) {
  Schema schema = testing::AllTypesSchema();
  std::string path = Path("c.parquet");
  {
    auto writer = ParquetFileWriter::Open(path, schema, {});
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->WriteBatch(testing::AllTypesBatch(schema, 0, 3000, 9)).ok());
    ASSERT_TRUE((*writer)->Close().ok());
  }
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::vector<int> all;
  for (int col = 0; col < schema.num_columns(); ++col) all.push_back(col);
  auto read_all = [&](const std::string& data) -> Status {
    std::string p = Path("mut.parquet");
    std::ofstream(p, std::ios::binary | std::ios::trunc) << data;
    SLUICE_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(p));
    for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
      SLUICE_ASSIGN_OR_RETURN(auto batch, reader->ReadRowGroup(rg, all));
      (void)batch;
    }
    return Status::OK();
  };
  ASSERT_TRUE(read_all(bytes).ok());
  // Truncations: every one must fail cleanly.
  for (size_t len : {size_t{0}, size_t{4}, size_t{11}, bytes.size() / 2, bytes.size() - 1}) {
    Status st = read_all(bytes.substr(0, len));
    EXPECT_FALSE(st.ok()) << "truncated to " << len;
  }
  // A flipped byte inside the first data page is caught by the page CRC.
  std::string flipped = bytes;
  flipped[100] = static_cast<char>(flipped[100] ^ 0x5A);
  Status st = read_all(flipped);
  EXPECT_FALSE(st.ok());
  // Bit flips anywhere (headers, footer, lengths): a clean Status either way, never a crash.
  // (tests/fuzz explores this far more under ASan.)
  uint64_t rng = 12345;
  for (int trial = 0; trial < 300; ++trial) {
    rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
    std::string mutated = bytes;
    size_t pos = static_cast<size_t>(rng >> 33) % mutated.size();
    mutated[pos] = static_cast<char>(mutated[pos] ^ (1 << ((rng >> 20) % 8)));
    Status result = read_all(mutated);
    if (!result.ok()) EXPECT_FALSE(result.message().empty());
  }
}

// Codec of each column chunk of row group 0, read from the file's footer.
std::vector<parquet::CompressionCodec> ChunkCodecs(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  uint32_t footer_size = 0;
  std::memcpy(&footer_size, bytes.data() + bytes.size() - 8, 4);
  size_t footer_start = bytes.size() - 8 - footer_size;
  auto meta =
      parquet::ParseFileMetaData(reinterpret_cast<const uint8_t*>(bytes.data()) + footer_start,
                                 footer_size, static_cast<int64_t>(footer_start));
  std::vector<parquet::CompressionCodec> out;
  if (!meta.ok()) return out;
  for (const auto& chunk : meta->row_groups.at(0).columns) out.push_back(chunk.meta_data->codec);
  return out;
}

// Random 64-bit values do not compress: their chunk is stored UNCOMPRESSED (the codec would cost
// every writer and reader CPU for nothing) while a repetitive column keeps zstd; both read back.
TEST_F(RoundTripTest, IncompressibleColumnsAreStoredUncompressed) {
  Schema schema;
  schema.columns.push_back(
      {"noise", PhysicalType::kInt64, 0, false, LogicalType::Integer(64, true)});
  schema.columns.push_back({"text", PhysicalType::kByteArray, 0, false, LogicalType::String()});
  for (bool skip : {true, false}) {
    SCOPED_TRACE(skip ? "skip on" : "skip off");
    ParquetWriterOptions options;
    options.compression = Compression::kZstd;
    options.enable_dictionary = false;
    options.skip_incompressible_columns = skip;
    std::string path = Path(skip ? "skip.parquet" : "noskip.parquet");
    auto writer = ParquetFileWriter::Open(path, schema, options);
    ASSERT_TRUE(writer.ok());
    ColumnBatch batch(schema);
    uint64_t state = 88172645463325252ull;
    for (int row = 0; row < 20000; ++row) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      batch.column(0).Append(static_cast<int64_t>(state));
      batch.column(1).AppendBytes("the same sentence, again and again " + std::to_string(row % 7));
    }
    ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
    ASSERT_TRUE((*writer)->Close().ok());
    std::vector<parquet::CompressionCodec> codecs = ChunkCodecs(path);
    ASSERT_EQ(codecs.size(), 2u);
    EXPECT_EQ(codecs[0],
              skip ? parquet::CompressionCodec::UNCOMPRESSED : parquet::CompressionCodec::ZSTD);
    EXPECT_EQ(codecs[1], parquet::CompressionCodec::ZSTD);
    auto reader = ParquetFileReader::Open(path);
    ASSERT_TRUE(reader.ok());
    auto back = (*reader)->ReadRowGroup(0, {0, 1});
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ(back->num_rows(), 20000);
    for (int64_t row = 0; row < 20000; row += 997) {
      EXPECT_EQ(Row(schema, *back, row), Row(schema, batch, row));
    }
  }
}
}  // namespace
}  // namespace sluice

// Interoperability, both directions, checked by readers we did not write:
//   - files written by sluice are read by DuckDB and Polars (../shared/tools/pqcheck compare)
//     with identical values and types;
//   - files written by DuckDB (every type, every codec, data page v1 and v2) are read by
//     sluice's reader with the same values DuckDB itself prints.
// The pqcheck path comes from the build (PQCHECK); CI installs it with scripts/install-deps.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "common/value_format.h"
#include "sluice/parquet_reader.h"
#include "sluice/parquet_writer.h"
#include "support/all_types.h"

namespace sluice {
namespace {

namespace fs = std::filesystem;

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

CommandResult RunCommand(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 65536> buf;
  size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0)
    result.output.append(buf.data(), got);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string Quote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out += ch;
    }
  }
  return out + "'";
}

class InteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(fs::exists(PQCHECK))
        << "pqcheck not found at " << PQCHECK << " (run ../shared/tools/install.sh)";
    dir_ = fs::temp_directory_path() / ("sluice_interop_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string Path(const std::string& name) { return (dir_ / name).string(); }

  /// Rows of a file as our reader sees them, one JSON object per line.
  static std::vector<std::string> SluiceRows(const std::string& path) {
    std::vector<std::string> rows;
    auto reader = ParquetFileReader::Open(path);
    EXPECT_TRUE(reader.ok()) << reader.status().ToString();
    if (!reader.ok()) return rows;
    const Schema& schema = (*reader)->schema();
    std::vector<int> all;
    for (int col = 0; col < schema.num_columns(); ++col) all.push_back(col);
    for (int rg = 0; rg < (*reader)->num_row_groups(); ++rg) {
      auto batch = (*reader)->ReadRowGroup(rg, all);
      EXPECT_TRUE(batch.ok()) << batch.status().ToString();
      if (!batch.ok()) return rows;
      for (int64_t row = 0; row < batch->num_rows(); ++row) {
        std::string line = "{";
        for (int col = 0; col < schema.num_columns(); ++col) {
          if (col > 0) line += ",";
          AppendJsonString(schema.columns[static_cast<size_t>(col)].name, &line);
          line += ":";
          AppendJsonValue(schema.columns[static_cast<size_t>(col)], batch->column(col), row, &line);
        }
        rows.push_back(line + "}");
      }
    }
    return rows;
  }

  fs::path dir_;
};

TEST_F(InteropTest, SluiceFilesReadByDuckDbAndPolars) {
  Schema schema = testing::AllTypesSchema();
  struct Case {
    Compression codec;
    bool page_index;
    int64_t page_values;
  };
  for (Case c : {Case{Compression::kZstd, false, 20000}, Case{Compression::kSnappy, true, 50},
                 Case{Compression::kGzip, false, 1000}, Case{Compression::kLz4Raw, false, 333},
                 Case{Compression::kUncompressed, true, 20000}}) {
    SCOPED_TRACE(CompressionName(c.codec));
    ParquetWriterOptions options;
    options.compression = c.codec;
    options.write_page_index = c.page_index;
    options.page_max_values = c.page_values;
    options.row_group_max_rows = 1500;
    std::string path = Path(std::string("sluice_") + CompressionName(c.codec) + ".parquet");
    auto writer = ParquetFileWriter::Open(path, schema, options);
    ASSERT_TRUE(writer.ok()) << writer.status().ToString();
    std::ofstream expected(path + ".jsonl");
    for (int64_t first = 0; first < 4000; first += 1000) {
      ColumnBatch batch = testing::AllTypesBatch(schema, first, 1000, 7);
      ASSERT_TRUE((*writer)->WriteBatch(batch).ok());
      for (int64_t row = 0; row < batch.num_rows(); ++row) {
        std::string line = "{";
        for (int col = 0; col < schema.num_columns(); ++col) {
          if (col > 0) line += ",";
          AppendJsonString(schema.columns[static_cast<size_t>(col)].name, &line);
          line += ":";
          AppendJsonValue(schema.columns[static_cast<size_t>(col)], batch.column(col), row, &line);
        }
        expected << line << "}\n";
      }
    }
    ASSERT_TRUE((*writer)->Close().ok());
    expected.close();
    CommandResult cmp = RunCommand(std::string(PQCHECK) + " compare --reader both " + Quote(path) +
                                   " " + Quote(path + ".jsonl"));
    EXPECT_EQ(cmp.exit_code, 0) << cmp.output.substr(0, 4000);
  }
}

TEST_F(InteropTest, SluiceLogicalTypesAsDuckDbSeesThem) {
  Schema schema = testing::AllTypesSchema();
  std::string path = Path("types.parquet");
  auto writer = ParquetFileWriter::Open(path, schema, {});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->WriteBatch(testing::AllTypesBatch(schema, 0, 10, 1)).ok());
  ASSERT_TRUE((*writer)->Close().ok());
  CommandResult res =
      RunCommand(std::string(PQCHECK) + " sql " +
                 Quote("SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM "
                       "read_parquet('" +
                       path + "'))"));
  ASSERT_EQ(res.exit_code, 0) << res.output;
  std::map<std::string, std::string> types;
  std::istringstream lines(res.output);
  std::string line;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) types[j["column_name"]] = j["column_type"];
  }
  EXPECT_EQ(types["i8"], "TINYINT");
  EXPECT_EQ(types["u8"], "UTINYINT");
  EXPECT_EQ(types["u16"], "USMALLINT");
  EXPECT_EQ(types["u32"], "UINTEGER");
  EXPECT_EQ(types["u64"], "UBIGINT");
  EXPECT_EQ(types["dec9"], "DECIMAL(9,2)");
  EXPECT_EQ(types["dec18"], "DECIMAL(18,4)");
  EXPECT_EQ(types["dec38"], "DECIMAL(38,10)");
  EXPECT_EQ(types["name"], "VARCHAR");
  EXPECT_EQ(types["blob"], "BLOB");
  EXPECT_EQ(types["day"], "DATE");
  EXPECT_EQ(types["tod"], "TIME");
  EXPECT_EQ(types["ts_local"], "TIMESTAMP");
  EXPECT_EQ(types["ts_utc"], "TIMESTAMP WITH TIME ZONE");
  EXPECT_EQ(types["uuid"], "UUID");
}

TEST_F(InteropTest, DuckDbFilesReadBySluice) {
  // Every type DuckDB writes for flat data, with NULLs, edge values and long strings.
  const std::string select =
      "SELECT i::BIGINT AS id, (i % 127)::TINYINT AS i8, (i % 255)::UTINYINT AS u8, "
      "(i * 7 % 32767)::SMALLINT AS i16, (i * 13)::UINTEGER AS u32, "
      "CASE WHEN i % 5 = 0 THEN NULL ELSE i * 1000003 END::BIGINT AS i64, "
      "(i * 1234567)::UBIGINT AS u64, (i / 7.0)::FLOAT AS f32, (i / 3.0)::DOUBLE AS f64, "
      "i % 2 = 0 AS flag, (i * 1.25)::DECIMAL(9,2) AS d9, (i * 12345.6789)::DECIMAL(18,4) AS d18, "
      "CASE WHEN i % 3 = 0 THEN -99999999999999999999999999.9999999999 ELSE i * 3.5 "
      "END::DECIMAL(38,10) AS d38, "
      "CASE WHEN i % 4 = 0 THEN NULL ELSE 'name-' || (i % 50)::VARCHAR || ' 😀' END AS s, "
      "repeat('x', (i % 300)::INT) AS long_s, ('\\x' || lpad(to_hex(i % 256), 2, '0'))::BLOB AS b, "
      "(DATE '1970-01-01' + (i * 37 % 40000)::INT) AS d, "
      "(TIMESTAMP '2020-01-01 00:00:00' + to_microseconds(i * 1000003)) AS ts, "
      "(TIMESTAMPTZ '2020-01-01 00:00:00+00' + to_microseconds(i * 999983)) AS tstz, "
      "(TIME '00:00:00' + to_microseconds(i * 1000001 % 86400000000)) AS t, "
      "'abc' || (i * 7919)::VARCHAR AS high_cardinality "
      "FROM range(5000) t(i)";
  const std::string& query = select;
  for (std::string opts :
       {"COMPRESSION uncompressed", "COMPRESSION snappy", "COMPRESSION gzip", "COMPRESSION zstd",
        "COMPRESSION lz4_raw", "COMPRESSION zstd, PARQUET_VERSION v2",
        "COMPRESSION snappy, PARQUET_VERSION v2, ROW_GROUP_SIZE 1000"}) {
    SCOPED_TRACE(opts);
    std::string path = Path("duck.parquet");
    fs::remove(path);
    CommandResult w =
        RunCommand(std::string(PQCHECK) + " sql " +
                   Quote("COPY (" + query + ") TO '" + path + "' (FORMAT PARQUET, " + opts + ")"));
    ASSERT_EQ(w.exit_code, 0) << w.output;
    CommandResult duck = RunCommand(std::string(PQCHECK) + " rows " + Quote(path));
    ASSERT_EQ(duck.exit_code, 0) << duck.output.substr(0, 2000);
    std::vector<std::string> ours = SluiceRows(path);
    std::istringstream lines(duck.output);
    std::string line;
    size_t row = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      ASSERT_LT(row, ours.size());
      auto theirs = nlohmann::json::parse(line);
      auto mine = nlohmann::json::parse(ours[row]);
      ASSERT_EQ(mine, theirs) << "row " << row << "\nduckdb: " << line << "\nsluice: " << ours[row];
      ++row;
    }
    EXPECT_EQ(row, ours.size());
    EXPECT_EQ(row, 5000u);
  }
}

}  // namespace
}  // namespace sluice

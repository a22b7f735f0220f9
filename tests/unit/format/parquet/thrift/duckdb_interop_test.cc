// Interoperability (label integration): lets the DuckDB behind `pqcheck sql` write a Parquet file
// now and checks that ParseFileMetaData reads its footer. It also compares the parsed footer with
// what hyparquet
// (`pqcheck footer`) reads from the same file.

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>

#include "format/parquet/thrift/file_metadata.h"

namespace sluice::parquet {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Footer layout: ... FileMetaData | 4-byte little-endian length | "PAR1".
Result<FileMetaData> ParseFooter(const std::string& file) {
  constexpr size_t kTailSize = 8;  // footer length (4) + magic (4)
  if (file.size() < kTailSize + 4 || file.compare(file.size() - 4, 4, "PAR1") != 0) {
    return Status::Corruption("not a Parquet file");
  }
  const auto* tail = reinterpret_cast<const uint8_t*>(file.data() + file.size() - kTailSize);
  const uint32_t footer_len =
      static_cast<uint32_t>(tail[0]) | (static_cast<uint32_t>(tail[1]) << 8) |
      (static_cast<uint32_t>(tail[2]) << 16) | (static_cast<uint32_t>(tail[3]) << 24);
  if (footer_len > file.size() - kTailSize) return Status::Corruption("footer length too big");
  const size_t footer_start = file.size() - kTailSize - footer_len;
  return ParseFileMetaData(reinterpret_cast<const uint8_t*>(file.data() + footer_start), footer_len,
                           static_cast<int64_t>(footer_start));
}

int64_t AsInt(const nlohmann::json& value) {
  // pqcheck prints integers beyond 2^53 as strings.
  return value.is_string() ? std::stoll(value.get<std::string>()) : value.get<int64_t>();
}

std::string RunCapture(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[4096];
  size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) output.append(buffer, got);
  ::pclose(pipe);
  return output;
}

// DuckDB writes the file; hyparquet (`pqcheck footer`) and ParseFileMetaData must agree on it.
TEST(DuckDbInteropTest, FooterMatchesHyparquet) {
  // The build passes the path of ../shared/tools/pqcheck; CI installs it (scripts/install-deps).
  const char* pqcheck = PQCHECK;
  ASSERT_TRUE(std::filesystem::exists(pqcheck)) << "pqcheck not found at " << pqcheck;
  const std::string path =
      testing::TempDir() + "/thrift_interop_" + std::to_string(::getpid()) + ".parquet";
  // Three row groups of 2048, 2048 and 904 rows; column d is dictionary-encoded.
  const std::string sql =
      "COPY (SELECT range::INT AS a, 'x' || range::VARCHAR AS b, "
      "CASE WHEN range % 2 = 0 THEN range::DECIMAL(18,3) END AS c, (range % 7)::BIGINT AS d "
      "FROM range(5000)) TO '" +
      path + "' (FORMAT PARQUET, ROW_GROUP_SIZE 2048, COMPRESSION ZSTD)";
  const std::string write_command = std::string(pqcheck) + " sql \"" + sql + "\" > /dev/null";
  ASSERT_EQ(std::system(write_command.c_str()), 0) << write_command;
  const nlohmann::json expected =
      nlohmann::json::parse(RunCapture(std::string(pqcheck) + " footer " + path));
  const std::string file = ReadFile(path);
  std::remove(path.c_str());

  Result<FileMetaData> parsed = ParseFooter(file);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  const FileMetaData& meta = *parsed;
  EXPECT_EQ(meta.num_rows, 5000);
  EXPECT_EQ(meta.version, AsInt(expected["version"]));
  EXPECT_EQ(meta.created_by, expected["created_by"].get<std::string>());

  ASSERT_EQ(meta.schema.size(), expected["schema"].size());
  for (size_t schema_idx = 0; schema_idx < meta.schema.size(); ++schema_idx) {
    const nlohmann::json& element = expected["schema"][schema_idx];
    EXPECT_EQ(meta.schema[schema_idx].name, element["name"].get<std::string>());
    if (element.contains("num_children")) {
      EXPECT_EQ(meta.schema[schema_idx].num_children, AsInt(element["num_children"]));
    }
  }
  ASSERT_TRUE(meta.schema[3].logical_type.has_value());
  EXPECT_EQ(meta.schema[3].logical_type->decimal_scale, 3);

  ASSERT_EQ(meta.row_groups.size(), expected["row_groups"].size());
  ASSERT_GE(meta.row_groups.size(), 2u);
  int64_t rows = 0;
  for (size_t group_idx = 0; group_idx < meta.row_groups.size(); ++group_idx) {
    const RowGroup& group = meta.row_groups[group_idx];
    const nlohmann::json& want_group = expected["row_groups"][group_idx];
    rows += group.num_rows;
    EXPECT_EQ(group.num_rows, AsInt(want_group["num_rows"]));
    EXPECT_EQ(group.total_byte_size, AsInt(want_group["total_byte_size"]));
    ASSERT_EQ(group.columns.size(), want_group["columns"].size());
    for (size_t col_idx = 0; col_idx < group.columns.size(); ++col_idx) {
      const ColumnMetaData& cmd = *group.columns[col_idx].meta_data;
      const nlohmann::json& want = want_group["columns"][col_idx]["meta_data"];
      SCOPED_TRACE("row group " + std::to_string(group_idx) + " column " + std::to_string(col_idx));
      EXPECT_EQ(cmd.codec, CompressionCodec::ZSTD);
      EXPECT_EQ(cmd.path_in_schema[0], want["path_in_schema"][0].get<std::string>());
      EXPECT_EQ(cmd.num_values, AsInt(want["num_values"]));
      EXPECT_EQ(cmd.total_compressed_size, AsInt(want["total_compressed_size"]));
      EXPECT_EQ(cmd.total_uncompressed_size, AsInt(want["total_uncompressed_size"]));
      EXPECT_EQ(cmd.data_page_offset, AsInt(want["data_page_offset"]));
      EXPECT_EQ(cmd.dictionary_page_offset.has_value(), want.contains("dictionary_page_offset"));
      if (cmd.dictionary_page_offset) {
        EXPECT_EQ(*cmd.dictionary_page_offset, AsInt(want["dictionary_page_offset"]));
      }
      EXPECT_EQ(cmd.encodings.size(), want["encodings"].size());
      ASSERT_TRUE(cmd.statistics.has_value());
      EXPECT_EQ(cmd.statistics->null_count, AsInt(want["statistics"]["null_count"]));
    }
  }
  EXPECT_EQ(rows, 5000);
}

}  // namespace
}  // namespace sluice::parquet

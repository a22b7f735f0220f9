// Cursor and catalog tests against the real MariaDB: every type through both protocols, the
// two protocols agreeing byte for byte, and a killed connection never looking like the end.
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>

#include "integration/all_types_fixture.h"
#include "integration/mysql_test_env.h"
#include "source/mysql/catalog.h"
#include "source/mysql/mysql_source.h"
#include "source/mysql/streaming_cursor.h"
#include "source/mysql/text_values.h"

namespace sluice::mysql {
namespace {

using sluice::testing::ConnectTestDb;
using sluice::testing::Exec;

class MysqlCursorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    SLUICE_REQUIRE_DB();
    conn_ = ConnectTestDb();
    ASSERT_NE(conn_, nullptr);
    Exec(conn_.get(), "DROP TABLE IF EXISTS all_types");
    Exec(conn_.get(), sluice::testing::kAllTypesDdl);
    for (const auto& sql : sluice::testing::AllTypesInserts()) Exec(conn_.get(), sql);
  }

  // Reads the whole table through `protocol` into one batch per call of Next, concatenated.
  std::vector<ColumnBatch> ReadAll(Protocol protocol, int64_t fetch_rows, CursorStats* stats) {
    SourceOptions options;
    options.table = "all_types";
    auto source = ResolveSource(conn_.get(), options);
    EXPECT_TRUE(source.ok()) << source.status().ToString();
    auto cursor = StreamingCursor::Open(conn_.get(), protocol, source->ChunkSpec(std::nullopt),
                                        {.fetch_rows = fetch_rows});
    EXPECT_TRUE(cursor.ok()) << cursor.status().ToString();
    std::vector<ColumnBatch> batches;
    while (true) {
      ColumnBatch batch(source->schema());
      auto more = (*cursor)->Next(&batch);
      EXPECT_TRUE(more.ok()) << more.status().ToString();
      if (!more.ok() || !*more) break;
      batches.push_back(std::move(batch));
    }
    *stats = (*cursor)->stats();
    schema_ = source->schema();
    return batches;
  }

  std::unique_ptr<Connection> conn_;
  Schema schema_;
};

TEST_F(MysqlCursorTest, CatalogMapsEveryType) {
  auto info = ReadTableInfo(conn_.get(), "all_types");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->primary_key, std::vector<std::string>{"id"});
  auto plans = MapColumns(info->DisplayName(), info->columns, {});
  ASSERT_TRUE(plans.ok()) << plans.status().ToString();
  Schema schema = SchemaOf(*plans);
  auto type_of = [&](const char* name) {
    return DescribeType(schema.columns[static_cast<size_t>(schema.FindColumn(name))]);
  };
  EXPECT_EQ(type_of("tb"), "INT32 INT(8)");
  EXPECT_EQ(type_of("biu"), "INT64 UINT(64)");
  EXPECT_EQ(type_of("dec_big"), "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10)");
  EXPECT_EQ(type_of("dec_u"), "FIXED_LEN_BYTE_ARRAY(9) DECIMAL(20,0)");
  EXPECT_EQ(type_of("b1"), "BOOLEAN");
  EXPECT_EQ(type_of("b64"), "INT64 UINT(64)");
  EXPECT_EQ(type_of("ts"), "INT64 TIMESTAMP(MICROS,UTC)");
  EXPECT_EQ(type_of("dtm6"), "INT64 TIMESTAMP(MICROS,LOCAL)");
  EXPECT_EQ(type_of("js"), "BYTE_ARRAY JSON");  // MariaDB: LONGTEXT + json_valid check
  EXPECT_EQ(type_of("en"), "BYTE_ARRAY ENUM");
  EXPECT_EQ(type_of("bl"), "BYTE_ARRAY");
  EXPECT_EQ(type_of("gen"), "INT64 INT(64)");
  EXPECT_FALSE(schema.columns[0].nullable);
}

TEST_F(MysqlCursorTest, BothProtocolsProduceIdenticalBatches) {
  CursorStats text_stats, binary_stats;
  auto text = ReadAll(Protocol::kText, 2, &text_stats);
  auto binary = ReadAll(Protocol::kBinary, 2, &binary_stats);
  ASSERT_EQ(text.size(), 3u);  // 5 rows in batches of 2
  ASSERT_EQ(binary.size(), text.size());
  EXPECT_EQ(text_stats.rows, 5);
  EXPECT_EQ(binary_stats.rows, 5);
  EXPECT_EQ(text_stats.zero_dates, 3);
  EXPECT_EQ(binary_stats.zero_dates, 3);
  EXPECT_EQ(text_stats.min_key, 1);
  EXPECT_EQ(text_stats.max_key, 5);
  for (size_t batch_idx = 0; batch_idx < text.size(); ++batch_idx) {
    for (int col = 0; col < text[batch_idx].num_columns(); ++col) {
      const ColumnVector& lhs = text[batch_idx].column(col);
      const ColumnVector& rhs = binary[batch_idx].column(col);
      const std::string& name = schema_.columns[static_cast<size_t>(col)].name;
      ASSERT_EQ(lhs.size(), rhs.size()) << name;
      for (int64_t row = 0; row < lhs.size(); ++row) {
        ASSERT_EQ(lhs.IsValid(row), rhs.IsValid(row)) << name << " row " << row;
        if (!lhs.IsValid(row)) continue;
        if (lhs.width() > 0) {
          EXPECT_EQ(
              0, std::memcmp(lhs.FixedAt(row), rhs.FixedAt(row), static_cast<size_t>(lhs.width())))
              << name << " batch " << batch_idx << " row " << row;
        } else {
          EXPECT_EQ(lhs.BytesAt(row), rhs.BytesAt(row)) << name << " row " << row;
        }
      }
    }
  }
}

TEST_F(MysqlCursorTest, EdgeValuesAreExact) {
  for (Protocol protocol : {Protocol::kText, Protocol::kBinary}) {
    SCOPED_TRACE(ProtocolName(protocol));
    CursorStats stats;
    auto batches = ReadAll(protocol, 100, &stats);
    ASSERT_EQ(batches.size(), 1u);
    const ColumnBatch& batch = batches[0];
    auto col = [&](const char* name) -> const ColumnVector& {
      return batch.column(schema_.FindColumn(name));
    };
    // Row 0 is all NULL apart from the key.
    EXPECT_FALSE(col("ti").IsValid(0));
    EXPECT_FALSE(col("js").IsValid(0));
    // Integer extremes (rows 1 and 2).
    EXPECT_EQ(col("bi").Get<int64_t>(1), std::numeric_limits<int64_t>::min());
    EXPECT_EQ(col("biu").Get<uint64_t>(2), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(col("iu").Get<uint32_t>(2), std::numeric_limits<uint32_t>::max());
    EXPECT_EQ(col("tb").Get<int32_t>(2), 127);
    EXPECT_EQ(col("b64").Get<uint64_t>(2), std::numeric_limits<uint64_t>::max());
    EXPECT_EQ(col("b12").Get<uint64_t>(2), 4095u);
    EXPECT_EQ(col("b1").Get<uint8_t>(2), 1);
    // DECIMAL(38,10) max: 10^38 - 1 unscaled, big-endian 16 bytes.
    const uint8_t* dec = col("dec_big").FixedAt(2);
    EXPECT_EQ(dec[0], 0x4B);  // 10^38-1 = 0x4B3B4CA85A86C47A098A223FFFFFFFFF
    EXPECT_EQ(dec[15], 0xFF);
    EXPECT_EQ(col("dec_small").Get<int32_t>(3), 0);  // -0.00
    EXPECT_EQ(col("dec_mid").Get<int64_t>(3), -1);
    // Temporal values.
    EXPECT_EQ(col("dtm6").Get<int64_t>(4), -1);  // 1969-12-31 23:59:59.999999
    EXPECT_EQ(col("tm").Get<int64_t>(1), -(838LL * 3600 + 59 * 60 + 59) * 1'000'000);
    EXPECT_EQ(col("tm").Get<int64_t>(4), 25LL * 3600 * 1'000'000 + 1);
    EXPECT_EQ(col("tm").Get<int64_t>(3), -500'000);
    EXPECT_EQ(col("ts").Get<int64_t>(1), 1'000'000);  // UTC instant, session tz +00:00
    EXPECT_FALSE(col("dt").IsValid(3));               // zero date -> NULL
    EXPECT_FALSE(col("ts").IsValid(3));
    EXPECT_EQ(col("dt").Get<int32_t>(2), 2932896);  // 9999-12-31
    // Strings and bytes.
    EXPECT_EQ(col("vc").BytesAt(2), "😀 4-byte 한국어 ñ");
    EXPECT_EQ(col("vc").BytesAt(1), "");
    EXPECT_TRUE(col("vc").IsValid(1));
    EXPECT_EQ(col("lt").BytesAt(2).size(), 400000u);  // longer than the initial buffer
    EXPECT_EQ(col("bin").BytesAt(2), std::string("\xDE\xAD\xBE\xEF", 4));
    EXPECT_EQ(col("bl").BytesAt(2), std::string("\x00\x01\x02\xFE\xFF", 5));
    EXPECT_EQ(col("st").BytesAt(3), "a,b,c");
    EXPECT_EQ(col("gen").Get<int64_t>(2), std::numeric_limits<int64_t>::max() / 2);
  }
}

TEST_F(MysqlCursorTest, SessionIsSetUpForLongStreamingReads) {
  auto rows = conn_->QueryRows(
      "SELECT @@session.time_zone, @@session.net_write_timeout, "
      "@@session.net_read_timeout, @@character_set_client");
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0][0].value(), "+00:00");
  EXPECT_EQ((*rows)[0][1].value(), "600");
  EXPECT_EQ((*rows)[0][2].value(), "600");
  EXPECT_EQ((*rows)[0][3].value(), "utf8mb4");
}

TEST_F(MysqlCursorTest, ErrorsNameWhatIsWrong) {
  SourceOptions options;
  options.table = "no_such_table";
  auto missing = ResolveSource(conn_.get(), options);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("no_such_table"), std::string::npos);

  options.table = "all_types";
  options.columns = {"id", "nope"};
  auto bad_column = ResolveSource(conn_.get(), options);
  ASSERT_FALSE(bad_column.ok());
  EXPECT_NE(bad_column.status().message().find("all_types.nope"), std::string::npos);

  Exec(conn_.get(), "DROP TABLE IF EXISTS shapes");
  Exec(conn_.get(), "CREATE TABLE shapes (id INT PRIMARY KEY, p POINT)");
  options = {};
  options.table = "shapes";
  auto unsupported = ResolveSource(conn_.get(), options);
  ASSERT_FALSE(unsupported.ok());
  EXPECT_EQ(unsupported.status().code(), StatusCode::kNotSupported);
  EXPECT_NE(unsupported.status().message().find("shapes.p"), std::string::npos);
  options.mapping.casts["p"] = "binary";
  EXPECT_TRUE(ResolveSource(conn_.get(), options).ok());

  auto url = ParseConnectionUrl(sluice::testing::TestMysqlUrl());
  url->password = "definitely-wrong-pw";
  auto denied = Connection::Open(*url, {});
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(denied.status().message().find("definitely-wrong-pw"), std::string::npos);
  EXPECT_NE(denied.status().message().find("Access denied"), std::string::npos);
}

// Test 3 of the reliability list at cursor level: KILL from another session mid-stream must
// surface as kUnavailable on both protocols, never as a short, successful result.
TEST_F(MysqlCursorTest, KilledConnectionIsAnErrorNotEndOfData) {
  Exec(conn_.get(), "DROP TABLE IF EXISTS big");
  Exec(conn_.get(), "CREATE TABLE big (id INT PRIMARY KEY, pad VARCHAR(200))");
  Exec(conn_.get(), "INSERT INTO big SELECT seq, REPEAT('x', 200) FROM seq_1_to_200000");
  for (Protocol protocol : {Protocol::kText, Protocol::kBinary}) {
    SCOPED_TRACE(ProtocolName(protocol));
    auto reader = ConnectTestDb();
    ASSERT_NE(reader, nullptr);
    SourceOptions options;
    options.table = "big";
    auto source = ResolveSource(reader.get(), options);
    ASSERT_TRUE(source.ok());
    auto cursor = StreamingCursor::Open(reader.get(), protocol, source->ChunkSpec(std::nullopt),
                                        {.fetch_rows = 1000});
    ASSERT_TRUE(cursor.ok());
    ColumnBatch batch(source->schema());
    ASSERT_TRUE((*cursor)->Next(&batch).ValueOrDie());
    Exec(conn_.get(), "KILL " + std::to_string(reader->thread_id()));
    Status final_status;
    int64_t rows = batch.num_rows();
    while (true) {
      auto more = (*cursor)->Next(&batch);
      if (!more.ok()) {
        final_status = more.status();
        break;
      }
      if (!*more) break;
      rows += batch.num_rows();
    }
    // Rows already buffered in the socket may arrive first, but the stream must end in error.
    EXPECT_LT(rows, 200000);
    ASSERT_FALSE(final_status.ok()) << "killed stream ended like a complete result";
    EXPECT_EQ(final_status.code(), StatusCode::kUnavailable) << final_status.ToString();
  }
}

TEST_F(MysqlCursorTest, QueryColumnsFromResultMetadata) {
  auto columns =
      ReadQueryColumns(conn_.get(), "SELECT id, biu, dec_big, vc, bl, en FROM all_types");
  ASSERT_TRUE(columns.ok()) << columns.status().ToString();
  auto plans = MapColumns("query", *columns, {});
  ASSERT_TRUE(plans.ok()) << plans.status().ToString();
  Schema schema = SchemaOf(*plans);
  EXPECT_EQ(DescribeType(schema.columns[1]), "INT64 UINT(64)");
  EXPECT_EQ(DescribeType(schema.columns[2]), "FIXED_LEN_BYTE_ARRAY(16) DECIMAL(38,10)");
  EXPECT_EQ(DescribeType(schema.columns[3]), "BYTE_ARRAY STRING");
  EXPECT_EQ(DescribeType(schema.columns[4]), "BYTE_ARRAY");
  EXPECT_EQ(DescribeType(schema.columns[5]), "BYTE_ARRAY ENUM");
}

}  // namespace
}  // namespace sluice::mysql

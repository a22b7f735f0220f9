#include <gtest/gtest.h>

#include <filesystem>

#include "sluice/parquet_reader.h"
#include "sluice/validate.h"
#include "unit/validate/test_util.h"

namespace sluice::validate::testing {
namespace {

CastSpec Spec(const std::string& text) {
  auto spec = ParseCastSpec(text);
  EXPECT_TRUE(spec.ok()) << text << ": " << spec.status().ToString();
  return spec.ok() ? *spec : CastSpec{};
}

TEST(ParseCastSpecTest, Forms) {
  CastSpec dec = Spec("amount=decimal(12,2):comma:quarantine");
  EXPECT_EQ(dec.column, "amount");
  EXPECT_EQ(dec.target, CastTarget::kDecimal);
  EXPECT_EQ(dec.precision, 12);
  EXPECT_EQ(dec.scale, 2);
  EXPECT_EQ(dec.format, "comma");
  EXPECT_EQ(dec.on_error, OnError::kQuarantine);

  CastSpec ts = Spec("ts=timestamp:%d/%m/%Y %H:%M:%S:null");
  EXPECT_EQ(ts.target, CastTarget::kTimestamp);
  EXPECT_EQ(ts.format, "%d/%m/%Y %H:%M:%S");
  EXPECT_EQ(ts.on_error, OnError::kNull);

  CastSpec ts2 = Spec("ts=timestamp:%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(ts2.format, "%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(ts2.on_error, OnError::kFail);

  CastSpec plain = Spec("n=int");
  EXPECT_EQ(plain.target, CastTarget::kInt64);
  EXPECT_EQ(plain.format, "");
  CastSpec only_mode = Spec("n=int32:null");
  EXPECT_EQ(only_mode.target, CastTarget::kInt32);
  EXPECT_EQ(only_mode.format, "");
  EXPECT_EQ(only_mode.on_error, OnError::kNull);

  EXPECT_TRUE(Spec("old=drop").drop);
  EXPECT_EQ(Spec("old=rename:new").rename, "new");
  EXPECT_FALSE(ParseCastSpec("amount").ok());
  EXPECT_FALSE(ParseCastSpec("=int").ok());
  EXPECT_FALSE(ParseCastSpec("a=decimal(40,2)").ok());
  EXPECT_FALSE(ParseCastSpec("a=decimal(5,6)").ok());
  EXPECT_FALSE(ParseCastSpec("a=blob").ok());
  EXPECT_FALSE(ParseCastSpec("a=rename:").ok());
}

Schema RawSchema() {
  return Schema{{Int64Column("id", false), StringColumn("amount"), StringColumn("day"),
                 StringColumn("note")}};
}

TEST(CastPlanTest, DecimalWithBlanksCommasAndJunkUnderEachMode) {
  Schema source = RawSchema();
  ColumnBatch in = MakeBatch(source, {{"1", "1,234.50", "2024-01-02", "a"},
                                      {"2", "  ", "2024-01-02", "b"},
                                      {"3", "12.345", "2024-01-02", "c"},
                                      {"4", "n/a", "2024-01-02", "d"},
                                      {"5", std::nullopt, "2024-01-02", "e"},
                                      {"6", " -7 ", "2024-01-02", "f"}});
  for (OnError mode : {OnError::kFail, OnError::kNull, OnError::kQuarantine}) {
    CastSpec spec = Spec("amount=decimal(12,2):comma");
    spec.on_error = mode;
    auto plan = CastPlan::Make({spec}, source, "id");
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    const Schema& out_schema = plan->output_schema();
    EXPECT_EQ(out_schema.columns[1].physical, PhysicalType::kInt64);
    EXPECT_EQ(out_schema.columns[1].logical, LogicalType::Decimal(12, 2));
    ColumnBatch out;
    MemoryRejectSink sink;
    CastStats stats;
    Status status = plan->Apply(in, &out, &sink, &stats);
    if (mode == OnError::kFail) {
      ASSERT_EQ(status.code(), StatusCode::kValidationFailed);
      EXPECT_NE(status.message().find("row 3"), std::string::npos) << status.message();
      EXPECT_NE(status.message().find("\"12.345\""), std::string::npos) << status.message();
      continue;
    }
    ASSERT_TRUE(status.ok()) << status.ToString();
    if (mode == OnError::kNull) {
      EXPECT_EQ(
          ColumnJson(out_schema, out, 1),
          (std::vector<std::string>{"\"1234.50\"", "null", "null", "null", "null", "\"-7.00\""}));
      ASSERT_EQ(stats.columns.size(), 1u);
      EXPECT_EQ(stats.columns[0].nulled, 2);
      EXPECT_EQ(stats.columns[0].samples[0],
                (std::pair<std::string, std::string>{"3", "\"12.345\""}));
      EXPECT_TRUE(sink.rows.empty());
    } else {
      EXPECT_EQ(ColumnJson(out_schema, out, 0), (std::vector<std::string>{"1", "2", "5", "6"}));
      EXPECT_EQ(ColumnJson(out_schema, out, 1),
                (std::vector<std::string>{"\"1234.50\"", "null", "null", "\"-7.00\""}));
      EXPECT_EQ(sink.rows, (std::vector<int64_t>{2, 3}));
      EXPECT_EQ(sink.columns, (std::vector<std::string>{"amount", "amount"}));
      EXPECT_EQ(
          sink.reasons[0],
          "amount: cannot cast \"12.345\" to DECIMAL(12,2): more fraction digits than the scale");
      EXPECT_EQ(stats.rows_quarantined, 2);
      EXPECT_EQ(stats.columns[0].quarantined, 2);
    }
  }
}

// ApplyTaking() gives the same output as Apply(), moving unchanged columns out of the input
// when no row is quarantined, and copying (the rejects need the input) when one is.
TEST(CastPlanTest, ApplyTakingMovesUnchangedColumnsUnlessRowsAreQuarantined) {
  Schema source = RawSchema();
  auto plan = CastPlan::Make(
      {Spec("amount=decimal(12,2):comma:quarantine"), Spec("note=string"), Spec("day=rename:when")},
      source, "id");
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const Schema& out_schema = plan->output_schema();
  for (bool with_reject : {false, true}) {
    ColumnBatch clean = MakeBatch(source, {{"1", "1,234.50", "2024-01-02", "a"},
                                           {"2", with_reject ? "n/a" : "3", "2024-01-03", "b"}});
    ColumnBatch expected;
    MemoryRejectSink expected_sink;
    ASSERT_TRUE(plan->Apply(clean, &expected, &expected_sink, nullptr).ok());
    ColumnBatch in = clean;
    ColumnBatch out;
    MemoryRejectSink sink;
    ASSERT_TRUE(plan->ApplyTaking(&in, &out, &sink, nullptr).ok());
    for (int col = 0; col < out_schema.num_columns(); ++col) {
      EXPECT_EQ(ColumnJson(out_schema, out, col), ColumnJson(out_schema, expected, col))
          << "column " << col << (with_reject ? " with a reject" : "");
    }
    EXPECT_EQ(sink.rows, expected_sink.rows);
    // id, day and the clean note were moved out of `in` (it got the empty output buffers).
    EXPECT_EQ(in.column(0).size(), with_reject ? 2 : 0);
    EXPECT_EQ(in.column(2).size(), with_reject ? 2 : 0);
    EXPECT_EQ(in.column(3).size(), with_reject ? 2 : 0);
    EXPECT_EQ(in.column(1).size(), 2);  // the cast column is only read
  }
}

TEST(CastPlanTest, EveryTargetType) {
  Schema source{{StringColumn("i32"), StringColumn("i64"), StringColumn("dbl"), StringColumn("big"),
                 StringColumn("d"), StringColumn("ts"), StringColumn("s")}};
  ColumnBatch in = MakeBatch(source, {{"-5", "9000000000", "2.5e2", "-12345678901234567890.123",
                                       "29.02.2024", "2024-02-29T23:59:59.5", "  x  "},
                                      {"", "", "", "", "", "", "   "}});
  auto plan = CastPlan::Make(
      {Spec("i32=int32"), Spec("i64=int64"), Spec("dbl=double"), Spec("big=decimal(30,3)"),
       Spec("d=date:%d.%m.%Y"), Spec("ts=timestamp:%Y-%m-%dT%H:%M:%S%f"), Spec("s=string")},
      source);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const Schema& schema = plan->output_schema();
  EXPECT_EQ(schema.columns[3].physical, PhysicalType::kFixedLenByteArray);
  EXPECT_EQ(schema.columns[3].type_length, 13);  // DECIMAL(30) needs 13 bytes
  ColumnBatch out;
  ASSERT_TRUE(plan->Apply(in, &out, nullptr, nullptr).ok());
  std::vector<std::string> first, second;
  for (int col = 0; col < 7; ++col) {
    first.push_back(ColumnJson(schema, out, col)[0]);
    second.push_back(ColumnJson(schema, out, col)[1]);
  }
  EXPECT_EQ(first, (std::vector<std::string>{"-5", "9000000000", "250",
                                             "\"-12345678901234567890.123\"", "\"2024-02-29\"",
                                             "\"2024-02-29T23:59:59.500000\"", "\"x\""}));
  // Blank text is NULL everywhere (trim + empty_as_null are the defaults).
  EXPECT_EQ(second, std::vector<std::string>(7, "null"));
}

TEST(CastPlanTest, EmptyAsNullOffMakesBlanksErrors) {
  Schema source{{StringColumn("n")}};
  CastSpec spec = Spec("n=int64:null");
  spec.empty_as_null = false;
  auto plan = CastPlan::Make({spec}, source);
  ASSERT_TRUE(plan.ok());
  ColumnBatch out;
  CastStats stats;
  ASSERT_TRUE(plan->Apply(MakeBatch(source, {{""}, {"1"}}), &out, nullptr, &stats).ok());
  EXPECT_EQ(stats.columns[0].nulled, 1);
  EXPECT_EQ(stats.columns[0].samples[0].second, "\"\"");
}

TEST(CastPlanTest, RenameDropAndPassThrough) {
  Schema source = RawSchema();
  auto plan = CastPlan::Make({Spec("note=drop"), Spec("day=rename:day_text")}, source);
  ASSERT_TRUE(plan.ok());
  const Schema& schema = plan->output_schema();
  ASSERT_EQ(schema.num_columns(), 3);
  EXPECT_EQ(schema.columns[2].name, "day_text");
  EXPECT_EQ(schema.columns[0], source.columns[0]);  // untouched columns keep their schema
  ColumnBatch out;
  ASSERT_TRUE(
      plan->Apply(MakeBatch(source, {{"1", "x", " d ", "n"}}), &out, nullptr, nullptr).ok());
  EXPECT_EQ(ColumnJson(schema, out, 2),
            std::vector<std::string>{"\"d\""});  // renamed text is trimmed
}

TEST(CastPlanTest, PlanErrorsBeforeData) {
  Schema source = RawSchema();
  EXPECT_NE(CastPlan::Make({Spec("nope=int")}, source).status().message().find("no such column"),
            std::string::npos);
  EXPECT_NE(CastPlan::Make({Spec("id=int32")}, source).status().message().find("read text"),
            std::string::npos);
  EXPECT_FALSE(CastPlan::Make({Spec("amount=int"), Spec("amount=double")}, source).ok());
  EXPECT_FALSE(CastPlan::Make({Spec("amount=rename:day")}, source).ok());  // clashes with day
  EXPECT_FALSE(CastPlan::Make({Spec("day=date:%Y")}, source).ok());
  EXPECT_FALSE(CastPlan::Make({Spec("amount=int:weird")}, source).ok());
  EXPECT_FALSE(CastPlan::Make({}, source, "missing_key").ok());
  EXPECT_FALSE(
      CastPlan::Make({Spec("id=drop"), Spec("amount=drop"), Spec("day=drop"), Spec("note=drop")},
                     source)
          .ok());
}

TEST(RejectFileWriterTest, WritesRowsWithReasonsOnlyWhenThereAreRejects) {
  std::string dir = ::testing::TempDir() + "reject_writer_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  Schema source = RawSchema();
  {
    auto empty = RejectFileWriter::Open(RejectsPath(dir, "part-00000.parquet"), source);
    ASSERT_TRUE(empty.ok());
    ASSERT_TRUE((*empty)->Close().ok());
    EXPECT_FALSE(std::filesystem::exists(RejectsPath(dir, "part-00000.parquet")));
  }
  CastSpec spec = Spec("amount=decimal(5,2):quarantine");
  auto plan = CastPlan::Make({spec}, source, "id");
  ASSERT_TRUE(plan.ok());
  auto sink = RejectFileWriter::Open(RejectsPath(dir, "part-00001.parquet"), source);
  ASSERT_TRUE(sink.ok());
  ColumnBatch out;
  ASSERT_TRUE(
      plan->Apply(MakeBatch(source, {{"1", "1.5", "d", "n"}, {"2", "x", std::nullopt, "m"}}), &out,
                  sink->get(), nullptr)
          .ok());
  ASSERT_TRUE((*sink)->Close().ok());
  EXPECT_EQ((*sink)->rows_written(), 1);
  auto reader = ParquetFileReader::Open(RejectsPath(dir, "part-00001.parquet"));
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  const Schema& schema = (*reader)->schema();
  ASSERT_EQ(schema.num_columns(), 6);
  auto batch = (*reader)->ReadRowGroup(0, {0, 1, 2, 3, 4, 5});
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(ColumnJson(schema, *batch, 0), std::vector<std::string>{"2"});
  EXPECT_EQ(ColumnJson(schema, *batch, 1), std::vector<std::string>{"\"x\""});
  EXPECT_EQ(ColumnJson(schema, *batch, 2), std::vector<std::string>{"null"});
  EXPECT_EQ(ColumnJson(schema, *batch, 4), std::vector<std::string>{"\"amount\""});
  EXPECT_EQ(
      ColumnJson(schema, *batch, 5),
      std::vector<std::string>{"\"amount: cannot cast \\\"x\\\" to DECIMAL(5,2): not a number\""});
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sluice::validate::testing

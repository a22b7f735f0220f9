#include "engine/spill/spill_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

namespace sluice::engine {
namespace {

TEST(SpillFileTest, RoundTripsEveryStorageWithNulls) {
  std::vector<SqlType> types = {SqlType::Of(TypeId::kInt64), SqlType::Decimal(38, 4),
                                SqlType::Of(TypeId::kDouble), SqlType::Of(TypeId::kVarchar),
                                SqlType::Of(TypeId::kBoolean)};
  std::string dir = "/tmp/sluice-spill-test-" + std::to_string(::getpid());
  auto file = SpillFile::Create(dir, types);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  DataChunk chunk(types);
  for (int64_t row = 0; row < 1000; ++row) {
    if (row % 7 == 0) {
      for (auto& column : chunk.columns) column.AppendNull();
    } else {
      chunk.columns[0].AppendValue(Value::Int(types[0], row * 1000000007LL));
      chunk.columns[1].AppendValue(Value::Wide(types[1], static_cast<int128>(row) << 90));
      chunk.columns[2].AppendValue(Value::Double(row / 3.0));
      chunk.columns[3].AppendStr(std::string(static_cast<size_t>(row % 50), 'x'));
      chunk.columns[4].AppendValue(Value::Boolean(row % 2 == 0));
    }
    ++chunk.size;
  }
  ASSERT_TRUE((*file)->Append(chunk).ok());
  ASSERT_TRUE((*file)->Append(chunk).ok());
  ASSERT_TRUE((*file)->FinishWriting().ok());
  EXPECT_EQ((*file)->rows(), 2000);
  for (int pass = 0; pass < 2; ++pass) {
    DataChunk back;
    auto more = (*file)->Read(&back);
    ASSERT_TRUE(more.ok() && *more);
    ASSERT_EQ(back.size, 1000);
    for (int64_t row = 0; row < 1000; ++row) {
      for (size_t col = 0; col < types.size(); ++col) {
        Value expected = chunk.columns[col].GetValue(row);
        Value got = back.columns[col].GetValue(row);
        ASSERT_EQ(expected.is_null, got.is_null) << row;
        EXPECT_EQ(expected.i64, got.i64);
        EXPECT_TRUE(expected.i128 == got.i128);
        EXPECT_EQ(expected.f64, got.f64);
        EXPECT_EQ(expected.str, got.str);
      }
    }
  }
  DataChunk end;
  auto more = (*file)->Read(&end);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace sluice::engine

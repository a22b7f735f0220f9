#include <gtest/gtest.h>

#include "sluice/result.h"

namespace sluice {
namespace {

Result<int> Half(int value) {
  if (value % 2 != 0) return Status::InvalidArgument("odd value " + std::to_string(value));
  return value / 2;
}

Status UseHalf(int value, int* out) {
  SLUICE_ASSIGN_OR_RETURN(*out, Half(value));
  return Status::OK();
}

TEST(StatusTest, OkAndErrors) {
  EXPECT_TRUE(Status::OK().ok());
  Status st = Status::Corruption("bad page").WithContext("file x.parquet");
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_EQ(st.ToString(), "Corruption: file x.parquet: bad page");
}

TEST(StatusTest, ResultPropagation) {
  int out = 0;
  EXPECT_TRUE(UseHalf(8, &out).ok());
  EXPECT_EQ(out, 4);
  Status st = UseHalf(3, &out);
  EXPECT_EQ(st.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("odd value 3"), std::string::npos);
}

}  // namespace
}  // namespace sluice

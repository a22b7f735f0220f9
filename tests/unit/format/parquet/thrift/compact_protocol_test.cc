// Tests of CompactWriter/CompactReader: exact bytes against encodings computed by hand from the
// Thrift compact-protocol spec, and the reader's bounds, limit and depth checks.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "format/parquet/thrift/compact_reader.h"
#include "format/parquet/thrift/compact_writer.h"

namespace sluice::parquet::thrift {
namespace {

std::string Hex(const std::string& bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char byte : bytes) {
    if (!hex.empty()) hex += ' ';
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xF];
  }
  return hex;
}

const uint8_t* Data(const std::string& bytes) {
  return reinterpret_cast<const uint8_t*>(bytes.data());
}

std::string Raw(std::initializer_list<int> bytes) {
  std::string out;
  for (int byte : bytes) out.push_back(static_cast<char>(byte));
  return out;
}

// ------------------------------------------------------------------------------------------
// Writer: exact bytes

TEST(CompactWriterTest, ShortFieldHeaderAndZigZagOfMinusOne) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldI32(1, -1);   // header (1 << 4) | 5 = 0x15; zigzag(-1) = 1
  w.FieldI32(2, 0);    // delta 1 again: 0x15; zigzag(0) = 0
  w.FieldI64(4, 150);  // delta 2, type 6: 0x26; zigzag(150) = 300 = 0xAC 0x02
  w.StructEnd();       // stop 0x00
  EXPECT_EQ(Hex(out), "15 01 15 00 26 ac 02 00");
}

TEST(CompactWriterTest, LongFieldHeaderForBigDeltaAndDecreasingIds) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldI32(20, 5);  // delta 20 > 15: type 0x05, zigzag i16 id 40 = 0x28, zigzag(5) = 0x0a
  w.FieldI32(3, 1);   // id goes down: long form 0x05, zigzag(3) = 0x06, value 0x02
  w.FieldI32(18, 1);  // delta 15: short form 0xf5
  w.StructEnd();
  EXPECT_EQ(Hex(out), "05 28 0a 05 06 02 f5 02 00");
}

TEST(CompactWriterTest, BoolFieldsAreTheHeaderType) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldBool(1, true);   // 0x11
  w.FieldBool(2, false);  // delta 1 again, type 2: 0x12
  w.StructEnd();
  EXPECT_EQ(Hex(out), "11 12 00");
}

TEST(CompactWriterTest, IntegerExtremes) {
  std::string out;
  CompactWriter w(&out);
  w.WriteI16(std::numeric_limits<int16_t>::min());  // zigzag 65535 = ff ff 03
  w.WriteI32(std::numeric_limits<int32_t>::max());  // zigzag 0xfffffffe = fe ff ff ff 0f
  w.WriteI64(std::numeric_limits<int64_t>::min());  // zigzag 2^64-1: nine ff then 01
  w.WriteI8(-1);                                    // raw byte ff
  EXPECT_EQ(Hex(out), "ff ff 03 fe ff ff ff 0f ff ff ff ff ff ff ff ff ff 01 ff");
}

TEST(CompactWriterTest, DoubleBinaryAndNestedStructs) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldDouble(1, 1.0);   // 0x17 then 1.0 little-endian: 00 00 00 00 00 00 f0 3f
  w.FieldBinary(2, "ab");  // 0x18, length 2, 'a' 'b'
  w.FieldStructBegin(3);   // 0x1c
  w.FieldI32(1, 1);        // inner ids restart at 0: 0x15 0x02
  w.StructEnd();           // 0x00
  w.FieldI32(4, 1);        // outer last id is 3 again: delta 1 -> 0x15 0x02
  w.StructEnd();
  EXPECT_EQ(Hex(out), "17 00 00 00 00 00 00 f0 3f 18 02 61 62 1c 15 02 00 15 02 00");
}

TEST(CompactWriterTest, ListHeaders) {
  std::string out;
  CompactWriter w(&out);
  w.ListHeader(CompactType::kI32, 3);       // short form: (3 << 4) | 5 = 0x35
  w.ListHeader(CompactType::kI32, 14);      // largest short form: 0xe5
  w.ListHeader(CompactType::kI32, 15);      // long form: 0xf5, varint 15 = 0x0f
  w.ListHeader(CompactType::kStruct, 300);  // 0xfc, varint 300 = ac 02
  w.ListHeader(CompactType::kBoolTrue, 0);  // 0x01
  EXPECT_EQ(Hex(out), "35 e5 f5 0f fc ac 02 01");
}

TEST(CompactWriterTest, MapHeaderAndBoolElements) {
  std::string out;
  CompactWriter w(&out);
  w.MapHeader(CompactType::kBinary, CompactType::kI32, 2);  // varint 2, (8 << 4) | 5 = 0x85
  w.MapHeader(CompactType::kBinary, CompactType::kI32, 0);  // empty map: just 0x00
  w.WriteBool(true);
  w.WriteBool(false);
  EXPECT_EQ(Hex(out), "02 85 00 01 02");
}

// ------------------------------------------------------------------------------------------
// Reader

TEST(CompactReaderTest, ReadsWhatTheWriterWrote) {
  std::string out;
  CompactWriter w(&out);
  w.StructBegin();
  w.FieldBool(1, true);
  w.FieldI8(2, -7);
  w.FieldI16(3, -300);
  w.FieldI32(40, std::numeric_limits<int32_t>::min());
  w.FieldI64(41, std::numeric_limits<int64_t>::max());
  w.FieldDouble(42, -2.5);
  w.FieldBinary(2, std::string("x\0y", 3));
  w.FieldListBegin(43, CompactType::kBoolTrue, 3);
  w.WriteBool(true);
  w.WriteBool(false);
  w.WriteBool(true);
  w.StructEnd();

  CompactReader r(Data(out), out.size(), 0);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader h;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 1);
  EXPECT_EQ(h.type, CompactType::kBoolTrue);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 2);
  int8_t i8 = 0;
  ASSERT_TRUE(r.ReadI8(&i8).ok());
  EXPECT_EQ(i8, -7);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  int16_t i16 = 0;
  ASSERT_TRUE(r.ReadI16(&i16).ok());
  EXPECT_EQ(i16, -300);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 40);
  int32_t i32 = 0;
  ASSERT_TRUE(r.ReadI32(&i32).ok());
  EXPECT_EQ(i32, std::numeric_limits<int32_t>::min());
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 41);
  int64_t i64 = 0;
  ASSERT_TRUE(r.ReadI64(&i64).ok());
  EXPECT_EQ(i64, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  double dbl = 0;
  ASSERT_TRUE(r.ReadDouble(&dbl).ok());
  EXPECT_EQ(dbl, -2.5);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 2);
  std::string str;
  ASSERT_TRUE(r.ReadBinary(&str).ok());
  EXPECT_EQ(str, std::string("x\0y", 3));
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 43);
  EXPECT_EQ(h.type, CompactType::kList);
  CompactType element_type = CompactType::kStop;
  int64_t size = 0;
  ASSERT_TRUE(r.ReadListHeader(&element_type, &size).ok());
  EXPECT_EQ(size, 3);
  bool flags[3] = {};
  for (bool& flag : flags) ASSERT_TRUE(r.ReadBool(&flag).ok());
  EXPECT_TRUE(flags[0]);
  EXPECT_FALSE(flags[1]);
  EXPECT_TRUE(flags[2]);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.type, CompactType::kStop);
  ASSERT_TRUE(r.StructEnd().ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(CompactReaderTest, VarintLongerThanTenBytesIsCorruption) {
  std::string bytes(11, static_cast<char>(0x80));
  bytes.push_back(0);
  CompactReader r(Data(bytes), bytes.size(), 1000);
  uint64_t value = 0;
  Status st = r.ReadVarint(&value);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("offset 1000"), std::string::npos) << st.message();
}

TEST(CompactReaderTest, TenByteVarintOverflowingIsCorruption) {
  // Nine continuation bytes then a 10th byte with bit 1 set: bit 64 would be needed.
  std::string bytes(9, static_cast<char>(0xFF));
  bytes.push_back(0x02);
  CompactReader r(Data(bytes), bytes.size(), 0);
  uint64_t value = 0;
  EXPECT_EQ(r.ReadVarint(&value).code(), StatusCode::kCorruption);
  // ...while the maximal legal one decodes to 2^64 - 1.
  bytes.back() = 0x01;
  CompactReader ok_reader(Data(bytes), bytes.size(), 0);
  ASSERT_TRUE(ok_reader.ReadVarint(&value).ok());
  EXPECT_EQ(value, std::numeric_limits<uint64_t>::max());
}

TEST(CompactReaderTest, OutOfRangeI32AndI16AreCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteVarint(uint64_t{1} << 32);  // zigzag code just beyond i32
  CompactReader r(Data(bytes), bytes.size(), 0);
  int32_t i32 = 0;
  EXPECT_EQ(r.ReadI32(&i32).code(), StatusCode::kCorruption);
  CompactReader r16(Data(bytes), bytes.size(), 0);
  int16_t i16 = 0;
  EXPECT_EQ(r16.ReadI16(&i16).code(), StatusCode::kCorruption);
}

TEST(CompactReaderTest, HugeStringLengthIsCorruptionWithOffsetAndValues) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteVarint(4294967295u);
  bytes.append(17, 'x');
  CompactReader r(Data(bytes), bytes.size(), 1234);
  std::string value;
  Status st = r.ReadBinary(&value);
  ASSERT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("string length 4294967295"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("remaining 17 bytes"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("at offset 1234"), std::string::npos) << st.message();
}

TEST(CompactReaderTest, StringLongerThanLimitIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.WriteBinary("0123456789");
  ThriftLimits limits;
  limits.max_string_size = 9;
  CompactReader r(Data(bytes), bytes.size(), 0, limits);
  std::string value;
  Status st = r.ReadBinary(&value);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("limit"), std::string::npos) << st.message();
}

TEST(CompactReaderTest, ListSizeChecks) {
  {
    // 1e9 elements: above max_list_size.
    std::string bytes;
    CompactWriter w(&bytes);
    w.ListHeader(CompactType::kI32, 1000000000);
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    Status st = r.ReadListHeader(&type, &size);
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("limit"), std::string::npos) << st.message();
  }
  {
    // 100 i32 elements but 5 bytes left: each element needs at least one byte.
    std::string bytes;
    CompactWriter w(&bytes);
    w.ListHeader(CompactType::kI32, 100);
    bytes.append(5, '\0');
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    Status st = r.ReadListHeader(&type, &size);
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("remaining 5 bytes"), std::string::npos) << st.message();
  }
  {
    // Two doubles need 16 bytes; 10 are there.
    std::string bytes;
    CompactWriter w(&bytes);
    w.ListHeader(CompactType::kDouble, 2);
    bytes.append(10, '\0');
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    EXPECT_EQ(r.ReadListHeader(&type, &size).code(), StatusCode::kCorruption);
  }
  {
    // Bool elements are one byte each in a compact list: 3 bools need 3 bytes.
    std::string bytes;
    CompactWriter w(&bytes);
    w.ListHeader(CompactType::kBoolTrue, 3);
    bytes.append(2, '\1');
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    EXPECT_EQ(r.ReadListHeader(&type, &size).code(), StatusCode::kCorruption);
  }
  {
    // Exactly enough bytes is fine, and a max_list_size limit of 2 rejects 3 elements.
    std::string bytes;
    CompactWriter w(&bytes);
    w.ListHeader(CompactType::kI8, 3);
    bytes.append(3, '\1');
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    ASSERT_TRUE(r.ReadListHeader(&type, &size).ok());
    EXPECT_EQ(size, 3);
    ThriftLimits limits;
    limits.max_list_size = 2;
    CompactReader limited(Data(bytes), bytes.size(), 0, limits);
    EXPECT_EQ(limited.ReadListHeader(&type, &size).code(), StatusCode::kCorruption);
  }
  {
    // Element type 13 is not a Thrift type.
    std::string bytes = Raw({0x1D, 0x00});
    CompactReader r(Data(bytes), bytes.size(), 0);
    CompactType type;
    int64_t size = 0;
    EXPECT_EQ(r.ReadListHeader(&type, &size).code(), StatusCode::kCorruption);
  }
}

TEST(CompactReaderTest, BoolElementValues) {
  std::string bytes = Raw({1, 2, 0, 3});
  CompactReader r(Data(bytes), bytes.size(), 0);
  bool value = false;
  ASSERT_TRUE(r.ReadBool(&value).ok());
  EXPECT_TRUE(value);
  ASSERT_TRUE(r.ReadBool(&value).ok());
  EXPECT_FALSE(value);
  ASSERT_TRUE(r.ReadBool(&value).ok());  // 0 accepted as false
  EXPECT_FALSE(value);
  Status st = r.ReadBool(&value);
  EXPECT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("offset 3"), std::string::npos) << st.message();
}

TEST(CompactReaderTest, InvalidFieldTypeIsCorruption) {
  std::string bytes = Raw({0x1E, 0x00});  // type 14
  CompactReader r(Data(bytes), bytes.size(), 0);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader h;
  EXPECT_EQ(r.ReadFieldHeader(&h).code(), StatusCode::kCorruption);
}

TEST(CompactReaderTest, FieldIdOverflowIsCorruption) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldI8(32767, 1);
  bytes.push_back(static_cast<char>(0x13));  // delta 1 from 32767 overflows i16
  bytes.push_back(1);
  w.StructEnd();
  CompactReader r(Data(bytes), bytes.size(), 0);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader h;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 32767);
  int8_t ignored = 0;
  ASSERT_TRUE(r.ReadI8(&ignored).ok());
  EXPECT_EQ(r.ReadFieldHeader(&h).code(), StatusCode::kCorruption);
}

// Writes one value of every type, including nested containers, as field `id`.
void WriteEveryKind(CompactWriter& w) {
  w.FieldBool(1, true);
  w.FieldI8(2, 1);
  w.FieldI16(3, -2);
  w.FieldI32(4, 3);
  w.FieldI64(5, -4);
  w.FieldDouble(6, 5.5);
  w.FieldBinary(7, "six");
  w.FieldListBegin(8, CompactType::kStruct, 2);
  for (int elem = 0; elem < 2; ++elem) {
    w.StructBegin();
    w.FieldListBegin(300, CompactType::kBoolTrue, 2);  // long-form id inside a nested struct
    w.WriteBool(true);
    w.WriteBool(false);
    w.StructEnd();
  }
  w.FieldHeader(9, CompactType::kSet);
  w.ListHeader(CompactType::kDouble, 1);
  w.WriteDouble(1.0);
  w.FieldHeader(10, CompactType::kMap);
  w.MapHeader(CompactType::kBinary, CompactType::kList, 2);
  for (int entry = 0; entry < 2; ++entry) {
    w.WriteBinary("key");
    w.ListHeader(CompactType::kI64, 16);  // long list form
    for (int64_t value = 0; value < 16; ++value) w.WriteI64(value * 1000);
  }
  w.FieldHeader(11, CompactType::kMap);
  w.MapHeader(CompactType::kI32, CompactType::kI32, 0);
  w.FieldHeader(12, CompactType::kMap);
  w.MapHeader(CompactType::kBoolTrue, CompactType::kStruct, 1);
  w.WriteBool(false);
  w.StructBegin();
  w.FieldStructBegin(1);
  w.StructEnd();
  w.StructEnd();
}

TEST(CompactReaderTest, SkipsEveryKindOfValue) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  w.FieldStructBegin(1);
  WriteEveryKind(w);
  w.StructEnd();
  w.FieldI32(2, 42);
  w.StructEnd();
  bytes += "trailing";

  CompactReader r(Data(bytes), bytes.size(), 0);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader h;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  ASSERT_EQ(h.type, CompactType::kStruct);
  ASSERT_TRUE(r.Skip(h.type).ok());
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.id, 2);  // the delta is relative to field 1 of this struct, not the skipped one
  int32_t value = 0;
  ASSERT_TRUE(r.ReadI32(&value).ok());
  EXPECT_EQ(value, 42);
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  EXPECT_EQ(h.type, CompactType::kStop);
  EXPECT_EQ(r.remaining(), 8u);
}

TEST(CompactReaderTest, SkippingTruncatedInputIsCorruptionAtEveryLength) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.StructBegin();
  WriteEveryKind(w);
  w.StructEnd();
  for (size_t len = 0; len < bytes.size(); ++len) {
    CompactReader r(Data(bytes), len, 0);
    EXPECT_EQ(r.Skip(CompactType::kStruct).code(), StatusCode::kCorruption) << "len " << len;
  }
  CompactReader full(Data(bytes), bytes.size(), 0);
  EXPECT_TRUE(full.Skip(CompactType::kStruct).ok());
}

std::string NestedStructs(int depth) {
  std::string bytes;
  CompactWriter w(&bytes);
  for (int level = 0; level < depth; ++level) w.FieldStructBegin(1);
  for (int level = 0; level < depth; ++level) w.StructEnd();
  return bytes;
}

TEST(CompactReaderTest, DeepNestingWhileSkippingIsCorruption) {
  ThriftLimits limits;
  limits.max_depth = 16;
  {
    std::string ok_bytes = NestedStructs(15);  // the value skipped is a struct of depth 15
    CompactReader r(Data(ok_bytes), ok_bytes.size(), 0, limits);
    ASSERT_TRUE(r.StructBegin().ok());  // the outermost struct is depth 1
    FieldHeader h;
    ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
    EXPECT_TRUE(r.Skip(h.type).ok());
  }
  {
    std::string deep = NestedStructs(100000);  // would overflow the stack without the limit
    CompactReader r(Data(deep), deep.size(), 0, limits);
    ASSERT_TRUE(r.StructBegin().ok());
    FieldHeader h;
    ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
    Status st = r.Skip(h.type);
    EXPECT_EQ(st.code(), StatusCode::kCorruption);
    EXPECT_NE(st.message().find("nesting depth"), std::string::npos) << st.message();
  }
  {
    // Lists of lists of lists... (header 0x19: one element of type list).
    std::string lists(100000, static_cast<char>(0x19));
    CompactReader r(Data(lists), lists.size(), 0, limits);
    EXPECT_EQ(r.Skip(CompactType::kList).code(), StatusCode::kCorruption);
  }
  {
    // StructBegin itself respects the limit.
    CompactReader r(nullptr, 0, 0, limits);
    for (int level = 0; level < 16; ++level) ASSERT_TRUE(r.StructBegin().ok());
    EXPECT_EQ(r.StructBegin().code(), StatusCode::kCorruption);
  }
}

TEST(CompactReaderTest, MapSizeChecks) {
  std::string bytes;
  CompactWriter w(&bytes);
  w.MapHeader(CompactType::kI32, CompactType::kI32, 3);  // needs >= 6 bytes
  bytes.append(5, '\0');
  CompactReader r(Data(bytes), bytes.size(), 0);
  CompactType key;
  CompactType value;
  int64_t size = 0;
  EXPECT_EQ(r.ReadMapHeader(&key, &value, &size).code(), StatusCode::kCorruption);

  std::string bad_types = Raw({0x01, 0xE5, 0x00, 0x00});  // key type 14
  CompactReader r2(Data(bad_types), bad_types.size(), 0);
  EXPECT_EQ(r2.ReadMapHeader(&key, &value, &size).code(), StatusCode::kCorruption);
}

TEST(CompactReaderTest, ErrorsNameTheAbsoluteOffset) {
  std::string bytes = Raw({0x15});  // field 1 i32, value missing
  CompactReader r(Data(bytes), bytes.size(), 5000);
  ASSERT_TRUE(r.StructBegin().ok());
  FieldHeader h;
  ASSERT_TRUE(r.ReadFieldHeader(&h).ok());
  int32_t value = 0;
  Status st = r.ReadI32(&value);
  ASSERT_EQ(st.code(), StatusCode::kCorruption);
  EXPECT_NE(st.message().find("thrift: "), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("at offset 5001"), std::string::npos) << st.message();
}

}  // namespace
}  // namespace sluice::parquet::thrift

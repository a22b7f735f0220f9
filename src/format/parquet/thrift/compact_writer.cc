#include "format/parquet/thrift/compact_writer.h"

#include <bit>
#include <cassert>

namespace sluice::parquet::thrift {

const char* CompactTypeName(CompactType type) {
  switch (type) {
    case CompactType::kStop:
      return "stop";
    case CompactType::kBoolTrue:
      return "bool(true)";
    case CompactType::kBoolFalse:
      return "bool(false)";
    case CompactType::kI8:
      return "i8";
    case CompactType::kI16:
      return "i16";
    case CompactType::kI32:
      return "i32";
    case CompactType::kI64:
      return "i64";
    case CompactType::kDouble:
      return "double";
    case CompactType::kBinary:
      return "binary";
    case CompactType::kList:
      return "list";
    case CompactType::kSet:
      return "set";
    case CompactType::kMap:
      return "map";
    case CompactType::kStruct:
      return "struct";
  }
  return "invalid";
}

void CompactWriter::StructBegin() {
  last_field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
}

void CompactWriter::StructEnd() {
  assert(!last_field_id_stack_.empty() && "StructEnd without StructBegin");
  Stop();
  last_field_id_ = last_field_id_stack_.back();
  last_field_id_stack_.pop_back();
}

void CompactWriter::FieldHeader(int16_t field_id, CompactType type) {
  const int delta = field_id - last_field_id_;
  const auto type_code = static_cast<uint8_t>(type);
  if (delta > 0 && delta <= kMaxShortFieldDelta) {
    out_->push_back(static_cast<char>((delta << 4) | type_code));
  } else {
    out_->push_back(static_cast<char>(type_code));
    WriteI16(field_id);
  }
  last_field_id_ = field_id;
}

void CompactWriter::FieldBool(int16_t field_id, bool value) {
  FieldHeader(field_id, value ? CompactType::kBoolTrue : CompactType::kBoolFalse);
}

void CompactWriter::FieldI8(int16_t field_id, int8_t value) {
  FieldHeader(field_id, CompactType::kI8);
  WriteI8(value);
}

void CompactWriter::FieldI16(int16_t field_id, int16_t value) {
  FieldHeader(field_id, CompactType::kI16);
  WriteI16(value);
}

void CompactWriter::FieldI32(int16_t field_id, int32_t value) {
  FieldHeader(field_id, CompactType::kI32);
  WriteI32(value);
}

void CompactWriter::FieldI64(int16_t field_id, int64_t value) {
  FieldHeader(field_id, CompactType::kI64);
  WriteI64(value);
}

void CompactWriter::FieldDouble(int16_t field_id, double value) {
  FieldHeader(field_id, CompactType::kDouble);
  WriteDouble(value);
}

void CompactWriter::FieldBinary(int16_t field_id, std::string_view value) {
  FieldHeader(field_id, CompactType::kBinary);
  WriteBinary(value);
}

void CompactWriter::FieldStructBegin(int16_t field_id) {
  FieldHeader(field_id, CompactType::kStruct);
  StructBegin();
}

void CompactWriter::FieldListBegin(int16_t field_id, CompactType element_type, size_t size) {
  FieldHeader(field_id, CompactType::kList);
  ListHeader(element_type, size);
}

void CompactWriter::ListHeader(CompactType element_type, size_t size) {
  const auto type_code = static_cast<uint8_t>(element_type);
  if (size <= static_cast<size_t>(kMaxShortListSize)) {
    out_->push_back(static_cast<char>((size << 4) | type_code));
  } else {
    out_->push_back(static_cast<char>(0xF0 | type_code));
    WriteVarint(size);
  }
}

void CompactWriter::MapHeader(CompactType key_type, CompactType value_type, size_t size) {
  WriteVarint(size);
  if (size != 0) {
    out_->push_back(static_cast<char>((static_cast<uint8_t>(key_type) << 4) |
                                      static_cast<uint8_t>(value_type)));
  }
}

void CompactWriter::WriteBool(bool value) {
  out_->push_back(static_cast<char>(value ? CompactType::kBoolTrue : CompactType::kBoolFalse));
}

void CompactWriter::WriteI8(int8_t value) { out_->push_back(static_cast<char>(value)); }

void CompactWriter::WriteDouble(double value) {
  // Byte-wise so the encoding is little-endian whatever the host order.
  uint64_t bits = std::bit_cast<uint64_t>(value);
  for (int byte_idx = 0; byte_idx < 8; ++byte_idx) {
    out_->push_back(static_cast<char>(bits & 0xFF));
    bits >>= 8;
  }
}

void CompactWriter::WriteBinary(std::string_view value) {
  WriteVarint(value.size());
  out_->append(value.data(), value.size());
}

void CompactWriter::WriteVarint(uint64_t value) {
  // 7 payload bits per byte, least significant group first, high bit = "more bytes follow".
  while (value >= 0x80) {
    out_->push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out_->push_back(static_cast<char>(value));
}

}  // namespace sluice::parquet::thrift

#include "format/parquet/thrift/compact_reader.h"

#include <bit>
#include <cstring>
#include <string>

namespace sluice::parquet::thrift {

namespace {

bool IsValidType(uint8_t code) { return code >= 1 && code <= kMaxCompactType; }

// Smallest number of bytes one list element of `type` occupies: a double is 8 fixed bytes;
// everything else (a bool byte, an i8, a varint, a binary's length, a struct's stop byte, a
// nested container's header) needs at least one.
uint64_t MinElementBytes(CompactType type) { return type == CompactType::kDouble ? 8 : 1; }

}  // namespace

Status CompactReader::CorruptAt(size_t pos, std::string_view what) const {
  std::string msg = "thrift: ";
  msg.append(what);
  msg += " at offset ";
  msg += std::to_string(base_offset_ + static_cast<int64_t>(pos));
  return Status::Corruption(std::move(msg));
}

Status CompactReader::CheckDepth(int depth, size_t pos) const {
  if (depth > limits_.max_depth) {
    return CorruptAt(pos, "nesting depth " + std::to_string(depth) + " exceeds the limit of " +
                              std::to_string(limits_.max_depth));
  }
  return Status::OK();
}

Status CompactReader::StructBegin() {
  SLUICE_RETURN_IF_ERROR(CheckDepth(depth_ + 1, pos_));
  ++depth_;
  last_field_id_stack_.push_back(last_field_id_);
  last_field_id_ = 0;
  return Status::OK();
}

Status CompactReader::StructEnd() {
  if (last_field_id_stack_.empty())
    return Status::Internal("thrift: StructEnd without StructBegin");
  --depth_;
  last_field_id_ = last_field_id_stack_.back();
  last_field_id_stack_.pop_back();
  return Status::OK();
}

Status CompactReader::ReadFieldHeader(FieldHeader* header) {
  const size_t header_pos = pos_;
  if (pos_ >= size_) return Corrupt("truncated input: expected a field header or stop byte");
  const uint8_t byte = data_[pos_++];
  if (byte == 0) {
    header->type = CompactType::kStop;
    header->id = 0;
    return Status::OK();
  }
  const uint8_t type_code = byte & 0x0F;
  if (!IsValidType(type_code)) {
    return CorruptAt(header_pos, "invalid field type " + std::to_string(type_code));
  }
  const int delta = byte >> 4;
  int16_t id = 0;
  if (delta != 0) {
    const int wide_id = last_field_id_ + delta;
    if (wide_id > INT16_MAX) {
      return CorruptAt(header_pos, "field id " + std::to_string(wide_id) + " overflows i16");
    }
    id = static_cast<int16_t>(wide_id);
  } else {
    SLUICE_RETURN_IF_ERROR(ReadI16(&id));
  }
  header->type = static_cast<CompactType>(type_code);
  header->id = id;
  last_field_id_ = id;
  return Status::OK();
}

Status CompactReader::CheckElementCount(uint64_t count, uint64_t min_bytes_each, const char* what,
                                        size_t header_pos) const {
  if (count > static_cast<uint64_t>(limits_.max_list_size)) {
    return CorruptAt(header_pos, std::string(what) + " size " + std::to_string(count) +
                                     " exceeds the limit of " +
                                     std::to_string(limits_.max_list_size));
  }
  // count <= max_list_size (an int64), so the product cannot overflow for min_bytes_each <= 8.
  if (count * min_bytes_each > remaining()) {
    return CorruptAt(header_pos, std::string(what) + " size " + std::to_string(count) +
                                     " exceeds what the remaining " + std::to_string(remaining()) +
                                     " bytes can hold");
  }
  return Status::OK();
}

Status CompactReader::ReadListHeader(CompactType* element_type, int64_t* size) {
  const size_t header_pos = pos_;
  if (pos_ >= size_) return Corrupt("truncated input: expected a list header");
  const uint8_t byte = data_[pos_++];
  const uint8_t type_code = byte & 0x0F;
  uint64_t count = byte >> 4;
  if (count == 0xF) SLUICE_RETURN_IF_ERROR(ReadVarint(&count));
  if (count != 0 && !IsValidType(type_code)) {
    return CorruptAt(header_pos, "invalid list element type " + std::to_string(type_code));
  }
  *element_type = static_cast<CompactType>(type_code);
  SLUICE_RETURN_IF_ERROR(
      CheckElementCount(count, MinElementBytes(*element_type), "list", header_pos));
  *size = static_cast<int64_t>(count);
  return Status::OK();
}

Status CompactReader::ReadMapHeader(CompactType* key_type, CompactType* value_type, int64_t* size) {
  const size_t header_pos = pos_;
  uint64_t count = 0;
  SLUICE_RETURN_IF_ERROR(ReadVarint(&count));
  *key_type = CompactType::kStop;
  *value_type = CompactType::kStop;
  if (count != 0) {
    if (pos_ >= size_) return Corrupt("truncated input: expected map key/value types");
    const uint8_t byte = data_[pos_++];
    const uint8_t key_code = byte >> 4;
    const uint8_t value_code = byte & 0x0F;
    if (!IsValidType(key_code) || !IsValidType(value_code)) {
      return CorruptAt(header_pos, "invalid map key/value types " + std::to_string(key_code) + "/" +
                                       std::to_string(value_code));
    }
    *key_type = static_cast<CompactType>(key_code);
    *value_type = static_cast<CompactType>(value_code);
  }
  SLUICE_RETURN_IF_ERROR(CheckElementCount(
      count, MinElementBytes(*key_type) + MinElementBytes(*value_type), "map", header_pos));
  *size = static_cast<int64_t>(count);
  return Status::OK();
}

Status CompactReader::ReadBool(bool* value) {
  if (pos_ >= size_) return Corrupt("truncated input: expected a bool");
  const uint8_t byte = data_[pos_];
  // 1 = true, 2 = false per the spec; 0 is accepted as false because some writers emit it.
  if (byte > 2) return Corrupt("invalid bool value " + std::to_string(byte));
  ++pos_;
  *value = byte == 1;
  return Status::OK();
}

Status CompactReader::ReadI8(int8_t* value) {
  if (pos_ >= size_) return Corrupt("truncated input: expected an i8");
  *value = static_cast<int8_t>(data_[pos_++]);
  return Status::OK();
}

Status CompactReader::ReadVarint(uint64_t* value) {
  const size_t start = pos_;
  uint64_t result = 0;
  for (int byte_idx = 0; byte_idx < kMaxVarintBytes; ++byte_idx) {
    if (pos_ >= size_) return CorruptAt(start, "truncated varint");
    const uint8_t byte = data_[pos_++];
    // The 10th byte holds only bit 63; anything above it would be lost.
    if (byte_idx == kMaxVarintBytes - 1 && (byte & 0x7F) > 1) {
      return CorruptAt(start, "varint overflows 64 bits");
    }
    result |= static_cast<uint64_t>(byte & 0x7F) << (7 * byte_idx);
    if ((byte & 0x80) == 0) {
      *value = result;
      return Status::OK();
    }
  }
  return CorruptAt(start, "varint longer than 10 bytes");
}

Status CompactReader::ReadZigZag(uint64_t max_code, const char* what, int64_t* value) {
  const size_t start = pos_;
  uint64_t code = 0;
  SLUICE_RETURN_IF_ERROR(ReadVarint(&code));
  if (code > max_code) {
    return CorruptAt(start,
                     std::string(what) + " varint " + std::to_string(code) + " is out of range");
  }
  *value = ZigZagDecode(code);
  return Status::OK();
}

Status CompactReader::ReadI16(int16_t* value) {
  int64_t wide = 0;
  // Zigzag codes of i16 values are 0..0xFFFF.
  SLUICE_RETURN_IF_ERROR(ReadZigZag(0xFFFF, "i16", &wide));
  *value = static_cast<int16_t>(wide);
  return Status::OK();
}

Status CompactReader::ReadI32(int32_t* value) {
  int64_t wide = 0;
  // Zigzag codes of i32 values are 0..0xFFFFFFFF.
  SLUICE_RETURN_IF_ERROR(ReadZigZag(0xFFFFFFFFu, "i32", &wide));
  *value = static_cast<int32_t>(wide);
  return Status::OK();
}

Status CompactReader::ReadI64(int64_t* value) { return ReadZigZag(UINT64_MAX, "i64", value); }

Status CompactReader::ReadDouble(double* value) {
  // A double is 8 little-endian bytes.
  if (remaining() < 8) return Corrupt("truncated input: expected an 8-byte double");
  uint64_t bits = 0;
  for (int byte_idx = 7; byte_idx >= 0; --byte_idx) {
    bits = (bits << 8) | data_[pos_ + static_cast<size_t>(byte_idx)];
  }
  pos_ += 8;
  *value = std::bit_cast<double>(bits);
  return Status::OK();
}

Status CompactReader::ReadBinaryView(std::string_view* value) {
  const size_t start = pos_;
  uint64_t length = 0;
  SLUICE_RETURN_IF_ERROR(ReadVarint(&length));
  if (length > remaining()) {
    return CorruptAt(start, "string length " + std::to_string(length) + " exceeds remaining " +
                                std::to_string(remaining()) + " bytes");
  }
  if (length > static_cast<uint64_t>(limits_.max_string_size)) {
    return CorruptAt(start, "string length " + std::to_string(length) + " exceeds the limit of " +
                                std::to_string(limits_.max_string_size));
  }
  *value =
      std::string_view(reinterpret_cast<const char*>(data_ + pos_), static_cast<size_t>(length));
  pos_ += static_cast<size_t>(length);
  return Status::OK();
}

Status CompactReader::ReadBinary(std::string* value) {
  std::string_view view;
  SLUICE_RETURN_IF_ERROR(ReadBinaryView(&view));
  value->assign(view.data(), view.size());
  return Status::OK();
}

Status CompactReader::Skip(CompactType type) { return SkipValue(type, depth_); }

Status CompactReader::SkipElements(CompactType element_type, int64_t count) {
  for (int64_t element_idx = 0; element_idx < count; ++element_idx) {
    SLUICE_RETURN_IF_ERROR(SkipElement(element_type, depth_));
  }
  return Status::OK();
}

Status CompactReader::SkipElement(CompactType type, int depth) {
  // A bool list/map element is a byte, unlike a bool field whose value lives in the header.
  if (type == CompactType::kBoolTrue || type == CompactType::kBoolFalse) {
    bool ignored = false;
    return ReadBool(&ignored);
  }
  return SkipValue(type, depth);
}

Status CompactReader::SkipValue(CompactType type, int depth) {
  switch (type) {
    case CompactType::kBoolTrue:
    case CompactType::kBoolFalse:
      return Status::OK();  // a bool field's value is its header type
    case CompactType::kI8: {
      int8_t ignored = 0;
      return ReadI8(&ignored);
    }
    case CompactType::kI16:
    case CompactType::kI32:
    case CompactType::kI64: {
      uint64_t ignored = 0;
      return ReadVarint(&ignored);
    }
    case CompactType::kDouble: {
      double ignored = 0;
      return ReadDouble(&ignored);
    }
    case CompactType::kBinary: {
      std::string_view ignored;
      return ReadBinaryView(&ignored);
    }
    case CompactType::kList:
    case CompactType::kSet: {
      SLUICE_RETURN_IF_ERROR(CheckDepth(depth + 1, pos_));
      CompactType element_type = CompactType::kStop;
      int64_t count = 0;
      SLUICE_RETURN_IF_ERROR(ReadListHeader(&element_type, &count));
      for (int64_t element_idx = 0; element_idx < count; ++element_idx) {
        SLUICE_RETURN_IF_ERROR(SkipElement(element_type, depth + 1));
      }
      return Status::OK();
    }
    case CompactType::kMap: {
      SLUICE_RETURN_IF_ERROR(CheckDepth(depth + 1, pos_));
      CompactType key_type = CompactType::kStop;
      CompactType value_type = CompactType::kStop;
      int64_t count = 0;
      SLUICE_RETURN_IF_ERROR(ReadMapHeader(&key_type, &value_type, &count));
      for (int64_t entry_idx = 0; entry_idx < count; ++entry_idx) {
        SLUICE_RETURN_IF_ERROR(SkipElement(key_type, depth + 1));
        SLUICE_RETURN_IF_ERROR(SkipElement(value_type, depth + 1));
      }
      return Status::OK();
    }
    case CompactType::kStruct: {
      SLUICE_RETURN_IF_ERROR(CheckDepth(depth + 1, pos_));
      // Field ids are irrelevant when skipping, but the long form's id bytes must be consumed.
      while (true) {
        const size_t header_pos = pos_;
        if (pos_ >= size_) return Corrupt("truncated input: expected a field header or stop byte");
        const uint8_t byte = data_[pos_++];
        if (byte == 0) return Status::OK();
        const uint8_t type_code = byte & 0x0F;
        if (!IsValidType(type_code)) {
          return CorruptAt(header_pos, "invalid field type " + std::to_string(type_code));
        }
        if ((byte >> 4) == 0) {
          int16_t ignored_id = 0;
          SLUICE_RETURN_IF_ERROR(ReadI16(&ignored_id));
        }
        SLUICE_RETURN_IF_ERROR(SkipValue(static_cast<CompactType>(type_code), depth + 1));
      }
    }
    case CompactType::kStop:
      break;
  }
  return Corrupt(std::string("cannot skip a value of type ") + CompactTypeName(type));
}

}  // namespace sluice::parquet::thrift

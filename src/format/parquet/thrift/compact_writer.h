// CompactWriter: appends Thrift compact-protocol encodings to a std::string. It is the only
// encoder of sluice's footer, page headers and page index (see file_metadata.h).
//
// Usage: StructBegin(); Field*(id, value)...; StructEnd(). Field ids inside one struct should be
// written in increasing order so headers use the 1-byte delta form (any order is still valid).
// Thread-safety: none. Ownership: `out` is borrowed and must outlive the writer; bytes are only
// ever appended to it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/thrift/compact_types.h"

namespace sluice::parquet::thrift {

class CompactWriter {
 public:
  explicit CompactWriter(std::string* out) : out_(out) {}

  CompactWriter(const CompactWriter&) = delete;
  CompactWriter& operator=(const CompactWriter&) = delete;

  /// Opens a struct: saves the enclosing struct's last field id (field ids are delta-encoded
  /// per struct).
  void StructBegin();
  /// Writes the stop byte and restores the enclosing struct's last field id.
  /// REQUIRES: a matching StructBegin().
  void StructEnd();

  /// Field header: 1 byte (delta << 4 | type) when 1 <= id - last <= 15, otherwise the type
  /// byte followed by the zigzag-varint i16 id.
  void FieldHeader(int16_t field_id, CompactType type);

  // Complete fields (header + value).
  void FieldBool(int16_t field_id, bool value);  // the value is the header's type (1/2)
  void FieldI8(int16_t field_id, int8_t value);
  void FieldI16(int16_t field_id, int16_t value);
  void FieldI32(int16_t field_id, int32_t value);
  void FieldI64(int16_t field_id, int64_t value);
  void FieldDouble(int16_t field_id, double value);
  void FieldBinary(int16_t field_id, std::string_view value);
  /// Header of a struct-valued field followed by StructBegin(); close with StructEnd().
  void FieldStructBegin(int16_t field_id);
  /// Header of a list-valued field followed by the list header; then write `size` elements.
  void FieldListBegin(int16_t field_id, CompactType element_type, size_t size);

  /// List (or set) header: 1 byte (size << 4 | type) for size <= 14, else 0xF0 | type followed
  /// by the varint size.
  void ListHeader(CompactType element_type, size_t size);
  /// Map header: varint size, then (key << 4 | value) unless the map is empty.
  void MapHeader(CompactType key_type, CompactType value_type, size_t size);

  // Bare values: list/set/map elements.
  void WriteBool(bool value);  // one byte: 1 = true, 2 = false
  void WriteI8(int8_t value);
  void WriteI16(int16_t value) { WriteVarint(ZigZagEncode(value)); }
  void WriteI32(int32_t value) { WriteVarint(ZigZagEncode(value)); }
  void WriteI64(int64_t value) { WriteVarint(ZigZagEncode(value)); }
  void WriteDouble(double value);            // 8 bytes little-endian IEEE 754
  void WriteBinary(std::string_view value);  // varint length + bytes
  void WriteVarint(uint64_t value);

  /// The stop byte (0) that ends a struct; StructEnd() writes it itself.
  void Stop() { out_->push_back('\0'); }

 private:
  std::string* out_;
  int16_t last_field_id_ = 0;
  std::vector<int16_t> last_field_id_stack_;
};

}  // namespace sluice::parquet::thrift

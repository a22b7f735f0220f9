// CompactReader: a bounds-checked decoder of Thrift compact-protocol bytes, used to parse
// Parquet footers, page headers and page indexes that come from untrusted files.
//
// Every read checks the remaining bytes first; every failure is Status::Corruption whose message
// starts with "thrift: " and names the absolute byte offset (base_offset + position) and the
// offending value. Declared sizes are checked against ThriftLimits and against what the remaining
// bytes could hold before anything is allocated, and nesting (structs, lists, sets, maps, also
// while skipping unknown fields) is limited to ThriftLimits::max_depth.
// Thread-safety: none. Ownership: `data` is borrowed and must outlive the reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "format/parquet/thrift/compact_types.h"
#include "format/parquet/thrift/file_metadata.h"
#include "sluice/status.h"

namespace sluice::parquet::thrift {

/// A decoded field header. `type` is kStop at the end of a struct (id is then 0). For a bool
/// field the value is the type (kBoolTrue/kBoolFalse) and nothing follows.
struct FieldHeader {
  CompactType type = CompactType::kStop;
  int16_t id = 0;
};

class CompactReader {
 public:
  CompactReader(const uint8_t* data, size_t size, int64_t base_offset,
                const ThriftLimits& limits = {})
      : data_(data), size_(size), base_offset_(base_offset), limits_(limits) {}

  CompactReader(const CompactReader&) = delete;
  CompactReader& operator=(const CompactReader&) = delete;

  /// Enters a struct (saves the enclosing struct's last field id). Corruption when this would
  /// nest deeper than limits.max_depth.
  Status StructBegin();
  /// Leaves a struct. REQUIRES: ReadFieldHeader() just returned the stop field.
  Status StructEnd();
  /// Reads the next field header (short delta form or long form with an i16 id).
  Status ReadFieldHeader(FieldHeader* header);

  /// List or set header. `*size` is checked against limits.max_list_size and against the
  /// remaining bytes (every element occupies at least one byte, a double eight; bools in a
  /// compact list are one byte each, unlike bool fields, so there is no zero-size element).
  /// The element type is checked to be a valid code (1..12) unless the list is empty.
  Status ReadListHeader(CompactType* element_type, int64_t* size);
  /// Map header, with the same checks (each entry occupies at least two bytes).
  Status ReadMapHeader(CompactType* key_type, CompactType* value_type, int64_t* size);

  // Bare values.
  Status ReadBool(bool* value);  // list element byte: 1 = true, 2 or 0 = false
  Status ReadI8(int8_t* value);
  Status ReadI16(int16_t* value);
  Status ReadI32(int32_t* value);
  Status ReadI64(int64_t* value);
  Status ReadDouble(double* value);
  /// Varint length then bytes; the length is checked against limits.max_string_size and the
  /// remaining bytes before copying. The view variant points into `data` (no copy).
  Status ReadBinary(std::string* value);
  Status ReadBinaryView(std::string_view* value);
  Status ReadVarint(uint64_t* value);

  /// Skips one value of `type` (for a bool field: nothing to skip), recursing into structs,
  /// lists, sets and maps up to limits.max_depth.
  Status Skip(CompactType type);
  /// Skips `count` list elements of `element_type` (after ReadListHeader()).
  Status SkipElements(CompactType element_type, int64_t count);

  size_t position() const { return pos_; }
  size_t remaining() const { return size_ - pos_; }
  /// Absolute offset of the next byte: base_offset + position().
  int64_t offset() const { return base_offset_ + static_cast<int64_t>(pos_); }
  const ThriftLimits& limits() const { return limits_; }

  /// Corruption "thrift: <what> at offset <offset()>".
  Status Corrupt(std::string_view what) const { return CorruptAt(pos_, what); }
  /// Corruption "thrift: <what> at offset <base_offset + pos>".
  Status CorruptAt(size_t pos, std::string_view what) const;

 private:
  // `depth` is the nesting depth of the enclosing value; containers and structs add one.
  Status SkipValue(CompactType type, int depth);
  Status SkipElement(CompactType type, int depth);
  Status CheckDepth(int depth, size_t pos) const;
  Status ReadZigZag(uint64_t max_magnitude_code, const char* what, int64_t* value);
  Status CheckElementCount(uint64_t count, uint64_t min_bytes_each, const char* what,
                           size_t header_pos) const;

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int64_t base_offset_;
  ThriftLimits limits_;
  int depth_ = 0;  // structs currently entered with StructBegin()
  int16_t last_field_id_ = 0;
  // Saved last field ids of enclosing structs; depth_ bounds its size.
  std::vector<int16_t> last_field_id_stack_;
};

}  // namespace sluice::parquet::thrift

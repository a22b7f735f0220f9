// Thrift compact (de)serialisation of the Parquet footer, page headers and page index.
// Field ids and required-ness follow parquet.thrift of apache/parquet-format exactly.
//
// Reading policy (the same as Thrift-generated code, so files other writers accept we accept):
//  - unknown field ids are skipped, whatever their type;
//  - a known field id whose wire type differs from the spec's is skipped as if unknown (and a
//    required field skipped this way is then reported missing);
//  - a list whose element type differs from the spec's is skipped the same way;
//  - a missing required field is Corruption naming the struct, the field and the struct's offset;
//  - bytes after the FileMetaData struct are ignored (encrypted files in plaintext-footer mode
//    append a signature there).

#include "format/parquet/thrift/file_metadata.h"

#include <initializer_list>
#include <string>
#include <type_traits>
#include <utility>

#include "format/parquet/thrift/compact_reader.h"
#include "format/parquet/thrift/compact_writer.h"

namespace sluice::parquet {

namespace {

using thrift::CompactReader;
using thrift::CompactType;
using thrift::CompactWriter;
using thrift::FieldHeader;

template <typename E>
int32_t EnumValue(E value) {
  return static_cast<int32_t>(value);
}

// ============================================================================================
// Writing
// ============================================================================================

void WriteKeyValue(CompactWriter& w, const KeyValue& kv) {
  w.StructBegin();
  w.FieldBinary(1, kv.key);
  if (kv.value) w.FieldBinary(2, *kv.value);
  w.StructEnd();
}

void WriteKeyValueList(CompactWriter& w, int16_t field_id, const std::vector<KeyValue>& list) {
  w.FieldListBegin(field_id, CompactType::kStruct, list.size());
  for (const KeyValue& kv : list) WriteKeyValue(w, kv);
}

void WriteStatistics(CompactWriter& w, const Statistics& stats) {
  w.StructBegin();
  if (stats.max) w.FieldBinary(1, *stats.max);
  if (stats.min) w.FieldBinary(2, *stats.min);
  if (stats.null_count) w.FieldI64(3, *stats.null_count);
  if (stats.distinct_count) w.FieldI64(4, *stats.distinct_count);
  if (stats.max_value) w.FieldBinary(5, *stats.max_value);
  if (stats.min_value) w.FieldBinary(6, *stats.min_value);
  if (stats.is_max_value_exact) w.FieldBool(7, *stats.is_max_value_exact);
  if (stats.is_min_value_exact) w.FieldBool(8, *stats.is_min_value_exact);
  w.StructEnd();
}

// LogicalType is a union: a struct with exactly one field whose id says which member it is and
// whose value is that member's struct.
void WriteLogicalType(CompactWriter& w, const LogicalTypeUnion& logical) {
  using Which = LogicalTypeUnion::Which;
  w.StructBegin();
  w.FieldStructBegin(static_cast<int16_t>(logical.which));
  switch (logical.which) {
    case Which::DECIMAL:
      w.FieldI32(1, logical.decimal_scale);
      w.FieldI32(2, logical.decimal_precision);
      break;
    case Which::TIME:
    case Which::TIMESTAMP:
      w.FieldBool(1, logical.is_adjusted_to_utc);
      // TimeUnit union: field 1 MILLIS, 2 MICROS, 3 NANOS, each an empty struct.
      w.FieldStructBegin(2);
      w.FieldStructBegin(logical.time_unit);
      w.StructEnd();
      w.StructEnd();
      break;
    case Which::INTEGER:
      w.FieldI8(1, logical.int_bit_width);
      w.FieldBool(2, logical.int_is_signed);
      break;
    default:
      break;  // every other member is an empty struct
  }
  w.StructEnd();  // the member struct
  w.StructEnd();  // the union
}

void WriteSchemaElement(CompactWriter& w, const SchemaElement& element) {
  w.StructBegin();
  if (element.type) w.FieldI32(1, EnumValue(*element.type));
  if (element.type_length) w.FieldI32(2, *element.type_length);
  if (element.repetition_type) w.FieldI32(3, EnumValue(*element.repetition_type));
  w.FieldBinary(4, element.name);
  if (element.num_children) w.FieldI32(5, *element.num_children);
  if (element.converted_type) w.FieldI32(6, EnumValue(*element.converted_type));
  if (element.scale) w.FieldI32(7, *element.scale);
  if (element.precision) w.FieldI32(8, *element.precision);
  if (element.field_id) w.FieldI32(9, *element.field_id);
  // A union with no member cannot be encoded; kNone means "no logical type".
  if (element.logical_type && element.logical_type->which != LogicalTypeUnion::Which::kNone) {
    w.FieldHeader(10, CompactType::kStruct);
    WriteLogicalType(w, *element.logical_type);
  }
  w.StructEnd();
}

void WritePageEncodingStats(CompactWriter& w, const PageEncodingStats& stats) {
  w.StructBegin();
  w.FieldI32(1, EnumValue(stats.page_type));
  w.FieldI32(2, EnumValue(stats.encoding));
  w.FieldI32(3, stats.count);
  w.StructEnd();
}

void WriteColumnMetaData(CompactWriter& w, const ColumnMetaData& meta) {
  w.StructBegin();
  w.FieldI32(1, EnumValue(meta.type));
  w.FieldListBegin(2, CompactType::kI32, meta.encodings.size());
  for (Encoding encoding : meta.encodings) w.WriteI32(EnumValue(encoding));
  w.FieldListBegin(3, CompactType::kBinary, meta.path_in_schema.size());
  for (const std::string& part : meta.path_in_schema) w.WriteBinary(part);
  w.FieldI32(4, EnumValue(meta.codec));
  w.FieldI64(5, meta.num_values);
  w.FieldI64(6, meta.total_uncompressed_size);
  w.FieldI64(7, meta.total_compressed_size);
  if (!meta.key_value_metadata.empty()) WriteKeyValueList(w, 8, meta.key_value_metadata);
  w.FieldI64(9, meta.data_page_offset);
  if (meta.index_page_offset) w.FieldI64(10, *meta.index_page_offset);
  if (meta.dictionary_page_offset) w.FieldI64(11, *meta.dictionary_page_offset);
  if (meta.statistics) {
    w.FieldHeader(12, CompactType::kStruct);
    WriteStatistics(w, *meta.statistics);
  }
  if (!meta.encoding_stats.empty()) {
    w.FieldListBegin(13, CompactType::kStruct, meta.encoding_stats.size());
    for (const PageEncodingStats& stats : meta.encoding_stats) WritePageEncodingStats(w, stats);
  }
  w.StructEnd();
}

void WriteColumnChunk(CompactWriter& w, const ColumnChunk& chunk) {
  w.StructBegin();
  if (chunk.file_path) w.FieldBinary(1, *chunk.file_path);
  w.FieldI64(2, chunk.file_offset);
  if (chunk.meta_data) {
    w.FieldHeader(3, CompactType::kStruct);
    WriteColumnMetaData(w, *chunk.meta_data);
  }
  if (chunk.offset_index_offset) w.FieldI64(4, *chunk.offset_index_offset);
  if (chunk.offset_index_length) w.FieldI32(5, *chunk.offset_index_length);
  if (chunk.column_index_offset) w.FieldI64(6, *chunk.column_index_offset);
  if (chunk.column_index_length) w.FieldI32(7, *chunk.column_index_length);
  w.StructEnd();
}

void WriteRowGroup(CompactWriter& w, const RowGroup& group) {
  w.StructBegin();
  w.FieldListBegin(1, CompactType::kStruct, group.columns.size());
  for (const ColumnChunk& chunk : group.columns) WriteColumnChunk(w, chunk);
  w.FieldI64(2, group.total_byte_size);
  w.FieldI64(3, group.num_rows);
  if (group.file_offset) w.FieldI64(5, *group.file_offset);
  if (group.total_compressed_size) w.FieldI64(6, *group.total_compressed_size);
  if (group.ordinal) w.FieldI16(7, *group.ordinal);
  w.StructEnd();
}

void WriteDataPageHeader(CompactWriter& w, const DataPageHeader& header) {
  w.StructBegin();
  w.FieldI32(1, header.num_values);
  w.FieldI32(2, EnumValue(header.encoding));
  w.FieldI32(3, EnumValue(header.definition_level_encoding));
  w.FieldI32(4, EnumValue(header.repetition_level_encoding));
  if (header.statistics) {
    w.FieldHeader(5, CompactType::kStruct);
    WriteStatistics(w, *header.statistics);
  }
  w.StructEnd();
}

void WriteDictionaryPageHeader(CompactWriter& w, const DictionaryPageHeader& header) {
  w.StructBegin();
  w.FieldI32(1, header.num_values);
  w.FieldI32(2, EnumValue(header.encoding));
  if (header.is_sorted) w.FieldBool(3, *header.is_sorted);
  w.StructEnd();
}

void WriteDataPageHeaderV2(CompactWriter& w, const DataPageHeaderV2& header) {
  w.StructBegin();
  w.FieldI32(1, header.num_values);
  w.FieldI32(2, header.num_nulls);
  w.FieldI32(3, header.num_rows);
  w.FieldI32(4, EnumValue(header.encoding));
  w.FieldI32(5, header.definition_levels_byte_length);
  w.FieldI32(6, header.repetition_levels_byte_length);
  if (header.is_compressed) w.FieldBool(7, *header.is_compressed);
  if (header.statistics) {
    w.FieldHeader(8, CompactType::kStruct);
    WriteStatistics(w, *header.statistics);
  }
  w.StructEnd();
}

// ============================================================================================
// Reading
// ============================================================================================

template <typename T>
constexpr bool kIsWireEnum = std::is_enum_v<T> && sizeof(T) == sizeof(int32_t);

// The compact type the spec uses for a C++ field type (bool is special: 1 or 2).
template <typename T>
constexpr CompactType WireType() {
  if constexpr (std::is_same_v<T, bool>) {
    return CompactType::kBoolTrue;
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return CompactType::kI8;
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return CompactType::kI16;
  } else if constexpr (std::is_same_v<T, int32_t> || kIsWireEnum<T>) {
    return CompactType::kI32;  // Thrift enums are i32 on the wire
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return CompactType::kI64;
  } else if constexpr (std::is_same_v<T, double>) {
    return CompactType::kDouble;
  } else {
    static_assert(std::is_same_v<T, std::string>, "unsupported Thrift field type");
    return CompactType::kBinary;
  }
}

template <typename T>
bool WireTypeMatches(CompactType wire) {
  if constexpr (std::is_same_v<T, bool>) {
    return wire == CompactType::kBoolTrue || wire == CompactType::kBoolFalse;
  } else {
    return wire == WireType<T>();
  }
}

// Reads one bare value (a list element). Enum values outside the C++ enumerators are kept as
// they are (a newer writer's codec or encoding); consumers decide whether they support them.
template <typename T>
Status ReadElement(CompactReader& r, T* value) {
  if constexpr (std::is_same_v<T, bool>) {
    return r.ReadBool(value);
  } else if constexpr (std::is_same_v<T, int8_t>) {
    return r.ReadI8(value);
  } else if constexpr (std::is_same_v<T, int16_t>) {
    return r.ReadI16(value);
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return r.ReadI32(value);
  } else if constexpr (kIsWireEnum<T>) {
    int32_t raw = 0;
    SLUICE_RETURN_IF_ERROR(r.ReadI32(&raw));
    *value = static_cast<T>(raw);
    return Status::OK();
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return r.ReadI64(value);
  } else if constexpr (std::is_same_v<T, double>) {
    return r.ReadDouble(value);
  } else {
    return r.ReadBinary(value);
  }
}

// Parses the fields of one struct and remembers which were read, for the required-field check.
class StructParser {
 public:
  StructParser(CompactReader& reader, const char* struct_name)
      : r_(reader), struct_name_(struct_name), start_(reader.position()) {}

  /// Reads the whole struct, calling on_field(id) for each field; on_field must consume the
  /// field's value (with one of the Read* methods or Skip()).
  template <typename OnField>
  Status Parse(OnField on_field) {
    SLUICE_RETURN_IF_ERROR(r_.StructBegin());
    while (true) {
      SLUICE_RETURN_IF_ERROR(r_.ReadFieldHeader(&header_));
      if (header_.type == CompactType::kStop) return r_.StructEnd();
      SLUICE_RETURN_IF_ERROR(on_field(header_.id));
    }
  }

  CompactType type() const { return header_.type; }
  Status Skip() { return r_.Skip(header_.type); }

  template <typename T>
  Status Read(T* value) {
    if (!WireTypeMatches<T>(header_.type)) return Skip();
    if constexpr (std::is_same_v<T, bool>) {
      *value = header_.type == CompactType::kBoolTrue;
    } else {
      SLUICE_RETURN_IF_ERROR(ReadElement(r_, value));
    }
    MarkSeen();
    return Status::OK();
  }

  template <typename T>
  Status Read(std::optional<T>* value) {
    T parsed{};
    if (!WireTypeMatches<T>(header_.type)) return Skip();
    SLUICE_RETURN_IF_ERROR(Read(&parsed));
    *value = std::move(parsed);
    return Status::OK();
  }

  /// A list of scalar values.
  template <typename T>
  Status ReadList(std::vector<T>* values) {
    return ReadListWith(values, WireType<T>(), [this](T* value) { return ReadElement(r_, value); });
  }

  /// A list of structs, each read by parse(reader, element).
  template <typename T, typename ParseFn>
  Status ReadStructList(std::vector<T>* values, ParseFn parse) {
    return ReadListWith(values, CompactType::kStruct,
                        [this, &parse](T* value) { return parse(r_, value); });
  }

  /// A nested struct read by parse(reader, value).
  template <typename T, typename ParseFn>
  Status ReadStruct(T* value, ParseFn parse) {
    if (header_.type != CompactType::kStruct) return Skip();
    SLUICE_RETURN_IF_ERROR(parse(r_, value));
    MarkSeen();
    return Status::OK();
  }
  template <typename T, typename ParseFn>
  Status ReadStruct(std::optional<T>* value, ParseFn parse) {
    if (header_.type != CompactType::kStruct) return Skip();
    T parsed{};
    SLUICE_RETURN_IF_ERROR(parse(r_, &parsed));
    *value = std::move(parsed);
    MarkSeen();
    return Status::OK();
  }

  /// Corruption naming the first required field that was not read.
  Status Require(std::initializer_list<std::pair<int16_t, const char*>> fields) const {
    for (const auto& [id, name] : fields) {
      if (!Seen(id)) {
        return r_.CorruptAt(start_, std::string(struct_name_) + ": required field " +
                                        std::to_string(id) + " (" + name +
                                        ") is missing from the struct starting");
      }
    }
    return Status::OK();
  }

  bool Seen(int16_t id) const { return id >= 0 && id < 64 && ((seen_ >> id) & 1) != 0; }

 private:
  // Field ids of the modelled structs are all below 64, so one bit each is enough.
  void MarkSeen() {
    if (header_.id >= 0 && header_.id < 64) seen_ |= uint64_t{1} << header_.id;
  }

  template <typename T, typename ReadOne>
  Status ReadListWith(std::vector<T>* values, CompactType expected, ReadOne read_one) {
    if (header_.type != CompactType::kList) return Skip();
    CompactType element_type = CompactType::kStop;
    int64_t count = 0;
    SLUICE_RETURN_IF_ERROR(r_.ReadListHeader(&element_type, &count));
    const bool matches =
        expected == CompactType::kBoolTrue
            ? (element_type == CompactType::kBoolTrue || element_type == CompactType::kBoolFalse)
            : element_type == expected;
    if (!matches && count != 0) return r_.SkipElements(element_type, count);
    values->clear();
    // count was checked against the remaining bytes (>= 1 byte per element), so reserving
    // numbers costs at most 8 bytes per input byte. Strings and structs are not reserved: their
    // in-memory size is far larger than their smallest wire form.
    if constexpr (std::is_arithmetic_v<T> || std::is_enum_v<T>) {
      values->reserve(static_cast<size_t>(count));
    }
    for (int64_t element_idx = 0; element_idx < count; ++element_idx) {
      T value{};
      SLUICE_RETURN_IF_ERROR(read_one(&value));
      values->push_back(std::move(value));
    }
    MarkSeen();
    return Status::OK();
  }

  CompactReader& r_;
  const char* struct_name_;
  size_t start_;
  FieldHeader header_;
  uint64_t seen_ = 0;
};

Status ParseKeyValue(CompactReader& r, KeyValue* out) {
  StructParser p(r, "KeyValue");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->key);
      case 2:
        return p.Read(&out->value);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "key"}});
}

Status ParseStatistics(CompactReader& r, Statistics* out) {
  StructParser p(r, "Statistics");
  return p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->max);
      case 2:
        return p.Read(&out->min);
      case 3:
        return p.Read(&out->null_count);
      case 4:
        return p.Read(&out->distinct_count);
      case 5:
        return p.Read(&out->max_value);
      case 6:
        return p.Read(&out->min_value);
      case 7:
        return p.Read(&out->is_max_value_exact);
      case 8:
        return p.Read(&out->is_min_value_exact);
      default:
        return p.Skip();
    }
  });
}

// TimeUnit union: which member (1 MILLIS, 2 MICROS, 3 NANOS) is present.
Status ParseTimeUnit(CompactReader& r, int16_t* unit) {
  StructParser p(r, "TimeUnit");
  int members = 0;
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    if (p.type() == CompactType::kStruct && id >= 1 && id <= 3) {
      ++members;
      *unit = id;
    }
    return p.Skip();  // the member structs are empty
  }));
  if (members != 1) {
    return r.Corrupt("TimeUnit union has " + std::to_string(members) +
                     " known members instead of one, ending");
  }
  return Status::OK();
}

// DecimalType {1: i32 scale, 2: i32 precision}
Status ParseDecimalType(CompactReader& r, LogicalTypeUnion* out) {
  StructParser p(r, "DecimalType");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->decimal_scale);
      case 2:
        return p.Read(&out->decimal_precision);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "scale"}, {2, "precision"}});
}

// TimeType and TimestampType share {1: bool isAdjustedToUTC, 2: TimeUnit unit}.
Status ParseTimeOrTimestampType(CompactReader& r, const char* struct_name, LogicalTypeUnion* out) {
  StructParser p(r, struct_name);
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->is_adjusted_to_utc);
      case 2:
        return p.ReadStruct(&out->time_unit, ParseTimeUnit);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "isAdjustedToUTC"}, {2, "unit"}});
}

// IntType {1: i8 bitWidth, 2: bool isSigned}
Status ParseIntType(CompactReader& r, LogicalTypeUnion* out) {
  StructParser p(r, "IntType");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->int_bit_width);
      case 2:
        return p.Read(&out->int_is_signed);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "bitWidth"}, {2, "isSigned"}});
}

Status ParseLogicalType(CompactReader& r, std::optional<LogicalTypeUnion>* out) {
  using Which = LogicalTypeUnion::Which;
  const size_t start = r.position();
  LogicalTypeUnion logical;
  int members = 0;
  StructParser p(r, "LogicalType");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    if (p.type() != CompactType::kStruct) return p.Skip();
    ++members;
    switch (id) {
      case 5:
        logical.which = Which::DECIMAL;
        return p.ReadStruct(&logical, ParseDecimalType);
      case 7:
        logical.which = Which::TIME;
        return p.ReadStruct(&logical, [](CompactReader& rr, LogicalTypeUnion* lt) {
          return ParseTimeOrTimestampType(rr, "TimeType", lt);
        });
      case 8:
        logical.which = Which::TIMESTAMP;
        return p.ReadStruct(&logical, [](CompactReader& rr, LogicalTypeUnion* lt) {
          return ParseTimeOrTimestampType(rr, "TimestampType", lt);
        });
      case 10:
        logical.which = Which::INTEGER;
        return p.ReadStruct(&logical, ParseIntType);
      case 1:
      case 2:
      case 3:
      case 4:
      case 6:
      case 11:
      case 12:
      case 13:
      case 14:
      case 15:
        logical.which = static_cast<Which>(id);  // members without fields
        return p.Skip();
      default:
        return p.Skip();  // a member newer than sluice (VARIANT, GEOMETRY, ...)
    }
  }));
  if (members > 1) {
    return r.CorruptAt(start, "LogicalType union has " + std::to_string(members) +
                                  " members instead of one, in the struct starting");
  }
  // An unknown (newer) member: readers fall back to the converted type, as the spec asks.
  if (logical.which == Which::kNone) {
    out->reset();
  } else {
    *out = logical;
  }
  return Status::OK();
}

Status ParseSchemaElement(CompactReader& r, SchemaElement* out) {
  StructParser p(r, "SchemaElement");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->type);
      case 2:
        return p.Read(&out->type_length);
      case 3:
        return p.Read(&out->repetition_type);
      case 4:
        return p.Read(&out->name);
      case 5:
        return p.Read(&out->num_children);
      case 6:
        return p.Read(&out->converted_type);
      case 7:
        return p.Read(&out->scale);
      case 8:
        return p.Read(&out->precision);
      case 9:
        return p.Read(&out->field_id);
      case 10: {
        if (p.type() != CompactType::kStruct) return p.Skip();
        return ParseLogicalType(r, &out->logical_type);
      }
      default:
        return p.Skip();
    }
  }));
  return p.Require({{4, "name"}});
}

Status ParsePageEncodingStats(CompactReader& r, PageEncodingStats* out) {
  StructParser p(r, "PageEncodingStats");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->page_type);
      case 2:
        return p.Read(&out->encoding);
      case 3:
        return p.Read(&out->count);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "page_type"}, {2, "encoding"}, {3, "count"}});
}

Status ParseColumnMetaData(CompactReader& r, ColumnMetaData* out) {
  StructParser p(r, "ColumnMetaData");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->type);
      case 2:
        return p.ReadList(&out->encodings);
      case 3:
        return p.ReadList(&out->path_in_schema);
      case 4:
        return p.Read(&out->codec);
      case 5:
        return p.Read(&out->num_values);
      case 6:
        return p.Read(&out->total_uncompressed_size);
      case 7:
        return p.Read(&out->total_compressed_size);
      case 8:
        return p.ReadStructList(&out->key_value_metadata, ParseKeyValue);
      case 9:
        return p.Read(&out->data_page_offset);
      case 10:
        return p.Read(&out->index_page_offset);
      case 11:
        return p.Read(&out->dictionary_page_offset);
      case 12:
        return p.ReadStruct(&out->statistics, ParseStatistics);
      case 13:
        return p.ReadStructList(&out->encoding_stats, ParsePageEncodingStats);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "type"},
                    {2, "encodings"},
                    {3, "path_in_schema"},
                    {4, "codec"},
                    {5, "num_values"},
                    {6, "total_uncompressed_size"},
                    {7, "total_compressed_size"},
                    {9, "data_page_offset"}});
}

Status ParseColumnChunk(CompactReader& r, ColumnChunk* out) {
  StructParser p(r, "ColumnChunk");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->file_path);
      case 2:
        return p.Read(&out->file_offset);
      case 3:
        return p.ReadStruct(&out->meta_data, ParseColumnMetaData);
      case 4:
        return p.Read(&out->offset_index_offset);
      case 5:
        return p.Read(&out->offset_index_length);
      case 6:
        return p.Read(&out->column_index_offset);
      case 7:
        return p.Read(&out->column_index_length);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{2, "file_offset"}});
}

Status ParseRowGroup(CompactReader& r, RowGroup* out) {
  StructParser p(r, "RowGroup");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.ReadStructList(&out->columns, ParseColumnChunk);
      case 2:
        return p.Read(&out->total_byte_size);
      case 3:
        return p.Read(&out->num_rows);
      case 5:
        return p.Read(&out->file_offset);
      case 6:
        return p.Read(&out->total_compressed_size);
      case 7:
        return p.Read(&out->ordinal);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "columns"}, {2, "total_byte_size"}, {3, "num_rows"}});
}

// column_orders (field 7) is a list of ColumnOrder unions; sluice only needs their count.
Status CountColumnOrders(CompactReader& r, StructParser& p, int32_t* count) {
  if (p.type() != CompactType::kList) return p.Skip();
  CompactType element_type = CompactType::kStop;
  int64_t size = 0;
  SLUICE_RETURN_IF_ERROR(r.ReadListHeader(&element_type, &size));
  SLUICE_RETURN_IF_ERROR(r.SkipElements(element_type, size));
  if (element_type == CompactType::kStruct || size == 0) {
    // size <= ThriftLimits::max_list_size; a limit above INT32_MAX is clamped.
    *count = size > INT32_MAX ? INT32_MAX : static_cast<int32_t>(size);
  }
  return Status::OK();
}

Status ParseFileMetaDataStruct(CompactReader& r, FileMetaData* out) {
  StructParser p(r, "FileMetaData");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->version);
      case 2:
        return p.ReadStructList(&out->schema, ParseSchemaElement);
      case 3:
        return p.Read(&out->num_rows);
      case 4:
        return p.ReadStructList(&out->row_groups, ParseRowGroup);
      case 5:
        return p.ReadStructList(&out->key_value_metadata, ParseKeyValue);
      case 6:
        return p.Read(&out->created_by);
      case 7:
        return CountColumnOrders(r, p, &out->num_column_orders);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "version"}, {2, "schema"}, {3, "num_rows"}, {4, "row_groups"}});
}

Status ParseDataPageHeader(CompactReader& r, DataPageHeader* out) {
  StructParser p(r, "DataPageHeader");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->num_values);
      case 2:
        return p.Read(&out->encoding);
      case 3:
        return p.Read(&out->definition_level_encoding);
      case 4:
        return p.Read(&out->repetition_level_encoding);
      case 5:
        return p.ReadStruct(&out->statistics, ParseStatistics);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "num_values"},
                    {2, "encoding"},
                    {3, "definition_level_encoding"},
                    {4, "repetition_level_encoding"}});
}

Status ParseDictionaryPageHeader(CompactReader& r, DictionaryPageHeader* out) {
  StructParser p(r, "DictionaryPageHeader");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->num_values);
      case 2:
        return p.Read(&out->encoding);
      case 3:
        return p.Read(&out->is_sorted);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "num_values"}, {2, "encoding"}});
}

Status ParseDataPageHeaderV2(CompactReader& r, DataPageHeaderV2* out) {
  StructParser p(r, "DataPageHeaderV2");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->num_values);
      case 2:
        return p.Read(&out->num_nulls);
      case 3:
        return p.Read(&out->num_rows);
      case 4:
        return p.Read(&out->encoding);
      case 5:
        return p.Read(&out->definition_levels_byte_length);
      case 6:
        return p.Read(&out->repetition_levels_byte_length);
      case 7:
        return p.Read(&out->is_compressed);
      case 8:
        return p.ReadStruct(&out->statistics, ParseStatistics);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "num_values"},
                    {2, "num_nulls"},
                    {3, "num_rows"},
                    {4, "encoding"},
                    {5, "definition_levels_byte_length"},
                    {6, "repetition_levels_byte_length"}});
}

Status ParsePageHeaderStruct(CompactReader& r, PageHeader* out) {
  StructParser p(r, "PageHeader");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->type);
      case 2:
        return p.Read(&out->uncompressed_page_size);
      case 3:
        return p.Read(&out->compressed_page_size);
      case 4:
        return p.Read(&out->crc);
      case 5:
        return p.ReadStruct(&out->data_page_header, ParseDataPageHeader);
      case 7:
        return p.ReadStruct(&out->dictionary_page_header, ParseDictionaryPageHeader);
      case 8:
        return p.ReadStruct(&out->data_page_header_v2, ParseDataPageHeaderV2);
      default:
        return p.Skip();  // includes 6: IndexPageHeader
    }
  }));
  return p.Require({{1, "type"}, {2, "uncompressed_page_size"}, {3, "compressed_page_size"}});
}

Status ParsePageLocation(CompactReader& r, PageLocation* out) {
  StructParser p(r, "PageLocation");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.Read(&out->offset);
      case 2:
        return p.Read(&out->compressed_page_size);
      case 3:
        return p.Read(&out->first_row_index);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "offset"}, {2, "compressed_page_size"}, {3, "first_row_index"}});
}

Status ParseOffsetIndexStruct(CompactReader& r, OffsetIndex* out) {
  StructParser p(r, "OffsetIndex");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.ReadStructList(&out->page_locations, ParsePageLocation);
      default:
        return p.Skip();
    }
  }));
  return p.Require({{1, "page_locations"}});
}

Status ParseColumnIndexStruct(CompactReader& r, ColumnIndex* out) {
  StructParser p(r, "ColumnIndex");
  SLUICE_RETURN_IF_ERROR(p.Parse([&](int16_t id) -> Status {
    switch (id) {
      case 1:
        return p.ReadList(&out->null_pages);
      case 2:
        return p.ReadList(&out->min_values);
      case 3:
        return p.ReadList(&out->max_values);
      case 4:
        return p.Read(&out->boundary_order);
      case 5:
        return p.ReadList(&out->null_counts);
      default:
        return p.Skip();
    }
  }));
  return p.Require(
      {{1, "null_pages"}, {2, "min_values"}, {3, "max_values"}, {4, "boundary_order"}});
}

}  // namespace

// ============================================================================================
// Public entry points
// ============================================================================================

void SerializeFileMetaData(const FileMetaData& meta, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.FieldI32(1, meta.version);
  w.FieldListBegin(2, CompactType::kStruct, meta.schema.size());
  for (const SchemaElement& element : meta.schema) WriteSchemaElement(w, element);
  w.FieldI64(3, meta.num_rows);
  w.FieldListBegin(4, CompactType::kStruct, meta.row_groups.size());
  for (const RowGroup& group : meta.row_groups) WriteRowGroup(w, group);
  if (!meta.key_value_metadata.empty()) WriteKeyValueList(w, 5, meta.key_value_metadata);
  if (meta.created_by) w.FieldBinary(6, *meta.created_by);
  if (meta.num_column_orders > 0) {
    w.FieldListBegin(7, CompactType::kStruct, static_cast<size_t>(meta.num_column_orders));
    for (int32_t order_idx = 0; order_idx < meta.num_column_orders; ++order_idx) {
      // ColumnOrder union {1: TypeDefinedOrder TYPE_ORDER}, TypeDefinedOrder being empty.
      w.StructBegin();
      w.FieldStructBegin(1);
      w.StructEnd();
      w.StructEnd();
    }
  }
  w.StructEnd();
}

void SerializePageHeader(const PageHeader& header, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.FieldI32(1, EnumValue(header.type));
  w.FieldI32(2, header.uncompressed_page_size);
  w.FieldI32(3, header.compressed_page_size);
  if (header.crc) w.FieldI32(4, *header.crc);
  if (header.data_page_header) {
    w.FieldHeader(5, CompactType::kStruct);
    WriteDataPageHeader(w, *header.data_page_header);
  }
  if (header.dictionary_page_header) {
    w.FieldHeader(7, CompactType::kStruct);
    WriteDictionaryPageHeader(w, *header.dictionary_page_header);
  }
  if (header.data_page_header_v2) {
    w.FieldHeader(8, CompactType::kStruct);
    WriteDataPageHeaderV2(w, *header.data_page_header_v2);
  }
  w.StructEnd();
}

void SerializeOffsetIndex(const OffsetIndex& index, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.FieldListBegin(1, CompactType::kStruct, index.page_locations.size());
  for (const PageLocation& location : index.page_locations) {
    w.StructBegin();
    w.FieldI64(1, location.offset);
    w.FieldI32(2, location.compressed_page_size);
    w.FieldI64(3, location.first_row_index);
    w.StructEnd();
  }
  w.StructEnd();
}

void SerializeColumnIndex(const ColumnIndex& index, std::string* out) {
  CompactWriter w(out);
  w.StructBegin();
  w.FieldListBegin(1, CompactType::kBoolTrue, index.null_pages.size());
  for (bool null_page : index.null_pages) w.WriteBool(null_page);
  w.FieldListBegin(2, CompactType::kBinary, index.min_values.size());
  for (const std::string& value : index.min_values) w.WriteBinary(value);
  w.FieldListBegin(3, CompactType::kBinary, index.max_values.size());
  for (const std::string& value : index.max_values) w.WriteBinary(value);
  w.FieldI32(4, EnumValue(index.boundary_order));
  if (!index.null_counts.empty()) {
    w.FieldListBegin(5, CompactType::kI64, index.null_counts.size());
    for (int64_t count : index.null_counts) w.WriteI64(count);
  }
  w.StructEnd();
}

Result<FileMetaData> ParseFileMetaData(const uint8_t* data, size_t size, int64_t base_offset,
                                       const ThriftLimits& limits) {
  CompactReader r(data, size, base_offset, limits);
  FileMetaData meta;
  SLUICE_RETURN_IF_ERROR(ParseFileMetaDataStruct(r, &meta));
  return meta;
}

Result<PageHeader> ParsePageHeader(const uint8_t* data, size_t size, int64_t base_offset,
                                   size_t* header_size, const ThriftLimits& limits) {
  CompactReader r(data, size, base_offset, limits);
  PageHeader header;
  SLUICE_RETURN_IF_ERROR(ParsePageHeaderStruct(r, &header));
  if (header_size != nullptr) *header_size = r.position();
  return header;
}

Result<OffsetIndex> ParseOffsetIndex(const uint8_t* data, size_t size, int64_t base_offset) {
  CompactReader r(data, size, base_offset);
  OffsetIndex index;
  SLUICE_RETURN_IF_ERROR(ParseOffsetIndexStruct(r, &index));
  return index;
}

Result<ColumnIndex> ParseColumnIndex(const uint8_t* data, size_t size, int64_t base_offset) {
  CompactReader r(data, size, base_offset);
  ColumnIndex index;
  SLUICE_RETURN_IF_ERROR(ParseColumnIndexStruct(r, &index));
  return index;
}

}  // namespace sluice::parquet

// ContractValidator: compiles a TableContract against a schema and checks batches column by
// column (one tight loop per check over the ColumnVector's values, no per-row allocation unless
// a row fails and a sample is still wanted).
#include <algorithm>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_set>

#include "common/value_format.h"
#include "sluice/validate.h"
#include "validate/expression_check.h"
#include "validate/fixed_key_codec.h"
#include "validate/fixed_key_set.h"
#include "validate/regex_matcher.h"
#include "validate/row_copy.h"
#include "validate/text_parse.h"
#include "validate/type_names.h"
#include "validate/unique_key_set.h"

namespace sluice {

namespace {

using validate::FixedKeyCodec;
using validate::FixedKeySet;
using validate::RegexMatcher;
using validate::TypeNameOf;
using validate::UniqueKeySet;

// How values of a column are compared.
enum class Domain { kInt, kDouble, kBytes, kBool, kNone };
// How an integer-domain value is loaded from the physical representation.
enum class IntLoad { kI32, kU32, kI64, kU64, kBigEndian, kBool };

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// A string of <= 16 bytes packed into integers that, with the length, identify it: two
// overlapping loads instead of a memcmp call (1-3 bytes: first, middle and last byte).
struct ShortText {
  uint64_t lo = 0;
  uint64_t hi = 0;
  uint64_t size = 0;
  bool operator==(const ShortText&) const = default;
};
constexpr size_t kMaxShortText = 16;

inline ShortText PackShort(const char* data, size_t size) {
  ShortText out;
  out.size = size;
  if (size > 8) {
    std::memcpy(&out.lo, data, 8);
    std::memcpy(&out.hi, data + size - 8, 8);
  } else if (size >= 4) {
    uint32_t lo, hi;
    std::memcpy(&lo, data, 4);
    std::memcpy(&hi, data + size - 4, 4);
    out.lo = lo | (static_cast<uint64_t>(hi) << 32);
  } else if (size > 0) {
    const auto* bytes = reinterpret_cast<const uint8_t*>(data);
    out.lo = bytes[0] | (static_cast<uint64_t>(bytes[size / 2]) << 8) |
             (static_cast<uint64_t>(bytes[size - 1]) << 16);
  }
  return out;
}

struct Compiled {
  CheckKind kind = CheckKind::kType;
  std::string check_name;
  int column = -1;
  std::string column_name;
  std::string detail;
  SourceLocation location;
  // Decided from the schema in Make() (present/type): failure count fixed up front.
  int64_t schema_failures = 0;
  Domain domain = Domain::kNone;
  IntLoad int_load = IntLoad::kI64;
  bool exclusive = false;
  __int128 int_bound = 0;
  double double_bound = 0;
  std::string bytes_bound;
  std::vector<__int128> int_set;   // sorted
  std::vector<double> double_set;  // sorted
  std::unordered_set<std::string, StringHash, std::equal_to<>> bytes_set;
  // Allowed lists of up to kLinearAllowed strings are scanned: cheaper than hashing short text.
  std::vector<std::string> bytes_list;
  // ... and when every one has <= 16 bytes (codes, statuses, currencies), compared as integers.
  std::vector<ShortText> short_list;
  std::optional<RegexMatcher> regex;
  int64_t length = 0;
  std::vector<int> key_columns;  // unique / unique_columns
  int unique_index = -1;
  // Keys of <= 8 bytes go to a FixedKeySet through this codec; others to a UniqueKeySet.
  std::optional<FixedKeyCodec> fixed;
  // The row key is the unique column itself: nothing to store per row.
  bool row_is_key = false;
  // kExpression, compiled by the query engine.
  std::shared_ptr<const validate::ExpressionCheck> expression;
  int64_t row_min = -1;
  int64_t row_max = -1;
};

constexpr size_t kLinearAllowed = 16;

struct Counter {
  int64_t count = 0;
  std::vector<FailureSample> samples;
};

Domain DomainOf(const ColumnSchema& column, IntLoad* load) {
  using K = LogicalType::Kind;
  const LogicalType& lt = column.logical;
  switch (column.physical) {
    case PhysicalType::kBoolean:
      *load = IntLoad::kBool;
      return Domain::kBool;
    case PhysicalType::kInt32:
      *load = lt.kind == K::kInteger && !lt.is_signed ? IntLoad::kU32 : IntLoad::kI32;
      return Domain::kInt;
    case PhysicalType::kInt64:
      *load = lt.kind == K::kInteger && !lt.is_signed ? IntLoad::kU64 : IntLoad::kI64;
      return Domain::kInt;
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return Domain::kDouble;
    case PhysicalType::kFixedLenByteArray:
      if (lt.kind == K::kDecimal) {
        *load = IntLoad::kBigEndian;
        return Domain::kInt;
      }
      return Domain::kBytes;
    case PhysicalType::kByteArray:
      if (lt.kind == K::kDecimal) return Domain::kNone;  // rare; not compared
      return Domain::kBytes;
    case PhysicalType::kInt96:
      return Domain::kNone;
  }
  return Domain::kNone;
}

template <IntLoad L>
inline __int128 LoadInt(const uint8_t* values, int32_t width, int64_t row) {
  const uint8_t* at = values + row * width;
  if constexpr (L == IntLoad::kI32) {
    int32_t value;
    std::memcpy(&value, at, 4);
    return value;
  } else if constexpr (L == IntLoad::kU32) {
    uint32_t value;
    std::memcpy(&value, at, 4);
    return value;
  } else if constexpr (L == IntLoad::kI64) {
    int64_t value;
    std::memcpy(&value, at, 8);
    return value;
  } else if constexpr (L == IntLoad::kU64) {
    uint64_t value;
    std::memcpy(&value, at, 8);
    return value;
  } else if constexpr (L == IntLoad::kBool) {
    return at[0] != 0;
  } else {
    // Big-endian two's complement, 1..16 bytes.
    __int128 value = (at[0] & 0x80) ? -1 : 0;
    for (int32_t idx = 0; idx < width; ++idx) value = (value << 8) | at[idx];
    return value;
  }
}

// True when no value of a signed INT32/INT64 column fails the min or max check `check`: the
// allowed range as [lo, hi], then one subtraction and compare per value, OR-reduced without
// branches. NULL slots are read too (their bytes are unspecified), so false means "look row by
// row", not that a row fails.
template <IntLoad L>
bool NoneOutOfRange(const Compiled& check, const uint8_t* values, int64_t rows) {
  constexpr __int128 kLow = INT64_MIN;
  constexpr __int128 kHigh = INT64_MAX;
  __int128 lo = kLow, hi = kHigh;
  if (check.kind == CheckKind::kMin) {
    lo = check.exclusive ? check.int_bound + 1 : check.int_bound;
  } else {
    hi = check.exclusive ? check.int_bound - 1 : check.int_bound;
  }
  if (lo > kHigh || hi < kLow || lo > hi) return false;
  const auto low = static_cast<int64_t>(std::max(lo, kLow));
  const uint64_t span =
      static_cast<uint64_t>(static_cast<int64_t>(std::min(hi, kHigh))) - static_cast<uint64_t>(low);
  uint64_t outside = 0;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t value;
    if constexpr (L == IntLoad::kI32) {
      int32_t narrow;
      std::memcpy(&narrow, values + row * 4, 4);
      value = narrow;
    } else {
      std::memcpy(&value, values + row * 8, 8);
    }
    outside |=
        static_cast<uint64_t>(static_cast<uint64_t>(value) - static_cast<uint64_t>(low) > span);
  }
  return outside == 0;
}

double LoadDouble(const ColumnVector& col, int64_t row) {
  return col.type() == PhysicalType::kFloat ? static_cast<double>(col.Get<float>(row))
                                            : col.Get<double>(row);
}

int64_t Utf8Length(std::string_view text) {
  int64_t count = 0;
  for (unsigned char byte : text) count += (byte & 0xC0) != 0x80;
  return count;
}

// Parses a literal of a min/max/allowed check in the column's integer-domain representation.
Result<__int128> ParseIntLiteral(const ColumnSchema& column, const std::string& text) {
  using K = LogicalType::Kind;
  const LogicalType& lt = column.logical;
  if (lt.kind == K::kDecimal) {
    __int128 value = 0;
    const char* why = "";
    if (!validate::ParseDecimal(text, validate::NumberStyle::kPlain, validate::kMaxDecimalPrecision,
                                lt.scale, &value, &why)) {
      return Status::InvalidArgument("'" + text + "' is not a " + TypeNameOf(column) + ": " + why);
    }
    return value;
  }
  if (lt.kind == K::kDate) {
    SLUICE_ASSIGN_OR_RETURN(int64_t days, validate::ParseIsoDate(text));
    return static_cast<__int128>(days);
  }
  if (lt.kind == K::kTimestamp) {
    SLUICE_ASSIGN_OR_RETURN(int64_t micros, validate::ParseIsoTimestampMicros(text));
    switch (lt.unit) {
      case TimeUnit::kMillis:
        return static_cast<__int128>(micros / 1000);
      case TimeUnit::kMicros:
        return static_cast<__int128>(micros);
      case TimeUnit::kNanos:
        return static_cast<__int128>(micros) * 1000;
    }
  }
  if (lt.kind == K::kTime) {
    return Status::InvalidArgument("min/max/allowed are not supported on TIME columns");
  }
  __int128 value = 0;
  const char* why = "";
  if (!validate::ParseDecimal(text, validate::NumberStyle::kPlain, validate::kMaxDecimalPrecision,
                              0, &value, &why)) {
    return Status::InvalidArgument("'" + text + "' is not an integer: " + why);
  }
  return value;
}

Result<double> ParseDoubleLiteral(const std::string& text) {
  double value = 0;
  const char* why = "";
  if (!validate::ParseDouble(text, validate::NumberStyle::kPlain, &value, &why)) {
    return Status::InvalidArgument("'" + text + "' is not a number: " + why);
  }
  return value;
}

class ValidatorImpl;

class ChunkImpl : public ValidationChunk {
 public:
  ChunkImpl(const ValidatorImpl* owner, std::string label, int64_t row_base);
  Status Consume(const ColumnBatch& batch) override;
  CastStats* cast_stats() override { return &cast_stats_; }
  int64_t rows() const override { return rows_; }
  void Reset(int64_t row_base);

 private:
  friend class ValidatorImpl;
  std::string RowKey(const ColumnBatch& batch, int64_t row) const;
  void Fail(Counter* counter, const ColumnBatch& batch, int64_t row, int column);
  void RunCheck(const Compiled& check, Counter* counter, const ColumnBatch& batch);
  Status ExpressionChecks(const Compiled& check, Counter* counter, const ColumnBatch& batch);
  std::vector<int64_t> failing_rows_;
  template <IntLoad L>
  void IntChecks(const Compiled& check, Counter* counter, const ColumnBatch& batch);
  void CollectKeys(const Compiled& check, const ColumnBatch& batch);
  void ShortAllowedCheck(const Compiled& check, Counter* counter, const ColumnBatch& batch);
  void RegexCheck(const Compiled& check, Counter* counter, const ColumnBatch& batch);

  const ValidatorImpl* owner_;
  std::string label_;
  int64_t row_base_ = 0;  // row number of the next batch's first row
  int64_t rows_ = 0;
  std::vector<Counter> counters_;
  // Per unique check, until Commit():
  struct Keys {
    // generic: [u64 hash][u32 key length][key][u32 row-key length][row key]...
    std::vector<char> generic;
    // fixed: encoded keys, and unless the row key is the key, each row key's offset in `arena`
    // ([u32 length or ~0 for NULL][bytes]).
    std::vector<uint64_t> fixed;
    std::vector<uint64_t> rows;
    std::vector<char> arena;
  };
  void CollectFixedKeys(const Compiled& check, const ColumnBatch& batch);
  void AppendRowKey(const ColumnBatch& batch, int64_t row, Keys* keys);
  std::vector<Keys> keys_;
  std::string scratch_;
  CastStats cast_stats_;
};

class ValidatorImpl : public ContractValidator {
 public:
  ValidatorImpl(const TableContract& contract, Schema schema, ValidatorOptions options)
      : table_(contract.name),
        contract_file_(contract.location.file),
        schema_(std::move(schema)),
        options_(std::move(options)) {}

  Status Compile(const TableContract& contract);

  bool schema_ok() const override { return schema_ok_; }
  Status Consume(const ColumnBatch& batch) override {
    if (!default_chunk_) default_chunk_ = std::make_unique<ChunkImpl>(this, "", 0);
    SLUICE_RETURN_IF_ERROR(default_chunk_->Consume(batch));
    std::lock_guard<std::mutex> lock(mutex_);
    SLUICE_RETURN_IF_ERROR(CommitLocked(default_chunk_.get()));
    default_chunk_->Reset(rows_);
    return Status::OK();
  }
  CastStats* cast_stats() override { return &stream_cast_stats_; }
  std::unique_ptr<ValidationChunk> NewChunk(const std::string& label) override {
    return std::make_unique<ChunkImpl>(this, label, 0);
  }
  Status Commit(std::unique_ptr<ValidationChunk> chunk) override {
    auto* impl = dynamic_cast<ChunkImpl*>(chunk.get());
    if (impl == nullptr || impl->owner_ != this) {
      return Status::Internal("Commit() of a chunk from another validator");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    return CommitLocked(impl);
  }
  Result<ValidationReport> Finish() override;
  int64_t unique_memory_bytes() const override {
    int64_t total = 0;
    for (const auto& set : sets_) total += set ? set->memory_bytes() : 0;
    for (const auto& set : fixed_sets_) total += set ? set->memory_bytes() : 0;
    return total;
  }
  int64_t peak_unique_memory_bytes() const override { return peak_memory_; }
  int64_t spilled_runs() const override {
    int64_t total = 0;
    for (const auto& set : sets_) total += set ? set->runs() : 0;
    for (const auto& set : fixed_sets_) total += set ? set->runs() : 0;
    return total;
  }

  const std::vector<Compiled>& checks() const { return checks_; }
  const Schema& schema() const { return schema_; }
  int key_column() const { return key_column_; }
  int max_samples() const { return options_.max_samples; }
  int num_unique() const { return static_cast<int>(sets_.size()); }
  std::string FormatRowKey(std::string_view raw, const std::string& label) const;
  std::string FormatKey(const Compiled& check, std::string_view key) const;
  /// A duplicate reported by a FixedKeySet, as a sample of `check` in `total`.
  void AddFixedSample(const Compiled& check, uint64_t key, const FixedKeySet::RowKey* row,
                      Counter* total) const;

 private:
  Status CompileColumnCheck(const CheckSpec& spec, int column, Compiled* out);
  Status CommitLocked(ChunkImpl* chunk);
  Status CommitFixedLocked(const Compiled& check, ChunkImpl::Keys& keys, const std::string& label,
                           Counter* total);
  void UpdatePeakLocked();
  void AddSample(Counter* counter, FailureSample sample) const {
    if (static_cast<int>(counter->samples.size()) < options_.max_samples) {
      counter->samples.push_back(std::move(sample));
    }
  }

  std::string table_;
  std::string contract_file_;
  Schema schema_;
  ValidatorOptions options_;
  std::vector<Compiled> checks_;
  int key_column_ = -1;
  bool schema_ok_ = true;
  int64_t unique_budget_ = 0;  // sum of the key sets' limits (each at least kMinUniqueSetBytes)

  std::mutex mutex_;  // guards everything below
  std::vector<Counter> totals_;
  // Per unique check (by unique_index), one of the two.
  std::vector<std::unique_ptr<UniqueKeySet>> sets_;
  std::vector<std::unique_ptr<FixedKeySet>> fixed_sets_;
  // Chunk labels of committed rows: the tag of fixed-set row keys (a row number needs its chunk).
  std::vector<std::string> labels_;
  int64_t rows_ = 0;
  int64_t peak_memory_ = 0;
  CastStats cast_totals_;
  CastStats stream_cast_stats_;
  std::unique_ptr<ChunkImpl> default_chunk_;
  bool finished_ = false;
};

// ---------------------------------------------------------------------------------------------

Status ValidatorImpl::CompileColumnCheck(const CheckSpec& spec, int column, Compiled* out) {
  const ColumnSchema& schema = schema_.columns[static_cast<size_t>(column)];
  auto error = [&](const std::string& what) {
    return Status::InvalidArgument(spec.location.ToString() + what);
  };
  out->domain = DomainOf(schema, &out->int_load);
  switch (spec.kind) {
    case CheckKind::kType:
    case CheckKind::kNullable:
      return Status::OK();
    case CheckKind::kUnique:
      out->key_columns = {column};
      out->detail = "values must be unique";
      return Status::OK();
    case CheckKind::kMin:
    case CheckKind::kMax: {
      out->exclusive = spec.flag;
      const char* op =
          spec.kind == CheckKind::kMin ? (spec.flag ? ">" : ">=") : (spec.flag ? "<" : "<=");
      out->detail = std::string(op) + " " + spec.args[0];
      switch (out->domain) {
        case Domain::kInt: {
          auto value = ParseIntLiteral(schema, spec.args[0]);
          if (!value.ok()) return error(value.status().message());
          out->int_bound = *value;
          return Status::OK();
        }
        case Domain::kDouble: {
          auto value = ParseDoubleLiteral(spec.args[0]);
          if (!value.ok()) return error(value.status().message());
          out->double_bound = *value;
          return Status::OK();
        }
        case Domain::kBytes:
          out->bytes_bound = spec.args[0];
          return Status::OK();
        default:
          break;
      }
      return error("min/max do not apply to a " + TypeNameOf(schema) + " column");
    }
    case CheckKind::kAllowed: {
      std::string list;
      for (const auto& item : spec.args) list += (list.empty() ? "" : ", ") + item;
      out->detail = "in [" + list + "]";
      for (const std::string& item : spec.args) {
        switch (out->domain) {
          case Domain::kInt: {
            auto value = ParseIntLiteral(schema, item);
            if (!value.ok()) return error(value.status().message());
            out->int_set.push_back(*value);
            break;
          }
          case Domain::kBool:
            if (item != "true" && item != "false") return error("'" + item + "' is not a bool");
            out->int_set.push_back(item == "true" ? 1 : 0);
            break;
          case Domain::kDouble: {
            auto value = ParseDoubleLiteral(item);
            if (!value.ok()) return error(value.status().message());
            out->double_set.push_back(*value);
            break;
          }
          case Domain::kBytes:
            out->bytes_set.insert(item);
            break;
          case Domain::kNone:
            return error("allowed does not apply to a " + TypeNameOf(schema) + " column");
        }
      }
      if (out->domain == Domain::kBool) out->domain = Domain::kInt;
      if (out->bytes_set.size() <= kLinearAllowed) {
        out->bytes_list.assign(out->bytes_set.begin(), out->bytes_set.end());
        bool all_short = true;
        for (const std::string& item : out->bytes_list) all_short &= item.size() <= kMaxShortText;
        if (all_short) {
          for (const std::string& item : out->bytes_list) {
            out->short_list.push_back(PackShort(item.data(), item.size()));
          }
        }
      }
      std::sort(out->int_set.begin(), out->int_set.end());
      std::sort(out->double_set.begin(), out->double_set.end());
      return Status::OK();
    }
    case CheckKind::kRegex: {
      if (out->domain != Domain::kBytes || schema.physical != PhysicalType::kByteArray) {
        return error("regex needs a string column, '" + schema.name + "' is " + TypeNameOf(schema));
      }
      auto matcher = RegexMatcher::Compile(spec.args[0]);
      if (!matcher.ok()) return error(matcher.status().message());
      out->regex = std::move(*matcher);
      out->detail = "matches '" + spec.args[0] + "'";
      return Status::OK();
    }
    case CheckKind::kMinLength:
    case CheckKind::kMaxLength:
      if (schema.physical != PhysicalType::kByteArray) {
        return error("length checks need a string column, '" + schema.name + "' is " +
                     TypeNameOf(schema));
      }
      out->length = std::stoll(spec.args[0]);
      out->detail = std::string(spec.kind == CheckKind::kMinLength ? "length >= " : "length <= ") +
                    spec.args[0] + " characters";
      return Status::OK();
    default:
      return error("not a column check");
  }
}

Status ValidatorImpl::Compile(const TableContract& contract) {
  const std::string& key = options_.key_column.empty() ? contract.key : options_.key_column;
  if (!key.empty()) {
    key_column_ = schema_.FindColumn(key);
    if (key_column_ < 0) {
      return Status::InvalidArgument(contract.location.ToString() + "key column '" + key +
                                     "' is not in the table");
    }
  }
  for (const ColumnContract& column : contract.columns) {
    int index = schema_.FindColumn(column.name);
    if (index < 0) {
      if (!column.required) continue;
      Compiled missing;
      missing.kind = CheckKind::kType;
      missing.check_name = "present";
      missing.column_name = column.name;
      missing.detail = "column is missing from the table";
      missing.schema_failures = 1;
      missing.location = column.location;
      checks_.push_back(std::move(missing));
      schema_ok_ = false;
      continue;
    }
    const ColumnSchema& schema = schema_.columns[static_cast<size_t>(index)];
    bool type_failed = false;
    for (const CheckSpec& spec : column.checks) {
      if (spec.kind != CheckKind::kType) continue;
      Compiled type;
      type.kind = CheckKind::kType;
      type.check_name = "type";
      type.column = index;
      type.column_name = column.name;
      type.location = spec.location;
      std::string actual = TypeNameOf(schema);
      type.detail = "expected " + spec.args[0] + ", found " + actual;
      if (actual != spec.args[0]) {
        type.schema_failures = 1;
        type_failed = true;
        schema_ok_ = false;
      }
      checks_.push_back(std::move(type));
    }
    // A column of the wrong type gets no value checks: their literals mean nothing in it.
    if (type_failed) continue;
    for (const CheckSpec& spec : column.checks) {
      if (spec.kind == CheckKind::kType) continue;
      Compiled check;
      check.kind = spec.kind;
      check.check_name = CheckKindName(spec.kind);
      check.column = index;
      check.column_name = column.name;
      check.location = spec.location;
      if (spec.kind == CheckKind::kNullable) check.detail = "must not be NULL";
      SLUICE_RETURN_IF_ERROR(CompileColumnCheck(spec, index, &check));
      checks_.push_back(std::move(check));
    }
  }
  for (const CheckSpec& spec : contract.table_checks) {
    Compiled check;
    check.kind = spec.kind;
    check.check_name = CheckKindName(spec.kind);
    check.location = spec.location;
    switch (spec.kind) {
      case CheckKind::kRowCount:
        check.row_min = spec.args[0].empty() ? -1 : std::stoll(spec.args[0]);
        check.row_max = spec.args[1].empty() ? -1 : std::stoll(spec.args[1]);
        check.detail = "rows in [" + (spec.args[0].empty() ? "0" : spec.args[0]) + ", " +
                       (spec.args[1].empty() ? "inf" : spec.args[1]) + "]";
        break;
      case CheckKind::kUniqueColumns: {
        std::string list;
        for (const std::string& name : spec.args) {
          int index = schema_.FindColumn(name);
          if (index < 0) {
            return Status::InvalidArgument(spec.location.ToString() + "column '" + name +
                                           "' is not in the table");
          }
          check.key_columns.push_back(index);
          list += (list.empty() ? "" : ", ") + name;
        }
        check.column_name = list;
        check.detail = "combination (" + list + ") must be unique";
        break;
      }
      case CheckKind::kExpression: {
        auto compiled = validate::ExpressionCheck::Compile(spec.args[0], schema_);
        if (!compiled.ok()) {
          return Status(compiled.status().code(),
                        spec.location.ToString() + compiled.status().message());
        }
        check.expression = std::move(*compiled);
        check.column_name = "";
        check.detail = spec.args[0];
        break;
      }
      default:
        return Status::InvalidArgument(spec.location.ToString() + "not a table check");
    }
    checks_.push_back(std::move(check));
  }
  totals_.resize(checks_.size());
  for (Compiled& check : checks_) {
    totals_[static_cast<size_t>(&check - checks_.data())].count = check.schema_failures;
    if (check.kind == CheckKind::kUnique || check.kind == CheckKind::kUniqueColumns) {
      check.unique_index = static_cast<int>(sets_.size());
      check.fixed = FixedKeyCodec::Make(schema_, check.key_columns);
      check.row_is_key =
          check.fixed && check.key_columns.size() == 1 && check.key_columns[0] == key_column_;
      if (check.fixed) {
        sets_.push_back(nullptr);
        fixed_sets_.push_back(
            std::make_unique<FixedKeySet>(options_.spill_dir, /*with_rows=*/!check.row_is_key));
      } else {
        sets_.push_back(std::make_unique<UniqueKeySet>(options_.spill_dir));
        fixed_sets_.push_back(nullptr);
      }
    }
  }
  // The budget is split evenly, so every set stays bounded without coordination. Each set gets
  // at least kMinUniqueSetBytes: below that runs become tiny and a table spills into thousands
  // of files (each an open descriptor until the merge) for no memory gain.
  constexpr int64_t kMinUniqueSetBytes = 1 << 20;
  for (size_t idx = 0; idx < sets_.size(); ++idx) {
    int64_t limit = std::max<int64_t>(
        kMinUniqueSetBytes, options_.unique_memory_bytes / static_cast<int64_t>(sets_.size()));
    if (sets_[idx]) sets_[idx]->set_memory_limit(limit);
    if (fixed_sets_[idx]) fixed_sets_[idx]->set_memory_limit(limit);
    unique_budget_ += limit;
  }
  cast_totals_.max_samples = options_.max_samples;
  stream_cast_stats_.max_samples = options_.max_samples;
  return Status::OK();
}

std::string ValidatorImpl::FormatRowKey(std::string_view raw, const std::string& label) const {
  if (key_column_ < 0) {
    int64_t ordinal;
    std::memcpy(&ordinal, raw.data(), 8);
    if (label.empty()) return std::to_string(ordinal);
    std::string out;
    AppendJsonString(label + ":row " + std::to_string(ordinal), &out);
    return out;
  }
  const ColumnSchema& schema = schema_.columns[static_cast<size_t>(key_column_)];
  ColumnVector one(schema.physical, schema.type_length);
  one.Clear();
  if (raw.size() == 0 && schema.physical != PhysicalType::kByteArray) {
    one.AppendNull();
  } else if (schema.physical == PhysicalType::kByteArray) {
    one.AppendBytes(raw);
  } else {
    one.AppendFixed(raw.data());
  }
  return validate::ValueJson(schema, one, 0);
}

std::string ValidatorImpl::FormatKey(const Compiled& check, std::string_view key) const {
  std::string out;
  bool multi = check.key_columns.size() > 1;
  if (multi) out.push_back('[');
  size_t pos = 0;
  for (size_t idx = 0; idx < check.key_columns.size(); ++idx) {
    const ColumnSchema& schema = schema_.columns[static_cast<size_t>(check.key_columns[idx])];
    ColumnVector one(schema.physical, schema.type_length);
    one.Clear();
    if (schema.physical == PhysicalType::kByteArray) {
      uint32_t length = static_cast<uint32_t>(key.size() - pos);
      if (multi) {
        std::memcpy(&length, key.data() + pos, 4);
        pos += 4;
      }
      one.AppendBytes(key.substr(pos, length));
      pos += length;
    } else {
      one.AppendFixed(key.data() + pos);
      pos += static_cast<size_t>(one.width());
    }
    if (idx > 0) out += ", ";
    out += validate::ValueJson(schema, one, 0);
  }
  if (multi) out.push_back(']');
  return out;
}

Status ValidatorImpl::CommitLocked(ChunkImpl* chunk) {
  if (finished_) return Status::Internal("Commit() after Finish()");
  for (size_t idx = 0; idx < checks_.size(); ++idx) {
    const Compiled& check = checks_[idx];
    Counter& total = totals_[idx];
    Counter& part = chunk->counters_[idx];
    total.count += part.count;
    for (FailureSample& sample : part.samples) AddSample(&total, std::move(sample));
    if (check.unique_index < 0) continue;
    ChunkImpl::Keys& chunk_keys = chunk->keys_[static_cast<size_t>(check.unique_index)];
    if (check.fixed) {
      SLUICE_RETURN_IF_ERROR(CommitFixedLocked(check, chunk_keys, chunk->label_, &total));
      continue;
    }
    UniqueKeySet& set = *sets_[static_cast<size_t>(check.unique_index)];
    const std::vector<char>& keys = chunk_keys.generic;
    size_t pos = 0;
    while (pos < keys.size()) {
      uint64_t hash;
      uint32_t key_length, row_key_length;
      std::memcpy(&hash, keys.data() + pos, 8);
      std::memcpy(&key_length, keys.data() + pos + 8, 4);
      std::string_view key(keys.data() + pos + 12, key_length);
      pos += 12 + key_length;
      std::memcpy(&row_key_length, keys.data() + pos, 4);
      std::string_view row_key(keys.data() + pos + 4, row_key_length);
      pos += 4 + row_key_length;
      if (!set.Insert(key, hash)) {
        ++total.count;
        if (static_cast<int>(total.samples.size()) < options_.max_samples) {
          total.samples.push_back({FormatRowKey(row_key, chunk->label_), FormatKey(check, key)});
        }
      }
    }
  }
  rows_ += chunk->rows_;
  cast_totals_.Merge(chunk->cast_stats_);
  for (auto& set : sets_) {
    if (set) SLUICE_RETURN_IF_ERROR(set->status());
  }
  UpdatePeakLocked();
  return Status::OK();
}

void ValidatorImpl::UpdatePeakLocked() {
  // Fixed sets know their own peak (a merge's output is transient); the sum of the parts' peaks
  // bounds the peak of the whole.
  int64_t total = 0;
  for (const auto& set : sets_) total += set ? set->memory_bytes() : 0;
  for (const auto& set : fixed_sets_) total += set ? set->peak_memory_bytes() : 0;
  peak_memory_ = std::max(peak_memory_, total);
}

void ValidatorImpl::AddFixedSample(const Compiled& check, uint64_t key,
                                   const FixedKeySet::RowKey* row, Counter* total) const {
  if (static_cast<int>(total->samples.size()) >= options_.max_samples) return;
  std::string raw = check.fixed->Decode(key);
  std::string row_key;
  if (check.row_is_key) {
    row_key = FormatRowKey(raw, "");  // the row key is the value, whichever row it was
  } else if (row == nullptr || row->null) {
    row_key = "null";  // found only when merging spilled runs: the row is not known
  } else {
    row_key = FormatRowKey(row->bytes, labels_[row->tag]);
  }
  total->samples.push_back({std::move(row_key), FormatKey(check, raw)});
}

Status ValidatorImpl::CommitFixedLocked(const Compiled& check, ChunkImpl::Keys& keys,
                                        const std::string& label, Counter* total) {
  FixedKeySet& set = *fixed_sets_[static_cast<size_t>(check.unique_index)];
  if (labels_.empty() || labels_.back() != label) labels_.push_back(label);
  const auto tag = static_cast<uint32_t>(labels_.size() - 1);
  return set.Add(keys.fixed.data(), keys.fixed.size(), keys.rows.data(),
                 std::string_view(keys.arena.data(), keys.arena.size()), tag,
                 [&](uint64_t key, const FixedKeySet::RowKey* row) {
                   AddFixedSample(check, key, row, total);
                 });
}

Result<ValidationReport> ValidatorImpl::Finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return Status::Internal("Finish() called twice");
  finished_ = true;
  ValidationReport report;
  report.table = table_;
  report.contract_file = contract_file_;
  report.rows_checked = rows_;
  report.checks_total = static_cast<int>(checks_.size());
  cast_totals_.Merge(stream_cast_stats_);
  report.casts = cast_totals_;
  report.rows_quarantined = cast_totals_.rows_quarantined;
  for (size_t idx = 0; idx < checks_.size(); ++idx) {
    const Compiled& check = checks_[idx];
    Counter& total = totals_[idx];
    if (check.fixed) {
      FixedKeySet& set = *fixed_sets_[static_cast<size_t>(check.unique_index)];
      SLUICE_RETURN_IF_ERROR(set.Finish(
                                    [&](uint64_t key, const FixedKeySet::RowKey* row) {
                                      AddFixedSample(check, key, row, &total);
                                    },
                                    options_.max_samples)
                                 .status());
      // Every duplicate, found at a commit or now, is counted by the set.
      total.count += set.duplicates();
    } else if (check.unique_index >= 0) {
      UniqueKeySet& set = *sets_[static_cast<size_t>(check.unique_index)];
      SLUICE_ASSIGN_OR_RETURN(int64_t merged, set.Finish([&](std::string_view key) {
        // Duplicates found while merging spilled runs: the row is no longer known.
        AddSample(&total, FailureSample{"null", FormatKey(check, key)});
      }));
      total.count += merged;
    }
    if (check.kind == CheckKind::kRowCount) {
      bool low = check.row_min >= 0 && rows_ < check.row_min;
      bool high = check.row_max >= 0 && rows_ > check.row_max;
      if (low || high) {
        total.count = 1;
        total.samples.push_back({"null", std::to_string(rows_)});
      }
    }
    if (total.count == 0) continue;
    CheckResult result;
    result.column = check.kind == CheckKind::kUniqueColumns ? "" : check.column_name;
    result.check = check.check_name;
    result.detail = check.detail;
    result.failure_count = total.count;
    result.samples = std::move(total.samples);
    report.failures.push_back(std::move(result));
  }
  UpdatePeakLocked();
  report.unique_memory_peak_bytes = peak_memory_;
  report.unique_memory_budget_bytes = unique_budget_;
  report.unique_spilled_runs = spilled_runs();
  return report;
}

// ---------------------------------------------------------------------------------------------

ChunkImpl::ChunkImpl(const ValidatorImpl* owner, std::string label, int64_t row_base)
    : owner_(owner), label_(std::move(label)), row_base_(row_base) {
  counters_.resize(owner->checks().size());
  keys_.resize(static_cast<size_t>(owner->num_unique()));
  cast_stats_.max_samples = owner->max_samples();
}

void ChunkImpl::Reset(int64_t row_base) {
  row_base_ = row_base;
  rows_ = 0;
  for (Counter& counter : counters_) {
    counter.count = 0;
    counter.samples.clear();
  }
  for (auto& keys : keys_) {  // capacity kept for the next batch
    keys.generic.clear();
    keys.fixed.clear();
    keys.rows.clear();
    keys.arena.clear();
  }
  cast_stats_ = CastStats{};
  cast_stats_.max_samples = owner_->max_samples();
}

std::string ChunkImpl::RowKey(const ColumnBatch& batch, int64_t row) const {
  int key = owner_->key_column();
  if (key >= 0) {
    return validate::ValueJson(owner_->schema().columns[static_cast<size_t>(key)],
                               batch.column(key), row);
  }
  int64_t ordinal = row_base_ + row;
  if (label_.empty()) return std::to_string(ordinal);
  std::string out;
  AppendJsonString(label_ + ":row " + std::to_string(ordinal), &out);
  return out;
}

void ChunkImpl::Fail(Counter* counter, const ColumnBatch& batch, int64_t row, int column) {
  ++counter->count;
  if (static_cast<int>(counter->samples.size()) < owner_->max_samples()) {
    counter->samples.push_back(
        {RowKey(batch, row),
         validate::ValueJson(owner_->schema().columns[static_cast<size_t>(column)],
                             batch.column(column), row)});
  }
}

template <IntLoad L>
void ChunkImpl::IntChecks(const Compiled& check, Counter* counter, const ColumnBatch& batch) {
  const ColumnVector& col = batch.column(check.column);
  const uint8_t* values = col.values().data();
  const int32_t width = col.width();
  const int64_t rows = col.size();
  const bool nulls = col.has_nulls();
  const __int128 bound = check.int_bound;
  auto fails = [&](__int128 value) -> bool {
    switch (check.kind) {
      case CheckKind::kMin:
        return check.exclusive ? value <= bound : value < bound;
      case CheckKind::kMax:
        return check.exclusive ? value >= bound : value > bound;
      case CheckKind::kAllowed:
        return !std::binary_search(check.int_set.begin(), check.int_set.end(), value);
      default:
        return false;
    }
  };
  if constexpr (L == IntLoad::kI32 || L == IntLoad::kI64) {
    if ((check.kind == CheckKind::kMin || check.kind == CheckKind::kMax) &&
        NoneOutOfRange<L>(check, values, rows)) {
      return;  // the usual case, decided by one branch-free pass
    }
  }
  for (int64_t row = 0; row < rows; ++row) {
    if (nulls && !col.IsValid(row)) continue;
    if (fails(LoadInt<L>(values, width, row))) [[unlikely]]
      Fail(counter, batch, row, check.column);
  }
}

void ChunkImpl::CollectKeys(const Compiled& check, const ColumnBatch& batch) {
  if (check.fixed) return CollectFixedKeys(check, batch);
  std::vector<char>& out = keys_[static_cast<size_t>(check.unique_index)].generic;
  const int64_t rows = batch.num_rows();
  const bool multi = check.key_columns.size() > 1;
  const int key_column = owner_->key_column();
  for (int64_t row = 0; row < rows; ++row) {
    // SQL semantics: a key with a NULL part is never a duplicate.
    bool has_null = false;
    scratch_.clear();
    for (int column : check.key_columns) {
      const ColumnVector& col = batch.column(column);
      if (!col.IsValid(row)) {
        has_null = true;
        break;
      }
      if (col.width() == 0) {
        std::string_view bytes = col.BytesAt(row);
        if (multi) {
          auto length = static_cast<uint32_t>(bytes.size());
          scratch_.append(reinterpret_cast<const char*>(&length), 4);
        }
        scratch_.append(bytes);
      } else if (col.type() == PhysicalType::kDouble || col.type() == PhysicalType::kFloat) {
        // -0.0 == 0.0: store +0.0 for both so they collide as equal values.
        if (col.type() == PhysicalType::kDouble) {
          double value = col.Get<double>(row);
          if (value == 0) value = 0;
          scratch_.append(reinterpret_cast<const char*>(&value), 8);
        } else {
          float value = col.Get<float>(row);
          if (value == 0) value = 0;
          scratch_.append(reinterpret_cast<const char*>(&value), 4);
        }
      } else {
        scratch_.append(reinterpret_cast<const char*>(col.FixedAt(row)),
                        static_cast<size_t>(col.width()));
      }
    }
    if (has_null) continue;
    uint64_t hash = validate::HashBytes(scratch_.data(), scratch_.size());
    auto key_length = static_cast<uint32_t>(scratch_.size());
    size_t pos = out.size();
    // The row key: the key column's raw value (fixed bytes or text), or the 8-byte row number.
    std::string_view row_key;
    int64_t ordinal = row_base_ + row;
    if (key_column >= 0) {
      const ColumnVector& key = batch.column(key_column);
      if (!key.IsValid(row)) {
        row_key = {};
      } else if (key.width() == 0) {
        row_key = key.BytesAt(row);
      } else {
        row_key = {reinterpret_cast<const char*>(key.FixedAt(row)),
                   static_cast<size_t>(key.width())};
      }
    } else {
      row_key = {reinterpret_cast<const char*>(&ordinal), 8};
    }
    auto row_key_length = static_cast<uint32_t>(row_key.size());
    out.resize(pos + 16 + key_length + row_key_length);
    char* at = out.data() + pos;
    std::memcpy(at, &hash, 8);
    std::memcpy(at + 8, &key_length, 4);
    std::memcpy(at + 12, scratch_.data(), key_length);
    std::memcpy(at + 12 + key_length, &row_key_length, 4);
    if (row_key_length > 0) std::memcpy(at + 16 + key_length, row_key.data(), row_key_length);
  }
}

void ChunkImpl::AppendRowKey(const ColumnBatch& batch, int64_t row, Keys* keys) {
  // The key column's raw value (fixed bytes or text; length ~0 for NULL), or the row number.
  std::string_view row_key;
  uint32_t length;
  int64_t ordinal = row_base_ + row;
  const int key_column = owner_->key_column();
  if (key_column >= 0) {
    const ColumnVector& key = batch.column(key_column);
    if (!key.IsValid(row)) {
      length = 0xFFFFFFFFu;
    } else {
      row_key = key.width() == 0 ? key.BytesAt(row)
                                 : std::string_view(reinterpret_cast<const char*>(key.FixedAt(row)),
                                                    static_cast<size_t>(key.width()));
      length = static_cast<uint32_t>(row_key.size());
    }
  } else {
    row_key = {reinterpret_cast<const char*>(&ordinal), 8};
    length = 8;
  }
  keys->rows.push_back(keys->arena.size());
  const char* length_bytes = reinterpret_cast<const char*>(&length);
  keys->arena.insert(keys->arena.end(), length_bytes, length_bytes + 4);
  keys->arena.insert(keys->arena.end(), row_key.begin(), row_key.end());
}

void ChunkImpl::CollectFixedKeys(const Compiled& check, const ColumnBatch& batch) {
  Keys& keys = keys_[static_cast<size_t>(check.unique_index)];
  const FixedKeyCodec& codec = *check.fixed;
  const int64_t rows = batch.num_rows();
  bool any_nulls = false;
  for (const auto& part : codec.parts()) any_nulls |= batch.column(part.column).has_nulls();
  if (check.row_is_key && !any_nulls) {
    // The common case (a primary key, its own row key): one tight loop, 8 bytes per row.
    const FixedKeyCodec::Part& part = codec.parts()[0];
    const ColumnVector& col = batch.column(part.column);
    const uint8_t* values = col.values().data();
    const size_t base = keys.fixed.size();
    keys.fixed.resize(base + static_cast<size_t>(rows));
    uint64_t* out = keys.fixed.data() + base;
    for (int64_t row = 0; row < rows; ++row) {
      out[row] = FixedKeyCodec::EncodePart(part, values + row * part.width);
    }
    return;
  }
  for (int64_t row = 0; row < rows; ++row) {
    // SQL semantics: a key with a NULL part is never a duplicate.
    if (any_nulls) {
      bool has_null = false;
      for (const auto& part : codec.parts()) has_null |= !batch.column(part.column).IsValid(row);
      if (has_null) continue;
    }
    keys.fixed.push_back(codec.Encode(batch, row));
    if (!check.row_is_key) AppendRowKey(batch, row, &keys);
  }
}

void ChunkImpl::ShortAllowedCheck(const Compiled& check, Counter* counter,
                                  const ColumnBatch& batch) {
  const ColumnVector& col = batch.column(check.column);
  const auto* data = reinterpret_cast<const char*>(col.values().data());
  const uint32_t* offsets = col.offsets().data();
  const bool nulls = col.has_nulls();
  const std::vector<ShortText>& allowed = check.short_list;
  // Most columns repeat a few values: remember the last value that passed.
  ShortText last;
  last.size = ~uint64_t{0};
  for (int64_t row = 0; row < col.size(); ++row) {
    if (nulls && !col.IsValid(row)) continue;
    const uint32_t begin = offsets[row];
    const uint32_t length = offsets[row + 1] - begin;
    if (length > kMaxShortText) [[unlikely]] {
      Fail(counter, batch, row, check.column);
      continue;
    }
    const ShortText value = PackShort(data + begin, length);
    if (value == last) continue;
    bool found = false;
    for (const ShortText& option : allowed) found |= option == value;
    if (found) {
      last = value;
    } else [[unlikely]] {
      Fail(counter, batch, row, check.column);
    }
  }
}

void ChunkImpl::RegexCheck(const Compiled& check, Counter* counter, const ColumnBatch& batch) {
  const ColumnVector& col = batch.column(check.column);
  const auto* data = reinterpret_cast<const char*>(col.values().data());
  const uint32_t* offsets = col.offsets().data();
  const bool nulls = col.has_nulls();
  const RegexMatcher& regex = *check.regex;
  for (int64_t row = 0; row < col.size(); ++row) {
    if (nulls && !col.IsValid(row)) continue;
    const uint32_t begin = offsets[row];
    if (!regex.Matches(std::string_view(data + begin, offsets[row + 1] - begin))) [[unlikely]]
      Fail(counter, batch, row, check.column);
  }
}

Status ChunkImpl::ExpressionChecks(const Compiled& check, Counter* counter,
                                   const ColumnBatch& batch) {
  failing_rows_.clear();
  SLUICE_RETURN_IF_ERROR(check.expression->Evaluate(batch, &failing_rows_));
  counter->count += static_cast<int64_t>(failing_rows_.size());
  for (int64_t row : failing_rows_) {
    if (static_cast<int>(counter->samples.size()) >= owner_->max_samples()) break;
    // The sample value: the columns the expression reads, as one JSON object.
    std::string value = "{";
    for (int column : check.expression->columns()) {
      const ColumnSchema& schema = owner_->schema().columns[static_cast<size_t>(column)];
      if (value.size() > 1) value += ", ";
      AppendJsonString(schema.name, &value);
      value += ": " + validate::ValueJson(schema, batch.column(column), row);
    }
    value += "}";
    counter->samples.push_back({RowKey(batch, row), std::move(value)});
  }
  return Status::OK();
}

void ChunkImpl::RunCheck(const Compiled& check, Counter* counter, const ColumnBatch& batch) {
  switch (check.kind) {
    case CheckKind::kType:
    case CheckKind::kRowCount:
    case CheckKind::kExpression:
      return;
    case CheckKind::kUnique:
    case CheckKind::kUniqueColumns:
      CollectKeys(check, batch);
      return;
    case CheckKind::kNullable: {
      const ColumnVector& col = batch.column(check.column);
      if (!col.has_nulls()) return;
      for (int64_t row = 0; row < col.size(); ++row) {
        if (!col.IsValid(row)) Fail(counter, batch, row, check.column);
      }
      return;
    }
    default:
      break;
  }
  const ColumnVector& col = batch.column(check.column);
  const int64_t rows = col.size();
  const bool nulls = col.has_nulls();
  if (check.domain == Domain::kInt) {
    switch (check.int_load) {
      case IntLoad::kI32:
        return IntChecks<IntLoad::kI32>(check, counter, batch);
      case IntLoad::kU32:
        return IntChecks<IntLoad::kU32>(check, counter, batch);
      case IntLoad::kI64:
        return IntChecks<IntLoad::kI64>(check, counter, batch);
      case IntLoad::kU64:
        return IntChecks<IntLoad::kU64>(check, counter, batch);
      case IntLoad::kBigEndian:
        return IntChecks<IntLoad::kBigEndian>(check, counter, batch);
      case IntLoad::kBool:
        return IntChecks<IntLoad::kBool>(check, counter, batch);
    }
  }
  if (check.domain == Domain::kDouble) {
    for (int64_t row = 0; row < rows; ++row) {
      if (nulls && !col.IsValid(row)) continue;
      double value = LoadDouble(col, row);
      bool fails = false;
      switch (check.kind) {
        // NaN fails every range check: it is not within any bound.
        case CheckKind::kMin:
          fails = !(check.exclusive ? value > check.double_bound : value >= check.double_bound);
          break;
        case CheckKind::kMax:
          fails = !(check.exclusive ? value < check.double_bound : value <= check.double_bound);
          break;
        case CheckKind::kAllowed:
          fails = !std::binary_search(check.double_set.begin(), check.double_set.end(), value);
          break;
        default:
          break;
      }
      if (fails) [[unlikely]]
        Fail(counter, batch, row, check.column);
    }
    return;
  }
  // Bytes domain (strings, binary, FLBA).
  if (check.kind == CheckKind::kAllowed && !check.short_list.empty() && col.width() == 0) {
    return ShortAllowedCheck(check, counter, batch);
  }
  if (check.kind == CheckKind::kRegex && col.width() == 0) {
    return RegexCheck(check, counter, batch);
  }
  for (int64_t row = 0; row < rows; ++row) {
    if (nulls && !col.IsValid(row)) continue;
    std::string_view value = col.width() == 0
                                 ? col.BytesAt(row)
                                 : std::string_view(reinterpret_cast<const char*>(col.FixedAt(row)),
                                                    static_cast<size_t>(col.width()));
    bool fails = false;
    switch (check.kind) {
      case CheckKind::kMin:
        fails = check.exclusive ? value <= check.bytes_bound : value < check.bytes_bound;
        break;
      case CheckKind::kMax:
        fails = check.exclusive ? value >= check.bytes_bound : value > check.bytes_bound;
        break;
      case CheckKind::kAllowed:
        if (!check.bytes_list.empty()) {
          fails = true;
          for (const std::string& allowed : check.bytes_list) {
            if (allowed.size() == value.size() &&
                std::memcmp(allowed.data(), value.data(), value.size()) == 0) {
              fails = false;
              break;
            }
          }
        } else {
          fails = check.bytes_set.find(value) == check.bytes_set.end();
        }
        break;
      case CheckKind::kRegex:
        fails = !check.regex->Matches(value);
        break;
      case CheckKind::kMinLength:
        // Byte length bounds the character count: skip the decode when it decides.
        fails =
            static_cast<int64_t>(value.size()) < check.length || Utf8Length(value) < check.length;
        break;
      case CheckKind::kMaxLength:
        fails =
            static_cast<int64_t>(value.size()) > check.length && Utf8Length(value) > check.length;
        break;
      default:
        break;
    }
    if (fails) [[unlikely]]
      Fail(counter, batch, row, check.column);
  }
}

Status ChunkImpl::Consume(const ColumnBatch& batch) {
  const auto& checks = owner_->checks();
  if (batch.num_columns() != owner_->schema().num_columns()) {
    return Status::InvalidArgument("validator: batch has " + std::to_string(batch.num_columns()) +
                                   " columns, the schema " +
                                   std::to_string(owner_->schema().num_columns()));
  }
  for (size_t idx = 0; idx < checks.size(); ++idx) {
    // Present/type failures were decided from the schema; the column is absent or mistyped.
    if (checks[idx].schema_failures > 0) continue;
    if (checks[idx].expression) {
      SLUICE_RETURN_IF_ERROR(ExpressionChecks(checks[idx], &counters_[idx], batch));
      continue;
    }
    RunCheck(checks[idx], &counters_[idx], batch);
  }
  rows_ += batch.num_rows();
  row_base_ += batch.num_rows();
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<ContractValidator>> ContractValidator::Make(
    const TableContract& contract, const Schema& schema, const ValidatorOptions& options) {
  auto validator = std::make_unique<ValidatorImpl>(contract, schema, options);
  SLUICE_RETURN_IF_ERROR(validator->Compile(contract));
  return std::unique_ptr<ContractValidator>(std::move(validator));
}

}  // namespace sluice

// Declared casts and Pandera-style data contracts, applied while batches stream to the writer.
//
// Three pieces, each usable on its own:
//   - CastPlan: per-column casts declared by the user (VARCHAR -> DECIMAL/INT/DOUBLE/DATE/
//     TIMESTAMP with an explicit format, trim, empty-string-to-NULL, rename, drop). Apply() turns a
//     batch of the source schema into a batch of the output schema; a value that does not parse
//     is handled per cast by OnError (fail the run, store NULL, or quarantine the row into a
//     RejectSink such as RejectFileWriter, which writes `_rejects` Parquet files).
//   - Contract: a YAML file with one section per table (see docs/contracts.md): the casts, the
//     column checks (present, type, nullable, unique, min/max, allowed values, regex, string
//     length) and the table checks (row count, unique combination of columns).
//   - ContractValidator: checks every batch as it streams (no second read), keeps unique keys of
//     the whole table in bounded memory (spilling sorted runs to disk beyond the budget), and
//     Finish() returns a ValidationReport listing every failed check with its failure count and
//     sample failing values with their key (lazy validation: never only the first error).
//
// Typical streaming use (one table; `chunk` = one retryable unit of work such as a part file):
//   SLUICE_ASSIGN_OR_RETURN(Contract contract, Contract::Load(path));
//   SLUICE_ASSIGN_OR_RETURN(const TableContract* table, contract.Select("orders"));
//   SLUICE_ASSIGN_OR_RETURN(CastPlan plan, CastPlan::Make(table->casts, source_schema,
//   table->key)); SLUICE_ASSIGN_OR_RETURN(auto validator, ContractValidator::Make(*table,
//   plan.output_schema())); if (!validator->schema_ok()) -> stop before reading rows, report
//   validator->Finish(). per chunk: auto chunk = validator->NewChunk("part-00003");
//              per batch: plan.Apply(in, &out, rejects, chunk->cast_stats()); chunk->Consume(out);
//              on success: validator->Commit(std::move(chunk)); on retry: drop `chunk`.
//   SLUICE_ASSIGN_OR_RETURN(ValidationReport report, validator->Finish());
//
// Thread-safety: Contract and CastPlan are immutable after construction; Apply() may run on many
// threads at once (each with its own output batch, sink and stats). A ValidationChunk belongs to
// one thread; ContractValidator::Commit() may be called from any thread. Consume() (the
// single-stream shortcut) and Finish() must not race with other calls.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/column_batch.h"
#include "sluice/result.h"
#include "sluice/schema.h"

namespace sluice {

/// Where a contract entry came from, for error messages: "contract.yaml:12:
/// tables.t.columns.a.min".
struct SourceLocation {
  std::string file;  // empty for casts given on the command line
  int line = 0;      // 1-based; 0 when unknown
  std::string key;   // dotted path of the YAML key, or the --cast text
  std::string ToString() const;
};

// ------------------------------------------------------------------------------------------
// Casts
// ------------------------------------------------------------------------------------------

/// What happens to a value that does not cast.
enum class OnError {
  kFail,        // the run stops with kValidationFailed naming the column, row key and value
  kNull,        // the value becomes NULL; counted per column in the report
  kQuarantine,  // the whole row leaves the output and goes to the RejectSink with the reason
};
const char* OnErrorName(OnError on_error);

enum class CastTarget {
  kKeep,  // no type change: rename / drop / trim / empty-to-NULL only
  kString,
  kInt32,
  kInt64,
  kDouble,
  kDecimal,
  kDate,
  kTimestamp,
};

/// One declared cast. Type casts read BYTE_ARRAY (text) source columns.
struct CastSpec {
  std::string column;  // source column name
  std::string rename;  // output name; empty keeps `column`
  bool drop = false;   // remove the column from the output
  CastTarget target = CastTarget::kKeep;
  int32_t precision = 0;  // kDecimal: 1..38
  int32_t scale = 0;      // kDecimal: 0..precision
  /// Numbers: "plain" (default: 1234.5), "comma" (1,234.5: ',' groups digits) or "dot_comma"
  /// (1.234,5). Dates and timestamps: a strptime-like pattern (%Y %m %d %H %M %S %f; default
  /// "%Y-%m-%d" and "%Y-%m-%d %H:%M:%S%f").
  std::string format;
  /// Strip ASCII whitespace around text before casting (and for kKeep/kString, in the output).
  bool trim = true;
  /// Text that is empty (after trim) becomes NULL instead of a cast error.
  bool empty_as_null = true;
  OnError on_error = OnError::kFail;
  SourceLocation location;
};

/// Parses one `--cast` flag: `COLUMN=TYPE[:FORMAT][:ON_ERROR]`, `COLUMN=drop` or
/// `COLUMN=rename:NEW`. TYPE: string, int32, int64 (int), double, decimal(P,S), date, timestamp.
/// ON_ERROR (fail | null | quarantine) is recognised as the last ':'-separated field, so a
/// timestamp FORMAT may itself contain ':' ("ts=timestamp:%d/%m/%Y %H:%M:%S:null").
/// Examples: "amount=decimal(12,2):comma:quarantine", "born=date:%d.%m.%Y:null", "note=drop".
Result<CastSpec> ParseCastSpec(std::string_view text);

/// Per-column counts of values that did not cast, with samples. Filled by CastPlan::Apply().
struct CastStats {
  struct Column {
    std::string column;       // output (or source, when quarantined) column name
    std::string target;       // "DECIMAL(12,2)"
    int64_t nulled = 0;       // on_error: null
    int64_t quarantined = 0;  // on_error: quarantine (rows whose first failure was this column)
    std::vector<std::pair<std::string, std::string>> samples;  // (row key, bad value) JSON text
  };
  std::vector<Column> columns;
  int64_t rows_quarantined = 0;
  int max_samples = 5;
  void Merge(const CastStats& other);
};

/// Receives quarantined rows: the source row as it arrived plus the reason.
class RejectSink {
 public:
  virtual ~RejectSink() = default;
  /// `row` of `source` (a batch of the source schema) failed `column` for `reason`.
  virtual Status Reject(const ColumnBatch& source, int64_t row, const std::string& column,
                        const std::string& reason) = 0;
};

/// Writes rejected rows to a Parquet file: the source columns, then `_reject_column` and
/// `_reject_reason` (STRING). The file is created on the first rejected row only, under a
/// temporary name, and becomes visible at Close(); Abort() (or destruction) discards it.
class RejectFileWriter : public RejectSink {
 public:
  /// `path` is the final file, conventionally RejectsPath(table_dir, "part-00003.parquet").
  static Result<std::unique_ptr<RejectFileWriter>> Open(const std::string& path,
                                                        const Schema& source_schema);
  virtual Status Close() = 0;
  virtual void Abort() = 0;
  virtual int64_t rows_written() const = 0;
  /// The schema of reject files for `source_schema`.
  static Schema RejectSchema(const Schema& source_schema);
};

/// "<table_dir>/_rejects/<file_name>": beside the table's part files, in a subdirectory so that
/// globs such as table/*.parquet never pick rejected rows up.
std::string RejectsPath(const std::string& table_dir, const std::string& file_name);

/// The compiled casts of one table. Move-only.
class CastPlan {
 public:
  /// Checks every cast against `source` before any data is read: unknown column, duplicate or
  /// clashing output names, a type cast from a non-text column, bad precision or format all fail
  /// with InvalidArgument naming the cast's location. `key_column` (a source column, may be
  /// empty) names rows in error messages and samples.
  static Result<CastPlan> Make(const std::vector<CastSpec>& casts, const Schema& source,
                               const std::string& key_column = "");
  CastPlan(CastPlan&&) noexcept;
  CastPlan& operator=(CastPlan&&) noexcept;
  ~CastPlan();

  const Schema& source_schema() const;
  const Schema& output_schema() const;
  /// True when Apply() would copy the batch unchanged (no casts declared).
  bool is_identity() const;

  /// Casts `in` (source schema) into *out (reset to the output schema). Rows quarantined by a
  /// cast go to `rejects` and are left out of *out. `rejects` may be null only when no cast uses
  /// quarantine (the rows are then only counted); `stats` may be null.
  /// Errors: kValidationFailed for a value under on_error: fail; the sink's errors.
  Status Apply(const ColumnBatch& in, ColumnBatch* out, RejectSink* rejects,
               CastStats* stats) const;
  /// Like Apply(), but columns that pass unchanged are moved from *in instead of copied when
  /// no row is quarantined; afterwards *in holds unspecified rows of the same columns (the
  /// contract of ParquetFileWriter::WriteOwnedBatch: a cursor's Next() refills it).
  Status ApplyTaking(ColumnBatch* in, ColumnBatch* out, RejectSink* rejects,
                     CastStats* stats) const;

 private:
  struct Impl;
  explicit CastPlan(std::unique_ptr<Impl> impl);
  Status Run(const ColumnBatch& in, ColumnBatch* take, ColumnBatch* out, RejectSink* rejects,
             CastStats* stats) const;
  std::unique_ptr<Impl> impl_;
};

// ------------------------------------------------------------------------------------------
// Contracts
// ------------------------------------------------------------------------------------------

enum class CheckKind {
  // column checks
  kType,       // args[0]: type name ("int64", "decimal(12,2)", "string", "date", ...)
  kNullable,   // flag: false = NULLs fail
  kUnique,     // flag: true = duplicate non-NULL values fail (across the whole table)
  kMin,        // args[0]: literal; flag: exclusive
  kMax,        // args[0]: literal; flag: exclusive
  kAllowed,    // args: allowed literals
  kRegex,      // args[0]: pattern, must match the whole value
  kMinLength,  // args[0]: characters (UTF-8 code points)
  kMaxLength,  // args[0]
  // table checks
  kRowCount,       // args[0] = min or "", args[1] = max or ""
  kUniqueColumns,  // args: column names whose combination must be unique
  kExpression,     // args[0]: SQL boolean expression over a row, run by the query engine
};
const char* CheckKindName(CheckKind kind);

struct CheckSpec {
  CheckKind kind = CheckKind::kType;
  std::vector<std::string> args;
  bool flag = false;
  SourceLocation location;
};

struct ColumnContract {
  std::string name;
  /// false: the column may be absent (its checks are skipped then).
  bool required = true;
  std::vector<CheckSpec> checks;
  SourceLocation location;
};

struct TableContract {
  std::string name;
  /// Column whose value identifies a row in samples and messages; empty: the row number.
  std::string key;
  std::vector<CastSpec> casts;
  std::vector<ColumnContract> columns;
  std::vector<CheckSpec> table_checks;
  SourceLocation location;
};

struct Contract {
  std::string file;
  std::vector<TableContract> tables;

  /// Reads and checks a contract file. Structural errors (bad YAML, unknown key or check, a
  /// value of the wrong type, an unknown type name, a bad regex or format) fail with
  /// InvalidArgument "FILE:LINE: KEY: what is wrong" before any data is read.
  static Result<Contract> Load(const std::string& path);
  /// Same, from text; `file_name` is used in messages.
  static Result<Contract> Parse(const std::string& text, const std::string& file_name);

  /// The section named `table`; with an empty name, the only section. NotFound otherwise.
  Result<const TableContract*> Select(const std::string& table) const;
};

// ------------------------------------------------------------------------------------------
// Validation
// ------------------------------------------------------------------------------------------

struct FailureSample {
  std::string key;    // JSON text of the row key (or "row N")
  std::string value;  // JSON text of the failing value
};

struct CheckResult {
  std::string column;  // empty for table checks
  std::string check;   // CheckKindName(), plus "present" for a missing column
  std::string detail;  // "min 0 (inclusive)", "type int64, found string", ...
  int64_t failure_count = 0;
  std::vector<FailureSample> samples;
};

struct ValidationReport {
  std::string table;
  std::string contract_file;
  int64_t rows_checked = 0;
  int64_t rows_quarantined = 0;
  int checks_total = 0;
  std::vector<CheckResult> failures;  // contract order
  CastStats casts;                    // values nulled or quarantined by casts
  // Memory of the unique checks' key sets: peak, budget (ValidatorOptions), spill files.
  int64_t unique_memory_peak_bytes = 0;
  int64_t unique_memory_budget_bytes = 0;
  int64_t unique_spilled_runs = 0;

  bool passed() const { return failures.empty(); }
  /// Multi-line human-readable summary (what the CLI prints on stderr).
  std::string ToText() const;
  /// One JSON object (the `_validation.json` file, `--json` output).
  std::string ToJson() const;
};

/// Writes report.ToJson() to `path` atomically (conventionally "<table_dir>/_validation.json").
Status WriteValidationReport(const ValidationReport& report, const std::string& path);

struct ValidatorOptions {
  /// Samples kept per failed check.
  int max_samples = 5;
  /// Memory for the key sets of all unique checks together (split evenly, >= 1 MiB each). Keys of
  /// <= 8 bytes are kept as runs of consecutive values (a dense id range takes a few bytes,
  /// random 64-bit keys ~7 bytes each); other keys in a hash table (~2M short keys in 64 MiB).
  /// Beyond it keys spill as sorted runs to `spill_dir` and are merged in Finish().
  int64_t unique_memory_bytes = 64ll << 20;
  /// Directory for spill files; empty: $TMPDIR or /tmp.
  std::string spill_dir;
  /// Overrides the contract's `key` when not empty.
  std::string key_column;
};

/// Checks of one chunk (a retryable unit such as one part file), buffered until Commit().
class ValidationChunk {
 public:
  virtual ~ValidationChunk() = default;
  /// Checks every row of `batch` (output schema).
  virtual Status Consume(const ColumnBatch& batch) = 0;
  /// Where CastPlan::Apply() counts this chunk's cast failures.
  virtual CastStats* cast_stats() = 0;
  virtual int64_t rows() const = 0;
};

class ContractValidator {
 public:
  /// Compiles `contract` against `schema` (the output schema of the casts). Present and type
  /// checks are decided here, from the schema; literals (min, max, allowed) are parsed in the
  /// column's type and bad ones fail with InvalidArgument naming FILE:LINE: KEY. Expression
  /// checks are parsed and bound by the query engine here (a bad one is InvalidArgument; a
  /// column type the engine cannot compute with, NotSupported).
  static Result<std::unique_ptr<ContractValidator>> Make(const TableContract& contract,
                                                         const Schema& schema,
                                                         const ValidatorOptions& options = {});
  virtual ~ContractValidator() = default;

  /// False when a present or type check already failed: callers should stop before reading rows
  /// and publish nothing (Finish() still gives the report).
  virtual bool schema_ok() const = 0;

  /// Single-stream shortcut: checks `batch` and commits it at once.
  virtual Status Consume(const ColumnBatch& batch) = 0;
  /// Cast stats of the single stream (pass to CastPlan::Apply when using Consume()).
  virtual CastStats* cast_stats() = 0;

  /// A new chunk; `label` prefixes row numbers in samples when there is no key column.
  virtual std::unique_ptr<ValidationChunk> NewChunk(const std::string& label) = 0;
  /// Adds a finished chunk's results to the table (thread-safe). A chunk that is dropped
  /// without Commit() (a failed attempt that will be retried) leaves no trace.
  virtual Status Commit(std::unique_ptr<ValidationChunk> chunk) = 0;

  /// Table checks (row count), the cross-run merge of spilled unique keys, and the report.
  /// Call once, after the last Commit().
  virtual Result<ValidationReport> Finish() = 0;

  /// Bytes held by unique key sets (the part bounded by unique_memory_bytes) and its peak.
  virtual int64_t unique_memory_bytes() const = 0;
  virtual int64_t peak_unique_memory_bytes() const = 0;
  virtual int64_t spilled_runs() const = 0;
};

}  // namespace sluice

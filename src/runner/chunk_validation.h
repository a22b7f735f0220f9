// ChunkValidation: the runner::TableTransform that applies declared value casts and a data
// contract (include/sluice/validate.h) to every batch of `sluice extract` as it streams to the
// writer: no second read of the data. Per part file: its casts (with quarantined rows going to
// TABLE_DIR/_rejects/<part file>), its contract checks buffered in a ValidationChunk and committed
// with the file. At the end the report is written to TABLE_DIR/_validation.json and printed on
// stderr; a failed contract (or failed schema checks, before any row is read) makes the extract
// fail with kValidationFailed, so the manifest is not written.
// Thread-safety: the transform is shared by the chunk threads (NewChunk, Apply on distinct chunks
// run concurrently); Begin/Finish are called by the driving thread. Each part file's checks run on
// a helper thread of its own (ValidationConfig::background_checks), casts on the chunk's thread.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/extract_job.h"
#include "sluice/validate.h"

namespace sluice::runner {

struct ValidationConfig {
  /// Value casts given on the command line (applied after the contract's casts).
  std::vector<CastSpec> casts;
  /// Contract file; empty: casts only (the report then lists cast failures only).
  std::string contract_path;
  /// Section of the contract to use; empty: the only section, else the table's name.
  std::string contract_table;
  /// Where the report text goes (stderr in the CLI); null: nowhere.
  std::ostream* report_text = nullptr;
  /// Run each part file's contract checks on a helper thread, overlapped with fetching and
  /// casting the next batch (casts stay on the chunk's thread: the writer needs their output).
  bool background_checks = true;
  /// The table's contract given in memory (pipeline files) instead of contract_path.
  std::optional<TableContract> contract;
  /// Pipeline files: a contract that does not fit the source's schema (a required column is
  /// missing, a type check fails) is InvalidArgument listing "FILE:LINE: KEY: problem" for each,
  /// and no report is written — a config error found by `sluice plan`. Otherwise (`sluice
  /// extract`) it is a failed contract: report written, kValidationFailed, no row read.
  bool schema_mismatch_is_config_error = false;
};

/// The factory to put in ExtractOptions::transform. Loads and checks the contract at once, so
/// structural errors (kInvalidArgument "FILE:LINE: KEY: ...") surface before anything is read.
Result<TableTransformFactory> MakeValidationFactory(const ValidationConfig& config);

/// `--cast` values that are value casts (issue 5) rather than catalog type overrides: those with a
/// FORMAT or ON_ERROR field (`COLUMN=TYPE:...`), `COLUMN=drop` and `COLUMN=rename:NEW`.
bool IsValueCast(const std::string& flag);

}  // namespace sluice::runner

// TableContractConfig: the data contract of one pipeline table, assembled from what its entry in
// the pipeline file declares (docs/pipeline.md, "Contracts and casts"):
//   - `contract: FILE` or `contract: {file: FILE, section: NAME}`: a contract file
//   (docs/contracts.md),
//     its path relative to the pipeline file; the section named like the table, else the only one;
//   - `contract: {key, casts, columns, checks}`: the same sections written inline (added to the
//     file's: key replaces, casts/columns/checks are appended);
//   - `casts: {COLUMN: {type, format, on_error, ...}}`: value casts (map-form entries; the string
//     entries `COLUMN: TYPE` stay source type overrides and are not read here).
// Everything is checked for structure here, before anything connects: messages are
// "FILE:LINE: key.path: problem", with lines and keys of the pipeline file for inline parts and
// of the contract file for its parts. Checks against the source's schema (columns that do not
// exist, types) happen later, when the table is resolved (runner/chunk_validation.h).
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "runner/pipeline/config_tree.h"
#include "sluice/result.h"
#include "sluice/validate.h"

namespace sluice::runner::pipeline {

struct TableContractSources {
  std::string table_name;     // the pipeline table (its `name`)
  std::string pipeline_file;  // for messages
  /// Contract file, already resolved against the pipeline file's directory; empty: none.
  std::string file;
  /// Section of `file` to use; empty: the one named like the table, else the only one.
  std::string section;
  /// Where `contract:` is (for errors about the file or its section).
  int contract_line = 0;
  /// The inline map of `contract:` (its `file`/`section` entries are skipped); may be null.
  const ConfigNode* inline_contract = nullptr;
  int inline_line = 0;  // line of the `contract:` key
  /// The table's `casts:` map (only map-valued entries are value casts); may be null.
  const ConfigNode* casts = nullptr;
  int casts_line = 0;  // line of the `casts:` key
};

/// The merged contract, or nullopt when the table declares neither a contract nor value casts.
/// Errors: InvalidArgument with one "FILE:LINE: key.path: problem" message.
Result<std::optional<TableContract>> BuildTableContract(const TableContractSources& sources);

}  // namespace sluice::runner::pipeline

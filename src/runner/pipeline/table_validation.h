// TableValidation from a table directory: what the pipeline run reports about a table's data
// contract (summary, --json, HTML report, alerts) is read back from the `_validation.json` the
// extract's validation transform wrote (runner/chunk_validation.h), so there is one source of
// truth for the counts.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "runner/pipeline/run_record.h"

namespace sluice::runner::pipeline {

/// Reads TABLE_DIR/_validation.json; `checked` is false when there is none (or it is unreadable).
TableValidation ReadTableValidation(const std::string& table_dir);

/// "id unique: 1 failure; amount max: 2 failures" (empty when nothing failed).
std::string FailedChecksText(const TableValidation& validation);

}  // namespace sluice::runner::pipeline

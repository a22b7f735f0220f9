// The HTML run report (`sluice run --report run.html`): one self-contained page (inline CSS and
// SVG, no scripts, no network) showing the run at a glance: a timeline of chunk attempts per
// table (retries and failures marked), rows/s over time, process RSS over time against the
// memory budget, and the per-table totals.
// Thread-safety: pure function.
#pragma once

#include <string>

#include "runner/pipeline/run_record.h"
#include "sluice/status.h"

namespace sluice::runner::pipeline {

std::string RenderRunReport(const RunRecord& record);
/// Renders and writes atomically.
Status WriteRunReport(const RunRecord& record, const std::string& path);

}  // namespace sluice::runner::pipeline

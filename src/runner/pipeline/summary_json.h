// The run summary: JSON for `sluice run --json` (Airflow XCom: every produced file URI, rows,
// bytes, durations, peak memory) and the plain-text table printed at the end of a run.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "runner/pipeline/run_record.h"

namespace sluice::runner::pipeline {

std::string SummaryJson(const RunRecord& record);
std::string SummaryText(const RunRecord& record);

}  // namespace sluice::runner::pipeline

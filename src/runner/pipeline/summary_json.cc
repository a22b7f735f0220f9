#include "runner/pipeline/summary_json.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/redact.h"

namespace sluice::runner::pipeline {

using json = nlohmann::json;

namespace {

// The contract outcome of a table: counts and failed checks (samples stay in the report file).
json ValidationJson(const TableValidation& validation) {
  json failures = json::array();
  for (const auto& check : validation.failures) {
    failures.push_back({{"column", check.column.empty() ? json(nullptr) : json(check.column)},
                        {"check", check.check},
                        {"detail", check.detail},
                        {"failure_count", check.failure_count}});
  }
  return {{"passed", validation.passed},
          {"rows_checked", validation.rows_checked},
          {"rows_quarantined", validation.rows_quarantined},
          {"checks_total", validation.checks_total},
          {"checks_failed", validation.failures.size()},
          {"failures", failures},
          {"report", validation.report},
          {"rejects", validation.rejects.empty() ? json(nullptr) : json(validation.rejects)}};
}

}  // namespace

std::string SummaryJson(const RunRecord& record) {
  json tables = json::array();
  json all_files = json::array();
  int64_t rows = 0;
  int64_t bytes = 0;
  int64_t retries = 0;
  for (const auto& table : record.tables) {
    double seconds = table.start_seconds >= 0 && table.end_seconds >= 0
                         ? table.end_seconds - table.start_seconds
                         : 0;
    json item = {{"table", table.name},
                 {"source_table", table.source_table},
                 {"status", table.status},
                 {"rows", table.rows},
                 {"bytes", table.bytes},
                 {"chunks", table.tasks_total},
                 {"chunks_done", table.tasks_done},
                 {"chunks_reused", table.chunks_reused},
                 {"retries", table.retries},
                 {"seconds", seconds},
                 {"start_seconds", table.start_seconds},
                 {"end_seconds", table.end_seconds},
                 {"rows_per_second", seconds > 0 ? static_cast<double>(table.rows) / seconds : 0.0},
                 {"dir", table.dir},
                 {"files", table.files}};
    if (!table.error.empty()) {
      item["error"] = table.error;
      item["error_kind"] = table.error_kind;
    }
    if (table.validation.checked) item["validation"] = ValidationJson(table.validation);
    if (!table.shard.empty()) {
      // A shard's files and rows are its own; table_complete says whether the manifest is in.
      item["shard"] = table.shard;
      item["table_complete"] = table.complete;
    }
    for (const auto& file : table.files) all_files.push_back(file);
    rows += table.rows;
    bytes += table.bytes;
    retries += table.retries;
    tables.push_back(item);
  }
  json transforms = json::array();
  for (const auto& transform : record.transforms) {
    json item = {{"transform", transform.name},
                 {"status", transform.status},
                 {"output", transform.output},
                 {"rows", transform.rows},
                 {"seconds", transform.seconds}};
    if (!transform.error.empty()) item["error"] = transform.error;
    transforms.push_back(item);
    if (transform.status == "succeeded") all_files.push_back(transform.output);
  }
  json out = {{"run_id", record.run_id},
              {"pipeline", record.pipeline},
              {"status", record.status},
              {"resumed", record.resumed},
              {"destination", record.destination},
              {"started_at", record.started_at},
              {"elapsed_seconds", record.elapsed_seconds},
              {"total_rows", rows},
              {"total_bytes", bytes},
              {"retries", retries},
              {"peak_rss_bytes", record.peak_rss_bytes},
              {"memory_budget_bytes", record.memory_budget_bytes},
              {"peak_reserved_bytes", record.peak_reserved_bytes},
              {"tables", tables},
              {"transforms", transforms},
              {"files", all_files},
              {"alert_errors", record.alert_errors}};
  // Errors were redacted when recorded; the rest holds no secrets (and redacting whole
  // documents would mangle paths that happen to contain a short password).
  return out.dump(2);
}

std::string SummaryText(const RunRecord& record) {
  std::string out;
  char line[512];
  std::snprintf(line, sizeof(line), "%-20s %-10s %12s %10s %7s %8s %7s %9s\n", "table", "status",
                "rows", "MB", "chunks", "reused", "retries", "seconds");
  out += line;
  for (const auto& table : record.tables) {
    double seconds = table.start_seconds >= 0 && table.end_seconds >= 0
                         ? table.end_seconds - table.start_seconds
                         : 0;
    std::snprintf(line, sizeof(line), "%-20.20s %-10s %12lld %10.1f %7d %8lld %7lld %9.2f\n",
                  table.name.c_str(), table.status.c_str(), static_cast<long long>(table.rows),
                  static_cast<double>(table.bytes) / (1 << 20), table.tasks_total,
                  static_cast<long long>(table.chunks_reused),
                  static_cast<long long>(table.retries), seconds);
    out += line;
    if (table.validation.checked) {
      const TableValidation& validation = table.validation;
      out += "  contract " + std::string(validation.passed ? "passed" : "FAILED") + ": " +
             std::to_string(validation.rows_checked) + " rows checked, " +
             std::to_string(validation.failures.size()) + " of " +
             std::to_string(validation.checks_total) + " checks failed";
      if (validation.rows_quarantined > 0) {
        out += ", " + std::to_string(validation.rows_quarantined) + " rows quarantined to " +
               validation.rejects;
      }
      out += "\n";
      for (const auto& check : validation.failures) {
        out += "    " + (check.column.empty() ? std::string("(table)") : check.column) + " " +
               check.check + " [" + check.detail + "]: " + std::to_string(check.failure_count) +
               (check.failure_count == 1 ? " failure\n" : " failures\n");
      }
    }
    if (!table.error.empty()) out += "  error: " + table.error + "\n";
    if (!table.shard.empty() && table.status == "succeeded") {
      out += "  shard " + table.shard +
             (table.complete ? " done; every shard is done, the table's manifest is written\n"
                             : " done; other shards are still missing\n");
    }
  }
  for (const auto& transform : record.transforms) {
    std::snprintf(line, sizeof(line), "transform %-10.10s %-10s %12lld rows %9.2f s\n",
                  transform.name.c_str(), transform.status.c_str(),
                  static_cast<long long>(transform.rows), transform.seconds);
    out += line;
    if (!transform.error.empty()) out += "  error: " + transform.error + "\n";
  }
  std::snprintf(line, sizeof(line), "run %s %s in %.2f s, peak RSS %lld MiB (budget %lld MiB)\n",
                record.run_id.c_str(), record.status.c_str(), record.elapsed_seconds,
                static_cast<long long>(record.peak_rss_bytes >> 20),
                static_cast<long long>(record.memory_budget_bytes >> 20));
  out += line;
  return out;
}

}  // namespace sluice::runner::pipeline

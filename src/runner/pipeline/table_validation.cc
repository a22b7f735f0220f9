#include "runner/pipeline/table_validation.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

namespace sluice::runner::pipeline {

namespace fs = std::filesystem;
using json = nlohmann::json;

TableValidation ReadTableValidation(const std::string& table_dir) {
  TableValidation out;
  std::string path = table_dir + "/_validation.json";
  std::ifstream in(path);
  if (!in) return out;
  json report = json::parse(in, nullptr, false);
  if (!report.is_object()) return out;
  out.checked = true;
  out.report = path;
  out.passed = report.value("passed", false);
  out.rows_checked = report.value("rows_checked", int64_t{0});
  out.rows_quarantined = report.value("rows_quarantined", int64_t{0});
  out.checks_total = report.value("checks_total", int64_t{0});
  if (report.contains("failures") && report["failures"].is_array()) {
    for (const auto& item : report["failures"]) {
      FailedCheck check;
      if (item.contains("column") && item["column"].is_string())
        check.column = item["column"].get<std::string>();
      check.check = item.value("check", "");
      check.detail = item.value("detail", "");
      check.failure_count = item.value("failure_count", int64_t{0});
      out.failures.push_back(std::move(check));
    }
  }
  std::error_code ec;
  if (out.rows_quarantined > 0 && fs::is_directory(table_dir + "/_rejects", ec)) {
    out.rejects = table_dir + "/_rejects";
  }
  return out;
}

std::string FailedChecksText(const TableValidation& validation) {
  std::string out;
  for (const auto& failure : validation.failures) {
    out += (out.empty() ? "" : "; ") +
           (failure.column.empty() ? std::string("(table)") : failure.column) + " " +
           failure.check + ": " + std::to_string(failure.failure_count) +
           (failure.failure_count == 1 ? " failure" : " failures");
  }
  return out;
}

}  // namespace sluice::runner::pipeline

// ValidationReport text and JSON forms, and writing `_validation.json`.
#include <nlohmann/json.hpp>

#include "common/atomic_file.h"
#include "sluice/validate.h"

namespace sluice {

namespace {

// Samples hold JSON text; embed them as JSON values (fall back to a string if malformed).
nlohmann::json Embed(const std::string& text) {
  auto value = nlohmann::json::parse(text, nullptr, false);
  return value.is_discarded() ? nlohmann::json(text) : value;
}

std::string SampleText(const std::string& key, const std::string& value) {
  return "key " + key + ": " + value;
}

}  // namespace

std::string ValidationReport::ToText() const {
  std::string out = "validation of table " + table;
  if (!contract_file.empty()) out += " (contract " + contract_file + ")";
  out += passed() ? ": passed" : ": FAILED";
  out += " — " + std::to_string(failures.size()) + " of " + std::to_string(checks_total) +
         " checks failed, " + std::to_string(rows_checked) + " rows checked";
  if (rows_quarantined > 0) out += ", " + std::to_string(rows_quarantined) + " rows quarantined";
  out += "\n";
  for (const CheckResult& failure : failures) {
    out += "  " + (failure.column.empty() ? std::string("(table)") : failure.column) + " " +
           failure.check + " [" + failure.detail + "]: " + std::to_string(failure.failure_count) +
           (failure.failure_count == 1 ? " failure" : " failures");
    if (!failure.samples.empty()) {
      out += "; e.g. ";
      for (size_t idx = 0; idx < failure.samples.size(); ++idx) {
        if (idx > 0) out += ", ";
        out += SampleText(failure.samples[idx].key, failure.samples[idx].value);
      }
    }
    out += "\n";
  }
  for (const CastStats::Column& cast : casts.columns) {
    out += "  cast " + cast.column + " -> " + cast.target + ":";
    if (cast.nulled > 0) out += " " + std::to_string(cast.nulled) + " set to NULL";
    if (cast.quarantined > 0) out += " " + std::to_string(cast.quarantined) + " quarantined";
    if (!cast.samples.empty()) {
      out += "; e.g. ";
      for (size_t idx = 0; idx < cast.samples.size(); ++idx) {
        if (idx > 0) out += ", ";
        out += SampleText(cast.samples[idx].first, cast.samples[idx].second);
      }
    }
    out += "\n";
  }
  return out;
}

std::string ValidationReport::ToJson() const {
  nlohmann::json doc;
  doc["table"] = table;
  doc["contract"] = contract_file;
  doc["passed"] = passed();
  doc["rows_checked"] = rows_checked;
  doc["rows_quarantined"] = rows_quarantined;
  doc["checks_total"] = checks_total;
  doc["checks_failed"] = failures.size();
  doc["unique_memory"] = {{"peak_bytes", unique_memory_peak_bytes},
                          {"budget_bytes", unique_memory_budget_bytes},
                          {"spilled_runs", unique_spilled_runs}};
  doc["failures"] = nlohmann::json::array();
  for (const CheckResult& failure : failures) {
    nlohmann::json item;
    item["column"] =
        failure.column.empty() ? nlohmann::json(nullptr) : nlohmann::json(failure.column);
    item["check"] = failure.check;
    item["detail"] = failure.detail;
    item["failure_count"] = failure.failure_count;
    item["samples"] = nlohmann::json::array();
    for (const FailureSample& sample : failure.samples) {
      item["samples"].push_back({{"key", Embed(sample.key)}, {"value", Embed(sample.value)}});
    }
    doc["failures"].push_back(std::move(item));
  }
  doc["casts"] = nlohmann::json::array();
  for (const CastStats::Column& cast : casts.columns) {
    nlohmann::json item;
    item["column"] = cast.column;
    item["target"] = cast.target;
    item["nulled"] = cast.nulled;
    item["quarantined"] = cast.quarantined;
    item["samples"] = nlohmann::json::array();
    for (const auto& [key, value] : cast.samples) {
      item["samples"].push_back({{"key", Embed(key)}, {"value", Embed(value)}});
    }
    doc["casts"].push_back(std::move(item));
  }
  return doc.dump(2) + "\n";
}

Status WriteValidationReport(const ValidationReport& report, const std::string& path) {
  return AtomicFile::WriteWhole(path, report.ToJson());
}

}  // namespace sluice

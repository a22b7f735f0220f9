// Test helper: runs SQL through QueryEngine and returns the JSON lines (pqcheck forms).
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "engine/query_engine.h"

namespace sluice::engine::testing {

/// Runs `sql`; on success returns one JSON line per row, values only ("[1,\"a\"]" form is not
/// used: lines are the JSON objects the CLI prints).
inline Result<std::vector<std::string>> RunSql(const std::string& sql, QueryOptions options = {}) {
  QueryEngine engine(options);
  std::ostringstream out;
  auto sink = MakeTextSink(OutputFormat::kJsonl, &out);
  SLUICE_RETURN_IF_ERROR(engine.Execute(sql, sink.get()));
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

/// The single value of a one-row, one-column result, as JSON text ("null", "3", "\"1.50\"").
inline Result<std::string> Scalar(const std::string& expr) {
  SLUICE_ASSIGN_OR_RETURN(auto lines, RunSql("SELECT " + expr + " AS v"));
  if (lines.size() != 1) return Status::Internal("expected one row");
  const std::string& line = lines[0];
  // {"v":<value>}
  return line.substr(5, line.size() - 6);
}

}  // namespace sluice::engine::testing

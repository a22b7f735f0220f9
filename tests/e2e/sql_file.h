// Loads a SQL script such as tests/validate/dirty_orders.sql into the test server, for the
// suites that extract the same fixture rows (`sluice extract` and `sluice run`).
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "e2e/e2e_util.h"

namespace sluice::testing {

// Runs the script's statements one by one: `--` comment lines are skipped and a statement ends
// with a line ending in ';' (the scripts here keep to that, so no SQL parsing is needed).
// Call through ASSERT_NO_FATAL_FAILURE: an unreadable script fails the test.
inline void ExecSqlFile(mysql::Connection* conn, const std::string& path) {
  std::string text = ReadFile(path);
  ASSERT_FALSE(text.empty()) << "cannot read " << path;
  std::string statement;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("--")) continue;
    statement += line + "\n";
    if (!line.empty() && line.back() == ';') {
      Exec(conn, statement.substr(0, statement.rfind(';')));
      statement.clear();
    }
  }
}

}  // namespace sluice::testing

// Helpers for end-to-end tests that drive the `sluice` binary like a user would: run commands,
// capture stdout/stderr/exit code, start and kill background runs, and check Parquet output with
// the independent readers of pqcheck (DuckDB and Polars).
#pragma once

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "integration/mysql_test_env.h"

namespace sluice::testing {

inline std::string SluiceBinary() { return SLUICE_BINARY; }

inline std::string Pqcheck() {
  const char* env = std::getenv("SLUICE_PQCHECK");
  return env != nullptr ? env : SLUICE_DEFAULT_PQCHECK;
}

inline std::string ShellQuote(const std::string& text) {
  std::string out = "'";
  for (char ch : text) {
    if (ch == '\'') {
      out += "'\\''";
    } else {
      out.push_back(ch);
    }
  }
  return out + "'";
}

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

inline std::string TempDir(const std::string& name) {
  std::string dir = ::testing::TempDir() + "sluice_e2e_" + name + "_" + std::to_string(getpid());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// Runs `command` through /bin/sh, capturing stdout and stderr.
inline CommandResult RunShell(const std::string& command) {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "sluice_cmd_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++);
  std::string full = command + " >" + base + ".out 2>" + base + ".err";
  int status = std::system(full.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = ReadFile(base + ".out");
  result.err = ReadFile(base + ".err");
  std::filesystem::remove(base + ".out");
  std::filesystem::remove(base + ".err");
  return result;
}

/// `sluice extract` with the test database URL and `args`.
inline CommandResult Extract(const std::string& args, const std::string& env = "") {
  return RunShell(env + " " + ShellQuote(SluiceBinary()) + " extract --source " +
                  ShellQuote(TestMysqlUrl()) + " " + args);
}

/// Starts `sluice extract` in the background; returns its pid.
inline pid_t StartExtract(const std::vector<std::string>& args, const std::vector<std::string>& env,
                          const std::string& err_path) {
  pid_t pid = fork();
  if (pid == 0) {
    for (const auto& item : env) putenv(const_cast<char*>(item.c_str()));
    FILE* err = freopen(err_path.c_str(), "w", stderr);
    FILE* out = freopen("/dev/null", "w", stdout);
    (void)err;
    (void)out;
    std::vector<std::string> argv_storage = {SluiceBinary(), "extract", "--source", TestMysqlUrl()};
    argv_storage.insert(argv_storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : argv_storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

inline int WaitExit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline nlohmann::json ParseJson(const std::string& text) {
  return nlohmann::json::parse(text, nullptr, false);
}

/// Writes one JSON object per row of `sql` (whose columns are already in pqcheck's canonical
/// text forms); columns listed in `bool_columns` become JSON booleans.
inline void WriteExpectedJsonl(mysql::Connection* conn, const std::string& sql,
                               const std::vector<std::string>& names,
                               const std::vector<bool>& is_bool, const std::string& path) {
  auto rows = conn->QueryRows(sql);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString() << "\n" << sql;
  std::ofstream out(path);
  for (const auto& row : *rows) {
    nlohmann::json object = nlohmann::json::object();
    for (size_t col = 0; col < names.size(); ++col) {
      if (!row[col].has_value()) {
        object[names[col]] = nullptr;
      } else if (is_bool[col]) {
        object[names[col]] = *row[col] == "true";
      } else {
        object[names[col]] = *row[col];
      }
    }
    out << object.dump() << "\n";
  }
}

/// Runs `pqcheck compare --reader both`; returns "" when equal, else pqcheck's output.
inline std::string PqCompare(const std::string& parquet, const std::string& expected,
                             bool unordered = false) {
  auto result = RunShell(ShellQuote(Pqcheck()) + " compare --reader both " +
                         (unordered ? "--unordered " : "") + ShellQuote(parquet) + " " +
                         ShellQuote(expected));
  if (result.exit_code == 0) return "";
  return "exit " + std::to_string(result.exit_code) + "\n" + result.out + result.err;
}

/// Runs a DuckDB query through pqcheck and returns its first JSON line.
inline nlohmann::json PqSql(const std::string& query) {
  auto result = RunShell(ShellQuote(Pqcheck()) + " sql " + ShellQuote(query));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::string first = result.out.substr(0, result.out.find('\n'));
  return ParseJson(first);
}

inline std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace sluice::testing

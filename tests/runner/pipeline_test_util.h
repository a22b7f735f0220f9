// Helpers for the `sluice run` end-to-end suites: the test server's URL without its password
// (pipelines read it from PIPELINE_TEST_PASSWORD), running the binary with that environment (in
// the foreground or the background), reading the source back through a connection that other
// suites may kill, and the local webhook receiver (webhook_receiver.py) started and stopped
// around a run.
#pragma once

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/e2e_util.h"

namespace sluice::testing {

inline std::string PipelineTestPassword() {
  auto url = mysql::ParseConnectionUrl(TestMysqlUrl());
  return url.ok() && url->password ? *url->password : "";
}

// The test URL without its password (pipelines take it from the environment).
inline std::string PipelineTestUrl() {
  auto url = mysql::ParseConnectionUrl(TestMysqlUrl());
  return "mysql://" + url->user + "@" + url->host + ":" + std::to_string(url->port) + "/" +
         url->database;
}

// `sources:` with the test server as source `db`.
inline std::string PipelineTestSources(int max_connections = 2) {
  return "sources:\n  db:\n    url: " + PipelineTestUrl() +
         "\n    password: ${PIPELINE_TEST_PASSWORD}\n    max_connections: " +
         std::to_string(max_connections) + "\n";
}

inline CommandResult RunSluice(const std::string& args, const std::string& env = "") {
  return RunShell("PIPELINE_TEST_PASSWORD=" + ShellQuote(PipelineTestPassword()) + " " + env + " " +
                  ShellQuote(SluiceBinary()) + " " + args);
}

// Starts the binary with `args` in the background, PIPELINE_TEST_PASSWORD and `env` set, stdout
// and stderr going to files; returns its pid (for WaitExit or kill).
inline pid_t StartSluice(const std::vector<std::string>& args, const std::vector<std::string>& env,
                         const std::string& out_path, const std::string& err_path) {
  pid_t pid = fork();
  if (pid == 0) {
    static std::string password = "PIPELINE_TEST_PASSWORD=" + PipelineTestPassword();
    putenv(password.data());
    for (const auto& item : env) putenv(const_cast<char*>(item.c_str()));
    FILE* err = freopen(err_path.c_str(), "w", stderr);
    FILE* out = freopen(out_path.c_str(), "w", stdout);
    (void)err;
    (void)out;
    std::vector<std::string> storage = {SluiceBinary()};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : storage) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

// The first column of `sql`'s rows ("NULL" for NULL). Other suites sharing the server KILL every
// `sluice` connection in their fault tests: *conn is reconnected instead of failing on a
// connection lost between statements.
inline std::vector<std::string> QueryFirstColumn(std::unique_ptr<mysql::Connection>* conn,
                                                 const std::string& sql) {
  auto rows = (*conn)->QueryRows(sql);
  for (int retry = 0; !rows.ok() && retry < 3; ++retry) {
    *conn = ConnectTestDb();
    rows = (*conn)->QueryRows(sql);
  }
  EXPECT_TRUE(rows.ok()) << rows.status().ToString();
  std::vector<std::string> out;
  if (rows.ok()) {
    for (const auto& row : *rows) out.push_back(row[0].value_or("NULL"));
  }
  return out;
}

inline std::vector<std::string> NonEmptyLines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

// Rows of a DuckDB query through pqcheck, one JSON line each.
inline std::vector<std::string> PqRows(const std::string& query) {
  auto result = RunShell(ShellQuote(Pqcheck()) + " sql " + ShellQuote(query));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return NonEmptyLines(result.out);
}

// webhook_receiver.py on a free port, appending each POST body as one line to a file.
class WebhookReceiver {
 public:
  explicit WebhookReceiver(const std::string& out_path, int status = 200) {
    std::string command =
        "exec python3 " +
        ShellQuote(std::string(SLUICE_TESTS_DIR) + "/runner/webhook_receiver.py") + " " +
        ShellQuote(out_path) + " --status " + std::to_string(status) + " & echo $!";
    pipe_ = popen(command.c_str(), "r");
    char line[64] = {0};
    if (pipe_ != nullptr && fgets(line, sizeof(line), pipe_)) pid_ = std::atoi(line);
    if (pipe_ != nullptr && fgets(line, sizeof(line), pipe_)) port_ = std::atoi(line);
  }
  // Stops the receiver even when an assertion returns early (it holds ctest's output pipe).
  ~WebhookReceiver() { Stop(); }
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  int port() const { return port_; }
  void Stop() {
    if (pid_ > 0) kill(pid_, SIGTERM);
    pid_ = 0;
    if (pipe_ != nullptr) pclose(pipe_);
    pipe_ = nullptr;
  }

 private:
  FILE* pipe_ = nullptr;
  int port_ = 0;
  pid_t pid_ = 0;
};

}  // namespace sluice::testing

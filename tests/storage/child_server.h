// ChildServer: a test server process (python3 SCRIPT ARGS...) that prints its port on the
// first stdout line; killed by its pid when destroyed. Used for the in-repo fake GCS and the
// fault proxy (tests/emulators/*.py).
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace sluice::testing {

/// A child process (python3 SCRIPT ARGS...) that prints its port on the first stdout line;
/// killed by its pid when destroyed.
class ChildServer {
 public:
  explicit ChildServer(std::vector<std::string> argv) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (auto& arg : argv) args.push_back(arg.data());
      args.push_back(nullptr);
      execvp(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    FILE* out = fdopen(fds[0], "r");
    char line[64] = {0};
    if (out != nullptr && fgets(line, sizeof(line), out) != nullptr) port_ = std::atoi(line);
    if (out != nullptr) fclose(out);
  }
  ~ChildServer() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  ChildServer(const ChildServer&) = delete;
  ChildServer& operator=(const ChildServer&) = delete;
  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace sluice::testing

#include "cli/commands/commands.h"

namespace sluice::cli {

void RegisterExtractCommand(CLI::App& app, int* exit_code) {
  // Placeholder until the command lands; see the issue tracker.
  (void)app;
  (void)exit_code;
}

}  // namespace sluice::cli

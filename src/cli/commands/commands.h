// Each CLI subcommand registers itself on the root app; the callback it installs stores the
// command's exit code in *exit_code. Commands print results to stdout and one-line errors
// (naming what was wrong, never a secret) to stderr.
#pragma once

#include <CLI/CLI.hpp>

namespace sluice::cli {

void RegisterInspectCommand(CLI::App& app, int* exit_code);
void RegisterCatCommand(CLI::App& app, int* exit_code);
void RegisterExtractCommand(CLI::App& app, int* exit_code);
void RegisterUploadCommand(CLI::App& app, int* exit_code);
void RegisterLsCommand(CLI::App& app, int* exit_code);
void RegisterQueryCommand(CLI::App& app, int* exit_code);
void RegisterRunCommand(CLI::App& app, int* exit_code);
void RegisterPlanCommand(CLI::App& app, int* exit_code);
void RegisterValidateCommand(CLI::App& app, int* exit_code);
void RegisterAirflowDagCommand(CLI::App& app, int* exit_code);

/// Exit codes shared by all commands.
enum ExitCode : int {
  kExitOk = 0,
  kExitError = 1,  // any failure not listed below
  kExitUsage = 2,  // bad command line or configuration
  kExitValidationFailed = 3,
  kExitSourceError = 4,       // the source database failed (sluice run)
  kExitDestinationError = 5,  // writing or publishing the output failed (sluice run)
};

}  // namespace sluice::cli

// sluice: move large relational tables into a data lake with bounded memory.
#include <CLI/CLI.hpp>

#include "cli/commands/commands.h"

int main(int argc, char** argv) {
  CLI::App app{"sluice: stream relational tables into Parquet with bounded memory"};
  app.set_version_flag("--version", std::string("sluice ") + SLUICE_VERSION);
  app.require_subcommand(1);
  int exit_code = sluice::cli::kExitOk;
  sluice::cli::RegisterInspectCommand(app, &exit_code);
  sluice::cli::RegisterCatCommand(app, &exit_code);
  sluice::cli::RegisterExtractCommand(app, &exit_code);
  sluice::cli::RegisterUploadCommand(app, &exit_code);
  sluice::cli::RegisterLsCommand(app, &exit_code);
  sluice::cli::RegisterQueryCommand(app, &exit_code);
  sluice::cli::RegisterRunCommand(app, &exit_code);
  sluice::cli::RegisterPlanCommand(app, &exit_code);
  sluice::cli::RegisterValidateCommand(app, &exit_code);
  sluice::cli::RegisterAirflowDagCommand(app, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : sluice::cli::kExitUsage;
  }
  return exit_code;
}

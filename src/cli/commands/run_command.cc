// `sluice run PIPELINE.yaml [--json] [--fresh] [--report run.html] [--table NAME]...
// [--shard I/N]`: runs a pipeline file (docs/pipeline.md) with runner::pipeline::RunPipeline;
// --shard runs one shard of each selected table's chunks (docs/airflow.md). Progress goes to stderr
// (a live display on a terminal, one structured line per chunk event otherwise), the summary
// table to stderr at the end, and with --json the machine-readable summary to stdout.
// Exit codes (docs/pipeline.md): 0 success, 2 config error, 3 validation failure, 4 source
// error, 5 destination error.
#include <unistd.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "common/redact.h"
#include "runner/pipeline/pipeline_config.h"
#include "runner/pipeline/pipeline_runner.h"
#include "runner/pipeline/run_report.h"
#include "runner/pipeline/summary_json.h"
#include "runner/shard.h"

namespace sluice::cli {
namespace {

namespace pipeline = runner::pipeline;

struct RunFlags {
  std::string file;
  bool json = false;
  bool fresh = false;
  std::string report;
  std::vector<std::string> tables;
  bool transforms_only = false;
  bool skip_transforms = false;
  std::string progress = "auto";
  std::string shard;
};

int ExitFor(pipeline::FailureKind kind) {
  switch (kind) {
    case pipeline::FailureKind::kNone:
      return kExitOk;
    case pipeline::FailureKind::kConfig:
      return kExitUsage;
    case pipeline::FailureKind::kValidation:
      return kExitValidationFailed;
    case pipeline::FailureKind::kSource:
      return kExitSourceError;
    case pipeline::FailureKind::kDestination:
      return kExitDestinationError;
  }
  return kExitError;
}

int Run(const RunFlags& flags) {
  auto config = pipeline::LoadPipelineConfig(flags.file);
  if (!config.ok()) {
    // Config messages never hold secret values (they are checked without echoing them).
    std::cerr << "sluice run: config error:\n" << RedactUrl(config.status().message()) << "\n";
    return kExitUsage;
  }
  pipeline::RunOptions options;
  options.fresh = flags.fresh;
  options.only_tables = flags.tables;
  options.transforms_only = flags.transforms_only;
  options.skip_transforms = flags.skip_transforms;
  options.live_progress = flags.progress == "tty" || (flags.progress == "auto" && isatty(2));
  options.quiet = flags.progress == "none";
  if (!flags.shard.empty()) {
    auto shard = runner::ParseShard(flags.shard);
    if (!shard.ok()) {
      std::cerr << "sluice run: error: " << shard.status().message() << "\n";
      return kExitUsage;
    }
    options.shard = *shard;
  }
  pipeline::FailureKind kind = pipeline::FailureKind::kNone;
  auto record = pipeline::RunPipeline(*config, options, &kind);
  if (!record.ok()) {
    std::cerr << "sluice run: error: " << Redact(record.status().ToString()) << "\n";
    return ExitFor(kind == pipeline::FailureKind::kNone ? pipeline::FailureKind::kSource : kind);
  }
  if (!options.quiet) std::cerr << pipeline::SummaryText(*record);
  if (!flags.report.empty()) {
    Status written = pipeline::WriteRunReport(*record, flags.report);
    if (!written.ok()) {
      std::cerr << "sluice run: error: report: " << Redact(written.ToString()) << "\n";
      if (kind == pipeline::FailureKind::kNone) kind = pipeline::FailureKind::kDestination;
    }
  }
  if (flags.json) std::cout << pipeline::SummaryJson(*record) << std::endl;
  if (record->status != "succeeded" && kind == pipeline::FailureKind::kNone)
    kind = pipeline::FailureKind::kSource;
  return ExitFor(kind);
}

}  // namespace

void RegisterRunCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run", "Run a pipeline file: every table's chunks in parallel, retries, resume, alerts");
  cmd->add_option("pipeline", flags->file, "Pipeline YAML file")->required();
  cmd->footer(
      "Exit codes (docs/pipeline.md):\n"
      "  0  success: every selected table (and transform) succeeded\n"
      "  2  config error: bad pipeline file or flags, unknown table or column, a contract or cast\n"
      "     that does not fit the source (found before anything is written)\n"
      "  3  validation failure: a table's contract failed, or a value failed an on_error: fail\n"
      "     cast (that table is not published; the other tables complete)\n"
      "  4  source error: connection, credentials, a chunk that exhausted its retries\n"
      "  5  destination error: writing, disk full, upload, manifest or --report file\n"
      "  1  unexpected internal error\n"
      "With several failed tables, the code is that of the first one to fail.");
  cmd->add_flag("--json", flags->json, "Print the run summary as JSON on stdout (for XCom)");
  cmd->add_flag("--fresh", flags->fresh, "Discard earlier (partial) runs and start over");
  cmd->add_option("--report", flags->report, "Write a self-contained HTML run report");
  cmd->add_option("--table,--only", flags->tables, "Run only this table (repeatable)");
  cmd->add_flag("--transforms-only", flags->transforms_only,
                "Run only the transforms (after per-table runs)");
  cmd->add_flag("--skip-transforms", flags->skip_transforms, "Do not run the transforms");
  cmd->add_option("--progress", flags->progress, "auto (default), tty, log or none");
  cmd->add_option("--shard", flags->shard,
                  "I/N: run only chunks whose index % N == I (N processes extract a table "
                  "together; see docs/airflow.md)");
  cmd->callback([flags, exit_code]() { *exit_code = Run(*flags); });
}

}  // namespace sluice::cli

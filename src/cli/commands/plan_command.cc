// `sluice plan PIPELINE.yaml [--json] [--table NAME]... [--save]`: checks the pipeline file,
// connects to its sources and prints the plan (tables, chunks, key ranges, estimated rows)
// without writing anything. A resumed plan (an earlier run was interrupted) shows which chunks
// are done. --save freezes each table's plan in the destination, so that every later run and
// every shard (`sluice run --shard I/N`) uses exactly this plan (docs/airflow.md).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "common/redact.h"
#include "runner/pipeline/pipeline_config.h"
#include "runner/pipeline/pipeline_runner.h"

namespace sluice::cli {
namespace {

namespace pipeline = runner::pipeline;

struct PlanFlags {
  std::string file;
  bool json = false;
  bool fresh = false;
  std::vector<std::string> tables;
  bool save = false;
};

int Plan(const PlanFlags& flags) {
  auto config = pipeline::LoadPipelineConfig(flags.file);
  if (!config.ok()) {
    std::cerr << "sluice plan: config error:\n" << RedactUrl(config.status().message()) << "\n";
    return kExitUsage;
  }
  pipeline::RunOptions options;
  options.only_tables = flags.tables;
  options.fresh = flags.fresh;
  options.save_plan = flags.save;
  pipeline::FailureKind kind = pipeline::FailureKind::kNone;
  auto plan = pipeline::PlanPipeline(*config, options, &kind);
  if (!plan.ok()) {
    std::cerr << "sluice plan: error: " << Redact(plan.status().ToString()) << "\n";
    switch (kind) {
      case pipeline::FailureKind::kConfig:
        return kExitUsage;
      case pipeline::FailureKind::kDestination:
        return kExitDestinationError;
      default:
        return kExitSourceError;
    }
  }
  std::cout << (flags.json ? pipeline::PlanJson(*plan) + "\n" : pipeline::PlanText(*plan));
  return kExitOk;
}

}  // namespace

void RegisterPlanCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<PlanFlags>();
  CLI::App* cmd = app.add_subcommand(
      "plan", "Check a pipeline file and print its plan (tables, chunks, key ranges, rows)");
  cmd->add_option("pipeline", flags->file, "Pipeline YAML file")->required();
  cmd->add_flag("--json", flags->json, "Print the plan as JSON");
  cmd->add_flag("--fresh", flags->fresh, "Plan as `run --fresh` would (ignore saved plans)");
  cmd->add_option("--table,--only", flags->tables, "Plan only this table (repeatable)");
  cmd->add_flag("--save", flags->save,
                "Freeze the plan in the destination for later runs and shards (with --fresh: "
                "discard the tables' earlier state and files first)");
  cmd->callback([flags, exit_code]() { *exit_code = Plan(*flags); });
}

}  // namespace sluice::cli

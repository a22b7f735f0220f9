// `sluice airflow-dag PIPELINE.yaml [--sluice PATH] [--shards N] [--output FILE] ...`: writes
// an Airflow DAG (runner/pipeline/airflow_dag.h, docs/airflow.md) that runs `sluice plan --save`,
// then one dynamically mapped task per table with a task instance per shard, then the
// transforms. The pipeline file is only read for its structure (table names, `shards:`,
// transforms): ${VARIABLES} and passwords need not be set on the machine that generates the DAG.
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "common/atomic_file.h"
#include "common/redact.h"
#include "runner/pipeline/airflow_dag.h"
#include "runner/pipeline/pipeline_config.h"
#include "runner/shard.h"

namespace sluice::cli {
namespace {

namespace pipeline = runner::pipeline;

struct AirflowDagFlags {
  std::string file;
  std::string pipeline_path;
  std::string sluice = "sluice";
  int shards = 1;
  std::string dag_id;
  std::string schedule = "@daily";
  int retries = 3;
  std::string pool;
  std::string run_date_env;
  std::string output;
};

int Generate(const AirflowDagFlags& flags) {
  pipeline::LoadOptions load;
  load.allow_unresolved = true;
  auto config = pipeline::LoadPipelineConfig(flags.file, load);
  if (!config.ok()) {
    std::cerr << "sluice airflow-dag: config error:\n"
              << RedactUrl(config.status().message()) << "\n";
    return kExitUsage;
  }
  pipeline::AirflowDagOptions options;
  // Tasks run in a temporary working directory: the DAG needs an absolute path.
  options.pipeline_path = !flags.pipeline_path.empty()
                              ? flags.pipeline_path
                              : std::filesystem::absolute(flags.file).lexically_normal().string();
  options.sluice = flags.sluice;
  options.default_shards = flags.shards;
  options.dag_id = flags.dag_id;
  options.schedule = flags.schedule;
  options.retries = flags.retries;
  options.pool = flags.pool;
  options.run_date_env = flags.run_date_env;
  options.generated_by = "sluice airflow-dag " + flags.file + " --shards " +
                         std::to_string(flags.shards) + " --sluice " + flags.sluice;
  std::string dag = pipeline::GenerateAirflowDag(*config, options);
  if (flags.output.empty() || flags.output == "-") {
    std::cout << dag;
    return kExitOk;
  }
  Status written = AtomicFile::WriteWhole(flags.output, dag);
  if (!written.ok()) {
    std::cerr << "sluice airflow-dag: error: " << written.ToString() << "\n";
    return kExitError;
  }
  std::cerr << "sluice airflow-dag: wrote " << flags.output << " (" << config->tables.size()
            << " tables)\n";
  return kExitOk;
}

}  // namespace

void RegisterAirflowDagCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<AirflowDagFlags>();
  CLI::App* cmd = app.add_subcommand(
      "airflow-dag",
      "Write an Airflow DAG for a pipeline: plan, one mapped task per table shard, transforms");
  cmd->add_option("pipeline", flags->file, "Pipeline YAML file")->required();
  cmd->add_option("--sluice", flags->sluice, "The sluice binary on the Airflow workers")
      ->capture_default_str();
  cmd->add_option("--shards", flags->shards,
                  "Shards (mapped task instances) of tables without `shards:` in the file")
      ->check(CLI::Range(1, runner::kMaxShards))
      ->capture_default_str();
  cmd->add_option("--pipeline-path", flags->pipeline_path,
                  "The pipeline file's path on the workers (default: its absolute path here)");
  cmd->add_option("--dag-id", flags->dag_id, "DAG id (default: sluice_<pipeline name>)");
  cmd->add_option("--schedule", flags->schedule, "Airflow schedule, or None")
      ->capture_default_str();
  cmd->add_option("--retries", flags->retries, "Airflow retries of each task")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_option("--pool", flags->pool, "Airflow pool of the shard tasks (bounds them)");
  cmd->add_option("--run-date-env", flags->run_date_env,
                  "Export the run's logical date ({{ ds }}) to every task as this variable (use "
                  "${NAME} in the pipeline's destination for one directory per run)")
      ->check([](const std::string& name) {
        bool ok = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
        for (char ch : name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
        return ok ? std::string() : "expected an environment variable name (letters, digits, _)";
      });
  cmd->add_option("-o,--output", flags->output, "Write the DAG here instead of stdout");
  cmd->callback([flags, exit_code]() { *exit_code = Generate(*flags); });
}

}  // namespace sluice::cli

// The Airflow DAG `sluice airflow-dag PIPELINE.yaml` writes (docs/airflow.md): a `plan` task that
// freezes every table's chunk plan in the destination (`sluice plan --save`), then per table one
// dynamically mapped task with one instance per shard (`sluice run --only TABLE --shard I/N`,
// Airflow retries with exponential backoff, an on-failure callback, the JSON summary in XCom),
// then the transforms (`sluice run --transforms-only`) once every shard succeeded.
//
// Only the table names, their shard counts and whether there are transforms are baked into the
// DAG; everything else stays in the pipeline file, which sluice reads on the workers at run time.
// Thread-safety: pure functions.
#pragma once

#include <string>

#include "runner/pipeline/pipeline_config.h"

namespace sluice::runner::pipeline {

struct AirflowDagOptions {
  /// The pipeline file and the sluice binary as the Airflow workers see them.
  std::string pipeline_path;
  std::string sluice = "sluice";
  /// Shards of tables without `shards:` in the pipeline file.
  int default_shards = 1;
  std::string dag_id;  // default: sluice_<pipeline name>
  std::string schedule = "@daily";
  int retries = 3;   // Airflow retries of each task
  std::string pool;  // optional Airflow pool of the shard tasks (bounds shards at once)
  /// Optional: every task gets the run's logical date ({{ ds }}) in this environment variable.
  std::string run_date_env;
  /// How the DAG file says it was made (the command line).
  std::string generated_by;
};

/// Shards of `table`: its `shards:` key, else `default_shards`; 1 for a query or scan table
/// (one streaming pass cannot be split), and for a table with a contract or in snapshot mode
/// (these run unsharded: one validation report, one snapshot).
int TableShardCount(const PipelineConfig& config, const TableConfig& table, int default_shards);

/// The DAG file (Python source).
std::string GenerateAirflowDag(const PipelineConfig& config, const AirflowDagOptions& options);

}  // namespace sluice::runner::pipeline

// PipelineConfig: the typed contents of a pipeline YAML file (docs/pipeline.md), and the loader
// that checks it like a JSON Schema would: unknown keys, wrong types, bad values and missing
// fields are all reported (every one, not only the first) as "FILE:LINE: key.path: problem"
// before anything connects or writes.
//
// Secrets: any string may use ${ENV_VAR} (an unset variable is an error naming it; "$${" is a
// literal "${"); sources take `password`, `password_env` or `password_file`. Every resolved
// password is registered with the redaction helper (common/redact.h), so it never reaches
// logs, errors, summaries, reports or alerts.
// Thread-safety: value types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sluice/result.h"
#include "sluice/validate.h"

namespace sluice::runner::pipeline {

struct SourceConfig {
  std::string name;
  std::string url;  // mysql://USER@HOST:PORT/DB (password resolved into it, never printed)
  std::string password_file;
  int max_connections = 4;
  std::string protocol = "binary";
  int net_timeout_seconds = 600;
  int line = 0;
};

struct TableConfig {
  std::string name;    // output directory and the name used everywhere (--table NAME)
  std::string source;  // SourceConfig::name
  std::string table;   // source table (default: name)
  std::string query;
  std::string key;
  std::string mode;  // empty: defaults.mode
  std::string where;
  std::vector<std::string> columns;
  int64_t chunk_rows = 0;  // 0: defaults
  int64_t chunk_keys = 0;
  /// Scan mode: close a file once its Parquet bytes reach this (0: defaults).
  int64_t file_bytes = 0;
  int64_t fetch_rows = 0;
  std::string compression;
  int retries = -1;  // -1: defaults
  int64_t task_memory_bytes = 0;
  int64_t max_local_disk_bytes = 0;  // 0: defaults
  std::optional<bool> strict;
  std::optional<bool> tinyint1_as_bool;
  /// Snapshot mode (runner/snapshot_extract.h): every chunk reads one instant of the table.
  std::optional<bool> snapshot;
  /// column -> source type override (the same as `sluice extract --cast`).
  std::map<std::string, std::string> casts;
  /// The data contract: `contract:` (file and/or inline) plus the map-form value casts of
  /// `casts:` (docs/pipeline.md), checked for structure at load; nullopt when there is none.
  std::optional<TableContract> contract;
  /// The contract file (resolved against the pipeline file's directory); empty: inline only.
  std::string contract_file;
  /// `sluice airflow-dag`: how many mapped shard tasks split this table (0: its --shards).
  int shards = 0;
  int line = 0;
};

struct TransformConfig {
  std::string name;
  std::string sql;
  std::string output;  // relative to the destination; .parquet
  int line = 0;
};

struct AlertsConfig {
  std::string webhook;  // empty: no alerts
  bool on_failure = true;
  bool on_success = false;
  int timeout_seconds = 10;
};

struct DefaultsConfig {
  std::string mode = "balanced";
  int64_t chunk_rows = 500'000;
  int64_t chunk_keys = 20'000;
  /// Tables extracted in scan mode also close a file once its Parquet bytes reach this (0: by
  /// chunk_rows only); tables in a keyed mode are not affected.
  int64_t file_bytes = 0;
  int64_t fetch_rows = 2'000;
  std::string compression = "zstd";
  /// The global budget: a chunk task starts only when its task_memory fits in what is left.
  int64_t memory_limit_bytes = 1ll << 30;
  /// What one running chunk may hold (fetch batch + one row group). 64 MiB keeps row groups
  /// at 32 MiB, large enough for efficient reads.
  int64_t task_memory_bytes = 64ll << 20;
  /// s3:// and gs:// destinations: most bytes of a table's part files waiting in the staging
  /// directory for their upload (extraction waits when it is full); 0: no limit.
  int64_t max_local_disk_bytes = 0;
  int retries = 3;
  bool strict = false;
  bool tinyint1_as_bool = false;
  bool snapshot = false;
};

struct PipelineConfig {
  std::string file;
  std::string name;
  std::vector<SourceConfig> sources;
  std::string destination;
  /// For s3:// and gs:// destinations: where chunk files are staged before upload.
  std::string staging_dir;
  DefaultsConfig defaults;
  std::vector<TableConfig> tables;
  std::vector<TransformConfig> transforms;
  AlertsConfig alerts;

  const SourceConfig* FindSource(const std::string& name) const;
  const TableConfig* FindTable(const std::string& name) const;
};

struct LoadOptions {
  /// Leave ${VAR}s that are not set as written, and skip password_env / password_file that
  /// cannot be resolved: for tools that need only the file's structure on a machine without
  /// the run's environment (`sluice airflow-dag`). Such a config is not fit to run.
  bool allow_unresolved = false;
};

/// Reads `path` and checks it. `env` looks environment variables up (default: getenv).
Result<PipelineConfig> LoadPipelineConfig(const std::string& path, const LoadOptions& load = {});
Result<PipelineConfig> ParsePipelineConfig(const std::string& text, const std::string& file,
                                           const std::string& base_dir,
                                           const LoadOptions& load = {});

/// "256MB", "1GB", "64MiB", "512k", "1048576" -> bytes (binary units).
Result<int64_t> ParseSize(const std::string& text);

}  // namespace sluice::runner::pipeline

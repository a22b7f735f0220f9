#include "runner/pipeline/pipeline_runner.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/redact.h"
#include "engine/output/result_sink.h"
#include "engine/query_engine.h"
#include "runner/chunk_validation.h"
#include "runner/extract_job.h"
#include "runner/pipeline/alert_webhook.h"
#include "runner/pipeline/memory_budget.h"
#include "runner/pipeline/pipeline_shard.h"
#include "runner/pipeline/remote_table.h"
#include "runner/pipeline/remote_transform_io.h"
#include "runner/pipeline/table_validation.h"
#include "runner/snapshot_extract.h"
#include "sluice/object_store.h"
#include "sluice/parquet_writer.h"
#include "source/mysql/connection.h"
#include "source/mysql/connection_url.h"
#include "source/mysql/snapshot.h"

namespace sluice::runner::pipeline {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// A chunk attempt that committed: its own rows/bytes and its table's totals.
void RecordSucceeded(int64_t rows, int64_t bytes, ChunkAttempt* attempt, TableRecord* table) {
  attempt->outcome = AttemptOutcome::kSucceeded;
  attempt->rows = rows;
  attempt->bytes = bytes;
  table->rows += rows;
  table->bytes += bytes;
  ++table->tasks_done;
}

// Backoff of a retried chunk: 250 ms doubling to 8 s (a restarting server is usually back
// within seconds), with jitter so tasks killed together do not reconnect in lockstep.
constexpr int64_t kFirstBackoffMs = 250;
constexpr int64_t kMaxBackoffMs = 8000;
constexpr const char* kRunStateFile = "_sluice_run.json";
constexpr const char* kPipelineManifest = "_pipeline_manifest.json";

bool IsRemote(const std::string& destination) { return IsObjectStoreUrl(destination); }

std::string LocalRoot(const PipelineConfig& config) {
  if (!IsRemote(config.destination)) {
    if (config.destination.starts_with("file://")) return config.destination.substr(7);
    return config.destination;
  }
  if (!config.staging_dir.empty()) return config.staging_dir;
  const char* tmp = std::getenv("TMPDIR");
  std::string base = tmp != nullptr && *tmp ? tmp : "/tmp";
  return base + "/sluice-staging/" + (config.name.empty() ? "pipeline" : config.name);
}

std::string IsoNow() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

std::string NewRunId() {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&now, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &utc);
  std::random_device device;
  char suffix[16];
  std::snprintf(suffix, sizeof(suffix), "%06x", device() & 0xffffffu);
  return std::string(stamp) + "-" + suffix;
}

FailureKind KindOfStatus(const Status& status) {
  switch (status.code()) {
    case StatusCode::kValidationFailed:
      return FailureKind::kValidation;
    case StatusCode::kIoError:
    case StatusCode::kResourceExhausted:
      return FailureKind::kDestination;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kNotSupported:
      return FailureKind::kConfig;
    default:
      return FailureKind::kSource;
  }
}

const char* KindName(FailureKind kind) {
  switch (kind) {
    case FailureKind::kNone:
      return "";
    case FailureKind::kConfig:
      return "config";
    case FailureKind::kSource:
      return "source";
    case FailureKind::kDestination:
      return "destination";
    case FailureKind::kValidation:
      return "validation";
  }
  return "";
}

// One source connection setup shared by all its tables.
struct SourceRuntime {
  const SourceConfig* config = nullptr;
  mysql::ConnectionUrl url;
  mysql::ConnectionOptions connection;
  mysql::Protocol protocol = mysql::Protocol::kBinary;
};

Result<SourceRuntime> MakeSource(const SourceConfig& source) {
  SourceRuntime runtime;
  runtime.config = &source;
  std::string url = source.url;
  if (url.starts_with("mariadb://")) url = "mysql://" + url.substr(10);
  auto parsed = mysql::ParseConnectionUrl(url);
  if (!parsed.ok()) {
    return Status::InvalidArgument("sources." + source.name + ".url: " + parsed.status().message());
  }
  runtime.url = *parsed;
  SLUICE_RETURN_IF_ERROR(mysql::ResolvePassword(&runtime.url, ""));
  runtime.connection.net_timeout_seconds = source.net_timeout_seconds;
  SLUICE_ASSIGN_OR_RETURN(runtime.protocol, mysql::ParseProtocol(source.protocol));
  return runtime;
}

Result<ExtractOptions> MakeExtractOptions(const PipelineConfig& config, const TableConfig& table,
                                          const SourceRuntime& source, bool fresh) {
  const DefaultsConfig& defaults = config.defaults;
  ExtractOptions options;
  if (table.contract) {
    // Casts and checks run on every batch as it streams (no second read); the report and
    // _rejects land in the table's directory. A contract that does not fit the source's schema
    // is a config error here, found by `sluice plan` before anything is written.
    ValidationConfig validation;
    validation.contract = table.contract;
    validation.schema_mismatch_is_config_error = true;
    SLUICE_ASSIGN_OR_RETURN(options.transform, MakeValidationFactory(validation));
  }
  options.url = source.url;
  options.connection = source.connection;
  options.protocol = source.protocol;
  options.source.table = table.query.empty() ? table.table : table.name;
  options.source.query = table.query;
  options.source.columns = table.columns;
  options.source.key = table.key;
  options.source.where = table.where;
  options.source.mapping.tinyint1_as_bool =
      table.tinyint1_as_bool.value_or(defaults.tinyint1_as_bool);
  options.source.mapping.casts = table.casts;
  std::string mode = table.mode.empty() ? defaults.mode : table.mode;
  SLUICE_ASSIGN_OR_RETURN(options.source.mode, source::ParsePartitionMode(mode));
  options.source.mode_explicit = !table.mode.empty() || !table.query.empty();
  if (!table.query.empty()) options.source.mode = source::PartitionMode::kScan;
  options.dest = LocalRoot(config);
  options.output_name = table.name;
  options.chunk_rows = table.chunk_rows > 0 ? table.chunk_rows : defaults.chunk_rows;
  options.chunk_keys = table.chunk_keys > 0 ? table.chunk_keys : defaults.chunk_keys;
  options.file_bytes = table.file_bytes > 0 ? table.file_bytes : defaults.file_bytes;
  options.file_bytes_scan_only = table.file_bytes == 0;  // defaults: scan tables only
  options.fetch_rows = table.fetch_rows > 0 ? table.fetch_rows : defaults.fetch_rows;
  options.jobs = 1;
  options.memory_limit_bytes =
      table.task_memory_bytes > 0 ? table.task_memory_bytes : defaults.task_memory_bytes;
  options.strict = table.strict.value_or(defaults.strict);
  options.retries = table.retries >= 0 ? table.retries : defaults.retries;
  options.restart = fresh;
  SLUICE_ASSIGN_OR_RETURN(
      options.writer.compression,
      ParseCompression(table.compression.empty() ? defaults.compression : table.compression));
  options.writer_factory = [](const std::string& path, const Schema& schema,
                              const ParquetWriterOptions& writer_options) {
    return ParquetFileWriter::Open(path, schema, writer_options);
  };
  if (const char* delay = std::getenv("SLUICE_DEBUG_BATCH_DELAY_MS"); delay != nullptr) {
    options.debug_batch_delay_ms = std::atoi(delay);
  }
  return options;
}

// Prefixes "table NAME: " to each line of `message` that does not already start with the
// FILE:LINE: of the pipeline or contract entry it is about.
std::string InTable(const std::string& table, const std::string& message) {
  std::string out;
  std::istringstream lines(message);
  std::string line;
  while (std::getline(lines, line)) {
    size_t colon = line.find(':');
    size_t digits = colon == std::string::npos ? 0 : colon + 1;
    while (digits < line.size() && std::isdigit(static_cast<unsigned char>(line[digits]))) ++digits;
    bool located = colon != std::string::npos && line.find(' ') > colon && digits > colon + 1 &&
                   digits < line.size() && line[digits] == ':';
    out += (out.empty() ? "" : "\n") + (located ? line : "table " + table + ": " + line);
  }
  return out;
}

int64_t EstimateRows(mysql::Connection* conn, const mysql::ResolvedSource& source) {
  if (source.from().empty()) return 0;
  // from() is `db`.`table`; information_schema keeps an estimate that costs nothing to read.
  std::string from = source.from();
  size_t dot = from.find("`.`");
  if (dot == std::string::npos) return 0;
  std::string db = from.substr(1, dot - 1);
  std::string table = from.substr(dot + 3, from.size() - dot - 4);
  auto value =
      conn->QueryValue("SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = " +
                       conn->QuoteString(db) + " AND TABLE_NAME = " + conn->QuoteString(table));
  if (!value.ok() || !value->has_value()) return 0;
  return std::atoll((*value)->c_str());
}

std::vector<const TableConfig*> SelectTables(const PipelineConfig& config,
                                             const RunOptions& options, Status* error) {
  std::vector<const TableConfig*> selected;
  if (options.only_tables.empty()) {
    for (const auto& table : config.tables) selected.push_back(&table);
    return selected;
  }
  for (const auto& name : options.only_tables) {
    const TableConfig* table = config.FindTable(name);
    if (table == nullptr) {
      std::string known;
      for (const auto& item : config.tables) known += (known.empty() ? "" : ", ") + item.name;
      *error = Status::InvalidArgument("--table " + name + ": no such table in " + config.file +
                                       " (tables: " + known + ")");
      return {};
    }
    selected.push_back(table);
  }
  return selected;
}

// A table planned for running.
struct PreparedTable {
  const TableConfig* config = nullptr;
  /// Snapshot mode (runner/snapshot_extract.h): the table's chunks run as one task on
  /// connections sharing one snapshot; a retryable failure restarts the whole table.
  bool snapshot = false;
  const SourceRuntime* source = nullptr;
  ExtractOptions options;
  /// s3:// / gs:// destinations (remote_table.h); declared before `extract`, whose options
  /// hold hooks into it.
  RemoteTableOptions remote_options;
  std::unique_ptr<RemoteExtract> remote;
  std::unique_ptr<TableExtract> extract;
  int64_t estimated_rows = 0;
};

struct Prepared {
  std::vector<std::unique_ptr<SourceRuntime>> sources;
  std::vector<PreparedTable> tables;
};

// Each transform's SQL parses (a syntax error is found before anything is extracted).
Status CheckTransforms(const PipelineConfig& config) {
  for (const auto& transform : config.transforms) {
    auto names = NamesReadBy(transform.sql);
    if (!names.ok()) {
      return names.status().WithContext(config.file + ":" + std::to_string(transform.line) +
                                        ": transform " + transform.name);
    }
  }
  return Status::OK();
}

// `writes`: a run or `plan --save` (remote tables then begin their upload side: records restored
// or, with `fresh`, deleted; shared plans frozen remotely).
Result<Prepared> Prepare(const PipelineConfig& config, const RunOptions& options, bool fresh,
                         bool writes, FailureKind* kind) {
  *kind = FailureKind::kConfig;
  Status select_error;
  std::vector<const TableConfig*> selected = SelectTables(config, options, &select_error);
  SLUICE_RETURN_IF_ERROR(select_error);
  SLUICE_RETURN_IF_ERROR(CheckTransforms(config));
  SLUICE_RETURN_IF_ERROR(CheckShardOptions(config, options));
  if (IsRemote(config.destination)) {
    // Opening checks the URL and the credentials' presence without contacting anything.
    auto store = ObjectStore::Open(config.destination);
    if (!store.ok()) return store.status().WithContext(config.file + ": destination");
  }
  Prepared prepared;
  std::map<std::string, SourceRuntime*> by_name;
  for (const auto& source : config.sources) {
    SLUICE_ASSIGN_OR_RETURN(SourceRuntime runtime, MakeSource(source));
    prepared.sources.push_back(std::make_unique<SourceRuntime>(std::move(runtime)));
    by_name[source.name] = prepared.sources.back().get();
  }
  if (options.transforms_only) return prepared;
  // Options first (config problems are reported before any connection is made).
  for (const TableConfig* table : selected) {
    PreparedTable item;
    item.config = table;
    item.source = by_name.at(table->source);
    SLUICE_ASSIGN_OR_RETURN(item.options, MakeExtractOptions(config, *table, *item.source, fresh));
    item.options.shard = options.shard;
    item.snapshot = table->snapshot.value_or(config.defaults.snapshot);
    if (item.snapshot) {
      if (options.shard.enabled()) {
        return Status::InvalidArgument(
            config.file + ":" + std::to_string(table->line) + ": tables." + table->name +
            ".snapshot: a snapshot table cannot run in shards (--shard): each shard would read "
            "another instant");
      }
      item.options.restart = true;  // never resumed: an earlier run's snapshot is gone
    }
    if (IsRemote(config.destination) && writes) {
      RemoteTableOptions& remote = item.remote_options;
      remote.destination = config.destination;
      remote.staging_root = LocalRoot(config);
      remote.max_local_bytes = table->max_local_disk_bytes > 0
                                   ? table->max_local_disk_bytes
                                   : config.defaults.max_local_disk_bytes;
      remote.writers = item.source->config->max_connections;
      remote.restart = item.options.restart;
      remote.shard = options.shard;
      remote.shared_plan = options.shard.enabled() || options.save_plan;
      remote.log = options.quiet || options.live_progress ? nullptr : &std::cerr;
    }
    prepared.tables.push_back(std::move(item));
  }
  std::map<std::string, std::unique_ptr<mysql::Connection>> connections;
  // Config problems found against the sources (columns, casts, contracts) are collected over all
  // tables, like the file's own problems; anything else stops at once.
  std::string config_errors;
  for (auto& item : prepared.tables) {
    auto& conn = connections[item.config->source];
    if (!conn) {
      auto opened = mysql::Connection::Open(item.source->url, item.source->connection);
      if (!opened.ok()) {
        // Unreachable server or bad credentials: a source error, whatever the status code.
        *kind = FailureKind::kSource;
        return opened.status().WithContext("source " + item.config->source);
      }
      conn = std::move(opened).value();
    }
    if (!item.remote_options.destination.empty()) {
      // Before Prepare: it finds the restored plan in the staging directory.
      auto begun = BeginRemoteTable(item.remote_options, &item.options);
      if (!begun.ok()) {
        *kind = begun.status().code() == StatusCode::kInvalidArgument ? FailureKind::kConfig
                                                                      : FailureKind::kDestination;
        return begun.status().WithContext("table " + item.config->name + ": destination");
      }
      item.remote = std::move(begun).value();
    }
    auto extract = item.remote
                       ? PrepareRemoteTable(item.remote.get(), item.remote_options.shared_plan,
                                            item.options, conn.get())
                       : TableExtract::Prepare(item.options, conn.get());
    if (!extract.ok()) {
      *kind = ClassifyPlanError(extract.status());
      if (*kind != FailureKind::kConfig) {
        return extract.status().WithContext("table " + item.config->name);
      }
      config_errors += (config_errors.empty() ? "" : "\n") +
                       InTable(item.config->name, extract.status().message());
      continue;
    }
    item.extract = std::move(extract).value();
    item.estimated_rows = EstimateRows(conn.get(), item.extract->source());
  }
  if (!config_errors.empty()) {
    *kind = FailureKind::kConfig;
    return Status::InvalidArgument(config_errors);
  }
  return prepared;
}

std::string FormatBytes(int64_t bytes) {
  char text[32];
  if (bytes >= (1ll << 30)) {
    std::snprintf(text, sizeof(text), "%.2f GB", static_cast<double>(bytes) / (1ll << 30));
  } else {
    std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / (1ll << 20));
  }
  return text;
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out.push_back('\\');
    out.push_back(ch == '\n' ? ' ' : ch);
  }
  return out + "\"";
}

// Test seam: SLUICE_DEBUG_FAIL_CHUNKS="TABLE:TASK:COUNT,..." makes the first COUNT attempts of
// that task fail with a retryable error (TASK "*" = every task of the table).
struct InjectedFaults {
  std::map<std::pair<std::string, std::string>, int> counts;
  static InjectedFaults FromEnv() {
    InjectedFaults faults;
    const char* spec = std::getenv("SLUICE_DEBUG_FAIL_CHUNKS");
    if (spec == nullptr) return faults;
    std::stringstream items(spec);
    std::string item;
    while (std::getline(items, item, ',')) {
      size_t first = item.find(':');
      size_t second = item.rfind(':');
      if (first == std::string::npos || second == first) continue;
      faults.counts[{item.substr(0, first), item.substr(first + 1, second - first - 1)}] =
          std::atoi(item.c_str() + second + 1);
    }
    return faults;
  }
  bool ShouldFail(const std::string& table, int task, int attempt) const {
    for (const std::string& key : {std::to_string(task), std::string("*")}) {
      auto it = counts.find({table, key});
      if (it != counts.end() && attempt < it->second) return true;
    }
    return false;
  }
};

// The shared state of one run's scheduler.
class Scheduler {
 public:
  Scheduler(const PipelineConfig& config, const RunOptions& options, Prepared* prepared,
            RunRecorder* recorder, MemoryBudget* budget, const AlertWebhook* webhook,
            std::string run_id)
      : config_(config),
        options_(options),
        prepared_(prepared),
        recorder_(recorder),
        budget_(budget),
        webhook_(webhook),
        run_id_(std::move(run_id)),
        faults_(InjectedFaults::FromEnv()) {}

  // Begins every table (writes state, finds the chunks still to do); returns the number of
  // tasks. A table whose Begin fails is marked failed.
  void Begin() {
    for (size_t table_idx = 0; table_idx < prepared_->tables.size(); ++table_idx) {
      PreparedTable& table = prepared_->tables[table_idx];
      TableQueue queue;
      queue.index = table_idx;
      queue.retries_allowed = table.options.retries;
      queue.task_memory = table.options.memory_limit_bytes;
      auto pending = table.extract->Begin();
      std::vector<ChunkResult> reused = table.extract->done();
      recorder_->Edit([&](RunRecord& record) {
        TableRecord& rec = record.tables[table_idx];
        rec.tasks_total = table.extract->owned_task_count();
        if (!pending.ok()) {
          rec.status = "failed";
          rec.error = Redact(pending.status().ToString());
          rec.error_kind = KindName(KindOfStatus(pending.status()));
          return;
        }
        for (const auto& chunk : reused) {
          rec.rows += chunk.rows;
          rec.bytes += chunk.bytes;
          ++rec.chunks_reused;
          ++rec.tasks_done;
          ChunkAttempt attempt;
          attempt.table = rec.name;
          attempt.task = chunk.index;
          attempt.range = chunk.key_range;
          attempt.rows = chunk.rows;
          attempt.bytes = chunk.bytes;
          attempt.outcome = AttemptOutcome::kReused;
          record.attempts.push_back(attempt);
        }
      });
      if (!pending.ok()) {
        queue.failed = true;
      } else if (table.snapshot && !table.extract->scan() && !pending->empty()) {
        // One task for the whole table; it runs the chunks on its snapshot connections.
        queue.snapshot_tasks = *pending;
        queue.pending.push_back({kSnapshotTable, 0, Clock::now()});
      } else {
        for (int task : *pending) queue.pending.push_back({task, 0, Clock::now()});
      }
      queues_.push_back(std::move(queue));
    }
  }

  void Run() {
    int workers = 0;
    for (const auto& source : prepared_->sources) workers += source->config->max_connections;
    int total_tasks = 0;
    for (const auto& queue : queues_) total_tasks += static_cast<int>(queue.pending.size());
    workers = std::max(1, std::min(workers, total_tasks));
    // Tables with nothing left to run (everything reused) finish right away.
    for (size_t queue_idx = 0; queue_idx < queues_.size(); ++queue_idx) {
      if (!queues_[queue_idx].failed && queues_[queue_idx].pending.empty()) FinishTable(queue_idx);
    }
    std::vector<std::thread> threads;
    for (int worker = 0; worker < workers; ++worker) threads.emplace_back([this] { Work(); });
    for (auto& thread : threads) thread.join();
  }

  FailureKind worst() const { return worst_; }

 private:
  struct Task {
    int task = 0;  // kSnapshotTable: every chunk of a snapshot table
    int attempt = 0;
    Clock::time_point not_before;
    int width = 1;  // connection slots (and task memories) reserved for it
  };
  static constexpr int kSnapshotTable = -1;
  struct TableQueue {
    size_t index = 0;
    std::deque<Task> pending;
    int running = 0;
    bool failed = false;
    bool finished = false;
    int retries_allowed = 3;
    int64_t task_memory = 0;
    std::vector<int> snapshot_tasks;  // snapshot mode: the chunks the table task runs
  };

  // Picks a runnable task. REQUIRES: mutex_ held.
  bool Pick(size_t* queue_out, Task* task_out, Clock::time_point* wake) {
    *wake = Clock::now() + std::chrono::milliseconds(200);
    auto now = Clock::now();
    for (size_t offset = 0; offset < queues_.size(); ++offset) {
      size_t queue_idx = (next_queue_ + offset) % queues_.size();
      TableQueue& queue = queues_[queue_idx];
      if (queue.failed) continue;
      const std::string& source = prepared_->tables[queue.index].config->source;
      int limit = prepared_->tables[queue.index].source->config->max_connections;
      if (busy_[source] >= limit) continue;
      for (auto it = queue.pending.begin(); it != queue.pending.end(); ++it) {
        if (it->not_before > now) {
          *wake = std::min(*wake, it->not_before);
          continue;
        }
        // A snapshot table holds its connections until its last chunk: it takes every free
        // slot it can use (and their memory), but leaves one to other tables still waiting.
        int width = 1;
        if (it->task == kSnapshotTable) {
          int free_slots = limit - busy_[source];
          if (free_slots > 1 && OthersWaiting(queue_idx, source)) --free_slots;
          width = std::clamp(free_slots, 1, static_cast<int>(queue.snapshot_tasks.size()));
        }
        while (!budget_->TryReserve(width * queue.task_memory)) {
          if (width == 1) return false;
          --width;
        }
        *queue_out = queue_idx;
        *task_out = *it;
        task_out->width = width;
        queue.pending.erase(it);
        ++queue.running;
        busy_[source] += width;
        next_queue_ = queue_idx + 1;  // round robin: the next pick starts at another table
        return true;
      }
    }
    return false;
  }

  // True when another table of `source` has tasks left. REQUIRES: mutex_ held.
  bool OthersWaiting(size_t queue_idx, const std::string& source) const {
    for (size_t other = 0; other < queues_.size(); ++other) {
      if (other == queue_idx || queues_[other].failed || queues_[other].pending.empty()) continue;
      if (prepared_->tables[queues_[other].index].config->source == source) return true;
    }
    return false;
  }

  bool AllDone() const {
    for (const auto& queue : queues_) {
      if (queue.running > 0) return false;
      if (!queue.failed && !queue.pending.empty()) return false;
    }
    return true;
  }

  std::unique_ptr<mysql::Connection> TakeConnection(const std::string& source) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& idle = idle_[source];
    if (idle.empty()) return nullptr;
    auto conn = std::move(idle.back());
    idle.pop_back();
    return conn;
  }

  void Work() {
    while (true) {
      size_t queue_idx = 0;
      Task task;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        while (true) {
          if (AllDone()) {
            cv_.notify_all();
            return;
          }
          Clock::time_point wake;
          if (Pick(&queue_idx, &task, &wake)) break;
          cv_.wait_until(lock, wake);
        }
      }
      RunOne(queue_idx, task);
      cv_.notify_all();
    }
  }

  void RunOne(size_t queue_idx, const Task& task) {
    if (task.task == kSnapshotTable) {
      RunSnapshotTable(queue_idx, task);
      return;
    }
    PreparedTable& table = prepared_->tables[queue_idx];
    const std::string& name = table.config->name;
    const std::string& source = table.config->source;
    std::string range = table.extract->DescribeTask(task.task);
    size_t attempt_idx = 0;
    double started = recorder_->Now();
    recorder_->Edit([&](RunRecord& record) {
      TableRecord& rec = record.tables[queue_idx];
      if (rec.start_seconds < 0) rec.start_seconds = started;
      if (rec.status == "pending") rec.status = "running";
      ChunkAttempt attempt;
      attempt.table = name;
      attempt.task = task.task;
      attempt.range = range;
      attempt.attempt = task.attempt;
      attempt.start_seconds = started;
      attempt_idx = record.attempts.size();
      record.attempts.push_back(attempt);
    });
    Log("chunk_start", name, task.task, range, task.attempt, "");

    Status status;
    std::vector<ChunkResult> results;
    auto conn = TakeConnection(source);
    if (!conn) {
      auto opened = mysql::Connection::Open(table.source->url, table.source->connection);
      if (opened.ok()) {
        conn = std::move(opened).value();
      } else {
        status = opened.status();
      }
    }
    if (conn && faults_.ShouldFail(name, task.task, task.attempt)) {
      status = Status::Unavailable("injected fault (SLUICE_DEBUG_FAIL_CHUNKS)");
      conn.reset();
    }
    int64_t live_rows = 0;
    int64_t live_bytes = 0;
    if (conn) {
      ChunkHooks hooks;
      hooks.on_batch = [&](int64_t rows, int64_t bytes) {
        int64_t delta_rows = rows - live_rows;
        int64_t delta_bytes = bytes - live_bytes;
        live_rows = rows;
        live_bytes = bytes;
        recorder_->Edit([&](RunRecord& record) {
          record.tables[queue_idx].live_rows += delta_rows;
          record.tables[queue_idx].live_bytes += delta_bytes;
          record.attempts[attempt_idx].rows = rows;
        });
      };
      auto result = table.extract->RunTask(conn.get(), task.task, task.attempt, hooks);
      if (result.ok()) {
        results = std::move(result).value();
      } else {
        status = result.status();
        conn.reset();  // never reuse a connection that failed mid-result
      }
    }
    double ended = recorder_->Now();
    budget_->Release(table.options.memory_limit_bytes);

    bool retry = false;
    bool table_failed = false;
    bool table_complete = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --busy_[source];
      if (conn) idle_[source].push_back(std::move(conn));
      TableQueue& queue = queues_[queue_idx];
      --queue.running;
      if (!status.ok()) {
        bool retryable = status.code() == StatusCode::kUnavailable;
        if (queue.failed) {
          // Another task already failed the table; this one was cancelled.
        } else if (retryable && task.attempt < queue.retries_allowed) {
          retry = true;
          int64_t cap = std::min(kMaxBackoffMs, kFirstBackoffMs << task.attempt);
          std::uniform_int_distribution<int64_t> jitter(cap / 2, cap);
          int64_t delay = jitter(rng_);
          queue.pending.push_front(
              {task.task, task.attempt + 1, Clock::now() + std::chrono::milliseconds(delay)});
          retry_delay_ms_ = delay;
        } else {
          queue.failed = true;
          queue.pending.clear();
          table_failed = true;
        }
      } else {
        table_complete = queue.pending.empty() && queue.running == 0 && !queue.failed;
      }
    }
    int64_t rows = 0;
    int64_t bytes = 0;
    for (const auto& chunk : results) {
      rows += chunk.rows;
      bytes += chunk.bytes;
    }
    std::string error = status.ok() ? "" : Redact(status.ToString());
    recorder_->Edit([&](RunRecord& record) {
      TableRecord& rec = record.tables[queue_idx];
      rec.live_rows -= live_rows;
      rec.live_bytes -= live_bytes;
      ChunkAttempt& attempt = record.attempts[attempt_idx];
      attempt.end_seconds = ended;
      attempt.error = error;
      if (status.ok()) {
        RecordSucceeded(rows, bytes, &attempt, &rec);
      } else if (retry) {
        attempt.outcome = AttemptOutcome::kRetrying;
        ++rec.retries;
      } else {
        attempt.outcome = AttemptOutcome::kFailed;
      }
    });
    if (status.ok()) {
      Log("chunk_done", name, task.task, range, task.attempt,
          "rows=" + std::to_string(rows) + " bytes=" + std::to_string(bytes) +
              " seconds=" + FormatSeconds(ended - started));
    } else if (retry) {
      Log("chunk_retry", name, task.task, range, task.attempt,
          "error=" + Quote(error) + " retrying_in_ms=" + std::to_string(retry_delay_ms_));
    } else if (table_failed) {
      Log("chunk_failed", name, task.task, range, task.attempt, "error=" + Quote(error));
      table.extract->Cancel();
      FailTable(queue_idx, task, range, status);
    }
    if (table_complete) FinishTable(queue_idx);
  }

  // Snapshot mode: every chunk of the table on `task.width` connections that share one consistent
  // snapshot (runner/snapshot_extract.h). The snapshot cannot be re-taken on a new connection, so
  // a retryable failure restarts the whole table: a new plan on a fresh TableExtract (discarding
  // the attempt's files) and a new snapshot, up to the table's `retries`.
  void RunSnapshotTable(size_t queue_idx, const Task& task) {
    PreparedTable& table = prepared_->tables[queue_idx];
    const std::string& name = table.config->name;
    const std::string& source = table.config->source;
    std::vector<int> tasks;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      tasks = queues_[queue_idx].snapshot_tasks;
    }
    recorder_->Edit([&](RunRecord& record) {
      TableRecord& rec = record.tables[queue_idx];
      if (rec.start_seconds < 0) rec.start_seconds = recorder_->Now();
      if (rec.status == "pending") rec.status = "running";
    });
    Status status;
    auto conn = TakeConnection(source);
    if (!conn) {
      auto opened = mysql::Connection::Open(table.source->url, table.source->connection);
      if (opened.ok()) {
        conn = std::move(opened).value();
      } else {
        status = opened.status();
      }
    }
    mysql::Snapshot snapshot;
    if (status.ok()) {
      auto opened = mysql::OpenSnapshot(conn.get(), table.extract->source().from(), task.width,
                                        table.source->url, table.source->connection);
      if (opened.ok()) {
        snapshot = std::move(opened).value();
        Log("snapshot_taken", name, -1, "", task.attempt,
            "connections=" + std::to_string(task.width) +
                " lock_wait_seconds=" + FormatSeconds(snapshot.lock_wait_seconds) +
                " lock_held_seconds=" + FormatSeconds(snapshot.lock_held_seconds));
      } else {
        status = opened.status();
      }
    }
    if (status.ok()) {
      // The coordinator's part is done (the lock is released): it can serve other tables.
      std::lock_guard<std::mutex> lock(mutex_);
      idle_[source].push_back(std::move(conn));
    }
    if (status.ok() && !table.remote_options.destination.empty() &&
        (task.attempt > 0 || !table.remote)) {
      // A restart: the failed attempt's queued uploads stop with its RemoteExtract (Begin below
      // deletes their files) and the new one starts the table's remote records afresh.
      table.remote.reset();
      auto begun = BeginRemoteTable(table.remote_options, &table.options);
      status = begun.status();
      if (begun.ok()) table.remote = std::move(begun).value();
    }
    if (status.ok()) {
      // Planned again inside the snapshot, so the key ranges cover exactly the rows it holds;
      // this also replaces the cancelled extract of a failed attempt (Begin discards its files).
      auto fresh = TableExtract::Prepare(table.options, snapshot.connections[0].get());
      status = fresh.status();
      if (fresh.ok()) {
        auto begun = (*fresh)->Begin();
        status = begun.status();
        if (begun.ok()) {
          table.extract = std::move(fresh).value();
          tasks = *begun;
          std::lock_guard<std::mutex> lock(mutex_);
          queues_[queue_idx].snapshot_tasks = tasks;
        }
      }
      recorder_->Edit([&](RunRecord& record) {
        TableRecord& rec = record.tables[queue_idx];
        rec.rows = rec.bytes = 0;
        rec.tasks_done = 0;
        rec.tasks_total = table.extract->owned_task_count();
      });
    }
    int failed_task = tasks.empty() ? 0 : tasks.front();
    if (status.ok() && !tasks.empty() && faults_.ShouldFail(name, tasks.front(), task.attempt)) {
      status = Status::Unavailable("injected fault (SLUICE_DEBUG_FAIL_CHUNKS)");
    }
    if (status.ok() && !tasks.empty()) {
      std::mutex hooks_mutex;
      std::map<int, size_t> attempt_of;  // chunk -> index in record.attempts; hooks_mutex
      std::map<int, int64_t> live;       // chunk -> rows read so far; hooks_mutex
      bool first_failure = true;         // hooks_mutex
      SnapshotTaskHooks hooks;
      hooks.on_start = [&](int chunk) {
        std::string range = table.extract->DescribeTask(chunk);
        double started = recorder_->Now();
        recorder_->Edit([&](RunRecord& record) {
          ChunkAttempt attempt;
          attempt.table = name;
          attempt.task = chunk;
          attempt.range = range;
          attempt.attempt = task.attempt;
          attempt.start_seconds = started;
          std::lock_guard<std::mutex> lock(hooks_mutex);
          attempt_of[chunk] = record.attempts.size();
          record.attempts.push_back(attempt);
        });
        Log("chunk_start", name, chunk, range, task.attempt, "");
      };
      hooks.on_batch = [&](int chunk, int64_t rows, int64_t /*bytes*/) {
        recorder_->Edit([&](RunRecord& record) {
          std::lock_guard<std::mutex> lock(hooks_mutex);
          record.tables[queue_idx].live_rows += rows - live[chunk];
          live[chunk] = rows;
          record.attempts[attempt_of[chunk]].rows = rows;
        });
      };
      hooks.on_end = [&](int chunk, const Status& chunk_status,
                         const std::vector<ChunkResult>& results) {
        int64_t rows = 0;
        int64_t bytes = 0;
        for (const auto& result : results) {
          rows += result.rows;
          bytes += result.bytes;
        }
        double ended = recorder_->Now();
        std::string error = chunk_status.ok() ? "" : Redact(chunk_status.ToString());
        recorder_->Edit([&](RunRecord& record) {
          std::lock_guard<std::mutex> lock(hooks_mutex);
          TableRecord& rec = record.tables[queue_idx];
          rec.live_rows -= live[chunk];
          live[chunk] = 0;
          ChunkAttempt& attempt = record.attempts[attempt_of[chunk]];
          attempt.end_seconds = ended;
          attempt.error = error;
          if (chunk_status.ok()) {
            RecordSucceeded(rows, bytes, &attempt, &rec);
          } else {
            // Decided below (restart or failure); the table's outcome is what counts.
            attempt.outcome = AttemptOutcome::kFailed;
            if (first_failure) failed_task = chunk;
            first_failure = false;
          }
        });
        if (chunk_status.ok()) {
          Log("chunk_done", name, chunk, table.extract->DescribeTask(chunk), task.attempt,
              "rows=" + std::to_string(rows) + " bytes=" + std::to_string(bytes));
        }
      };
      std::vector<mysql::Connection*> connections;
      for (auto& item : snapshot.connections) connections.push_back(item.get());
      status = RunTasksOnSnapshot(table.extract.get(), tasks, connections, task.attempt, hooks);
    }
    if (status.ok()) {
      // The snapshot connections become ordinary idle connections of the source again.
      for (auto& item : snapshot.connections) {
        if (!mysql::EndSnapshot(item.get()).ok()) item.reset();
      }
    } else {
      snapshot.connections.clear();
      conn.reset();  // it may have failed mid-statement
    }
    budget_->Release(task.width * table.options.memory_limit_bytes);

    bool retry = false;
    bool table_failed = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      busy_[source] -= task.width;
      if (conn) idle_[source].push_back(std::move(conn));
      for (auto& item : snapshot.connections) {
        if (item) idle_[source].push_back(std::move(item));
      }
      TableQueue& queue = queues_[queue_idx];
      --queue.running;
      if (!status.ok()) {
        if (status.code() == StatusCode::kUnavailable && task.attempt < queue.retries_allowed) {
          retry = true;
          int64_t cap = std::min(kMaxBackoffMs, kFirstBackoffMs << task.attempt);
          std::uniform_int_distribution<int64_t> jitter(cap / 2, cap);
          int64_t delay = jitter(rng_);
          queue.pending.push_front(
              {kSnapshotTable, task.attempt + 1, Clock::now() + std::chrono::milliseconds(delay)});
          retry_delay_ms_ = delay;
        } else {
          queue.failed = true;
          queue.pending.clear();
          table_failed = true;
        }
      }
    }
    std::string range = tasks.empty() ? "" : table.extract->DescribeTask(failed_task);
    if (retry) {
      recorder_->Edit([&](RunRecord& record) {
        ++record.tables[queue_idx].retries;
        for (auto& attempt : record.attempts) {
          if (attempt.table == name && attempt.attempt == task.attempt)
            attempt.outcome = AttemptOutcome::kRetrying;
        }
      });
      Log("table_restart", name, failed_task, range, task.attempt,
          "error=" + Quote(Redact(status.ToString())) +
              " reason=\"a snapshot cannot continue on a new connection\" restarting_in_ms=" +
              std::to_string(retry_delay_ms_));
    } else if (table_failed) {
      table.extract->Cancel();
      FailTable(queue_idx, Task{failed_task, task.attempt, {}, 1}, range, status);
    } else if (status.ok()) {
      FinishTable(queue_idx);
    }
  }

  void FailTable(size_t queue_idx, const Task& task, const std::string& range,
                 const Status& status) {
    PreparedTable& table = prepared_->tables[queue_idx];
    FailureKind kind = KindOfStatus(status);
    if (kind == FailureKind::kConfig) kind = FailureKind::kSource;  // found while running
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (worst_ == FailureKind::kNone) worst_ = kind;
    }
    std::string error = Redact(status.ToString());
    recorder_->Edit([&](RunRecord& record) {
      TableRecord& rec = record.tables[queue_idx];
      rec.status = "failed";
      rec.error = "chunk " + std::to_string(task.task) + " " + range + ", attempt " +
                  std::to_string(task.attempt + 1) + ": " + error;
      rec.error_kind = KindName(kind);
      rec.end_seconds = recorder_->Now();
    });
    Log("table_failed", table.config->name, task.task, range, task.attempt,
        "error=" + Quote(error));
    if (webhook_->enabled() && config_.alerts.on_failure) {
      json payload = {{"text", ":red_circle: sluice pipeline " + config_.name + " (run " + run_id_ +
                                   "): table " + table.config->name + " failed at chunk " +
                                   std::to_string(task.task) + " " + range + " after " +
                                   std::to_string(task.attempt + 1) + " attempts: " + error},
                      {"event", "table_failed"},
                      {"run_id", run_id_},
                      {"pipeline", config_.name},
                      {"table", table.config->name},
                      {"chunk", task.task},
                      {"chunk_range", range},
                      {"attempt", task.attempt + 1},
                      {"error", error},
                      {"error_kind", KindName(kind)}};
      SendAlert(payload.dump());
    }
  }

  void FinishTable(size_t queue_idx) {
    PreparedTable& table = prepared_->tables[queue_idx];
    int64_t retries = 0;
    double started = 0;
    recorder_->Edit([&](RunRecord& record) {
      retries = record.tables[queue_idx].retries;
      started = std::max(0.0, record.tables[queue_idx].start_seconds);
    });
    Result<ExtractSummary> summary = Status::Internal("table not finished");
    std::vector<std::string> files;
    std::string uploaded;  // remote tables: what was uploaded or published
    if (table.remote) {
      auto finished = FinishRemoteTable(table.remote.get(), table.extract.get(), options_.shard,
                                        retries, recorder_->Now() - started);
      summary = finished.status();
      if (finished.ok()) {
        summary = std::move(finished->summary);
        files = std::move(finished->files);  // published under content-addressed names
        uploaded = std::move(finished->description);
      }
    } else {
      summary = table.extract->Finish(retries, recorder_->Now() - started);
      if (summary.ok()) {
        for (const auto& chunk : summary->chunks) {
          if (!chunk.file.empty()) files.push_back(summary->table_dir + "/" + chunk.file);
        }
      }
    }
    Status status = summary.status();
    if (table.remote && status.code() == StatusCode::kValidationFailed) {
      // No manifest, but the report and the rejected rows go where the table would have been.
      uploaded = UploadRemoteValidation(table.remote.get());
    }
    // A failed contract is a validation failure (exit 3); anything else here is the
    // destination's (manifest, upload).
    FailureKind kind = status.code() == StatusCode::kValidationFailed ? FailureKind::kValidation
                                                                      : FailureKind::kDestination;
    TableValidation validation;
    if (table.options.transform) validation = ReadTableValidation(table.extract->dir());
    std::string error;
    if (!status.ok()) {
      error = Redact(status.ToString());
      if (kind == FailureKind::kValidation && validation.checked) {
        error = "contract failed: " + FailedChecksText(validation) + " (report " +
                validation.report + "); the table was not published";
      }
    }
    recorder_->Edit([&](RunRecord& record) {
      TableRecord& rec = record.tables[queue_idx];
      rec.end_seconds = recorder_->Now();
      if (rec.start_seconds < 0) rec.start_seconds = rec.end_seconds;
      rec.validation = validation;
      if (status.ok()) {
        rec.status = "succeeded";
        rec.files = files;
        rec.complete = summary->complete;
      } else {
        rec.status = "failed";
        rec.error = error;
        rec.error_kind = KindName(kind);
      }
    });
    {
      std::lock_guard<std::mutex> lock(mutex_);
      queues_[queue_idx].finished = true;
      if (!status.ok()) {
        queues_[queue_idx].failed = true;
        if (worst_ == FailureKind::kNone) worst_ = kind;
      }
    }
    std::string extra = "files=" + std::to_string(files.size());
    if (!uploaded.empty()) extra += " upload=" + Quote(Redact(uploaded));
    if (validation.checked) {
      extra += " rows_checked=" + std::to_string(validation.rows_checked) +
               " rows_quarantined=" + std::to_string(validation.rows_quarantined);
    }
    Log(status.ok() ? "table_done" : "table_failed", table.config->name, -1, "", 0,
        status.ok() ? extra
                    : "error=" + Quote(error) +
                          (uploaded.empty() ? "" : " upload=" + Quote(Redact(uploaded))));
    if (!status.ok()) SendTableFinishFailedAlert(table, kind, error, validation);
  }

  // A table whose chunks all succeeded but which could not be finished: failed contract
  // (with the failed checks) or manifest/upload error.
  void SendTableFinishFailedAlert(const PreparedTable& table, FailureKind kind,
                                  const std::string& error, const TableValidation& validation) {
    if (!webhook_->enabled() || !config_.alerts.on_failure) return;
    json payload = {{"text", ":red_circle: sluice pipeline " + config_.name + " (run " + run_id_ +
                                 "): table " + table.config->name + " failed: " + error},
                    {"event", "table_failed"},
                    {"run_id", run_id_},
                    {"pipeline", config_.name},
                    {"table", table.config->name},
                    {"chunk", nullptr},
                    {"chunk_range", nullptr},
                    {"attempt", nullptr},
                    {"error", error},
                    {"error_kind", KindName(kind)}};
    if (validation.checked) {
      json failed = json::array();
      for (const auto& check : validation.failures) {
        failed.push_back({{"column", check.column.empty() ? json(nullptr) : json(check.column)},
                          {"check", check.check},
                          {"detail", check.detail},
                          {"failure_count", check.failure_count}});
      }
      payload["failed_checks"] = failed;
      payload["rows_checked"] = validation.rows_checked;
      payload["rows_quarantined"] = validation.rows_quarantined;
      payload["report"] = validation.report;
    }
    SendAlert(payload.dump());
  }

  void SendAlert(const std::string& body) {
    Status sent = webhook_->Send(body);
    if (!sent.ok()) {
      std::string message = Redact(sent.ToString());
      recorder_->Edit([&](RunRecord& record) { record.alert_errors.push_back(message); });
      if (!options_.quiet)
        std::cerr << "sluice run: warning: alert not delivered: " << message << "\n";
    }
  }

  static std::string FormatSeconds(double seconds) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.3f", seconds);
    return text;
  }

  void Log(const std::string& event, const std::string& table, int task, const std::string& range,
           int attempt, const std::string& extra) {
    if (options_.quiet || options_.live_progress) return;
    std::string line =
        "sluice run: ts=" + IsoNow() + " event=" + event + " run=" + run_id_ + " table=" + table;
    if (task >= 0) {
      line += " chunk=" + std::to_string(task) + " range=" + Quote(range) +
              " attempt=" + std::to_string(attempt + 1);
    }
    if (!extra.empty()) line += " " + extra;
    std::lock_guard<std::mutex> lock(log_mutex_);
    std::cerr << line << "\n";  // error fields were redacted when recorded
  }

 public:
  void SendSuccessAlert(const RunRecord& record) {
    if (!webhook_->enabled() || !config_.alerts.on_success) return;
    int64_t rows = 0;
    for (const auto& table : record.tables) rows += table.rows;
    json tables = json::array();
    for (const auto& table : record.tables)
      tables.push_back({{"table", table.name}, {"rows", table.rows}, {"status", table.status}});
    json payload = {{"text", ":large_green_circle: sluice pipeline " + config_.name + " (run " +
                                 run_id_ + ") succeeded: " + std::to_string(record.tables.size()) +
                                 " tables, " + std::to_string(rows) + " rows"},
                    {"event", "run_succeeded"},
                    {"run_id", run_id_},
                    {"pipeline", config_.name},
                    {"tables", tables}};
    SendAlert(payload.dump());
  }
  void SendRunFailedAlert(const std::string& what, const std::string& error) {
    if (!webhook_->enabled() || !config_.alerts.on_failure) return;
    json payload = {{"text", ":red_circle: sluice pipeline " + config_.name + " (run " + run_id_ +
                                 "): " + what + " failed: " + error},
                    {"event", "transform_failed"},
                    {"run_id", run_id_},
                    {"pipeline", config_.name},
                    {"transform", what},
                    {"error", error}};
    SendAlert(payload.dump());
  }

 private:
  const PipelineConfig& config_;
  const RunOptions& options_;
  Prepared* prepared_;
  RunRecorder* recorder_;
  MemoryBudget* budget_;
  const AlertWebhook* webhook_;
  std::string run_id_;
  InjectedFaults faults_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<TableQueue> queues_;   // guarded by mutex_ after Begin()
  std::map<std::string, int> busy_;  // source -> connections in use; mutex_
  std::map<std::string, std::vector<std::unique_ptr<mysql::Connection>>> idle_;  // mutex_
  size_t next_queue_ = 0;                                                        // mutex_
  std::mt19937_64 rng_{std::random_device{}()};                                  // mutex_
  int64_t retry_delay_ms_ = 0;              // mutex_ (last backoff, for the log)
  FailureKind worst_ = FailureKind::kNone;  // mutex_
  std::mutex log_mutex_;
};

// Live per-table progress on a terminal (stderr), redrawn in place.
class LiveDisplay {
 public:
  explicit LiveDisplay(RunRecorder* recorder) : recorder_(recorder) {}
  ~LiveDisplay() { Stop(); }
  void Start() {
    running_ = true;
    thread_ = std::thread([this] {
      while (running_.load()) {
        Draw();
        for (int slept = 0; slept < 250 && running_.load(); slept += 10)
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      Draw();
    });
  }
  void Stop() {
    if (!running_.exchange(false)) return;
    if (thread_.joinable()) thread_.join();
  }

 private:
  void Draw() {
    RunRecord record = recorder_->Snapshot();
    double now = recorder_->Now();
    std::string out;
    if (lines_ > 0) out += "\033[" + std::to_string(lines_) + "A";
    int lines = 0;
    for (const auto& table : record.tables) {
      int64_t rows = table.rows + table.live_rows;
      double done = table.tasks_total > 0
                        ? static_cast<double>(table.tasks_done) / table.tasks_total
                        : (table.status == "succeeded" ? 1.0 : 0.0);
      if (table.estimated_rows > 0 && table.status != "succeeded") {
        done = std::max(done, std::min(0.99, static_cast<double>(rows) / table.estimated_rows));
      }
      if (table.status == "succeeded") done = 1.0;
      // 24-cell bar: fits an 80-column terminal next to the numbers.
      constexpr int kBarCells = 24;
      int filled = static_cast<int>(done * kBarCells);
      std::string bar = std::string(static_cast<size_t>(filled), '#') +
                        std::string(static_cast<size_t>(kBarCells - filled), '.');
      double elapsed =
          table.start_seconds >= 0
              ? (table.end_seconds >= 0 ? table.end_seconds : now) - table.start_seconds
              : 0;
      double rate = elapsed > 0 ? static_cast<double>(rows - 0) / elapsed : 0;
      std::string eta = "-";
      if (table.status == "running" && done > 0.01 && elapsed > 0) {
        eta = std::to_string(static_cast<int>(elapsed * (1 - done) / done)) + "s";
      }
      char line[256];
      std::snprintf(line, sizeof(line),
                    "%-16.16s [%s] %3d%% %12lld rows %10s %10.0f rows/s ETA %-6s retries %-3lld %s",
                    table.name.c_str(), bar.c_str(), static_cast<int>(done * 100),
                    static_cast<long long>(rows),
                    FormatBytes(table.bytes + table.live_bytes).c_str(), rate, eta.c_str(),
                    static_cast<long long>(table.retries), table.status.c_str());
      out += "\033[2K" + std::string(line) + "\n";
      ++lines;
    }
    lines_ = lines;
    std::cerr << out << std::flush;
  }

  RunRecorder* recorder_;
  std::atomic<bool> running_{false};
  std::thread thread_;
  int lines_ = 0;
};

// With an s3:// or gs:// destination each transform reads verified local copies of the
// published tables it names and its output is uploaded (remote_transform_io.h); the input copies
// are removed when every transform succeeded and kept after a failure for the rerun.
Status RunTransforms(const PipelineConfig& config, RunRecorder* recorder, Scheduler* scheduler,
                     bool quiet) {
  std::string root = LocalRoot(config);
  std::unique_ptr<RemoteTransformIo> remote;
  if (IsRemote(config.destination) && !config.transforms.empty()) {
    auto opened = RemoteTransformIo::Open(config.destination, root);
    if (!opened.ok()) return opened.status().WithContext("transforms");
    remote = std::move(opened).value();
  }
  for (const auto& transform : config.transforms) {
    double started = recorder->Now();
    engine::QueryOptions query_options;
    query_options.memory_limit_bytes = config.defaults.memory_limit_bytes;
    engine::QueryEngine engine(query_options);
    Status status = RegisterTransformInputs(config, root, remote.get(), transform.sql, &engine);
    engine::QueryStats stats;
    std::string output =
        remote ? remote->LocalOutput(transform.output) : root + "/" + transform.output;
    if (status.ok()) {
      std::error_code ec;
      fs::create_directories(fs::path(output).parent_path(), ec);
      auto sink = engine::MakeParquetSink(output);
      status = engine.Execute(transform.sql, sink.get(), &stats);
    }
    if (status.ok() && remote) status = remote->UploadOutput(transform.output);
    double ended = recorder->Now();
    TransformRecord rec;
    rec.name = transform.name;
    rec.output = remote ? remote->OutputUrl(transform.output) : output;
    rec.status = status.ok() ? "succeeded" : "failed";
    rec.rows = stats.rows;
    rec.seconds = ended - started;
    rec.error = status.ok() ? "" : Redact(status.ToString());
    recorder->Edit([&](RunRecord& record) { record.transforms.push_back(rec); });
    if (!quiet) {
      std::cerr << "sluice run: ts=" << IsoNow()
                << " event=" << (status.ok() ? "transform_done" : "transform_failed")
                << " transform=" << transform.name << " rows=" << stats.rows
                << (remote ? " output=" + rec.output : "")
                << (status.ok() ? "" : " error=" + Quote(rec.error))
                << (remote && !status.ok() ? " inputs_kept=" + remote->inputs_dir() : "") << "\n";
    }
    if (!status.ok()) {
      scheduler->SendRunFailedAlert("transform " + transform.name, rec.error);
      return status.WithContext("transform " + transform.name);
    }
  }
  if (remote) {
    if (!quiet) {
      std::cerr << "sluice run: ts=" << IsoNow()
                << " event=transform_inputs_removed downloaded_bytes=" << remote->bytes_downloaded()
                << " reused_files=" << remote->files_reused() << "\n";
    }
    Status removed = remote->RemoveInputs();
    if (!removed.ok() && !quiet) std::cerr << "sluice run: warning: " << removed.ToString() << "\n";
  }
  return Status::OK();
}

}  // namespace

FailureKind ClassifyPlanError(const Status& status) {
  switch (status.code()) {
    case StatusCode::kValidationFailed:
      return FailureKind::kValidation;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kNotSupported:
      return FailureKind::kConfig;
    case StatusCode::kIoError:
    case StatusCode::kResourceExhausted:
      return FailureKind::kDestination;
    default:
      return FailureKind::kSource;
  }
}

Result<PipelinePlan> PlanPipeline(const PipelineConfig& config, const RunOptions& options,
                                  FailureKind* kind) {
  FailureKind prepare_kind = FailureKind::kNone;
  auto prepared_or = Prepare(config, options, options.fresh, options.save_plan, &prepare_kind);
  if (!prepared_or.ok()) {
    if (kind != nullptr) *kind = prepare_kind;
    return prepared_or.status();
  }
  Prepared prepared = std::move(prepared_or).value();
  PipelinePlan plan;
  plan.pipeline = config.name;
  plan.destination = config.destination;
  for (const auto& transform : config.transforms) plan.transforms.push_back(transform.name);
  if (options.save_plan) {
    for (auto& item : prepared.tables) {
      if (item.remote) continue;  // saved and frozen remotely by Prepare
      Status saved = item.extract->SavePlan();
      if (!saved.ok()) {
        if (kind != nullptr) *kind = ClassifyPlanError(saved);
        return saved.WithContext("table " + item.config->name);
      }
    }
  }
  for (auto& item : prepared.tables) {
    PlannedTable table;
    const TableExtract& extract = *item.extract;
    table.name = item.config->name;
    table.source = item.config->source;
    table.source_table = extract.source().display_name();
    table.mode = source::PartitionModeName(extract.source().mode());
    table.key = extract.source().has_key() ? extract.source().key_name() : "";
    table.dir = extract.dir();
    table.estimated_rows = item.estimated_rows;
    table.resumed = extract.resumed();
    // Chunks committed by earlier runs or shards (a read-only look at the progress logs).
    std::set<int> done;
    for (int task : extract.CommittedTasks()) done.insert(task);
    // Under a contract every run starts afresh: reused chunks would escape the checks.
    if (item.options.transform) done.clear();
    int tasks = extract.task_count();
    for (int task = 0; task < tasks; ++task) {
      PlannedChunk chunk;
      chunk.task = task;
      chunk.range = extract.DescribeTask(task);
      if (extract.source().mode() == source::PartitionMode::kBalanced &&
          !extract.ranges()[static_cast<size_t>(task)].null_keys) {
        chunk.estimated_rows =
            std::min(item.options.chunk_rows,
                     std::max<int64_t>(0, table.estimated_rows - item.options.chunk_rows * task));
      } else if (extract.scan()) {
        chunk.estimated_rows = table.estimated_rows;
      }
      chunk.done = done.count(task) > 0;
      table.chunks.push_back(chunk);
    }
    plan.tables.push_back(std::move(table));
  }
  return plan;
}

std::string PlanJson(const PipelinePlan& plan) {
  json tables = json::array();
  int64_t total_chunks = 0;
  for (const auto& table : plan.tables) {
    json chunks = json::array();
    for (const auto& chunk : table.chunks) {
      chunks.push_back({{"chunk", chunk.task},
                        {"key_range", chunk.range},
                        {"estimated_rows",
                         chunk.estimated_rows < 0 ? json(nullptr) : json(chunk.estimated_rows)},
                        {"done", chunk.done}});
    }
    total_chunks += static_cast<int64_t>(table.chunks.size());
    tables.push_back({{"table", table.name},
                      {"source", table.source},
                      {"source_table", table.source_table},
                      {"mode", table.mode},
                      {"key", table.key.empty() ? json(nullptr) : json(table.key)},
                      {"dir", table.dir},
                      {"estimated_rows", table.estimated_rows},
                      {"resumes_earlier_run", table.resumed},
                      {"chunks", chunks}});
  }
  json out = {{"pipeline", plan.pipeline},
              {"destination", RedactUrl(plan.destination)},
              {"tables", tables},
              {"total_chunks", total_chunks},
              {"transforms", plan.transforms}};
  return out.dump(2);
}

std::string PlanText(const PipelinePlan& plan) {
  std::ostringstream out;
  out << "pipeline " << plan.pipeline << " -> " << RedactUrl(plan.destination) << "\n";
  for (const auto& table : plan.tables) {
    out << "  " << table.name << ": " << table.source_table << ", " << table.mode
        << (table.key.empty() ? "" : " on " + table.key) << ", " << table.chunks.size()
        << " chunks, ~" << table.estimated_rows << " rows" << (table.resumed ? " (resumes)" : "")
        << "\n";
  }
  for (const auto& transform : plan.transforms) out << "  transform " << transform << "\n";
  return out.str();
}

Result<RunRecord> RunPipeline(const PipelineConfig& config, const RunOptions& options,
                              FailureKind* kind) {
  *kind = FailureKind::kNone;
  RunRecorder recorder;
  MemoryBudget budget(config.defaults.memory_limit_bytes);
  AlertWebhook webhook(config.alerts.webhook, config.alerts.timeout_seconds);
  // Everything that can be checked is checked here, before the first write.
  FailureKind prepare_kind = FailureKind::kNone;
  auto prepared_or = Prepare(config, options, options.fresh, /*writes=*/true, &prepare_kind);
  if (!prepared_or.ok()) {
    *kind = prepare_kind;
    return prepared_or.status();
  }
  Prepared prepared = std::move(prepared_or).value();

  // Run identity: an unfinished earlier run is continued under its id.
  std::string root = LocalRoot(config);
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    *kind = FailureKind::kDestination;
    return Status::IoError("cannot create " + root + ": " + ec.message());
  }
  std::string run_id;
  bool resumed = false;
  if (!options.fresh) {
    std::ifstream in(root + "/" + kRunStateFile);
    json previous = json::parse(in, nullptr, false);
    if (previous.is_object() && previous.value("status", "") == "running") {
      run_id = previous.value("run_id", "");
      resumed = !run_id.empty();
    }
  }
  if (run_id.empty()) run_id = NewRunId();
  json run_state = {{"run_id", run_id},
                    {"pipeline", config.name},
                    {"status", "running"},
                    {"started_at", IsoNow()}};
  Status written = AtomicFile::WriteWhole(root + "/" + kRunStateFile, run_state.dump(2) + "\n");
  if (!written.ok()) {
    *kind = FailureKind::kDestination;
    return written;
  }

  recorder.Edit([&](RunRecord& record) {
    record.run_id = run_id;
    record.pipeline = config.name;
    record.config_file = config.file;
    record.destination = RedactUrl(config.destination);
    record.started_at = IsoNow();
    record.memory_budget_bytes = budget.limit();
    record.resumed = resumed;
    for (const auto& table : prepared.tables) {
      TableRecord rec;
      rec.name = table.config->name;
      rec.source_table = table.extract->source().display_name();
      rec.dir = table.extract->dir();
      rec.estimated_rows = table.estimated_rows;
      rec.shard = options.shard.ToString();
      record.tables.push_back(rec);
    }
  });
  // 100 ms samples: fine enough to show a chunk's memory pattern on a short run.
  recorder.StartSampling(100, [&budget] { return budget.reserved(); });
  LiveDisplay display(&recorder);
  if (options.live_progress && !options.quiet) display.Start();

  Scheduler scheduler(config, options, &prepared, &recorder, &budget, &webhook, run_id);
  scheduler.Begin();
  scheduler.Run();
  *kind = scheduler.worst();
  display.Stop();

  bool tables_ok = true;
  recorder.Edit([&](RunRecord& record) {
    for (const auto& table : record.tables) tables_ok = tables_ok && table.status == "succeeded";
  });
  if (tables_ok && *kind == FailureKind::kNone) {
    for (const auto& table : prepared.tables) (void)table;
  }
  bool all_selected = options.only_tables.empty() && !options.shard.enabled();
  if (tables_ok && !options.skip_transforms && (all_selected || options.transforms_only)) {
    Status transformed = RunTransforms(config, &recorder, &scheduler, options.quiet);
    if (!transformed.ok()) {
      tables_ok = false;
      // The store failing or returning bad bytes (remote inputs/outputs) is the destination's.
      bool destination = KindOfStatus(transformed) == FailureKind::kDestination ||
                         transformed.code() == StatusCode::kUnavailable ||
                         transformed.code() == StatusCode::kCorruption;
      if (*kind == FailureKind::kNone)
        *kind = destination ? FailureKind::kDestination : FailureKind::kConfig;
    }
  }
  recorder.StopSampling();
  RunRecord record = recorder.Snapshot();
  record.elapsed_seconds = recorder.Now();
  record.peak_rss_bytes = PeakRssBytes();
  record.peak_reserved_bytes = budget.peak();
  record.status = tables_ok ? "succeeded" : "failed";
  if (tables_ok && *kind != FailureKind::kNone) record.status = "failed";

  // The pipeline manifest (written last, when everything succeeded) lists every table manifest.
  run_state["status"] = record.status;
  run_state["finished_at"] = IsoNow();
  (void)AtomicFile::WriteWhole(root + "/" + kRunStateFile, run_state.dump(2) + "\n");
  if (record.status == "succeeded" && all_selected) {
    json tables = json::array();
    for (const auto& table : record.tables) {
      tables.push_back({{"table", table.name},
                        {"manifest", table.name + "/_manifest.json"},
                        {"rows", table.rows},
                        {"bytes", table.bytes},
                        {"files", table.files.size()}});
    }
    json manifest = {{"run_id", run_id},
                     {"pipeline", config.name},
                     {"finished_at", IsoNow()},
                     {"tables", tables}};
    Status status = AtomicFile::WriteWhole(root + "/" + kPipelineManifest, manifest.dump(2) + "\n");
    if (!status.ok() && *kind == FailureKind::kNone) *kind = FailureKind::kDestination;
  }
  if (record.status == "succeeded") {
    scheduler.SendSuccessAlert(record);
    record.alert_errors = recorder.Snapshot().alert_errors;
  }
  return record;
}

}  // namespace sluice::runner::pipeline

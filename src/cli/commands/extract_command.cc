// `sluice extract`: one table (or --query) from MySQL/MariaDB into DIR/TABLE/part-*.parquet plus
// DIR/TABLE/_manifest.json. The work is done by runner::RunExtract; this file maps flags to
// ExtractOptions and prints the summary (JSON with --json) or a one-line error.
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "common/redact.h"
#include "runner/chunk_validation.h"
#include "runner/extract_job.h"
#include "runner/remote_extract.h"
#include "runner/snapshot_extract.h"
#include "sluice/object_store.h"
#include "sluice/parquet_writer.h"
#include "source/mysql/connection_url.h"

namespace sluice::cli {
namespace {

struct ExtractFlags {
  std::string source;
  std::string table;
  std::string dest;
  std::string mode = "balanced";
  std::string key;
  int64_t chunk_rows = 500'000;
  int64_t chunk_keys = 20'000;
  std::string file_bytes;
  int64_t fetch_rows = 2'000;
  int jobs = 1;
  std::string memory_limit = "256MB";
  std::string where;
  std::vector<std::string> columns;
  std::string query;
  std::vector<std::string> casts;
  std::string contract;
  std::string contract_table;
  bool tinyint1_as_bool = false;
  bool strict = false;
  int retries = 3;
  std::string compression = "zstd";
  std::string password_file;
  std::string protocol = "binary";
  int net_timeout = 600;
  bool restart = false;
  bool snapshot = false;
  bool json = false;
  std::string spool;
  std::string max_local_disk;
};

Result<int64_t> ParseByteSize(const std::string& text, const std::string& flag = "--memory-limit");

/// "256MB", "1GB", "64MiB", "512k", "1048576" -> bytes (binary units: 1MB = 2^20 bytes).
Result<int64_t> ParseByteSize(const std::string& text, const std::string& flag) {
  int64_t number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number <= 0) {
    return Status::InvalidArgument(flag + " '" + text + "': expected a size like 256MB");
  }
  std::string unit(ptr, text.data() + text.size());
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    shift = 30;
  } else {
    return Status::InvalidArgument(flag + " '" + text + "': unknown unit '" + unit + "'");
  }
  return number << shift;
}

std::vector<std::string> SplitColumns(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& value : values) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      std::string item =
          value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())))
        item.erase(0, 1);
      while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())))
        item.pop_back();
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

Result<runner::ExtractOptions> BuildOptions(const ExtractFlags& flags) {
  runner::ExtractOptions options;
  SLUICE_ASSIGN_OR_RETURN(options.url, mysql::ParseConnectionUrl(flags.source));
  SLUICE_RETURN_IF_ERROR(mysql::ResolvePassword(&options.url, flags.password_file));
  if (flags.table.empty() && flags.query.empty()) {
    return Status::InvalidArgument("--table is required (with --query it names the output)");
  }
  if (flags.net_timeout < 1) return Status::InvalidArgument("--net-timeout must be at least 1");
  options.connection.net_timeout_seconds = flags.net_timeout;
  options.source.table = flags.table;
  options.source.query = flags.query;
  options.source.columns = SplitColumns(flags.columns);
  options.source.key = flags.key;
  options.source.where = flags.where;
  options.source.mapping.tinyint1_as_bool = flags.tinyint1_as_bool;
  // One --cast flag, two kinds (docs/contracts.md): with a FORMAT/ON_ERROR field, `=drop` or
  // `=rename:NEW` it is a value cast applied to each batch (casts.h); otherwise a catalog type
  // override (the server's value read as that type).
  std::vector<std::string> type_overrides;
  runner::ValidationConfig validation;
  for (const auto& flag : flags.casts) {
    if (runner::IsValueCast(flag)) {
      SLUICE_ASSIGN_OR_RETURN(CastSpec cast, ParseCastSpec(flag));
      validation.casts.push_back(std::move(cast));
    } else {
      type_overrides.push_back(flag);
    }
  }
  SLUICE_RETURN_IF_ERROR(mysql::ParseCastSpecs(type_overrides, &options.source.mapping.casts));
  if (!flags.contract.empty() || !validation.casts.empty()) {
    validation.contract_path = flags.contract;
    validation.contract_table = flags.contract_table;
    validation.report_text = &std::cerr;
    SLUICE_ASSIGN_OR_RETURN(options.transform, runner::MakeValidationFactory(validation));
  } else if (!flags.contract_table.empty()) {
    return Status::InvalidArgument("--contract-table needs --contract");
  }
  SLUICE_ASSIGN_OR_RETURN(options.source.mode, source::ParsePartitionMode(flags.mode));
  options.dest = flags.dest;
  options.output_name = flags.table.empty() ? "query" : "";
  if (!flags.query.empty() && !flags.table.empty()) options.output_name = flags.table;
  SLUICE_ASSIGN_OR_RETURN(options.protocol, mysql::ParseProtocol(flags.protocol));
  options.chunk_rows = flags.chunk_rows;
  options.chunk_keys = flags.chunk_keys;
  if (!flags.file_bytes.empty()) {
    SLUICE_ASSIGN_OR_RETURN(options.file_bytes, ParseByteSize(flags.file_bytes, "--file-bytes"));
  }
  options.fetch_rows = flags.fetch_rows;
  options.jobs = flags.jobs;
  // One connection: cut balanced chunks while streaming instead of walking the index first.
  options.plan_while_streaming = true;
  SLUICE_ASSIGN_OR_RETURN(options.memory_limit_bytes, ParseByteSize(flags.memory_limit));
  options.strict = flags.strict;
  options.retries = flags.retries;
  options.restart = flags.restart;
  SLUICE_ASSIGN_OR_RETURN(options.writer.compression, ParseCompression(flags.compression));
  options.writer_factory = [](const std::string& path, const Schema& schema,
                              const ParquetWriterOptions& writer_options) {
    return ParquetFileWriter::Open(path, schema, writer_options);
  };
  if (const char* delay = std::getenv("SLUICE_DEBUG_BATCH_DELAY_MS"); delay != nullptr) {
    options.debug_batch_delay_ms = std::atoi(delay);
  }
  return options;
}

int Run(const ExtractFlags& flags, CLI::App* command) {
  auto options = BuildOptions(flags);
  if (!options.ok()) {
    std::cerr << "sluice extract: error: " << RedactUrl(options.status().ToString()) << "\n";
    return kExitUsage;
  }
  options->source.mode_explicit = command->count("--mode") > 0;
  // An object-store destination: the extract runs into a local spool, each committed part is
  // uploaded while the next chunks are extracted, and the manifest is published last.
  std::unique_ptr<runner::RemoteExtract> remote;
  if (IsObjectStoreUrl(flags.dest)) {
    runner::RemoteExtractOptions remote_options;
    remote_options.dest = flags.dest;
    remote_options.spool = flags.spool;
    remote_options.restart = flags.restart;
    remote_options.log = &std::cerr;
    Status parsed;
    if (!flags.max_local_disk.empty()) {
      auto limit = ParseByteSize(flags.max_local_disk, "--max-local-disk");
      parsed = limit.status();
      if (limit.ok()) remote_options.max_local_bytes = *limit;
    }
    auto made = parsed.ok() ? runner::RemoteExtract::Begin(remote_options, &*options)
                            : Result<std::unique_ptr<runner::RemoteExtract>>(parsed);
    if (!made.ok()) {
      std::cerr << "sluice extract: error: " << RedactUrl(made.status().ToString()) << "\n";
      return made.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitError;
    }
    remote = std::move(made).value();
  } else if (!flags.spool.empty() || !flags.max_local_disk.empty()) {
    std::cerr << "sluice extract: error: --spool and --max-local-disk need an s3:// or gs:// "
                 "--dest\n";
    return kExitUsage;
  }
  auto summary = flags.snapshot ? runner::RunSnapshotExtract(*options, &std::cerr)
                                : runner::RunExtract(*options);
  if (summary.ok() && remote) {
    auto published = remote->Publish(*summary);
    if (!published.ok()) {
      std::cerr << "sluice extract: error: publishing to " << RedactUrl(flags.dest) << ": "
                << RedactUrl(published.status().ToString()) << "\n";
      return kExitError;
    }
    std::cerr << "sluice extract: " << *published << "\n";
    summary->table_dir = remote->table_url();
  }
  if (!summary.ok() && remote && summary.status().code() == StatusCode::kValidationFailed) {
    // No manifest, but the report and the rejected rows are where the user looks for them.
    auto uploaded = remote->UploadValidation();
    if (uploaded.ok()) {
      for (const auto& key : *uploaded) {
        std::cerr << "sluice extract: uploaded " << remote->store()->DisplayName(key) << "\n";
      }
    } else {
      remote->KeepSpool();
      std::cerr << "sluice extract: the validation report and rejected rows stay in "
                << remote->spool() << " (upload failed: " << RedactUrl(uploaded.status().ToString())
                << ")\n";
    }
  }
  if (!summary.ok()) {
    std::cerr << "sluice extract: error: " << RedactUrl(summary.status().ToString()) << "\n";
    StatusCode code = summary.status().code();
    if (code == StatusCode::kValidationFailed) return kExitValidationFailed;
    return code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound ? kExitUsage
                                                                                 : kExitError;
  }
  if (flags.json) {
    std::cout << runner::SummaryJson(*summary) << std::endl;
  } else {
    std::cout << "extracted " << summary->table << ": " << summary->total_rows << " rows in "
              << summary->chunks.size() << " chunks (" << summary->chunks_reused << " reused) to "
              << summary->table_dir << " in " << summary->elapsed_seconds << " s, peak RSS "
              << (summary->peak_rss_bytes >> 20) << " MiB\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterExtractCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ExtractFlags>();
  CLI::App* cmd = app.add_subcommand(
      "extract", "Stream a MySQL/MariaDB table into Parquet files (DIR/TABLE/part-*.parquet)");
  cmd->add_option("--source", flags->source,
                  "mysql://USER[:PASSWORD]@HOST[:PORT]/DB[?ssl-mode=...&socket=...]")
      ->required();
  cmd->add_option("--table", flags->table, "Table to extract (NAME or DB.NAME)");
  cmd->add_option("--dest", flags->dest,
                  "Output directory, or s3://BUCKET/PREFIX or gs://BUCKET/PREFIX (files go to "
                  "PREFIX/TABLE/, uploaded while the next chunks are extracted; manifest last)")
      ->required();
  cmd->add_option(
      "--spool", flags->spool,
      "Object-store --dest: local directory for files awaiting upload (default: a "
      "temporary directory, removed at the end); a rerun with the same --spool reuses the plan "
      "and sends no part that is already stored");
  cmd->add_option("--max-local-disk", flags->max_local_disk,
                  "Object-store --dest: most bytes of part files waiting for upload in the "
                  "spool (e.g. 2GB); extraction waits when it is full (default: no limit)");
  cmd->add_option("--mode", flags->mode, "Partitioning: balanced (default), range or scan");
  cmd->add_option("--key", flags->key,
                  "Partition key: an integer, DATE or DATETIME column (default: integer PK)");
  cmd->add_option("--chunk-rows", flags->chunk_rows,
                  "balanced: rows per chunk; scan: rows per file (default 500000)");
  cmd->add_option("--chunk-keys", flags->chunk_keys,
                  "range: key values per chunk (days for DATE, seconds for DATETIME)");
  cmd->add_option("--file-bytes", flags->file_bytes,
                  "scan: also close a file once its Parquet bytes reach SIZE (e.g. 256MB, at "
                  "least 1MB), whichever of --chunk-rows and SIZE comes first; for wide rows "
                  "(BLOB/TEXT). Not for range/balanced: their chunks are sized by --chunk-rows / "
                  "--chunk-keys, so that --jobs N writes the same files as --jobs 1");
  cmd->add_option("--fetch-rows", flags->fetch_rows, "Rows per batch from the server (2000)");
  cmd->add_option("--jobs", flags->jobs, "Parallel connections (1)");
  cmd->add_option("--memory-limit", flags->memory_limit, "Memory budget, e.g. 256MB (default)");
  cmd->add_option("--where", flags->where, "Extra SQL filter");
  cmd->add_option("--columns", flags->columns, "Columns to extract (comma-separated)");
  cmd->add_option("--query", flags->query, "Extract an arbitrary SELECT (scan mode)");
  cmd->add_option(
      "--cast", flags->casts,
      "Repeatable. COLUMN=TYPE: catalog type override, the server's value read as TYPE (string, "
      "binary, json, int32, int64, uint64, bool, float, double, date, datetime, timestamp, time, "
      "decimal(p,s)); a bad value fails the chunk. COLUMN=TYPE:[FORMAT:]ON_ERROR (or with a "
      "FORMAT), COLUMN=drop, COLUMN=rename:NEW: value cast of a text column applied while "
      "streaming (TYPE string, int32, int64, double, decimal(p,s), date, timestamp; FORMAT "
      "plain|comma|dot_comma or a %Y-%m-%d pattern; ON_ERROR fail|null|quarantine, quarantined "
      "rows go to TABLE/_rejects/). See docs/contracts.md");
  cmd->add_option("--contract", flags->contract,
                  "Data contract YAML (docs/contracts.md): its casts and checks are applied as "
                  "rows stream; report in TABLE/_validation.json and on stderr; a failed "
                  "contract writes no manifest and exits 3");
  cmd->add_option("--contract-table", flags->contract_table,
                  "Contract section to use (default: the table's name, else the only section)");
  cmd->add_flag("--tinyint1-as-bool", flags->tinyint1_as_bool, "Map TINYINT(1) to BOOLEAN");
  cmd->add_flag("--strict", flags->strict, "Fail on zero dates instead of writing NULL");
  cmd->add_option("--retries", flags->retries, "Retries of a chunk after a lost connection (3)");
  cmd->add_option("--compression", flags->compression, "zstd (default), snappy, gzip, lz4, none");
  cmd->add_option("--password-file", flags->password_file,
                  "File whose first line is the password (else SLUICE_MYSQL_PASSWORD)");
  cmd->add_option("--protocol", flags->protocol, "binary (default, faster) or text");
  cmd->add_option("--net-timeout", flags->net_timeout,
                  "Session net_read/net_write_timeout in seconds (600)");
  cmd->add_flag("--restart", flags->restart, "Discard an earlier extract in DIR/TABLE first");
  cmd->add_flag("--snapshot", flags->snapshot,
                "Read every chunk as of one instant (a consistent snapshot shared by the --jobs "
                "connections; needs the LOCK TABLES privilege). A lost connection restarts the "
                "table with a new snapshot; never resumes an earlier run");
  cmd->add_flag("--json", flags->json, "Print the summary as JSON");
  cmd->callback([flags, exit_code, cmd]() { *exit_code = Run(*flags, cmd); });
}

}  // namespace sluice::cli

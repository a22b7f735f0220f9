// `sluice query "SQL" [--memory-limit SIZE] [--threads N] [--out FILE.parquet|FILE.csv]
//  [--format table|csv|jsonl] [--stats]`: runs SQL over Parquet files (read_parquet('glob') or a
// directory) with the streaming engine in src/engine, spilling to disk past --memory-limit.
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "cli/commands/commands.h"
#include "engine/query_engine.h"

namespace sluice::cli {

namespace {

struct QueryOptionsCli {
  std::string sql;
  std::string memory_limit = "1GB";
  int threads = 0;
  std::string out;
  std::string format = "table";
  std::string spill_dir;
  std::vector<std::string> tables;  // name=location
  bool stats = false;
};

bool EndsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status RunQuery(const QueryOptionsCli& opts) {
  engine::QueryOptions options;
  SLUICE_ASSIGN_OR_RETURN(options.memory_limit_bytes, engine::ParseByteSize(opts.memory_limit));
  options.threads = opts.threads > 0
                        ? opts.threads
                        : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  options.spill_dir = opts.spill_dir;
  engine::QueryEngine query_engine(options);
  for (const auto& table : opts.tables) {
    size_t eq = table.find('=');
    if (eq == std::string::npos)
      return Status::InvalidArgument("--table wants NAME=PATH, got '" + table + "'");
    SLUICE_RETURN_IF_ERROR(query_engine.RegisterTable(table.substr(0, eq), table.substr(eq + 1)));
  }
  engine::OutputFormat format;
  if (opts.format == "table") {
    format = engine::OutputFormat::kTable;
  } else if (opts.format == "csv") {
    format = engine::OutputFormat::kCsv;
  } else if (opts.format == "jsonl") {
    format = engine::OutputFormat::kJsonl;
  } else {
    return Status::InvalidArgument("--format must be table, csv or jsonl, got '" + opts.format +
                                   "'");
  }
  std::unique_ptr<engine::ResultSink> sink;
  std::ofstream file;
  if (!opts.out.empty()) {
    if (EndsWith(opts.out, ".parquet")) {
      sink = engine::MakeParquetSink(opts.out);
    } else {
      file.open(opts.out, std::ios::binary | std::ios::trunc);
      if (!file) return Status::IoError("cannot open " + opts.out + " for writing");
      sink = engine::MakeTextSink(
          EndsWith(opts.out, ".jsonl") ? engine::OutputFormat::kJsonl : engine::OutputFormat::kCsv,
          &file);
    }
  } else {
    sink = engine::MakeTextSink(format, &std::cout);
  }
  engine::QueryStats stats;
  SLUICE_RETURN_IF_ERROR(query_engine.Execute(opts.sql, sink.get(), &stats));
  if (opts.stats) {
    std::cerr << "rows=" << stats.rows << " spilled_bytes=" << stats.spilled_bytes
              << " peak_reserved_bytes=" << stats.peak_reserved_bytes
              << " row_groups_read=" << stats.row_groups_read
              << " row_groups_skipped=" << stats.row_groups_skipped << "\n";
  }
  return Status::OK();
}

}  // namespace

void RegisterQueryCommand(CLI::App& app, int* exit_code) {
  auto opts = std::make_shared<QueryOptionsCli>();
  CLI::App* cmd = app.add_subcommand("query", "Run SQL over Parquet files (read_parquet('glob'))");
  cmd->add_option("sql", opts->sql, "The query (SELECT ... / EXPLAIN SELECT ...)")->required();
  cmd->add_option("--memory-limit", opts->memory_limit,
                  "Budget for joins, aggregates and sorts before they spill (e.g. 512MB, 2GB)");
  cmd->add_option("--threads", opts->threads, "Scan threads (default: all cores)");
  cmd->add_option("--out", opts->out, "Write the result to FILE.parquet, FILE.csv or FILE.jsonl");
  cmd->add_option("--format", opts->format, "Output to stdout as table, csv or jsonl");
  cmd->add_option("--spill-dir", opts->spill_dir, "Directory for spill files (default: $TMPDIR)");
  cmd->add_option("--table", opts->tables, "Register NAME=PATH (glob or directory) as a table");
  cmd->add_flag("--stats", opts->stats, "Print execution statistics to stderr");
  cmd->callback([opts, exit_code] {
    Status st = RunQuery(*opts);
    if (!st.ok()) {
      std::cerr << "sluice query: " << st.ToString() << "\n";
      *exit_code = st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitError;
      return;
    }
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

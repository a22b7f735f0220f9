// `sluice cat FILE [--columns a,b] [--limit N]`: rows as JSON lines, losslessly (see
// src/common/value_format.h for the forms), reading only the requested column chunks and one
// row group at a time.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "common/value_format.h"
#include "sluice/parquet_reader.h"

namespace sluice::cli {

namespace {

Status RunCat(const std::string& path, const std::vector<std::string>& names, int64_t limit,
              bool verify_crc) {
  ParquetReaderOptions options;
  options.verify_page_crc = verify_crc;
  SLUICE_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(path, options));
  const Schema& schema = reader->schema();
  std::vector<int> columns;
  if (names.empty()) {
    for (int col = 0; col < schema.num_columns(); ++col) columns.push_back(col);
  } else {
    for (const auto& name : names) {
      int idx = schema.FindColumn(name);
      if (idx < 0) return Status::NotFound("column '" + name + "' is not in " + path);
      columns.push_back(idx);
    }
  }
  std::vector<std::string> keys;
  for (int col : columns) {
    std::string key;
    AppendJsonString(schema.columns[static_cast<size_t>(col)].name, &key);
    keys.push_back(key + ":");
  }
  int64_t printed = 0;
  std::string line;
  for (int rg = 0; rg < reader->num_row_groups(); ++rg) {
    if (limit >= 0 && printed >= limit) break;
    SLUICE_ASSIGN_OR_RETURN(ColumnBatch batch, reader->ReadRowGroup(rg, columns));
    for (int64_t row = 0; row < batch.num_rows(); ++row) {
      if (limit >= 0 && printed >= limit) break;
      line.clear();
      line.push_back('{');
      for (size_t idx = 0; idx < columns.size(); ++idx) {
        if (idx > 0) line.push_back(',');
        line += keys[idx];
        AppendJsonValue(schema.columns[static_cast<size_t>(columns[idx])],
                        batch.column(static_cast<int>(idx)), row, &line);
      }
      line += "}\n";
      std::cout << line;
      ++printed;
    }
  }
  std::cout.flush();
  if (!std::cout) return Status::IoError("writing to standard output failed");
  return Status::OK();
}

}  // namespace

void RegisterCatCommand(CLI::App& app, int* exit_code) {
  struct Options {
    std::string path;
    std::vector<std::string> columns;
    int64_t limit = -1;
    bool no_verify_crc = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("cat", "Print the rows of a Parquet file as JSON lines");
  cmd->add_option("file", opts->path, "Parquet file")->required();
  cmd->add_option("--columns", opts->columns, "Columns to print (comma-separated)")->delimiter(',');
  cmd->add_option("--limit", opts->limit, "Print at most N rows");
  cmd->add_flag("--no-verify-crc", opts->no_verify_crc, "Skip page CRC verification");
  cmd->callback([opts, exit_code] {
    Status st = RunCat(opts->path, opts->columns, opts->limit, !opts->no_verify_crc);
    if (!st.ok()) {
      std::cerr << "sluice cat: " << st.ToString() << "\n";
      *exit_code = kExitError;
      return;
    }
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

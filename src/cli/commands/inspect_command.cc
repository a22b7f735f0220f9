// `sluice inspect FILE [--json]`: the footer of a Parquet file (schema with physical and logical
// types, row groups, column chunks with encodings, codec, sizes and statistics).
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands/commands.h"
#include "sluice/parquet_reader.h"

namespace sluice::cli {

void RegisterInspectCommand(CLI::App& app, int* exit_code) {
  struct Options {
    std::string path;
    bool json = false;
  };
  auto opts = std::make_shared<Options>();
  CLI::App* cmd = app.add_subcommand("inspect",
                                     "Show the schema, row groups and statistics of a "
                                     "Parquet file");
  cmd->add_option("file", opts->path, "Parquet file")->required();
  cmd->add_flag("--json", opts->json, "Print JSON instead of text");
  cmd->callback([opts, exit_code] {
    auto reader = ParquetFileReader::Open(opts->path);
    if (!reader.ok()) {
      std::cerr << "sluice inspect: " << reader.status().ToString() << "\n";
      *exit_code = kExitError;
      return;
    }
    std::cout << (opts->json ? (*reader)->DescribeJson() + "\n" : (*reader)->DescribeText());
    *exit_code = kExitOk;
  });
}

}  // namespace sluice::cli

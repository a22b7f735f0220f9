// `sluice ls URL`: lists the objects under s3://, gs:// or a local directory, one per line
// ("SIZE KEY"), or as a JSON array with --json (key, size, md5, crc32c when known).
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands/commands.h"
#include "common/redact.h"
#include "sluice/object_store.h"

namespace sluice::cli {
namespace {

struct LsFlags {
  std::string url;
  bool json = false;
};

int Run(const LsFlags& flags) {
  auto store = ObjectStore::Open(flags.url);
  Status status = store.status();
  if (store.ok()) {
    auto objects = (*store)->List("");
    status = objects.status();
    if (objects.ok()) {
      if (flags.json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& info : *objects) {
          nlohmann::json entry = {{"key", info.key}, {"size", info.size}};
          if (!info.md5_hex.empty()) entry["md5"] = info.md5_hex;
          if (!info.crc32c_hex.empty()) entry["crc32c"] = info.crc32c_hex;
          out.push_back(entry);
        }
        std::cout << out.dump(2) << std::endl;
      } else {
        for (const auto& info : *objects) std::cout << info.size << "\t" << info.key << "\n";
      }
      return kExitOk;
    }
  }
  std::cerr << "sluice ls: error: " << Redact(status.ToString()) << "\n";
  return status.code() == StatusCode::kInvalidArgument || status.code() == StatusCode::kNotFound
             ? kExitUsage
             : kExitError;
}

}  // namespace

void RegisterLsCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<LsFlags>();
  CLI::App* cmd = app.add_subcommand("ls", "List objects under s3://, gs:// or a local directory");
  cmd->add_option("URL", flags->url, "s3://BUCKET/PREFIX, gs://BUCKET/PREFIX or a local path")
      ->required();
  cmd->add_flag("--json", flags->json, "Print a JSON array");
  cmd->callback([flags, exit_code]() { *exit_code = Run(*flags); });
}

}  // namespace sluice::cli

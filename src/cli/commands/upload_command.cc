// `sluice upload LOCAL_DIR URL`: publishes extracted table directories (DIR/TABLE/ with a
// _manifest.json, or DIR itself) to s3://, gs:// or a local directory, through
// storage::PublishTable: verified parts first, _manifest.json last, resume by checksum, stale
// objects removed. Prints one line per table (JSON with --json) or a one-line error.
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands/commands.h"
#include "common/redact.h"
#include "sluice/object_store.h"
#include "storage/object_url.h"
#include "storage/table_publisher.h"

namespace sluice::cli {
namespace {

struct UploadFlags {
  std::string local_dir;
  std::string url;
  bool delete_local = false;
  int retries = 5;
  int parallel = 4;
  bool json = false;
};

int ExitFor(const Status& status) {
  StatusCode code = status.code();
  if (IsConflict(status)) return kExitError;  // another run published meanwhile: not usage
  return code == StatusCode::kInvalidArgument || code == StatusCode::kNotFound ? kExitUsage
                                                                               : kExitError;
}

int Run(const UploadFlags& flags) {
  ObjectStoreOptions options;
  options.retries = flags.retries;
  options.parallel_parts = flags.parallel;
  auto store = ObjectStore::Open(flags.url, options);
  if (!store.ok()) {
    std::cerr << "sluice upload: error: " << Redact(store.status().ToString()) << "\n";
    return ExitFor(store.status());
  }
  auto tables = storage::FindTableDirs(flags.local_dir);
  if (!tables.ok()) {
    std::cerr << "sluice upload: error: " << tables.status().ToString() << "\n";
    return ExitFor(tables.status());
  }
  nlohmann::json out = nlohmann::json::array();
  for (const std::string& dir : *tables) {
    std::string name = dir;
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    name =
        name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
    storage::PublishOptions publish;
    publish.delete_local = flags.delete_local;
    publish.parallel_files = flags.parallel;
    publish.on_warning = [](const std::string& text) {
      std::cerr << "sluice upload: warning: " << Redact(text) << "\n";
    };
    auto report = storage::PublishTable(store->get(), dir, name, publish);
    if (!report.ok()) {
      std::cerr << "sluice upload: error: table " << name << ": "
                << Redact(report.status().ToString()) << "\n";
      return ExitFor(report.status());
    }
    std::string dest = (*store)->DisplayName(name);
    if (flags.json) {
      out.push_back({{"table", name},
                     {"dest", dest},
                     {"files_uploaded", report->files_uploaded},
                     {"files_skipped", report->files_skipped},
                     {"bytes_uploaded", report->bytes_uploaded},
                     {"stale_deleted", report->stale_deleted},
                     {"pending_aborted", report->pending_aborted},
                     {"local_deleted", report->local_deleted}});
    } else {
      std::cout << "published " << name << " to " << dest << ": " << report->files_uploaded
                << " uploaded (" << report->bytes_uploaded << " bytes), " << report->files_skipped
                << " already there, " << report->stale_deleted << " stale removed\n";
    }
  }
  if (flags.json) {
    ObjectStoreStats stats = (*store)->stats();
    std::cout << nlohmann::json{{"tables", out},
                                {"requests", stats.requests},
                                {"retries", stats.retries}}
                     .dump(2)
              << std::endl;
  }
  return kExitOk;
}

}  // namespace

void RegisterUploadCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<UploadFlags>();
  CLI::App* cmd = app.add_subcommand(
      "upload",
      "Publish extracted tables (DIR/TABLE/ with _manifest.json) to s3://, gs:// or a directory");
  cmd->add_option("LOCAL_DIR", flags->local_dir, "A table directory, or a directory of them")
      ->required();
  cmd->add_option("URL", flags->url, "s3://BUCKET/PREFIX, gs://BUCKET/PREFIX or a local path")
      ->required();
  cmd->add_flag("--delete-local", flags->delete_local,
                "Delete each local part file after its verified upload");
  cmd->add_option("--retries", flags->retries, "Retries per request on transient errors (5)");
  cmd->add_option("--parallel", flags->parallel, "Parallel uploads (4)");
  cmd->add_flag("--json", flags->json, "Print a JSON report");
  cmd->callback([flags, exit_code]() { *exit_code = Run(*flags); });
}

}  // namespace sluice::cli

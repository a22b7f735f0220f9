// `sluice validate --contract FILE [--table NAME] [--json] [--apply-casts] [--output DIR]
//  [--report FILE] PATH...`: checks existing Parquet files (or every part file of a table
// directory) against a contract with the same streaming engine extract uses, and prints a
// Pandera-style report: every failed check with its failure count and samples.
//
// With --apply-casts (implied by --output) the contract's casts are applied to the files as read
// (raw text columns), quarantined rows are counted, and with --output DIR the cast rows are
// written to DIR/part-NNNNN.parquet (published only when the contract passes), rejected rows to
// DIR/_rejects/part-NNNNN.parquet, and the report to DIR/_validation.json.
// Exit codes: 0 passed, 3 validation failed, 2 bad command line or contract, 1 other errors.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands/commands.h"
#include "common/atomic_file.h"
#include "sluice/parquet_reader.h"
#include "sluice/parquet_writer.h"
#include "sluice/validate.h"

namespace sluice::cli {

namespace {

namespace fs = std::filesystem;

struct ValidateFlags {
  std::string contract;
  std::string table;
  std::vector<std::string> paths;
  bool json = false;
  bool apply_casts = false;
  std::string output;
  std::string report;
  int max_samples = 5;
  int64_t unique_memory_mb = 64;
  std::string spill_dir;
};

// The Parquet files named by `paths`: files as given; for a directory, its *.parquet files
// (not _-prefixed such as _rejects, not temporary names), sorted.
Result<std::vector<std::string>> ExpandPaths(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, ec)) {
        std::string name = entry.path().filename().string();
        if (!entry.is_regular_file() || !name.ends_with(".parquet") || name.starts_with("_") ||
            name.starts_with(".") || AtomicFile::IsTemporaryName(name)) {
          continue;
        }
        found.push_back(entry.path().string());
      }
      if (ec) return Status::IoError(path + ": " + ec.message());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      return Status::NotFound(path + ": no such file or directory");
    }
  }
  if (files.empty()) return Status::NotFound("no Parquet files in the given paths");
  return files;
}

std::string PartName(size_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05zu.parquet", index);
  return name;
}

Result<bool> RunValidate(const ValidateFlags& flags) {
  SLUICE_ASSIGN_OR_RETURN(Contract contract, Contract::Load(flags.contract));
  SLUICE_ASSIGN_OR_RETURN(std::vector<std::string> files, ExpandPaths(flags.paths));
  std::string table_name = flags.table;
  if (table_name.empty() && contract.tables.size() > 1 && flags.paths.size() == 1) {
    // A table directory names its table.
    table_name = fs::path(flags.paths[0]).lexically_normal().filename().string();
    if (table_name.empty()) table_name = fs::path(flags.paths[0]).parent_path().filename().string();
  }
  SLUICE_ASSIGN_OR_RETURN(const TableContract* table, contract.Select(table_name));

  SLUICE_ASSIGN_OR_RETURN(auto first, ParquetFileReader::Open(files[0]));
  const Schema source_schema = first->schema();
  first.reset();
  const bool apply_casts = flags.apply_casts || !flags.output.empty();
  SLUICE_ASSIGN_OR_RETURN(CastPlan plan,
                          CastPlan::Make(apply_casts ? table->casts : std::vector<CastSpec>{},
                                         source_schema, apply_casts ? table->key : ""));
  ValidatorOptions options;
  options.max_samples = flags.max_samples;
  options.unique_memory_bytes = flags.unique_memory_mb << 20;
  options.spill_dir = flags.spill_dir;
  SLUICE_ASSIGN_OR_RETURN(auto validator,
                          ContractValidator::Make(*table, plan.output_schema(), options));

  std::vector<std::unique_ptr<ParquetFileWriter>> outputs;
  auto abort_outputs = [&outputs] {
    for (auto& writer : outputs) writer->Abort();
  };
  if (validator->schema_ok()) {
    if (!flags.output.empty()) {
      std::error_code ec;
      fs::create_directories(flags.output, ec);
      if (ec) return Status::IoError("output directory " + flags.output + ": " + ec.message());
    }
    ColumnBatch cast;
    for (size_t file_idx = 0; file_idx < files.size(); ++file_idx) {
      const std::string& file = files[file_idx];
      auto reader = ParquetFileReader::Open(file);
      if (!reader.ok()) {
        abort_outputs();
        return reader.status();
      }
      if (!((*reader)->schema() == source_schema)) {
        abort_outputs();
        return Status::InvalidArgument(file + ": schema differs from " + files[0] + " (" +
                                       (*reader)->schema().ToCanonicalString() + " vs " +
                                       source_schema.ToCanonicalString() + ")");
      }
      std::unique_ptr<RejectFileWriter> rejects;
      if (!flags.output.empty()) {
        SLUICE_ASSIGN_OR_RETURN(
            rejects,
            RejectFileWriter::Open(RejectsPath(flags.output, PartName(file_idx)), source_schema));
        auto writer = ParquetFileWriter::Open(flags.output + "/" + PartName(file_idx),
                                              plan.output_schema(), ParquetWriterOptions{});
        if (!writer.ok()) {
          abort_outputs();
          return writer.status();
        }
        outputs.push_back(std::move(*writer));
      }
      std::vector<int> columns(static_cast<size_t>(source_schema.num_columns()));
      for (int col = 0; col < source_schema.num_columns(); ++col)
        columns[static_cast<size_t>(col)] = col;
      Status status;
      for (int rg = 0; status.ok() && rg < (*reader)->num_row_groups(); ++rg) {
        auto batch = (*reader)->ReadRowGroup(rg, columns);
        if (!batch.ok()) {
          status = batch.status();
          break;
        }
        const ColumnBatch* checked = &*batch;
        if (!plan.is_identity()) {
          status = plan.Apply(*batch, &cast, rejects.get(), validator->cast_stats());
          checked = &cast;
        }
        if (status.ok()) status = validator->Consume(*checked);
        if (status.ok() && !outputs.empty()) status = outputs.back()->WriteBatch(*checked);
      }
      if (status.ok() && !outputs.empty()) status = outputs.back()->FlushRowGroup();
      if (status.ok() && rejects != nullptr) status = rejects->Close();
      if (!status.ok()) {
        if (rejects != nullptr) rejects->Abort();
        abort_outputs();
        return status.WithContext(file);
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(ValidationReport report, validator->Finish());
  // Publishing rule: the table's data becomes visible only when its contract passed.
  if (report.passed()) {
    for (auto& writer : outputs) SLUICE_RETURN_IF_ERROR(writer->Close());
  } else {
    abort_outputs();
  }
  std::string report_path = flags.report;
  if (report_path.empty() && !flags.output.empty())
    report_path = flags.output + "/_validation.json";
  if (!report_path.empty()) SLUICE_RETURN_IF_ERROR(WriteValidationReport(report, report_path));
  std::cerr << report.ToText();
  if (flags.json) std::cout << report.ToJson();
  std::cout.flush();
  return report.passed();
}

int ExitCodeFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kValidationFailed:
      return kExitValidationFailed;
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotSupported:
      return kExitUsage;
    default:
      return kExitError;
  }
}

}  // namespace

void RegisterValidateCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Check Parquet files or a table directory against a contract (docs/contracts.md)");
  cmd->add_option("--contract", flags->contract, "Contract YAML file")->required();
  cmd->add_option("--table", flags->table,
                  "Contract section to use (default: the only one, or the directory name)");
  cmd->add_option("paths", flags->paths, "Parquet files or table directories")->required();
  cmd->add_flag("--json", flags->json, "Print the report as JSON on stdout");
  cmd->add_flag("--apply-casts", flags->apply_casts,
                "Apply the contract's casts to the files as read (raw text columns)");
  cmd->add_option(
      "--output", flags->output,
      "Write cast rows to DIR/part-*.parquet (only if the contract passes), rejected "
      "rows to DIR/_rejects/, the report to DIR/_validation.json; implies --apply-casts");
  cmd->add_option("--report", flags->report, "Also write the JSON report to this file");
  cmd->add_option("--max-samples", flags->max_samples, "Sample failures kept per check (5)");
  cmd->add_option("--unique-memory-mb", flags->unique_memory_mb,
                  "Memory for unique checks before spilling to disk (64)");
  cmd->add_option("--spill-dir", flags->spill_dir, "Directory for unique-check spill files");
  cmd->callback([flags, exit_code] {
    auto passed = RunValidate(*flags);
    if (!passed.ok()) {
      std::cerr << "sluice validate: " << passed.status().ToString() << "\n";
      *exit_code = ExitCodeFor(passed.status());
      return;
    }
    *exit_code = *passed ? kExitOk : kExitValidationFailed;
  });
}

}  // namespace sluice::cli

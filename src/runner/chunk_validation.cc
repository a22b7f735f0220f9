#include "runner/chunk_validation.h"

#include <filesystem>
#include <ostream>

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

constexpr const char* kReportFile = "_validation.json";

Status WriteReport(const ValidationReport& report, const std::string& table_dir,
                   std::ostream* text) {
  std::error_code ec;
  fs::create_directories(table_dir, ec);
  if (ec) return Status::IoError("cannot create " + table_dir + ": " + ec.message());
  SLUICE_RETURN_IF_ERROR(WriteValidationReport(report, table_dir + "/" + kReportFile));
  if (text != nullptr) *text << report.ToText();
  return Status::OK();
}

Status FailedStatus(const ValidationReport& report, const std::string& table_dir) {
  return Status(StatusCode::kValidationFailed, "table " + report.table + " failed its contract (" +
                                                   std::to_string(report.failures.size()) +
                                                   " failed checks); report in " + table_dir + "/" +
                                                   kReportFile + "; the manifest was not written");
}

class ValidationChunkTransform : public ChunkTransform {
 public:
  ValidationChunkTransform(const CastPlan* plan, ContractValidator* validator,
                           std::unique_ptr<ValidationChunk> chunk,
                           std::unique_ptr<RejectFileWriter> rejects)
      : plan_(plan),
        validator_(validator),
        chunk_(std::move(chunk)),
        rejects_(std::move(rejects)),
        out_(plan->output_schema()) {}
  ~ValidationChunkTransform() override {
    if (rejects_) rejects_->Abort();
  }

  Result<const ColumnBatch*> Apply(const ColumnBatch& in) override {
    SLUICE_RETURN_IF_ERROR(plan_->Apply(in, &out_, rejects_.get(), chunk_->cast_stats()));
    dropped_ += in.num_rows() - out_.num_rows();
    SLUICE_RETURN_IF_ERROR(chunk_->Consume(out_));
    return &out_;
  }
  int64_t rows_dropped() const override { return dropped_; }
  Status Commit() override {
    SLUICE_RETURN_IF_ERROR(rejects_->Close());
    rejects_.reset();
    return validator_->Commit(std::move(chunk_));
  }

 private:
  const CastPlan* plan_;
  ContractValidator* validator_;
  std::unique_ptr<ValidationChunk> chunk_;
  std::unique_ptr<RejectFileWriter> rejects_;
  ColumnBatch out_;
  int64_t dropped_ = 0;
};

class ValidationTableTransform : public TableTransform {
 public:
  ValidationTableTransform(std::shared_ptr<const TableContract> contract, CastPlan plan,
                           std::unique_ptr<ContractValidator> validator, std::string table_dir,
                           std::ostream* text)
      : contract_(std::move(contract)),
        plan_(std::move(plan)),
        validator_(std::move(validator)),
        table_dir_(std::move(table_dir)),
        text_(text) {}

  const Schema& output_schema() const override { return plan_.output_schema(); }

  Status Begin() override {
    std::error_code ec;
    fs::remove_all(table_dir_ + "/_rejects", ec);
    if (ec) return Status::IoError("cannot remove " + table_dir_ + "/_rejects: " + ec.message());
    fs::remove(table_dir_ + "/" + kReportFile, ec);
    if (ec) return Status::IoError("cannot remove " + table_dir_ + "/" + kReportFile);
    return Status::OK();
  }

  Result<std::unique_ptr<ChunkTransform>> NewChunk(const std::string& part_file) override {
    SLUICE_ASSIGN_OR_RETURN(auto rejects, RejectFileWriter::Open(RejectsPath(table_dir_, part_file),
                                                                 plan_.source_schema()));
    return std::unique_ptr<ChunkTransform>(new ValidationChunkTransform(
        &plan_, validator_.get(), validator_->NewChunk(part_file), std::move(rejects)));
  }

  Status Finish() override {
    SLUICE_ASSIGN_OR_RETURN(ValidationReport report, validator_->Finish());
    SLUICE_RETURN_IF_ERROR(WriteReport(report, table_dir_, text_));
    if (!report.passed()) return FailedStatus(report, table_dir_);
    return Status::OK();
  }

 private:
  std::shared_ptr<const TableContract> contract_;  // what the validator was made of
  CastPlan plan_;
  std::unique_ptr<ContractValidator> validator_;
  std::string table_dir_;
  std::ostream* text_;
};

std::string ShortName(const std::string& table) {
  size_t dot = table.rfind('.');
  return dot == std::string::npos ? table : table.substr(dot + 1);
}

}  // namespace

bool IsValueCast(const std::string& flag) {
  size_t eq = flag.find('=');
  if (eq == std::string::npos) return false;
  std::string value = flag.substr(eq + 1);
  return value == "drop" || value.starts_with("rename:") || value.find(':') != std::string::npos;
}

Result<TableTransformFactory> MakeValidationFactory(const ValidationConfig& config) {
  std::vector<CastSpec> cli_casts = config.casts;
  auto contract = std::make_shared<Contract>();
  if (!config.contract_path.empty()) {
    SLUICE_ASSIGN_OR_RETURN(*contract, Contract::Load(config.contract_path));
  }
  std::shared_ptr<const Contract> shared = contract;
  std::string section = config.contract_table;
  std::ostream* text = config.report_text;
  return TableTransformFactory(
      [shared, cli_casts, section, text](
          const mysql::ResolvedSource& source,
          const std::string& table_dir) -> Result<std::shared_ptr<TableTransform>> {
        auto table = std::make_shared<TableContract>();
        table->name = ShortName(source.display_name());
        if (!shared->tables.empty()) {
          // The section named like the table (or --contract-table); else the only section.
          auto found = shared->Select(section.empty() ? table->name : section);
          if (!found.ok() && section.empty()) found = shared->Select("");
          SLUICE_RETURN_IF_ERROR(found.status());
          *table = **found;
        }
        std::vector<CastSpec> casts = table->casts;
        casts.insert(casts.end(), cli_casts.begin(), cli_casts.end());
        std::string key = table->key;
        if (key.empty() && source.has_key()) key = source.key_name();
        SLUICE_ASSIGN_OR_RETURN(CastPlan plan, CastPlan::Make(casts, source.schema(), key));
        ValidatorOptions options;
        options.spill_dir = table_dir;
        options.key_column = key;
        SLUICE_ASSIGN_OR_RETURN(auto validator,
                                ContractValidator::Make(*table, plan.output_schema(), options));
        if (!validator->schema_ok()) {
          // Present/type checks failed: report now, read no rows.
          SLUICE_ASSIGN_OR_RETURN(ValidationReport report, validator->Finish());
          SLUICE_RETURN_IF_ERROR(WriteReport(report, table_dir, text));
          return FailedStatus(report, table_dir);
        }
        return std::shared_ptr<TableTransform>(new ValidationTableTransform(
            std::move(table), std::move(plan), std::move(validator), table_dir, text));
      });
}

}  // namespace sluice::runner

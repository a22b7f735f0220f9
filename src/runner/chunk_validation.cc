#include "runner/chunk_validation.h"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <ostream>
#include <thread>

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

// Casts run on the chunk's thread (their output is what the writer gets); the contract checks of
// a batch run on a helper thread while the chunk's thread fetches and casts the next one. The
// two alternate between two output batches: batch N is checked while batch N+1 is cast, and
// batch N is overwritten only at N+2, after its checks are done and the writer has taken it
// (WriteBatch copies or encodes before returning). The checks only read the batch, as does the
// writer, so both may look at it at once. With `background` false the checks run inline.
// The helper exits when no batch came for a while (a finished part file waiting for its commit,
// as in scan mode, keeps no thread), and is started again by the next batch.
class ValidationChunkTransform : public ChunkTransform {
 public:
  // Idle time after which the helper thread exits.
  static constexpr std::chrono::milliseconds kIdleExit{200};

  ValidationChunkTransform(const CastPlan* plan, ContractValidator* validator,
                           std::unique_ptr<ValidationChunk> chunk,
                           std::unique_ptr<RejectFileWriter> rejects, bool background)
      : plan_(plan),
        validator_(validator),
        chunk_(std::move(chunk)),
        rejects_(std::move(rejects)),
        background_(background),
        out_{ColumnBatch(plan->output_schema()), ColumnBatch(plan->output_schema())} {}
  ~ValidationChunkTransform() override {
    StopWorker();
    if (rejects_) rejects_->Abort();
  }

  Result<const ColumnBatch*> Apply(const ColumnBatch& in) override {
    const int slot = next_;
    next_ ^= 1;
    SLUICE_RETURN_IF_ERROR(WaitFor(slot));
    ColumnBatch& out = out_[slot];
    const int64_t in_rows = in.num_rows();
    SLUICE_RETURN_IF_ERROR(plan_->Apply(in, &out, rejects_.get(), chunk_->cast_stats()));
    dropped_ += in_rows - out.num_rows();
    if (!background_) {
      SLUICE_RETURN_IF_ERROR(chunk_->Consume(out));
      return &out;
    }
    std::unique_lock<std::mutex> lock(mu_);
    busy_[slot] = true;
    queue_[queued_++] = slot;
    if (!running_) {
      lock.unlock();
      if (worker_.joinable()) worker_.join();  // exited when idle
      lock.lock();
      running_ = true;
      worker_ = std::thread([this] { WorkerLoop(); });
    }
    lock.unlock();
    cv_.notify_all();
    return &out;
  }
  int64_t rows_dropped() const override { return dropped_; }
  Status Commit() override {
    SLUICE_RETURN_IF_ERROR(WaitFor(0));
    SLUICE_RETURN_IF_ERROR(WaitFor(1));
    StopWorker();
    SLUICE_RETURN_IF_ERROR(rejects_->Close());
    rejects_.reset();
    return validator_->Commit(std::move(chunk_));
  }

 private:
  // Waits until `slot` is not being checked; returns the helper's first error.
  Status WaitFor(int slot) {
    if (!background_) return Status::OK();
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !busy_[slot]; });
    return error_;
  }
  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      cv_.wait_for(lock, kIdleExit, [&] { return stop_ || queued_ > 0; });
      if (queued_ == 0) {  // stopped or idle, with nothing left
        running_ = false;
        return;
      }
      const int slot = queue_[0];
      queue_[0] = queue_[1];
      --queued_;
      const bool skip = !error_.ok();
      lock.unlock();
      Status status = skip ? Status::OK() : chunk_->Consume(out_[slot]);
      lock.lock();
      if (!status.ok() && error_.ok()) error_ = status;
      busy_[slot] = false;
      cv_.notify_all();
    }
  }
  void StopWorker() {
    if (!worker_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    worker_.join();
  }

  const CastPlan* plan_;
  ContractValidator* validator_;
  std::unique_ptr<ValidationChunk> chunk_;
  std::unique_ptr<RejectFileWriter> rejects_;
  const bool background_;
  ColumnBatch out_[2];
  int next_ = 0;
  int64_t dropped_ = 0;

  std::mutex mu_;
  std::condition_variable cv_;
  bool busy_[2] = {false, false};  // guarded by mu_: the slot is queued or being checked
  int queue_[2] = {0, 0};          // guarded by mu_: slots to check, oldest first
  int queued_ = 0;                 // guarded by mu_
  bool stop_ = false;              // guarded by mu_
  bool running_ = false;           // guarded by mu_: worker_ is in WorkerLoop()
  Status error_;                   // guarded by mu_: the first error of a check
  std::thread worker_;
};

class ValidationTableTransform : public TableTransform {
 public:
  ValidationTableTransform(std::shared_ptr<const TableContract> contract, CastPlan plan,
                           std::unique_ptr<ContractValidator> validator, std::string table_dir,
                           std::ostream* text, bool background_checks)
      : contract_(std::move(contract)),
        plan_(std::move(plan)),
        validator_(std::move(validator)),
        table_dir_(std::move(table_dir)),
        text_(text),
        background_checks_(background_checks) {}

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
    return std::unique_ptr<ChunkTransform>(
        new ValidationChunkTransform(&plan_, validator_.get(), validator_->NewChunk(part_file),
                                     std::move(rejects), background_checks_));
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
  bool background_checks_;
};

std::string ShortName(const std::string& table) {
  size_t dot = table.rfind('.');
  return dot == std::string::npos ? table : table.substr(dot + 1);
}

// The failed present/type checks of `report` as "FILE:LINE: KEY: problem" lines.
Status SchemaMismatch(const TableContract& table, const ValidationReport& report,
                      const Schema& schema) {
  std::string columns;
  for (const auto& column : schema.columns) columns += (columns.empty() ? "" : ", ") + column.name;
  std::string message;
  for (const CheckResult& failure : report.failures) {
    std::string line;
    for (const ColumnContract& column : table.columns) {
      if (column.name != failure.column) continue;
      if (failure.check == "present") {
        line = column.location.ToString() + "column '" + column.name +
               "' is not in the table (columns after casts: " + columns + ")";
      } else {
        for (const CheckSpec& check : column.checks) {
          if (check.kind == CheckKind::kType) {
            line = check.location.ToString() + "column '" + column.name + "': " + failure.detail;
          }
        }
      }
      if (!line.empty()) break;
    }
    if (line.empty()) line = table.location.ToString() + failure.column + " " + failure.detail;
    message += (message.empty() ? "" : "\n") + line;
  }
  return Status::InvalidArgument(message);
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
  std::shared_ptr<const TableContract> given;
  if (config.contract) given = std::make_shared<TableContract>(*config.contract);
  std::string section = config.contract_table;
  std::ostream* text = config.report_text;
  bool mismatch_is_config_error = config.schema_mismatch_is_config_error;
  bool background = config.background_checks;
  return TableTransformFactory(
      [shared, given, cli_casts, section, text, mismatch_is_config_error, background](
          const mysql::ResolvedSource& source,
          const std::string& table_dir) -> Result<std::shared_ptr<TableTransform>> {
        auto table = std::make_shared<TableContract>();
        table->name = ShortName(source.display_name());
        if (given) {
          *table = *given;
        } else if (!shared->tables.empty()) {
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
          if (mismatch_is_config_error) return SchemaMismatch(*table, report, plan.output_schema());
          SLUICE_RETURN_IF_ERROR(WriteReport(report, table_dir, text));
          return FailedStatus(report, table_dir);
        }
        return std::shared_ptr<TableTransform>(new ValidationTableTransform(
            std::move(table), std::move(plan), std::move(validator), table_dir, text, background));
      });
}

}  // namespace sluice::runner

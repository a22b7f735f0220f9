#include "engine/exec/scan_operator.h"

#include "engine/exec/expression_evaluator.h"
#include "engine/exec/parquet_convert.h"

namespace sluice::engine {

ScanOperator::ScanOperator(ExecContext* ctx, std::shared_ptr<const TableSource> source,
                           std::vector<int> columns, std::vector<ExprPtr> filters,
                           std::vector<RowGroupPredicate> prune)
    : ctx_(ctx),
      source_(std::move(source)),
      columns_(std::move(columns)),
      filters_(std::move(filters)),
      prune_(std::move(prune)) {
  for (int col : columns_) types_.push_back(source_->types[static_cast<size_t>(col)]);
  for (size_t file = 0; file < source_->files.size(); ++file) {
    for (int rg = 0; rg < source_->file_row_groups[file]; ++rg) {
      tasks_.emplace_back(static_cast<int>(file), rg);
    }
  }
  // Two chunks in flight per worker keep the workers busy without holding much memory.
  queue_capacity_ = static_cast<size_t>(std::max(2, ctx_->threads * 2));
}

ScanOperator::~ScanOperator() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  not_full_.notify_all();
  for (auto& worker : workers_) worker.join();
}

bool ScanOperator::Push(DataChunk chunk) {
  std::unique_lock<std::mutex> lock(mu_);
  not_full_.wait(lock, [&] { return stop_ || queue_.size() < queue_capacity_; });
  if (stop_) return false;
  queue_.push_back(std::move(chunk));
  not_empty_.notify_one();
  return true;
}

Status ScanOperator::ScanRowGroup(ParquetFileReader* reader, int row_group, int worker) {
  SLUICE_ASSIGN_OR_RETURN(ColumnBatch batch, reader->ReadRowGroup(row_group, columns_));
  int64_t rows = reader->row_group_num_rows(row_group);
  std::vector<uint32_t> selected;
  for (int64_t start = 0; start < rows; start += kChunkRows) {
    int64_t count = std::min(kChunkRows, rows - start);
    DataChunk chunk(types_);
    for (size_t col = 0; col < columns_.size(); ++col) {
      ConvertParquetColumn(source_->schema.columns[static_cast<size_t>(columns_[col])],
                           batch.column(static_cast<int>(col)), start, count, &chunk.columns[col]);
    }
    chunk.size = count;
    for (const auto& filter : filters_) {
      SLUICE_RETURN_IF_ERROR(EvaluateFilter(*filter, chunk, &selected));
      if (static_cast<int64_t>(selected.size()) == chunk.size) continue;
      DataChunk narrowed(types_);
      for (size_t col = 0; col < chunk.columns.size(); ++col) {
        narrowed.columns[col].AppendGather(chunk.columns[col], selected.data(),
                                           static_cast<int64_t>(selected.size()));
      }
      narrowed.size = static_cast<int64_t>(selected.size());
      chunk = std::move(narrowed);
      if (chunk.size == 0) break;
    }
    if (chunk.size == 0) continue;
    std::vector<DataChunk> current;
    current.push_back(std::move(chunk));
    for (const auto& transform : transforms_) {
      std::vector<DataChunk> next;
      for (auto& piece : current) SLUICE_RETURN_IF_ERROR(transform->Apply(std::move(piece), &next));
      current = std::move(next);
    }
    for (auto& piece : current) {
      if (piece.size == 0) continue;
      if (sink_) {
        SLUICE_RETURN_IF_ERROR(sink_->Consume(worker, std::move(piece)));
      } else if (!Push(std::move(piece))) {
        return Status::OK();
      }
    }
  }
  return Status::OK();
}

void ScanOperator::Worker(int worker) {
  std::vector<std::unique_ptr<ParquetFileReader>> readers(source_->files.size());
  Status status;
  while (status.ok()) {
    size_t task;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_ || next_task_ >= tasks_.size()) break;
      task = next_task_++;
    }
    auto [file, row_group] = tasks_[task];
    auto& reader = readers[static_cast<size_t>(file)];
    if (!reader) {
      auto opened = ParquetFileReader::Open(source_->files[static_cast<size_t>(file)]);
      if (!opened.ok()) {
        status = opened.status();
        break;
      }
      reader = std::move(opened).value();
      // A file opened before may have been replaced: never trust a changed schema.
      if (reader->schema().num_columns() != source_->schema.num_columns()) {
        status = Status::InvalidArgument("schema of " + source_->files[static_cast<size_t>(file)] +
                                         " changed during the query");
        break;
      }
    }
    if (!prune_.empty() && reader->CanSkipRowGroup(row_group, prune_)) {
      ctx_->row_groups_skipped.fetch_add(1);
      continue;
    }
    ctx_->row_groups_read.fetch_add(1);
    status = ScanRowGroup(reader.get(), row_group, worker);
    // Close readers of files whose row groups are all taken, to bound open descriptors.
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!status.ok() && error_.ok()) {
    error_ = status;
    stop_ = true;
    not_full_.notify_all();
  }
  --running_;
  not_empty_.notify_all();
}

Result<bool> ScanOperator::Next(DataChunk* out) {
  if (!started_) {
    started_ = true;
    int threads = std::max(1, std::min<int>(ctx_->threads, static_cast<int>(tasks_.size())));
    running_ = threads;
    for (int idx = 0; idx < threads; ++idx) workers_.emplace_back([this, idx] { Worker(idx); });
  }
  if (sink_) {
    // Everything goes into the sink on the workers: wait for them to finish.
    std::unique_lock<std::mutex> lock(mu_);
    not_empty_.wait(lock, [&] { return running_ == 0 || !error_.ok(); });
    if (!error_.ok()) return error_;
    return false;
  }
  std::unique_lock<std::mutex> lock(mu_);
  not_empty_.wait(lock, [&] { return !queue_.empty() || running_ == 0 || !error_.ok(); });
  if (!error_.ok()) return error_;
  if (queue_.empty()) return false;
  *out = std::move(queue_.front());
  queue_.pop_front();
  not_full_.notify_one();
  return true;
}

}  // namespace sluice::engine

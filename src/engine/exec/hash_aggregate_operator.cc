#include "engine/exec/hash_aggregate_operator.h"

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

namespace {

// Partitions per spill level: 16 splits the data well while keeping few open files (4 hash
// bits per level).
constexpr int kPartitionBits = 4;
constexpr int kPartitions = 1 << kPartitionBits;
// Deepest recursion: 15 levels use 60 of the 64 hash bits.
constexpr int kMaxDepth = 14;

size_t PartitionOf(uint64_t hash, int depth) {
  return static_cast<size_t>((hash >> (64 - kPartitionBits * (depth + 1))) & (kPartitions - 1));
}

}  // namespace

HashAggregateOperator::HashAggregateOperator(ExecContext* ctx, OperatorPtr child,
                                             std::vector<ExprPtr> groups, std::vector<ExprPtr> args,
                                             std::vector<AggregateSpec> specs)
    : ctx_(ctx),
      child_(std::move(child)),
      groups_(std::move(groups)),
      args_(std::move(args)),
      specs_(std::move(specs)),
      reservation_(ctx->budget) {
  for (const auto& group : groups_) evaluated_types_.push_back(group->type);
  for (const auto& arg : args_) evaluated_types_.push_back(arg->type);
  for (auto& spec : specs_) {
    if (spec.arg_column >= 0) spec.arg_column += static_cast<int>(groups_.size());
  }
}

Status HashAggregateOperator::SpillRows(const DataChunk& evaluated, const EncodedKeys& keys,
                                        const std::vector<uint32_t>& rows, int depth) {
  if (open_partitions_.empty()) {
    for (int part = 0; part < kPartitions; ++part) {
      SLUICE_ASSIGN_OR_RETURN(auto file, SpillFile::Create(ctx_->spill_dir, evaluated_types_));
      open_partitions_.push_back(std::move(file));
      partition_buffers_.emplace_back(evaluated_types_);
    }
  }
  for (uint32_t row : rows) {
    size_t part = PartitionOf(keys.hashes[row], depth);
    partition_buffers_[part].AppendRow(evaluated, row);
    if (partition_buffers_[part].size >= kChunkRows) {
      SLUICE_RETURN_IF_ERROR(open_partitions_[part]->Append(partition_buffers_[part]));
      partition_buffers_[part] = DataChunk(evaluated_types_);
    }
  }
  return Status::OK();
}

Status HashAggregateOperator::FlushPartitions(int depth) {
  for (size_t part = 0; part < open_partitions_.size(); ++part) {
    SLUICE_RETURN_IF_ERROR(open_partitions_[part]->Append(partition_buffers_[part]));
    SLUICE_RETURN_IF_ERROR(open_partitions_[part]->FinishWriting());
    ctx_->spilled_bytes.fetch_add(open_partitions_[part]->bytes_written());
    if (open_partitions_[part]->rows() > 0) {
      pending_.push_back({std::move(open_partitions_[part]), depth + 1});
    }
  }
  open_partitions_.clear();
  partition_buffers_.clear();
  return Status::OK();
}

template <typename Source>
Status HashAggregateOperator::Build(Source next, int depth) {
  std::vector<SqlType> key_types(evaluated_types_.begin(),
                                 evaluated_types_.begin() + static_cast<long>(groups_.size()));
  table_ = std::make_unique<GroupedAggregator>(key_types, specs_);
  reservation_.Reset();
  bool spilling = false;
  EncodedKeys keys;
  std::vector<uint32_t> rejected;
  std::vector<const Vector*> key_columns;
  DataChunk evaluated;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, next(&evaluated));
    if (!more) break;
    key_columns.clear();
    for (size_t col = 0; col < groups_.size(); ++col)
      key_columns.push_back(&evaluated.columns[col]);
    EncodeKeys(key_columns, evaluated.size, &keys);
    rejected.clear();
    SLUICE_RETURN_IF_ERROR(table_->Consume(evaluated, keys, spilling ? &rejected : nullptr));
    if (!rejected.empty()) SLUICE_RETURN_IF_ERROR(SpillRows(evaluated, keys, rejected, depth));
    if (!spilling && !reservation_.Resize(table_->memory_bytes())) {
      // Freeze the table unless we are out of hash bits (then keep going in memory).
      spilling = depth < kMaxDepth && !groups_.empty();
    }
  }
  if (spilling) SLUICE_RETURN_IF_ERROR(FlushPartitions(depth));
  return Status::OK();
}

Result<bool> HashAggregateOperator::Next(DataChunk* out) {
  if (!started_) {
    started_ = true;
    auto from_child = [this](DataChunk* evaluated) -> Result<bool> {
      DataChunk input;
      SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&input));
      if (!more) return false;
      *evaluated = DataChunk();
      evaluated->columns.resize(groups_.size() + args_.size());
      for (size_t idx = 0; idx < groups_.size(); ++idx) {
        SLUICE_RETURN_IF_ERROR(Evaluate(*groups_[idx], input, &evaluated->columns[idx]));
      }
      for (size_t idx = 0; idx < args_.size(); ++idx) {
        SLUICE_RETURN_IF_ERROR(
            Evaluate(*args_[idx], input, &evaluated->columns[groups_.size() + idx]));
      }
      evaluated->size = input.size;
      return true;
    };
    SLUICE_RETURN_IF_ERROR(Build(from_child, 0));
    child_.reset();  // the input is consumed: free the scan's buffers and threads
  }
  while (true) {
    if (table_) {
      SLUICE_ASSIGN_OR_RETURN(bool more, table_->NextResult(out));
      if (more) return true;
      table_.reset();
      reservation_.Reset();
    }
    if (pending_.empty()) return false;
    Partition partition = std::move(pending_.back());
    pending_.pop_back();
    SpillFile* file = partition.file.get();
    SLUICE_RETURN_IF_ERROR(
        Build([file](DataChunk* chunk) { return file->Read(chunk); }, partition.depth));
  }
}

}  // namespace sluice::engine

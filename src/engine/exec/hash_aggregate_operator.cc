#include "engine/exec/hash_aggregate_operator.h"

#include <malloc.h>

#include "engine/exec/expression_evaluator.h"

namespace sluice::engine {

namespace {

// Shards of the first level and partitions per spill level: 16 splits the data well while
// keeping few open files (4 hash bits per level).
constexpr int kPartitionBits = 4;
constexpr int kPartitions = 1 << kPartitionBits;
// Deepest recursion: 15 levels use 60 of the 64 hash bits.
constexpr int kMaxDepth = 14;
// Rows a spill partition buffers before writing them: 16 buffers stay small (not budgeted).
constexpr int64_t kSpillBatchRows = 1024;
// After a chunk with more than a quarter as many groups as rows, this many chunks skip the
// per-chunk pre-aggregation (then it is tried again, in case the data changed).
constexpr int kDirectChunks = 31;

size_t PartitionOf(uint64_t hash, int depth) {
  return static_cast<size_t>((hash >> (64 - kPartitionBits * (depth + 1))) & (kPartitions - 1));
}

}  // namespace

// Runs the aggregation's input side on the child's worker threads.
class HashAggregateOperator::InputSink : public ChunkSink {
 public:
  explicit InputSink(HashAggregateOperator* op) : op_(op) {}
  Status Consume(int worker, DataChunk chunk) override { return op_->ConsumeInput(worker, chunk); }

 private:
  HashAggregateOperator* op_;
};

HashAggregateOperator::HashAggregateOperator(ExecContext* ctx, OperatorPtr child,
                                             std::vector<ExprPtr> groups, std::vector<ExprPtr> args,
                                             std::vector<AggregateSpec> specs)
    : ctx_(ctx),
      child_(std::move(child)),
      groups_(std::move(groups)),
      args_(std::move(args)),
      specs_(std::move(specs)) {
  for (const auto& group : groups_) {
    evaluated_types_.push_back(group->type);
    key_types_.push_back(group->type);
  }
  for (const auto& arg : args_) evaluated_types_.push_back(arg->type);
  for (auto& spec : specs_) {
    if (spec.arg_column >= 0) spec.arg_column += static_cast<int>(groups_.size());
  }
}

HashAggregateOperator::~HashAggregateOperator() {
  // The child's worker threads may still be inside our sink: stop them first.
  child_.reset();
}

Status HashAggregateOperator::Evaluate(const DataChunk& input, DataChunk* evaluated) const {
  evaluated->columns.resize(groups_.size() + args_.size());
  for (size_t idx = 0; idx < groups_.size(); ++idx) {
    SLUICE_RETURN_IF_ERROR(
        sluice::engine::Evaluate(*groups_[idx], input, &evaluated->columns[idx]));
  }
  for (size_t idx = 0; idx < args_.size(); ++idx) {
    SLUICE_RETURN_IF_ERROR(
        sluice::engine::Evaluate(*args_[idx], input, &evaluated->columns[groups_.size() + idx]));
  }
  evaluated->size = input.size;
  return Status::OK();
}

Status HashAggregateOperator::ConsumeInput(int worker, const DataChunk& input) {
  WorkerState& state = workers_[static_cast<size_t>(worker)];
  SLUICE_RETURN_IF_ERROR(Evaluate(input, &state.evaluated));
  std::vector<const Vector*> key_columns;
  for (size_t col = 0; col < groups_.size(); ++col) {
    key_columns.push_back(&state.evaluated.columns[col]);
  }
  EncodeKeys(key_columns, state.evaluated.size, &state.keys);
  if (groups_.empty()) {
    if (!state.global) {
      SLUICE_ASSIGN_OR_RETURN(state.global, GroupedAggregator::Create(key_types_, specs_));
    }
    return state.global->Consume(state.evaluated, state.keys, nullptr, 0, nullptr);
  }
  state.shard_rows.resize(kPartitions);
  for (auto& rows : state.shard_rows) rows.clear();
  if (state.direct_chunks > 0) {
    // Many distinct groups per chunk: pre-aggregating would not shrink it, add rows directly.
    --state.direct_chunks;
    for (int64_t row = 0; row < state.evaluated.size; ++row) {
      state.shard_rows[PartitionOf(state.keys.hashes[static_cast<size_t>(row)], 0)].push_back(
          static_cast<uint32_t>(row));
    }
    return VisitShards(worker, state, [&](Shard* shard, size_t index) {
      return ConsumeShard(shard, &state, state.shard_rows[index]);
    });
  }
  // Few groups per chunk: aggregate the chunk on this worker first, so the shared shards (and
  // their locks) only see one partial state per group and chunk.
  if (!state.local) {
    SLUICE_ASSIGN_OR_RETURN(state.local, GroupedAggregator::Create(key_types_, specs_));
  }
  state.local->Reset();
  SLUICE_RETURN_IF_ERROR(state.local->Consume(state.evaluated, state.keys, nullptr, 0, nullptr));
  if (state.local->num_groups() * 4 > state.evaluated.size) state.direct_chunks = kDirectChunks;
  for (uint32_t group = 0; group < static_cast<uint32_t>(state.local->num_groups()); ++group) {
    state.shard_rows[PartitionOf(state.local->group_hash(group), 0)].push_back(group);
  }
  return VisitShards(worker, state, [&](Shard* shard, size_t index) {
    return MergeShard(shard, &state, state.shard_rows[index]);
  });
}

template <typename Fn>
Status HashAggregateOperator::VisitShards(int worker, const WorkerState& state, Fn fn) {
  uint32_t remaining = 0;  // bit s: shard s has work from this chunk not yet done
  for (int shard = 0; shard < kPartitions; ++shard) {
    if (!state.shard_rows[static_cast<size_t>(shard)].empty()) remaining |= 1u << shard;
  }
  // Workers start at different shards and skip locked ones, so they rarely wait for each other.
  int start = worker * kPartitions / std::max(1, ctx_->threads);
  while (remaining != 0) {
    bool progressed = false;
    for (int step = 0; step < kPartitions; ++step) {
      int shard = (start + step) % kPartitions;
      if (!(remaining & (1u << shard))) continue;
      Shard& target = *shards_[static_cast<size_t>(shard)];
      std::unique_lock<std::mutex> lock(target.mu, std::try_to_lock);
      if (!lock.owns_lock()) continue;
      SLUICE_RETURN_IF_ERROR(fn(&target, static_cast<size_t>(shard)));
      remaining &= ~(1u << shard);
      progressed = true;
    }
    if (!progressed) {
      // Every shard left is busy: wait for the first of them.
      int shard = __builtin_ctz(remaining);
      Shard& target = *shards_[static_cast<size_t>(shard)];
      std::lock_guard<std::mutex> lock(target.mu);
      SLUICE_RETURN_IF_ERROR(fn(&target, static_cast<size_t>(shard)));
      remaining &= ~(1u << shard);
    }
  }
  return Status::OK();
}

void HashAggregateOperator::MakeRoom(GroupedAggregator* table, Reservation* reservation,
                                     bool* frozen, size_t incoming) {
  size_t needed = static_cast<size_t>(table->num_groups()) + incoming;
  if (*frozen || needed <= table->capacity_groups()) return;
  // Reserve the budget for the larger table before allocating it, so the table never holds
  // memory the budget refused.
  size_t target = std::max(needed, table->capacity_groups() * 2);
  if (reservation->Resize(table->BytesForCapacity(target))) {
    table->ReserveGroups(target);
  } else {
    *frozen = true;  // over budget: keep the groups we have, send rows of new ones to disk
  }
}

Status HashAggregateOperator::ConsumeShard(Shard* shard, WorkerState* state,
                                           const std::vector<uint32_t>& rows) {
  MakeRoom(shard->table.get(), shard->reservation.get(), &shard->frozen, rows.size());
  state->rejected.clear();
  SLUICE_RETURN_IF_ERROR(shard->table->Consume(state->evaluated, state->keys, rows.data(),
                                               rows.size(), &state->rejected));
  if (!state->rejected.empty()) SLUICE_RETURN_IF_ERROR(SpillToShard(shard, *state));
  return UpdateShardReservation(shard);
}

Status HashAggregateOperator::MergeShard(Shard* shard, WorkerState* state,
                                         const std::vector<uint32_t>& groups) {
  MakeRoom(shard->table.get(), shard->reservation.get(), &shard->frozen, groups.size());
  state->rejected.clear();
  SLUICE_RETURN_IF_ERROR(
      shard->table->MergeFrom(*state->local, groups.data(), groups.size(), &state->rejected));
  if (!state->rejected.empty()) {
    // The shard has no room for these groups: spill their rows of this chunk instead.
    state->rejected_mark.assign(static_cast<size_t>(state->local->num_groups()), 0);
    for (uint32_t group : state->rejected) state->rejected_mark[group] = 1;
    const std::vector<uint32_t>& row_groups = state->local->row_groups();
    state->rejected.clear();
    for (size_t row = 0; row < row_groups.size(); ++row) {
      if (state->rejected_mark[row_groups[row]]) {
        state->rejected.push_back(static_cast<uint32_t>(row));
      }
    }
    SLUICE_RETURN_IF_ERROR(SpillToShard(shard, *state));
  }
  return UpdateShardReservation(shard);
}

Status HashAggregateOperator::SpillToShard(Shard* shard, const WorkerState& state) {
  DataChunk& buffer = shard->spill_buffer;
  for (size_t col = 0; col < buffer.columns.size(); ++col) {
    buffer.columns[col].AppendGather(state.evaluated.columns[col], state.rejected.data(),
                                     static_cast<int64_t>(state.rejected.size()));
  }
  buffer.size += static_cast<int64_t>(state.rejected.size());
  if (buffer.size >= kSpillBatchRows) {
    if (!shard->spill) {
      SLUICE_ASSIGN_OR_RETURN(shard->spill, SpillFile::Create(ctx_->spill_dir, evaluated_types_));
    }
    SLUICE_RETURN_IF_ERROR(shard->spill->Append(buffer));
    buffer = DataChunk(evaluated_types_);
  }
  return Status::OK();
}

Status HashAggregateOperator::UpdateShardReservation(Shard* shard) {
  // Growth is reserved up front; only min/max strings grow a table beyond its reservation.
  if (!shard->reservation->Resize(shard->table->memory_bytes())) shard->frozen = true;
  return Status::OK();
}

Status HashAggregateOperator::FinishInput() {
  if (groups_.empty()) {
    for (auto& state : workers_) {
      if (!state.global) continue;
      if (!table_) {
        table_ = std::move(state.global);
      } else {
        SLUICE_RETURN_IF_ERROR(table_->MergeFrom(*state.global));
        state.global.reset();
      }
    }
    if (!table_) {
      SLUICE_ASSIGN_OR_RETURN(table_, GroupedAggregator::Create(key_types_, specs_));
    }
    reservation_ = std::make_unique<Reservation>(ctx_->budget);
    return Status::OK();
  }
  for (auto& shard : shards_) {
    if (shard->spill_buffer.size > 0) {
      if (!shard->spill) {
        SLUICE_ASSIGN_OR_RETURN(shard->spill, SpillFile::Create(ctx_->spill_dir, evaluated_types_));
      }
      SLUICE_RETURN_IF_ERROR(shard->spill->Append(shard->spill_buffer));
    }
    shard->spill_buffer = DataChunk();
    if (shard->spill) {
      SLUICE_RETURN_IF_ERROR(shard->spill->FinishWriting());
      ctx_->spilled_bytes.fetch_add(shard->spill->bytes_written());
    }
  }
  return Status::OK();
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
    if (partition_buffers_[part].size >= kSpillBatchRows) {
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
  SLUICE_ASSIGN_OR_RETURN(table_, GroupedAggregator::Create(key_types_, specs_));
  reservation_ = std::make_unique<Reservation>(ctx_->budget);
  // Bounded (spilling new groups past the budget) unless out of hash bits for another level.
  bool bounded = depth < kMaxDepth && !groups_.empty();
  bool frozen = false;
  EncodedKeys keys;
  std::vector<uint32_t> rejected;
  std::vector<const Vector*> key_columns;
  DataChunk evaluated;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, next(&evaluated));
    if (!more) break;
    key_columns.clear();
    for (size_t col = 0; col < groups_.size(); ++col) {
      key_columns.push_back(&evaluated.columns[col]);
    }
    EncodeKeys(key_columns, evaluated.size, &keys);
    if (bounded) {
      MakeRoom(table_.get(), reservation_.get(), &frozen, static_cast<size_t>(evaluated.size));
    }
    rejected.clear();
    SLUICE_RETURN_IF_ERROR(
        table_->Consume(evaluated, keys, nullptr, 0, bounded ? &rejected : nullptr));
    if (!rejected.empty()) SLUICE_RETURN_IF_ERROR(SpillRows(evaluated, keys, rejected, depth));
    if (!reservation_->Resize(table_->memory_bytes())) frozen = true;
  }
  if (!open_partitions_.empty()) SLUICE_RETURN_IF_ERROR(FlushPartitions(depth));
  return Status::OK();
}

Result<bool> HashAggregateOperator::Next(DataChunk* out) {
  if (!started_) {
    started_ = true;
    workers_.resize(static_cast<size_t>(std::max(1, ctx_->threads)));
    if (!groups_.empty()) {
      for (int shard = 0; shard < kPartitions; ++shard) {
        auto created = std::make_unique<Shard>();
        SLUICE_ASSIGN_OR_RETURN(created->table, GroupedAggregator::Create(key_types_, specs_));
        created->reservation = std::make_unique<Reservation>(ctx_->budget);
        created->spill_buffer = DataChunk(evaluated_types_);
        shards_.push_back(std::move(created));
      }
    }
    SLUICE_ASSIGN_OR_RETURN(bool parallel, child_->TryAddSink(std::make_shared<InputSink>(this)));
    DataChunk input;
    if (parallel) {
      SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&input));
      if (more) return Status::Internal("a sink's producer returned rows");
    } else {
      while (true) {
        SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&input));
        if (!more) break;
        SLUICE_RETURN_IF_ERROR(ConsumeInput(0, input));
      }
    }
    child_.reset();  // the input is consumed: free the scan's buffers and threads
    SLUICE_RETURN_IF_ERROR(FinishInput());
    workers_.clear();
  }
  while (true) {
    if (table_) {
      SLUICE_ASSIGN_OR_RETURN(bool more, table_->NextResult(out));
      if (more) return true;
      table_.reset();
      reservation_.reset();
      // Tables grown on worker threads live in their malloc arenas, which keep freed memory:
      // hand it back before the spilled partitions allocate theirs, or RSS counts both.
      if (!pending_.empty()) ::malloc_trim(0);
    }
    if (next_shard_ < shards_.size()) {
      // Emit the in-memory groups of every shard first, freeing memory for the spilled ones.
      Shard& shard = *shards_[next_shard_++];
      table_ = std::move(shard.table);
      reservation_ = std::move(shard.reservation);
      if (shard.spill && shard.spill->rows() > 0) pending_.push_back({std::move(shard.spill), 1});
      continue;
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

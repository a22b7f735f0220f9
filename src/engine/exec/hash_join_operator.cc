#include "engine/exec/hash_join_operator.h"

#include <numeric>

#include "engine/exec/expression_evaluator.h"
#include "engine/exec/join_probe.h"

namespace sluice::engine {

namespace {

// 32 partitions (5 hash bits): a build side 32x the budget still fits partition by partition.
constexpr int kPartitionBits = 5;
constexpr size_t kPartitions = size_t{1} << kPartitionBits;

size_t PartitionOf(uint64_t hash) { return static_cast<size_t>(hash >> (64 - kPartitionBits)); }

}  // namespace

HashJoinOperator::HashJoinOperator(ExecContext* ctx, OperatorPtr build, OperatorPtr probe,
                                   std::vector<ExprPtr> build_keys, std::vector<ExprPtr> probe_keys,
                                   std::vector<SqlType> build_types,
                                   std::vector<SqlType> probe_types, bool preserve_probe,
                                   JoinOutputLayout layout, double expected_build_rows)
    : ctx_(ctx),
      build_(std::move(build)),
      probe_(std::move(probe)),
      build_keys_(std::move(build_keys)),
      probe_keys_(std::move(probe_keys)),
      build_types_(std::move(build_types)),
      probe_types_(std::move(probe_types)),
      preserve_probe_(preserve_probe),
      layout_(std::move(layout)),
      expected_build_rows_(expected_build_rows),
      reservation_(ctx->budget) {}

Status HashJoinOperator::EncodeFor(const std::vector<ExprPtr>& exprs, const DataChunk& chunk,
                                   EncodedKeys* keys) {
  return EncodeExprKeys(exprs, chunk, keys);
}

HashJoinOperator::~HashJoinOperator() {
  // The probe input's worker threads may be running our probe transform over table_: stop them
  // before the table goes away.
  probe_.reset();
}

Status HashJoinOperator::EnsureStarted() {
  if (started_) return Status::OK();
  started_ = true;
  SLUICE_RETURN_IF_ERROR(BuildInMemory());
  if (!partitioned_ && (table_->num_rows() > 0 || preserve_probe_)) {
    // The table is final and read-only: let the probe input's scan threads probe it in parallel.
    auto transform = std::make_shared<JoinProbeTransform>(table_.get(), &probe_keys_, probe_types_,
                                                          build_types_, preserve_probe_, layout_);
    SLUICE_ASSIGN_OR_RETURN(passthrough_, probe_->TryAddTransform(std::move(transform)));
  }
  return Status::OK();
}

Result<bool> HashJoinOperator::TryAddTransform(std::shared_ptr<const ChunkTransform> transform) {
  SLUICE_RETURN_IF_ERROR(EnsureStarted());
  if (!passthrough_) return false;
  return probe_->TryAddTransform(std::move(transform));
}

Result<bool> HashJoinOperator::TryAddSink(std::shared_ptr<ChunkSink> sink) {
  SLUICE_RETURN_IF_ERROR(EnsureStarted());
  if (!passthrough_) return false;
  return probe_->TryAddSink(std::move(sink));
}

namespace {

struct Partitioner {
  std::vector<std::unique_ptr<SpillFile>>* files;
  std::vector<DataChunk> buffers;
  std::vector<SqlType> types;

  Status Add(const DataChunk& chunk, const EncodedKeys& keys) {
    if (buffers.empty()) {
      for (size_t part = 0; part < kPartitions; ++part) buffers.emplace_back(types);
    }
    std::vector<std::vector<uint32_t>> rows(kPartitions);
    for (int64_t row = 0; row < chunk.size; ++row) {
      rows[PartitionOf(keys.hashes[static_cast<size_t>(row)])].push_back(
          static_cast<uint32_t>(row));
    }
    for (size_t part = 0; part < kPartitions; ++part) {
      if (rows[part].empty()) continue;
      DataChunk& buffer = buffers[part];
      for (size_t col = 0; col < buffer.columns.size(); ++col) {
        buffer.columns[col].AppendGather(chunk.columns[col], rows[part].data(),
                                         static_cast<int64_t>(rows[part].size()));
      }
      buffer.size += static_cast<int64_t>(rows[part].size());
      if (buffer.size >= kChunkRows) {
        SLUICE_RETURN_IF_ERROR((*files)[part]->Append(buffer));
        buffer = DataChunk(types);
      }
    }
    return Status::OK();
  }
  Status Finish(ExecContext* ctx) {
    for (size_t part = 0; part < files->size(); ++part) {
      if (!buffers.empty()) SLUICE_RETURN_IF_ERROR((*files)[part]->Append(buffers[part]));
      SLUICE_RETURN_IF_ERROR((*files)[part]->FinishWriting());
      ctx->spilled_bytes.fetch_add((*files)[part]->bytes_written());
    }
    return Status::OK();
  }
};

}  // namespace

Status HashJoinOperator::BuildInMemory() {
  table_ = std::make_unique<JoinHashTable>(build_types_);
  // Size the table up front when the estimate (file metadata) fits well within the budget; a
  // larger one may be an overestimate, and growing costs less than a needless grace join.
  constexpr double kBytesPerRowGuess = 64;
  if (expected_build_rows_ > 0 &&
      expected_build_rows_ * kBytesPerRowGuess < static_cast<double>(ctx_->budget->limit()) / 4) {
    table_->ExpectRows(static_cast<int64_t>(expected_build_rows_));
  }
  DataChunk chunk;
  EncodedKeys keys;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, build_->Next(&chunk));
    if (!more) break;
    SLUICE_RETURN_IF_ERROR(EncodeFor(build_keys_, chunk, &keys));
    table_->Add(chunk, keys);
    if (!reservation_.Resize(table_->memory_bytes())) {
      partitioned_ = true;
      break;
    }
  }
  if (!partitioned_) {
    build_.reset();
    table_->Finish();
    reservation_.Resize(table_->memory_bytes());
    return Status::OK();
  }
  // Grace mode: move what we have, then the rest of the build input, into partitions.
  for (size_t part = 0; part < kPartitions; ++part) {
    SLUICE_ASSIGN_OR_RETURN(auto file, SpillFile::Create(ctx_->spill_dir, build_types_));
    build_parts_.push_back(std::move(file));
    SLUICE_ASSIGN_OR_RETURN(auto probe_file, SpillFile::Create(ctx_->spill_dir, probe_types_));
    probe_parts_.push_back(std::move(probe_file));
  }
  Partitioner build_partitioner{&build_parts_, {}, build_types_};
  const DataChunk& held = table_->rows();
  for (int64_t start = 0; start < held.size; start += kChunkRows) {
    int64_t count = std::min(kChunkRows, held.size - start);
    std::vector<uint32_t> rows(static_cast<size_t>(count));
    std::iota(rows.begin(), rows.end(), static_cast<uint32_t>(start));
    DataChunk piece(build_types_);
    for (size_t col = 0; col < piece.columns.size(); ++col) {
      piece.columns[col].AppendGather(held.columns[col], rows.data(), count);
    }
    piece.size = count;
    SLUICE_RETURN_IF_ERROR(EncodeFor(build_keys_, piece, &keys));
    SLUICE_RETURN_IF_ERROR(build_partitioner.Add(piece, keys));
  }
  table_.reset();
  reservation_.Reset();
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, build_->Next(&chunk));
    if (!more) break;
    SLUICE_RETURN_IF_ERROR(EncodeFor(build_keys_, chunk, &keys));
    SLUICE_RETURN_IF_ERROR(build_partitioner.Add(chunk, keys));
  }
  build_.reset();
  SLUICE_RETURN_IF_ERROR(build_partitioner.Finish(ctx_));
  Partitioner probe_partitioner{&probe_parts_, {}, probe_types_};
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, probe_->Next(&chunk));
    if (!more) break;
    SLUICE_RETURN_IF_ERROR(EncodeFor(probe_keys_, chunk, &keys));
    SLUICE_RETURN_IF_ERROR(probe_partitioner.Add(chunk, keys));
  }
  probe_.reset();
  return probe_partitioner.Finish(ctx_);
}

Result<bool> HashJoinOperator::LoadBlock() {
  table_.reset();
  reservation_.Reset();
  table_ = std::make_unique<JoinHashTable>(build_types_);
  DataChunk chunk;
  EncodedKeys keys;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, build_parts_[partition_]->Read(&chunk));
    if (!more) {
      build_exhausted_ = true;
      break;
    }
    SLUICE_RETURN_IF_ERROR(EncodeFor(build_keys_, chunk, &keys));
    table_->Add(chunk, keys);
    if (!reservation_.Resize(table_->memory_bytes())) break;  // block full
  }
  table_->Finish();
  return true;
}

Result<bool> HashJoinOperator::NextPass() {
  auto start_pass = [this](Source source) {
    pass_.source = std::move(source);
    pass_active_ = true;
    have_chunk_ = false;
    probe_chunk_base_ = 0;
    chain_ = -2;
  };
  if (!partitioned_) {
    if (done_) return false;
    done_ = true;
    if (table_->num_rows() == 0 && !preserve_probe_) return false;
    pass_ = Pass{};
    pass_.emit_unmatched_inline = preserve_probe_;
    start_pass([this](DataChunk* chunk) { return probe_->Next(chunk); });
    return true;
  }
  while (partition_ < kPartitions) {
    SpillFile* probe_file = probe_parts_[partition_].get();
    if (!partition_started_) {
      partition_started_ = true;
      build_exhausted_ = false;
      blocks_in_partition_ = 0;
      matched_.clear();
      SLUICE_RETURN_IF_ERROR(build_parts_[partition_]->Rewind());
    }
    if (!build_exhausted_) {
      SLUICE_ASSIGN_OR_RETURN(bool loaded, LoadBlock());
      (void)loaded;
      ++blocks_in_partition_;
      bool single_block = build_exhausted_ && blocks_in_partition_ == 1;
      if (probe_file->rows() == 0 || (table_->num_rows() == 0 && !preserve_probe_)) continue;
      pass_ = Pass{};
      if (single_block) {
        pass_.emit_unmatched_inline = preserve_probe_;
      } else {
        if (matched_.empty()) matched_.assign(static_cast<size_t>(probe_file->rows()), 0);
        pass_.matched = &matched_;
      }
      SLUICE_RETURN_IF_ERROR(probe_file->Rewind());
      start_pass([probe_file](DataChunk* chunk) { return probe_file->Read(chunk); });
      return true;
    }
    if (preserve_probe_ && blocks_in_partition_ > 1 && !matched_.empty()) {
      pass_ = Pass{};
      pass_.unmatched_only = true;
      pass_.matched = &matched_;
      SLUICE_RETURN_IF_ERROR(probe_file->Rewind());
      start_pass([probe_file](DataChunk* chunk) { return probe_file->Read(chunk); });
      blocks_in_partition_ = 0;  // the unmatched pass runs once
      return true;
    }
    table_.reset();
    reservation_.Reset();
    build_parts_[partition_].reset();
    probe_parts_[partition_].reset();
    ++partition_;
    partition_started_ = false;
  }
  return false;
}

Status HashJoinOperator::EmitPairs(DataChunk* out) {
  *out = AssembleJoinOutput(probe_chunk_, table_->rows(), out_probe_, out_build_, probe_types_,
                            build_types_, layout_);
  out_probe_.clear();
  out_build_.clear();
  return Status::OK();
}

Result<bool> HashJoinOperator::ProbeStep(DataChunk* out) {
  while (true) {
    if (!have_chunk_) {
      SLUICE_ASSIGN_OR_RETURN(bool more, pass_.source(&probe_chunk_));
      if (!more) return false;
      SLUICE_RETURN_IF_ERROR(EncodeFor(probe_keys_, probe_chunk_, &probe_encoded_));
      if (!pass_.unmatched_only) {
        table_->Prefetch(probe_encoded_.hashes.data(), probe_encoded_.hashes.size());
      }
      have_chunk_ = true;
      probe_row_ = 0;
      chain_ = -2;
    }
    while (probe_row_ < probe_chunk_.size) {
      auto idx = static_cast<size_t>(probe_row_);
      size_t ordinal = static_cast<size_t>(probe_chunk_base_ + probe_row_);
      if (pass_.unmatched_only) {
        if (!(*pass_.matched)[ordinal]) {
          out_probe_.push_back(static_cast<uint32_t>(probe_row_));
          out_build_.push_back(-1);
        }
        ++probe_row_;
        if (static_cast<int64_t>(out_probe_.size()) >= kChunkRows) {
          SLUICE_RETURN_IF_ERROR(EmitPairs(out));
          return true;
        }
        continue;
      }
      if (chain_ == -2) {
        row_matched_ = false;
        chain_ = probe_encoded_.has_null[idx]
                     ? -1
                     : table_->Find(probe_encoded_.hashes[idx], probe_encoded_.Key(idx));
      }
      while (chain_ >= 0) {
        out_probe_.push_back(static_cast<uint32_t>(probe_row_));
        out_build_.push_back(chain_);
        row_matched_ = true;
        if (pass_.matched) (*pass_.matched)[ordinal] = 1;
        chain_ = table_->NextMatch(chain_);
        if (static_cast<int64_t>(out_probe_.size()) >= kChunkRows) {
          SLUICE_RETURN_IF_ERROR(EmitPairs(out));
          return true;
        }
      }
      if (!row_matched_ && pass_.emit_unmatched_inline) {
        out_probe_.push_back(static_cast<uint32_t>(probe_row_));
        out_build_.push_back(-1);
      }
      ++probe_row_;
      chain_ = -2;
      if (static_cast<int64_t>(out_probe_.size()) >= kChunkRows) {
        SLUICE_RETURN_IF_ERROR(EmitPairs(out));
        return true;
      }
    }
    have_chunk_ = false;
    probe_chunk_base_ += probe_chunk_.size;
    if (!out_probe_.empty()) {
      SLUICE_RETURN_IF_ERROR(EmitPairs(out));
      return true;
    }
  }
}

Result<bool> HashJoinOperator::Next(DataChunk* out) {
  SLUICE_RETURN_IF_ERROR(EnsureStarted());
  if (passthrough_) return probe_->Next(out);
  while (true) {
    if (pass_active_) {
      SLUICE_ASSIGN_OR_RETURN(bool got, ProbeStep(out));
      if (got) return true;
      pass_active_ = false;
    }
    SLUICE_ASSIGN_OR_RETURN(bool more, NextPass());
    if (!more) return false;
  }
}

}  // namespace sluice::engine

#include "engine/exec/sort_operator.h"

#include <algorithm>

#include "engine/exec/filter_operator.h"

namespace sluice::engine {

SortOperator::SortOperator(ExecContext* ctx, OperatorPtr child, std::vector<SqlType> child_types,
                           std::vector<ExprPtr> keys, std::vector<SortOrder> orders, int64_t limit,
                           int64_t offset)
    : ctx_(ctx),
      child_(std::move(child)),
      child_types_(std::move(child_types)),
      keys_(std::move(keys)),
      comparator_(child_types_.size(), std::move(orders)),
      limit_(limit),
      offset_(offset),
      reservation_(ctx->budget),
      to_skip_(offset),
      remaining_(limit) {
  buffer_types_ = child_types_;
  for (const auto& key : keys_) buffer_types_.push_back(key->type);
}

std::vector<SortOperator::RowRef> SortOperator::SortBuffer() {
  std::vector<RowRef> refs;
  refs.reserve(static_cast<size_t>(buffer_rows_));
  for (size_t chunk = 0; chunk < buffer_.size(); ++chunk) {
    for (int64_t row = 0; row < buffer_[chunk].size; ++row) {
      refs.push_back({static_cast<uint32_t>(chunk), static_cast<uint32_t>(row)});
    }
  }
  std::stable_sort(refs.begin(), refs.end(), [this](const RowRef& a, const RowRef& b) {
    return comparator_.Compare(buffer_[a.chunk], a.row, buffer_[b.chunk], b.row) < 0;
  });
  return refs;
}

namespace {

// Gathers refs[begin, end) of `buffer` into one chunk.
DataChunk GatherRows(const std::vector<DataChunk>& buffer, const std::vector<SqlType>& types,
                     const std::vector<uint32_t>& chunk_of, const std::vector<uint32_t>& row_of,
                     size_t begin, size_t end, size_t columns) {
  std::vector<SqlType> out_types(types.begin(), types.begin() + static_cast<long>(columns));
  DataChunk out(out_types);
  for (size_t col = 0; col < columns; ++col) {
    Vector& target = out.columns[col];
    target.Reserve(static_cast<int64_t>(end - begin));
    for (size_t idx = begin; idx < end; ++idx) {
      target.AppendFrom(buffer[chunk_of[idx]].columns[col], row_of[idx]);
    }
  }
  out.size = static_cast<int64_t>(end - begin);
  return out;
}

}  // namespace

void SortOperator::TrimBuffer(int64_t keep) {
  auto refs = SortBuffer();
  if (static_cast<int64_t>(refs.size()) > keep) refs.resize(static_cast<size_t>(keep));
  std::vector<uint32_t> chunk_of;
  std::vector<uint32_t> row_of;
  for (const auto& ref : refs) {
    chunk_of.push_back(ref.chunk);
    row_of.push_back(ref.row);
  }
  DataChunk kept =
      GatherRows(buffer_, buffer_types_, chunk_of, row_of, 0, refs.size(), buffer_types_.size());
  buffer_.clear();
  buffer_rows_ = kept.size;
  // buffer_[0] stays sorted with `keep` rows until the next trim or spill: its last row is a
  // valid cutoff for later chunks.
  cutoff_valid_ = kept.size == keep && keep > 0;
  buffer_.push_back(std::move(kept));
}

Status SortOperator::SpillRun() {
  auto refs = SortBuffer();
  SLUICE_ASSIGN_OR_RETURN(auto file, SpillFile::Create(ctx_->spill_dir, buffer_types_));
  std::vector<uint32_t> chunk_of;
  std::vector<uint32_t> row_of;
  for (size_t begin = 0; begin < refs.size(); begin += static_cast<size_t>(kChunkRows)) {
    size_t end = std::min(refs.size(), begin + static_cast<size_t>(kChunkRows));
    chunk_of.clear();
    row_of.clear();
    for (size_t idx = begin; idx < end; ++idx) {
      chunk_of.push_back(refs[idx].chunk);
      row_of.push_back(refs[idx].row);
    }
    SLUICE_RETURN_IF_ERROR(file->Append(GatherRows(buffer_, buffer_types_, chunk_of, row_of, 0,
                                                   chunk_of.size(), buffer_types_.size())));
  }
  SLUICE_RETURN_IF_ERROR(file->FinishWriting());
  ctx_->spilled_bytes.fetch_add(file->bytes_written());
  runs_.push_back(Run{std::move(file), DataChunk(), 0});
  cutoff_valid_ = false;
  buffer_.clear();
  buffer_rows_ = 0;
  reservation_.Reset();
  return Status::OK();
}

Status SortOperator::Consume() {
  DataChunk chunk;
  int64_t buffered_bytes = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, child_->Next(&chunk));
    if (!more) break;
    for (const auto& key : keys_) {
      Vector value;
      SLUICE_RETURN_IF_ERROR(Evaluate(*key, chunk, &value));
      chunk.columns.push_back(std::move(value));
    }
    if (limit_ >= 0 && cutoff_valid_) {
      // Top-N with a full, trimmed buffer: its last row is the cutoff; drop rows that do not
      // sort before it, so most chunks add nothing.
      const DataChunk& kept = buffer_[0];
      int64_t cutoff = limit_ + offset_ - 1;
      std::vector<uint32_t> better;
      for (int64_t row = 0; row < chunk.size; ++row) {
        if (comparator_.Compare(chunk, row, kept, cutoff) < 0)
          better.push_back(static_cast<uint32_t>(row));
      }
      SelectRows(&chunk, better);
      if (chunk.size == 0) continue;
    }
    // The chunk plus the 8-byte row reference sorting it will need.
    buffered_bytes += chunk.allocated_bytes() + chunk.size * static_cast<int64_t>(sizeof(RowRef));
    buffer_rows_ += chunk.size;
    buffer_.push_back(std::move(chunk));
    chunk = DataChunk();
    if (limit_ >= 0) {
      // Top-N: keep at most 2x the needed rows (and at least a chunk) before trimming.
      int64_t keep = limit_ + offset_;
      if (buffer_rows_ > std::max<int64_t>(2 * keep, kChunkRows)) {
        TrimBuffer(keep);
        buffered_bytes = buffer_[0].allocated_bytes() + keep * static_cast<int64_t>(sizeof(RowRef));
      }
    }
    // A sort (or a top-N with a huge N) that outgrows the budget writes a sorted run.
    if (!reservation_.Resize(buffered_bytes)) {
      SLUICE_RETURN_IF_ERROR(SpillRun());
      buffered_bytes = 0;
    }
  }
  child_.reset();
  if (!runs_.empty() && buffer_rows_ > 0) SLUICE_RETURN_IF_ERROR(SpillRun());
  if (runs_.empty()) {
    if (limit_ >= 0 && buffer_rows_ > limit_ + offset_) TrimBuffer(limit_ + offset_);
    sorted_ = SortBuffer();
  } else {
    for (size_t run = 0; run < runs_.size(); ++run) {
      SLUICE_ASSIGN_OR_RETURN(bool more, runs_[run].file->Read(&runs_[run].chunk));
      if (more) heap_.push_back(run);
    }
    auto greater = [this](size_t a, size_t b) {
      return comparator_.Compare(runs_[a].chunk, runs_[a].row, runs_[b].chunk, runs_[b].row) > 0;
    };
    std::make_heap(heap_.begin(), heap_.end(), greater);
  }
  return Status::OK();
}

Result<bool> SortOperator::NextInMemory(DataChunk* out) {
  if (emitted_ >= sorted_.size()) return false;
  size_t end = std::min(sorted_.size(), emitted_ + static_cast<size_t>(kChunkRows));
  std::vector<uint32_t> chunk_of;
  std::vector<uint32_t> row_of;
  for (size_t idx = emitted_; idx < end; ++idx) {
    chunk_of.push_back(sorted_[idx].chunk);
    row_of.push_back(sorted_[idx].row);
  }
  *out =
      GatherRows(buffer_, buffer_types_, chunk_of, row_of, 0, chunk_of.size(), child_types_.size());
  emitted_ = end;
  return true;
}

Result<bool> SortOperator::NextMerged(DataChunk* out) {
  if (heap_.empty()) return false;
  auto greater = [this](size_t a, size_t b) {
    return comparator_.Compare(runs_[a].chunk, runs_[a].row, runs_[b].chunk, runs_[b].row) > 0;
  };
  *out = DataChunk(child_types_);
  while (!heap_.empty() && out->size < kChunkRows) {
    std::pop_heap(heap_.begin(), heap_.end(), greater);
    size_t run = heap_.back();
    heap_.pop_back();
    Run& source = runs_[run];
    for (size_t col = 0; col < child_types_.size(); ++col) {
      out->columns[col].AppendFrom(source.chunk.columns[col], source.row);
    }
    ++out->size;
    if (++source.row >= source.chunk.size) {
      source.row = 0;
      SLUICE_ASSIGN_OR_RETURN(bool more, source.file->Read(&source.chunk));
      if (!more) {
        source.file.reset();
        continue;
      }
    }
    heap_.push_back(run);
    std::push_heap(heap_.begin(), heap_.end(), greater);
  }
  return out->size > 0;
}

Result<bool> SortOperator::Next(DataChunk* out) {
  if (!consumed_) {
    consumed_ = true;
    SLUICE_RETURN_IF_ERROR(Consume());
  }
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, runs_.empty() ? NextInMemory(out) : NextMerged(out));
    if (!more) return false;
    if (limit_ < 0) return true;
    // Top-N applies its own OFFSET/LIMIT.
    if (remaining_ == 0) return false;
    int64_t start = std::min(to_skip_, out->size);
    to_skip_ -= start;
    int64_t count = std::min(out->size - start, remaining_);
    if (count == 0) continue;
    if (start != 0 || count != out->size) {
      std::vector<uint32_t> rows;
      for (int64_t row = start; row < start + count; ++row)
        rows.push_back(static_cast<uint32_t>(row));
      DataChunk sliced(child_types_);
      for (size_t col = 0; col < child_types_.size(); ++col) {
        sliced.columns[col].AppendGather(out->columns[col], rows.data(), count);
      }
      sliced.size = count;
      *out = std::move(sliced);
    }
    remaining_ -= count;
    return true;
  }
}

}  // namespace sluice::engine

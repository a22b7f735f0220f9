#include "runner/extract_job.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "common/atomic_file.h"
#include "common/redact.h"
#include "common/sha256.h"
#include "runner/file_roll.h"
#include "source/partitioner.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using mysql::Connection;
using mysql::ResolvedSource;
using source::KeyRange;
using source::PartitionMode;

constexpr const char* kStateFile = "_sluice_state.json";
constexpr const char* kManifestFile = "_manifest.json";
// Version of the state/manifest layout; bump when their meaning changes.
constexpr int kStateFormat = 1;
// Smallest per-job memory share: a 2,000-row batch of wide rows plus a writer row group.
constexpr int64_t kMinJobMemory = 16ll << 20;
// Smallest --file-bytes: below 1 MiB the footer and page headers become a sizeable part of
// every file, and readers pay a request per file.
constexpr int64_t kMinFileBytes = 1ll << 20;
// With --file-bytes, a batch holds at most a sixteenth of it in values (but at least 64 KiB):
// how far past the limit the last batch of a file can carry it (runner/file_roll.h).
constexpr int64_t kFileBytesPerBatch = 16;
constexpr int64_t kMinBatchBytes = 64ll << 10;
// First retry waits 250 ms, doubling up to 8 s: a restarting server is usually back within
// a few seconds, and three retries then span about 2 s.
constexpr int64_t kFirstBackoffMs = 250;
constexpr int64_t kMaxBackoffMs = 8000;

std::string PartName(int index) {
  char name[32];
  std::snprintf(name, sizeof(name), "part-%05d.parquet", index);
  return name;
}

bool IsPartName(const std::string& name) {
  return name.starts_with("part-") && name.ends_with(".parquet");
}

// The plan index of a part file or of its temporary ("part-00012.parquet.tmp-..."), if any.
std::optional<int> PartIndexOf(const std::string& name) {
  if (!name.starts_with("part-")) return std::nullopt;
  size_t dot = name.find('.');
  if (dot == std::string::npos || name.compare(dot, 8, ".parquet") != 0) return std::nullopt;
  int index = 0;
  auto [ptr, ec] = std::from_chars(name.data() + 5, name.data() + dot, index);
  if (ec != std::errc() || ptr != name.data() + dot) return std::nullopt;
  return index;
}

// Names one plan, so progress lines of an older plan are never taken for chunks of this one.
std::string NewPlanId() {
  std::random_device device;
  char text[24];
  std::snprintf(text, sizeof(text), "%08x%08x", device(), device());
  return text;
}

Status IoStatus(const std::string& what, const std::error_code& ec) {
  if (ec == std::errc::no_space_on_device)
    return Status::ResourceExhausted(what + ": " + ec.message());
  return Status::IoError(what + ": " + ec.message());
}

Result<std::string> FileSha256(const std::string& path, int64_t* size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IoError("cannot read " + path);
  Sha256 hash;
  // 1 MiB reads: large enough for sequential throughput, small next to the memory budget.
  std::vector<char> buffer(1 << 20);
  int64_t total = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    hash.Update(buffer.data(), static_cast<size_t>(got));
    total += got;
  }
  if (in.bad()) return Status::IoError("error reading " + path);
  *size = total;
  return hash.HexDigest();
}

Status AppendLineDurable(const std::string& path, const std::string& line) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return ErrnoStatus(path, errno);
  std::string text = line + "\n";
  ssize_t written = ::write(fd, text.data(), text.size());
  int err = errno;
  if (written != static_cast<ssize_t>(text.size())) {
    ::close(fd);
    return ErrnoStatus(path, written < 0 ? err : ENOSPC);
  }
  if (::fsync(fd) != 0) {
    err = errno;
    ::close(fd);
    return ErrnoStatus(path, err);
  }
  ::close(fd);
  return Status::OK();
}

json ChunkJson(const ChunkResult& chunk) {
  json out = {{"chunk", chunk.index},
              {"key_range", chunk.key_range},
              {"rows", chunk.rows},
              {"zero_dates", chunk.zero_dates}};
  if (chunk.range) out["range"] = {chunk.range->lo, chunk.range->hi, chunk.range->null_keys};
  if (!chunk.file.empty()) {
    out["file"] = chunk.file;
    out["bytes"] = chunk.bytes;
    out["sha256"] = chunk.sha256;
  } else {
    out["file"] = nullptr;
  }
  return out;
}

std::string TimeColumns(const Schema& schema, const std::vector<mysql::ColumnPlan>& plans) {
  std::string out;
  for (const auto& plan : plans) {
    if (plan.kind == mysql::ValueKind::kTime) out += (out.empty() ? "" : ",") + plan.schema.name;
  }
  (void)schema;
  return out;
}

// What RunTask needs of a prepared table: immutable after Begin(), except `done` and `stop`.
struct TableState {
  ExtractOptions options;
  std::optional<ResolvedSource> source_storage;
  const ResolvedSource* source = nullptr;
  std::string dir;
  std::string identity;
  std::vector<KeyRange> ranges;
  // Ordered pass (ExtractOptions::plan_while_streaming): the key's [MIN, MAX] when the pass was
  // planned; `ranges` then grows as the pass commits chunks (guarded by mutex).
  std::optional<KeyRange> pass;
  std::optional<json> previous;           // the saved plan of an earlier run, when reused
  std::string plan_id;                    // the saved plan's id (empty for plans saved before ids)
  std::unique_ptr<ShardLock> shard_lock;  // held from Begin() on, when sharded
  std::atomic<bool> stop{false};
  mysql::CursorOptions cursor_options;
  ParquetWriterOptions writer_options;
  mutable std::mutex mutex;
  std::map<int, ChunkResult> done;            // guarded by mutex
  std::shared_ptr<TableTransform> transform;  // optional; set by Prepare()

  // What the part files hold: the transform's output, else the source's schema.
  const Schema& output_schema() const {
    return transform ? transform->output_schema() : source->schema();
  }
};

ParquetWriterOptions FileWriterOptions(const TableState& state, const std::string& key_range,
                                       const std::string& sql) {
  ParquetWriterOptions options = state.writer_options;
  options.key_value_metadata.emplace_back("sluice.source_table", state.source->display_name());
  options.key_value_metadata.emplace_back("sluice.query", RedactUrl(sql));
  options.key_value_metadata.emplace_back("sluice.key_range", key_range);
  std::string time_columns = TimeColumns(state.source->schema(), state.source->columns());
  if (!time_columns.empty()) {
    // TIME is stored as signed INT64 microseconds (Parquet TIME cannot be negative or >24 h).
    options.key_value_metadata.emplace_back("sluice.time_columns", time_columns);
    options.key_value_metadata.emplace_back("sluice.time_unit", "signed_micros");
  }
  return options;
}

Status CommitFile(std::unique_ptr<ParquetFileWriter>* writer, const std::string& dir,
                  ChunkResult* result) {
  SLUICE_RETURN_IF_ERROR((*writer)->Close());
  writer->reset();
  int64_t size = 0;
  SLUICE_ASSIGN_OR_RETURN(result->sha256, FileSha256(dir + "/" + result->file, &size));
  result->bytes = size;
  return Status::OK();
}

// Bytes of the values a batch carries (what the progress display counts as "MB read").
int64_t BatchBytes(const ColumnBatch& batch) {
  int64_t bytes = 0;
  for (int col_idx = 0; col_idx < batch.num_columns(); ++col_idx) {
    const ColumnVector& column = batch.column(col_idx);
    bytes += static_cast<int64_t>(column.values().size());
  }
  return bytes;
}

// Whatever way an attempt ends, a writer it did not close is aborted: its temporary file goes,
// nothing appears under a final name.
struct AbortUnclosedWriter {
  std::unique_ptr<ParquetFileWriter>* writer;
  ~AbortUnclosedWriter() {
    if (*writer) (*writer)->Abort();
  }
};

// Opens the writer of part file `file` (a temporary name until committed) and, with a table
// transform, the file's chunk transform.
Status OpenPart(TableState& state, const std::string& file, const std::string& key_range,
                const std::string& sql, std::unique_ptr<ParquetFileWriter>* writer,
                std::unique_ptr<ChunkTransform>* transform) {
  SLUICE_ASSIGN_OR_RETURN(
      *writer, state.options.writer_factory(state.dir + "/" + file, state.output_schema(),
                                            FileWriterOptions(state, key_range, sql)));
  if (state.transform) {
    SLUICE_ASSIGN_OR_RETURN(*transform, state.transform->NewChunk(file));
  }
  return Status::OK();
}

// Writes a batch the cursor filled: through the transform when there is one, else handing the
// batch itself to the writer (no copy; the writer may give back a recycled buffer).
Status WriteThrough(ParquetFileWriter* writer, ChunkTransform* transform, ColumnBatch* batch) {
  if (!transform) return writer->WriteOwnedBatch(batch);
  SLUICE_ASSIGN_OR_RETURN(const ColumnBatch* out, transform->Apply(*batch));
  return writer->WriteBatch(*out);
}

void SleepMs(int64_t ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

// One attempt at one keyed chunk.
Result<ChunkResult> RunKeyedChunk(TableState& state, Connection* conn, int index, int attempt,
                                  const ChunkHooks& hooks) {
  const ExtractOptions& options = state.options;
  const KeyRange& range = state.ranges[static_cast<size_t>(index)];
  ChunkResult result;
  result.index = index;
  result.key_range = state.source->DescribeRange(range);
  result.range = range;
  mysql::CursorSpec spec = state.source->ChunkSpec(range);
  std::string sql = spec.sql;
  SLUICE_ASSIGN_OR_RETURN(
      auto cursor,
      mysql::StreamingCursor::Open(conn, options.protocol, std::move(spec), state.cursor_options));
  ColumnBatch batch(state.source->schema());
  std::unique_ptr<ParquetFileWriter> writer;
  AbortUnclosedWriter guard{&writer};
  const std::string file = PartName(index);
  int64_t batch_bytes = 0;
  std::unique_ptr<ChunkTransform> transform;
  while (true) {
    if (state.stop.load()) return Status::Internal("stopped");
    SLUICE_ASSIGN_OR_RETURN(bool more, cursor->Next(&batch));
    if (!more) break;
    if (!writer) {
      // Empty ranges write no file: the writer is opened at the first row.
      SLUICE_RETURN_IF_ERROR(OpenPart(state, file, result.key_range, sql, &writer, &transform));
    }
    if (hooks.on_batch) batch_bytes += BatchBytes(batch);
    SLUICE_RETURN_IF_ERROR(WriteThrough(writer.get(), transform.get(), &batch));
    if (hooks.on_batch) hooks.on_batch(cursor->stats().rows, batch_bytes);
    if (attempt == 0 && options.debug_batch_delay_ms > 0) SleepMs(options.debug_batch_delay_ms);
  }
  // Verify before commit: every row read was written, and every key lies in the chunk's range.
  const mysql::CursorStats& stats = cursor->stats();
  result.rows = stats.rows;
  result.zero_dates = stats.zero_dates;
  int64_t written = writer ? writer->rows_written() : 0;
  int64_t dropped = transform ? transform->rows_dropped() : 0;
  if (written + dropped != stats.rows) {
    return Status::Internal("chunk " + result.key_range + ": read " + std::to_string(stats.rows) +
                            " rows but wrote " + std::to_string(written) + " and quarantined " +
                            std::to_string(dropped));
  }
  result.rows = written;
  bool keys_ok = range.null_keys ? stats.null_keys == stats.rows
                                 : stats.null_keys == 0 &&
                                       (stats.rows == 0 ||
                                        (*stats.min_key >= range.lo && *stats.max_key <= range.hi));
  if (!keys_ok) {
    return Status::Internal("chunk " + result.key_range +
                            ": the server returned a key outside the range");
  }
  if (writer) {
    result.file = file;
    SLUICE_RETURN_IF_ERROR(CommitFile(&writer, state.dir, &result));
  }
  if (transform) SLUICE_RETURN_IF_ERROR(transform->Commit());
  return result;
}

// Scan mode: one streaming pass, files rolled every chunk_rows rows or once their Parquet bytes
// reach file_bytes (FileRoll). On failure the files this pass committed are removed (the retry
// rewrites the same names).
Result<std::vector<ChunkResult>> RunScanPass(TableState& state, Connection* conn, int attempt,
                                             const ChunkHooks& hooks) {
  const ExtractOptions& options = state.options;
  std::vector<ChunkResult> results;
  Status status = [&]() -> Status {
    mysql::CursorSpec spec = state.source->ChunkSpec(std::nullopt);
    std::string sql = spec.sql;
    SLUICE_ASSIGN_OR_RETURN(auto cursor,
                            mysql::StreamingCursor::Open(conn, options.protocol, std::move(spec),
                                                         state.cursor_options));
    ColumnBatch batch(state.source->schema());
    std::unique_ptr<ParquetFileWriter> writer;
    AbortUnclosedWriter guard{&writer};
    int64_t rows_in_file = 0;
    std::unique_ptr<ChunkTransform> transform;
    // Committed when the whole pass succeeds: a failed pass is redone from the start.
    std::vector<std::unique_ptr<ChunkTransform>> file_transforms;
    int64_t first_row = 0;
    int64_t zero_dates_before = 0;
    int64_t batch_bytes = 0;
    FileRoll roll(options.chunk_rows, options.file_bytes);
    int64_t written_before = 0;  // the writer's rows at the previous batch's end
    auto commit = [&]() -> Status {
      ChunkResult result;
      result.index = static_cast<int>(results.size());
      result.file = PartName(result.index);
      result.rows = writer->rows_written();
      int64_t dropped = transform ? transform->rows_dropped() : 0;
      if (result.rows + dropped != rows_in_file) {
        return Status::Internal("file " + result.file + ": read " + std::to_string(rows_in_file) +
                                " rows but wrote " + std::to_string(result.rows) +
                                " and quarantined " + std::to_string(dropped));
      }
      if (transform) file_transforms.push_back(std::move(transform));
      result.key_range =
          "rows " + std::to_string(first_row) + ".." + std::to_string(first_row + rows_in_file - 1);
      result.zero_dates = cursor->stats().zero_dates - zero_dates_before;
      zero_dates_before = cursor->stats().zero_dates;
      SLUICE_RETURN_IF_ERROR(CommitFile(&writer, state.dir, &result));
      if (options.on_file_committed) SLUICE_RETURN_IF_ERROR(options.on_file_committed(result));
      first_row += rows_in_file;
      rows_in_file = 0;
      written_before = 0;
      roll.StartFile();
      results.push_back(std::move(result));
      return Status::OK();
    };
    while (true) {
      if (state.stop.load()) return Status::Internal("stopped");
      cursor->set_fetch_rows(roll.NextBatchRows(options.fetch_rows));
      SLUICE_ASSIGN_OR_RETURN(bool more, cursor->Next(&batch));
      if (!more) break;
      if (!writer) {
        SLUICE_RETURN_IF_ERROR(OpenPart(state, PartName(static_cast<int>(results.size())),
                                        "rows " + std::to_string(first_row) + "..", sql, &writer,
                                        &transform));
      }
      rows_in_file += batch.num_rows();
      if (hooks.on_batch) batch_bytes += BatchBytes(batch);
      SLUICE_RETURN_IF_ERROR(WriteThrough(writer.get(), transform.get(), &batch));
      if (hooks.on_batch) hooks.on_batch(cursor->stats().rows, batch_bytes);
      int64_t known_bytes = 0;
      if (options.file_bytes > 0) {
        // The previous batch's end, not this one's: the encoder may still be on this batch.
        SLUICE_ASSIGN_OR_RETURN(known_bytes, writer->EncodedBytesAt(written_before));
      }
      roll.AfterBatch(rows_in_file, writer->rows_written(), written_before, known_bytes);
      written_before = writer->rows_written();
      if (roll.full()) SLUICE_RETURN_IF_ERROR(commit());
      if (attempt == 0 && options.debug_batch_delay_ms > 0) SleepMs(options.debug_batch_delay_ms);
    }
    if (writer) SLUICE_RETURN_IF_ERROR(commit());
    if (first_row != cursor->stats().rows) {
      return Status::Internal("scan read " + std::to_string(cursor->stats().rows) +
                              " rows but committed " + std::to_string(first_row));
    }
    for (auto& done : file_transforms) SLUICE_RETURN_IF_ERROR(done->Commit());
    return Status::OK();
  }();
  if (status.ok()) return results;
  // Files committed by the failed pass are replaced by the next pass (same names); remove
  // them now so a failure that is not retried leaves no half set behind.
  for (const auto& result : results) {
    std::error_code ec;
    fs::remove(state.dir + "/" + result.file, ec);
  }
  return status;
}

// Ordered pass: one stream in key order from the chunk after the last committed one to the
// pass's MAX, cut into a file every chunk_rows rows. A file's range ends just before the next
// file's first key, so the chunks are exactly those PlanBalanced would find by walking the
// index (the key is unique). Each file is committed (renamed, progress line) as soon as the next
// key is seen; on failure the committed files stay and a retry resumes after them.
Result<std::vector<ChunkResult>> RunOrderedPass(TableState& state, Connection* conn, int attempt,
                                                const ChunkHooks& hooks) {
  const ExtractOptions& options = state.options;
  const KeyRange pass = *state.pass;
  int index = 0;
  int64_t lo = pass.lo;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    index = static_cast<int>(state.ranges.size());
    if (!state.ranges.empty()) {
      if (state.ranges.back().hi >= pass.hi) return std::vector<ChunkResult>{};
      lo = state.ranges.back().hi + 1;
    }
  }
  const int first_index = index;
  mysql::CursorSpec spec = state.source->OrderedChunkSpec({lo, pass.hi, false});
  std::string sql = spec.sql;
  SLUICE_ASSIGN_OR_RETURN(
      auto cursor,
      mysql::StreamingCursor::Open(conn, options.protocol, std::move(spec), state.cursor_options));
  ColumnBatch batch(state.source->schema());
  std::unique_ptr<ParquetFileWriter> writer;
  AbortUnclosedWriter guard{&writer};
  std::unique_ptr<ChunkTransform> transform;
  std::vector<ChunkResult> results;
  int64_t rows_in_file = 0;
  int64_t zero_dates_before = 0;
  int64_t batch_bytes = 0;
  // Commits the current chunk [lo, hi] (no file when it is empty).
  auto commit = [&](int64_t hi) -> Status {
    ChunkResult result;
    result.index = index;
    result.range = KeyRange{lo, hi, false};
    result.key_range = state.source->DescribeRange(*result.range);
    result.zero_dates = cursor->stats().zero_dates - zero_dates_before;
    if (writer) {
      int64_t written = writer->rows_written();
      int64_t dropped = transform ? transform->rows_dropped() : 0;
      if (written + dropped != rows_in_file) {
        return Status::Internal("chunk " + result.key_range + ": read " +
                                std::to_string(rows_in_file) + " rows but wrote " +
                                std::to_string(written) + " and quarantined " +
                                std::to_string(dropped));
      }
      result.rows = written;
      result.file = PartName(index);
      // The footer names the chunk as a planned chunk would: same range, same query, so the
      // files are byte-identical to those of an index-walk plan (--jobs N).
      writer->SetKeyValueMetadata("sluice.key_range", result.key_range);
      writer->SetKeyValueMetadata("sluice.query",
                                  RedactUrl(state.source->ChunkSpec(*result.range).sql));
      SLUICE_RETURN_IF_ERROR(CommitFile(&writer, state.dir, &result));
      if (transform) SLUICE_RETURN_IF_ERROR(transform->Commit());
      transform.reset();
    }
    json line = ChunkJson(result);
    if (!state.plan_id.empty()) line["plan_id"] = state.plan_id;
    SLUICE_RETURN_IF_ERROR(
        AppendLineDurable(state.dir + "/" + ProgressFileName(options.shard), line.dump()));
    if (!result.file.empty() && options.on_file_committed) {
      SLUICE_RETURN_IF_ERROR(options.on_file_committed(result));
    }
    {
      std::lock_guard<std::mutex> lock(state.mutex);
      state.ranges.push_back(*result.range);
      state.done[index] = result;
    }
    results.push_back(std::move(result));
    zero_dates_before = cursor->stats().zero_dates;
    rows_in_file = 0;
    ++index;
    lo = hi + 1;
    return Status::OK();
  };
  while (true) {
    if (state.stop.load()) return Status::Internal("stopped");
    // A full file waits for the next row's key (its range ends just before it); until then
    // batches never cross a file boundary.
    const bool full = rows_in_file >= options.chunk_rows;
    // (A full file's successor starts with the next batch: it too holds at most chunk_rows.)
    cursor->set_fetch_rows(std::min(options.fetch_rows,
                                    full ? options.chunk_rows : options.chunk_rows - rows_in_file));
    SLUICE_ASSIGN_OR_RETURN(bool more, cursor->Next(&batch));
    if (!more) break;
    const mysql::CursorStats& stats = cursor->stats();
    // Keys strictly ascending from lo (the cursor counts any row whose key does not exceed the
    // previous one): what makes "the next file's first key" a valid end for this file's range.
    if (stats.non_increasing_keys != 0 || stats.null_keys != 0 || !stats.batch_first_key ||
        *stats.batch_first_key < lo) {
      return Status::Internal("ordered pass over " + state.source->display_name() +
                              ": the server returned keys out of order or out of range");
    }
    if (full) SLUICE_RETURN_IF_ERROR(commit(*stats.batch_first_key - 1));
    if (!writer) {
      // The range is provisional: commit() writes the final one into the footer.
      SLUICE_RETURN_IF_ERROR(OpenPart(state, PartName(index),
                                      state.source->DescribeRange({lo, pass.hi, false}), sql,
                                      &writer, &transform));
    }
    rows_in_file += batch.num_rows();
    if (hooks.on_batch) batch_bytes += BatchBytes(batch);
    SLUICE_RETURN_IF_ERROR(WriteThrough(writer.get(), transform.get(), &batch));
    if (hooks.on_batch) hooks.on_batch(cursor->stats().rows, batch_bytes);
    // Test seam, as for planned chunks: only a chunk's first attempt is slowed down (the chunk
    // this attempt resumed at was attempted before, unless this is the first attempt).
    if ((attempt == 0 || index > first_index) && options.debug_batch_delay_ms > 0) {
      SleepMs(options.debug_batch_delay_ms);
    }
  }
  if (cursor->stats().max_key && *cursor->stats().max_key > pass.hi) {
    return Status::Internal("ordered pass over " + state.source->display_name() +
                            ": the server returned a key above the planned maximum");
  }
  // The last chunk runs to the pass's MAX (an empty one records that nothing is left).
  SLUICE_RETURN_IF_ERROR(commit(pass.hi));
  return results;
}

json StateJson(const ResolvedSource& source, const std::string& identity,
               const std::vector<KeyRange>& ranges, const std::string& plan_id,
               const std::optional<KeyRange>& pass = std::nullopt) {
  json out = {{"format", kStateFormat},
              {"plan_id", plan_id},
              {"schema_hash", source.schema().Hash()},
              {"schema", source.schema().ToCanonicalString()},
              {"identity", identity}};
  json list = json::array();
  for (const auto& range : ranges) list.push_back({range.lo, range.hi, range.null_keys});
  out["ranges"] = list;
  if (pass) out["pass"] = {pass->lo, pass->hi};
  return out;
}

std::string PlanIdentity(const ExtractOptions& options, const ResolvedSource& source) {
  std::string text = source.SourceIdentity();
  if (source.mode() == PartitionMode::kRange) {
    text += "\nchunk_keys=" + std::to_string(options.chunk_keys);
  } else {
    text += "\nchunk_rows=" + std::to_string(options.chunk_rows);
  }
  // Only when set, so that plans saved before --file-bytes existed stay valid.
  if (source.mode() == PartitionMode::kScan && options.file_bytes > 0) {
    text += "\nfile_bytes=" + std::to_string(options.file_bytes);
  }
  std::string columns;
  for (const auto& column : source.columns()) columns += column.schema.name + ",";
  return text + "\ncolumns=" + columns;
}

Status RemoveFile(const fs::path& path) {
  std::error_code ec;
  fs::remove(path, ec);
  if (ec) return IoStatus("cannot remove " + path.string(), ec);
  return Status::OK();
}

// Removes leftover temporary files (and, if `parts_too`, every part file and progress).
Status CleanDirectory(const std::string& dir, bool parts_too) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    bool temp = AtomicFile::IsTemporaryName(name) || name.find(".tmp-") != std::string::npos;
    bool part =
        IsPartName(name) || IsProgressFileName(name) || name == kManifestFile || name == kStateFile;
    if (temp || (parts_too && part)) SLUICE_RETURN_IF_ERROR(RemoveFile(entry.path()));
  }
  if (ec) return IoStatus("cannot list " + dir, ec);
  return Status::OK();
}

// Progress lines of every progress file (the unsharded run's and each shard's) that belong to
// the plan `plan_id`.
std::map<int, ChunkResult> LoadProgress(const std::string& dir, const std::string& plan_id) {
  std::map<int, ChunkResult> done;
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string name = entry.path().filename().string();
    if (IsProgressFileName(name)) files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      // A crash mid-append leaves a truncated last line: it does not parse and is ignored, so
      // that chunk is redone.
      json entry = json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (entry.is_discarded() || !entry.is_object() || !entry.contains("chunk")) continue;
      if (entry.value("plan_id", "") != plan_id) continue;
      ChunkResult result;
      result.index = entry.value("chunk", -1);
      result.key_range = entry.value("key_range", "");
      result.rows = entry.value("rows", int64_t{0});
      result.zero_dates = entry.value("zero_dates", int64_t{0});
      if (entry.contains("range") && entry["range"].is_array() && entry["range"].size() == 3) {
        result.range = KeyRange{entry["range"][0].get<int64_t>(), entry["range"][1].get<int64_t>(),
                                entry["range"][2].get<bool>()};
      }
      if (entry["file"].is_string()) {
        result.file = entry["file"].get<std::string>();
        result.bytes = entry.value("bytes", int64_t{0});
        result.sha256 = entry.value("sha256", "");
      }
      result.reused = true;
      done[result.index] = result;
    }
  }
  return done;
}

// A committed chunk's file is intact: its name, and its size here (or, uploaded and deleted by
// an object-store extract, the store has it). Empty chunks have no file.
bool ChunkFileIntact(const TableState& state, const ChunkResult& result) {
  if (result.file.empty()) return true;
  std::error_code size_ec;
  auto size = fs::file_size(state.dir + "/" + result.file, size_ec);
  bool local_ok = !size_ec && static_cast<int64_t>(size) == result.bytes;
  bool elsewhere = size_ec && state.options.chunk_stored_elsewhere &&
                   state.options.chunk_stored_elsewhere(result);
  return result.file == PartName(result.index) && (local_ok || elsewhere);
}

// Chunks of the current plan that are committed: a progress line, and its file intact.
std::map<int, ChunkResult> VerifiedCommitted(const TableState& state) {
  std::map<int, ChunkResult> out;
  for (auto& [index, result] : LoadProgress(state.dir, state.plan_id)) {
    if (index < 0 || static_cast<size_t>(index) >= state.ranges.size()) continue;
    if (!ChunkFileIntact(state, result)) continue;
    out[index] = result;
  }
  return out;
}

// An ordered pass commits chunks in key order: the unbroken chain of committed chunks from the
// pass's MIN (ranges adjacent, files intact) is what a resumed pass keeps.
std::vector<ChunkResult> CommittedPassChain(const TableState& state) {
  std::vector<ChunkResult> chain;
  for (auto& [index, result] : LoadProgress(state.dir, state.plan_id)) {
    int64_t lo = chain.empty() ? state.pass->lo : chain.back().range->hi + 1;
    if (index != static_cast<int>(chain.size()) || !result.range || result.range->lo != lo ||
        result.range->hi > state.pass->hi ||
        (!chain.empty() && chain.back().range->hi >= state.pass->hi) ||
        !ChunkFileIntact(state, result)) {
      break;
    }
    chain.push_back(result);
  }
  return chain;
}

// Checks a saved plan against this run's table and options; kInvalidArgument names the change.
Status CheckSavedPlan(const json& saved, const TableState& state) {
  const ResolvedSource& source = *state.source;
  if (saved.value("schema_hash", "") != source.schema().Hash()) {
    return Status::InvalidArgument(
        "the schema of " + source.display_name() + " changed since the extract in " + state.dir +
        " began (schema hash " + saved.value("schema_hash", "") + ", now " +
        source.schema().Hash() + "); rerun with --restart to extract it again from scratch");
  }
  if (saved.value("identity", "") != state.identity) {
    return Status::InvalidArgument(
        state.dir +
        " holds an extract made with different options (table, key, --where, "
        "--mode, --chunk-rows/--chunk-keys/--file-bytes or --columns); use the same options to "
        "resume, or "
        "--restart to start over");
  }
  return Status::OK();
}

// Takes over a checked saved plan: its ranges and its id.
void AdoptPlan(json saved, TableState* state) {
  state->ranges.clear();
  for (const auto& item : saved["ranges"]) {
    state->ranges.push_back({item[0].get<int64_t>(), item[1].get<int64_t>(), item[2].get<bool>()});
  }
  state->plan_id = saved.value("plan_id", "");
  if (saved.contains("pass") && saved["pass"].is_array() && saved["pass"].size() == 2) {
    // An interrupted ordered pass goes on as one (whatever --jobs is now): its chunks so far
    // come from the progress log in Begin().
    state->pass = KeyRange{saved["pass"][0].get<int64_t>(), saved["pass"][1].get<int64_t>(), false};
  }
  state->previous = std::move(saved);
}

Status RemoveProgressFiles(const std::string& dir) {
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (IsProgressFileName(entry.path().filename().string())) {
      SLUICE_RETURN_IF_ERROR(RemoveFile(entry.path()));
    }
  }
  if (ec) return IoStatus("cannot list " + dir, ec);
  return Status::OK();
}

std::string ManifestJson(const ExtractOptions& options, const ResolvedSource& source,
                         const Schema& output_schema, const ExtractSummary& summary) {
  json files = json::array();
  for (const auto& chunk : summary.chunks) {
    if (chunk.file.empty()) continue;
    files.push_back({{"file", chunk.file},
                     {"chunk", chunk.index},
                     {"key_range", chunk.key_range},
                     {"rows", chunk.rows},
                     {"bytes", chunk.bytes},
                     {"sha256", chunk.sha256}});
  }
  json schema = json::array();
  for (const auto& column : output_schema.columns) {
    schema.push_back(
        {{"name", column.name}, {"type", DescribeType(column)}, {"nullable", column.nullable}});
  }
  json out = {{"sluice_version", SLUICE_VERSION},
              {"format", kStateFormat},
              {"source", options.url.Redacted()},
              {"table", source.display_name()},
              {"query", source.query().empty() ? json(nullptr) : json(RedactUrl(source.query()))},
              {"where", source.where().empty() ? json(nullptr) : json(RedactUrl(source.where()))},
              {"mode", summary.mode},
              {"key", source.has_key() ? json(source.key_name()) : json(nullptr)},
              {"schema_hash", summary.schema_hash},
              {"schema", schema},
              {"chunks", summary.chunks.size()},
              {"files", files},
              {"total_rows", summary.total_rows},
              {"total_bytes", summary.total_bytes},
              {"zero_dates_as_null", summary.zero_dates}};
  return out.dump(2) + "\n";
}

// Makes this process's plan the table's plan, unless another process saved one first: then that
// plan (checked against this run's table and options) is adopted.
Status FreezePlan(TableState* state) {
  std::error_code ec;
  fs::create_directories(state->dir, ec);
  if (ec) return IoStatus("cannot create " + state->dir, ec);
  std::string path = state->dir + "/" + kStateFile;
  // A manifest without a saved plan is an older plan's (an interrupted --fresh left it): remove
  // it before the new plan exists, as no chunk of that plan can be committed before then.
  if (!fs::exists(path)) SLUICE_RETURN_IF_ERROR(RemoveFile(state->dir + "/" + kManifestFile));
  std::string contents =
      StateJson(*state->source, state->identity, state->ranges, state->plan_id).dump(2) + "\n";
  SLUICE_ASSIGN_OR_RETURN(bool created, CreateFileExclusive(path, contents));
  if (created) return Status::OK();
  std::ifstream in(path);
  json saved = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (saved.is_discarded() || saved.value("format", 0) != kStateFormat) {
    return Status::InvalidArgument(path +
                                   " is not a plan this sluice version can read; start the table "
                                   "over (sluice plan --save --fresh, or sluice run --fresh)");
  }
  SLUICE_RETURN_IF_ERROR(CheckSavedPlan(saved, *state));
  AdoptPlan(std::move(saved), state);
  return Status::OK();
}

// Begin() of one shard. Other shards may be running: only what this shard owns is touched (its
// part files and their temporaries, under its lock), and the plan is adopted or created
// exclusively, never replaced.
Result<std::vector<int>> BeginShard(TableState* state, bool is_scan) {
  const ShardSpec& shard = state->options.shard;
  std::error_code ec;
  fs::create_directories(state->dir, ec);
  if (ec) return IoStatus("cannot create " + state->dir, ec);
  SLUICE_ASSIGN_OR_RETURN(state->shard_lock, ShardLock::Acquire(state->dir, shard));
  if (!state->previous) SLUICE_RETURN_IF_ERROR(FreezePlan(state));
  std::vector<int> pending;
  if (is_scan) {
    // One task, the whole scan: shard 0 runs it as an unsharded run would (it rewrites every
    // part file and the manifest); the other shards have nothing to do.
    if (!shard.Owns(0)) return pending;
    for (const auto& entry : fs::directory_iterator(state->dir, ec)) {
      std::string name = entry.path().filename().string();
      if (PartIndexOf(name) || name == kManifestFile)
        SLUICE_RETURN_IF_ERROR(RemoveFile(entry.path()));
    }
    SLUICE_RETURN_IF_ERROR(RemoveProgressFiles(state->dir));
    pending.push_back(0);
    return pending;
  }
  std::map<int, ChunkResult> committed = VerifiedCommitted(*state);
  {
    std::lock_guard<std::mutex> lock(state->mutex);
    for (auto& [index, result] : committed) {
      if (shard.Owns(index)) state->done[index] = result;
    }
  }
  // This shard's leftovers: part files without a progress line of this plan (a crash between
  // rename and line, or an older plan's, even beyond this plan's end) and temporaries.
  for (const auto& entry : fs::directory_iterator(state->dir, ec)) {
    std::string name = entry.path().filename().string();
    std::optional<int> index = PartIndexOf(name);
    if (!index || !shard.Owns(*index)) continue;
    bool committed_file =
        IsPartName(name) && state->done.count(*index) > 0 && state->done[*index].file == name;
    if (!committed_file) SLUICE_RETURN_IF_ERROR(RemoveFile(entry.path()));
  }
  if (ec) return IoStatus("cannot list " + state->dir, ec);
  for (int index : ShardChunks(shard, static_cast<int>(state->ranges.size()))) {
    if (!state->done.count(index)) pending.push_back(index);
  }
  return pending;
}

}  // namespace

struct TableExtract::Impl {
  TableState state;
};

TableExtract::TableExtract(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
TableExtract::~TableExtract() = default;

const ResolvedSource& TableExtract::source() const { return *impl_->state.source; }
const std::string& TableExtract::dir() const { return impl_->state.dir; }
bool TableExtract::scan() const { return impl_->state.source->mode() == PartitionMode::kScan; }
bool TableExtract::ordered_pass() const { return impl_->state.pass.has_value(); }
bool TableExtract::resumed() const { return impl_->state.previous.has_value(); }
const std::vector<KeyRange>& TableExtract::ranges() const { return impl_->state.ranges; }
int TableExtract::task_count() const {
  return scan() || ordered_pass() ? 1 : static_cast<int>(impl_->state.ranges.size());
}
int TableExtract::owned_task_count() const {
  return static_cast<int>(ShardChunks(impl_->state.options.shard, task_count()).size());
}
std::string TableExtract::DescribeTask(int task) const {
  if (scan()) return "scan";
  if (ordered_pass()) {
    return "ordered pass " + impl_->state.source->DescribeRange(*impl_->state.pass);
  }
  return impl_->state.source->DescribeRange(impl_->state.ranges[static_cast<size_t>(task)]);
}
void TableExtract::Cancel() { impl_->state.stop = true; }

std::vector<ChunkResult> TableExtract::done() const {
  std::lock_guard<std::mutex> lock(impl_->state.mutex);
  std::vector<ChunkResult> out;
  for (const auto& [index, chunk] : impl_->state.done) out.push_back(chunk);
  return out;
}

Result<std::unique_ptr<TableExtract>> TableExtract::Prepare(const ExtractOptions& options,
                                                            Connection* conn) {
  if (!options.writer_factory) return Status::Internal("no writer factory");
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (options.fetch_rows < 1) return Status::InvalidArgument("--fetch-rows must be at least 1");
  if (options.chunk_rows < 1) return Status::InvalidArgument("--chunk-rows must be at least 1");
  if (options.chunk_keys < 1) return Status::InvalidArgument("--chunk-keys must be at least 1");
  if (options.file_bytes != 0 && options.file_bytes < kMinFileBytes) {
    return Status::InvalidArgument("--file-bytes " + std::to_string(options.file_bytes) +
                                   " is too small: at least 1MB (footer and page headers "
                                   "would dominate smaller files)");
  }
  if (options.retries < 0) return Status::InvalidArgument("--retries must not be negative");
  int64_t share = options.memory_limit_bytes / options.jobs;
  if (share < kMinJobMemory) {
    return Status::InvalidArgument(
        "--memory-limit " + std::to_string(options.memory_limit_bytes >> 20) +
        "MB is too small for " + std::to_string(options.jobs) + " jobs (at least 16MB per job)");
  }
  if (options.dest.empty()) return Status::InvalidArgument("--dest is required");
  if (options.shard.enabled() && options.restart) {
    return Status::InvalidArgument(
        "--shard " + options.shard.ToString() +
        " cannot start over (--fresh/--restart would delete the other shards' work): discard the "
        "table once with `sluice plan PIPELINE --only TABLE --save --fresh`, then run the shards");
  }
  if (options.shard.enabled() && options.transform) {
    return Status::NotSupported(
        "--shard with value casts or a data contract is not supported yet (the validation report "
        "of a table is made by one process); run this table without --shard");
  }

  auto impl = std::make_unique<Impl>();
  TableState& state = impl->state;
  state.options = options;
  SLUICE_ASSIGN_OR_RETURN(ResolvedSource resolved, mysql::ResolveSource(conn, options.source));
  state.source_storage.emplace(std::move(resolved));
  state.source = &*state.source_storage;
  // Memory: the writer buffers up to half of a job's share as one row group; a batch in flight
  // is at most an eighth (capped at 32 MiB: beyond that bigger batches buy nothing).
  state.writer_options = options.writer;
  // Encode on a second thread so the cursor keeps draining the server's stream.
  state.writer_options.background_encoding = true;
  state.writer_options.row_group_max_bytes =
      std::min(options.writer.row_group_max_bytes, share / 2);
  state.cursor_options.fetch_rows = options.fetch_rows;
  state.cursor_options.max_batch_bytes = std::clamp<int64_t>(share / 8, 1 << 20, 32 << 20);
  state.cursor_options.convert.strict = options.strict;
  if (state.source->mode() != PartitionMode::kScan && options.file_bytes > 0 &&
      !options.file_bytes_scan_only) {
    return Status::InvalidArgument(
        "--file-bytes applies to scan mode (one streaming pass, files cut as they fill); " +
        state.source->display_name() + " is extracted in " +
        PartitionModeName(state.source->mode()) +
        " mode, whose chunks are sized by --chunk-rows (balanced) or --chunk-keys (range) so "
        "that --jobs N writes the same files as --jobs 1; drop --file-bytes or pass --mode scan");
  }
  if (state.source->mode() != PartitionMode::kScan) {
    state.options.file_bytes = 0;
  } else if (options.file_bytes > 0) {
    state.cursor_options.max_batch_bytes =
        std::min(state.cursor_options.max_batch_bytes,
                 std::max(kMinBatchBytes, options.file_bytes / kFileBytesPerBatch));
  }

  std::string name = options.output_name;
  if (name.empty()) {
    name = options.source.table;
    if (size_t dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
  }
  if (name.empty())
    return Status::InvalidArgument("--table names the output directory; it is required");
  if (name.find('/') != std::string::npos || name == "." || name == "..") {
    return Status::InvalidArgument("bad output name '" + name + "'");
  }
  state.dir = options.dest + "/" + name;
  const ResolvedSource& source = *state.source;
  state.identity = PlanIdentity(options, source);
  if (options.transform) {
    SLUICE_ASSIGN_OR_RETURN(state.transform, options.transform(source, state.dir));
  }
  std::string state_path = state.dir + "/" + kStateFile;
  bool scan = source.mode() == PartitionMode::kScan;

  // Resume check (reads only).
  if (!options.restart && fs::exists(state_path)) {
    std::ifstream in(state_path);
    json loaded = json::parse(in, nullptr, false);
    if (!loaded.is_discarded() && loaded.value("format", 0) == kStateFormat) {
      SLUICE_RETURN_IF_ERROR(CheckSavedPlan(loaded, state));
      AdoptPlan(std::move(loaded), &state);
    } else if (options.shard.enabled()) {
      // Unsharded runs replace an unreadable state; a shard may not replace a plan.
      return Status::InvalidArgument(state_path +
                                     " is not a plan this sluice version can read; start the "
                                     "table over with `sluice plan PIPELINE --save --fresh`");
    }
  }
  if (!state.previous) state.plan_id = NewPlanId();

  if (state.pass && options.shard.enabled()) {
    return Status::NotSupported(state.dir +
                                " holds an interrupted ordered pass (sluice extract --jobs 1); "
                                "finish it with sluice extract, or start the table over");
  }
  if (!scan) {
    if (!state.previous && options.plan_while_streaming && options.jobs == 1 &&
        !options.shard.enabled() && source.mode() == PartitionMode::kBalanced &&
        source.key_is_primary()) {
      // Only MIN and MAX now; the boundaries are found while streaming (RunOrderedPass). A
      // primary key is never NULL, so there is no NULL chunk.
      auto probe = mysql::NewKeyProbe(conn, &source);
      SLUICE_ASSIGN_OR_RETURN(auto min_max, probe->MinMax());
      if (min_max) state.pass = KeyRange{min_max->first, min_max->second, false};
    } else if (!state.previous) {
      source::PlanOptions plan;
      plan.mode = source.mode();
      plan.chunk_rows = options.chunk_rows;
      __int128 width =
          static_cast<__int128>(options.chunk_keys) * source.ordinal_units_per_chunk_key();
      plan.chunk_keys = width > INT64_MAX ? INT64_MAX : static_cast<int64_t>(width);
      auto probe = mysql::NewKeyProbe(conn, &source);
      SLUICE_ASSIGN_OR_RETURN(state.ranges, source::PlanRanges(probe.get(), plan));
    }
  }
  return std::unique_ptr<TableExtract>(new TableExtract(std::move(impl)));
}

Status TableExtract::SavePlan() {
  TableState& state = impl_->state;
  if (state.previous) return Status::OK();  // saved already: that plan stays
  if (!state.options.restart) return FreezePlan(&state);
  std::error_code ec;
  fs::create_directories(state.dir, ec);
  if (ec) return IoStatus("cannot create " + state.dir, ec);
  SLUICE_RETURN_IF_ERROR(CleanDirectory(state.dir, /*parts_too=*/true));
  return AtomicFile::WriteWhole(
      state.dir + "/" + kStateFile,
      StateJson(*state.source, state.identity, state.ranges, state.plan_id).dump(2) + "\n");
}

std::vector<int> TableExtract::CommittedTasks() const {
  std::vector<int> out;
  if (!fs::exists(impl_->state.dir)) return out;
  for (const auto& [index, chunk] : VerifiedCommitted(impl_->state)) out.push_back(index);
  return out;
}

Result<std::vector<int>> TableExtract::Begin() {
  TableState& state = impl_->state;
  const bool is_scan = scan();
  if (state.options.shard.enabled()) return BeginShard(&state, is_scan);
  std::error_code ec;
  fs::create_directories(state.dir, ec);
  if (ec) return IoStatus("cannot create " + state.dir, ec);
  // With a transform nothing is reused: reused chunks would escape validation.
  SLUICE_RETURN_IF_ERROR(CleanDirectory(
      state.dir, /*parts_too=*/!state.previous || is_scan || state.transform != nullptr));
  if (state.transform) SLUICE_RETURN_IF_ERROR(state.transform->Begin());
  // A scan is redone from its start, and the cleaning above removed its state: write it again,
  // or a later run with other options would pass for a resume of this one.
  if (!state.previous || state.transform || is_scan) {
    SLUICE_RETURN_IF_ERROR(AtomicFile::WriteWhole(
        state.dir + "/" + kStateFile,
        StateJson(*state.source, state.identity, state.ranges, state.plan_id, state.pass).dump(2) +
            "\n"));
  }
  std::vector<int> pending;
  if (is_scan) {
    SLUICE_RETURN_IF_ERROR(RemoveProgressFiles(state.dir));
    pending.push_back(0);
    return pending;
  }
  // Chunks committed by an earlier run (or by shards): their progress line and file must agree.
  std::map<int, ChunkResult> earlier;
  if (state.pass) {
    for (auto& result : CommittedPassChain(state)) earlier[result.index] = result;
  } else {
    earlier = VerifiedCommitted(state);
  }
  std::lock_guard<std::mutex> lock(state.mutex);
  for (auto& [index, result] : earlier) {
    state.done[index] = result;
    if (state.pass) state.ranges.push_back(*result.range);
  }
  // Part files without a progress line (a crash between rename and the line) are redone.
  for (const auto& entry : fs::directory_iterator(state.dir, ec)) {
    std::string file = entry.path().filename().string();
    if (!IsPartName(file)) continue;
    bool known = false;
    for (const auto& [index, result] : state.done) known = known || result.file == file;
    if (!known) SLUICE_RETURN_IF_ERROR(RemoveFile(entry.path()));
  }
  if (state.pass) {
    if (state.ranges.empty() || state.ranges.back().hi < state.pass->hi) pending.push_back(0);
    return pending;
  }
  for (size_t index = 0; index < state.ranges.size(); ++index) {
    if (!state.done.count(static_cast<int>(index))) pending.push_back(static_cast<int>(index));
  }
  return pending;
}

Result<std::vector<ChunkResult>> TableExtract::RunTask(Connection* conn, int task, int attempt,
                                                       const ChunkHooks& hooks) {
  TableState& state = impl_->state;
  if (scan()) {
    SLUICE_ASSIGN_OR_RETURN(auto results, RunScanPass(state, conn, attempt, hooks));
    std::lock_guard<std::mutex> lock(state.mutex);
    for (const auto& result : results) state.done[result.index] = result;
    return results;
  }
  if (state.pass) {
    if (task != 0) return Status::Internal("no task " + std::to_string(task));
    return RunOrderedPass(state, conn, attempt, hooks);
  }
  if (task < 0 || static_cast<size_t>(task) >= state.ranges.size()) {
    return Status::Internal("no chunk " + std::to_string(task));
  }
  SLUICE_ASSIGN_OR_RETURN(ChunkResult result, RunKeyedChunk(state, conn, task, attempt, hooks));
  json line = ChunkJson(result);
  if (!state.plan_id.empty()) line["plan_id"] = state.plan_id;
  SLUICE_RETURN_IF_ERROR(
      AppendLineDurable(state.dir + "/" + ProgressFileName(state.options.shard), line.dump()));
  if (!result.file.empty() && state.options.on_file_committed) {
    SLUICE_RETURN_IF_ERROR(state.options.on_file_committed(result));
  }
  std::lock_guard<std::mutex> lock(state.mutex);
  state.done[task] = result;
  return std::vector<ChunkResult>{result};
}

Result<ExtractSummary> TableExtract::Finish(int64_t retries, double elapsed_seconds) {
  TableState& state = impl_->state;
  const ResolvedSource& resolved = *state.source;
  ExtractSummary summary;
  summary.table = resolved.display_name();
  summary.table_dir = state.dir;
  summary.mode = PartitionModeName(resolved.mode());
  summary.key = resolved.has_key() ? resolved.key_name() : "";
  summary.protocol = mysql::ProtocolName(state.options.protocol);
  summary.schema_hash = resolved.schema().Hash();
  ExtractSummary whole = summary;  // every chunk of the table, for the manifest
  auto add = [](ExtractSummary* to, const ChunkResult& chunk) {
    to->total_rows += chunk.rows;
    to->total_bytes += chunk.bytes;
    to->zero_dates += chunk.zero_dates;
    if (chunk.reused) ++to->chunks_reused;
    to->chunks.push_back(chunk);
  };
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.pass) {
      if (state.ranges.empty() || state.ranges.back().hi != state.pass->hi) {
        return Status::Internal("table " + resolved.display_name() +
                                ": the ordered pass did not reach the end of the key range");
      }
    } else if (!scan() && state.done.size() != static_cast<size_t>(owned_task_count())) {
      return Status::Internal("table " + resolved.display_name() + ": " +
                              std::to_string(owned_task_count() - state.done.size()) +
                              " chunks are not done");
    }
    for (auto& [index, chunk] : state.done) add(&summary, chunk);
  }
  summary.retries = retries;
  if (state.transform) SLUICE_RETURN_IF_ERROR(state.transform->Finish());
  const ShardSpec& shard = state.options.shard;
  if (!shard.enabled() || (scan() && shard.Owns(0))) {
    whole = summary;
  } else if (scan()) {
    // The scan is shard 0's: the table is complete once its manifest is there.
    summary.complete = fs::exists(state.dir + "/" + kManifestFile);
  } else {
    // The manifest is written by whichever shard finds every chunk committed; two finding it at
    // once write the same bytes, each atomically.
    std::map<int, ChunkResult> committed = VerifiedCommitted(state);
    summary.complete = committed.size() == state.ranges.size();
    for (auto& [index, chunk] : committed) add(&whole, chunk);
  }
  if (summary.complete) {
    SLUICE_RETURN_IF_ERROR(AtomicFile::WriteWhole(
        state.dir + "/" + kManifestFile,
        ManifestJson(state.options, resolved, state.output_schema(), whole)));
  }
  summary.elapsed_seconds = elapsed_seconds;
  summary.peak_rss_bytes = PeakRssBytes();
  return summary;
}

int64_t PeakRssBytes() {
  struct rusage usage {};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // ru_maxrss is in KiB on Linux
}

Result<ExtractSummary> RunExtract(const ExtractOptions& options) {
  auto started = std::chrono::steady_clock::now();
  if (!options.writer_factory) return Status::Internal("no writer factory");
  if (options.jobs < 1) return Status::InvalidArgument("--jobs must be at least 1");
  if (options.memory_limit_bytes / options.jobs < kMinJobMemory) {
    return Status::InvalidArgument(
        "--memory-limit " + std::to_string(options.memory_limit_bytes >> 20) +
        "MB is too small for " + std::to_string(options.jobs) + " jobs (at least 16MB per job)");
  }
  if (options.dest.empty()) return Status::InvalidArgument("--dest is required");

  // Everything that can fail on user input is checked before the first file is touched.
  SLUICE_ASSIGN_OR_RETURN(auto conn, Connection::Open(options.url, options.connection));
  SLUICE_ASSIGN_OR_RETURN(auto table, TableExtract::Prepare(options, conn.get()));
  // From here on the destination is written.
  SLUICE_ASSIGN_OR_RETURN(std::vector<int> pending, table->Begin());

  std::atomic<size_t> next{0};
  std::atomic<int64_t> retries{0};
  std::mutex failure_mutex;
  Status failure;
  auto fail = [&](const Status& status) {
    std::lock_guard<std::mutex> lock(failure_mutex);
    if (failure.ok()) failure = status;
    table->Cancel();
  };
  const std::string display = table->source().display_name();
  auto worker = [&](std::unique_ptr<Connection> worker_conn) {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(failure_mutex);
        if (!failure.ok()) return;
      }
      size_t pos = next.fetch_add(1);
      if (pos >= pending.size()) break;
      int task = pending[pos];
      std::string where = table->scan() ? "table " + display + " (scan)"
                                        : "table " + display + ", chunk " + std::to_string(task) +
                                              " " + table->DescribeTask(task);
      for (int attempt = 0;; ++attempt) {
        Status status;
        if (!worker_conn) {
          auto opened = Connection::Open(options.url, options.connection);
          if (opened.ok()) {
            worker_conn = std::move(opened).value();
          } else {
            status = opened.status();
          }
        }
        if (worker_conn) {
          auto result = table->RunTask(worker_conn.get(), task, attempt);
          if (result.ok()) break;
          status = result.status();
          // A failed chunk may leave the connection mid-result (or cancelled): never reuse it.
          worker_conn.reset();
        }
        {
          std::lock_guard<std::mutex> lock(failure_mutex);
          if (!failure.ok()) return;
        }
        if (status.code() == StatusCode::kUnavailable && attempt < options.retries) {
          retries.fetch_add(1);
          int64_t backoff = std::min(kMaxBackoffMs, kFirstBackoffMs << attempt);
          std::cerr << "sluice extract: " << where << ": " << RedactUrl(status.message())
                    << "; retrying in " << backoff << " ms (" << attempt + 1 << "/"
                    << options.retries << ")\n";
          SleepMs(backoff);
          continue;
        }
        fail(status.WithContext(where));
        return;
      }
    }
  };
  int workers = std::max(1, std::min<int>(options.jobs, static_cast<int>(pending.size())));
  std::vector<std::thread> threads;
  for (int index = 0; index < workers; ++index) {
    // The planning connection is reused by the first worker (it has no open result).
    std::unique_ptr<Connection> worker_conn = index == 0 ? std::move(conn) : nullptr;
    threads.emplace_back(worker, std::move(worker_conn));
  }
  for (auto& thread : threads) thread.join();
  if (!failure.ok()) return failure;
  double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return table->Finish(retries.load(), elapsed);
}

std::string SummaryJson(const ExtractSummary& summary) {
  json files = json::array();
  for (const auto& chunk : summary.chunks) {
    if (chunk.file.empty()) continue;
    files.push_back({{"file", summary.table_dir + "/" + chunk.file},
                     {"key_range", chunk.key_range},
                     {"rows", chunk.rows},
                     {"bytes", chunk.bytes},
                     {"reused", chunk.reused}});
  }
  json out = {
      {"table", summary.table},
      {"dir", summary.table_dir},
      {"mode", summary.mode},
      {"key", summary.key.empty() ? json(nullptr) : json(summary.key)},
      {"protocol", summary.protocol},
      {"schema_hash", summary.schema_hash},
      {"files", files},
      {"chunks", summary.chunks.size()},
      {"chunks_reused", summary.chunks_reused},
      {"total_rows", summary.total_rows},
      {"total_bytes", summary.total_bytes},
      {"zero_dates_as_null", summary.zero_dates},
      {"retries", summary.retries},
      {"elapsed_seconds", summary.elapsed_seconds},
      {"rows_per_second", summary.elapsed_seconds > 0
                              ? static_cast<double>(summary.total_rows) / summary.elapsed_seconds
                              : 0.0},
      {"peak_rss_bytes", summary.peak_rss_bytes}};
  return out.dump(2);
}

}  // namespace sluice::runner

// ExtractJob: one `sluice extract` of one table into DIR/TABLE/: plan chunks, extract them on
// --jobs connections, write each chunk to its own Parquet file (temporary name, verified, then
// renamed), record progress, and write DIR/TABLE/_manifest.json last, atomically.
//
// Resume: DIR/TABLE/_sluice_state.json (written before the first chunk) fixes the plan; each
// committed chunk appends one fsynced line to _sluice_progress.jsonl. A rerun with the same
// options reuses the plan, skips chunks whose line and file are intact, deletes leftover
// temporary files and stray part files, and extracts the rest; a source schema that changed
// since the plan was made is an error (start over with `restart`). Chunk file names follow the
// plan index (part-00000.parquet, ...), so --jobs N and --jobs 1 produce the same files.
// Scan mode (no key) cannot resume mid-scan: an interrupted scan is redone from the start.
//
// Shards (ExtractOptions::shard, runner/shard.h): several processes extract one table, each the
// chunks its shard owns. The plan is created exclusively or adopted (never replaced), a shard
// touches only its own part files, temporaries and progress file, and the manifest is written by
// whichever shard finds every chunk of the plan committed — possibly none of them when shards
// are still missing (ExtractSummary::complete is false then). Every progress line carries the
// plan's id, so lines left by an older plan are never taken for chunks of this one.
//
// Faults: a chunk that fails with kUnavailable (lost/killed connection, server restart) is
// retried from its first key on a fresh connection with exponential backoff; its partial file
// is discarded (the writer's Abort()). Any other error stops the job with the chunk named.
// Thread-safety: Run() is called once; it owns its worker threads and connections.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runner/shard.h"
#include "sluice/parquet_writer.h"
#include "sluice/result.h"
#include "source/mysql/connection.h"
#include "source/mysql/mysql_source.h"
#include "source/mysql/streaming_cursor.h"
#include "source/partitioner.h"

namespace sluice::runner {

using WriterFactory = std::function<Result<std::unique_ptr<ParquetFileWriter>>(
    const std::string& path, const Schema& schema, const ParquetWriterOptions& options)>;

/// Per-file conversion of batches between the cursor and the writer (value casts, contract
/// checks, quarantined rows). One per attempt at one part file; owned by the thread running it.
/// Destroyed without Commit(): everything of the attempt is discarded (a retry starts afresh).
class ChunkTransform {
 public:
  virtual ~ChunkTransform() = default;
  /// The batch to write for `in` (source schema); owned by this object, valid until the next
  /// call. Errors stop the attempt (kValidationFailed is not retried).
  virtual Result<const ColumnBatch*> Apply(const ColumnBatch& in) = 0;
  /// Source rows that Apply() left out of the output (quarantined).
  virtual int64_t rows_dropped() const = 0;
  /// Called after the part file is committed.
  virtual Status Commit() = 0;
};

/// The table-wide side of a ChunkTransform: made once per extract from the resolved source.
/// Thread-safety: NewChunk() may be called from several chunk threads at once.
class TableTransform {
 public:
  virtual ~TableTransform() = default;
  /// Schema of the batches Apply() returns (what the part files hold).
  virtual const Schema& output_schema() const = 0;
  /// Called by TableExtract::Begin(): removes outputs of an earlier run (rejects, report).
  virtual Status Begin() = 0;
  virtual Result<std::unique_ptr<ChunkTransform>> NewChunk(const std::string& part_file) = 0;
  /// Called by TableExtract::Finish() before the manifest; an error keeps the manifest from
  /// being written and is returned by Finish().
  virtual Status Finish() = 0;
};

/// Makes the table transform once the source is resolved (in TableExtract::Prepare). May fail
/// (e.g. kValidationFailed when the contract's schema checks fail: no row is read then).
using TableTransformFactory = std::function<Result<std::shared_ptr<TableTransform>>(
    const mysql::ResolvedSource& source, const std::string& table_dir)>;

struct ChunkResult;

struct ExtractOptions {
  mysql::ConnectionUrl url;
  mysql::ConnectionOptions connection;
  mysql::SourceOptions source;
  /// Output directory; files go to dest/<table name>/ (or dest/<output_name>/).
  std::string dest;
  /// Directory name under dest; default: the table name without its database.
  std::string output_name;
  mysql::Protocol protocol = mysql::Protocol::kBinary;
  /// balanced: rows per chunk; scan: rows per file. 500,000 rows of a typical 100-200 byte row
  /// gives 20-60 MB files: large enough for efficient reads, small enough to retry cheaply.
  int64_t chunk_rows = 500'000;
  /// range: key values per chunk (the case study used 20,000 customer IDs).
  int64_t chunk_keys = 20'000;
  /// Scan mode: a file is also closed once its Parquet bytes reach this (runner/file_roll.h);
  /// 0: by rows only. Keyed modes reject it: their chunks are planned by rows or keys before or
  /// while reading, the same plan for --jobs N and --jobs 1, and a byte size is only known
  /// after the rows are encoded.
  int64_t file_bytes = 0;
  /// A keyed table ignores `file_bytes` instead of rejecting it (a pipeline's defaults apply to
  /// the tables that run in scan mode).
  bool file_bytes_scan_only = false;
  int64_t fetch_rows = 2'000;
  int jobs = 1;
  /// Balanced mode over a primary key: find the chunk boundaries while reading one stream in
  /// key order (a file is cut every chunk_rows rows) instead of walking the key index first.
  /// The chunks are the ones the index walk would plan, without its cost (a full extra pass
  /// over the clustered index in the server). One connection, unsharded: `sluice extract
  /// --jobs 1`.
  bool plan_while_streaming = false;
  /// Bound on what the extract holds in memory; split evenly across jobs.
  int64_t memory_limit_bytes = 256ll << 20;
  bool strict = false;
  int retries = 3;
  ParquetWriterOptions writer;
  /// Discard any previous (partial or complete) extract in the destination first.
  bool restart = false;
  WriterFactory writer_factory;
  /// Test seam: sleep this long after each batch of a chunk's first attempt (0 = off).
  int debug_batch_delay_ms = 0;
  /// Optional casts/validation between cursor and writer. With a transform every run starts
  /// afresh (earlier chunks are not reused: their rows would not be validated).
  TableTransformFactory transform;
  /// Optional: called (on the chunk's thread) after each part file is committed in
  /// DEST/NAME/; may block (e.g. while an upload spool is full). An error fails the attempt.
  std::function<Status(const ChunkResult& chunk)> on_file_committed;
  /// Optional: asked by Begin() about a chunk an earlier run committed whose part file is gone
  /// from DEST/NAME (uploaded, then deleted, by an object-store extract); true reuses the chunk.
  std::function<bool(const ChunkResult& chunk)> chunk_stored_elsewhere;
  /// Run only this shard's chunks (see the top of this file). Not with `restart` or `transform`.
  ShardSpec shard;
};

struct ChunkResult {
  int index = 0;
  std::string file;       // relative to the table directory; empty for an empty chunk
  std::string key_range;  // "[lo, hi]", "NULL", or "rows a..b" in scan mode
  int64_t rows = 0;
  int64_t bytes = 0;
  std::string sha256;
  int64_t zero_dates = 0;
  bool reused = false;  // committed by an earlier run
  /// The chunk's key range in ordinals (keyed chunks); progress lines keep it so an ordered
  /// pass can resume after its last committed chunk.
  std::optional<source::KeyRange> range;
};

struct ExtractSummary {
  std::string table;
  std::string table_dir;
  std::string mode;
  std::string key;
  std::string protocol;
  std::string schema_hash;
  std::vector<ChunkResult> chunks;  // plan order
  int64_t total_rows = 0;
  int64_t total_bytes = 0;
  int64_t zero_dates = 0;
  int64_t chunks_reused = 0;
  int64_t retries = 0;
  double elapsed_seconds = 0;
  int64_t peak_rss_bytes = 0;
  /// False when a shard finished its chunks but others are missing: no manifest was written.
  /// `chunks` and the totals are this process's (its shard's) in any case.
  bool complete = true;
};

/// Runs the extract. Everything that can be checked (URL, credentials, table, columns, key,
/// types, options) is checked before anything is written.
Result<ExtractSummary> RunExtract(const ExtractOptions& options);

/// Observers of one chunk attempt (all optional; called on the thread running the chunk).
struct ChunkHooks {
  /// After each batch is written: rows and approximate bytes of this attempt so far.
  std::function<void(int64_t rows, int64_t bytes)> on_batch;
};

/// The pieces RunExtract is made of, for schedulers that run the chunks of many tables on one
/// shared pool (the pipeline runner). Life cycle:
///   Prepare (reads only: resolve, plan or reload the saved plan) -> Begin (writes the state,
///   cleans leftovers, returns the chunks still to do) -> RunChunk per chunk, retried by the
///   caller on kUnavailable -> Finish (manifest, written last).
/// Task indices: a keyed table has one task per planned range; a scan table has one task (0),
/// the whole scan, whose files are rolled every chunk_rows rows or file_bytes bytes (whichever
/// comes first); an ordered pass has one task
/// (0) that resumes after the chunks it (or an earlier run) committed.
/// Thread-safety: RunChunk may run concurrently for distinct tasks (each on its own
/// connection); the other calls are made from one thread, not concurrently with RunChunk.
class TableExtract {
 public:
  /// Checks the options, resolves the source on `conn` (borrowed for this call only) and plans
  /// the chunks, or reuses the plan saved by an earlier, interrupted run. Writes nothing.
  static Result<std::unique_ptr<TableExtract>> Prepare(const ExtractOptions& options,
                                                       mysql::Connection* conn);
  ~TableExtract();
  TableExtract(const TableExtract&) = delete;
  TableExtract& operator=(const TableExtract&) = delete;

  const mysql::ResolvedSource& source() const;
  /// DEST/NAME: where the files and the manifest go.
  const std::string& dir() const;
  bool scan() const;
  /// One task reads the whole key range in order, cutting chunks as it goes
  /// (ExtractOptions::plan_while_streaming); ranges() grows as it commits them.
  bool ordered_pass() const;
  /// True when the plan was loaded from an earlier run's state (resume).
  bool resumed() const;
  /// Planned key ranges (empty in scan mode).
  const std::vector<source::KeyRange>& ranges() const;
  int task_count() const;
  /// Tasks this process runs: task_count(), or its shard's share.
  int owned_task_count() const;
  /// "[lo, hi]", "NULL" or "scan".
  std::string DescribeTask(int task) const;

  /// Saves the plan in DEST/NAME/_sluice_state.json (`sluice plan --save`) so that every later
  /// run and shard uses it. With a plan saved already nothing changes; when another process
  /// saves one first, this one adopts it (ranges() changes). With `restart` the table's state
  /// and files are discarded first and the new plan replaces any saved one.
  Status SavePlan();
  /// Chunks committed under the current plan (progress line and intact file), read-only.
  std::vector<int> CommittedTasks() const;

  /// Creates the directory, writes the plan state, removes temporary and stray files, and
  /// loads the chunks committed by earlier runs. Returns the tasks still to run, in plan order.
  /// Sharded: takes the shard's lock, adopts or exclusively creates the plan, and cleans only
  /// what the shard owns; returns the shard's tasks still to run.
  Result<std::vector<int>> Begin();
  /// One attempt at `task` on `conn`. On success the task's files are committed (renamed and
  /// recorded in the progress log) and returned; on failure nothing of the attempt remains.
  /// kUnavailable means the attempt may be retried (on a fresh connection).
  Result<std::vector<ChunkResult>> RunTask(mysql::Connection* conn, int task, int attempt,
                                           const ChunkHooks& hooks = {});
  /// Makes running attempts stop early (they fail with kInternal "stopped").
  void Cancel();
  /// Chunks committed so far (this run and earlier runs; sharded: the shard's), plan order.
  std::vector<ChunkResult> done() const;
  /// Writes the manifest (sharded: when every chunk of every shard is committed).
  /// REQUIRES: every task returned by Begin() succeeded.
  Result<ExtractSummary> Finish(int64_t retries, double elapsed_seconds);

 private:
  struct Impl;
  explicit TableExtract(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// The JSON summary `sluice extract --json` prints.
std::string SummaryJson(const ExtractSummary& summary);

/// Peak resident set size of this process (getrusage), in bytes.
int64_t PeakRssBytes();

}  // namespace sluice::runner

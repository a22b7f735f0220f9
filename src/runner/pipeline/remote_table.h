// Remote tables of `sluice run` (an s3:// or gs:// destination): the pipeline's side of
// runner::RemoteExtract, the machinery of `sluice extract --dest s3://...`.
//  - Each table's chunks are written into the staging directory (STAGING/TABLE/), uploaded one
//    by one as they commit (while the next chunks are extracted) and deleted locally; at most
//    max_local_disk bytes of part files wait for their upload (extraction waits when full).
//  - Resume: each part is stored with its chunk record and the plan state under
//    TABLE/_sluice/, so a rerun on another machine (an empty staging directory: an Airflow
//    retry on another worker) extracts only the chunks not recorded remotely.
//  - Shards (`--shard I/N`) and `sluice plan --save`: the plan is frozen remotely
//    (TABLE/_sluice/state.json, created only if absent: S3 If-None-Match, GCS
//    ifGenerationMatch=0) and every later process adopts it; each shard uploads its chunks with
//    their records; a shard that ends loads every process's records and, when every chunk of
//    the plan is recorded, publishes the manifest. Two shards publishing at once: the one that
//    loses the commit succeeds when the published manifest lists the same data.
//    Stores without conditional writes (Swift) freeze the plan by check-then-put: two shards
//    starting in the same instant may each freeze one; the one overwritten fails at its end
//    (its chunks never mix into the other plan's manifest) and a rerun redoes them. Running
//    `sluice plan --save` before the shards (the Airflow DAG does) avoids that window.
// Thread-safety: the calls for one table come from one thread at a time (the scheduler's).
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "runner/extract_job.h"
#include "runner/remote_extract.h"
#include "runner/shard.h"
#include "sluice/result.h"
#include "source/mysql/connection.h"

namespace sluice::runner::pipeline {

struct RemoteTableOptions {
  std::string destination;   // s3://BUCKET/PREFIX or gs://BUCKET/PREFIX
  std::string staging_root;  // the table's files go to STAGING/TABLE/
  int64_t max_local_bytes = 0;
  int writers = 1;  // chunks of the table written at once (the source's max_connections)
  bool restart = false;
  ShardSpec shard;
  bool shared_plan = false;  // shards and `plan --save`: the plan is frozen remotely
  std::ostream* log = nullptr;
};

/// Before TableExtract::Prepare: opens the store, restores the remote records of an earlier
/// run into the staging directory (or, with `restart`, deletes them) and installs the upload
/// hooks into `options` (options->dest becomes the staging root).
Result<std::unique_ptr<RemoteExtract>> BeginRemoteTable(const RemoteTableOptions& remote,
                                                        ExtractOptions* options);

/// TableExtract::Prepare, and with a shared plan: SavePlan, then the plan frozen remotely, or
/// the remotely frozen plan adopted (the table is prepared again on it).
Result<std::unique_ptr<TableExtract>> PrepareRemoteTable(RemoteExtract* remote, bool shared_plan,
                                                         const ExtractOptions& options,
                                                         mysql::Connection* conn);

struct RemoteTableResult {
  ExtractSummary summary;          // complete: the remote manifest lists the whole table
  std::vector<std::string> files;  // remote URLs of this process's part files, plan order
  std::string description;         // what was uploaded or published, for the log
};

/// After the table's (this shard's) last chunk: TableExtract::Finish, then the manifest
/// published when the table is complete.
Result<RemoteTableResult> FinishRemoteTable(RemoteExtract* remote, TableExtract* extract,
                                            const ShardSpec& shard, int64_t retries,
                                            double elapsed_seconds);

/// After a failed contract: uploads the validation report and the rejected rows (no manifest;
/// the local copies stay). Returns a line for the log.
std::string UploadRemoteValidation(RemoteExtract* remote);

}  // namespace sluice::runner::pipeline

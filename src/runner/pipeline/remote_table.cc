#include "runner/pipeline/remote_table.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "common/redact.h"
#include "storage/object_url.h"
#include "storage/table_publisher.h"

namespace sluice::runner::pipeline {
namespace {

using json = nlohmann::json;
// What identifies the data of one manifest entry: chunk, key range, rows, sha256.
using FileIdentity = std::tuple<int64_t, std::string, int64_t, std::string>;

std::set<FileIdentity> ManifestFiles(const json& manifest) {
  std::set<FileIdentity> out;
  if (!manifest.is_object() || !manifest.contains("files") || !manifest["files"].is_array()) {
    return out;
  }
  for (const auto& entry : manifest["files"]) {
    if (!entry.is_object()) continue;
    out.insert({entry.value("chunk", int64_t{-1}), entry.value("key_range", ""),
                entry.value("rows", int64_t{-1}), entry.value("sha256", "")});
  }
  return out;
}

// The table's published manifest, parsed; null when there is none.
Result<json> PublishedManifest(RemoteExtract* remote) {
  auto text = remote->store()->Get(storage::JoinKey(remote->name(), storage::kManifestName));
  if (!text.ok()) {
    if (text.status().code() == StatusCode::kNotFound) return json();
    return text.status();
  }
  json manifest = json::parse(*text, nullptr, false);
  return manifest.is_object() ? manifest : json();
}

// True when the published manifest lists the same files as the local one (another shard
// committed the same table first).
Result<bool> PublishedSameTable(RemoteExtract* remote, const ExtractSummary& summary) {
  SLUICE_ASSIGN_OR_RETURN(json published, PublishedManifest(remote));
  std::ifstream in(summary.table_dir + "/" + storage::kManifestName);
  json local = json::parse(in, nullptr, false);
  if (published.is_null() || !local.is_object()) return false;
  return published.value("schema_hash", "") == local.value("schema_hash", "") &&
         published.value("total_rows", int64_t{-1}) == local.value("total_rows", int64_t{-2}) &&
         ManifestFiles(published) == ManifestFiles(local);
}

// True when a published manifest lists every file of `summary` (this process's chunks): another
// shard completed and published the table.
Result<bool> PublishedListsChunks(RemoteExtract* remote, const ExtractSummary& summary) {
  SLUICE_ASSIGN_OR_RETURN(json published, PublishedManifest(remote));
  if (published.is_null() || published.value("schema_hash", "") != summary.schema_hash) {
    return false;
  }
  std::set<FileIdentity> listed = ManifestFiles(published);
  for (const auto& chunk : summary.chunks) {
    if (chunk.file.empty()) continue;
    if (!listed.count({chunk.index, chunk.key_range, chunk.rows, chunk.sha256})) return false;
  }
  return true;
}

}  // namespace

Result<std::unique_ptr<RemoteExtract>> BeginRemoteTable(const RemoteTableOptions& remote,
                                                        ExtractOptions* options) {
  RemoteExtractOptions begin;
  begin.dest = remote.destination;
  begin.spool = remote.staging_root;
  begin.max_local_bytes = remote.max_local_bytes;
  begin.restart = remote.restart;
  begin.log = remote.log;
  begin.log_prefix = "sluice run: ";
  begin.writers = remote.writers;
  // A shard's staging directory may hold an older plan; the stored one is the table's.
  begin.prefer_remote_state = remote.shared_plan;
  return RemoteExtract::Begin(begin, options);
}

Result<std::unique_ptr<TableExtract>> PrepareRemoteTable(RemoteExtract* remote, bool shared_plan,
                                                         const ExtractOptions& options,
                                                         mysql::Connection* conn) {
  SLUICE_ASSIGN_OR_RETURN(auto extract, TableExtract::Prepare(options, conn));
  if (!shared_plan) return extract;
  SLUICE_RETURN_IF_ERROR(extract->SavePlan());
  SLUICE_ASSIGN_OR_RETURN(bool ours, remote->SharePlan());
  if (ours) return extract;
  // Another process froze the plan first; SharePlan put it into the staging directory, where
  // Prepare adopts it (checked against this run's table and options).
  ExtractOptions adopt = options;
  adopt.restart = false;
  SLUICE_ASSIGN_OR_RETURN(extract, TableExtract::Prepare(adopt, conn));
  if (!extract->resumed()) {
    return Status::Internal("the plan stored for " + remote->table_url() + " was not adopted");
  }
  return extract;
}

Result<RemoteTableResult> FinishRemoteTable(RemoteExtract* remote, TableExtract* extract,
                                            const ShardSpec& shard, int64_t retries,
                                            double elapsed_seconds) {
  const bool sharded = shard.enabled();
  // A shard learns what the others stored (a scan table is shard 0's alone).
  bool plan_stored = true;
  if (sharded && !extract->scan()) {
    SLUICE_ASSIGN_OR_RETURN(plan_stored, remote->SyncRecords(extract->done()));
  }
  RemoteTableResult out;
  SLUICE_ASSIGN_OR_RETURN(out.summary, extract->Finish(retries, elapsed_seconds));
  for (const auto& chunk : out.summary.chunks) {
    if (chunk.file.empty()) continue;
    out.files.push_back(remote->store()->DisplayName(
        storage::JoinKey(remote->name(), storage::PublishedName(chunk.file, chunk.sha256))));
  }
  if (out.summary.complete) {
    auto published = remote->Publish(out.summary);
    if (published.ok()) {
      out.description = *published;
      return out;
    }
    if (!sharded || !IsConflict(published.status())) return published.status();
    // Another shard found the table complete at the same time and committed first.
    SLUICE_ASSIGN_OR_RETURN(bool same, PublishedSameTable(remote, out.summary));
    if (!same) return published.status();
    out.description = remote->table_url() + " was published by another shard (same files)";
    return out;
  }
  // A shard whose table misses other shards' chunks. Its plan's records are gone when another
  // shard published the table meanwhile: complete if that manifest lists this shard's files.
  if (!plan_stored || extract->scan()) {
    SLUICE_ASSIGN_OR_RETURN(out.summary.complete, PublishedListsChunks(remote, out.summary));
  }
  out.description = std::to_string(out.files.size()) + " files stored under " +
                    remote->table_url() +
                    (out.summary.complete ? "; the table was published by another shard"
                                          : "; the manifest waits for the other shards");
  return out;
}

std::string UploadRemoteValidation(RemoteExtract* remote) {
  auto uploaded = remote->UploadValidation();
  if (!uploaded.ok()) {
    return "the validation report and rejected rows stay in " + remote->spool() + "/" +
           remote->name() + " (upload failed: " + Redact(uploaded.status().ToString()) + ")";
  }
  std::string out = "uploaded the validation outputs:";
  for (const auto& key : *uploaded) out += " " + remote->store()->DisplayName(key);
  return out;
}

}  // namespace sluice::runner::pipeline

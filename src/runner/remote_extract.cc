#include "runner/remote_extract.h"

#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/atomic_file.h"
#include "common/sha256.h"
#include "storage/hashing.h"
#include "storage/object_url.h"

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

// The local resume files of extract_job.cc (its plan state and progress log).
constexpr const char* kLocalState = "_sluice_state.json";
constexpr const char* kLocalProgress = "_sluice_progress.jsonl";

std::string Sha256Hex(const std::string& text) {
  Sha256 hash;
  hash.Update(text.data(), text.size());
  return hash.HexDigest();
}

// The directory name under --dest (what TableExtract::Prepare derives).
std::string OutputName(const ExtractOptions& options) {
  std::string name = options.output_name;
  if (name.empty()) {
    name = options.source.table;
    if (size_t dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);
  }
  return name;
}

std::string Megabytes(int64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f MB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// A chunk's resume record as stored with its part (object metadata is small: Swift allows 256
// bytes per value, so short names, and only the state's first 16 hex digits): what extract_job's
// progress line needs beyond what the object tells (size, sha256).
json CompactRecord(const ChunkResult& chunk, const std::string& fingerprint) {
  json out = {{"c", chunk.index}, {"f", chunk.file},       {"k", chunk.key_range},
              {"r", chunk.rows},  {"z", chunk.zero_dates}, {"s", fingerprint.substr(0, 16)}};
  // An ordered pass resumes by the chain of committed key ranges.
  if (chunk.range) out["g"] = {chunk.range->lo, chunk.range->hi, chunk.range->null_keys};
  return out;
}

// The progress line (extract_job.cc's fields) of a compact record and its object's size and
// sha256; "state" keeps the fingerprint prefix it belongs to.
json ExpandRecord(const json& compact, int64_t bytes, const std::string& sha256) {
  json line = {{"chunk", compact.value("c", -1)},
               {"file", compact.value("f", "")},
               {"key_range", compact.value("k", "")},
               {"rows", compact.value("r", int64_t{0})},
               {"zero_dates", compact.value("z", int64_t{0})},
               {"bytes", bytes},
               {"sha256", sha256},
               {"state", compact.value("s", "")}};
  if (compact.contains("g")) line["range"] = compact["g"];
  return line;
}

// PREFIX/NAME/_sluice/: the in-progress records of a remote extract.
std::string RecordsPrefix(const std::string& name) {
  return storage::JoinKey(name, std::string(storage::kResumeDir) + "/");
}

}  // namespace

Result<std::unique_ptr<RemoteExtract>> RemoteExtract::Begin(const RemoteExtractOptions& remote,
                                                            ExtractOptions* options) {
  std::unique_ptr<RemoteExtract> self(new RemoteExtract());
  self->options_ = remote;
  SLUICE_ASSIGN_OR_RETURN(self->store_, ObjectStore::Open(remote.dest));
  self->name_ = OutputName(*options);
  if (self->name_.empty() || self->name_.find('/') != std::string::npos) {
    return Status::InvalidArgument("bad output name '" + self->name_ + "'");
  }
  // The first request: bad credentials or a missing bucket fail here, before any extraction.
  SLUICE_ASSIGN_OR_RETURN(
      self->base_, storage::ObserveManifest(self->store_.get(),
                                            storage::JoinKey(self->name_, storage::kManifestName)));
  if (remote.spool.empty()) {
    // Temporary spools of extracts killed before they could remove them (kill -9, the OOM
    // killer) would stay forever, one more per retry: they go first.
    std::string parent = TemporarySpoolParent();
    for (const auto& dead : SweepDeadSpools(parent)) {
      self->Log("removed " + dead.path + " (" + Megabytes(dead.bytes) +
                "), the temporary spool of an extract that is no longer running");
    }
    SLUICE_ASSIGN_OR_RETURN(self->spool_dir_, SpoolDir::Create(parent));
    self->spool_ = self->spool_dir_->path();
    self->temporary_spool_ = true;
  } else {
    self->spool_ = remote.spool;
  }
  self->table_dir_ = self->spool_ + "/" + self->name_;
  if (remote.restart) {
    SLUICE_RETURN_IF_ERROR(self->DeleteRecords());
  } else if (remote.prefer_remote_state || !fs::exists(self->table_dir_ + "/" + kLocalState)) {
    SLUICE_RETURN_IF_ERROR(self->Restore());
  }
  self->uploader_ = std::make_unique<ChunkUploader>(self->store_.get(), self->table_dir_,
                                                    self->name_, remote.max_local_bytes);
  // One listing instead of a HEAD per part (and per resumed chunk).
  SLUICE_ASSIGN_OR_RETURN(auto listed, self->store_->List(self->name_ + "/"));
  self->sizes_.emplace();
  for (const auto& info : listed) (*self->sizes_)[info.key] = info.size;
  self->uploader_->SetInitialListing(*self->sizes_);
  self->uploader_->SetWriters(remote.writers > 0 ? remote.writers : options->jobs);
  RemoteExtract* raw = self.get();
  options->dest = self->spool_;
  options->on_file_committed = [raw](const ChunkResult& chunk) { return raw->OnCommitted(chunk); };
  options->chunk_stored_elsewhere = [raw](const ChunkResult& chunk) {
    return raw->StoredRemotely(chunk);
  };
  return self;
}

RemoteExtract::~RemoteExtract() {
  uploader_.reset();
  if (temporary_spool_) {
    std::error_code ec;
    fs::remove_all(spool_, ec);
  }
}

void RemoteExtract::Log(const std::string& text) const {
  if (options_.log != nullptr) *options_.log << options_.log_prefix << text << "\n";
}

Status RemoteExtract::DeleteRecords() {
  SLUICE_ASSIGN_OR_RETURN(auto records, store_->List(RecordsPrefix(name_)));
  for (const auto& info : records) SLUICE_RETURN_IF_ERROR(store_->Delete(info.key));
  return Status::OK();
}

// Restores the plan state and the chunk records of an interrupted run into the spool, where
// TableExtract::Prepare/Begin find them as if the run had used this spool.
Status RemoteExtract::Restore() {
  auto state = store_->Get(RecordsPrefix(name_) + "state.json");
  if (!state.ok()) {
    return state.status().code() == StatusCode::kNotFound ? Status::OK() : state.status();
  }
  return RestoreRecords(*state, /*log=*/true);
}

// Writes the remote plan `state` and the chunk records stored for it into the spool.
Status RemoteExtract::RestoreRecords(const std::string& state, bool log) {
  std::string fingerprint = Sha256Hex(state);
  // Progress lines name the plan they belong to (extract_job.cc ignores other plans' lines).
  json state_json = json::parse(state, nullptr, false);
  std::string plan_id = state_json.is_object() ? state_json.value("plan_id", "") : "";
  // Records: on the parts (metadata), and apart for parts another run had stored.
  std::vector<std::string> texts;
  SLUICE_ASSIGN_OR_RETURN(auto listed, store_->List(name_ + "/"));
  std::vector<std::string> parts;
  for (const auto& info : listed) {
    std::string rest = info.key.substr(name_.size() + 1);
    if (rest.starts_with("part-") && rest.find('/') == std::string::npos) {
      parts.push_back(info.key);
    } else if (rest.starts_with(std::string(storage::kResumeDir) + "/chunks/")) {
      SLUICE_ASSIGN_OR_RETURN(std::string text, store_->Get(info.key));
      texts.push_back(std::move(text));
    }
  }
  SLUICE_ASSIGN_OR_RETURN(auto from_parts, RecordsOfParts(parts));
  texts.insert(texts.end(), from_parts.begin(), from_parts.end());
  std::map<int, std::string> lines;  // chunk -> progress line
  for (const auto& text : texts) {
    json record = json::parse(text, nullptr, false);
    // Records of another plan (another run's parts, a --restart) are not this state's.
    if (!record.is_object() || record.value("state", "") != fingerprint.substr(0, 16)) continue;
    record.erase("state");
    if (!plan_id.empty()) record["plan_id"] = plan_id;
    lines[record.value("chunk", -1)] = record.dump();
  }
  std::string progress;
  for (const auto& [chunk, line] : lines) progress += line + "\n";
  restored_chunks_ = static_cast<int64_t>(lines.size());
  std::error_code ec;
  fs::create_directories(table_dir_, ec);
  if (ec) return Status::IoError("cannot create " + table_dir_ + ": " + ec.message());
  SLUICE_RETURN_IF_ERROR(AtomicFile::WriteWhole(table_dir_ + "/" + kLocalState, state));
  SLUICE_RETURN_IF_ERROR(AtomicFile::WriteWhole(table_dir_ + "/" + kLocalProgress, progress));
  if (log) {
    // A shard (prefer_remote_state) restores the table's shared plan, not its own interruption.
    Log((options_.prefer_remote_state ? "using the plan stored for " + table_url()
                                      : "resuming the interrupted upload to " + table_url()) +
        ": " + std::to_string(restored_chunks_) + " chunks recorded as stored");
  }
  return Status::OK();
}

Result<std::string> RemoteExtract::LocalState() const {
  std::ifstream in(table_dir_ + "/" + kLocalState, std::ios::binary);
  if (!in) return Status::IoError("cannot read the plan state in " + table_dir_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Result<bool> RemoteExtract::SharePlan() {
  const std::string key = RecordsPrefix(name_) + "state.json";
  SLUICE_ASSIGN_OR_RETURN(std::string local, LocalState());
  PutOptions put;
  put.content_type = "application/json";
  put.if_absent = true;
  Status stored = store_->Put(key, local, put).status();
  if (stored.code() == StatusCode::kNotSupported) {
    // Swift's s3api: no create-only put. Check, then put: two processes freezing a plan in the
    // same instant both succeed here, and the one whose plan was overwritten finds out in
    // SyncRecords() (its chunks are never mixed into the other plan's manifest).
    Log("warning: " + store_->DisplayName(key) +
        ": the store does not support conditional writes; shards starting at the same moment "
        "could each freeze a plan (run `sluice plan --save` before the shards)");
    auto existing = store_->Get(key);
    if (existing.ok()) {
      stored = Status::InvalidArgument("conflict: " + store_->DisplayName(key) + " exists");
    } else if (existing.status().code() == StatusCode::kNotFound) {
      put.if_absent = false;
      stored = store_->Put(key, local, put).status();
    } else {
      return existing.status();
    }
  }
  bool ours = stored.ok();
  if (!ours) {
    if (!IsConflict(stored)) return stored;
    SLUICE_ASSIGN_OR_RETURN(std::string theirs, store_->Get(key));
    ours = theirs == local;
    if (!ours) {
      // Another process froze the table's plan first: it is the plan.
      SLUICE_RETURN_IF_ERROR(RestoreRecords(theirs, /*log=*/false));
      Log("adopted the plan stored at " + store_->DisplayName(key) + " (" +
          std::to_string(restored_chunks_) + " chunks recorded as stored)");
    }
  }
  std::lock_guard<std::mutex> lock(mutex_);
  state_shared_ = true;
  fingerprint_.reset();
  return ours;
}

Result<bool> RemoteExtract::SyncRecords(const std::vector<ChunkResult>& own) {
  SLUICE_RETURN_IF_ERROR(uploader_->Finish());
  const std::string key = RecordsPrefix(name_) + "state.json";
  auto stored = store_->Get(key);
  if (!stored.ok()) {
    if (stored.status().code() == StatusCode::kNotFound) return false;
    return stored.status();
  }
  SLUICE_ASSIGN_OR_RETURN(std::string local, LocalState());
  if (*stored != local) {
    return Status::InvalidArgument(
        store_->DisplayName(key) +
        " holds another plan than the one this process extracted (it was replaced while this "
        "process ran: --fresh elsewhere, or a shard that froze a plan at the same moment on a "
        "store without conditional writes); this process's chunks are not part of it: run it "
        "again to extract its chunks of the stored plan");
  }
  SLUICE_ASSIGN_OR_RETURN(std::string fingerprint, StateFingerprint());
  for (const auto& chunk : own) {
    if (!chunk.file.empty() || fingerprint.empty()) continue;
    char stem[32];
    std::snprintf(stem, sizeof(stem), "empty-%05d.json", chunk.index);
    json record = ExpandRecord(CompactRecord(chunk, fingerprint), 0, "");
    SLUICE_RETURN_IF_ERROR(
        store_->Put(RecordsPrefix(name_) + "chunks/" + stem, record.dump()).status());
  }
  SLUICE_RETURN_IF_ERROR(RestoreRecords(*stored, /*log=*/false));
  // Other processes' parts are found by StoredRemotely() through this listing.
  SLUICE_ASSIGN_OR_RETURN(auto listed, store_->List(name_ + "/"));
  sizes_.emplace();
  for (const auto& info : listed) (*sizes_)[info.key] = info.size;
  return true;
}

// The resume records stored as metadata of `keys`, as progress lines (HEAD requests on a few
// threads: this runs only when a rerun restores an interrupted upload).
Result<std::vector<std::string>> RemoteExtract::RecordsOfParts(
    const std::vector<std::string>& keys) {
  std::vector<std::string> out(keys.size());
  std::atomic<size_t> next{0};
  std::mutex mutex;
  Status first_error;
  auto worker = [&]() {
    for (size_t index = next.fetch_add(1); index < keys.size(); index = next.fetch_add(1)) {
      auto head = store_->Head(keys[index]);
      if (!head.ok()) {
        if (head.status().code() == StatusCode::kNotFound) continue;  // deleted meanwhile
        std::lock_guard<std::mutex> lock(mutex);
        if (first_error.ok()) first_error = head.status();
        return;
      }
      auto found = head->metadata.find(kChunkRecordMetadata);
      if (found == head->metadata.end()) continue;
      auto decoded = storage::Base64Decode(found->second);
      json compact = json::parse(decoded.ok() ? *decoded : "", nullptr, false);
      if (!compact.is_object()) continue;
      out[index] = ExpandRecord(compact, head->size, head->sha256_hex).dump();
    }
  };
  std::vector<std::thread> pool;
  for (size_t thread_idx = 1; thread_idx < std::min<size_t>(4, keys.size()); ++thread_idx) {
    pool.emplace_back(worker);
  }
  worker();
  for (auto& thread : pool) thread.join();
  SLUICE_RETURN_IF_ERROR(first_error);
  return out;
}

// The sha256 of the local plan state; the state is uploaded once, ahead of the first chunk
// record (the uploader keeps order), so every record the store holds has its state stored too.
Result<std::string> RemoteExtract::StateFingerprint() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (fingerprint_) return *fingerprint_;
  std::ifstream in(table_dir_ + "/" + kLocalState, std::ios::binary);
  if (!in) {
    fingerprint_ = "";  // no plan state (nothing to resume against): no records
    return *fingerprint_;
  }
  std::stringstream text;
  text << in.rdbuf();
  // Queued ahead of the first record: the chunk thread does not wait for this request. A
  // shared plan is stored already (and must not be overwritten).
  if (!state_shared_) {
    SLUICE_RETURN_IF_ERROR(
        uploader_->EnqueueObject(RecordsPrefix(name_) + "state.json", text.str()));
  }
  fingerprint_ = Sha256Hex(text.str());
  return *fingerprint_;
}

Status RemoteExtract::OnCommitted(const ChunkResult& chunk) {
  SLUICE_ASSIGN_OR_RETURN(std::string fingerprint, StateFingerprint());
  ChunkRecord record;
  if (!fingerprint.empty()) {
    json compact = CompactRecord(chunk, fingerprint);
    record.compact = compact.dump();
    record.full = ExpandRecord(compact, chunk.bytes, chunk.sha256).dump();
    std::string stem = chunk.file.substr(0, chunk.file.rfind('.'));
    record.object_key = RecordsPrefix(name_) + "chunks/" + stem + ".json";
  }
  return uploader_->Enqueue(chunk.file, chunk.bytes, chunk.sha256, record);
}

bool RemoteExtract::StoredRemotely(const ChunkResult& chunk) {
  const std::string key = storage::JoinKey(name_, storage::PublishedName(chunk.file, chunk.sha256));
  auto found = sizes_->find(key);
  if (found == sizes_->end() || found->second != chunk.bytes) return false;
  auto head = store_->Head(key);
  return head.ok() && head->sha256_hex == chunk.sha256;
}

Result<std::string> RemoteExtract::Publish(const ExtractSummary& summary) {
  SLUICE_RETURN_IF_ERROR(uploader_->Finish());
  UploaderStats stats = uploader_->stats();
  storage::PublishOptions publish;
  publish.delete_local = true;
  publish.base = base_;
  publish.verified = uploader_->verified();
  // Deletable after the commit: what was stored when this run began, and its own uploads.
  publish.stale_candidates.emplace();
  for (const auto& [key, size] : *sizes_) publish.stale_candidates->insert(key);
  for (const auto& [key, sha] : publish.verified) publish.stale_candidates->insert(key);
  publish.on_warning = [this](const std::string& text) { Log("warning: " + text); };
  auto published = storage::PublishTable(store_.get(), summary.table_dir, name_, publish);
  if (IsConflict(published.status())) {
    // Another run won: this run's records must not make a later rerun resume its plan.
    (void)DeleteRecords();
  }
  SLUICE_ASSIGN_OR_RETURN(auto report, std::move(published));
  // PublishTable finds the uploader's files stored already: only the rest was there before.
  int64_t already_there = report.files_skipped - stats.files_uploaded;
  return "published " + table_url() + ": " +
         std::to_string(stats.files_uploaded + report.files_uploaded) + " files uploaded (" +
         std::to_string(stats.bytes_uploaded + report.bytes_uploaded) + " bytes), " +
         std::to_string(already_there) + " already there, " +
         std::to_string(summary.chunks_reused) + " chunks reused, peak spool " +
         std::to_string(stats.peak_spool_bytes) + " bytes, " + std::to_string(stats.waits) +
         " waits for spool room, " + std::to_string(report.stale_deleted) + " stale deleted";
}

Result<std::vector<std::string>> RemoteExtract::UploadValidation() {
  return storage::UploadValidationFiles(store_.get(), table_dir_, name_);
}

}  // namespace sluice::runner

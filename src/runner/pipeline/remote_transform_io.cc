#include "runner/pipeline/remote_transform_io.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <vector>

#include "common/atomic_file.h"
#include "common/sha256.h"
#include "engine/parse/parser.h"
#include "storage/hashing.h"
#include "storage/object_url.h"
#include "storage/table_publisher.h"

namespace sluice::runner::pipeline {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInputsDir = "_transform_inputs";
constexpr const char* kOutputsDir = "_transform_outputs";
// Downloads go in ranges of this size, so memory stays bounded at any file size; 8 MiB is the
// stores' part size (ObjectStoreOptions::part_size): few requests, little memory.
constexpr int64_t kDownloadBlock = 8ll << 20;

std::string Lower(const std::string& text) {
  std::string out;
  for (char ch : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

void CollectQuery(const engine::QueryNode& query, SqlNames* names);

void CollectRef(const engine::TableRef& ref, SqlNames* names) {
  switch (ref.kind) {
    case engine::TableRef::Kind::kNamed:
      names->tables.insert(Lower(ref.name));
      break;
    case engine::TableRef::Kind::kSubquery:
      if (ref.subquery) CollectQuery(*ref.subquery, names);
      break;
    case engine::TableRef::Kind::kJoin:
      if (ref.left) CollectRef(*ref.left, names);
      if (ref.right) CollectRef(*ref.right, names);
      break;
    case engine::TableRef::Kind::kParquet:
      break;
  }
}

// Expressions hold no subqueries in this SQL subset (parser.h), so FROM clauses, CTEs and set
// operands are every place a table name can appear.
void CollectQuery(const engine::QueryNode& query, SqlNames* names) {
  for (const auto& cte : query.ctes) {
    names->ctes.insert(Lower(cte.name));
    if (cte.query) CollectQuery(*cte.query, names);
  }
  for (const auto& operand : query.operands) {
    if (operand.select && operand.select->from) CollectRef(*operand.select->from, names);
    if (operand.nested) CollectQuery(*operand.nested, names);
  }
}

// True when `path` already holds `file` (size, then sha256: a crashed earlier download or an
// older version of the table under the same name is not reused).
bool CachedCopyMatches(const std::string& path, const storage::ManifestFile& file) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  if (ec || static_cast<int64_t>(size) != file.bytes) return false;
  auto digests = storage::DigestFile(path);
  return digests.ok() && digests->sha256_hex == file.sha256;
}

// Streams `key` into `path` in ranges, hashing as it goes; the file appears under its name
// only when size and sha256 match the manifest.
Status DownloadVerified(ObjectStore* store, const std::string& key, const std::string& path,
                        const storage::ManifestFile& file) {
  SLUICE_ASSIGN_OR_RETURN(auto out, AtomicFile::Create(path));
  Sha256 hash;
  int64_t offset = 0;
  while (offset < file.bytes) {
    int64_t length = std::min(kDownloadBlock, file.bytes - offset);
    auto block = store->GetRange(key, offset, length);
    if (!block.ok()) {
      out->Abort();
      return block.status().WithContext("downloading " + store->DisplayName(key));
    }
    if (block->empty()) break;  // the object is shorter than the manifest says
    hash.Update(block->data(), block->size());
    Status appended = out->Append(*block);
    if (!appended.ok()) {
      out->Abort();
      return appended;
    }
    offset += static_cast<int64_t>(block->size());
  }
  std::string sha256 = hash.HexDigest();
  if (offset != file.bytes || sha256 != file.sha256) {
    out->Abort();
    return Status::Corruption(store->DisplayName(key) + ": downloaded " + std::to_string(offset) +
                              " bytes with sha256 " + sha256 + ", the manifest lists " +
                              std::to_string(file.bytes) + " bytes with sha256 " + file.sha256);
  }
  return out->Commit();
}

}  // namespace

Result<SqlNames> NamesReadBy(const std::string& sql) {
  SLUICE_ASSIGN_OR_RETURN(engine::Statement statement, engine::ParseSql(sql));
  SqlNames names;
  if (statement.query) CollectQuery(*statement.query, &names);
  return names;
}

Status RegisterTransformInputs(const PipelineConfig& config, const std::string& local_root,
                               RemoteTransformIo* remote, const std::string& sql,
                               engine::QueryEngine* engine) {
  SLUICE_ASSIGN_OR_RETURN(SqlNames names, NamesReadBy(sql));
  for (const auto& table : config.tables) {
    std::string name = Lower(table.name);
    if (!names.tables.count(name)) continue;
    bool may_be_cte = names.ctes.count(name) > 0;
    std::string dir = local_root + "/" + table.name;
    if (remote != nullptr) {
      auto local = remote->LocalTable(table.name);
      if (!local.ok() && local.status().code() == StatusCode::kNotFound && may_be_cte) continue;
      SLUICE_RETURN_IF_ERROR(local.status());
      dir = *local;
    } else if (!fs::exists(dir + "/" + storage::kManifestName)) {
      if (may_be_cte) continue;
      return Status::NotFound("table " + table.name + " is not extracted: no " + dir + "/" +
                              storage::kManifestName);
    }
    SLUICE_RETURN_IF_ERROR(
        engine->RegisterTable(table.name, dir).WithContext("table " + table.name));
  }
  return Status::OK();
}

Result<std::unique_ptr<RemoteTransformIo>> RemoteTransformIo::Open(
    const std::string& destination, const std::string& staging_root) {
  std::unique_ptr<RemoteTransformIo> self(new RemoteTransformIo());
  SLUICE_ASSIGN_OR_RETURN(self->store_, ObjectStore::Open(destination));
  self->staging_root_ = staging_root;
  return self;
}

std::string RemoteTransformIo::inputs_dir() const { return staging_root_ + "/" + kInputsDir; }

Result<std::string> RemoteTransformIo::LocalTable(const std::string& table) {
  std::string dir = inputs_dir() + "/" + table;
  if (ready_.count(table)) return dir;
  std::string manifest_key = storage::JoinKey(table, storage::kManifestName);
  auto text = store_->Get(manifest_key);
  if (text.status().code() == StatusCode::kNotFound) {
    // The store's message tells a missing object from a missing bucket.
    return Status::NotFound("table " + table + " is not published: no " +
                            store_->DisplayName(manifest_key) + " (" + text.status().message() +
                            "); a transform reads only tables extracted to the destination");
  }
  if (!text.ok()) return text.status().WithContext("reading " + store_->DisplayName(manifest_key));
  SLUICE_ASSIGN_OR_RETURN(auto files,
                          storage::ParseManifestFiles(*text, store_->DisplayName(manifest_key)));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir + ": " + ec.message());
  // Remove what the manifest does not list (an older version of the table, leftovers of an
  // interrupted download): the engine reads every Parquet file of the directory.
  std::set<std::string> listed;
  for (const auto& file : files) listed.insert(file.file);
  std::vector<fs::path> unlisted;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    if (entry.is_regular_file(ec) && !listed.count(fs::relative(entry.path(), dir).string())) {
      unlisted.push_back(entry.path());
    }
  }
  for (const auto& path : unlisted) fs::remove(path, ec);
  for (const auto& file : files) {
    std::string path = dir + "/" + file.file;
    if (CachedCopyMatches(path, file)) {
      ++files_reused_;
      continue;
    }
    fs::create_directories(fs::path(path).parent_path(), ec);
    SLUICE_RETURN_IF_ERROR(
        DownloadVerified(store_.get(), storage::JoinKey(table, file.file), path, file)
            .WithContext("table " + table));
    bytes_downloaded_ += file.bytes;
  }
  ready_.insert(table);
  return dir;
}

std::string RemoteTransformIo::LocalOutput(const std::string& output) const {
  return staging_root_ + "/" + kOutputsDir + "/" + output;
}

std::string RemoteTransformIo::OutputUrl(const std::string& output) const {
  return store_->DisplayName(output);
}

Status RemoteTransformIo::UploadOutput(const std::string& output) {
  std::string local = LocalOutput(output);
  SLUICE_ASSIGN_OR_RETURN(auto digests, storage::DigestFile(local));
  PutOptions put;
  put.sha256_hex = digests.sha256_hex;
  auto stored = store_->PutFile(output, local, put);
  if (!stored.ok()) return stored.status().WithContext("uploading " + OutputUrl(output));
  std::error_code ec;
  fs::remove(local, ec);
  return Status::OK();
}

Status RemoteTransformIo::RemoveInputs() {
  std::error_code ec;
  fs::remove_all(inputs_dir(), ec);
  if (ec) return Status::IoError("cannot remove " + inputs_dir() + ": " + ec.message());
  fs::remove_all(staging_root_ + "/" + kOutputsDir, ec);
  if (ec)
    return Status::IoError("cannot remove " + staging_root_ + "/" + kOutputsDir + ": " +
                           ec.message());
  ready_.clear();
  return Status::OK();
}

}  // namespace sluice::runner::pipeline

#include "storage/manifest_commit.h"

namespace sluice::storage {
namespace {

Status ConflictStatus(ObjectStore* store, const std::string& key, const ManifestVersion& base) {
  return Status::InvalidArgument(
      "conflict: another run published " + store->DisplayName(key) + " while this one ran (" +
      (base.exists ? "it was at version " + base.version + " when this run began"
                   : "it did not exist when this run began") +
      "); this run published nothing");
}

}  // namespace

Result<ManifestVersion> ObserveManifest(ObjectStore* store, const std::string& manifest_key) {
  auto head = store->Head(manifest_key);
  if (!head.ok()) {
    if (head.status().code() == StatusCode::kNotFound) return ManifestVersion{};
    return head.status();
  }
  return ManifestVersion{true, head->version()};
}

Result<CommitResult> CommitManifest(ObjectStore* store, const std::string& manifest_key,
                                    const std::string& text, const ManifestVersion& base,
                                    const std::function<void(const std::string&)>& warn) {
  PutOptions put;
  put.content_type = "application/json";
  put.if_absent = !base.exists;
  if (base.exists) put.if_match = base.version;
  CommitResult result;
  Status status = store->Put(manifest_key, text, put).status();
  if (status.code() == StatusCode::kNotSupported) {
    result.conditional = false;
    if (warn) {
      warn(store->DisplayName(manifest_key) + ": the store does not support conditional writes (" +
           status.message() +
           "); a run publishing this table at the same moment would not be detected");
    }
    SLUICE_ASSIGN_OR_RETURN(ManifestVersion now, ObserveManifest(store, manifest_key));
    if (now.exists != base.exists || now.version != base.version) {
      return ConflictStatus(store, manifest_key, base);
    }
    put.if_absent = false;
    put.if_match.clear();
    status = store->Put(manifest_key, text, put).status();
  }
  if (IsConflict(status)) {
    // Our own earlier attempt (answer lost) or an identical run: the same bytes are committed.
    auto stored = store->Get(manifest_key);
    if (stored.ok() && *stored == text) return result;
    return ConflictStatus(store, manifest_key, base);
  }
  SLUICE_RETURN_IF_ERROR(status);
  return result;
}

}  // namespace sluice::storage

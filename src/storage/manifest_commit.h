// The commit point of publishing a table: PREFIX/TABLE/_manifest.json is written only if it is
// still what the run saw when it began (reliability test 10: of two runs publishing one table at
// once, exactly one wins; the other gets a conflict and publishes nothing):
//  - no manifest then: create-only (S3 If-None-Match: *, GCS ifGenerationMatch=0, local link());
//  - manifest version V then: compare-and-swap (S3 If-Match: V, GCS ifGenerationMatch=V).
// A retried request whose first attempt succeeded but lost its answer sees a conflict with
// itself: when the stored manifest is byte-identical to ours the commit counts as done.
// Stores without conditional writes (Swift's s3api 2.30 answers 501) fall back to checking the
// version right before an unconditional put: a concurrent commit inside that one-request window
// is then not detected (reported through `warn` and CommitResult::conditional).
// Thread-safety: stateless; the store must be thread-safe.
#pragma once

#include <functional>
#include <string>

#include "sluice/object_store.h"

namespace sluice::storage {

/// What a run saw of a table's manifest when it began.
struct ManifestVersion {
  bool exists = false;
  std::string version;  // ObjectInfo::version() when exists
};

/// Heads `manifest_key`: its version, or exists = false.
Result<ManifestVersion> ObserveManifest(ObjectStore* store, const std::string& manifest_key);

struct CommitResult {
  /// False when the store has no conditional writes and the fallback was used.
  bool conditional = true;
};

/// Writes `text` to `manifest_key` if the manifest is still `base`; a conflict (IsConflict())
/// names the key and says that another run published it.
Result<CommitResult> CommitManifest(ObjectStore* store, const std::string& manifest_key,
                                    const std::string& text, const ManifestVersion& base,
                                    const std::function<void(const std::string&)>& warn);

}  // namespace sluice::storage

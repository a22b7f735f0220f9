// GcsStore: ObjectStore over the Google Cloud Storage JSON API.
//
// Uploads: objects below multipart_threshold go in one multipart/related request whose metadata
// carries crc32c and md5Hash (GCS rejects a body that does not match them); larger objects use
// a resumable session: chunks of part_size (a multiple of 256 KiB, as GCS requires) are PUT with
// Content-Range; after a failed chunk the session's committed offset is queried
// ("bytes */TOTAL": 308 with Range: bytes=0-N, or no Range = nothing persisted) and the upload
// continues from there. The final object's crc32c/md5Hash are compared with the local ones.
// if_absent adds ifGenerationMatch=0, which also makes a retried create safe.
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>

#include "sluice/object_store.h"
#include "storage/aws_config.h"
#include "storage/object_url.h"

namespace sluice::storage {

Result<std::unique_ptr<ObjectStore>> OpenGcsStore(const ObjectUrl& url,
                                                  const ObjectStoreOptions& options,
                                                  const EnvGetter& env);

}  // namespace sluice::storage

// S3Store: ObjectStore over the S3 REST API (AWS, MinIO, R2, Swift s3api, GCS XML interop),
// signed with our own SigV4 (sigv4.h).
//
// Uploads: objects below multipart_threshold go in one PUT with Content-MD5 and the payload's
// SHA-256; larger ones use multipart upload: parts of part_size read by parallel_parts threads
// (memory: parallel_parts * part_size), each part sent with Content-MD5 and retried alone, the
// returned part ETags checked against the local MD5s, CompleteMultipartUpload's body checked for
// an <Error> even on HTTP 200, and the upload aborted on any failure. The object's SHA-256 is
// stored as x-amz-meta-sluice-sha256 so a resumed run can skip identical objects.
// Thread-safety: all methods may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "sluice/object_store.h"
#include "storage/aws_config.h"
#include "storage/object_url.h"

namespace sluice::storage {

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const ObjectUrl& url,
                                                 const ObjectStoreOptions& options,
                                                 const S3Config& config);

}  // namespace sluice::storage

// ObjectStore: one interface over the places sluice publishes files to: a local directory,
// S3-compatible stores (s3://BUCKET/PREFIX, AWS Signature V4 over libcurl) and Google Cloud
// Storage (gs://BUCKET/PREFIX, JSON API with OAuth2). Keys are relative to the URL's prefix and
// use '/' as separator.
//
// Guarantees every backend keeps (checked by tests/storage/object_store_conformance_test.cc):
//  - Put*() makes the object visible only complete: a small PUT, or an S3 multipart upload / GCS
//    resumable upload that is committed by its last request and aborted on failure.
//  - Every upload is verified: the request carries the checksum (Content-MD5 / x-amz-content-
//    sha256 on S3, crc32c+md5 on GCS) and the server's answer (ETag, crc32c, md5Hash) is compared
//    with the local bytes; a mismatch is retried and finally reported as kCorruption.
//  - Transient failures (HTTP 408/429/5xx, timeouts, connection resets, checksum mismatches in
//    transit) are retried with exponential backoff and jitter, at most `retries` times, then
//    reported as kUnavailable. Failures that cannot succeed (401/403, missing bucket, bad
//    credentials) are reported at once, naming bucket and key, never a secret.
//  - Put overwrites an existing object unless PutOptions::if_absent or if_match is set; a
//    failed precondition is reported as a conflict (IsConflict()), a server without conditional
//    writes (Swift's s3api answers 501) as kNotSupported.
//
// Thread-safety: an ObjectStore may be used from several threads at once.
// Ownership: Open() returns a uniquely owned store; it holds no reference to its arguments.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"

namespace sluice {

/// What a backend knows about one stored object. Empty strings mean "not known".
struct ObjectInfo {
  std::string key;  // relative to the store's prefix
  int64_t size = 0;
  std::string md5_hex;     // whole-object MD5 when the backend has it (not for S3 multipart)
  std::string crc32c_hex;  // GCS and local
  std::string sha256_hex;  // the sha256 sluice attached as metadata on upload
  std::string etag;        // S3 ETag without quotes, GCS generation for GCS
  int64_t generation = 0;  // GCS object generation (0 elsewhere)
  /// User metadata set with PutOptions::metadata (from Head(); not from List()).
  std::map<std::string, std::string> metadata;

  /// The token PutOptions::if_match compares: the GCS generation, else the ETag.
  std::string version() const { return generation > 0 ? std::to_string(generation) : etag; }
};

/// An S3 multipart upload or GCS session left behind by a run that died.
struct PendingUpload {
  std::string key;
  std::string upload_id;
};

struct ObjectStoreOptions {
  /// Retries per request after the first attempt, for transient failures.
  int retries = 5;
  /// First backoff delay; doubled per retry with full jitter, capped by max_backoff_ms.
  int initial_backoff_ms = 200;
  int max_backoff_ms = 10'000;
  /// Parallel part uploads per large object (S3 multipart).
  int parallel_parts = 4;
  /// Objects at least this large use multipart (S3) / resumable (GCS) uploads.
  /// 16 MiB: below it one request is cheaper than three; above it a failed request no longer
  /// costs the whole object.
  int64_t multipart_threshold = 16ll << 20;
  /// S3 part size / GCS resumable chunk size (rounded up to 256 KiB for GCS). S3 requires at
  /// least 5 MiB for all parts but the last; 8 MiB keeps memory at parallel_parts * 8 MiB.
  int64_t part_size = 8ll << 20;
  /// Per-request limits: connect timeout, and abort when slower than 1 KiB/s for this long.
  int connect_timeout_s = 10;
  int low_speed_timeout_s = 60;
  /// Overrides for tests and special endpoints; empty = discover from the environment.
  std::string endpoint;  // S3: AWS_ENDPOINT_URL[_S3]; GCS: STORAGE_EMULATOR_HOST
  std::string region;    // S3 only; default AWS_REGION / profile / us-east-1
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string gcs_access_token;  // a given OAuth2 access token (no refresh)
  /// Testing seam: called with the sleep before each retry (default: really sleeps).
  std::function<void(int attempt, int delay_ms)> on_retry;
};

struct PutOptions {
  /// Lower-case hex SHA-256 of the content; stored as object metadata (sluice-sha256) so a later
  /// run can skip an identical upload. Computed when empty.
  std::string sha256_hex;
  std::string content_type = "application/octet-stream";
  /// User metadata stored with the object (S3 x-amz-meta-NAME, GCS metadata; the local store
  /// keeps none). Names: lower-case letters, digits and '-'; values: printable ASCII.
  std::map<std::string, std::string> metadata;
  /// Create-only: fail with a conflict (IsConflict()) if the key exists (S3 If-None-Match: *,
  /// GCS ifGenerationMatch=0, local link()).
  bool if_absent = false;
  /// Compare-and-swap: replace the object only while its ObjectInfo::version() is this one,
  /// else fail with a conflict (S3 If-Match: ETag, GCS ifGenerationMatch=N, local: MD5 under a
  /// directory lock). Empty: no condition. Conditional puts must be below multipart_threshold.
  std::string if_match;
};

/// Counters a store keeps for reports and tests.
struct ObjectStoreStats {
  int64_t requests = 0;
  int64_t retries = 0;
  int64_t bytes_uploaded = 0;
  int64_t bytes_downloaded = 0;
};

class ObjectStore {
 public:
  /// Opens `url`: "s3://BUCKET[/PREFIX]", "gs://BUCKET[/PREFIX]", "file:///dir" or a local path.
  /// S3 URLs take optional query options: endpoint=URL, region=NAME, profile=NAME,
  /// addressing=path|virtual. Credentials are discovered as documented in docs/storage.md.
  /// Nothing is contacted yet; bad URLs and missing credentials fail here.
  static Result<std::unique_ptr<ObjectStore>> Open(std::string_view url,
                                                   const ObjectStoreOptions& options = {});

  virtual ~ObjectStore() = default;

  /// The store's URL without secrets, e.g. "s3://bucket/prefix".
  virtual std::string url() const = 0;
  /// The display name of `key`: url() + "/" + key.
  std::string DisplayName(std::string_view key) const;

  /// Uploads `data` to `key` (single request or multipart by size).
  virtual Result<ObjectInfo> Put(std::string_view key, std::string_view data,
                                 const PutOptions& options = {}) = 0;
  /// Uploads the local file; memory stays bounded (parallel_parts * part_size) at any size.
  virtual Result<ObjectInfo> PutFile(std::string_view key, const std::string& local_path,
                                     const PutOptions& options = {}) = 0;
  /// Whole object, verified against the server's checksum when it sends one.
  virtual Result<std::string> Get(std::string_view key) = 0;
  /// Bytes [offset, offset+length) (fewer at the end of the object).
  virtual Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) = 0;
  /// kNotFound when the key does not exist.
  virtual Result<ObjectInfo> Head(std::string_view key) = 0;
  /// Every object whose key starts with `prefix`, sorted by key.
  virtual Result<std::vector<ObjectInfo>> List(std::string_view prefix) = 0;
  /// Deleting a missing key succeeds.
  virtual Status Delete(std::string_view key) = 0;
  /// Unfinished multipart uploads under `prefix` (S3; empty elsewhere).
  virtual Result<std::vector<PendingUpload>> ListPendingUploads(std::string_view prefix) = 0;
  virtual Status AbortPendingUpload(const PendingUpload& upload) = 0;

  virtual ObjectStoreStats stats() const = 0;
};

/// True when `url` names a remote store (s3:// or gs://) rather than a local path.
bool IsObjectStoreUrl(std::string_view url);

/// True when `status` is a failed precondition of if_absent / if_match: the stores report it as
/// kInvalidArgument with a message that contains "conflict: " (context may be prepended).
bool IsConflict(const Status& status);

}  // namespace sluice

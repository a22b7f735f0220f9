// AWS Signature Version 4 for S3 requests, written out rather than taken from libcurl: Debian's
// libcurl 7.88 CURLOPT_AWS_SIGV4 signs unsorted query strings and valueless parameters wrongly
// (curl issues #9717, #8107), which real S3 and Swift's s3api reject.
//
// Spec: https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// Thread-safety: pure functions.
#pragma once

#include <ctime>
#include <string>
#include <utility>
#include <vector>

namespace sluice::storage {

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
};

using QueryParams = std::vector<std::pair<std::string, std::string>>;
using Headers = std::vector<std::pair<std::string, std::string>>;

struct SigV4Input {
  std::string method;
  std::string host;           // Host header value (with ":port" when not the default)
  std::string canonical_uri;  // path, already URI-encoded ("/bucket/key%20name")
  QueryParams query;          // raw (unencoded) names and values
  Headers headers;            // extra headers to sign (content-md5, content-type, x-amz-*, range)
  std::string payload_sha256_hex;  // or "UNSIGNED-PAYLOAD"
};

/// The canonical query string: parameters sorted by encoded name (then value), each written
/// as name=value, with an empty value as "name=".
std::string CanonicalQueryString(const QueryParams& query);

/// The canonical request text (exposed for tests against AWS's published examples).
std::string CanonicalRequest(const SigV4Input& input, const std::string& amz_date,
                             std::string* signed_headers);

/// Headers to add to the request: host, x-amz-date, x-amz-content-sha256,
/// x-amz-security-token (if any) and Authorization. `now` is the signing time (UTC).
Headers SignV4(const SigV4Input& input, const AwsCredentials& credentials,
               const std::string& region, const std::string& service, std::time_t now);

/// "20130524T000000Z" for `now`.
std::string AmzDate(std::time_t now);

}  // namespace sluice::storage

#include "storage/s3_store.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

#include "common/redact.h"
#include "common/sha256.h"
#include "storage/hashing.h"
#include "storage/http_client.h"
#include "storage/retry.h"
#include "storage/sigv4.h"
#include "storage/upload_source.h"
#include "storage/xml_util.h"

namespace sluice::storage {
namespace {

// SHA-256 of the empty string: the payload hash of GET, HEAD and DELETE.
constexpr const char* kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr const char* kShaMetaHeader = "x-amz-meta-sluice-sha256";
constexpr const char* kUserMetaPrefix = "x-amz-meta-";
// S3 limits: at most 10,000 parts, each at least 5 MiB except the last.
constexpr int64_t kMaxParts = 10'000;
constexpr int64_t kMinPartSize = 5ll << 20;

std::string StripQuotes(std::string text) {
  if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
    text = text.substr(1, text.size() - 2);
  }
  return text;
}

bool IsHexMd5(const std::string& etag) {
  return etag.size() == 32 &&
         std::all_of(etag.begin(), etag.end(), [](char c) { return std::isxdigit(c) != 0; });
}

class S3Store final : public ObjectStore {
 public:
  S3Store(ObjectUrl url, ObjectStoreOptions options, S3Config config)
      : url_(std::move(url)),
        options_(std::move(options)),
        config_(std::move(config)),
        http_(HttpClientOptions{options_.connect_timeout_s, options_.low_speed_timeout_s}),
        retrier_(RetryOptions{options_.retries, options_.initial_backoff_ms,
                              options_.max_backoff_ms, options_.on_retry}) {
    RegisterSecret(config_.credentials.secret_access_key);
    RegisterSecret(config_.credentials.session_token);
    std::string rest = config_.endpoint.substr(config_.endpoint.find("://") + 3);
    scheme_ = config_.endpoint.substr(0, config_.endpoint.find("://"));
    host_ = rest.substr(0, rest.find('/'));
    if (!config_.path_style) host_ = url_.bucket + "." + host_;
  }

  std::string url() const override { return url_.Display(); }

  Result<ObjectInfo> Put(std::string_view key, std::string_view data,
                         const PutOptions& options) override {
    return Upload(key, *UploadSource::FromMemory(data), options);
  }

  Result<ObjectInfo> PutFile(std::string_view key, const std::string& local_path,
                             const PutOptions& options) override {
    SLUICE_ASSIGN_OR_RETURN(auto source, UploadSource::OpenFile(local_path));
    return Upload(key, *source, options);
  }

  Result<std::string> Get(std::string_view key) override {
    std::string body;
    Status status = retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response, Send("GET", FullKey(key), {}, {}, {}, kEmptySha256));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      std::string etag = StripQuotes(response.Header("etag"));
      if (IsHexMd5(etag) && HexEncode(Md5Raw(response.body)) != etag) {
        return Status::Corruption("GET " + DisplayName(key) + ": body MD5 differs from ETag " +
                                  etag + " (corrupted in transit)");
      }
      body = std::move(response.body);
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);
    bytes_downloaded_ += static_cast<int64_t>(body.size());
    return body;
  }

  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    if (length <= 0) return std::string();
    std::string body;
    Status status = retrier_.Run([&](int) -> Status {
      Headers headers = {
          {"Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1)}};
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("GET", FullKey(key), {}, headers, {}, kEmptySha256));
      if (response.status == 416) {
        body.clear();
        return Status::OK();
      }
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      body = std::move(response.body);
      if (response.status == 200) {  // server ignored Range
        body = offset < static_cast<int64_t>(body.size())
                   ? body.substr(static_cast<size_t>(offset), static_cast<size_t>(length))
                   : std::string();
      }
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);
    bytes_downloaded_ += static_cast<int64_t>(body.size());
    return body;
  }

  Result<ObjectInfo> Head(std::string_view key) override {
    ObjectInfo info;
    Status status = retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response, Send("HEAD", FullKey(key), {}, {}, {}, kEmptySha256));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      info.key = std::string(key);
      info.size = std::strtoll(response.Header("content-length").c_str(), nullptr, 10);
      info.etag = StripQuotes(response.Header("etag"));
      if (IsHexMd5(info.etag)) info.md5_hex = info.etag;
      info.sha256_hex = response.Header(kShaMetaHeader);
      for (const auto& [name, value] : response.headers) {
        if (name.rfind(kUserMetaPrefix, 0) == 0 && name != kShaMetaHeader) {
          info.metadata[name.substr(std::string_view(kUserMetaPrefix).size())] = value;
        }
      }
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);
    return info;
  }

  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::vector<ObjectInfo> out;
    std::string full_prefix = url_.prefix.empty() ? std::string(prefix) : FullKey(prefix);
    if (prefix.empty() && !url_.prefix.empty()) full_prefix = url_.prefix + "/";
    std::string token;
    while (true) {
      QueryParams query = {{"list-type", "2"}, {"prefix", full_prefix}};
      if (!token.empty()) query.emplace_back("continuation-token", token);
      std::string body;
      Status status = retrier_.Run([&](int) -> Status {
        SLUICE_ASSIGN_OR_RETURN(auto response, Send("GET", "", query, {}, {}, kEmptySha256));
        SLUICE_RETURN_IF_ERROR(Check(response, ""));
        if (response.body.find("<ListBucketResult") == std::string::npos) {
          return Status::Unavailable("LIST " + url() + ": unexpected response body");
        }
        body = std::move(response.body);
        return Status::OK();
      });
      SLUICE_RETURN_IF_ERROR(status);
      size_t strip = url_.prefix.empty() ? 0 : url_.prefix.size() + 1;
      for (std::string_view contents : XmlElements(body, "Contents")) {
        ObjectInfo info;
        std::string full = XmlFirst(contents, "Key");
        info.key = full.size() >= strip ? full.substr(strip) : full;
        info.size = std::strtoll(XmlFirst(contents, "Size").c_str(), nullptr, 10);
        info.etag = StripQuotes(XmlFirst(contents, "ETag"));
        if (IsHexMd5(info.etag)) info.md5_hex = info.etag;
        out.push_back(std::move(info));
      }
      if (XmlFirst(body, "IsTruncated") != "true") break;
      token = XmlFirst(body, "NextContinuationToken");
      if (token.empty()) break;
    }
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(std::string_view key) override {
    return retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("DELETE", FullKey(key), {}, {}, {}, kEmptySha256));
      if (response.status == 404 && XmlFirst(response.body, "Code") != "NoSuchBucket") {
        return Status::OK();
      }
      return Check(response, key);
    });
  }

  Result<std::vector<PendingUpload>> ListPendingUploads(std::string_view prefix) override {
    std::vector<PendingUpload> out;
    std::string full_prefix = url_.prefix.empty() ? std::string(prefix) : FullKey(prefix);
    if (prefix.empty() && !url_.prefix.empty()) full_prefix = url_.prefix + "/";
    std::string body;
    Status status = retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(
          auto response,
          Send("GET", "", {{"uploads", ""}, {"prefix", full_prefix}}, {}, {}, kEmptySha256));
      SLUICE_RETURN_IF_ERROR(Check(response, ""));
      body = std::move(response.body);
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);
    size_t strip = url_.prefix.empty() ? 0 : url_.prefix.size() + 1;
    for (std::string_view upload : XmlElements(body, "Upload")) {
      std::string full = XmlFirst(upload, "Key");
      out.push_back(
          {full.size() >= strip ? full.substr(strip) : full, XmlFirst(upload, "UploadId")});
    }
    return out;
  }

  Status AbortPendingUpload(const PendingUpload& upload) override {
    return retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(
          auto response, Send("DELETE", FullKey(upload.key), {{"uploadId", upload.upload_id}}, {},
                              {}, kEmptySha256));
      if (response.status == 404) return Status::OK();  // already gone
      return Check(response, upload.key);
    });
  }

  ObjectStoreStats stats() const override {
    return {requests_.load(), retrier_.retries(), bytes_uploaded_.load(), bytes_downloaded_.load()};
  }

 private:
  std::string FullKey(std::string_view key) const { return url_.FullKey(key); }

  Result<HttpResponse> Send(const std::string& method, const std::string& full_key,
                            const QueryParams& query, const Headers& headers, std::string_view body,
                            const std::string& payload_sha256,
                            const UploadSource* streamed_body = nullptr) {
    SigV4Input input;
    input.method = method;
    input.host = host_;
    std::string path = config_.path_style ? "/" + url_.bucket : "";
    if (!full_key.empty() || !config_.path_style) path += "/" + UriEncode(full_key, true);
    input.canonical_uri = path;
    input.query = query;
    input.headers = headers;
    input.payload_sha256_hex = payload_sha256;
    Headers auth = SignV4(input, config_.credentials, config_.region, "s3", std::time(nullptr));
    HttpRequest request;
    request.method = method;
    std::string canonical_query = CanonicalQueryString(query);
    request.url =
        scheme_ + "://" + host_ + path + (canonical_query.empty() ? "" : "?" + canonical_query);
    request.headers = headers;
    request.headers.insert(request.headers.end(), auth.begin(), auth.end());
    request.body = body;
    if (streamed_body != nullptr) {
      request.body_size = streamed_body->size();
      request.read_body = [streamed_body](int64_t offset, char* buffer, size_t max) {
        return streamed_body->ReadInto(offset, buffer, max);
      };
    }
    requests_.fetch_add(1);
    return http_.Send(request);
  }

  /// Maps an HTTP answer to a Status naming the object (never a credential).
  Status Check(const HttpResponse& response, std::string_view key) const {
    if (response.status / 100 == 2) return Status::OK();
    std::string code = XmlFirst(response.body, "Code");
    std::string message = XmlFirst(response.body, "Message");
    std::string what = key.empty() ? url() : DisplayName(key);
    std::string detail = "HTTP " + std::to_string(response.status) +
                         (code.empty() ? "" : " " + code) + (message.empty() ? "" : ": " + message);
    detail = Redact(detail);
    long status = response.status;
    if (status == 501 && code == "NotImplemented") {
      // Swift's s3api (2.30): "Conditional object PUTs are not supported." Not retryable.
      return Status::NotSupported(what + ": " + detail);
    }
    if (status == 408 || status == 429 || status >= 500) {
      return Status::Unavailable(what + ": " + detail);
    }
    if (code == "BadDigest" || code == "XAmzContentSHA256Mismatch" || code == "RequestTimeout") {
      return Status::Corruption(what + ": " + detail + " (upload damaged in transit)");
    }
    if (status == 401 || status == 403) {
      return Status::InvalidArgument("access denied to " + what + " (" + detail +
                                     "): check the S3 credentials from " +
                                     config_.credential_source + " and the bucket policy");
    }
    if (status == 404) {
      if (code == "NoSuchBucket") {
        return Status::NotFound("bucket '" + url_.bucket + "' does not exist (" + what + ", " +
                                config_.endpoint + ")");
      }
      return Status::NotFound(what + ": no such object (" + detail + ")");
    }
    if (status == 412 || status == 409) {
      return Status::InvalidArgument("conflict: " + what + " already exists or changed (" + detail +
                                     ")");
    }
    return Status::InvalidArgument(what + ": " + detail);
  }

  static void AddMetadata(const PutOptions& options, Headers* headers) {
    for (const auto& [name, value] : options.metadata) {
      headers->emplace_back(kUserMetaPrefix + name, value);
    }
  }

  Result<ObjectInfo> Upload(std::string_view key, const UploadSource& source,
                            const PutOptions& options) {
    std::string sha = options.sha256_hex;
    std::string md5_hex;
    // A caller-given sha256 (the file's, computed when it was written) is the signed payload
    // hash: S3 and Swift verify the body against it (XAmzContentSHA256Mismatch / BadDigest), so
    // a single PUT needs no second pass over the bytes for Content-MD5.
    if (sha.empty()) SLUICE_RETURN_IF_ERROR(source.Digest(&md5_hex, &sha, nullptr));
    if (source.size() < options_.multipart_threshold) {
      return PutSingle(key, source, options, sha, md5_hex);
    }
    if (options.if_absent || !options.if_match.empty()) {
      return Status::NotSupported(DisplayName(key) +
                                  ": conditional puts of objects above the multipart threshold");
    }
    return PutMultipart(key, source, options, sha);
  }

  Result<ObjectInfo> PutSingle(std::string_view key, const UploadSource& source,
                               const PutOptions& options, const std::string& sha,
                               const std::string& md5_hex) {
    SLUICE_ASSIGN_OR_RETURN(std::string md5_raw, HexDecode(md5_hex));
    SLUICE_ASSIGN_OR_RETURN(std::string sha_raw, HexDecode(sha));
    ObjectInfo info;
    Status status = retrier_.Run([&](int) -> Status {
      // x-amz-checksum-sha256: the checksum S3 stores with the object (and that Object Lock
      // buckets require when there is no Content-MD5).
      Headers headers = {{"Content-Type", options.content_type},
                         {"x-amz-checksum-sha256", Base64Encode(sha_raw)},
                         {kShaMetaHeader, sha}};
      if (!md5_raw.empty()) headers.emplace_back("Content-MD5", Base64Encode(md5_raw));
      AddMetadata(options, &headers);
      if (options.if_absent) headers.emplace_back("If-None-Match", "*");
      if (!options.if_match.empty())
        headers.emplace_back("If-Match", "\"" + options.if_match + "\"");
      // The body is streamed from the source: a part file is never held in memory.
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("PUT", FullKey(key), {}, headers, {}, sha, &source));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      std::string etag = StripQuotes(response.Header("etag"));
      if (!md5_hex.empty() && IsHexMd5(etag) && etag != md5_hex) {
        return Status::Corruption("PUT " + DisplayName(key) + ": server ETag " + etag +
                                  " differs from local MD5 " + md5_hex);
      }
      info.etag = etag;
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);
    bytes_uploaded_ += source.size();
    info.key = std::string(key);
    info.size = source.size();
    info.md5_hex = md5_hex.empty() && IsHexMd5(info.etag) ? info.etag : md5_hex;
    info.sha256_hex = sha;
    return info;
  }

  Result<ObjectInfo> PutMultipart(std::string_view key, const UploadSource& source,
                                  const PutOptions& options, const std::string& sha) {
    int64_t part_size = std::max(options_.part_size, kMinPartSize);
    // Grow parts for huge objects so they fit in S3's 10,000-part limit.
    part_size = std::max(part_size, (source.size() + kMaxParts - 1) / kMaxParts);
    int64_t parts = (source.size() + part_size - 1) / part_size;
    std::string full_key = FullKey(key);

    std::string upload_id;
    Status status = retrier_.Run([&](int) -> Status {
      Headers headers = {{"Content-Type", options.content_type}, {kShaMetaHeader, sha}};
      AddMetadata(options, &headers);
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("POST", full_key, {{"uploads", ""}}, headers, {}, kEmptySha256));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      upload_id = XmlFirst(response.body, "UploadId");
      if (upload_id.empty()) {
        return Status::Unavailable("CreateMultipartUpload " + DisplayName(key) +
                                   ": no UploadId in the answer");
      }
      return Status::OK();
    });
    SLUICE_RETURN_IF_ERROR(status);

    std::vector<std::string> part_md5(static_cast<size_t>(parts));
    std::atomic<int64_t> next_part{0};
    std::atomic<bool> failed{false};
    std::mutex error_mutex;
    Status first_error;
    auto worker = [&]() {
      std::string buffer;  // one part: the bounded memory of this thread
      while (!failed.load()) {
        int64_t part_idx = next_part.fetch_add(1);
        if (part_idx >= parts) return;
        int64_t offset = part_idx * part_size;
        int64_t length = std::min(part_size, source.size() - offset);
        Status part_status = source.ReadAt(offset, length, &buffer);
        std::string md5_raw;
        std::string part_sha;
        if (part_status.ok()) {
          md5_raw = Md5Raw(buffer);
          part_sha = HexEncode(Sha256Raw(buffer));
          part_status = retrier_.Run([&](int) -> Status {
            Headers headers = {{"Content-MD5", Base64Encode(md5_raw)}};
            QueryParams query = {{"partNumber", std::to_string(part_idx + 1)},
                                 {"uploadId", upload_id}};
            SLUICE_ASSIGN_OR_RETURN(auto response,
                                    Send("PUT", full_key, query, headers, buffer, part_sha));
            SLUICE_RETURN_IF_ERROR(Check(response, key));
            std::string etag = StripQuotes(response.Header("etag"));
            if (etag != HexEncode(md5_raw)) {
              return Status::Corruption("UploadPart " + std::to_string(part_idx + 1) + " of " +
                                        DisplayName(key) + ": ETag " + etag +
                                        " differs from the part's MD5");
            }
            return Status::OK();
          });
        }
        if (!part_status.ok()) {
          std::lock_guard<std::mutex> lock(error_mutex);
          if (first_error.ok()) {
            first_error = part_status.WithContext("part " + std::to_string(part_idx + 1) + "/" +
                                                  std::to_string(parts));
          }
          failed.store(true);
          return;
        }
        part_md5[static_cast<size_t>(part_idx)] = md5_raw;
        bytes_uploaded_ += length;
      }
    };
    int threads = static_cast<int>(std::min<int64_t>(std::max(options_.parallel_parts, 1), parts));
    std::vector<std::thread> pool;
    for (int thread_idx = 1; thread_idx < threads; ++thread_idx) pool.emplace_back(worker);
    worker();
    for (auto& thread : pool) thread.join();
    if (!first_error.ok()) {
      AbortUpload(key, upload_id);
      return first_error;
    }

    std::string complete = "<CompleteMultipartUpload>";
    std::string concatenated;
    for (int64_t part_idx = 0; part_idx < parts; ++part_idx) {
      const std::string& md5_raw = part_md5[static_cast<size_t>(part_idx)];
      concatenated += md5_raw;
      complete += "<Part><PartNumber>" + std::to_string(part_idx + 1) + "</PartNumber><ETag>\"" +
                  HexEncode(md5_raw) + "\"</ETag></Part>";
    }
    complete += "</CompleteMultipartUpload>";
    std::string expected_etag = HexEncode(Md5Raw(concatenated)) + "-" + std::to_string(parts);
    std::string complete_sha = HexEncode(Sha256Raw(complete));
    ObjectInfo info;
    status = retrier_.Run([&](int attempt) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("POST", full_key, {{"uploadId", upload_id}},
                                   {{"Content-Type", "application/xml"}}, complete, complete_sha));
      if (response.status == 404 && attempt > 0) {
        // A previous attempt may have completed the upload and lost its answer: trust the
        // object only if it is exactly ours.
        auto head = Head(key);
        if (head.ok() && head->etag == expected_etag && head->size == source.size()) {
          info.etag = head->etag;
          return Status::OK();
        }
      }
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      // S3 may answer 200 and report the failure in the body.
      if (response.body.find("<Error>") != std::string::npos ||
          response.body.find("<CompleteMultipartUploadResult") == std::string::npos) {
        std::string code = XmlFirst(response.body, "Code");
        return Status::Unavailable("CompleteMultipartUpload " + DisplayName(key) +
                                   ": HTTP 200 with error " +
                                   (code.empty() ? "(no result)" : code));
      }
      info.etag = StripQuotes(XmlFirst(response.body, "ETag"));
      if (!info.etag.empty() && info.etag != expected_etag) {
        return Status::Corruption("CompleteMultipartUpload " + DisplayName(key) + ": ETag " +
                                  info.etag + ", expected " + expected_etag);
      }
      return Status::OK();
    });
    if (!status.ok()) {
      AbortUpload(key, upload_id);
      return status;
    }
    info.key = std::string(key);
    info.size = source.size();
    info.sha256_hex = sha;
    if (info.etag.empty()) info.etag = expected_etag;
    return info;
  }

  void AbortUpload(std::string_view key, const std::string& upload_id) {
    // Best effort: a failed abort leaves parts that the bucket lifecycle rule
    // AbortIncompleteMultipartUpload (or `sluice upload`'s cleanup) removes later.
    (void)AbortPendingUpload({std::string(key), upload_id});
  }

  ObjectUrl url_;
  ObjectStoreOptions options_;
  S3Config config_;
  std::string scheme_;
  std::string host_;
  HttpClient http_;
  Retrier retrier_;
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> bytes_uploaded_{0};
  std::atomic<int64_t> bytes_downloaded_{0};
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenS3Store(const ObjectUrl& url,
                                                 const ObjectStoreOptions& options,
                                                 const S3Config& config) {
  return std::unique_ptr<ObjectStore>(new S3Store(url, options, config));
}

}  // namespace sluice::storage

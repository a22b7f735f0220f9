#include "storage/gcs_store.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <random>

#include "common/crc32c.h"
#include "common/redact.h"
#include "storage/gcs_auth.h"
#include "storage/hashing.h"
#include "storage/http_client.h"
#include "storage/retry.h"
#include "storage/upload_source.h"

// SLUICE_RETURN_IF_ERROR around a retried lambda that itself uses SLUICE_RETURN_IF_ERROR would
// shadow its temporary; this outer form uses another name.
#define RETURN_IF_RETRY_FAILED(expr)               \
  do {                                             \
    ::sluice::Status _retry_status = (expr);       \
    if (!_retry_status.ok()) return _retry_status; \
  } while (false)

namespace sluice::storage {
namespace {

using json = nlohmann::json;

// GCS resumable chunks must be multiples of 256 KiB (except the last).
constexpr int64_t kChunkQuantum = 256 * 1024;
constexpr const char* kShaMetadataKey = "sluice-sha256";
// multipart/related boundary: cannot occur in base64/JSON metadata; the data part is binary,
// so it is checked against the boundary before use (see Boundary()).
constexpr const char* kBoundaryBase = "sluice_boundary_7f3a9c2e";

std::string JsonString(const json& object, const char* name) {
  if (!object.is_object()) return "";
  auto found = object.find(name);
  if (found == object.end()) return "";
  if (found->is_string()) return found->get<std::string>();
  if (found->is_number_integer()) return std::to_string(found->get<int64_t>());
  return "";
}

std::string Base64ToHex(const std::string& text) {
  auto raw = Base64Decode(text);
  return raw.ok() ? HexEncode(*raw) : "";
}

std::string Crc32cHex(uint32_t crc) {
  char buffer[9];
  std::snprintf(buffer, sizeof(buffer), "%08x", crc);
  return buffer;
}

json UserMetadata(const PutOptions& options, const std::string& sha) {
  json out = {{kShaMetadataKey, sha}};
  for (const auto& [name, value] : options.metadata) out[name] = value;
  return out;
}

ObjectInfo InfoFromJson(const json& object, size_t strip) {
  ObjectInfo info;
  std::string name = JsonString(object, "name");
  info.key = name.size() >= strip ? name.substr(strip) : name;
  info.size = std::strtoll(JsonString(object, "size").c_str(), nullptr, 10);
  info.md5_hex = Base64ToHex(JsonString(object, "md5Hash"));
  info.crc32c_hex = Base64ToHex(JsonString(object, "crc32c"));
  info.generation = std::strtoll(JsonString(object, "generation").c_str(), nullptr, 10);
  info.etag = JsonString(object, "generation");
  if (object.contains("metadata") && object["metadata"].is_object()) {
    info.sha256_hex = JsonString(object["metadata"], kShaMetadataKey);
    for (const auto& [name, value] : object["metadata"].items()) {
      if (value.is_string() && name != kShaMetadataKey) info.metadata[name] = value;
    }
  }
  return info;
}

class GcsStore final : public ObjectStore {
 public:
  GcsStore(ObjectUrl url, ObjectStoreOptions options, std::string endpoint,
           std::unique_ptr<HttpClient> http, std::unique_ptr<TokenProvider> tokens)
      : url_(std::move(url)),
        options_(std::move(options)),
        endpoint_(std::move(endpoint)),
        http_(std::move(http)),
        tokens_(std::move(tokens)),
        retrier_(RetryOptions{options_.retries, options_.initial_backoff_ms,
                              options_.max_backoff_ms, options_.on_retry}) {}

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
    RETURN_IF_RETRY_FAILED(retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response, Send("GET", ObjectPath(key) + "?alt=media", {}, {}));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      SLUICE_RETURN_IF_ERROR(VerifyGoogHash(response, key));
      body = std::move(response.body);
      return Status::OK();
    }));
    bytes_downloaded_ += static_cast<int64_t>(body.size());
    return body;
  }

  Result<std::string> GetRange(std::string_view key, int64_t offset, int64_t length) override {
    if (length <= 0) return std::string();
    std::string body;
    RETURN_IF_RETRY_FAILED(retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response,
                              Send("GET", ObjectPath(key) + "?alt=media",
                                   {{"Range", "bytes=" + std::to_string(offset) + "-" +
                                                  std::to_string(offset + length - 1)}},
                                   {}));
      if (response.status == 416) {
        body.clear();
        return Status::OK();
      }
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      body = std::move(response.body);
      if (response.status == 200) {
        body = offset < static_cast<int64_t>(body.size())
                   ? body.substr(static_cast<size_t>(offset), static_cast<size_t>(length))
                   : std::string();
      }
      return Status::OK();
    }));
    bytes_downloaded_ += static_cast<int64_t>(body.size());
    return body;
  }

  Result<ObjectInfo> Head(std::string_view key) override {
    ObjectInfo info;
    RETURN_IF_RETRY_FAILED(retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response, Send("GET", ObjectPath(key), {}, {}));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      json object = json::parse(response.body, nullptr, false);
      if (!object.is_object())
        return Status::Unavailable("HEAD " + DisplayName(key) + ": bad JSON");
      info = InfoFromJson(object, StripLength());
      return Status::OK();
    }));
    return info;
  }

  Result<std::vector<ObjectInfo>> List(std::string_view prefix) override {
    std::vector<ObjectInfo> out;
    std::string full_prefix = url_.prefix.empty() ? std::string(prefix) : url_.FullKey(prefix);
    if (prefix.empty() && !url_.prefix.empty()) full_prefix = url_.prefix + "/";
    std::string page_token;
    while (true) {
      std::string path = "/storage/v1/b/" + UriEncode(url_.bucket, false) +
                         "/o?prefix=" + UriEncode(full_prefix, false);
      if (!page_token.empty()) path += "&pageToken=" + UriEncode(page_token, false);
      json body;
      RETURN_IF_RETRY_FAILED(retrier_.Run([&](int) -> Status {
        SLUICE_ASSIGN_OR_RETURN(auto response, Send("GET", path, {}, {}));
        SLUICE_RETURN_IF_ERROR(Check(response, ""));
        body = json::parse(response.body, nullptr, false);
        if (!body.is_object()) return Status::Unavailable("LIST " + url() + ": bad JSON");
        return Status::OK();
      }));
      if (body.contains("items") && body["items"].is_array()) {
        for (const auto& item : body["items"]) out.push_back(InfoFromJson(item, StripLength()));
      }
      page_token = JsonString(body, "nextPageToken");
      if (page_token.empty()) break;
    }
    std::sort(out.begin(), out.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    return out;
  }

  Status Delete(std::string_view key) override {
    return retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(auto response, Send("DELETE", ObjectPath(key), {}, {}));
      if (response.status == 404) {
        Status status = Check(response, key);
        // Only a missing bucket is an error; a missing object is already deleted.
        return status.message().find("' does not exist") != std::string::npos ? status
                                                                              : Status::OK();
      }
      return Check(response, key);
    });
  }

  Result<std::vector<PendingUpload>> ListPendingUploads(std::string_view) override {
    // GCS resumable sessions cannot be listed; they expire by themselves after a week.
    return std::vector<PendingUpload>{};
  }
  Status AbortPendingUpload(const PendingUpload&) override { return Status::OK(); }

  ObjectStoreStats stats() const override {
    return {requests_.load(), retrier_.retries(), bytes_uploaded_.load(), bytes_downloaded_.load()};
  }

 private:
  size_t StripLength() const { return url_.prefix.empty() ? 0 : url_.prefix.size() + 1; }

  std::string ObjectPath(std::string_view key) const {
    return "/storage/v1/b/" + UriEncode(url_.bucket, false) + "/o/" +
           UriEncode(url_.FullKey(key), false);
  }

  // `path_or_url` is either a path below the endpoint or an absolute session URL.
  using BodyReader = std::function<Result<size_t>(int64_t offset, char* buffer, size_t max)>;
  /// A request body pulled piece by piece (HttpRequest::read_body).
  struct Streamed {
    BodyReader read;
    int64_t size = 0;
  };

  Result<HttpResponse> Send(const std::string& method, const std::string& path_or_url,
                            const Headers& headers, std::string_view body,
                            const Streamed* streamed = nullptr) {
    for (int auth_attempt = 0;; ++auth_attempt) {
      HttpRequest request;
      request.method = method;
      request.url = path_or_url.rfind("http", 0) == 0 ? path_or_url : endpoint_ + path_or_url;
      request.headers = headers;
      SLUICE_ASSIGN_OR_RETURN(std::string token, tokens_->Token());
      if (!token.empty()) request.headers.emplace_back("Authorization", "Bearer " + token);
      request.body = body;
      if (streamed != nullptr) {
        request.read_body = streamed->read;
        request.body_size = streamed->size;
      }
      requests_.fetch_add(1);
      SLUICE_ASSIGN_OR_RETURN(auto response, http_->Send(request));
      // One refresh on 401: the token may have been revoked or expired early.
      if (response.status == 401 && auth_attempt == 0 && !token.empty()) {
        tokens_->Invalidate();
        continue;
      }
      return response;
    }
  }

  Status Check(const HttpResponse& response, std::string_view key) const {
    long status = response.status;
    if (status / 100 == 2) return Status::OK();
    json body = json::parse(response.body, nullptr, false);
    std::string message;
    if (body.is_object() && body.contains("error")) message = JsonString(body["error"], "message");
    if (message.empty()) message = response.body.substr(0, 200);
    std::string what = key.empty() ? url() : DisplayName(key);
    std::string detail =
        Redact("HTTP " + std::to_string(status) + (message.empty() ? "" : ": " + message));
    if (status == 408 || status == 429 || status >= 500) {
      return Status::Unavailable(what + ": " + detail);
    }
    std::string lower = message;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (status == 400 &&
        (lower.find("checksum") != std::string::npos || lower.find("hash") != std::string::npos ||
         lower.find("digest") != std::string::npos || lower.find("crc32c") != std::string::npos ||
         lower.find("doesn't match") != std::string::npos)) {
      return Status::Corruption(what + ": " + detail + " (upload damaged in transit)");
    }
    if (status == 401 || status == 403) {
      return Status::InvalidArgument("access denied to " + what + " (" + detail +
                                     "): check the GCS credentials (" + tokens_->Describe() +
                                     ") and the bucket's IAM policy");
    }
    if (status == 404) {
      // GCS: "The specified bucket does not exist." (objects: "No such object: B/K").
      if (lower.find("bucket does not exist") != std::string::npos) {
        return Status::NotFound("bucket '" + url_.bucket + "' does not exist (" + what + ")");
      }
      return Status::NotFound(what + ": no such object (" + detail + ")");
    }
    if (status == 412 || status == 409) {
      return Status::InvalidArgument("conflict: " + what + " already exists or changed (" + detail +
                                     ")");
    }
    return Status::InvalidArgument(what + ": " + detail);
  }

  Status VerifyGoogHash(const HttpResponse& response, std::string_view key) const {
    std::string hash = response.Header("x-goog-hash");
    size_t at = hash.find("crc32c=");
    if (at == std::string::npos) return Status::OK();
    std::string value = hash.substr(at + 7);
    value = value.substr(0, value.find(','));
    std::string expected = Crc32cToBase64(Crc32c(response.body.data(), response.body.size()));
    if (value != expected) {
      return Status::Corruption("GET " + DisplayName(key) + ": crc32c " + expected +
                                " of the received bytes differs from the server's " + value);
    }
    return Status::OK();
  }

  Status VerifyFinal(const json& object, std::string_view key, int64_t size, uint32_t crc,
                     const std::string& md5_hex, ObjectInfo* info) const {
    *info = InfoFromJson(object, StripLength());
    if (info->size != size) {
      return Status::Corruption("upload of " + DisplayName(key) + ": server has " +
                                std::to_string(info->size) + " bytes, sent " +
                                std::to_string(size));
    }
    if (!info->crc32c_hex.empty() && info->crc32c_hex != Crc32cHex(crc)) {
      return Status::Corruption("upload of " + DisplayName(key) + ": server crc32c " +
                                info->crc32c_hex + " differs from local " + Crc32cHex(crc));
    }
    if (!info->md5_hex.empty() && info->md5_hex != md5_hex) {
      return Status::Corruption("upload of " + DisplayName(key) + ": server md5 " + info->md5_hex +
                                " differs from local " + md5_hex);
    }
    return Status::OK();
  }

  json Metadata(std::string_view key, const PutOptions& options, const std::string& sha,
                uint32_t crc, const std::string& md5_hex) const {
    return json{{"name", url_.FullKey(key)},
                {"contentType", options.content_type},
                {"crc32c", Crc32cToBase64(crc)},
                {"md5Hash", Base64Encode(HexDecode(md5_hex).ValueOrDie())},
                {"metadata", UserMetadata(options, sha)}};
  }

  Result<ObjectInfo> Upload(std::string_view key, const UploadSource& source,
                            const PutOptions& options) {
    std::string md5_hex;
    std::string sha;
    uint32_t crc = 0;
    SLUICE_RETURN_IF_ERROR(source.Digest(&md5_hex, &sha, &crc));
    if (!options.sha256_hex.empty() && options.sha256_hex != sha) {
      return Status::Corruption(source.name() + ": sha256 " + sha + " differs from the expected " +
                                options.sha256_hex + " (file changed before upload)");
    }
    ObjectInfo info;
    if (source.size() < options_.multipart_threshold) {
      SLUICE_RETURN_IF_ERROR(PutMultipartRelated(key, source, options, sha, crc, md5_hex, &info));
    } else {
      SLUICE_RETURN_IF_ERROR(PutResumable(key, source, options, sha, crc, md5_hex, &info));
    }
    bytes_uploaded_ += source.size();
    info.sha256_hex = sha;
    return info;
  }

  std::string UploadPath(const char* type, const PutOptions& options) const {
    std::string path =
        "/upload/storage/v1/b/" + UriEncode(url_.bucket, false) + "/o?uploadType=" + type;
    if (options.if_absent) {
      path += "&ifGenerationMatch=0";
    } else if (!options.if_match.empty()) {
      path += "&ifGenerationMatch=" + UriEncode(options.if_match, false);
    }
    return path;
  }

  Status PutMultipartRelated(std::string_view key, const UploadSource& source,
                             const PutOptions& options, const std::string& sha, uint32_t crc,
                             const std::string& md5_hex, ObjectInfo* info) {
    // The body is [metadata part header][the file][closing boundary], streamed from the source
    // so a part file is never held in memory. A random boundary cannot occur in the data by
    // chance (2^-128).
    std::random_device random;
    char suffix[33];
    std::snprintf(suffix, sizeof(suffix), "%08x%08x%08x%08x", random(), random(), random(),
                  random());
    const std::string boundary = std::string(kBoundaryBase) + suffix;
    const std::string head = "--" + boundary +
                             "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" +
                             Metadata(key, options, sha, crc, md5_hex).dump() + "\r\n--" +
                             boundary + "\r\nContent-Type: " + options.content_type + "\r\n\r\n";
    const std::string tail = "\r\n--" + boundary + "--\r\n";
    const int64_t head_size = static_cast<int64_t>(head.size());
    const int64_t data_end = head_size + source.size();
    BodyReader read = [&](int64_t offset, char* buffer, size_t max) -> Result<size_t> {
      if (offset < head_size) {
        size_t count = std::min<size_t>(max, static_cast<size_t>(head_size - offset));
        std::copy_n(head.data() + offset, count, buffer);
        return count;
      }
      if (offset < data_end) {
        return source.ReadInto(offset - head_size, buffer,
                               std::min<size_t>(max, static_cast<size_t>(data_end - offset)));
      }
      size_t from = static_cast<size_t>(offset - data_end);
      size_t count = std::min(max, tail.size() - std::min(from, tail.size()));
      std::copy_n(tail.data() + from, count, buffer);
      return count;
    };
    Streamed body{read, data_end + static_cast<int64_t>(tail.size())};
    return retrier_.Run([&](int) -> Status {
      SLUICE_ASSIGN_OR_RETURN(
          auto response,
          Send("POST", UploadPath("multipart", options),
               {{"Content-Type", "multipart/related; boundary=" + boundary}}, {}, &body));
      SLUICE_RETURN_IF_ERROR(Check(response, key));
      json object = json::parse(response.body, nullptr, false);
      if (!object.is_object())
        return Status::Unavailable("upload " + DisplayName(key) + ": bad JSON");
      return VerifyFinal(object, key, source.size(), crc, md5_hex, info);
    });
  }

  // Committed bytes from a 308 answer: "Range: bytes=0-N" means N+1; no Range means none.
  static int64_t CommittedFrom(const HttpResponse& response) {
    std::string range = response.Header("range");
    size_t dash = range.find('-');
    if (range.rfind("bytes=", 0) != 0 || dash == std::string::npos) return 0;
    return std::strtoll(range.c_str() + dash + 1, nullptr, 10) + 1;
  }

  Status PutResumable(std::string_view key, const UploadSource& source, const PutOptions& options,
                      const std::string& sha, uint32_t crc, const std::string& md5_hex,
                      ObjectInfo* info) {
    int64_t total = source.size();
    int64_t chunk = std::max(
        kChunkQuantum, (options_.part_size + kChunkQuantum - 1) / kChunkQuantum * kChunkQuantum);
    std::string metadata = Metadata(key, options, sha, crc, md5_hex).dump();
    // A session that expired or was lost (404/410) is restarted from byte 0, at most twice.
    for (int session_attempt = 0;; ++session_attempt) {
      std::string session;
      RETURN_IF_RETRY_FAILED(retrier_.Run([&](int) -> Status {
        SLUICE_ASSIGN_OR_RETURN(auto response,
                                Send("POST", UploadPath("resumable", options),
                                     {{"Content-Type", "application/json; charset=UTF-8"},
                                      {"X-Upload-Content-Type", options.content_type},
                                      {"X-Upload-Content-Length", std::to_string(total)}},
                                     metadata));
        SLUICE_RETURN_IF_ERROR(Check(response, key));
        session = response.Header("location");
        if (session.empty()) {
          return Status::Unavailable("resumable upload of " + DisplayName(key) +
                                     ": no session Location in the answer");
        }
        return Status::OK();
      }));
      RegisterSecret(session.substr(session.find("upload_id=") == std::string::npos
                                        ? session.size()
                                        : session.find("upload_id=") + 10));

      int64_t committed = 0;
      bool finished = false;
      bool session_lost = false;
      std::string buffer;
      Status status = retrier_.Run([&](int attempt) -> Status {
        if (attempt > 0) {
          // Ask the server what it has before sending more.
          SLUICE_ASSIGN_OR_RETURN(
              auto response,
              Send("PUT", session, {{"Content-Range", "bytes */" + std::to_string(total)}}, {}));
          if (response.status == 200 || response.status == 201) {
            json object = json::parse(response.body, nullptr, false);
            if (!object.is_object()) return Status::Unavailable("bad JSON after status query");
            SLUICE_RETURN_IF_ERROR(VerifyFinal(object, key, total, crc, md5_hex, info));
            finished = true;
            return Status::OK();
          }
          if (response.status == 404 || response.status == 410) {
            session_lost = true;
            return Status::OK();
          }
          if (response.status != 308) return Check(response, key);
          committed = CommittedFrom(response);
        }
        while (!finished) {
          int64_t length = std::min(chunk, total - committed);
          SLUICE_RETURN_IF_ERROR(source.ReadAt(committed, length, &buffer));
          std::string range = length == 0 ? "bytes */" + std::to_string(total)
                                          : "bytes " + std::to_string(committed) + "-" +
                                                std::to_string(committed + length - 1) + "/" +
                                                std::to_string(total);
          SLUICE_ASSIGN_OR_RETURN(auto response,
                                  Send("PUT", session, {{"Content-Range", range}}, buffer));
          if (response.status == 308) {
            int64_t now_committed = CommittedFrom(response);
            if (now_committed < committed || now_committed > committed + length) {
              return Status::Unavailable("resumable upload of " + DisplayName(key) +
                                         ": server reports " + std::to_string(now_committed) +
                                         " bytes committed after sending up to " +
                                         std::to_string(committed + length));
            }
            committed = now_committed;
            continue;
          }
          if (response.status == 404 || response.status == 410) {
            session_lost = true;
            return Status::OK();
          }
          SLUICE_RETURN_IF_ERROR(Check(response, key));
          json object = json::parse(response.body, nullptr, false);
          if (!object.is_object()) return Status::Unavailable("bad JSON at the end of upload");
          SLUICE_RETURN_IF_ERROR(VerifyFinal(object, key, total, crc, md5_hex, info));
          finished = true;
        }
        return Status::OK();
      });
      // A final object whose checksum is wrong was published by the server: GCS verifies the
      // crc32c/md5Hash we declared, so this only happens with servers that ignore them.
      SLUICE_RETURN_IF_ERROR(status);
      if (finished) return Status::OK();
      if (!session_lost || session_attempt >= 2) {
        return Status::Unavailable("resumable upload session for " + DisplayName(key) +
                                   " was lost");
      }
    }
  }

  ObjectUrl url_;
  ObjectStoreOptions options_;
  std::string endpoint_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<TokenProvider> tokens_;
  Retrier retrier_;
  std::atomic<int64_t> requests_{0};
  std::atomic<int64_t> bytes_uploaded_{0};
  std::atomic<int64_t> bytes_downloaded_{0};
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenGcsStore(const ObjectUrl& url,
                                                  const ObjectStoreOptions& options,
                                                  const EnvGetter& env) {
  std::string endpoint = options.endpoint;
  if (endpoint.empty() && url.options.count("endpoint")) endpoint = url.options.at("endpoint");
  if (endpoint.empty() && env("STORAGE_EMULATOR_HOST") != nullptr) {
    endpoint = env("STORAGE_EMULATOR_HOST");
  }
  bool custom_endpoint = !endpoint.empty();
  if (endpoint.empty()) endpoint = "https://storage.googleapis.com";
  if (endpoint.find("://") == std::string::npos) endpoint = "http://" + endpoint;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  auto http = std::make_unique<HttpClient>(
      HttpClientOptions{options.connect_timeout_s, options.low_speed_timeout_s});
  SLUICE_ASSIGN_OR_RETURN(auto tokens, DiscoverGcsTokenProvider(options.gcs_access_token,
                                                                custom_endpoint, env, http.get()));
  return std::unique_ptr<ObjectStore>(
      new GcsStore(url, options, endpoint, std::move(http), std::move(tokens)));
}

}  // namespace sluice::storage

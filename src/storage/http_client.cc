#include "storage/http_client.h"

#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cctype>

namespace sluice::storage {
namespace {

// Pooled handles beyond this many are closed when released; a few per upload thread is plenty.
constexpr size_t kMaxIdleHandles = 16;

void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Send buffer of streamed bodies: fewer reads and syscalls than libcurl's 64 KiB default.
constexpr long kUploadBufferBytes = 512 * 1024;

struct Transfer {
  HttpResponse* response;
  const HttpRequest* request;
  bool aborted_by_sink = false;
  int64_t read_offset = 0;  // next byte of a read_body body
  Status read_error;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  int64_t left = transfer->request->body_size - transfer->read_offset;
  size_t max = std::min<size_t>(size * count, static_cast<size_t>(std::max<int64_t>(left, 0)));
  if (max == 0) return 0;
  auto got = transfer->request->read_body(transfer->read_offset, buffer, max);
  if (!got.ok() || *got == 0) {
    transfer->read_error = got.ok() ? Status::IoError("request body ended early") : got.status();
    return CURL_READFUNC_ABORT;
  }
  transfer->read_offset += static_cast<int64_t>(*got);
  return *got;
}

// libcurl rewinds a streamed body when it must resend it (e.g. on a reused connection that the
// server had closed).
int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* transfer = static_cast<Transfer*>(user);
  if (origin != SEEK_SET || offset < 0 || offset > transfer->request->body_size) {
    return CURL_SEEKFUNC_CANTSEEK;
  }
  transfer->read_offset = offset;
  return CURL_SEEKFUNC_OK;
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  if (transfer->request->on_body && transfer->response->status / 100 == 2) {
    if (!transfer->request->on_body(std::string_view(data, bytes))) {
      transfer->aborted_by_sink = true;
      return 0;
    }
  } else {
    transfer->response->body.append(data, bytes);
  }
  return bytes;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  size_t bytes = size * count;
  std::string_view line(data, bytes);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new status line (after 100 Continue or a redirect): forget the previous headers.
    transfer->response->headers.clear();
    size_t space = line.find(' ');
    if (space != std::string_view::npos) {
      transfer->response->status =
          std::strtol(std::string(line.substr(space + 1, 3)).c_str(), nullptr, 10);
    }
    return bytes;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return bytes;
  std::string name(line.substr(0, colon));
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  for (auto& [existing, old_value] : transfer->response->headers) {
    if (existing == name) {
      old_value = std::string(value);
      return bytes;
    }
  }
  transfer->response->headers.emplace_back(std::move(name), std::string(value));
  return bytes;
}

}  // namespace

std::string HttpResponse::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

HttpClient::HttpClient(HttpClientOptions options) : options_(options) { GlobalInitOnce(); }

HttpClient::~HttpClient() {
  for (void* handle : idle_) curl_easy_cleanup(static_cast<CURL*>(handle));
}

void* HttpClient::AcquireHandle() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!idle_.empty()) {
      void* handle = idle_.back();
      idle_.pop_back();
      return handle;
    }
  }
  return curl_easy_init();
}

void HttpClient::ReleaseHandle(void* handle) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (idle_.size() >= kMaxIdleHandles) {
    curl_easy_cleanup(static_cast<CURL*>(handle));
    return;
  }
  idle_.push_back(handle);
}

Result<HttpResponse> HttpClient::Send(const HttpRequest& request) {
  CURL* curl = static_cast<CURL*>(AcquireHandle());
  if (curl == nullptr) return Status::Internal("curl_easy_init failed");
  curl_easy_reset(curl);
  HttpResponse response;
  Transfer transfer{&response, &request};
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.connect_timeout_s));
  // 1024 B/s for low_speed_timeout_s: a stalled server or proxy, not a slow but live one.
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1024L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options_.low_speed_timeout_s));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);

  struct curl_slist* headers = nullptr;
  bool has_content_type = false;
  for (const auto& [name, value] : request.headers) {
    std::string line = name + ": " + value;
    if (value.empty()) line = name + ";";  // curl's syntax for a header with an empty value
    headers = curl_slist_append(headers, line.c_str());
    if (name.size() == 12 && strncasecmp(name.c_str(), "content-type", 12) == 0) {
      has_content_type = true;
    }
  }
  // No "Expect: 100-continue" round trip: our bodies are bounded parts, and some proxies
  // mishandle it.
  headers = curl_slist_append(headers, "Expect:");
  if (!has_content_type) headers = curl_slist_append(headers, "Content-Type:");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);

  if (request.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    // POSTFIELDS sends the borrowed body without copying (without it libcurl pulls the body
    // from READFUNCTION); CUSTOMREQUEST sets the method.
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    if (request.read_body) {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body_size));
      curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadBody);
      curl_easy_setopt(curl, CURLOPT_READDATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, SeekBody);
      curl_easy_setopt(curl, CURLOPT_SEEKDATA, &transfer);
      curl_easy_setopt(curl, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes);
    } else {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    }
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  CURLcode code = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    response.status = status;
  }
  if (code != CURLE_OK) {
    // A failed connection may be half-closed: do not return its handle to the pool.
    curl_easy_cleanup(curl);
    std::string what = request.method + " " + request.url.substr(0, request.url.find('?'));
    if (transfer.aborted_by_sink) return Status::IoError(what + ": response sink failed");
    if (!transfer.read_error.ok()) return transfer.read_error.WithContext(what);
    if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      return Status::InvalidArgument(what + ": " + curl_easy_strerror(code));
    }
    return Status::Unavailable(what + ": " + curl_easy_strerror(code));
  }
  ReleaseHandle(curl);
  return response;
}

std::string UriEncode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string UriDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] == '%' && pos + 2 < text.size() &&
        std::isxdigit(static_cast<unsigned char>(text[pos + 1])) &&
        std::isxdigit(static_cast<unsigned char>(text[pos + 2]))) {
      out.push_back(
          static_cast<char>(std::stoi(std::string(text.substr(pos + 1, 2)), nullptr, 16)));
      pos += 2;
    } else {
      out.push_back(text[pos]);
    }
  }
  return out;
}

}  // namespace sluice::storage

// HttpClient: the one place sluice talks HTTP(S), over libcurl. Backends build requests (with
// their own signing) and classify responses; this class only moves bytes and reports transport
// failures (refused/reset connections, timeouts) as kUnavailable so callers can retry them.
//
// Thread-safety: Send() may be called from many threads at once; each call borrows one curl easy
// handle from a small pool, so keep-alive connections are reused across requests.
// Ownership: requests borrow their body; responses own their bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sluice/result.h"

namespace sluice::storage {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  /// Sent as given; names are case-insensitive on the wire.
  std::vector<std::pair<std::string, std::string>> headers;
  /// Borrowed request body (PUT/POST); must outlive Send().
  std::string_view body;
  /// Instead of `body`: `body_size` bytes pulled from this callback as libcurl sends them, so a
  /// large body is never held in memory. It fills `buffer` with up to `max` bytes at `offset`
  /// and returns how many (0 only at the end); an error aborts the request.
  std::function<Result<size_t>(int64_t offset, char* buffer, size_t max)> read_body;
  int64_t body_size = 0;
  /// When set, the response body is streamed here instead of kept in HttpResponse::body.
  /// Returning false aborts the transfer.
  std::function<bool(std::string_view)> on_body;
};

struct HttpResponse {
  long status = 0;
  /// Header names lower-cased; a repeated header keeps its last value.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// Value of header `lower_name`, or "" when absent.
  std::string Header(std::string_view lower_name) const;
};

struct HttpClientOptions {
  int connect_timeout_s = 10;
  /// Abort a transfer slower than 1 KiB/s for this long (a stalled connection).
  int low_speed_timeout_s = 60;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Performs the request. Any HTTP status is a successful Result; only transport failures are
  /// errors (kUnavailable, or kInvalidArgument for a malformed URL). Messages never include the
  /// request headers, so credentials cannot leak through them.
  Result<HttpResponse> Send(const HttpRequest& request);

 private:
  void* AcquireHandle();
  void ReleaseHandle(void* handle);

  HttpClientOptions options_;
  std::mutex mutex_;
  std::vector<void*> idle_;  // CURL* handles, kept opaque so no curl header leaks out
};

/// Percent-encodes every byte except the RFC 3986 unreserved set (A-Z a-z 0-9 - _ . ~), and
/// '/' too unless keep_slash (as SigV4 and the GCS JSON API require).
std::string UriEncode(std::string_view text, bool keep_slash);

/// Decodes %XX escapes (and leaves everything else).
std::string UriDecode(std::string_view text);

}  // namespace sluice::storage

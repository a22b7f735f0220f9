#include "runner/pipeline/alert_webhook.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>

#include "common/redact.h"

namespace sluice::runner::pipeline {
namespace {

size_t DiscardBody(char* /*data*/, size_t size, size_t count, void* /*user*/) {
  return size * count;
}

struct CurlDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct HeaderDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

Status AlertWebhook::Send(const std::string& json_body) const {
  if (url_.empty()) return Status::OK();
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Status::Internal("curl_easy_init failed");
  std::unique_ptr<curl_slist, HeaderDeleter> headers(
      curl_slist_append(nullptr, "Content-Type: application/json"));
  curl_easy_setopt(curl.get(), CURLOPT_URL, url_.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, json_body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(json_body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, static_cast<long>(timeout_seconds_));
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_seconds_));
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM timeouts
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, DiscardBody);
  CURLcode code = curl_easy_perform(curl.get());
  if (code != CURLE_OK) {
    return Status::Unavailable("webhook " + Redact(url_) + ": " + curl_easy_strerror(code));
  }
  long http_status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &http_status);
  // Slack answers 200; generic receivers may answer 201/202/204.
  if (http_status < 200 || http_status >= 300) {
    return Status::Unavailable("webhook " + Redact(url_) + ": HTTP " + std::to_string(http_status));
  }
  return Status::OK();
}

}  // namespace sluice::runner::pipeline

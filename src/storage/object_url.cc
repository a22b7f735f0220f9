#include "storage/object_url.h"

#include "storage/http_client.h"

namespace sluice::storage {
namespace {

std::string TrimSlashes(std::string_view text) {
  while (!text.empty() && text.front() == '/') text.remove_prefix(1);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return std::string(text);
}

// Bucket names: S3 allows 3-63 of [a-z0-9.-]; GCS also allows '_' (and longer dotted names).
bool ValidBucket(std::string_view bucket) {
  if (bucket.size() < 3 || bucket.size() > 222) return false;
  for (char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_')) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::string JoinKey(std::string_view left, std::string_view right) {
  std::string a = TrimSlashes(left);
  std::string b(right);
  while (!b.empty() && b.front() == '/') b.erase(0, 1);
  if (a.empty()) return b;
  if (b.empty()) return a;
  return a + "/" + b;
}

std::string ObjectUrl::Display() const {
  switch (scheme) {
    case UrlScheme::kLocal:
      return prefix;
    case UrlScheme::kS3:
      return "s3://" + bucket + (prefix.empty() ? "" : "/" + prefix);
    case UrlScheme::kGcs:
      return "gs://" + bucket + (prefix.empty() ? "" : "/" + prefix);
  }
  return prefix;
}

std::string ObjectUrl::FullKey(std::string_view key) const { return JoinKey(prefix, key); }

Result<ObjectUrl> ParseObjectUrl(std::string_view url) {
  ObjectUrl out;
  if (url.empty()) return Status::InvalidArgument("empty destination URL");
  if (url.rfind("file://", 0) == 0) {
    out.prefix = std::string(url.substr(7));
    if (out.prefix.empty()) return Status::InvalidArgument("file:// URL without a path");
    return out;
  }
  bool s3 = url.rfind("s3://", 0) == 0;
  bool gs = url.rfind("gs://", 0) == 0;
  if (!s3 && !gs) {
    if (url.find("://") != std::string_view::npos) {
      return Status::InvalidArgument("unsupported URL scheme in '" +
                                     std::string(url.substr(0, url.find("://"))) +
                                     "://...': use s3://, gs:// or a local path");
    }
    out.prefix = std::string(url);
    return out;
  }
  out.scheme = s3 ? UrlScheme::kS3 : UrlScheme::kGcs;
  std::string_view rest = url.substr(5);
  size_t query_pos = rest.find('?');
  std::string_view query;
  if (query_pos != std::string_view::npos) {
    query = rest.substr(query_pos + 1);
    rest = rest.substr(0, query_pos);
  }
  size_t slash = rest.find('/');
  out.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) out.prefix = TrimSlashes(rest.substr(slash + 1));
  if (!ValidBucket(out.bucket)) {
    return Status::InvalidArgument("bad bucket name '" + out.bucket + "' in " +
                                   std::string(s3 ? "s3" : "gs") +
                                   "://BUCKET/PREFIX (3-63 lower-case letters, digits, '.', '-')");
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    std::string name = UriDecode(pair.substr(0, eq));
    std::string value = eq == std::string_view::npos ? "" : UriDecode(pair.substr(eq + 1));
    if (name != "endpoint" && name != "region" && name != "profile" && name != "addressing") {
      return Status::InvalidArgument("unknown URL option '" + name +
                                     "' (known: endpoint, region, profile, addressing)");
    }
    if (name == "addressing" && value != "path" && value != "virtual") {
      return Status::InvalidArgument("URL option addressing must be 'path' or 'virtual'");
    }
    out.options[name] = value;
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return out;
}

}  // namespace sluice::storage

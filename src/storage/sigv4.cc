#include "storage/sigv4.h"

#include <algorithm>
#include <cctype>

#include "storage/hashing.h"
#include "storage/http_client.h"

namespace sluice::storage {
namespace {

std::string Lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// SigV4 canonical header values: leading/trailing spaces trimmed, inner runs of spaces folded.
std::string TrimValue(const std::string& value) {
  std::string out;
  bool in_space = false;
  for (char c : value) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space && !out.empty()) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string AmzDate(std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string CanonicalQueryString(const QueryParams& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [name, value] : query) {
    encoded.emplace_back(UriEncode(name, false), UriEncode(value, false));
  }
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string CanonicalRequest(const SigV4Input& input, const std::string& amz_date,
                             std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("host", input.host);
  headers.emplace_back("x-amz-date", amz_date);
  for (const auto& [name, value] : input.headers)
    headers.emplace_back(Lower(name), TrimValue(value));
  std::sort(headers.begin(), headers.end());
  std::string canonical_headers;
  signed_headers->clear();
  for (const auto& [name, value] : headers) {
    canonical_headers += name + ":" + value + "\n";
    if (!signed_headers->empty()) signed_headers->push_back(';');
    *signed_headers += name;
  }
  return input.method + "\n" + input.canonical_uri + "\n" + CanonicalQueryString(input.query) +
         "\n" + canonical_headers + "\n" + *signed_headers + "\n" + input.payload_sha256_hex;
}

Headers SignV4(const SigV4Input& input, const AwsCredentials& credentials,
               const std::string& region, const std::string& service, std::time_t now) {
  std::string amz_date = AmzDate(now);
  std::string date = amz_date.substr(0, 8);
  SigV4Input signed_input = input;
  bool has_payload_header = false;
  for (const auto& header : signed_input.headers) {
    if (Lower(header.first) == "x-amz-content-sha256") has_payload_header = true;
  }
  if (!has_payload_header) {
    signed_input.headers.emplace_back("x-amz-content-sha256", input.payload_sha256_hex);
  }
  if (!credentials.session_token.empty()) {
    signed_input.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }
  std::string signed_headers;
  std::string canonical = CanonicalRequest(signed_input, amz_date, &signed_headers);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  std::string to_sign =
      "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + HexEncode(Sha256Raw(canonical));
  std::string key = HmacSha256Raw("AWS4" + credentials.secret_access_key, date);
  key = HmacSha256Raw(key, region);
  key = HmacSha256Raw(key, service);
  key = HmacSha256Raw(key, "aws4_request");
  std::string signature = HexEncode(HmacSha256Raw(key, to_sign));

  Headers out;
  out.emplace_back("x-amz-date", amz_date);
  if (!has_payload_header) out.emplace_back("x-amz-content-sha256", input.payload_sha256_hex);
  if (!credentials.session_token.empty()) {
    out.emplace_back("x-amz-security-token", credentials.session_token);
  }
  out.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id +
                                        "/" + scope + ", SignedHeaders=" + signed_headers +
                                        ", Signature=" + signature);
  return out;
}

}  // namespace sluice::storage

#include "common/redact.h"

#include <mutex>
#include <vector>

namespace sluice {
namespace {

std::mutex& SecretsMutex() {
  static std::mutex mutex;
  return mutex;
}

std::vector<std::string>& Secrets() {
  static std::vector<std::string> secrets;
  return secrets;
}

// Replaces every occurrence of `needle` in `text`.
void ReplaceAll(std::string& text, std::string_view needle, std::string_view replacement) {
  size_t pos = 0;
  while ((pos = text.find(needle, pos)) != std::string::npos) {
    text.replace(pos, needle.size(), replacement);
    pos += replacement.size();
  }
}

}  // namespace

std::string RedactUrl(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t scheme = text.find("://", pos);
    if (scheme == std::string_view::npos) break;
    size_t userinfo_begin = scheme + 3;
    // The authority ends at the first '/', '?', '#' or whitespace; the userinfo at its last '@'.
    size_t authority_end = text.find_first_of("/?# \t\n", userinfo_begin);
    if (authority_end == std::string_view::npos) authority_end = text.size();
    std::string_view authority = text.substr(userinfo_begin, authority_end - userinfo_begin);
    size_t at = authority.rfind('@');
    size_t colon = at == std::string_view::npos ? std::string_view::npos : authority.find(':');
    out.append(text.substr(pos, userinfo_begin - pos));
    if (at != std::string_view::npos && colon != std::string_view::npos && colon < at) {
      out.append(authority.substr(0, colon + 1));
      out.append(kRedacted);
      out.append(authority.substr(at));
    } else {
      out.append(authority);
    }
    pos = authority_end;
  }
  out.append(text.substr(pos));
  return out;
}

void RegisterSecret(std::string_view secret) {
  // Secrets shorter than 3 bytes would turn ordinary text into "***" soup and are not worth
  // hiding anyway (a 1-2 character password is already trivially guessable).
  if (secret.size() < 3) return;
  std::lock_guard<std::mutex> lock(SecretsMutex());
  for (const auto& known : Secrets()) {
    if (known == secret) return;
  }
  Secrets().emplace_back(secret);
}

std::string Redact(std::string_view text) {
  std::string out = RedactUrl(text);
  std::lock_guard<std::mutex> lock(SecretsMutex());
  for (const auto& secret : Secrets()) ReplaceAll(out, secret, kRedacted);
  return out;
}

}  // namespace sluice

#include "source/mysql/connection_url.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <fstream>

#include "common/redact.h"

namespace sluice::mysql {
namespace {

Status UrlError(std::string_view url, const std::string& what) {
  return Status::InvalidArgument("bad source URL '" + Redact(url) + "': " + what +
                                 " (expected mysql://USER[:PASSWORD]@HOST[:PORT]/DB)");
}

int HexValue(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t pos = 0; pos < text.size(); ++pos) {
    if (text[pos] != '%') {
      out.push_back(text[pos]);
      continue;
    }
    if (pos + 2 >= text.size()) return std::nullopt;
    int high = HexValue(text[pos + 1]);
    int low = HexValue(text[pos + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    pos += 2;
  }
  return out;
}

const char* SslModeName(SslMode mode) {
  switch (mode) {
    case SslMode::kDisabled:
      return "DISABLED";
    case SslMode::kPreferred:
      return "PREFERRED";
    case SslMode::kRequired:
      return "REQUIRED";
    case SslMode::kVerifyCa:
      return "VERIFY_CA";
    case SslMode::kVerifyIdentity:
      return "VERIFY_IDENTITY";
  }
  return "?";
}

std::optional<SslMode> ParseSslMode(std::string value) {
  for (auto& ch : value) {
    ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  if (value == "DISABLED") return SslMode::kDisabled;
  if (value == "PREFERRED") return SslMode::kPreferred;
  if (value == "REQUIRED") return SslMode::kRequired;
  if (value == "VERIFY_CA") return SslMode::kVerifyCa;
  if (value == "VERIFY_IDENTITY") return SslMode::kVerifyIdentity;
  return std::nullopt;
}

}  // namespace

std::string ConnectionUrl::Redacted() const {
  std::string out = "mysql://" + user;
  if (password.has_value()) out += ":" + std::string(kRedacted);
  out += "@";
  out += host.find(':') != std::string::npos ? "[" + host + "]" : host;
  out += ":" + std::to_string(port) + "/" + database;
  std::string query;
  if (ssl_mode != SslMode::kPreferred) query += "ssl-mode=" + std::string(SslModeName(ssl_mode));
  if (!socket.empty()) query += (query.empty() ? "" : "&") + std::string("socket=") + socket;
  if (!ssl_ca.empty()) query += (query.empty() ? "" : "&") + std::string("ssl-ca=") + ssl_ca;
  if (!query.empty()) out += "?" + query;
  return out;
}

Result<ConnectionUrl> ParseConnectionUrl(std::string_view url) {
  constexpr std::string_view kScheme = "mysql://";
  constexpr std::string_view kMariaScheme = "mariadb://";
  std::string_view rest;
  if (url.starts_with(kScheme)) {
    rest = url.substr(kScheme.size());
  } else if (url.starts_with(kMariaScheme)) {
    rest = url.substr(kMariaScheme.size());
  } else {
    return UrlError(url, "scheme must be mysql://");
  }
  ConnectionUrl out;
  size_t query_pos = rest.find('?');
  std::string_view query = query_pos == std::string_view::npos ? "" : rest.substr(query_pos + 1);
  rest = rest.substr(0, query_pos);
  size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return UrlError(url, "missing /DATABASE");
  std::string_view authority = rest.substr(0, slash);
  std::string_view database = rest.substr(slash + 1);
  if (database.empty()) return UrlError(url, "missing database name");
  if (database.find('/') != std::string_view::npos) return UrlError(url, "database name has '/'");
  auto db = PercentDecode(database);
  if (!db) return UrlError(url, "bad percent-encoding in database");
  out.database = *db;

  // The password may contain '@' only percent-encoded; the last '@' ends the userinfo.
  size_t at = authority.rfind('@');
  if (at == std::string_view::npos) return UrlError(url, "missing USER@");
  std::string_view userinfo = authority.substr(0, at);
  std::string_view hostport = authority.substr(at + 1);
  size_t colon = userinfo.find(':');
  auto user = PercentDecode(userinfo.substr(0, colon));
  if (!user || user->empty()) return UrlError(url, "missing user name");
  out.user = *user;
  if (colon != std::string_view::npos) {
    auto password = PercentDecode(userinfo.substr(colon + 1));
    if (!password) return UrlError(url, "bad percent-encoding in password");
    out.password = *password;
    RegisterSecret(*password);
  }

  std::string_view host = hostport;
  std::string_view port;
  if (hostport.starts_with("[")) {  // IPv6 literal: [::1]:3306
    size_t close = hostport.find(']');
    if (close == std::string_view::npos) return UrlError(url, "unterminated [IPv6] host");
    host = hostport.substr(1, close - 1);
    std::string_view after = hostport.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return UrlError(url, "unexpected text after ]");
      port = after.substr(1);
    }
  } else {
    size_t port_colon = hostport.rfind(':');
    if (port_colon != std::string_view::npos) {
      host = hostport.substr(0, port_colon);
      port = hostport.substr(port_colon + 1);
    }
  }
  if (host.empty()) return UrlError(url, "missing host");
  out.host = std::string(host);
  if (!port.empty() || hostport.ends_with(":")) {
    uint32_t value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    // TCP ports are 1..65535.
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return UrlError(url, "port '" + std::string(port) + "' is not a number in 1..65535");
    }
    out.port = static_cast<uint16_t>(value);
  }

  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? "" : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::string key(pair.substr(0, eq));
    auto value = PercentDecode(eq == std::string_view::npos ? "" : pair.substr(eq + 1));
    if (!value) return UrlError(url, "bad percent-encoding in option " + key);
    for (auto& ch : key) ch = ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
    if (key == "ssl-mode" || key == "sslmode") {
      auto mode = ParseSslMode(*value);
      if (!mode) {
        return UrlError(url, "ssl-mode '" + *value +
                                 "' is not DISABLED, PREFERRED, REQUIRED, VERIFY_CA or "
                                 "VERIFY_IDENTITY");
      }
      out.ssl_mode = *mode;
    } else if (key == "socket") {
      if (value->empty()) return UrlError(url, "empty socket path");
      out.socket = *value;
    } else if (key == "ssl-ca") {
      out.ssl_ca = *value;
    } else {
      return UrlError(url, "unknown option '" + key + "' (known: ssl-mode, socket, ssl-ca)");
    }
  }
  return out;
}

Status ResolvePassword(ConnectionUrl* url, const std::string& password_file) {
  if (!url->password.has_value() && !password_file.empty()) {
    std::ifstream in(password_file);
    if (!in) return Status::InvalidArgument("cannot read password file " + password_file);
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    url->password = line;
  }
  if (!url->password.has_value()) {
    if (const char* env = std::getenv("SLUICE_MYSQL_PASSWORD"); env != nullptr) {
      url->password = std::string(env);
    }
  }
  if (url->password.has_value()) RegisterSecret(*url->password);
  return Status::OK();
}

}  // namespace sluice::mysql

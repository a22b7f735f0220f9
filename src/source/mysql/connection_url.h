// ConnectionUrl: parses "mysql://USER[:PASSWORD]@HOST[:PORT]/DB?ssl-mode=...&socket=...".
//
// The password may also come from a password file or the SLUICE_MYSQL_PASSWORD environment
// variable (ResolvePassword). Whatever its origin, the password is registered with the shared
// redaction helper (common/redact.h) so it never appears in a message; Redacted() is the only
// form of the URL that may be printed or stored.
// Thread-safety: a ConnectionUrl is a value type.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::mysql {

enum class SslMode { kDisabled, kPreferred, kRequired, kVerifyCa, kVerifyIdentity };

struct ConnectionUrl {
  std::string user;
  std::optional<std::string> password;  // absent: take it from file/environment or use none
  std::string host = "127.0.0.1";
  uint16_t port = 3306;  // MySQL's registered port
  std::string database;
  std::string socket;  // non-empty: connect over this Unix socket instead of TCP
  SslMode ssl_mode = SslMode::kPreferred;
  std::string ssl_ca;  // ?ssl-ca=PATH for VERIFY_CA / VERIFY_IDENTITY

  /// The URL with the password replaced by "***" (or absent): safe to print and store.
  std::string Redacted() const;
};

/// Parses `url`; errors are InvalidArgument with the redacted URL and what was wrong.
/// User, host, database and password are percent-decoded (%40 for '@', %3A for ':').
Result<ConnectionUrl> ParseConnectionUrl(std::string_view url);

/// Fills url->password if the URL did not carry one: first from `password_file` (its first line,
/// without the trailing newline), then from $SLUICE_MYSQL_PASSWORD. Registers the password as
/// a secret for redaction.
Status ResolvePassword(ConnectionUrl* url, const std::string& password_file);

}  // namespace sluice::mysql

// Redaction: the one helper every message path uses so secrets (database passwords, tokens) never
// reach logs, errors, summaries or manifests.
//
// Two layers: RedactUrl() blanks the password of any "scheme://user:password@host" text, and the
// process-wide registry replaces every registered secret wherever it appears (e.g. a server error
// that echoes part of a connection string).
// Thread-safety: all functions are thread-safe (the registry is guarded by a mutex).
#pragma once

#include <string>
#include <string_view>

namespace sluice {

/// Text used in place of a secret.
inline constexpr std::string_view kRedacted = "***";

/// Replaces the password of every "scheme://user:password@" occurrence in `text` with "***".
std::string RedactUrl(std::string_view text);

/// Registers `secret` (ignored if empty or shorter than 3 bytes: too short to redact without
/// mangling ordinary words) so Redact() removes it from any text.
void RegisterSecret(std::string_view secret);

/// RedactUrl() plus removal of every registered secret.
std::string Redact(std::string_view text);

}  // namespace sluice

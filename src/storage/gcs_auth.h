// GCS OAuth2 access tokens, discovered in this order:
//  1. a given access token (ObjectStoreOptions::gcs_access_token or CLOUDSDK_AUTH_ACCESS_TOKEN);
//  2. GOOGLE_APPLICATION_CREDENTIALS naming a service-account key file: a JWT signed with RS256
//     (OpenSSL EVP) is exchanged at the key's token_uri for an access token, refreshed 5 minutes
//     before it expires; an "authorized_user" file is refreshed with its refresh token;
//  3. STORAGE_EMULATOR_HOST set, or a custom endpoint given: no authentication (emulators
//     accept any request);
//  4. gcloud's application_default_credentials.json;
//  5. the GCE metadata server (GCE_METADATA_HOST or metadata.google.internal).
// Thread-safety: Token() is thread-safe; one refresh happens at a time.
#pragma once

#include <ctime>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "sluice/result.h"
#include "storage/aws_config.h"
#include "storage/http_client.h"

namespace sluice::storage {

class TokenProvider {
 public:
  virtual ~TokenProvider() = default;
  /// The current access token ("" = send no Authorization header).
  virtual Result<std::string> Token() = 0;
  /// Forget the cached token (after a 401).
  virtual void Invalidate() {}
  /// Where the credentials came from, for messages ("service account x@y from FILE").
  virtual std::string Describe() const = 0;
};

/// Builds the RS256-signed JWT assertion for a service account (exposed for tests).
Result<std::string> MakeServiceAccountJwt(const std::string& client_email,
                                          const std::string& private_key_pem,
                                          const std::string& token_uri, const std::string& scope,
                                          std::time_t now);

/// A provider from a key file's JSON text (service_account or authorized_user).
Result<std::unique_ptr<TokenProvider>> TokenProviderFromKeyJson(const std::string& json_text,
                                                                const std::string& origin,
                                                                HttpClient* http);

Result<std::unique_ptr<TokenProvider>> DiscoverGcsTokenProvider(const std::string& given_token,
                                                                bool custom_endpoint,
                                                                const EnvGetter& env,
                                                                HttpClient* http);

}  // namespace sluice::storage

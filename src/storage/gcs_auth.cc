#include "storage/gcs_auth.h"

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/redact.h"
#include "storage/hashing.h"

namespace sluice::storage {
namespace {

using json = nlohmann::json;

// Read-write access to objects: what upload, ls and delete need, and nothing more.
constexpr const char* kScope = "https://www.googleapis.com/auth/devstorage.read_write";
// Google issues 1-hour tokens; refresh this long before expiry so a request never races it.
constexpr int kRefreshMarginSeconds = 300;
constexpr int kJwtLifetimeSeconds = 3600;

std::string JsonString(const json& object, const char* name) {
  auto found = object.find(name);
  if (found == object.end() || !found->is_string()) return "";
  return found->get<std::string>();
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

// Caches a token and refreshes it through fetch() when it is about to expire.
class RefreshingProvider : public TokenProvider {
 public:
  using Fetch = std::function<Status(std::string* token, int64_t* expires_in)>;
  RefreshingProvider(std::string description, Fetch fetch)
      : description_(std::move(description)), fetch_(std::move(fetch)) {}

  Result<std::string> Token() override {
    std::lock_guard<std::mutex> lock(mutex_);
    std::time_t now = std::time(nullptr);
    if (!token_.empty() && now + kRefreshMarginSeconds < expires_at_) return token_;
    std::string token;
    int64_t expires_in = 0;
    Status status = fetch_(&token, &expires_in);
    if (!status.ok()) return status.WithContext("GCS credentials (" + description_ + ")");
    RegisterSecret(token);
    token_ = token;
    expires_at_ = now + (expires_in > 0 ? expires_in : kJwtLifetimeSeconds);
    return token_;
  }
  void Invalidate() override {
    std::lock_guard<std::mutex> lock(mutex_);
    token_.clear();
  }
  std::string Describe() const override { return description_; }

 private:
  std::string description_;
  Fetch fetch_;
  std::mutex mutex_;
  std::string token_;
  std::time_t expires_at_ = 0;
};

class StaticProvider : public TokenProvider {
 public:
  StaticProvider(std::string token, std::string description)
      : token_(std::move(token)), description_(std::move(description)) {
    RegisterSecret(token_);
  }
  Result<std::string> Token() override { return token_; }
  std::string Describe() const override { return description_; }

 private:
  std::string token_;
  std::string description_;
};

// Parses a token endpoint's answer {"access_token": ..., "expires_in": ...}.
Status ParseTokenResponse(const HttpResponse& response, const std::string& endpoint,
                          std::string* token, int64_t* expires_in) {
  if (response.status != 200) {
    json error = json::parse(response.body, nullptr, false);
    std::string reason = error.is_object() ? JsonString(error, "error") : "";
    std::string text = "token endpoint " + endpoint + " answered HTTP " +
                       std::to_string(response.status) + (reason.empty() ? "" : " " + reason);
    if (response.status == 408 || response.status == 429 || response.status >= 500) {
      return Status::Unavailable(text);
    }
    return Status::InvalidArgument(text + ": the credentials were rejected");
  }
  json body = json::parse(response.body, nullptr, false);
  if (!body.is_object() || JsonString(body, "access_token").empty()) {
    return Status::Unavailable("token endpoint " + endpoint + " returned no access_token");
  }
  *token = JsonString(body, "access_token");
  auto found = body.find("expires_in");
  *expires_in = (found != body.end() && found->is_number()) ? found->get<int64_t>() : 0;
  return Status::OK();
}

std::string FormEncode(const std::string& text) { return UriEncode(text, false); }

}  // namespace

Result<std::string> MakeServiceAccountJwt(const std::string& client_email,
                                          const std::string& private_key_pem,
                                          const std::string& token_uri, const std::string& scope,
                                          std::time_t now) {
  json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  json claims = {{"iss", client_email},
                 {"scope", scope},
                 {"aud", token_uri},
                 {"iat", static_cast<int64_t>(now)},
                 {"exp", static_cast<int64_t>(now) + kJwtLifetimeSeconds}};
  std::string signing_input = Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(claims.dump());

  BIO* bio = BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size()));
  EVP_PKEY* key = bio ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr) : nullptr;
  BIO_free(bio);
  if (key == nullptr) {
    return Status::InvalidArgument("service account private_key is not a valid PEM private key");
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string signature;
  size_t length = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestSignUpdate(ctx, signing_input.data(), signing_input.size()) == 1 &&
            EVP_DigestSignFinal(ctx, nullptr, &length) == 1;
  if (ok) {
    signature.resize(length);
    ok = EVP_DigestSignFinal(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length) == 1;
    signature.resize(length);
  }
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  if (!ok) return Status::InvalidArgument("could not sign the service account JWT (RS256)");
  return signing_input + "." + Base64UrlEncode(signature);
}

Result<std::unique_ptr<TokenProvider>> TokenProviderFromKeyJson(const std::string& json_text,
                                                                const std::string& origin,
                                                                HttpClient* http) {
  json key = json::parse(json_text, nullptr, false);
  if (!key.is_object()) return Status::InvalidArgument(origin + " is not a JSON object");
  std::string type = JsonString(key, "type");
  if (type == "service_account") {
    std::string email = JsonString(key, "client_email");
    std::string pem = JsonString(key, "private_key");
    std::string token_uri = JsonString(key, "token_uri");
    if (token_uri.empty()) token_uri = "https://oauth2.googleapis.com/token";
    if (email.empty() || pem.empty()) {
      return Status::InvalidArgument(origin +
                                     ": service account key lacks client_email or private_key");
    }
    // Fail now, not at the first request, if the key cannot sign.
    SLUICE_RETURN_IF_ERROR(
        MakeServiceAccountJwt(email, pem, token_uri, kScope, std::time(nullptr)).status());
    std::string description = "service account " + email + " from " + origin;
    auto fetch = [email, pem, token_uri, http](std::string* token, int64_t* expires_in) -> Status {
      SLUICE_ASSIGN_OR_RETURN(std::string jwt, MakeServiceAccountJwt(email, pem, token_uri, kScope,
                                                                     std::time(nullptr)));
      HttpRequest request;
      request.method = "POST";
      request.url = token_uri;
      request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
      std::string body = "grant_type=" + FormEncode("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                         "&assertion=" + jwt;
      request.body = body;
      SLUICE_ASSIGN_OR_RETURN(auto response, http->Send(request));
      return ParseTokenResponse(response, token_uri, token, expires_in);
    };
    return std::unique_ptr<TokenProvider>(new RefreshingProvider(description, fetch));
  }
  if (type == "authorized_user") {
    std::string client_id = JsonString(key, "client_id");
    std::string client_secret = JsonString(key, "client_secret");
    std::string refresh_token = JsonString(key, "refresh_token");
    std::string token_uri = JsonString(key, "token_uri");
    if (token_uri.empty()) token_uri = "https://oauth2.googleapis.com/token";
    if (refresh_token.empty()) return Status::InvalidArgument(origin + ": no refresh_token");
    RegisterSecret(client_secret);
    RegisterSecret(refresh_token);
    auto fetch = [=](std::string* token, int64_t* expires_in) -> Status {
      HttpRequest request;
      request.method = "POST";
      request.url = token_uri;
      request.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
      std::string body = "grant_type=refresh_token&client_id=" + FormEncode(client_id) +
                         "&client_secret=" + FormEncode(client_secret) +
                         "&refresh_token=" + FormEncode(refresh_token);
      request.body = body;
      SLUICE_ASSIGN_OR_RETURN(auto response, http->Send(request));
      return ParseTokenResponse(response, token_uri, token, expires_in);
    };
    return std::unique_ptr<TokenProvider>(
        new RefreshingProvider("user credentials from " + origin, fetch));
  }
  return Status::InvalidArgument(origin + ": unsupported credential type '" + type +
                                 "' (expected service_account or authorized_user)");
}

Result<std::unique_ptr<TokenProvider>> DiscoverGcsTokenProvider(const std::string& given_token,
                                                                bool custom_endpoint,
                                                                const EnvGetter& env,
                                                                HttpClient* http) {
  auto get = [&](const char* name) {
    const char* value = env(name);
    return value ? std::string(value) : std::string();
  };
  if (!given_token.empty()) {
    return std::unique_ptr<TokenProvider>(new StaticProvider(given_token, "a given access token"));
  }
  if (!get("CLOUDSDK_AUTH_ACCESS_TOKEN").empty()) {
    return std::unique_ptr<TokenProvider>(
        new StaticProvider(get("CLOUDSDK_AUTH_ACCESS_TOKEN"), "CLOUDSDK_AUTH_ACCESS_TOKEN"));
  }
  std::string key_path = get("GOOGLE_APPLICATION_CREDENTIALS");
  if (!key_path.empty()) {
    std::string text;
    if (!ReadFile(key_path, &text)) {
      return Status::InvalidArgument("GOOGLE_APPLICATION_CREDENTIALS names " + key_path +
                                     ", which cannot be read");
    }
    return TokenProviderFromKeyJson(text, key_path, http);
  }
  if (!get("STORAGE_EMULATOR_HOST").empty() || custom_endpoint) {
    return std::unique_ptr<TokenProvider>(new StaticProvider("", "no credentials (emulator)"));
  }
  std::string adc = get("HOME") + "/.config/gcloud/application_default_credentials.json";
  std::string text;
  if (!get("HOME").empty() && ReadFile(adc, &text))
    return TokenProviderFromKeyJson(text, adc, http);
  std::string host = get("GCE_METADATA_HOST");
  if (host.empty()) host = "metadata.google.internal";
  std::string url =
      "http://" + host + "/computeMetadata/v1/instance/service-accounts/default/token";
  auto fetch = [url, http](std::string* token, int64_t* expires_in) -> Status {
    HttpRequest request;
    request.url = url;
    request.headers = {{"Metadata-Flavor", "Google"}};
    auto response = http->Send(request);
    if (!response.ok()) {
      return Status::InvalidArgument(
          "no GCS credentials: set GOOGLE_APPLICATION_CREDENTIALS to a service account key file "
          "(the metadata server is not reachable: " +
          response.status().message() + ")");
    }
    return ParseTokenResponse(*response, url, token, expires_in);
  };
  return std::unique_ptr<TokenProvider>(new RefreshingProvider("the metadata server", fetch));
}

}  // namespace sluice::storage

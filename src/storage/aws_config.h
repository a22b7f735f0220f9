// S3 client configuration discovery, in the order the AWS CLI and SDKs use:
//  credentials: explicit options > AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN >
//               shared credentials file (AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials) >
//               config file (AWS_CONFIG_FILE or ~/.aws/config), for profile
//               URL profile= > AWS_PROFILE > "default";
//  region:      options/URL region= > AWS_REGION > AWS_DEFAULT_REGION > profile region > us-east-1;
//  endpoint:    options/URL endpoint= > AWS_ENDPOINT_URL_S3 > AWS_ENDPOINT_URL > profile
//               endpoint_url > https://s3.REGION.amazonaws.com.
// Addressing: path-style for custom endpoints (MinIO, Swift, R2 accept it everywhere), virtual-
// hosted for AWS; URL addressing=path|virtual overrides.
// Thread-safety: pure functions; the environment is read through the given getter.
#pragma once

#include <functional>
#include <map>
#include <string>

#include "sluice/object_store.h"
#include "storage/sigv4.h"

namespace sluice::storage {

using EnvGetter = std::function<const char*(const char*)>;

struct S3Config {
  AwsCredentials credentials;
  std::string region;
  std::string endpoint;  // scheme://host[:port], no trailing '/'
  bool path_style = true;
  std::string credential_source;  // "options", "environment", "profile NAME in FILE" (no secret)
};

/// INI sections of an AWS shared file: {"default": {key: value}, "profile dev": {...}}.
std::map<std::string, std::map<std::string, std::string>> ParseIniFile(const std::string& text);

Result<S3Config> ResolveS3Config(const ObjectStoreOptions& options,
                                 const std::map<std::string, std::string>& url_options,
                                 const EnvGetter& env);

}  // namespace sluice::storage

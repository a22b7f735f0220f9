#include "storage/aws_config.h"

#include <fstream>
#include <sstream>

namespace sluice::storage {
namespace {

std::string Trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path);
  if (!in) return false;
  std::stringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

std::string EnvOr(const EnvGetter& env, const char* name) {
  const char* value = env(name);
  return value != nullptr ? value : "";
}

}  // namespace

std::map<std::string, std::map<std::string, std::string>> ParseIniFile(const std::string& text) {
  std::map<std::string, std::map<std::string, std::string>> sections;
  std::string current;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    // Indented lines belong to a nested block ("s3 =\n  endpoint_url = ..."): skipped, the
    // top-level keys are what sluice reads.
    bool indented = !line.empty() && (line[0] == ' ' || line[0] == '\t');
    std::string trimmed = Trim(line);
    if (trimmed.empty() || trimmed[0] == '#' || trimmed[0] == ';') continue;
    if (trimmed.front() == '[' && trimmed.back() == ']') {
      current = Trim(trimmed.substr(1, trimmed.size() - 2));
      sections[current];
      continue;
    }
    if (indented) continue;
    size_t eq = trimmed.find('=');
    if (eq == std::string::npos) continue;
    sections[current][Trim(trimmed.substr(0, eq))] = Trim(trimmed.substr(eq + 1));
  }
  return sections;
}

Result<S3Config> ResolveS3Config(const ObjectStoreOptions& options,
                                 const std::map<std::string, std::string>& url_options,
                                 const EnvGetter& env) {
  S3Config config;
  auto url_option = [&](const char* name) {
    auto found = url_options.find(name);
    return found == url_options.end() ? std::string() : found->second;
  };
  std::string home = EnvOr(env, "HOME");
  std::string profile = url_option("profile");
  bool explicit_profile = !profile.empty();
  if (profile.empty()) profile = EnvOr(env, "AWS_PROFILE");
  if (profile.empty()) profile = "default";

  std::string credentials_path = EnvOr(env, "AWS_SHARED_CREDENTIALS_FILE");
  if (credentials_path.empty() && !home.empty()) credentials_path = home + "/.aws/credentials";
  std::string config_path = EnvOr(env, "AWS_CONFIG_FILE");
  if (config_path.empty() && !home.empty()) config_path = home + "/.aws/config";

  std::map<std::string, std::string> credentials_section;
  std::map<std::string, std::string> config_section;
  std::string text;
  if (!credentials_path.empty() && ReadFile(credentials_path, &text)) {
    auto sections = ParseIniFile(text);
    if (sections.count(profile)) credentials_section = sections[profile];
  }
  if (!config_path.empty() && ReadFile(config_path, &text)) {
    auto sections = ParseIniFile(text);
    std::string name = profile == "default" ? "default" : "profile " + profile;
    if (sections.count(name)) config_section = sections[name];
  }
  if (explicit_profile && credentials_section.empty() && config_section.empty()) {
    return Status::InvalidArgument("AWS profile '" + profile + "' not found in " +
                                   credentials_path + " or " + config_path);
  }

  // Credentials.
  if (!options.access_key_id.empty()) {
    config.credentials = {options.access_key_id, options.secret_access_key, options.session_token};
    config.credential_source = "options";
  } else if (!explicit_profile && !EnvOr(env, "AWS_ACCESS_KEY_ID").empty()) {
    config.credentials = {EnvOr(env, "AWS_ACCESS_KEY_ID"), EnvOr(env, "AWS_SECRET_ACCESS_KEY"),
                          EnvOr(env, "AWS_SESSION_TOKEN")};
    config.credential_source = "environment (AWS_ACCESS_KEY_ID)";
  } else {
    for (const auto* section : {&credentials_section, &config_section}) {
      auto key = section->find("aws_access_key_id");
      if (key == section->end()) continue;
      config.credentials.access_key_id = key->second;
      auto secret = section->find("aws_secret_access_key");
      if (secret != section->end()) config.credentials.secret_access_key = secret->second;
      auto token = section->find("aws_session_token");
      if (token != section->end()) config.credentials.session_token = token->second;
      config.credential_source = "profile '" + profile + "'";
      break;
    }
  }
  if (config.credentials.access_key_id.empty()) {
    return Status::InvalidArgument(
        "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in " +
        credentials_path);
  }
  if (config.credentials.secret_access_key.empty()) {
    return Status::InvalidArgument("S3 credentials from " + config.credential_source +
                                   " have an access key but no secret access key");
  }

  // Region.
  config.region = !options.region.empty() ? options.region : url_option("region");
  if (config.region.empty()) config.region = EnvOr(env, "AWS_REGION");
  if (config.region.empty()) config.region = EnvOr(env, "AWS_DEFAULT_REGION");
  if (config.region.empty() && config_section.count("region")) {
    config.region = config_section["region"];
  }
  if (config.region.empty()) config.region = "us-east-1";

  // Endpoint.
  std::string endpoint = !options.endpoint.empty() ? options.endpoint : url_option("endpoint");
  if (endpoint.empty()) endpoint = EnvOr(env, "AWS_ENDPOINT_URL_S3");
  if (endpoint.empty()) endpoint = EnvOr(env, "AWS_ENDPOINT_URL");
  if (endpoint.empty() && config_section.count("endpoint_url")) {
    endpoint = config_section["endpoint_url"];
  }
  bool custom = !endpoint.empty();
  if (!custom) endpoint = "https://s3." + config.region + ".amazonaws.com";
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  if (endpoint.rfind("http://", 0) != 0 && endpoint.rfind("https://", 0) != 0) {
    return Status::InvalidArgument("S3 endpoint '" + endpoint + "' must start with http(s)://");
  }
  config.endpoint = endpoint;
  config.path_style = custom;
  std::string addressing = url_option("addressing");
  if (addressing == "path") config.path_style = true;
  if (addressing == "virtual") config.path_style = false;
  return config;
}

}  // namespace sluice::storage

#include "sluice/object_store.h"

#include <cstdlib>

#include "storage/aws_config.h"
#include "storage/gcs_store.h"
#include "storage/local_store.h"
#include "storage/object_url.h"
#include "storage/s3_store.h"

namespace sluice {

Result<std::unique_ptr<ObjectStore>> ObjectStore::Open(std::string_view url,
                                                       const ObjectStoreOptions& options) {
  SLUICE_ASSIGN_OR_RETURN(storage::ObjectUrl parsed, storage::ParseObjectUrl(url));
  storage::EnvGetter env = [](const char* name) { return std::getenv(name); };
  if (options.retries < 0) return Status::InvalidArgument("--retries must be at least 0");
  if (options.parallel_parts < 1) return Status::InvalidArgument("--parallel must be at least 1");
  switch (parsed.scheme) {
    case storage::UrlScheme::kLocal:
      return storage::OpenLocalStore(parsed.prefix, options);
    case storage::UrlScheme::kS3: {
      SLUICE_ASSIGN_OR_RETURN(auto config, storage::ResolveS3Config(options, parsed.options, env));
      return storage::OpenS3Store(parsed, options, config);
    }
    case storage::UrlScheme::kGcs:
      return storage::OpenGcsStore(parsed, options, env);
  }
  return Status::Internal("unknown URL scheme");
}

std::string ObjectStore::DisplayName(std::string_view key) const {
  std::string base = url();
  if (base.empty() || base.back() == '/') return base + std::string(key);
  return base + "/" + std::string(key);
}

bool IsObjectStoreUrl(std::string_view url) {
  return url.rfind("s3://", 0) == 0 || url.rfind("gs://", 0) == 0;
}

bool IsConflict(const Status& status) {
  return status.code() == StatusCode::kInvalidArgument &&
         status.message().find("conflict: ") != std::string::npos;
}

}  // namespace sluice

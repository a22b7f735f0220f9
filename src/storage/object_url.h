// ObjectUrl: parses the destination URLs sluice accepts:
//   s3://BUCKET[/PREFIX][?endpoint=URL&region=R&profile=P&addressing=path|virtual]
//   gs://BUCKET[/PREFIX][?endpoint=URL]
//   file:///DIR or a plain local path
// The prefix never starts or ends with '/'. Query options are only for remote schemes.
// Thread-safety: value type.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "sluice/result.h"

namespace sluice::storage {

enum class UrlScheme { kLocal, kS3, kGcs };

struct ObjectUrl {
  UrlScheme scheme = UrlScheme::kLocal;
  std::string bucket;  // empty for local
  std::string prefix;  // S3/GCS: no leading/trailing '/'; local: the directory path
  std::map<std::string, std::string> options;

  /// "s3://bucket/prefix" (options dropped: they may name endpoints with credentials).
  std::string Display() const;
  /// prefix + "/" + key (or just key without a prefix).
  std::string FullKey(std::string_view key) const;
};

Result<ObjectUrl> ParseObjectUrl(std::string_view url);

/// Joins two key parts with exactly one '/'.
std::string JoinKey(std::string_view left, std::string_view right);

}  // namespace sluice::storage

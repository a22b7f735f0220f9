#include "engine/plan/table_source.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sluice/parquet_reader.h"

namespace sluice::engine {

Result<SqlType> EngineTypeFor(const ColumnSchema& column) {
  using Kind = LogicalType::Kind;
  const LogicalType& logical = column.logical;
  auto unsupported = [&] {
    return Status::NotSupported("column '" + column.name + "' has type " + DescribeType(column) +
                                ", which sluice query cannot compute with");
  };
  if (logical.kind == Kind::kDecimal) {
    if (logical.precision < 1 || logical.precision > kMaxDecimalPrecision) return unsupported();
    return SqlType::Decimal(logical.precision, logical.scale);
  }
  switch (column.physical) {
    case PhysicalType::kBoolean:
      return SqlType::Of(TypeId::kBoolean);
    case PhysicalType::kInt32:
      if (logical.kind == Kind::kDate) return SqlType::Of(TypeId::kDate);
      if (logical.kind == Kind::kInteger && !logical.is_signed && logical.bit_width == 32) {
        return SqlType::Of(TypeId::kInt64);
      }
      if (logical.kind == Kind::kNone || logical.kind == Kind::kInteger) {
        return SqlType::Of(TypeId::kInt32);
      }
      return unsupported();
    case PhysicalType::kInt64:
      if (logical.kind == Kind::kTimestamp) {
        SqlType type = SqlType::Of(TypeId::kTimestamp);
        type.utc = logical.adjusted_to_utc;
        return type;
      }
      if (logical.kind == Kind::kInteger && !logical.is_signed) return SqlType::Of(TypeId::kInt128);
      if (logical.kind == Kind::kNone || logical.kind == Kind::kInteger) {
        return SqlType::Of(TypeId::kInt64);
      }
      return unsupported();
    case PhysicalType::kFloat:
    case PhysicalType::kDouble:
      return SqlType::Of(TypeId::kDouble);
    case PhysicalType::kByteArray:
      if (logical.kind == Kind::kString || logical.kind == Kind::kEnum ||
          logical.kind == Kind::kJson) {
        return SqlType::Of(TypeId::kVarchar);
      }
      if (logical.kind == Kind::kNone) return SqlType::Of(TypeId::kBlob);
      return unsupported();
    default:
      return unsupported();
  }
}

namespace {

// A directory sluice extracted to: its _manifest.json is the commit point, so the table is
// exactly the files it lists — not the rejected rows under _rejects/, nor a part of an attempt
// that never committed. Empty chunks list no file.
Result<std::vector<std::string>> ManifestFiles(const std::string& dir, const std::string& path) {
  std::ifstream in(path);
  nlohmann::json manifest = nlohmann::json::parse(in, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object() || !manifest.contains("files") ||
      !manifest["files"].is_array()) {
    return Status::Corruption(path + " is not a sluice manifest (no \"files\" list)");
  }
  std::vector<std::string> files;
  for (const auto& entry : manifest["files"]) {
    std::string file = entry.is_object() ? entry.value("file", "") : "";
    if (file.empty()) continue;
    if (file.find("..") != std::string::npos || file.front() == '/') {
      return Status::Corruption(path + " lists a file outside its directory: " + file);
    }
    files.push_back(dir + "/" + file);
  }
  return files;
}

// Hive/Spark convention: names starting with '_' or '.' (manifests, _rejects/, temporaries)
// are not data.
bool Hidden(const std::filesystem::path& relative) {
  for (const auto& part : relative) {
    std::string name = part.string();
    if (!name.empty() && (name[0] == '_' || name[0] == '.')) return true;
  }
  return false;
}

Result<std::vector<std::string>> ExpandLocation(const std::string& location) {
  std::vector<std::string> files;
  struct stat info {};
  if (::stat(location.c_str(), &info) == 0 && S_ISDIR(info.st_mode)) {
    const std::string manifest = location + "/_manifest.json";
    if (std::filesystem::exists(manifest)) {
      SLUICE_ASSIGN_OR_RETURN(files, ManifestFiles(location, manifest));
      if (files.empty()) return Status::NotFound(manifest + " lists no Parquet file (empty table)");
      std::sort(files.begin(), files.end());
      return files;
    }
    std::error_code ec;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(location, ec)) {
      if (entry.is_regular_file() && entry.path().extension() == ".parquet" &&
          !Hidden(std::filesystem::relative(entry.path(), location))) {
        files.push_back(entry.path().string());
      }
    }
    if (ec) return Status::IoError("listing " + location + ": " + ec.message());
  } else {
    glob_t matches{};
    int rc = ::glob(location.c_str(), 0, nullptr, &matches);
    if (rc == 0) {
      for (size_t idx = 0; idx < matches.gl_pathc; ++idx) files.emplace_back(matches.gl_pathv[idx]);
    }
    ::globfree(&matches);
  }
  if (files.empty()) return Status::NotFound("no Parquet file matches '" + location + "'");
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Result<std::shared_ptr<const TableSource>> TableSource::Open(const std::string& location) {
  auto source = std::make_shared<TableSource>();
  source->location = location;
  SLUICE_ASSIGN_OR_RETURN(source->files, ExpandLocation(location));
  for (size_t file_idx = 0; file_idx < source->files.size(); ++file_idx) {
    const std::string& path = source->files[file_idx];
    SLUICE_ASSIGN_OR_RETURN(auto reader, ParquetFileReader::Open(path));
    if (file_idx == 0) {
      source->schema = reader->schema();
    } else {
      const Schema& other = reader->schema();
      bool same = other.num_columns() == source->schema.num_columns();
      for (int col = 0; same && col < other.num_columns(); ++col) {
        const auto& a = other.columns[static_cast<size_t>(col)];
        const auto& b = source->schema.columns[static_cast<size_t>(col)];
        same = a.name == b.name && a.physical == b.physical && a.logical == b.logical;
      }
      if (!same) {
        return Status::InvalidArgument("schema of " + path + " differs from " + source->files[0] +
                                       " (all files of '" + location + "' must match)");
      }
    }
    source->num_rows += reader->num_rows();
    source->num_row_groups += reader->num_row_groups();
    source->file_row_groups.push_back(reader->num_row_groups());
    std::error_code ec;
    source->file_bytes += static_cast<int64_t>(std::filesystem::file_size(path, ec));
  }
  for (const auto& column : source->schema.columns) {
    auto type = EngineTypeFor(column);
    source->types.push_back(type.ok() ? *type : SqlType{});
    source->unsupported.push_back(type.ok() ? "" : type.status().message());
  }
  return std::shared_ptr<const TableSource>(std::move(source));
}

}  // namespace sluice::engine

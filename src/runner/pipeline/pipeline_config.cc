#include "runner/pipeline/pipeline_config.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "common/redact.h"
#include "runner/pipeline/config_tree.h"
#include "runner/pipeline/table_contract_config.h"

namespace sluice::runner::pipeline {
namespace {

namespace fs = std::filesystem;

// Collects every problem of the file; each message is "FILE:LINE: path: problem".
class Checker {
 public:
  explicit Checker(std::string file, bool allow_unresolved = false)
      : file_(std::move(file)), allow_unresolved_(allow_unresolved) {}
  bool allow_unresolved() const { return allow_unresolved_; }

  void Error(int line, const std::string& path, const std::string& message) {
    errors_.push_back(file_ + ":" + std::to_string(line) + ": " +
                      (path.empty() ? "" : path + ": ") + message);
  }
  bool ok() const { return errors_.empty(); }
  const std::string& file() const { return file_; }
  // A message already formatted as "FILE:LINE: path: problem" (e.g. from a contract file).
  void Add(const std::string& message) { errors_.push_back(message); }
  const std::vector<std::string>& errors() const { return errors_; }

  // Reports keys of `node` that are not in `allowed`, with the closest known spelling.
  void CheckKeys(const ConfigNode& node, const std::string& path,
                 const std::vector<std::string>& allowed) {
    for (const auto& entry : node.entries) {
      bool known = false;
      for (const auto& name : allowed) known = known || name == entry.key;
      if (known) continue;
      std::string hint;
      size_t best = 3;  // suggest only near misses (edit distance <= 2)
      for (const auto& name : allowed) {
        size_t distance = EditDistance(entry.key, name);
        if (distance < best) {
          best = distance;
          hint = name;
        }
      }
      std::string list;
      for (const auto& name : allowed) list += (list.empty() ? "" : ", ") + name;
      Error(entry.key_line, Join(path, entry.key),
            "unknown key" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                "; allowed here: " + list);
    }
  }

  bool ExpectMap(const ConfigNode& node, const std::string& path) {
    if (node.kind == ConfigNode::Kind::kMap) return true;
    Error(node.line, path, std::string("expected a map, found ") + node.KindName());
    return false;
  }

  // ${VAR} substitution. Unset variables are errors naming the variable.
  std::optional<std::string> Expand(const ConfigNode& node, const std::string& path) {
    const std::string& text = node.scalar;
    std::string out;
    for (size_t pos = 0; pos < text.size();) {
      if (text.compare(pos, 3, "$${") == 0) {
        out += "${";
        pos += 3;
        continue;
      }
      if (text.compare(pos, 2, "${") == 0) {
        size_t close = text.find('}', pos);
        if (close == std::string::npos) {
          Error(node.line, path, "unterminated ${ in '" + Redact(text) + "'");
          return std::nullopt;
        }
        std::string name = text.substr(pos + 2, close - pos - 2);
        bool valid = !name.empty();
        for (char ch : name) {
          valid = valid && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
        }
        if (!valid) {
          Error(node.line, path, "bad variable name '${" + name + "}'");
          return std::nullopt;
        }
        const char* value = std::getenv(name.c_str());
        if (value == nullptr && allow_unresolved_) {
          out += "${" + name + "}";
          pos = close + 1;
          continue;
        }
        if (value == nullptr) {
          Error(node.line, path, "environment variable " + name + " is not set");
          return std::nullopt;
        }
        out += value;
        pos = close + 1;
        continue;
      }
      out.push_back(text[pos]);
      ++pos;
    }
    return out;
  }

  std::optional<std::string> String(const ConfigNode& node, const std::string& path) {
    if (node.kind != ConfigNode::Kind::kScalar) {
      Error(node.line, path, std::string("expected a string, found ") + node.KindName());
      return std::nullopt;
    }
    return Expand(node, path);
  }

  std::optional<int64_t> Integer(const ConfigNode& node, const std::string& path, int64_t min,
                                 int64_t max) {
    auto text = String(node, path);
    if (!text) return std::nullopt;
    int64_t value = 0;
    std::string digits;
    for (char ch : *text) {
      if (ch != '_') digits.push_back(ch);  // 500_000 reads like the docs write it
    }
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || digits.empty()) {
      Error(node.line, path, "expected an integer, found '" + *text + "'");
      return std::nullopt;
    }
    if (value < min || value > max) {
      Error(node.line, path,
            "must be between " + std::to_string(min) + " and " + std::to_string(max) + ", found " +
                std::to_string(value));
      return std::nullopt;
    }
    return value;
  }

  std::optional<bool> Bool(const ConfigNode& node, const std::string& path) {
    auto text = String(node, path);
    if (!text) return std::nullopt;
    if (*text == "true" || *text == "yes" || *text == "on") return true;
    if (*text == "false" || *text == "no" || *text == "off") return false;
    Error(node.line, path, "expected true or false, found '" + *text + "'");
    return std::nullopt;
  }

  std::optional<int64_t> Size(const ConfigNode& node, const std::string& path) {
    auto text = String(node, path);
    if (!text) return std::nullopt;
    auto size = ParseSize(*text);
    if (!size.ok()) {
      Error(node.line, path, size.status().message());
      return std::nullopt;
    }
    return *size;
  }

  // A size of at least 1 MiB: smaller Parquet files would be mostly footer and page headers.
  std::optional<int64_t> FileBytes(const ConfigNode& node, const std::string& path) {
    auto size = Size(node, path);
    if (size && *size < (1ll << 20)) {
      Error(node.line, path, "must be at least 1MB");
      return std::nullopt;
    }
    return size;
  }

  std::optional<std::string> OneOf(const ConfigNode& node, const std::string& path,
                                   const std::vector<std::string>& choices) {
    auto text = String(node, path);
    if (!text) return std::nullopt;
    for (const auto& choice : choices) {
      if (*text == choice) return text;
    }
    std::string list;
    for (const auto& choice : choices) list += (list.empty() ? "" : ", ") + choice;
    Error(node.line, path, "'" + *text + "' is not one of " + list);
    return std::nullopt;
  }

  static std::string Join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

 private:
  static size_t EditDistance(const std::string& left, const std::string& right) {
    std::vector<size_t> row(right.size() + 1);
    for (size_t col_idx = 0; col_idx <= right.size(); ++col_idx) row[col_idx] = col_idx;
    for (size_t row_idx = 1; row_idx <= left.size(); ++row_idx) {
      size_t diagonal = row[0];
      row[0] = row_idx;
      for (size_t col_idx = 1; col_idx <= right.size(); ++col_idx) {
        size_t above = row[col_idx];
        size_t cost = left[row_idx - 1] == right[col_idx - 1] ? 0 : 1;
        row[col_idx] = std::min({row[col_idx] + 1, row[col_idx - 1] + 1, diagonal + cost});
        diagonal = above;
      }
    }
    return row[right.size()];
  }

  std::string file_;
  bool allow_unresolved_ = false;
  std::vector<std::string> errors_;
};

bool ValidName(const std::string& name) {
  if (name.empty() || name == "." || name == "..") return false;
  for (char ch : name) {
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-' || ch == '.'))
      return false;
  }
  return true;
}

const std::vector<std::string> kModes = {"balanced", "range", "scan"};
const std::vector<std::string> kCompressions = {"zstd", "snappy", "gzip", "lz4", "none"};
// int64 bounds for counts: 1 row up to 1e12 (more than any table a chunk should hold).
constexpr int64_t kMaxCount = 1'000'000'000'000;

void ReadDefaults(Checker& check, const ConfigNode& node, DefaultsConfig* out) {
  const std::string path = "defaults";
  if (!check.ExpectMap(node, path)) return;
  check.CheckKeys(node, path,
                  {"mode", "chunk_rows", "chunk_keys", "file_bytes", "fetch_rows", "compression",
                   "memory_limit", "task_memory", "max_local_disk", "retries", "strict",
                   "tinyint1_as_bool", "snapshot"});
  for (const auto& entry : node.entries) {
    std::string key = Checker::Join(path, entry.key);
    const ConfigNode& value = entry.value;
    if (entry.key == "mode") {
      if (auto mode = check.OneOf(value, key, kModes)) out->mode = *mode;
    } else if (entry.key == "chunk_rows") {
      if (auto number = check.Integer(value, key, 1, kMaxCount)) out->chunk_rows = *number;
    } else if (entry.key == "chunk_keys") {
      if (auto number = check.Integer(value, key, 1, INT64_MAX)) out->chunk_keys = *number;
    } else if (entry.key == "file_bytes") {
      if (auto size = check.FileBytes(value, key)) out->file_bytes = *size;
    } else if (entry.key == "fetch_rows") {
      if (auto number = check.Integer(value, key, 1, 1'000'000)) out->fetch_rows = *number;
    } else if (entry.key == "compression") {
      if (auto name = check.OneOf(value, key, kCompressions)) out->compression = *name;
    } else if (entry.key == "memory_limit") {
      if (auto size = check.Size(value, key)) out->memory_limit_bytes = *size;
    } else if (entry.key == "task_memory") {
      if (auto size = check.Size(value, key)) out->task_memory_bytes = *size;
    } else if (entry.key == "max_local_disk") {
      if (auto size = check.Size(value, key)) out->max_local_disk_bytes = *size;
    } else if (entry.key == "retries") {
      // 20 retries with backoff capped at 8 s already span minutes.
      if (auto number = check.Integer(value, key, 0, 20)) out->retries = static_cast<int>(*number);
    } else if (entry.key == "strict") {
      if (auto flag = check.Bool(value, key)) out->strict = *flag;
    } else if (entry.key == "tinyint1_as_bool") {
      if (auto flag = check.Bool(value, key)) out->tinyint1_as_bool = *flag;
    } else if (entry.key == "snapshot") {
      if (auto flag = check.Bool(value, key)) out->snapshot = *flag;
    }
  }
}

void ReadSource(Checker& check, const ConfigEntry& source_entry, const std::string& base_dir,
                SourceConfig* out) {
  const std::string path = "sources." + source_entry.key;
  out->name = source_entry.key;
  out->line = source_entry.key_line;
  const ConfigNode& node = source_entry.value;
  if (!ValidName(out->name)) {
    check.Error(source_entry.key_line, path, "source names use letters, digits, '_', '-', '.'");
  }
  if (!check.ExpectMap(node, path)) return;
  check.CheckKeys(node, path,
                  {"url", "password", "password_env", "password_file", "max_connections",
                   "protocol", "net_timeout"});
  std::string password;
  int password_ways = 0;
  for (const auto& entry : node.entries) {
    std::string key = Checker::Join(path, entry.key);
    const ConfigNode& value = entry.value;
    if (entry.key == "url") {
      if (auto url = check.String(value, key)) {
        out->url = *url;
        if (!out->url.starts_with("mysql://") && !out->url.starts_with("mariadb://")) {
          check.Error(
              value.line, key,
              "expected a mysql://USER@HOST[:PORT]/DB URL, found '" + RedactUrl(out->url) + "'");
        }
        if (value.scalar.find("${") == std::string::npos &&
            out->url.find(':', out->url.find("://") + 3) < out->url.find('@')) {
          check.Error(value.line, key,
                      "the URL holds a literal password; use password: ${ENV_VAR}, password_env "
                      "or password_file instead (pipeline files get committed and logged)");
        }
      }
    } else if (entry.key == "password") {
      ++password_ways;
      if (value.kind == ConfigNode::Kind::kScalar && value.scalar.find("${") == std::string::npos) {
        check.Error(value.line, key,
                    "a literal password is not allowed; write password: ${ENV_VAR} or use "
                    "password_file");
      } else if (auto text = check.String(value, key)) {
        password = *text;
      }
    } else if (entry.key == "password_env") {
      ++password_ways;
      if (auto name = check.String(value, key)) {
        const char* text = std::getenv(name->c_str());
        if (text == nullptr && check.allow_unresolved()) {
          // Structure only: the password is not needed.
        } else if (text == nullptr) {
          check.Error(value.line, key, "environment variable " + *name + " is not set");
        } else {
          password = text;
        }
      }
    } else if (entry.key == "password_file") {
      ++password_ways;
      if (auto file = check.String(value, key)) {
        fs::path file_path(*file);
        if (file_path.is_relative()) file_path = fs::path(base_dir) / file_path;
        std::ifstream in(file_path);
        if (!in && check.allow_unresolved()) {
          // Structure only: the password is not needed.
        } else if (!in) {
          check.Error(value.line, key, "cannot read " + file_path.string());
        } else {
          std::getline(in, password);
          if (!password.empty() && password.back() == '\r') password.pop_back();
          out->password_file = file_path.string();
        }
      }
    } else if (entry.key == "max_connections") {
      // 256 connections is far past what one extract host should open against one server.
      if (auto number = check.Integer(value, key, 1, 256))
        out->max_connections = static_cast<int>(*number);
    } else if (entry.key == "protocol") {
      if (auto name = check.OneOf(value, key, {"binary", "text"})) out->protocol = *name;
    } else if (entry.key == "net_timeout") {
      // One day: beyond that a stalled stream is a bug, not a slow consumer.
      if (auto number = check.Integer(value, key, 1, 86400))
        out->net_timeout_seconds = static_cast<int>(*number);
    }
  }
  if (!node.Find("url")) check.Error(node.line, path, "missing required key 'url'");
  if (password_ways > 1) {
    check.Error(node.line, path, "give only one of password, password_env, password_file");
  }
  if (!password.empty()) {
    RegisterSecret(password);
    // The password travels inside the URL given to the connection layer, percent-encoded.
    std::string encoded;
    for (unsigned char ch : password) {
      if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
        encoded.push_back(static_cast<char>(ch));
      } else {
        char hex[4];
        std::snprintf(hex, sizeof(hex), "%%%02X", ch);
        encoded += hex;
      }
    }
    RegisterSecret(encoded);
    size_t scheme_end = out->url.find("://");
    size_t at = out->url.find('@');
    if (scheme_end != std::string::npos && at != std::string::npos && at > scheme_end) {
      std::string user = out->url.substr(scheme_end + 3, at - scheme_end - 3);
      if (user.find(':') == std::string::npos) {
        out->url = out->url.substr(0, scheme_end + 3) + user + ":" + encoded + out->url.substr(at);
      }
    }
  }
}

// The table's data contract: `contract:` (a file, or a map with an optional file and inline
// sections) plus its map-form `casts:` (table_contract_config.h).
void ReadTableContract(Checker& check, const ConfigNode& node, const std::string& path,
                       const std::string& base_dir, TableConfig* out) {
  TableContractSources sources;
  sources.table_name = out->name;
  sources.pipeline_file = check.file();
  if (const ConfigEntry* contract = node.Find("contract")) {
    const std::string key = path + ".contract";
    sources.contract_line = contract->key_line;
    const ConfigEntry* file = nullptr;
    if (contract->value.kind == ConfigNode::Kind::kMap) {
      check.CheckKeys(contract->value, key,
                      {"file", "section", "key", "casts", "columns", "checks"});
      file = contract->value.Find("file");
      if (const ConfigEntry* section = contract->value.Find("section")) {
        if (auto text = check.String(section->value, key + ".section")) sources.section = *text;
      }
      sources.inline_contract = &contract->value;
      sources.inline_line = contract->key_line;
    } else if (contract->value.kind != ConfigNode::Kind::kScalar) {
      check.Error(
          contract->value.line, key,
          std::string("expected a contract file or a map, found ") + contract->value.KindName());
      return;
    }
    const ConfigNode& file_node = file != nullptr ? file->value : contract->value;
    if (file != nullptr || contract->value.kind == ConfigNode::Kind::kScalar) {
      auto text = check.String(file_node, file != nullptr ? key + ".file" : key);
      if (!text) return;
      fs::path file_path(*text);
      if (file_path.is_relative()) file_path = fs::path(base_dir) / file_path;
      sources.file = file_path.lexically_normal().string();
    }
  }
  if (const ConfigEntry* casts = node.Find("casts")) {
    sources.casts = &casts->value;
    sources.casts_line = casts->key_line;
  }
  auto contract = BuildTableContract(sources);
  if (!contract.ok()) {
    check.Add(contract.status().message());
    return;
  }
  out->contract = std::move(contract).value();
  out->contract_file = sources.file;
}

void ReadTable(Checker& check, const ConfigNode& node, int position, const std::string& base_dir,
               TableConfig* out) {
  std::string path = "tables[" + std::to_string(position) + "]";
  out->line = node.line;
  if (!check.ExpectMap(node, path)) return;
  if (const ConfigEntry* name = node.Find("name")) {
    if (auto text = check.String(name->value, path + ".name")) {
      out->name = *text;
      path = "tables." + out->name;
      if (!ValidName(out->name)) {
        check.Error(name->value.line, path + ".name",
                    "table names use letters, digits, '_', '-', '.' (they name directories)");
      }
    }
  } else {
    check.Error(node.line, path, "missing required key 'name'");
  }
  check.CheckKeys(node, path,
                  {"name",
                   "source",
                   "table",
                   "query",
                   "key",
                   "mode",
                   "where",
                   "columns",
                   "chunk_rows",
                   "chunk_keys",
                   "fetch_rows",
                   "compression",
                   "retries",
                   "task_memory",
                   "strict",
                   "tinyint1_as_bool",
                   "casts",
                   "contract",
                   "shards",
                   "snapshot",
                   "max_local_disk",
                   "file_bytes"});
  for (const auto& entry : node.entries) {
    std::string key = Checker::Join(path, entry.key);
    const ConfigNode& value = entry.value;
    if (entry.key == "name") continue;
    if (entry.key == "source") {
      if (auto text = check.String(value, key)) out->source = *text;
    } else if (entry.key == "table") {
      if (auto text = check.String(value, key)) out->table = *text;
    } else if (entry.key == "query") {
      if (auto text = check.String(value, key)) out->query = *text;
    } else if (entry.key == "key") {
      if (auto text = check.String(value, key)) out->key = *text;
    } else if (entry.key == "mode") {
      if (auto text = check.OneOf(value, key, kModes)) out->mode = *text;
    } else if (entry.key == "where") {
      if (auto text = check.String(value, key)) out->where = *text;
    } else if (entry.key == "columns") {
      if (value.kind != ConfigNode::Kind::kSequence) {
        check.Error(value.line, key,
                    std::string("expected a list of column names, found ") + value.KindName());
      } else {
        for (size_t item_idx = 0; item_idx < value.items.size(); ++item_idx) {
          if (auto text =
                  check.String(value.items[item_idx], key + "[" + std::to_string(item_idx) + "]"))
            out->columns.push_back(*text);
        }
      }
    } else if (entry.key == "chunk_rows") {
      if (auto number = check.Integer(value, key, 1, kMaxCount)) out->chunk_rows = *number;
    } else if (entry.key == "chunk_keys") {
      if (auto number = check.Integer(value, key, 1, INT64_MAX)) out->chunk_keys = *number;
    } else if (entry.key == "file_bytes") {
      if (auto size = check.FileBytes(value, key)) out->file_bytes = *size;
    } else if (entry.key == "fetch_rows") {
      if (auto number = check.Integer(value, key, 1, 1'000'000)) out->fetch_rows = *number;
    } else if (entry.key == "compression") {
      if (auto text = check.OneOf(value, key, kCompressions)) out->compression = *text;
    } else if (entry.key == "retries") {
      if (auto number = check.Integer(value, key, 0, 20)) out->retries = static_cast<int>(*number);
    } else if (entry.key == "task_memory") {
      if (auto size = check.Size(value, key)) out->task_memory_bytes = *size;
    } else if (entry.key == "max_local_disk") {
      if (auto size = check.Size(value, key)) out->max_local_disk_bytes = *size;
    } else if (entry.key == "strict") {
      out->strict = check.Bool(value, key);
    } else if (entry.key == "tinyint1_as_bool") {
      out->tinyint1_as_bool = check.Bool(value, key);
    } else if (entry.key == "snapshot") {
      out->snapshot = check.Bool(value, key);
    } else if (entry.key == "shards") {
      // Bounded like `--shard`: more shards than this is a typo, not a plan.
      if (auto number = check.Integer(value, key, 1, 10'000))
        out->shards = static_cast<int>(*number);
    } else if (entry.key == "casts") {
      if (!check.ExpectMap(value, key)) continue;
      for (const auto& cast : value.entries) {
        std::string cast_key = Checker::Join(key, cast.key);
        if (cast.value.kind == ConfigNode::Kind::kMap) {
          // {type, format, on_error, rename, drop}: the validation module's text casts.
          check.CheckKeys(
              cast.value, cast_key,
              {"type", "format", "on_error", "rename", "drop", "trim", "empty_as_null"});
          continue;  // read with the contract (ReadTableContract)
        }
        if (auto type = check.String(cast.value, cast_key)) out->casts[cast.key] = *type;
      }
    }
  }
  ReadTableContract(check, node, path, base_dir, out);
  if (out->table.empty()) out->table = out->name;
  if (out->shards > 1 && (!out->query.empty() || out->mode == "scan")) {
    check.Error(node.Find("shards")->key_line, path + ".shards",
                "a query or scan table is extracted as one streaming pass; it cannot be split "
                "into shards");
  } else if (out->shards > 1 && out->contract.has_value()) {
    check.Error(node.Find("shards")->key_line, path + ".shards",
                "a table with a data contract or value casts is validated by one process; it "
                "cannot be split into shards yet");
  } else if (out->shards > 1 && out->snapshot.value_or(false)) {
    check.Error(node.Find("shards")->key_line, path + ".shards",
                "a snapshot table reads one instant on one set of connections; it cannot be "
                "split into shards");
  }
  if (out->file_bytes > 0 && (out->mode == "range" || out->mode == "balanced")) {
    check.Error(node.Find("file_bytes")->key_line, path + ".file_bytes",
                "applies to scan mode (one streaming pass, files cut as they fill); a " +
                    out->mode +
                    " table's chunks are sized by chunk_rows / chunk_keys, the same plan however "
                    "many connections run it");
  }
  if (!out->query.empty() && node.Find("key")) {
    check.Error(node.Find("key")->key_line, path + ".key",
                "a query is extracted as one streaming scan; it takes no key");
  }
  if (!out->query.empty() && !out->where.empty()) {
    check.Error(node.Find("where")->key_line, path + ".where",
                "put the filter inside the query (where applies to table extracts)");
  }
}

void ReadAlerts(Checker& check, const ConfigNode& node, AlertsConfig* out) {
  const std::string path = "alerts";
  if (!check.ExpectMap(node, path)) return;
  check.CheckKeys(node, path, {"webhook", "on_failure", "on_success", "timeout_seconds"});
  for (const auto& entry : node.entries) {
    std::string key = Checker::Join(path, entry.key);
    if (entry.key == "webhook") {
      if (auto url = check.String(entry.value, key)) {
        out->webhook = *url;
        if (!out->webhook.starts_with("http://") && !out->webhook.starts_with("https://")) {
          check.Error(entry.value.line, key, "expected an http:// or https:// URL");
        }
        // Slack webhook paths are credentials.
        size_t path_start = out->webhook.find('/', out->webhook.find("://") + 3);
        if (path_start != std::string::npos && out->webhook.size() - path_start > 8)
          RegisterSecret(out->webhook.substr(path_start));
      }
    } else if (entry.key == "on_failure") {
      if (auto flag = check.Bool(entry.value, key)) out->on_failure = *flag;
    } else if (entry.key == "on_success") {
      if (auto flag = check.Bool(entry.value, key)) out->on_success = *flag;
    } else if (entry.key == "timeout_seconds") {
      if (auto number = check.Integer(entry.value, key, 1, 300))
        out->timeout_seconds = static_cast<int>(*number);
    }
  }
  if (!node.Find("webhook")) check.Error(node.line, path, "missing required key 'webhook'");
}

}  // namespace

Result<int64_t> ParseSize(const std::string& text) {
  int64_t number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc() || number <= 0) {
    return Status::InvalidArgument("expected a size like 256MB, found '" + text + "'");
  }
  std::string unit(ptr, text.data() + text.size());
  while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
  for (auto& ch : unit) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  int shift = 0;
  if (unit.empty() || unit == "B") {
    shift = 0;
  } else if (unit == "K" || unit == "KB" || unit == "KIB") {
    shift = 10;
  } else if (unit == "M" || unit == "MB" || unit == "MIB") {
    shift = 20;
  } else if (unit == "G" || unit == "GB" || unit == "GIB") {
    shift = 30;
  } else {
    return Status::InvalidArgument("unknown size unit '" + unit + "' in '" + text + "'");
  }
  if (number > (INT64_MAX >> shift)) return Status::InvalidArgument("size too large: " + text);
  return number << shift;
}

const SourceConfig* PipelineConfig::FindSource(const std::string& wanted) const {
  for (const auto& source : sources) {
    if (source.name == wanted) return &source;
  }
  return nullptr;
}

const TableConfig* PipelineConfig::FindTable(const std::string& wanted) const {
  for (const auto& table : tables) {
    if (table.name == wanted) return &table;
  }
  return nullptr;
}

Result<PipelineConfig> ParsePipelineConfig(const std::string& text, const std::string& file,
                                           const std::string& base_dir, const LoadOptions& load) {
  SLUICE_ASSIGN_OR_RETURN(ConfigNode root, ParseYamlTree(text, file));
  PipelineConfig config;
  config.file = file;
  Checker check(file, load.allow_unresolved);
  if (root.kind != ConfigNode::Kind::kMap) {
    check.Error(root.line, "",
                std::string("a pipeline file is a map (sources, destination, "
                            "tables, ...), found ") +
                    root.KindName());
    return Status::InvalidArgument(check.errors().front());
  }
  check.CheckKeys(root, "",
                  {"version", "name", "sources", "destination", "staging_dir", "defaults", "tables",
                   "transforms", "alerts"});
  for (const char* required : {"sources", "destination", "tables"}) {
    if (!root.Find(required))
      check.Error(root.line, "", std::string("missing required key '") + required + "'");
  }
  for (const auto& entry : root.entries) {
    const ConfigNode& value = entry.value;
    if (entry.key == "version") {
      check.Integer(value, "version", 1, 1);
    } else if (entry.key == "name") {
      if (auto name = check.String(value, "name")) config.name = *name;
    } else if (entry.key == "destination") {
      if (auto url = check.String(value, "destination")) {
        config.destination = *url;
        if (config.destination.empty()) check.Error(value.line, "destination", "is empty");
        size_t scheme = config.destination.find("://");
        if (scheme != std::string::npos) {
          std::string name = config.destination.substr(0, scheme);
          if (name != "s3" && name != "gs" && name != "file") {
            check.Error(value.line, "destination",
                        "unsupported scheme '" + name + "://' (use a directory, s3:// or gs://)");
          }
        }
      }
    } else if (entry.key == "staging_dir") {
      if (auto dir = check.String(value, "staging_dir")) config.staging_dir = *dir;
    } else if (entry.key == "defaults") {
      ReadDefaults(check, value, &config.defaults);
    } else if (entry.key == "sources") {
      if (!check.ExpectMap(value, "sources")) continue;
      if (value.entries.empty()) check.Error(value.line, "sources", "needs at least one source");
      for (const auto& source_entry : value.entries) {
        SourceConfig source;
        ReadSource(check, source_entry, base_dir, &source);
        config.sources.push_back(std::move(source));
      }
    } else if (entry.key == "tables") {
      if (value.kind != ConfigNode::Kind::kSequence) {
        check.Error(value.line, "tables",
                    std::string("expected a list of tables, found ") + value.KindName());
        continue;
      }
      if (value.items.empty()) check.Error(value.line, "tables", "needs at least one table");
      for (size_t table_idx = 0; table_idx < value.items.size(); ++table_idx) {
        TableConfig table;
        ReadTable(check, value.items[table_idx], static_cast<int>(table_idx), base_dir, &table);
        config.tables.push_back(std::move(table));
      }
    } else if (entry.key == "transforms") {
      if (value.kind != ConfigNode::Kind::kSequence) {
        check.Error(value.line, "transforms",
                    std::string("expected a list of transforms, found ") + value.KindName());
        continue;
      }
      for (size_t item_idx = 0; item_idx < value.items.size(); ++item_idx) {
        const ConfigNode& item = value.items[item_idx];
        std::string path = "transforms[" + std::to_string(item_idx) + "]";
        if (!check.ExpectMap(item, path)) continue;
        check.CheckKeys(item, path, {"name", "sql", "output"});
        TransformConfig transform;
        transform.line = item.line;
        for (const char* required : {"name", "sql", "output"}) {
          if (!item.Find(required))
            check.Error(item.line, path, std::string("missing required key '") + required + "'");
        }
        if (auto* name = item.Find("name")) {
          if (auto text = check.String(name->value, path + ".name")) transform.name = *text;
        }
        if (auto* sql = item.Find("sql")) {
          if (auto text = check.String(sql->value, path + ".sql")) transform.sql = *text;
        }
        if (auto* output = item.Find("output")) {
          if (auto text = check.String(output->value, path + ".output")) {
            transform.output = *text;
            if (!transform.output.ends_with(".parquet") || transform.output.starts_with("/") ||
                transform.output.find("..") != std::string::npos) {
              check.Error(output->value.line, path + ".output",
                          "expected a relative path ending in .parquet inside the destination");
            }
          }
        }
        config.transforms.push_back(std::move(transform));
      }
    } else if (entry.key == "alerts") {
      ReadAlerts(check, value, &config.alerts);
    }
  }

  // Cross-field checks.
  // max_local_disk bounds the staging directory of an upload; a directory destination has none.
  const bool remote_destination =
      config.destination.starts_with("s3://") || config.destination.starts_with("gs://");
  auto check_local_disk = [&](const ConfigNode& map, const std::string& path) {
    if (remote_destination || map.kind != ConfigNode::Kind::kMap) return;
    if (const ConfigEntry* entry = map.Find("max_local_disk")) {
      check.Error(entry->key_line, path + ".max_local_disk",
                  "bounds the staging directory of an s3:// or gs:// destination; destination " +
                      config.destination + " is a directory (remove the key)");
    }
  };
  if (const ConfigEntry* defaults = root.Find("defaults")) {
    check_local_disk(defaults->value, "defaults");
  }
  std::set<std::string> names;
  if (const ConfigEntry* tables = root.Find("tables");
      tables && tables->value.kind == ConfigNode::Kind::kSequence) {
    for (size_t table_idx = 0; table_idx < config.tables.size(); ++table_idx) {
      TableConfig& table = config.tables[table_idx];
      int line = tables->value.items[table_idx].line;
      std::string path = "tables." + (table.name.empty() ? std::to_string(table_idx) : table.name);
      if (!table.name.empty() && !names.insert(table.name).second) {
        check.Error(line, path + ".name", "duplicate table name '" + table.name + "'");
      }
      if (table.source.empty()) {
        if (config.sources.size() == 1) {
          table.source = config.sources[0].name;
        } else if (!config.sources.empty()) {
          check.Error(line, path, "missing key 'source' (the pipeline has several sources)");
        }
      } else if (!config.FindSource(table.source)) {
        std::string known;
        for (const auto& source : config.sources)
          known += (known.empty() ? "" : ", ") + source.name;
        check.Error(line, path + ".source",
                    "unknown source '" + table.source + "' (sources: " + known + ")");
      }
      // ReadTable refuses `snapshot: true` with shards; `defaults:` may come after the tables,
      // so a snapshot inherited from there is only known here.
      if (table.shards > 1 && !table.snapshot.has_value() && config.defaults.snapshot) {
        check.Error(tables->value.items[table_idx].Find("shards")->key_line, path + ".shards",
                    "a snapshot table (defaults.snapshot: true) reads one instant on one set of "
                    "connections; it cannot be split into shards (set snapshot: false on it)");
      }
      check_local_disk(tables->value.items[table_idx], path);
      int64_t task_memory =
          table.task_memory_bytes > 0 ? table.task_memory_bytes : config.defaults.task_memory_bytes;
      // 16 MiB: the smallest share the extract accepts (one wide batch plus a row group).
      if (task_memory < (16ll << 20)) {
        check.Error(line, path + ".task_memory", "must be at least 16MB");
      } else if (task_memory > config.defaults.memory_limit_bytes) {
        check.Error(line, path + ".task_memory",
                    "is larger than defaults.memory_limit (" +
                        std::to_string(config.defaults.memory_limit_bytes >> 20) +
                        "MB): the task could never start");
      }
    }
  }
  if (!check.ok()) {
    std::string message;
    for (const auto& error : check.errors()) message += (message.empty() ? "" : "\n") + error;
    return Status::InvalidArgument(message);
  }
  return config;
}

Result<PipelineConfig> LoadPipelineConfig(const std::string& path, const LoadOptions& load) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::InvalidArgument("cannot read pipeline file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string base = fs::path(path).parent_path().string();
  if (base.empty()) base = ".";
  return ParsePipelineConfig(buffer.str(), path, base, load);
}

}  // namespace sluice::runner::pipeline

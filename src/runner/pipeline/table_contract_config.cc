#include "runner/pipeline/table_contract_config.h"

#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

namespace sluice::runner::pipeline {
namespace {

// Inline parts are handed to the contract parser (Contract::Parse, the one place contracts are
// read) as generated YAML under this file name and section; messages and locations are then
// mapped back to the pipeline file's lines and key paths.
constexpr const char* kGeneratedFile = "<pipeline contract>";
constexpr const char* kGeneratedSection = "__sluice_table__";

const std::vector<std::string> kInlineKeys = {"key", "casts", "columns", "checks"};
const std::vector<std::string> kCastKeys = {"type", "format",        "on_error", "rename",
                                            "drop", "empty_as_null", "trim"};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  for (const auto& item : names) {
    if (item == name) return true;
  }
  return false;
}

// A JSON string is a valid YAML double-quoted scalar: every value keeps its exact text.
std::string Quote(const std::string& text) {
  return nlohmann::json(text).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// YAML text generated from a pipeline sub-tree, one map entry per line, remembering the pipeline
// line each generated line came from. Sequences are written in flow style on one line.
class GeneratedYaml {
 public:
  void Line(int indent, const std::string& text, int original) {
    text_ += std::string(static_cast<size_t>(indent), ' ') + text + "\n";
    lines_.push_back(original);
  }

  void Entry(const ConfigEntry& entry, int indent) {
    std::string key = Quote(entry.key) + ":";
    const ConfigNode& value = entry.value;
    if (value.kind == ConfigNode::Kind::kMap && !value.entries.empty()) {
      Line(indent, key, entry.key_line);
      for (const auto& child : value.entries) Entry(child, indent + 2);
      return;
    }
    Line(indent, key + " " + Flow(value), entry.key_line);
  }

  const std::string& text() const { return text_; }

  // The pipeline line of generated line `line` (1-based).
  int OriginalLine(int line) const {
    if (lines_.empty()) return 0;
    if (line < 1) return lines_.front();
    if (static_cast<size_t>(line) > lines_.size()) return lines_.back();
    return lines_[static_cast<size_t>(line - 1)];
  }

 private:
  static std::string Flow(const ConfigNode& node) {
    switch (node.kind) {
      case ConfigNode::Kind::kNull:
        return "null";
      case ConfigNode::Kind::kScalar:
        return Quote(node.scalar);
      case ConfigNode::Kind::kSequence: {
        std::string out = "[";
        for (size_t idx = 0; idx < node.items.size(); ++idx)
          out += (idx == 0 ? "" : ", ") + Flow(node.items[idx]);
        return out + "]";
      }
      case ConfigNode::Kind::kMap: {
        std::string out = "{";
        for (size_t idx = 0; idx < node.entries.size(); ++idx) {
          out += (idx == 0 ? "" : ", ") + Quote(node.entries[idx].key) + ": " +
                 Flow(node.entries[idx].value);
        }
        return out + "}";
      }
    }
    return "null";
  }

  std::string text_;
  std::vector<int> lines_;
};

// Maps the generated file's locations and key paths back to the pipeline file's.
class Relocator {
 public:
  Relocator(const GeneratedYaml* yaml, std::string pipeline_file, std::string key_prefix)
      : yaml_(yaml), pipeline_file_(std::move(pipeline_file)), key_prefix_(std::move(key_prefix)) {}

  std::string Key(std::string key) const {
    const std::string generated = std::string("tables.") + kGeneratedSection;
    size_t at = key.find(generated);
    if (at != std::string::npos) key.replace(at, generated.size(), key_prefix_);
    return key;
  }

  void Apply(SourceLocation* location) const {
    if (location->file != kGeneratedFile) return;
    location->file = pipeline_file_;
    location->line = yaml_->OriginalLine(location->line);
    location->key = Key(location->key);
  }

  void Apply(TableContract* table) const {
    Apply(&table->location);
    for (auto& cast : table->casts) Apply(&cast.location);
    for (auto& column : table->columns) {
      Apply(&column.location);
      for (auto& check : column.checks) Apply(&check.location);
    }
    for (auto& check : table->table_checks) Apply(&check.location);
  }

  // "<generated>:N: tables.<section>.x: what" -> "PIPELINE:LINE: <prefix>.x: what".
  std::string Message(const std::string& message) const {
    const std::string mark = kGeneratedFile;
    if (!message.starts_with(mark)) return Key(message);
    size_t pos = mark.size();
    int line = 0;
    if (pos < message.size() && message[pos] == ':') {
      size_t digits = pos + 1;
      while (digits < message.size() && std::isdigit(static_cast<unsigned char>(message[digits])))
        ++digits;
      if (digits > pos + 1) {
        line = std::stoi(message.substr(pos + 1, digits - pos - 1));
        pos = digits;
      }
    }
    return pipeline_file_ + ":" + std::to_string(yaml_->OriginalLine(line)) +
           Key(message.substr(pos));
  }

 private:
  const GeneratedYaml* yaml_;
  std::string pipeline_file_;
  std::string key_prefix_;
};

// Parses generated YAML holding one section; relocates it to the pipeline file.
Result<TableContract> ParseGenerated(const GeneratedYaml& yaml, const std::string& pipeline_file,
                                     const std::string& key_prefix) {
  Relocator relocate(&yaml, pipeline_file, key_prefix);
  auto parsed = Contract::Parse(yaml.text(), kGeneratedFile);
  if (!parsed.ok()) return Status::InvalidArgument(relocate.Message(parsed.status().message()));
  TableContract table = std::move(parsed->tables.front());
  relocate.Apply(&table);
  return table;
}

GeneratedYaml Header(int line) {
  GeneratedYaml yaml;
  yaml.Line(0, "tables:", line);
  yaml.Line(2, Quote(kGeneratedSection) + ":", line);
  return yaml;
}

void Append(TableContract* into, TableContract&& from) {
  if (!from.key.empty()) into->key = from.key;
  for (auto& cast : from.casts) into->casts.push_back(std::move(cast));
  for (auto& column : from.columns) into->columns.push_back(std::move(column));
  for (auto& check : from.table_checks) into->table_checks.push_back(std::move(check));
}

}  // namespace

Result<std::optional<TableContract>> BuildTableContract(const TableContractSources& sources) {
  const std::string table_path = "tables." + sources.table_name;
  const std::string where = sources.pipeline_file + ":" + std::to_string(sources.contract_line) +
                            ": " + table_path + ".contract: ";
  TableContract merged;
  merged.name = sources.table_name;
  merged.location = {sources.pipeline_file, sources.contract_line, table_path + ".contract"};
  bool any = false;

  if (!sources.file.empty()) {
    auto contract = Contract::Load(sources.file);
    if (!contract.ok()) {
      // Structural errors already read "FILE:LINE: key: problem"; a missing file needs context.
      if (contract.status().code() == StatusCode::kInvalidArgument) return contract.status();
      return Status::InvalidArgument(where + contract.status().message());
    }
    const std::string wanted = sources.section.empty() ? sources.table_name : sources.section;
    auto section = contract->Select(wanted);
    if (!section.ok() && sources.section.empty() && contract->tables.size() == 1) {
      section = contract->Select("");
    }
    if (!section.ok()) {
      std::string names;
      for (const auto& table : contract->tables) names += (names.empty() ? "" : ", ") + table.name;
      return Status::InvalidArgument(where + sources.file + " has no section '" + wanted +
                                     "' (sections: " + names + "); name one with contract.section");
    }
    merged = **section;
    merged.name = sources.table_name;
    any = true;
  }

  if (sources.inline_contract != nullptr &&
      sources.inline_contract->kind == ConfigNode::Kind::kMap) {
    GeneratedYaml yaml = Header(sources.inline_line);
    bool has_entries = false;
    for (const auto& entry : sources.inline_contract->entries) {
      if (!Contains(kInlineKeys, entry.key)) continue;  // file, section; unknown keys: reported
      yaml.Entry(entry, 4);
      has_entries = true;
    }
    if (has_entries) {
      SLUICE_ASSIGN_OR_RETURN(TableContract inline_part, ParseGenerated(yaml, sources.pipeline_file,
                                                                        table_path + ".contract"));
      Append(&merged, std::move(inline_part));
      any = true;
    }
  }

  if (sources.casts != nullptr && sources.casts->kind == ConfigNode::Kind::kMap) {
    GeneratedYaml yaml = Header(sources.casts_line);
    yaml.Line(4, "\"casts\":", sources.casts_line);
    bool has_casts = false;
    for (const auto& cast : sources.casts->entries) {
      if (cast.value.kind != ConfigNode::Kind::kMap) continue;  // COLUMN: TYPE type overrides
      ConfigEntry known = cast;
      known.value.entries.clear();
      for (const auto& field : cast.value.entries) {
        if (Contains(kCastKeys, field.key)) known.value.entries.push_back(field);
      }
      yaml.Entry(known, 6);
      has_casts = true;
    }
    if (has_casts) {
      SLUICE_ASSIGN_OR_RETURN(TableContract casts_part,
                              ParseGenerated(yaml, sources.pipeline_file, table_path));
      Append(&merged, std::move(casts_part));
      any = true;
    }
  }
  if (!any) return std::optional<TableContract>();
  return std::optional<TableContract>(std::move(merged));
}

}  // namespace sluice::runner::pipeline

// ParseYamlTree: the yaml-cpp adapter. yaml-cpp throws; every exception is caught here and turned
// into InvalidArgument "FILE:LINE: ..." and no yaml-cpp type leaves this file.
#include <yaml-cpp/yaml.h>

#include <set>

#include "runner/pipeline/config_tree.h"

namespace sluice::runner::pipeline {
namespace {

// yaml-cpp marks are 0-based; messages use 1-based lines like editors do.
int LineOf(const YAML::Node& node) { return node.Mark().line + 1; }

Status Convert(const YAML::Node& node, const std::string& file, int depth, ConfigNode* out) {
  // A pipeline file is a few levels deep; 64 stops pathological nesting from exhausting the stack.
  constexpr int kMaxDepth = 64;
  if (depth > kMaxDepth) {
    return Status::InvalidArgument(file + ":" + std::to_string(LineOf(node)) +
                                   ": nesting deeper than 64 levels");
  }
  out->line = LineOf(node);
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      out->kind = ConfigNode::Kind::kNull;
      return Status::OK();
    case YAML::NodeType::Scalar:
      out->kind = ConfigNode::Kind::kScalar;
      out->scalar = node.Scalar();
      // yaml-cpp tags plain scalars "?" and quoted ones "!".
      out->quoted = node.Tag() == "!";
      return Status::OK();
    case YAML::NodeType::Sequence:
      out->kind = ConfigNode::Kind::kSequence;
      for (const auto& item : node) {
        ConfigNode child;
        SLUICE_RETURN_IF_ERROR(Convert(item, file, depth + 1, &child));
        out->items.push_back(std::move(child));
      }
      return Status::OK();
    case YAML::NodeType::Map: {
      out->kind = ConfigNode::Kind::kMap;
      std::set<std::string> seen;
      for (const auto& item : node) {
        ConfigEntry entry;
        entry.key_line = LineOf(item.first);
        if (!item.first.IsScalar()) {
          return Status::InvalidArgument(file + ":" + std::to_string(entry.key_line) +
                                         ": map keys must be plain names");
        }
        entry.key = item.first.Scalar();
        if (!seen.insert(entry.key).second) {
          return Status::InvalidArgument(file + ":" + std::to_string(entry.key_line) +
                                         ": duplicate key '" + entry.key + "'");
        }
        SLUICE_RETURN_IF_ERROR(Convert(item.second, file, depth + 1, &entry.value));
        out->entries.push_back(std::move(entry));
      }
      return Status::OK();
    }
  }
  return Status::Internal("unknown YAML node type");
}

}  // namespace

const ConfigEntry* ConfigNode::Find(const std::string& key) const {
  for (const auto& entry : entries) {
    if (entry.key == key) return &entry;
  }
  return nullptr;
}

const char* ConfigNode::KindName() const {
  switch (kind) {
    case Kind::kNull:
      return "empty";
    case Kind::kScalar:
      return "a scalar";
    case Kind::kSequence:
      return "a list";
    case Kind::kMap:
      return "a map";
  }
  return "?";
}

Result<ConfigNode> ParseYamlTree(const std::string& text, const std::string& file) {
  try {
    std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.size() > 1) {
      return Status::InvalidArgument(file + ":" + std::to_string(LineOf(documents[1])) +
                                     ": only one YAML document is allowed");
    }
    ConfigNode root;
    if (documents.empty()) {
      root.line = 1;
      return root;
    }
    SLUICE_RETURN_IF_ERROR(Convert(documents[0], file, 0, &root));
    return root;
  } catch (const YAML::Exception& error) {
    return Status::InvalidArgument(file + ":" + std::to_string(error.mark.line + 1) +
                                   ": invalid YAML: " + error.msg);
  } catch (const std::exception& error) {
    return Status::InvalidArgument(file + ": invalid YAML: " + error.what());
  }
}

}  // namespace sluice::runner::pipeline

// ConfigTree: the parsed pipeline YAML as our own value tree (maps keep key order and the line of
// every key and value), so schema checks and error messages never touch yaml-cpp types. The
// yaml-cpp adapter (ParseYamlTree) is the only place yaml-cpp is used; it catches every yaml-cpp
// exception and returns InvalidArgument "FILE:LINE: what is wrong".
// Thread-safety: value types. Ownership: nodes own their children.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "sluice/result.h"

namespace sluice::runner::pipeline {

struct ConfigNode;

struct ConfigEntry;

struct ConfigNode {
  enum class Kind { kNull, kScalar, kSequence, kMap };
  Kind kind = Kind::kNull;
  std::string scalar;                // kScalar: the text as written (quotes removed)
  bool quoted = false;               // kScalar: written in quotes (always a string)
  int line = 0;                      // 1-based line of the value
  std::vector<ConfigNode> items;     // kSequence
  std::vector<ConfigEntry> entries;  // kMap, in file order

  /// The map entry named `key`, or null.
  const ConfigEntry* Find(const std::string& key) const;
  /// "a map", "a list", "a string" ... for messages.
  const char* KindName() const;
};

struct ConfigEntry {
  std::string key;
  int key_line = 0;
  ConfigNode value;
};

/// Parses YAML text. Duplicate keys, anchors/aliases to maps and multi-document files are
/// rejected; `file` names the origin in messages.
Result<ConfigNode> ParseYamlTree(const std::string& text, const std::string& file);

}  // namespace sluice::runner::pipeline

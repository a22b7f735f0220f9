// Contract::Load/Parse: the yaml-cpp adapter. yaml-cpp throws; every exception is caught here and
// turned into InvalidArgument "FILE:LINE: KEY: what is wrong", and no yaml-cpp type leaves this
// file.
// yaml-cpp 0.7's node templates trip GCC 12's -Wdangling-pointer inside its own headers.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
#include <yaml-cpp/yaml.h>
#pragma GCC diagnostic pop

#include <fstream>
#include <sstream>

#include "sluice/validate.h"
#include "validate/regex_matcher.h"
#include "validate/text_parse.h"
#include "validate/type_names.h"

namespace sluice {

namespace {

class ContractParser {
 public:
  explicit ContractParser(std::string file) : file_(std::move(file)) {}

  Result<Contract> Parse(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(file_ + ":" + std::to_string(e.mark.line + 1) +
                                     ": invalid YAML: " + e.msg);
    }
    try {
      return ParseRoot(root);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(file_ + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }

 private:
  SourceLocation Loc(const YAML::Node& node, const std::string& key) const {
    return SourceLocation{file_, node.Mark().line >= 0 ? node.Mark().line + 1 : 0, key};
  }
  Status Error(const YAML::Node& node, const std::string& key, const std::string& what) const {
    return Status::InvalidArgument(Loc(node, key).ToString() + what);
  }

  Result<std::string> Scalar(const YAML::Node& node, const std::string& key) const {
    if (!node.IsScalar()) return Error(node, key, "expected a single value");
    return node.Scalar();
  }
  Result<bool> Bool(const YAML::Node& node, const std::string& key) const {
    SLUICE_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    if (text == "true" || text == "yes") return true;
    if (text == "false" || text == "no") return false;
    return Error(node, key, "expected true or false, found '" + text + "'");
  }
  Result<int64_t> Count(const YAML::Node& node, const std::string& key) const {
    SLUICE_ASSIGN_OR_RETURN(std::string text, Scalar(node, key));
    int64_t value = 0;
    const char* why = "";
    if (!validate::ParseInteger(text, validate::NumberStyle::kPlain, 0, INT64_MAX, &value, &why)) {
      return Error(node, key, "expected a non-negative integer, found '" + text + "'");
    }
    return value;
  }
  Result<std::vector<std::string>> List(const YAML::Node& node, const std::string& key) const {
    if (!node.IsSequence()) return Error(node, key, "expected a list");
    std::vector<std::string> out;
    for (size_t idx = 0; idx < node.size(); ++idx) {
      SLUICE_ASSIGN_OR_RETURN(std::string item,
                              Scalar(node[idx], key + "[" + std::to_string(idx) + "]"));
      out.push_back(std::move(item));
    }
    return out;
  }
  Status ExpectMap(const YAML::Node& node, const std::string& key) const {
    if (!node.IsMap()) return Error(node, key, "expected a mapping");
    return Status::OK();
  }

  Result<Contract> ParseRoot(const YAML::Node& root) {
    Contract contract;
    contract.file = file_;
    if (!root.IsDefined() || root.IsNull()) {
      return Status::InvalidArgument(file_ + ": empty contract (expected a 'tables:' mapping)");
    }
    SLUICE_RETURN_IF_ERROR(ExpectMap(root, "(top level)"));
    for (auto it = root.begin(); it != root.end(); ++it) {
      std::string key = it->first.Scalar();
      if (key == "version") {
        SLUICE_ASSIGN_OR_RETURN(std::string version, Scalar(it->second, key));
        if (version != "1")
          return Error(it->second, key, "unsupported version '" + version + "' (expected 1)");
      } else if (key == "tables") {
        SLUICE_RETURN_IF_ERROR(ExpectMap(it->second, key));
        for (auto table = it->second.begin(); table != it->second.end(); ++table) {
          SLUICE_ASSIGN_OR_RETURN(TableContract parsed,
                                  ParseTable(table->first.Scalar(), table->first, table->second));
          contract.tables.push_back(std::move(parsed));
        }
      } else {
        return Error(it->first, key, "unknown key (expected version, tables)");
      }
    }
    if (contract.tables.empty()) {
      return Status::InvalidArgument(file_ + ": no tables (expected a 'tables:' mapping)");
    }
    return contract;
  }

  Result<TableContract> ParseTable(const std::string& name, const YAML::Node& name_node,
                                   const YAML::Node& node) {
    TableContract table;
    table.name = name;
    const std::string prefix = "tables." + name;
    table.location = Loc(name_node, prefix);
    if (node.IsNull()) return table;
    SLUICE_RETURN_IF_ERROR(ExpectMap(node, prefix));
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = prefix + "." + key;
      const YAML::Node& value = it->second;
      if (key == "key") {
        SLUICE_ASSIGN_OR_RETURN(table.key, Scalar(value, path));
      } else if (key == "casts") {
        SLUICE_RETURN_IF_ERROR(ExpectMap(value, path));
        for (auto cast = value.begin(); cast != value.end(); ++cast) {
          SLUICE_ASSIGN_OR_RETURN(CastSpec spec,
                                  ParseCast(cast->first.Scalar(), cast->first, cast->second, path));
          table.casts.push_back(std::move(spec));
        }
      } else if (key == "columns") {
        SLUICE_RETURN_IF_ERROR(ExpectMap(value, path));
        for (auto column = value.begin(); column != value.end(); ++column) {
          SLUICE_ASSIGN_OR_RETURN(
              ColumnContract parsed,
              ParseColumn(column->first.Scalar(), column->first, column->second, path));
          table.columns.push_back(std::move(parsed));
        }
      } else if (key == "checks") {
        SLUICE_RETURN_IF_ERROR(ParseTableChecks(value, path, &table));
      } else {
        return Error(it->first, path, "unknown key (expected key, casts, columns, checks)");
      }
    }
    return table;
  }

  Result<CastSpec> ParseCast(const std::string& column, const YAML::Node& name_node,
                             const YAML::Node& node, const std::string& parent) {
    CastSpec spec;
    spec.column = column;
    const std::string prefix = parent + "." + column;
    spec.location = Loc(name_node, prefix);
    SLUICE_RETURN_IF_ERROR(ExpectMap(node, prefix));
    bool has_type = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = prefix + "." + key;
      const YAML::Node& value = it->second;
      if (key == "type") {
        SLUICE_ASSIGN_OR_RETURN(std::string type, Scalar(value, path));
        Status status = validate::ParseCastTarget(type, &spec);
        if (!status.ok()) return Error(value, path, status.message());
        has_type = true;
      } else if (key == "format") {
        SLUICE_ASSIGN_OR_RETURN(spec.format, Scalar(value, path));
      } else if (key == "on_error") {
        // YAML reads a bare `null` as the null value, not the word: accept both spellings.
        std::string mode = "null";
        if (!value.IsNull()) {
          SLUICE_ASSIGN_OR_RETURN(mode, Scalar(value, path));
        }
        if (mode == "fail") {
          spec.on_error = OnError::kFail;
        } else if (mode == "null") {
          spec.on_error = OnError::kNull;
        } else if (mode == "quarantine") {
          spec.on_error = OnError::kQuarantine;
        } else {
          return Error(value, path, "expected fail, null or quarantine, found '" + mode + "'");
        }
      } else if (key == "trim") {
        SLUICE_ASSIGN_OR_RETURN(spec.trim, Bool(value, path));
      } else if (key == "empty_as_null") {
        SLUICE_ASSIGN_OR_RETURN(spec.empty_as_null, Bool(value, path));
      } else if (key == "rename") {
        SLUICE_ASSIGN_OR_RETURN(spec.rename, Scalar(value, path));
      } else if (key == "drop") {
        SLUICE_ASSIGN_OR_RETURN(spec.drop, Bool(value, path));
      } else {
        return Error(it->first, path,
                     "unknown key (expected type, format, on_error, trim, empty_as_null, rename, "
                     "drop)");
      }
    }
    // Formats are checked here, before any data: a typo must not surface at row 3 million.
    if (has_type) {
      if (spec.target == CastTarget::kDate || spec.target == CastTarget::kTimestamp) {
        if (!spec.format.empty()) {
          auto pattern =
              validate::DateTimePattern::Compile(spec.format, spec.target == CastTarget::kDate);
          if (!pattern.ok())
            return Error(node["format"], prefix + ".format", pattern.status().message());
        }
      } else if (!spec.format.empty()) {
        if (spec.target == CastTarget::kString) {
          return Error(node["format"], prefix + ".format", "a string cast takes no format");
        }
        auto style = validate::ParseNumberStyle(spec.format);
        if (!style.ok()) return Error(node["format"], prefix + ".format", style.status().message());
      }
    } else if (!spec.format.empty()) {
      return Error(node["format"], prefix + ".format", "format needs a type");
    }
    return spec;
  }

  Result<ColumnContract> ParseColumn(const std::string& name, const YAML::Node& name_node,
                                     const YAML::Node& node, const std::string& parent) {
    ColumnContract column;
    column.name = name;
    const std::string prefix = parent + "." + name;
    column.location = Loc(name_node, prefix);
    if (node.IsNull()) return column;  // "col:" alone: must be present
    SLUICE_RETURN_IF_ERROR(ExpectMap(node, prefix));
    bool min_exclusive = false, max_exclusive = false;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = prefix + "." + key;
      const YAML::Node& value = it->second;
      CheckSpec check;
      check.location = Loc(it->first, path);
      if (key == "required") {
        SLUICE_ASSIGN_OR_RETURN(column.required, Bool(value, path));
        continue;
      } else if (key == "min_exclusive") {
        SLUICE_ASSIGN_OR_RETURN(min_exclusive, Bool(value, path));
        continue;
      } else if (key == "max_exclusive") {
        SLUICE_ASSIGN_OR_RETURN(max_exclusive, Bool(value, path));
        continue;
      } else if (key == "type") {
        check.kind = CheckKind::kType;
        SLUICE_ASSIGN_OR_RETURN(std::string type, Scalar(value, path));
        auto canonical = validate::NormalizeTypeName(type);
        if (!canonical.ok()) return Error(value, path, canonical.status().message());
        check.args.push_back(*canonical);
      } else if (key == "nullable") {
        check.kind = CheckKind::kNullable;
        SLUICE_ASSIGN_OR_RETURN(check.flag, Bool(value, path));
        if (check.flag) continue;  // nullable: true checks nothing
      } else if (key == "unique") {
        check.kind = CheckKind::kUnique;
        SLUICE_ASSIGN_OR_RETURN(check.flag, Bool(value, path));
        if (!check.flag) continue;
      } else if (key == "min" || key == "max") {
        check.kind = key == "min" ? CheckKind::kMin : CheckKind::kMax;
        SLUICE_ASSIGN_OR_RETURN(std::string literal, Scalar(value, path));
        check.args.push_back(std::move(literal));
      } else if (key == "allowed") {
        check.kind = CheckKind::kAllowed;
        SLUICE_ASSIGN_OR_RETURN(check.args, List(value, path));
        if (check.args.empty()) return Error(value, path, "allowed needs at least one value");
      } else if (key == "regex") {
        check.kind = CheckKind::kRegex;
        SLUICE_ASSIGN_OR_RETURN(std::string pattern, Scalar(value, path));
        auto matcher = validate::RegexMatcher::Compile(pattern);
        if (!matcher.ok()) return Error(value, path, matcher.status().message());
        check.args.push_back(std::move(pattern));
      } else if (key == "min_length" || key == "max_length") {
        check.kind = key == "min_length" ? CheckKind::kMinLength : CheckKind::kMaxLength;
        SLUICE_ASSIGN_OR_RETURN(int64_t length, Count(value, path));
        check.args.push_back(std::to_string(length));
      } else {
        return Error(it->first, path,
                     "unknown check (expected type, nullable, unique, min, max, min_exclusive, "
                     "max_exclusive, allowed, regex, min_length, max_length, required)");
      }
      column.checks.push_back(std::move(check));
    }
    for (CheckSpec& check : column.checks) {
      if (check.kind == CheckKind::kMin) check.flag = min_exclusive;
      if (check.kind == CheckKind::kMax) check.flag = max_exclusive;
    }
    return column;
  }

  Status ParseTableChecks(const YAML::Node& node, const std::string& prefix, TableContract* table) {
    SLUICE_RETURN_IF_ERROR(ExpectMap(node, prefix));
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = it->first.Scalar();
      std::string path = prefix + "." + key;
      const YAML::Node& value = it->second;
      if (key == "row_count") {
        CheckSpec check;
        check.kind = CheckKind::kRowCount;
        check.location = Loc(it->first, path);
        check.args = {"", ""};
        SLUICE_RETURN_IF_ERROR(ExpectMap(value, path));
        for (auto bound = value.begin(); bound != value.end(); ++bound) {
          std::string name = bound->first.Scalar();
          if (name != "min" && name != "max") {
            return Error(bound->first, path + "." + name, "unknown key (expected min, max)");
          }
          SLUICE_ASSIGN_OR_RETURN(int64_t count, Count(bound->second, path + "." + name));
          check.args[name == "min" ? 0 : 1] = std::to_string(count);
        }
        table->table_checks.push_back(std::move(check));
      } else if (key == "unique") {
        // Either one combination [a, b] or a list of combinations [[a, b], [c, d]].
        if (!value.IsSequence() || value.size() == 0) {
          return Error(value, path, "expected a list of column names, or a list of such lists");
        }
        std::vector<YAML::Node> combos;
        if (value[0].IsSequence()) {
          for (size_t idx = 0; idx < value.size(); ++idx) combos.push_back(value[idx]);
        } else {
          combos.push_back(value);
        }
        for (const YAML::Node& combo : combos) {
          CheckSpec check;
          check.kind = CheckKind::kUniqueColumns;
          check.location = Loc(combo, path);
          SLUICE_ASSIGN_OR_RETURN(check.args, List(combo, path));
          if (check.args.empty()) return Error(combo, path, "empty column list");
          table->table_checks.push_back(std::move(check));
        }
      } else if (key == "expression") {
        // One SQL boolean expression, or a list of them.
        std::vector<YAML::Node> items;
        if (value.IsSequence()) {
          if (value.size() == 0) return Error(value, path, "empty list of expressions");
          for (size_t idx = 0; idx < value.size(); ++idx) items.push_back(value[idx]);
        } else {
          items.push_back(value);
        }
        for (const YAML::Node& item : items) {
          CheckSpec check;
          check.kind = CheckKind::kExpression;
          check.location = Loc(value.IsSequence() ? item : it->first, path);
          SLUICE_ASSIGN_OR_RETURN(std::string expression, Scalar(item, path));
          check.args.push_back(std::move(expression));
          table->table_checks.push_back(std::move(check));
        }
      } else {
        return Error(it->first, path,
                     "unknown table check (expected row_count, unique, expression)");
      }
    }
    return Status::OK();
  }

  std::string file_;
};

}  // namespace

Result<Contract> Contract::Parse(const std::string& text, const std::string& file_name) {
  return ContractParser(file_name).Parse(text);
}

Result<Contract> Contract::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("contract file " + path + ": cannot open");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::IoError("contract file " + path + ": read failed");
  return Parse(buffer.str(), path);
}

Result<const TableContract*> Contract::Select(const std::string& table) const {
  if (table.empty()) {
    if (tables.size() == 1) return &tables[0];
    return Status::InvalidArgument(file + " has " + std::to_string(tables.size()) +
                                   " tables: name one (--table)");
  }
  for (const TableContract& candidate : tables) {
    if (candidate.name == table) return &candidate;
  }
  std::string names;
  for (const TableContract& candidate : tables)
    names += (names.empty() ? "" : ", ") + candidate.name;
  return Status::NotFound(file + ": no section for table '" + table + "' (sections: " + names +
                          ")");
}

}  // namespace sluice

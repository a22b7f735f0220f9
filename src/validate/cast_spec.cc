// ParseCastSpec (the --cast flag), plus the small value helpers of validate.h.
#include <string>

#include "sluice/validate.h"
#include "validate/text_parse.h"
#include "validate/type_names.h"

namespace sluice {

std::string SourceLocation::ToString() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (line > 0) out += ":" + std::to_string(line);
    out += ": ";
  }
  if (!key.empty()) out += key + ": ";
  return out;
}

const char* OnErrorName(OnError on_error) {
  switch (on_error) {
    case OnError::kFail:
      return "fail";
    case OnError::kNull:
      return "null";
    case OnError::kQuarantine:
      return "quarantine";
  }
  return "?";
}

const char* CheckKindName(CheckKind kind) {
  switch (kind) {
    case CheckKind::kType:
      return "type";
    case CheckKind::kNullable:
      return "nullable";
    case CheckKind::kUnique:
      return "unique";
    case CheckKind::kMin:
      return "min";
    case CheckKind::kMax:
      return "max";
    case CheckKind::kAllowed:
      return "allowed";
    case CheckKind::kRegex:
      return "regex";
    case CheckKind::kMinLength:
      return "min_length";
    case CheckKind::kMaxLength:
      return "max_length";
    case CheckKind::kRowCount:
      return "row_count";
    case CheckKind::kUniqueColumns:
      return "unique_columns";
    case CheckKind::kExpression:
      return "expression";
  }
  return "?";
}

void CastStats::Merge(const CastStats& other) {
  rows_quarantined += other.rows_quarantined;
  for (const Column& theirs : other.columns) {
    Column* mine = nullptr;
    for (Column& candidate : columns) {
      if (candidate.column == theirs.column) mine = &candidate;
    }
    if (mine == nullptr) {
      columns.push_back(Column{theirs.column, theirs.target, 0, 0, {}});
      mine = &columns.back();
    }
    mine->nulled += theirs.nulled;
    mine->quarantined += theirs.quarantined;
    for (const auto& sample : theirs.samples) {
      if (static_cast<int>(mine->samples.size()) >= max_samples) break;
      mine->samples.push_back(sample);
    }
  }
}

namespace {

Status CastError(std::string_view text, const std::string& what) {
  return Status::InvalidArgument("--cast '" + std::string(text) + "': " + what);
}

}  // namespace

Result<CastSpec> ParseCastSpec(std::string_view text) {
  CastSpec spec;
  spec.location.key = "--cast " + std::string(text);
  size_t equals = text.find('=');
  if (equals == std::string_view::npos || equals == 0) {
    return CastError(text,
                     "expected COLUMN=TYPE[:FORMAT][:ON_ERROR], COLUMN=drop or "
                     "COLUMN=rename:NEW");
  }
  spec.column = std::string(validate::TrimAscii(text.substr(0, equals)));
  std::string_view rest = text.substr(equals + 1);
  if (rest == "drop") {
    spec.drop = true;
    return spec;
  }
  if (rest.starts_with("rename:")) {
    spec.rename = std::string(validate::TrimAscii(rest.substr(7)));
    if (spec.rename.empty()) return CastError(text, "rename needs a new name");
    return spec;
  }
  // TYPE ends at the first ':' (decimal(12,2) contains no ':').
  size_t colon = rest.find(':');
  std::string_view type = rest.substr(0, colon);
  Status status = validate::ParseCastTarget(type, &spec);
  if (!status.ok()) return CastError(text, status.message());
  if (colon == std::string_view::npos) return spec;
  std::string_view tail = rest.substr(colon + 1);
  // ON_ERROR is the last field when it is one of the three words.
  size_t last = tail.rfind(':');
  std::string_view candidate = last == std::string_view::npos ? tail : tail.substr(last + 1);
  std::string_view format = tail;
  if (candidate == "fail" || candidate == "null" || candidate == "quarantine") {
    spec.on_error = candidate == "fail"   ? OnError::kFail
                    : candidate == "null" ? OnError::kNull
                                          : OnError::kQuarantine;
    format = last == std::string_view::npos ? std::string_view() : tail.substr(0, last);
  }
  spec.format = std::string(format);
  return spec;
}

}  // namespace sluice

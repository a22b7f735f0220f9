// JSON-lines, CSV and aligned-table sinks (see result_sink.h).
#include <algorithm>

#include "common/value_format.h"
#include "engine/output/result_sink.h"

namespace sluice::engine {

namespace {

Status CheckStream(const std::ostream& out) {
  if (!out) return Status::IoError("writing query results failed");
  return Status::OK();
}

class JsonlSink : public ResultSink {
 public:
  explicit JsonlSink(std::ostream* out) : out_(out) {}
  Status Begin(const std::vector<std::string>& names, const std::vector<SqlType>&) override {
    for (const auto& name : names) {
      std::string key;
      AppendJsonString(name, &key);
      keys_.push_back(key + ":");
    }
    return Status::OK();
  }
  Status Consume(const DataChunk& chunk) override {
    std::string line;
    for (int64_t row = 0; row < chunk.size; ++row) {
      line.clear();
      line.push_back('{');
      for (size_t col = 0; col < chunk.columns.size(); ++col) {
        if (col) line.push_back(',');
        line += keys_[col];
        AppendJson(chunk.columns[col], row, &line);
      }
      line += "}\n";
      *out_ << line;
    }
    return CheckStream(*out_);
  }
  Status Finish() override {
    out_->flush();
    return CheckStream(*out_);
  }

 private:
  std::ostream* out_;
  std::vector<std::string> keys_;
};

std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"') out.push_back('"');
    out.push_back(ch);
  }
  return out + "\"";
}

class CsvSink : public ResultSink {
 public:
  explicit CsvSink(std::ostream* out) : out_(out) {}
  Status Begin(const std::vector<std::string>& names, const std::vector<SqlType>&) override {
    for (size_t col = 0; col < names.size(); ++col)
      *out_ << (col ? "," : "") << CsvField(names[col]);
    *out_ << "\n";
    return CheckStream(*out_);
  }
  Status Consume(const DataChunk& chunk) override {
    std::string line;
    for (int64_t row = 0; row < chunk.size; ++row) {
      line.clear();
      for (size_t col = 0; col < chunk.columns.size(); ++col) {
        if (col) line.push_back(',');
        line += CsvField(PlainText(chunk.columns[col], row));
      }
      line.push_back('\n');
      *out_ << line;
    }
    return CheckStream(*out_);
  }
  Status Finish() override {
    out_->flush();
    return CheckStream(*out_);
  }

 private:
  std::ostream* out_;
};

// Buffers up to kMaxRows rows to size the columns, then prints; later rows are counted only.
class TableSink : public ResultSink {
 public:
  explicit TableSink(std::ostream* out) : out_(out) {}
  Status Begin(const std::vector<std::string>& names, const std::vector<SqlType>& types) override {
    names_ = names;
    types_ = types;
    return Status::OK();
  }
  Status Consume(const DataChunk& chunk) override {
    for (int64_t row = 0; row < chunk.size; ++row) {
      ++total_;
      if (rows_.size() >= kMaxRows) continue;
      std::vector<std::string> cells;
      for (const auto& column : chunk.columns) {
        cells.push_back(column.IsNull(row) ? "NULL" : PlainText(column, row));
      }
      rows_.push_back(std::move(cells));
    }
    return Status::OK();
  }
  Status Finish() override {
    std::vector<size_t> widths;
    for (size_t col = 0; col < names_.size(); ++col) {
      size_t width = std::max(names_[col].size(), types_[col].ToString().size());
      for (const auto& row : rows_) width = std::max(width, row[col].size());
      widths.push_back(std::min<size_t>(width, kMaxWidth));
    }
    auto print_row = [&](const std::vector<std::string>& cells) {
      for (size_t col = 0; col < cells.size(); ++col) {
        std::string cell = cells[col].substr(0, kMaxWidth);
        bool right = types_[col].IsNumeric();
        std::string pad(widths[col] - std::min(widths[col], cell.size()), ' ');
        *out_ << (col ? " | " : "") << (right ? pad + cell : cell + pad);
      }
      *out_ << "\n";
    };
    print_row(names_);
    std::vector<std::string> type_names;
    for (const auto& type : types_) type_names.push_back(type.ToString());
    print_row(type_names);
    for (size_t col = 0; col < widths.size(); ++col) {
      *out_ << (col ? "-+-" : "") << std::string(widths[col], '-');
    }
    *out_ << "\n";
    for (const auto& row : rows_) print_row(row);
    *out_ << "(" << total_ << (total_ == 1 ? " row" : " rows");
    if (total_ > static_cast<int64_t>(rows_.size())) *out_ << ", " << rows_.size() << " shown";
    *out_ << ")\n";
    out_->flush();
    return CheckStream(*out_);
  }

 private:
  // Rows shown in table output; use --format csv/jsonl or --out for full results.
  static constexpr size_t kMaxRows = 1000;
  // Cells are cut at 60 characters to keep the table readable.
  static constexpr size_t kMaxWidth = 60;
  std::ostream* out_;
  std::vector<std::string> names_;
  std::vector<SqlType> types_;
  std::vector<std::vector<std::string>> rows_;
  int64_t total_ = 0;
};

}  // namespace

std::unique_ptr<ResultSink> MakeTextSink(OutputFormat format, std::ostream* out) {
  switch (format) {
    case OutputFormat::kCsv:
      return std::make_unique<CsvSink>(out);
    case OutputFormat::kJsonl:
      return std::make_unique<JsonlSink>(out);
    default:
      return std::make_unique<TableSink>(out);
  }
}

}  // namespace sluice::engine

#include "engine/query_engine.h"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "engine/exec/physical_planner.h"
#include "engine/optimize/optimizer.h"
#include "engine/parse/parser.h"

namespace sluice::engine {

Result<int64_t> ParseByteSize(const std::string& text) {
  size_t pos = 0;
  while (pos < text.size() &&
         (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
    ++pos;
  if (pos == 0)
    return Status::InvalidArgument("invalid size '" + text + "' (want e.g. 512MB, 2GB)");
  double number = std::strtod(text.substr(0, pos).c_str(), nullptr);
  std::string unit;
  for (size_t idx = pos; idx < text.size(); ++idx) {
    if (text[idx] != ' ')
      unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[idx]))));
  }
  double scale = 1;
  if (unit.empty() || unit == "b") {
    scale = 1;
  } else if (unit == "k" || unit == "kb" || unit == "kib") {
    scale = 1024.0;
  } else if (unit == "m" || unit == "mb" || unit == "mib") {
    scale = 1024.0 * 1024;
  } else if (unit == "g" || unit == "gb" || unit == "gib") {
    scale = 1024.0 * 1024 * 1024;
  } else if (unit == "t" || unit == "tb" || unit == "tib") {
    scale = 1024.0 * 1024 * 1024 * 1024;
  } else {
    return Status::InvalidArgument("invalid size unit in '" + text + "' (use KB, MB, GB)");
  }
  return static_cast<int64_t>(number * scale);
}

Status QueryEngine::RegisterTable(const std::string& name, const std::string& location) {
  SLUICE_ASSIGN_OR_RETURN(auto source, TableSource::Open(location));
  std::string key;
  for (char ch : name)
    key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  catalog_[key] = std::move(source);
  return Status::OK();
}

Result<BoundQuery> QueryEngine::Plan(const Statement& statement) {
  Binder binder(&catalog_);
  SLUICE_ASSIGN_OR_RETURN(BoundQuery bound, binder.Bind(*statement.query));
  SLUICE_ASSIGN_OR_RETURN(bound.plan, Optimize(std::move(bound.plan)));
  return bound;
}

Result<std::string> QueryEngine::Explain(const std::string& sql) {
  SLUICE_ASSIGN_OR_RETURN(Statement statement, ParseSql(sql));
  SLUICE_ASSIGN_OR_RETURN(BoundQuery bound, Plan(statement));
  return bound.plan->ToString();
}

Status QueryEngine::Execute(const std::string& sql, ResultSink* sink, QueryStats* stats) {
  SLUICE_ASSIGN_OR_RETURN(Statement statement, ParseSql(sql));
  SLUICE_ASSIGN_OR_RETURN(BoundQuery bound, Plan(statement));
  if (statement.explain) {
    SLUICE_RETURN_IF_ERROR(sink->Begin({"explain"}, {SqlType::Of(TypeId::kVarchar)}));
    DataChunk chunk({SqlType::Of(TypeId::kVarchar)});
    std::istringstream lines(bound.plan->ToString());
    for (std::string line; std::getline(lines, line);) {
      chunk.columns[0].AppendStr(line);
      ++chunk.size;
    }
    SLUICE_RETURN_IF_ERROR(sink->Consume(chunk));
    return sink->Finish();
  }
  MemoryBudget budget(options_.memory_limit_bytes);
  ExecContext ctx;
  ctx.budget = &budget;
  ctx.threads = std::max(1, options_.threads);
  ctx.spill_dir = options_.spill_dir;
  if (ctx.spill_dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    ctx.spill_dir =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/sluice-spill-" + std::to_string(::getpid());
  }
  auto types = bound.plan->OutputTypes();
  SLUICE_ASSIGN_OR_RETURN(OperatorPtr root, CreateOperator(bound.plan.get(), &ctx));
  SLUICE_RETURN_IF_ERROR(sink->Begin(bound.names, types));
  DataChunk chunk;
  int64_t rows = 0;
  while (true) {
    SLUICE_ASSIGN_OR_RETURN(bool more, root->Next(&chunk));
    if (!more) break;
    rows += chunk.size;
    SLUICE_RETURN_IF_ERROR(sink->Consume(chunk));
  }
  root.reset();
  std::error_code ec;
  std::filesystem::remove(ctx.spill_dir,
                          ec);  // only succeeds when empty (spill files are unlinked)
  if (stats) {
    stats->rows = rows;
    stats->spilled_bytes = ctx.spilled_bytes.load();
    stats->peak_reserved_bytes = budget.peak();
    stats->row_groups_read = ctx.row_groups_read.load();
    stats->row_groups_skipped = ctx.row_groups_skipped.load();
  }
  return sink->Finish();
}

}  // namespace sluice::engine

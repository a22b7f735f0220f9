// Parser: recursive descent over the SQL subset of `sluice query` (SELECT with expressions,
// WHERE, INNER/LEFT JOIN, GROUP BY/HAVING, ORDER BY, LIMIT/OFFSET, WITH, UNION ALL, subqueries
// in FROM, EXPLAIN). Errors are InvalidArgument "syntax error at line L, column C near 'tok':
// expected ...".
// Thread-safety: pure function.
#pragma once

#include <string>

#include "engine/parse/ast.h"
#include "sluice/result.h"

namespace sluice::engine {

Result<Statement> ParseSql(const std::string& sql);

}  // namespace sluice::engine

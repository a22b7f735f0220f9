// Lexer: splits SQL text into tokens, each with its 1-based line and column so parse errors can
// point at the offending token.
// Thread-safety: pure function.
#pragma once

#include <string>
#include <vector>

#include "sluice/result.h"

namespace sluice::engine {

enum class TokenKind { kIdent, kQuotedIdent, kString, kInteger, kNumber, kSymbol, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;  // identifiers as written; strings unescaped; symbols like "<=" or "::"
  int line = 1;
  int column = 1;
};

/// Tokenizes `sql`; an unterminated string or an unknown character is InvalidArgument with
/// "line L, column C".
Result<std::vector<Token>> Tokenize(const std::string& sql);

}  // namespace sluice::engine

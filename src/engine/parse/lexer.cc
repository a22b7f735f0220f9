#include "engine/parse/lexer.h"

#include <cctype>

namespace sluice::engine {

namespace {

bool IsIdentStart(char ch) { return std::isalpha(static_cast<unsigned char>(ch)) || ch == '_'; }
bool IsIdentChar(char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_'; }

Status LexError(int line, int column, const std::string& what) {
  return Status::InvalidArgument("syntax error at line " + std::to_string(line) + ", column " +
                                 std::to_string(column) + ": " + what);
}

}  // namespace

Result<std::vector<Token>> Tokenize(const std::string& sql) {
  std::vector<Token> tokens;
  size_t pos = 0;
  int line = 1;
  size_t line_start = 0;
  auto column_of = [&](size_t at) { return static_cast<int>(at - line_start) + 1; };
  while (pos < sql.size()) {
    char ch = sql[pos];
    if (ch == '\n') {
      ++pos;
      ++line;
      line_start = pos;
      continue;
    }
    if (std::isspace(static_cast<unsigned char>(ch))) {
      ++pos;
      continue;
    }
    if (ch == '-' && pos + 1 < sql.size() && sql[pos + 1] == '-') {
      while (pos < sql.size() && sql[pos] != '\n') ++pos;
      continue;
    }
    Token token;
    token.line = line;
    token.column = column_of(pos);
    if (IsIdentStart(ch)) {
      size_t start = pos;
      while (pos < sql.size() && IsIdentChar(sql[pos])) ++pos;
      token.kind = TokenKind::kIdent;
      token.text = sql.substr(start, pos - start);
    } else if (std::isdigit(static_cast<unsigned char>(ch)) ||
               (ch == '.' && pos + 1 < sql.size() &&
                std::isdigit(static_cast<unsigned char>(sql[pos + 1])))) {
      size_t start = pos;
      bool is_integer = true;
      while (pos < sql.size() && std::isdigit(static_cast<unsigned char>(sql[pos]))) ++pos;
      if (pos < sql.size() && sql[pos] == '.') {
        is_integer = false;
        ++pos;
        while (pos < sql.size() && std::isdigit(static_cast<unsigned char>(sql[pos]))) ++pos;
      }
      if (pos < sql.size() && (sql[pos] == 'e' || sql[pos] == 'E')) {
        size_t exp = pos + 1;
        if (exp < sql.size() && (sql[exp] == '+' || sql[exp] == '-')) ++exp;
        if (exp < sql.size() && std::isdigit(static_cast<unsigned char>(sql[exp]))) {
          is_integer = false;
          pos = exp;
          while (pos < sql.size() && std::isdigit(static_cast<unsigned char>(sql[pos]))) ++pos;
        }
      }
      token.kind = is_integer ? TokenKind::kInteger : TokenKind::kNumber;
      token.text = sql.substr(start, pos - start);
    } else if (ch == '\'' || ch == '"') {
      char quote = ch;
      ++pos;
      std::string text;
      bool closed = false;
      while (pos < sql.size()) {
        if (sql[pos] == quote) {
          if (pos + 1 < sql.size() && sql[pos + 1] == quote) {
            text.push_back(quote);
            pos += 2;
            continue;
          }
          ++pos;
          closed = true;
          break;
        }
        if (sql[pos] == '\n') {
          ++line;
          line_start = pos + 1;
        }
        text.push_back(sql[pos++]);
      }
      if (!closed) {
        return LexError(token.line, token.column,
                        std::string("unterminated ") + (quote == '\'' ? "string" : "identifier"));
      }
      token.kind = quote == '\'' ? TokenKind::kString : TokenKind::kQuotedIdent;
      token.text = std::move(text);
    } else {
      static const char* kTwoChar[] = {"<=", ">=", "<>", "!=", "==", "::", "||", "//"};
      token.kind = TokenKind::kSymbol;
      for (const char* sym : kTwoChar) {
        if (sql.compare(pos, 2, sym) == 0) {
          token.text = sym;
          break;
        }
      }
      if (token.text.empty()) {
        if (std::string("(),.;*+-/%<>=").find(ch) == std::string::npos) {
          return LexError(token.line, token.column,
                          std::string("unexpected character '") + ch + "'");
        }
        token.text = std::string(1, ch);
      }
      pos += token.text.size();
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.line = line;
  end.column = column_of(pos);
  tokens.push_back(end);
  return tokens;
}

}  // namespace sluice::engine

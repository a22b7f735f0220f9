#include "engine/parse/parser.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "engine/parse/lexer.h"

namespace sluice::engine {

namespace {

std::string Upper(const std::string& text) {
  std::string out;
  for (char ch : text)
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  return out;
}

std::string Lower(const std::string& text) {
  std::string out;
  for (char ch : text)
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return out;
}

// Words that end an expression or a FROM item, so they are never taken as an alias.
const std::set<std::string>& ReservedWords() {
  static const std::set<std::string> words = {
      "SELECT", "FROM",  "WHERE", "GROUP", "BY",      "HAVING",    "ORDER",  "LIMIT",
      "OFFSET", "UNION", "ALL",   "JOIN",  "INNER",   "LEFT",      "OUTER",  "ON",
      "AS",     "AND",   "OR",    "NOT",   "IN",      "IS",        "NULL",   "BETWEEN",
      "LIKE",   "CASE",  "WHEN",  "THEN",  "ELSE",    "END",       "WITH",   "DISTINCT",
      "ASC",    "DESC",  "NULLS", "CAST",  "EXPLAIN", "TRUE",      "FALSE",  "CROSS",
      "RIGHT",  "FULL",  "USING", "ILIKE", "EXCEPT",  "INTERSECT", "WINDOW", "QUALIFY"};
  return words;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  Result<Statement> ParseStatement() {
    Statement stmt;
    if (AcceptKeyword("EXPLAIN")) stmt.explain = true;
    SLUICE_ASSIGN_OR_RETURN(stmt.query, ParseQuery());
    AcceptSymbol(";");
    if (Peek().kind != TokenKind::kEnd) return Error("end of query");
    return stmt;
  }

 private:
  const Token& Peek(size_t ahead = 0) const {
    return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
  }
  bool IsKeyword(const char* word, size_t ahead = 0) const {
    const Token& tok = Peek(ahead);
    return tok.kind == TokenKind::kIdent && Upper(tok.text) == word;
  }
  bool IsSymbol(const char* sym, size_t ahead = 0) const {
    const Token& tok = Peek(ahead);
    return tok.kind == TokenKind::kSymbol && tok.text == sym;
  }
  bool AcceptKeyword(const char* word) {
    if (!IsKeyword(word)) return false;
    ++pos_;
    return true;
  }
  bool AcceptSymbol(const char* sym) {
    if (!IsSymbol(sym)) return false;
    ++pos_;
    return true;
  }
  Status Error(const std::string& expected) const {
    const Token& tok = Peek();
    std::string near = tok.kind == TokenKind::kEnd ? "end of input" : "'" + tok.text + "'";
    return Status::InvalidArgument("syntax error at line " + std::to_string(tok.line) +
                                   ", column " + std::to_string(tok.column) + " near " + near +
                                   ": expected " + expected);
  }
  Status ExpectKeyword(const char* word) {
    if (AcceptKeyword(word)) return Status::OK();
    return Error(word);
  }
  Status ExpectSymbol(const char* sym) {
    if (AcceptSymbol(sym)) return Status::OK();
    return Error(std::string("'") + sym + "'");
  }
  bool IsIdentifier() const {
    const Token& tok = Peek();
    if (tok.kind == TokenKind::kQuotedIdent) return true;
    return tok.kind == TokenKind::kIdent && !ReservedWords().count(Upper(tok.text));
  }
  Result<std::string> ParseIdentifier(const char* what) {
    if (!IsIdentifier()) return Error(what);
    return tokens_[pos_++].text;
  }
  Result<int64_t> ParseCount(const char* what) {
    if (Peek().kind != TokenKind::kInteger) return Error(what);
    try {
      return static_cast<int64_t>(std::stoll(tokens_[pos_++].text));
    } catch (...) {
      --pos_;
      return Error("a smaller number");
    }
  }

  Result<std::unique_ptr<QueryNode>> ParseQuery() {
    auto node = std::make_unique<QueryNode>();
    if (AcceptKeyword("WITH")) {
      do {
        CommonTableExpr cte;
        SLUICE_ASSIGN_OR_RETURN(cte.name, ParseIdentifier("a CTE name"));
        SLUICE_RETURN_IF_ERROR(ExpectKeyword("AS"));
        SLUICE_RETURN_IF_ERROR(ExpectSymbol("("));
        SLUICE_ASSIGN_OR_RETURN(cte.query, ParseQuery());
        SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
        node->ctes.push_back(std::move(cte));
      } while (AcceptSymbol(","));
    }
    do {
      SetOperand operand;
      if (IsSymbol("(")) {
        ++pos_;
        SLUICE_ASSIGN_OR_RETURN(operand.nested, ParseQuery());
        SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
      } else {
        SLUICE_ASSIGN_OR_RETURN(operand.select, ParseSelect());
      }
      node->operands.push_back(std::move(operand));
      if (!IsKeyword("UNION")) break;
      ++pos_;
      if (!AcceptKeyword("ALL")) return Error("ALL (only UNION ALL is supported)");
    } while (true);
    if (AcceptKeyword("ORDER")) {
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("BY"));
      do {
        OrderItem item;
        SLUICE_ASSIGN_OR_RETURN(item.expr, ParseExpr());
        if (AcceptKeyword("DESC")) {
          item.descending = true;
        } else {
          AcceptKeyword("ASC");
        }
        if (AcceptKeyword("NULLS")) {
          if (AcceptKeyword("FIRST")) {
            item.nulls_first = true;
          } else if (AcceptKeyword("LAST")) {
            item.nulls_first = false;
          } else {
            return Error("FIRST or LAST");
          }
        }
        node->order_by.push_back(std::move(item));
      } while (AcceptSymbol(","));
    }
    for (int round = 0; round < 2; ++round) {
      if (AcceptKeyword("LIMIT")) {
        SLUICE_ASSIGN_OR_RETURN(node->limit, ParseCount("a row count after LIMIT"));
      } else if (AcceptKeyword("OFFSET")) {
        SLUICE_ASSIGN_OR_RETURN(node->offset, ParseCount("a row count after OFFSET"));
      }
    }
    return node;
  }

  Result<std::unique_ptr<SelectCore>> ParseSelect() {
    SLUICE_RETURN_IF_ERROR(ExpectKeyword("SELECT"));
    auto core = std::make_unique<SelectCore>();
    if (AcceptKeyword("DISTINCT")) core->distinct = true;
    AcceptKeyword("ALL");
    do {
      SelectItem item;
      SLUICE_ASSIGN_OR_RETURN(item.expr, ParseExpr());
      if (AcceptKeyword("AS")) {
        SLUICE_ASSIGN_OR_RETURN(item.alias, ParseIdentifier("an alias after AS"));
      } else if (IsIdentifier()) {
        item.alias = tokens_[pos_++].text;
      }
      core->items.push_back(std::move(item));
    } while (AcceptSymbol(","));
    if (AcceptKeyword("FROM")) {
      SLUICE_ASSIGN_OR_RETURN(core->from, ParseFrom());
    }
    if (AcceptKeyword("WHERE")) {
      SLUICE_ASSIGN_OR_RETURN(core->where, ParseExpr());
    }
    if (AcceptKeyword("GROUP")) {
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("BY"));
      if (AcceptKeyword("ALL")) {
        core->group_by_all = true;
      } else {
        do {
          SLUICE_ASSIGN_OR_RETURN(auto expr, ParseExpr());
          core->group_by.push_back(std::move(expr));
        } while (AcceptSymbol(","));
      }
    }
    if (AcceptKeyword("HAVING")) {
      SLUICE_ASSIGN_OR_RETURN(core->having, ParseExpr());
    }
    return core;
  }

  Result<std::unique_ptr<TableRef>> ParseFrom() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseTablePrimary());
    while (true) {
      bool left_join = false;
      if (AcceptKeyword("LEFT")) {
        AcceptKeyword("OUTER");
        left_join = true;
      } else if (AcceptKeyword("INNER")) {
      } else if (IsKeyword("RIGHT") || IsKeyword("FULL") || IsKeyword("CROSS")) {
        return Error("JOIN, INNER JOIN or LEFT JOIN (" + Peek().text + " joins are not supported)");
      } else if (IsSymbol(",")) {
        return Error("JOIN ... ON (comma joins are not supported)");
      } else if (!IsKeyword("JOIN")) {
        break;
      }
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("JOIN"));
      auto join = std::make_unique<TableRef>();
      join->kind = TableRef::Kind::kJoin;
      join->left_join = left_join;
      join->left = std::move(left);
      SLUICE_ASSIGN_OR_RETURN(join->right, ParseTablePrimary());
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("ON"));
      SLUICE_ASSIGN_OR_RETURN(join->on, ParseExpr());
      left = std::move(join);
    }
    return left;
  }

  Result<std::unique_ptr<TableRef>> ParseTablePrimary() {
    auto ref = std::make_unique<TableRef>();
    if (AcceptSymbol("(")) {
      ref->kind = TableRef::Kind::kSubquery;
      SLUICE_ASSIGN_OR_RETURN(ref->subquery, ParseQuery());
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
    } else if (Peek().kind == TokenKind::kString) {
      ref->kind = TableRef::Kind::kParquet;
      ref->path = tokens_[pos_++].text;
    } else if (IsKeyword("READ_PARQUET") || IsKeyword("PARQUET_SCAN")) {
      pos_ += 1;
      SLUICE_RETURN_IF_ERROR(ExpectSymbol("("));
      if (Peek().kind != TokenKind::kString) return Error("a quoted file glob");
      ref->kind = TableRef::Kind::kParquet;
      ref->path = tokens_[pos_++].text;
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
    } else {
      ref->kind = TableRef::Kind::kNamed;
      SLUICE_ASSIGN_OR_RETURN(ref->name,
                              ParseIdentifier("a table name, read_parquet('...') or a subquery"));
    }
    if (AcceptKeyword("AS")) {
      SLUICE_ASSIGN_OR_RETURN(ref->alias, ParseIdentifier("an alias after AS"));
    } else if (IsIdentifier()) {
      ref->alias = tokens_[pos_++].text;
    }
    return ref;
  }

  // --- expressions, lowest precedence first ---
  static std::unique_ptr<ParsedExpr> Binary(std::string op, std::unique_ptr<ParsedExpr> left,
                                            std::unique_ptr<ParsedExpr> right, const Token& at) {
    auto node = std::make_unique<ParsedExpr>();
    node->kind = ParsedExpr::Kind::kBinary;
    node->text = "(" + left->text + " " + op + " " + right->text + ")";
    node->name = std::move(op);
    node->line = at.line;
    node->column = at.column;
    node->children.push_back(std::move(left));
    node->children.push_back(std::move(right));
    return node;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseExpr() { return ParseOr(); }

  Result<std::unique_ptr<ParsedExpr>> ParseOr() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseAnd());
    while (IsKeyword("OR")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto right, ParseAnd());
      left = Binary("OR", std::move(left), std::move(right), at);
    }
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseAnd() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseNot());
    while (IsKeyword("AND")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto right, ParseNot());
      left = Binary("AND", std::move(left), std::move(right), at);
    }
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseNot() {
    if (IsKeyword("NOT")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto child, ParseNot());
      auto node = std::make_unique<ParsedExpr>();
      node->kind = ParsedExpr::Kind::kUnary;
      node->name = "NOT";
      node->text = "(NOT " + child->text + ")";
      node->line = at.line;
      node->column = at.column;
      node->children.push_back(std::move(child));
      return node;
    }
    return ParseComparison();
  }

  Result<std::unique_ptr<ParsedExpr>> ParseComparison() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseConcat());
    static const char* kOps[] = {"=", "==", "<>", "!=", "<", "<=", ">", ">="};
    for (const char* op : kOps) {
      if (IsSymbol(op)) {
        Token at = tokens_[pos_++];
        SLUICE_ASSIGN_OR_RETURN(auto right, ParseConcat());
        std::string name = op;
        if (name == "==") name = "=";
        if (name == "!=") name = "<>";
        return Binary(name, std::move(left), std::move(right), at);
      }
    }
    const Token at = Peek();
    if (AcceptKeyword("IS")) {
      auto node = std::make_unique<ParsedExpr>();
      node->kind = ParsedExpr::Kind::kIsNull;
      node->negated = AcceptKeyword("NOT");
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("NULL"));
      node->text = "(" + left->text + (node->negated ? " IS NOT NULL)" : " IS NULL)");
      node->line = at.line;
      node->column = at.column;
      node->children.push_back(std::move(left));
      return node;
    }
    bool negated = false;
    if (IsKeyword("NOT") &&
        (IsKeyword("IN", 1) || IsKeyword("BETWEEN", 1) || IsKeyword("LIKE", 1))) {
      ++pos_;
      negated = true;
    }
    auto node = std::make_unique<ParsedExpr>();
    node->negated = negated;
    node->line = at.line;
    node->column = at.column;
    if (AcceptKeyword("IN")) {
      node->kind = ParsedExpr::Kind::kIn;
      SLUICE_RETURN_IF_ERROR(ExpectSymbol("("));
      if (IsKeyword("SELECT")) return Error("a value list (IN (SELECT ...) is not supported)");
      node->text = "(" + left->text + (negated ? " NOT IN (" : " IN (");
      node->children.push_back(std::move(left));
      do {
        SLUICE_ASSIGN_OR_RETURN(auto item, ParseConcat());
        node->text += (node->children.size() > 1 ? ", " : "") + item->text;
        node->children.push_back(std::move(item));
      } while (AcceptSymbol(","));
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
      node->text += "))";
      return node;
    }
    if (AcceptKeyword("BETWEEN")) {
      node->kind = ParsedExpr::Kind::kBetween;
      SLUICE_ASSIGN_OR_RETURN(auto low, ParseConcat());
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("AND"));
      SLUICE_ASSIGN_OR_RETURN(auto high, ParseConcat());
      node->text = "(" + left->text + " BETWEEN " + low->text + " AND " + high->text + ")";
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(low));
      node->children.push_back(std::move(high));
      return node;
    }
    if (AcceptKeyword("LIKE")) {
      node->kind = ParsedExpr::Kind::kLike;
      SLUICE_ASSIGN_OR_RETURN(auto pattern, ParseConcat());
      node->text = "(" + left->text + (negated ? " NOT LIKE " : " LIKE ") + pattern->text + ")";
      node->children.push_back(std::move(left));
      node->children.push_back(std::move(pattern));
      return node;
    }
    if (negated) return Error("IN, BETWEEN or LIKE after NOT");
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseConcat() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseAdditive());
    while (IsSymbol("||")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto right, ParseAdditive());
      left = Binary("||", std::move(left), std::move(right), at);
    }
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseAdditive() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseMultiplicative());
    while (IsSymbol("+") || IsSymbol("-")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto right, ParseMultiplicative());
      left = Binary(at.text, std::move(left), std::move(right), at);
    }
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseMultiplicative() {
    SLUICE_ASSIGN_OR_RETURN(auto left, ParseUnary());
    while (IsSymbol("*") || IsSymbol("/") || IsSymbol("//") || IsSymbol("%")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto right, ParseUnary());
      left = Binary(at.text, std::move(left), std::move(right), at);
    }
    return left;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseUnary() {
    if (IsSymbol("-") || IsSymbol("+")) {
      Token at = tokens_[pos_++];
      SLUICE_ASSIGN_OR_RETURN(auto child, ParseUnary());
      if (at.text == "+") return child;
      // Fold "-<number>" into the literal so -2147483648 keeps its DuckDB type.
      if (child->kind == ParsedExpr::Kind::kLiteral && child->name == "number") {
        child->text = "-" + child->text;
        child->literal.str = "-" + child->literal.str;
        return child;
      }
      auto node = std::make_unique<ParsedExpr>();
      node->kind = ParsedExpr::Kind::kUnary;
      node->name = "-";
      node->text = "-" + child->text;
      node->line = at.line;
      node->column = at.column;
      node->children.push_back(std::move(child));
      return node;
    }
    return ParsePostfix();
  }

  Result<std::unique_ptr<ParsedExpr>> ParsePostfix() {
    SLUICE_ASSIGN_OR_RETURN(auto expr, ParsePrimary());
    while (IsSymbol("::")) {
      Token at = tokens_[pos_++];
      auto cast = std::make_unique<ParsedExpr>();
      cast->kind = ParsedExpr::Kind::kCast;
      cast->line = at.line;
      cast->column = at.column;
      SLUICE_RETURN_IF_ERROR(ParseTypeInto(cast.get()));
      cast->text = "CAST(" + expr->text + " AS " + Upper(cast->type_name) + ")";
      cast->children.push_back(std::move(expr));
      expr = std::move(cast);
    }
    return expr;
  }

  Status ParseTypeInto(ParsedExpr* cast) {
    if (Peek().kind != TokenKind::kIdent) return Error("a type name");
    cast->type_name = tokens_[pos_++].text;
    if (Upper(cast->type_name) == "DOUBLE") AcceptKeyword("PRECISION");
    if (AcceptSymbol("(")) {
      SLUICE_ASSIGN_OR_RETURN(int64_t precision, ParseCount("a precision"));
      cast->precision = static_cast<int>(precision);
      cast->has_precision = true;
      if (AcceptSymbol(",")) {
        SLUICE_ASSIGN_OR_RETURN(int64_t scale, ParseCount("a scale"));
        cast->scale = static_cast<int>(scale);
      }
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
    }
    return Status::OK();
  }

  Result<std::unique_ptr<ParsedExpr>> ParsePrimary() {
    const Token tok = Peek();
    auto node = std::make_unique<ParsedExpr>();
    node->line = tok.line;
    node->column = tok.column;
    node->text = tok.text;
    switch (tok.kind) {
      case TokenKind::kInteger:
      case TokenKind::kNumber:
        ++pos_;
        node->kind = ParsedExpr::Kind::kLiteral;
        node->name = "number";
        node->literal.str = tok.text;
        return node;
      case TokenKind::kString:
        ++pos_;
        node->kind = ParsedExpr::Kind::kLiteral;
        node->literal = Value::Varchar(tok.text);
        node->text = "'" + tok.text + "'";
        return node;
      case TokenKind::kSymbol:
        if (tok.text == "(") {
          ++pos_;
          if (IsKeyword("SELECT"))
            return Error("an expression (scalar subqueries are not supported)");
          SLUICE_ASSIGN_OR_RETURN(auto inner, ParseExpr());
          SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
          return inner;
        }
        if (tok.text == "*") {
          ++pos_;
          node->kind = ParsedExpr::Kind::kStar;
          return node;
        }
        return Error("an expression");
      case TokenKind::kEnd:
        return Error("an expression");
      case TokenKind::kQuotedIdent:
      case TokenKind::kIdent:
        break;
    }
    std::string upper = tok.kind == TokenKind::kIdent ? Upper(tok.text) : "";
    if (upper == "NULL" || upper == "TRUE" || upper == "FALSE") {
      ++pos_;
      node->kind = ParsedExpr::Kind::kLiteral;
      node->literal = upper == "NULL" ? Value::Null() : Value::Boolean(upper == "TRUE");
      node->text = Lower(upper);
      return node;
    }
    if ((upper == "DATE" || upper == "TIMESTAMP") && Peek(1).kind == TokenKind::kString) {
      pos_ += 2;
      node->kind = ParsedExpr::Kind::kCast;
      node->type_name = upper;
      auto lit = std::make_unique<ParsedExpr>();
      lit->kind = ParsedExpr::Kind::kLiteral;
      lit->literal = Value::Varchar(tokens_[pos_ - 1].text);
      node->text = "CAST('" + lit->literal.str + "' AS " + upper + ")";
      node->children.push_back(std::move(lit));
      return node;
    }
    if (upper == "CASE") return ParseCase();
    if (upper == "CAST" && IsSymbol("(", 1)) {
      pos_ += 2;
      node->kind = ParsedExpr::Kind::kCast;
      SLUICE_ASSIGN_OR_RETURN(auto child, ParseExpr());
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("AS"));
      SLUICE_RETURN_IF_ERROR(ParseTypeInto(node.get()));
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
      node->text = "CAST(" + child->text + " AS " + Upper(node->type_name) + ")";
      node->children.push_back(std::move(child));
      return node;
    }
    if (upper == "EXTRACT" && IsSymbol("(", 1)) {
      pos_ += 2;
      if (Peek().kind != TokenKind::kIdent) return Error("a date part (YEAR, MONTH, DAY, ...)");
      auto part = std::make_unique<ParsedExpr>();
      part->kind = ParsedExpr::Kind::kLiteral;
      part->literal = Value::Varchar(Lower(tokens_[pos_++].text));
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("FROM"));
      SLUICE_ASSIGN_OR_RETURN(auto source, ParseExpr());
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
      node->kind = ParsedExpr::Kind::kFunction;
      node->name = "date_part";
      node->text = "date_part('" + part->literal.str + "', " + source->text + ")";
      node->children.push_back(std::move(part));
      node->children.push_back(std::move(source));
      return node;
    }
    if (tok.kind == TokenKind::kIdent && ReservedWords().count(upper))
      return Error("an expression");
    ++pos_;
    if (IsSymbol("(")) {
      ++pos_;
      node->kind = ParsedExpr::Kind::kFunction;
      node->name = Lower(tok.text);
      if (AcceptSymbol("*")) {
        node->star = true;
        node->text = node->name == "count" ? "count_star()" : node->name + "(*)";
      } else {
        if (AcceptKeyword("DISTINCT")) node->distinct = true;
        std::string args;
        if (!IsSymbol(")")) {
          do {
            SLUICE_ASSIGN_OR_RETURN(auto arg, ParseExpr());
            args += (args.empty() ? "" : ", ") + arg->text;
            node->children.push_back(std::move(arg));
          } while (AcceptSymbol(","));
        }
        node->text = node->name + "(" + (node->distinct ? "DISTINCT " : "") + args + ")";
      }
      SLUICE_RETURN_IF_ERROR(ExpectSymbol(")"));
      return node;
    }
    node->kind = ParsedExpr::Kind::kColumn;
    node->name = tok.text;
    if (AcceptSymbol(".")) {
      if (AcceptSymbol("*")) {
        node->kind = ParsedExpr::Kind::kStar;
        node->table = tok.text;
        return node;
      }
      node->table = tok.text;
      if (Peek().kind != TokenKind::kIdent && Peek().kind != TokenKind::kQuotedIdent) {
        return Error("a column name after '.'");
      }
      node->name = tokens_[pos_++].text;
      node->text = node->name;
    }
    return node;
  }

  Result<std::unique_ptr<ParsedExpr>> ParseCase() {
    auto node = std::make_unique<ParsedExpr>();
    node->line = Peek().line;
    node->column = Peek().column;
    ++pos_;
    node->kind = ParsedExpr::Kind::kCase;
    node->text = "CASE";
    if (!IsKeyword("WHEN")) {
      SLUICE_ASSIGN_OR_RETURN(auto operand, ParseExpr());
      node->has_operand = true;
      node->children.push_back(std::move(operand));
    }
    if (!IsKeyword("WHEN")) return Error("WHEN");
    while (AcceptKeyword("WHEN")) {
      SLUICE_ASSIGN_OR_RETURN(auto when, ParseExpr());
      SLUICE_RETURN_IF_ERROR(ExpectKeyword("THEN"));
      SLUICE_ASSIGN_OR_RETURN(auto then, ParseExpr());
      node->text += " WHEN " + when->text + " THEN " + then->text;
      node->children.push_back(std::move(when));
      node->children.push_back(std::move(then));
    }
    if (AcceptKeyword("ELSE")) {
      SLUICE_ASSIGN_OR_RETURN(auto otherwise, ParseExpr());
      node->text += " ELSE " + otherwise->text;
      node->has_else = true;
      node->children.push_back(std::move(otherwise));
    }
    SLUICE_RETURN_IF_ERROR(ExpectKeyword("END"));
    node->text += " END";
    return node;
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

}  // namespace

Result<Statement> ParseSql(const std::string& sql) {
  SLUICE_ASSIGN_OR_RETURN(auto tokens, Tokenize(sql));
  Parser parser(std::move(tokens));
  return parser.ParseStatement();
}

}  // namespace sluice::engine

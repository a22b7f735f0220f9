#include "source/mysql/catalog.h"

#include <mysql.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace sluice::mysql {
namespace {

int ToInt(const std::optional<std::string>& text) {
  if (!text.has_value()) return 0;
  int64_t value = 0;
  std::from_chars(text->data(), text->data() + text->size(), value);
  // Capped: CHARACTER_OCTET_LENGTH of LONGTEXT is 4 GiB, which is only used as "large".
  return static_cast<int>(std::min<int64_t>(value, 1 << 30));
}

std::string Lower(std::string text) {
  for (auto& ch : text) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return text;
}

// Binary collation / character set number 63 marks BINARY/VARBINARY/BLOB in result metadata.
constexpr unsigned int kBinaryCharset = 63;

}  // namespace

std::string TableInfo::QualifiedName() const {
  return QuoteIdentifier(database) + "." + QuoteIdentifier(table);
}

const SourceColumn* TableInfo::FindColumn(const std::string& name) const {
  for (const auto& column : columns) {
    if (column.name == name) return &column;
  }
  // MySQL column names are case-insensitive.
  for (const auto& column : columns) {
    if (Lower(column.name) == Lower(name)) return &column;
  }
  return nullptr;
}

Result<TableInfo> ReadTableInfo(Connection* conn, const std::string& table) {
  TableInfo info;
  size_t dot = table.find('.');
  if (dot != std::string::npos) {
    info.database = table.substr(0, dot);
    info.table = table.substr(dot + 1);
  } else {
    info.database = conn->url().database;
    info.table = table;
  }
  if (info.table.empty() || info.database.empty()) {
    return Status::InvalidArgument("bad table name '" + table + "'");
  }
  std::string db = conn->QuoteString(info.database);
  std::string name = conn->QuoteString(info.table);
  SLUICE_ASSIGN_OR_RETURN(auto exists,
                          conn->QueryValue("SELECT TABLE_NAME FROM information_schema.TABLES WHERE "
                                           "TABLE_SCHEMA = " +
                                           db + " AND TABLE_NAME = " + name));
  if (!exists.has_value()) {
    return Status::NotFound("table " + info.DisplayName() + " does not exist");
  }
  info.table = *exists;  // the catalog's spelling

  SLUICE_ASSIGN_OR_RETURN(
      auto rows,
      conn->QueryRows("SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, NUMERIC_PRECISION, "
                      "NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_OCTET_LENGTH "
                      "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = " +
                      db + " AND TABLE_NAME = " + name + " ORDER BY ORDINAL_POSITION"));
  for (const auto& row : rows) {
    SourceColumn column;
    column.name = row[0].value_or("");
    column.data_type = Lower(row[1].value_or(""));
    column.column_type = Lower(row[2].value_or(""));
    column.nullable = row[3].value_or("YES") == "YES";
    column.is_unsigned = column.column_type.find("unsigned") != std::string::npos;
    column.precision = ToInt(row[4]);
    column.scale = ToInt(row[5]);
    column.datetime_precision = ToInt(row[6]);
    column.max_octets = ToInt(row[7]);
    info.columns.push_back(std::move(column));
  }
  // MariaDB's JSON is LONGTEXT with a CHECK (json_valid(`col`)) constraint.
  auto checks = conn->QueryRows(
      "SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS WHERE "
      "CONSTRAINT_SCHEMA = " +
      db + " AND TABLE_NAME = " + name);
  if (checks.ok()) {
    for (const auto& row : *checks) {
      std::string clause = row[0].value_or("");
      std::string lower = Lower(clause);
      if (!lower.starts_with("json_valid(")) continue;
      size_t open = clause.find('`');
      size_t close = clause.find('`', open + 1);
      if (open == std::string::npos || close == std::string::npos) continue;
      std::string column_name = clause.substr(open + 1, close - open - 1);
      for (auto& column : info.columns) {
        if (column.name == column_name && column.data_type == "longtext") column.is_json = true;
      }
    }
  }
  SLUICE_ASSIGN_OR_RETURN(
      auto keys, conn->QueryRows("SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE "
                                 "WHERE TABLE_SCHEMA = " +
                                 db + " AND TABLE_NAME = " + name +
                                 " AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION"));
  for (const auto& row : keys) info.primary_key.push_back(row[0].value_or(""));
  return info;
}

Result<std::vector<SourceColumn>> ReadQueryColumns(Connection* conn, const std::string& sql) {
  MYSQL_STMT* stmt = mysql_stmt_init(conn->handle());
  if (stmt == nullptr) return conn->ErrorStatus("mysql_stmt_init");
  struct Closer {
    MYSQL_STMT* stmt;
    ~Closer() { mysql_stmt_close(stmt); }
  } closer{stmt};
  if (mysql_stmt_prepare(stmt, sql.data(), sql.size()) != 0) {
    return Connection::StatusFromError(mysql_stmt_errno(stmt), mysql_stmt_error(stmt),
                                       "--query failed");
  }
  MYSQL_RES* meta = mysql_stmt_result_metadata(stmt);
  if (meta == nullptr) return Status::InvalidArgument("--query does not return rows");
  std::vector<SourceColumn> columns;
  unsigned int count = mysql_num_fields(meta);
  MYSQL_FIELD* fields = mysql_fetch_fields(meta);
  for (unsigned int idx = 0; idx < count; ++idx) {
    const MYSQL_FIELD& field = fields[idx];
    SourceColumn column;
    column.name = field.name;
    column.nullable = (field.flags & NOT_NULL_FLAG) == 0;
    column.is_unsigned = (field.flags & UNSIGNED_FLAG) != 0;
    column.max_octets = static_cast<int64_t>(field.length);
    bool binary = field.charsetnr == kBinaryCharset;
    switch (field.type) {
      case MYSQL_TYPE_TINY:
        column.data_type = "tinyint";
        column.column_type = field.length == 1 ? "tinyint(1)" : "tinyint";
        break;
      case MYSQL_TYPE_SHORT:
        column.data_type = "smallint";
        break;
      case MYSQL_TYPE_INT24:
        column.data_type = "mediumint";
        break;
      case MYSQL_TYPE_LONG:
        column.data_type = "int";
        break;
      case MYSQL_TYPE_LONGLONG:
        column.data_type = "bigint";
        break;
      case MYSQL_TYPE_DECIMAL:
      case MYSQL_TYPE_NEWDECIMAL:
        column.data_type = "decimal";
        column.scale = static_cast<int>(field.decimals);
        // Display length counts the sign (unless unsigned) and the point (if scale > 0).
        column.precision = static_cast<int>(field.length) - (column.scale > 0 ? 1 : 0) -
                           (column.is_unsigned ? 0 : 1);
        break;
      case MYSQL_TYPE_FLOAT:
        column.data_type = "float";
        break;
      case MYSQL_TYPE_DOUBLE:
        column.data_type = "double";
        break;
      case MYSQL_TYPE_BIT:
        column.data_type = "bit";
        column.precision = static_cast<int>(field.length);
        break;
      case MYSQL_TYPE_DATE:
      case MYSQL_TYPE_NEWDATE:
        column.data_type = "date";
        break;
      case MYSQL_TYPE_DATETIME:
        column.data_type = "datetime";
        break;
      case MYSQL_TYPE_TIMESTAMP:
        column.data_type = "timestamp";
        break;
      case MYSQL_TYPE_TIME:
        column.data_type = "time";
        break;
      case MYSQL_TYPE_YEAR:
        column.data_type = "year";
        break;
      case MYSQL_TYPE_JSON:
        column.data_type = "json";
        break;
      case MYSQL_TYPE_ENUM:
        column.data_type = "enum";
        break;
      case MYSQL_TYPE_SET:
        column.data_type = "set";
        break;
      case MYSQL_TYPE_GEOMETRY:
        column.data_type = "geometry";
        break;
      case MYSQL_TYPE_STRING:
      case MYSQL_TYPE_VAR_STRING:
      case MYSQL_TYPE_VARCHAR:
      case MYSQL_TYPE_TINY_BLOB:
      case MYSQL_TYPE_MEDIUM_BLOB:
      case MYSQL_TYPE_LONG_BLOB:
      case MYSQL_TYPE_BLOB:
        if (field.flags & ENUM_FLAG) {
          column.data_type = "enum";
        } else if (field.flags & SET_FLAG) {
          column.data_type = "set";
        } else {
          column.data_type = binary ? "varbinary" : "varchar";
        }
        break;
      default:
        column.data_type = "type#" + std::to_string(static_cast<int>(field.type));
        break;
    }
    if (column.column_type.empty()) column.column_type = column.data_type;
    columns.push_back(std::move(column));
  }
  mysql_free_result(meta);
  return columns;
}

}  // namespace sluice::mysql

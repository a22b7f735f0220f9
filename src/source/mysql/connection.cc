#include "source/mysql/connection.h"

#include <errmsg.h>
#include <mysql.h>
#include <mysqld_error.h>

#include <mutex>

#include "common/redact.h"

namespace sluice::mysql {
namespace {

void InitLibraryOnce() {
  static std::once_flag once;
  // mysql_library_init is not thread-safe; calling it once before any thread opens a handle
  // makes later mysql_init() calls safe from worker threads.
  std::call_once(once, [] { mysql_library_init(0, nullptr, nullptr); });
}

// MariaDB server error numbers not in every version of mysqld_error.h.
constexpr unsigned int kErConnectionKilled = 1927;  // "Connection was killed"
constexpr unsigned int kErStatementTimeout = 1969;  // max_statement_time exceeded

}  // namespace

Status Connection::StatusFromError(unsigned int error_number, std::string_view message,
                                   std::string_view context) {
  // Server/client messages pass through the secret registry; our own context never holds a
  // password (it is built from redacted URLs), so only URL redaction applies to it.
  std::string text = RedactUrl(context) + ": " + Redact(message) + " (MySQL error " +
                     std::to_string(error_number) + ")";
  switch (error_number) {
    case CR_SERVER_GONE_ERROR:  // 2006
    case CR_SERVER_LOST:        // 2013
    case CR_CONN_HOST_ERROR:    // 2003
    case CR_CONNECTION_ERROR:   // 2002
    case CR_SERVER_LOST_EXTENDED:
    case ER_SERVER_SHUTDOWN:        // 1053
    case ER_QUERY_INTERRUPTED:      // 1317
    case ER_NET_READ_ERROR:         // 1158
    case ER_NET_READ_INTERRUPTED:   // 1159
    case ER_NET_ERROR_ON_WRITE:     // 1160
    case ER_NET_WRITE_INTERRUPTED:  // 1161
    case ER_LOCK_WAIT_TIMEOUT:      // 1205
    case ER_LOCK_DEADLOCK:          // 1213
    case ER_CON_COUNT_ERROR:        // 1040
    case kErConnectionKilled:
    case kErStatementTimeout:
      return Status::Unavailable(std::move(text));
    case ER_ACCESS_DENIED_ERROR:  // 1045
    case ER_DBACCESS_DENIED_ERROR:
    case ER_TABLEACCESS_DENIED_ERROR:
    case ER_COLUMNACCESS_DENIED_ERROR:
    case ER_BAD_DB_ERROR:  // 1049
    case CR_UNKNOWN_HOST:
    case ER_PARSE_ERROR:
      return Status::InvalidArgument(std::move(text));
    case ER_NO_SUCH_TABLE:    // 1146
    case ER_BAD_FIELD_ERROR:  // 1054
      return Status::NotFound(std::move(text));
    default:
      return Status::IoError(std::move(text));
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectionUrl& url,
                                                     const ConnectionOptions& options) {
  InitLibraryOnce();
  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Status::ResourceExhausted("mysql_init: out of memory");
  auto timeout = static_cast<unsigned int>(options.connect_timeout_seconds);
  auto net_timeout = static_cast<unsigned int>(options.net_timeout_seconds);
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &net_timeout);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &net_timeout);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  // Never read ~/.my.cnf or /etc/mysql: the URL is the whole configuration.
  bool no = false;
  mysql_options(mysql, MYSQL_OPT_RECONNECT, &no);  // reconnecting silently would lose the result
  unsigned int protocol = url.socket.empty() ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
  if (url.ssl_mode != SslMode::kDisabled) {
    if (url.ssl_mode != SslMode::kPreferred) {
      bool yes = true;
      mysql_options(mysql, MYSQL_OPT_SSL_ENFORCE, &yes);
    }
    bool verify = url.ssl_mode == SslMode::kVerifyCa || url.ssl_mode == SslMode::kVerifyIdentity;
    mysql_options(mysql, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
    if (!url.ssl_ca.empty()) mysql_options(mysql, MYSQL_OPT_SSL_CA, url.ssl_ca.c_str());
  }
  const char* password = url.password.has_value() ? url.password->c_str() : nullptr;
  if (mysql_real_connect(mysql, url.socket.empty() ? url.host.c_str() : nullptr, url.user.c_str(),
                         password, url.database.c_str(), url.port,
                         url.socket.empty() ? nullptr : url.socket.c_str(), 0) == nullptr) {
    Status status = StatusFromError(mysql_errno(mysql), mysql_error(mysql),
                                    "cannot connect to " + url.Redacted());
    mysql_close(mysql);
    return status;
  }
  std::unique_ptr<Connection> conn(new Connection(mysql, url));
  // UTC session: TIMESTAMP values arrive as UTC instants. Raised net timeouts: the server must
  // not abort a streaming read while the consumer compresses or writes.
  std::string setup = "SET SESSION time_zone = '+00:00', net_read_timeout = " +
                      std::to_string(options.net_timeout_seconds) +
                      ", net_write_timeout = " + std::to_string(options.net_timeout_seconds);
  SLUICE_RETURN_IF_ERROR(conn->Execute(setup));
  return conn;
}

Connection::~Connection() {
  if (mysql_ != nullptr) mysql_close(mysql_);
}

Status Connection::Execute(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return ErrorStatus("query failed");
  }
  // Drain any result so the connection is ready for the next statement.
  if (MYSQL_RES* res = mysql_store_result(mysql_); res != nullptr) mysql_free_result(res);
  if (mysql_errno(mysql_) != 0) return ErrorStatus("query failed");
  return Status::OK();
}

Result<std::vector<TextRow>> Connection::QueryRows(std::string_view sql) {
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return ErrorStatus("query failed");
  MYSQL_RES* res = mysql_store_result(mysql_);
  if (res == nullptr) {
    if (mysql_errno(mysql_) != 0) return ErrorStatus("query failed");
    return std::vector<TextRow>{};
  }
  std::vector<TextRow> rows;
  unsigned int num_fields = mysql_num_fields(res);
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    unsigned long* lengths = mysql_fetch_lengths(res);
    TextRow out(num_fields);
    for (unsigned int field = 0; field < num_fields; ++field) {
      if (row[field] != nullptr) out[field] = std::string(row[field], lengths[field]);
    }
    rows.push_back(std::move(out));
  }
  mysql_free_result(res);
  return rows;
}

Result<std::optional<std::string>> Connection::QueryValue(std::string_view sql) {
  SLUICE_ASSIGN_OR_RETURN(auto rows, QueryRows(sql));
  if (rows.empty() || rows[0].empty()) return std::optional<std::string>();
  return rows[0][0];
}

uint64_t Connection::thread_id() const { return mysql_thread_id(mysql_); }

std::string Connection::QuoteString(std::string_view text) const {
  std::string out(text.size() * 2 + 3, '\0');
  out[0] = '\'';
  unsigned long len = mysql_real_escape_string(mysql_, out.data() + 1, text.data(),
                                               static_cast<unsigned long>(text.size()));
  out.resize(len + 1);
  out.push_back('\'');
  return out;
}

Status Connection::ErrorStatus(std::string_view context) const {
  return StatusFromError(mysql_errno(mysql_), mysql_error(mysql_), context);
}

std::string QuoteIdentifier(std::string_view name) {
  std::string out = "`";
  for (char ch : name) {
    if (ch == '`') out.push_back('`');
    out.push_back(ch);
  }
  out.push_back('`');
  return out;
}

}  // namespace sluice::mysql

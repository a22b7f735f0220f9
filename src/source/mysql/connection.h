// Connection: RAII owner of one libmariadb MYSQL handle, opened from a ConnectionUrl, with the
// session set up for long streaming reads (UTC time zone, utf8mb4, raised net timeouts).
//
// Error mapping (ErrorStatus): lost/killed connections and server shutdown are kUnavailable
// (retryable); bad credentials are kInvalidArgument; a missing table/column kNotFound. Every
// message goes through the redaction helper.
// Thread-safety: one thread at a time per Connection (libmariadb handles are not shareable).
// Distinct connections may be used from distinct threads concurrently.
// Ownership: the Connection owns its MYSQL*; cursors borrow it and must not outlive it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sluice/result.h"
#include "source/mysql/connection_url.h"

struct st_mysql;  // MYSQL from <mysql.h>; kept out of this header's includers.

namespace sluice::mysql {

struct ConnectionOptions {
  /// Session net_read_timeout/net_write_timeout and the client read/write timeout, in seconds.
  /// The server's default net_write_timeout (60 s) aborts a streaming read whose consumer stalls
  /// (compression, slow disk); 600 s is what Connector/J uses for streaming results.
  int net_timeout_seconds = 600;
  /// Connect timeout in seconds: long enough for a loaded server, short enough to fail fast.
  int connect_timeout_seconds = 10;
};

using TextRow = std::vector<std::optional<std::string>>;

class Connection {
 public:
  static Result<std::unique_ptr<Connection>> Open(const ConnectionUrl& url,
                                                  const ConnectionOptions& options);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  /// Runs a statement that returns no rows.
  Status Execute(std::string_view sql);
  /// Runs a query with a small result (catalog, MIN/MAX, boundaries) and returns it buffered.
  /// Never use it for table data.
  Result<std::vector<TextRow>> QueryRows(std::string_view sql);
  /// First column of the first row, or nullopt for no row / NULL.
  Result<std::optional<std::string>> QueryValue(std::string_view sql);

  /// The server's id for this connection (what KILL takes).
  uint64_t thread_id() const;
  /// 'text' quoted and escaped as an SQL string literal.
  std::string QuoteString(std::string_view text) const;
  /// Status for the handle's current error, prefixed with `context`.
  Status ErrorStatus(std::string_view context) const;
  /// Status for a libmariadb error number and message (also used for statement handles).
  static Status StatusFromError(unsigned int error_number, std::string_view message,
                                std::string_view context);

  const ConnectionUrl& url() const { return url_; }
  st_mysql* handle() { return mysql_; }

 private:
  Connection(st_mysql* mysql, ConnectionUrl url) : mysql_(mysql), url_(std::move(url)) {}
  st_mysql* mysql_;
  ConnectionUrl url_;
};

/// `name` quoted as an identifier: `na``me`.
std::string QuoteIdentifier(std::string_view name);

}  // namespace sluice::mysql

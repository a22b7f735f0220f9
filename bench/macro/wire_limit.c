/*
 * wire_limit: the fastest a single client connection can pull a table off the MariaDB/MySQL wire.
 *
 * Streams `SELECT * FROM <table>` and throws every row away, so its rows/s is the ceiling that
 * `sluice extract --jobs 1` is measured against (bench/macro/run). Two modes:
 *   text    mysql_real_query + mysql_use_result + mysql_fetch_row (text protocol, unbuffered)
 *   binary  prepared statement, mysql_stmt_execute WITHOUT mysql_stmt_store_result, result bound
 *           to native buffers, mysql_stmt_fetch loop (binary protocol, rows read off the socket
 *           one fetch at a time)
 * Neither mode ever holds more than one row. After the loop the connection's / statement's error
 * state is checked, so a dropped stream is reported (exit 1) instead of looking like the end of
 * the data.
 *
 * Output (stdout, one line): rows=N mode=M seconds=S   (S: query start to last row, no connect)
 * Exit status: 0 ok, 1 server/client error, 2 usage error.
 *
 * Single-threaded, one connection; owns everything it allocates.
 */
#include <getopt.h>
#include <mysql.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Buffer for every column bound as a string (DECIMAL, CHAR/VARCHAR/TEXT, ENUM, ...). Wide enough
 * for the benchmark's values (the longest is the ~100-byte note) so nothing is normally truncated;
 * a longer value still counts as a row (MYSQL_DATA_TRUNCATED), the wire work was done either way.
 */
enum { kStringBufferBytes = 1024 };

typedef struct Options {
  const char* host;
  unsigned int port;
  const char* user;
  const char* password;
  const char* database;
  const char* table;
  const char* mode;
} Options;

static double NowSeconds(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

static void Usage(const char* argv0) {
  fprintf(stderr,
          "usage: %s --table NAME [--mode text|binary] [--host H] [--port P] [--user U]\n"
          "          [--password P] [--database DB]\n"
          "  password may also come from WIRE_LIMIT_PASSWORD\n",
          argv0);
}

/* Streams rows with the text protocol. Returns 0 and sets *rows, or 1 on error. */
static int RunText(MYSQL* conn, const char* sql, unsigned long long* rows) {
  if (mysql_real_query(conn, sql, (unsigned long)strlen(sql)) != 0) {
    fprintf(stderr, "wire_limit: query failed: %s\n", mysql_error(conn));
    return 1;
  }
  MYSQL_RES* result = mysql_use_result(conn);
  if (result == NULL) {
    fprintf(stderr, "wire_limit: mysql_use_result failed: %s\n", mysql_error(conn));
    return 1;
  }
  unsigned long long count = 0;
  while (mysql_fetch_row(result) != NULL) {
    ++count;
  }
  /* mysql_fetch_row returns NULL both at the end and on a broken stream: tell them apart. */
  int status = 0;
  if (mysql_errno(conn) != 0) {
    fprintf(stderr, "wire_limit: stream ended with error after %llu rows: %s\n", count,
            mysql_error(conn));
    status = 1;
  }
  mysql_free_result(result);
  *rows = count;
  return status;
}

/* Binds one result column to a native buffer of its own type, so the client library does the least
 * conversion work possible; everything without a fixed-size native form is bound as a string. */
static int BindColumn(const MYSQL_FIELD* field, MYSQL_BIND* bind) {
  size_t bytes;
  switch (field->type) {
    case MYSQL_TYPE_TINY:
      bind->buffer_type = MYSQL_TYPE_TINY;
      bytes = 1;
      break;
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_YEAR:
      bind->buffer_type = MYSQL_TYPE_SHORT;
      bytes = 2;
      break;
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
      bind->buffer_type = MYSQL_TYPE_LONG;
      bytes = 4;
      break;
    case MYSQL_TYPE_LONGLONG:
      bind->buffer_type = MYSQL_TYPE_LONGLONG;
      bytes = 8;
      break;
    case MYSQL_TYPE_FLOAT:
      bind->buffer_type = MYSQL_TYPE_FLOAT;
      bytes = 4;
      break;
    case MYSQL_TYPE_DOUBLE:
      bind->buffer_type = MYSQL_TYPE_DOUBLE;
      bytes = 8;
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
    case MYSQL_TYPE_TIME:
      bind->buffer_type = field->type;
      bytes = sizeof(MYSQL_TIME);
      break;
    default:
      bind->buffer_type = MYSQL_TYPE_STRING;
      bytes = kStringBufferBytes;
      break;
  }
  bind->buffer = malloc(bytes);
  bind->buffer_length = (unsigned long)bytes;
  bind->is_unsigned = (field->flags & UNSIGNED_FLAG) != 0;
  return bind->buffer == NULL ? 1 : 0;
}

/* Streams rows with the binary protocol. Returns 0 and sets *rows, or 1 on error. */
static int RunBinary(MYSQL* conn, const char* sql, unsigned long long* rows) {
  int status = 1;
  MYSQL_RES* metadata = NULL;
  MYSQL_BIND* binds = NULL;
  unsigned long* lengths = NULL;
  my_bool* nulls = NULL;
  my_bool* errors = NULL;
  unsigned int column_count = 0;
  unsigned long long count = 0;

  MYSQL_STMT* stmt = mysql_stmt_init(conn);
  if (stmt == NULL) {
    fprintf(stderr, "wire_limit: mysql_stmt_init failed: %s\n", mysql_error(conn));
    return 1;
  }
  if (mysql_stmt_prepare(stmt, sql, (unsigned long)strlen(sql)) != 0) {
    fprintf(stderr, "wire_limit: prepare failed: %s\n", mysql_stmt_error(stmt));
    goto done;
  }
  metadata = mysql_stmt_result_metadata(stmt);
  if (metadata == NULL) {
    fprintf(stderr, "wire_limit: no result metadata: %s\n", mysql_stmt_error(stmt));
    goto done;
  }
  column_count = mysql_num_fields(metadata);
  binds = calloc(column_count, sizeof(MYSQL_BIND));
  lengths = calloc(column_count, sizeof(unsigned long));
  nulls = calloc(column_count, sizeof(my_bool));
  errors = calloc(column_count, sizeof(my_bool));
  if (binds == NULL || lengths == NULL || nulls == NULL || errors == NULL) {
    fprintf(stderr, "wire_limit: out of memory\n");
    goto done;
  }
  MYSQL_FIELD* fields = mysql_fetch_fields(metadata);
  for (unsigned int col_idx = 0; col_idx < column_count; ++col_idx) {
    binds[col_idx].length = &lengths[col_idx];
    binds[col_idx].is_null = &nulls[col_idx];
    binds[col_idx].error = &errors[col_idx];
    if (BindColumn(&fields[col_idx], &binds[col_idx]) != 0) {
      fprintf(stderr, "wire_limit: out of memory\n");
      goto done;
    }
  }
  if (mysql_stmt_execute(stmt) != 0) {
    fprintf(stderr, "wire_limit: execute failed: %s\n", mysql_stmt_error(stmt));
    goto done;
  }
  /* No mysql_stmt_store_result: rows stay on the socket until each mysql_stmt_fetch. */
  if (mysql_stmt_bind_result(stmt, binds) != 0) {
    fprintf(stderr, "wire_limit: bind_result failed: %s\n", mysql_stmt_error(stmt));
    goto done;
  }
  int fetch_status;
  while ((fetch_status = mysql_stmt_fetch(stmt)) == 0 || fetch_status == MYSQL_DATA_TRUNCATED) {
    ++count;
  }
  if (fetch_status != MYSQL_NO_DATA || mysql_stmt_errno(stmt) != 0) {
    fprintf(stderr, "wire_limit: stream ended with error after %llu rows: %s\n", count,
            mysql_stmt_error(stmt));
    goto done;
  }
  status = 0;

done:
  *rows = count;
  if (binds != NULL) {
    for (unsigned int col_idx = 0; col_idx < column_count; ++col_idx) {
      free(binds[col_idx].buffer);
    }
  }
  free(binds);
  free(lengths);
  free(nulls);
  free(errors);
  if (metadata != NULL) {
    mysql_free_result(metadata);
  }
  mysql_stmt_close(stmt);
  return status;
}

int main(int argc, char** argv) {
  Options options = {
      .host = "127.0.0.1",
      .port = 33306, /* scripts/mariadb-start's default port */
      .user = "sluice",
      .password = getenv("WIRE_LIMIT_PASSWORD"),
      .database = "bench",
      .table = NULL,
      .mode = "text",
  };
  static const struct option kLongOptions[] = {
      {"host", required_argument, NULL, 'h'},     {"port", required_argument, NULL, 'P'},
      {"user", required_argument, NULL, 'u'},     {"password", required_argument, NULL, 'p'},
      {"database", required_argument, NULL, 'd'}, {"table", required_argument, NULL, 't'},
      {"mode", required_argument, NULL, 'm'},     {NULL, 0, NULL, 0},
  };
  int opt;
  while ((opt = getopt_long(argc, argv, "h:P:u:p:d:t:m:", kLongOptions, NULL)) != -1) {
    switch (opt) {
      case 'h':
        options.host = optarg;
        break;
      case 'P':
        options.port = (unsigned int)strtoul(optarg, NULL, 10);
        break;
      case 'u':
        options.user = optarg;
        break;
      case 'p':
        options.password = optarg;
        break;
      case 'd':
        options.database = optarg;
        break;
      case 't':
        options.table = optarg;
        break;
      case 'm':
        options.mode = optarg;
        break;
      default:
        Usage(argv[0]);
        return 2;
    }
  }
  int binary = strcmp(options.mode, "binary") == 0;
  if (options.table == NULL || strchr(options.table, '`') != NULL ||
      (!binary && strcmp(options.mode, "text") != 0)) {
    Usage(argv[0]);
    return 2;
  }

  MYSQL* conn = mysql_init(NULL);
  if (conn == NULL) {
    fprintf(stderr, "wire_limit: mysql_init failed\n");
    return 1;
  }
  /* Force TCP even for "localhost", so the comparison with the other tools is on the same path. */
  unsigned int protocol = MYSQL_PROTOCOL_TCP;
  mysql_optionsv(conn, MYSQL_OPT_PROTOCOL, &protocol);
  if (mysql_real_connect(conn, options.host, options.user, options.password, options.database,
                         options.port, NULL, 0) == NULL) {
    fprintf(stderr, "wire_limit: connect failed: %s\n", mysql_error(conn));
    mysql_close(conn);
    return 1;
  }
  /* A slow consumer must not be cut off mid-stream (600 s: longer than any benchmark read). */
  const char* kSessionSql = "SET SESSION net_write_timeout = 600, net_read_timeout = 600";
  if (mysql_real_query(conn, kSessionSql, (unsigned long)strlen(kSessionSql)) != 0) {
    fprintf(stderr, "wire_limit: session setup failed: %s\n", mysql_error(conn));
    mysql_close(conn);
    return 1;
  }

  char sql[512];
  snprintf(sql, sizeof(sql), "SELECT * FROM `%s`", options.table);
  unsigned long long rows = 0;
  double start = NowSeconds();
  int status = binary ? RunBinary(conn, sql, &rows) : RunText(conn, sql, &rows);
  double elapsed = NowSeconds() - start;
  mysql_close(conn);
  if (status == 0) {
    printf("rows=%llu mode=%s seconds=%.3f\n", rows, options.mode, elapsed);
  }
  return status;
}

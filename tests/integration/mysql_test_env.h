// Shared helpers for tests that need the real MariaDB started by scripts/mariadb-start.
// The URL comes from $SLUICE_TEST_MYSQL_URL (default: the scripts' private server); tests skip
// only when $SLUICE_SKIP_DB is set, otherwise a missing server is a failure.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "source/mysql/connection.h"
#include "source/mysql/connection_url.h"

namespace sluice::testing {

inline std::string TestMysqlUrl() {
  const char* url = std::getenv("SLUICE_TEST_MYSQL_URL");
  return url != nullptr ? url : "mysql://sluice:sluice@127.0.0.1:33306/sluice_test";
}

inline bool SkipDb() { return std::getenv("SLUICE_SKIP_DB") != nullptr; }

#define SLUICE_REQUIRE_DB()                                                \
  do {                                                                     \
    if (::sluice::testing::SkipDb()) GTEST_SKIP() << "SLUICE_SKIP_DB set"; \
  } while (false)

inline std::unique_ptr<mysql::Connection> ConnectTestDb() {
  auto url = mysql::ParseConnectionUrl(TestMysqlUrl());
  EXPECT_TRUE(url.ok()) << url.status().ToString();
  if (!url.ok()) return nullptr;
  auto conn = mysql::Connection::Open(*url, {});
  EXPECT_TRUE(conn.ok()) << conn.status().ToString()
                         << " (start the server with scripts/mariadb-start)";
  if (!conn.ok()) return nullptr;
  return std::move(conn).value();
}

inline void Exec(mysql::Connection* conn, const std::string& sql) {
  Status status = conn->Execute(sql);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << sql;
}

}  // namespace sluice::testing

#include "source/mysql/connection_url.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "common/redact.h"

namespace sluice::mysql {
namespace {

TEST(ConnectionUrlTest, ParsesFullUrl) {
  auto url = ParseConnectionUrl("mysql://app:s3cr%40t@db.example.com:3307/shop?ssl-mode=required");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->user, "app");
  EXPECT_EQ(url->password.value(), "s3cr@t");
  EXPECT_EQ(url->host, "db.example.com");
  EXPECT_EQ(url->port, 3307);
  EXPECT_EQ(url->database, "shop");
  EXPECT_EQ(url->ssl_mode, SslMode::kRequired);
  EXPECT_EQ(url->Redacted(), "mysql://app:***@db.example.com:3307/shop?ssl-mode=REQUIRED");
}

TEST(ConnectionUrlTest, DefaultsAndSocket) {
  auto url = ParseConnectionUrl("mysql://root@localhost/db?socket=/run/mysqld/mysqld.sock");
  ASSERT_TRUE(url.ok());
  EXPECT_FALSE(url->password.has_value());
  EXPECT_EQ(url->port, 3306);
  EXPECT_EQ(url->socket, "/run/mysqld/mysqld.sock");
  EXPECT_EQ(url->Redacted().find("***"), std::string::npos);
}

TEST(ConnectionUrlTest, PasswordWithColonAndIpv6Host) {
  auto url = ParseConnectionUrl("mysql://u:a:b@[::1]:3306/d");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->password.value(), "a:b");
  EXPECT_EQ(url->host, "::1");
}

TEST(ConnectionUrlTest, RejectsBadUrlsWithoutLeakingPassword) {
  for (const char* bad : {"postgres://u:hunter2x@h/db", "mysql://u:hunter2x@h:99999/db",
                          "mysql://u:hunter2x@h:12ab/db", "mysql://u:hunter2x@h", "mysql://h/db",
                          "mysql://u:hunter2x@h/db?ssl-mode=sometimes",
                          "mysql://u:hunter2x@h/db?color=blue", "mysql://u:hunter2x@/db"}) {
    auto url = ParseConnectionUrl(bad);
    ASSERT_FALSE(url.ok()) << bad;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(url.status().message().find("hunter2x"), std::string::npos) << url.status().message();
  }
}

TEST(ConnectionUrlTest, PasswordFromFileThenEnvironment) {
  std::string path = ::testing::TempDir() + "/pw.txt";
  {
    std::ofstream out(path);
    out << "from-file-pw\n";
  }
  auto url = ParseConnectionUrl("mysql://u@h/db");
  ASSERT_TRUE(url.ok());
  ASSERT_TRUE(ResolvePassword(&*url, path).ok());
  EXPECT_EQ(url->password.value(), "from-file-pw");

  ::setenv("SLUICE_MYSQL_PASSWORD", "from-env-pw", 1);
  auto url2 = ParseConnectionUrl("mysql://u@h/db");
  ASSERT_TRUE(ResolvePassword(&*url2, "").ok());
  EXPECT_EQ(url2->password.value(), "from-env-pw");
  // The URL's own password wins.
  auto url3 = ParseConnectionUrl("mysql://u:inline-pw@h/db");
  ASSERT_TRUE(ResolvePassword(&*url3, "").ok());
  EXPECT_EQ(url3->password.value(), "inline-pw");
  ::unsetenv("SLUICE_MYSQL_PASSWORD");
  EXPECT_EQ(Redact("error near from-env-pw"), "error near ***");
  EXPECT_FALSE(ResolvePassword(&*url, "/nonexistent/pw").ok() && false);
  auto url4 = ParseConnectionUrl("mysql://u@h/db");
  EXPECT_FALSE(ResolvePassword(&*url4, "/nonexistent/pw").ok());
}

TEST(RedactTest, RedactsUrlsInText) {
  EXPECT_EQ(RedactUrl("connect mysql://u:pw@h:1/db failed"), "connect mysql://u:***@h:1/db failed");
  EXPECT_EQ(RedactUrl("mysql://u@h/db"), "mysql://u@h/db");
  EXPECT_EQ(RedactUrl("a s3://k:s@b/x and mysql://x:y@z/w"),
            "a s3://k:***@b/x and mysql://x:***@z/w");
  EXPECT_EQ(RedactUrl("no url here"), "no url here");
}

}  // namespace
}  // namespace sluice::mysql

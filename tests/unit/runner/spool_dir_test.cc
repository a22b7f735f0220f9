// SpoolDir and SweepDeadSpools (runner/spool_dir.h): a spool whose process was killed with
// SIGKILL is removed, live ones (in another process and in this one) are not, a spool without a
// lock file is removed only once it has been idle, and kept spools stay.
#include "runner/spool_dir.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

namespace sluice::runner {
namespace {

namespace fs = std::filesystem;

class SpoolDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    parent_ = ::testing::TempDir() + "sluice_spool_test_" + std::to_string(::getpid()) + "_" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(parent_);
    fs::create_directories(parent_);
  }
  void TearDown() override { fs::remove_all(parent_); }

  static void WriteFile(const std::string& path, size_t bytes) {
    std::ofstream out(path, std::ios::binary);
    out << std::string(bytes, 'x');
  }

  // Makes every entry under `dir` (and `dir`) look last modified `age` ago.
  static void Age(const std::string& dir, std::chrono::seconds age) {
    auto when = fs::file_time_type::clock::now() - age;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      fs::last_write_time(entry.path(), when);
    }
    fs::last_write_time(dir, when);
  }

  // Forks a child that creates a spool holding `bytes` of part data and then waits to be
  // killed; returns the child's pid and the spool's path.
  std::pair<pid_t, std::string> SpoolInChild(size_t bytes) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    pid_t pid = ::fork();
    if (pid == 0) {
      ::close(fds[0]);
      auto spool = SpoolDir::Create(parent_);
      if (!spool.ok() || !(*spool)->locked()) ::_exit(1);
      fs::create_directories((*spool)->path() + "/orders");
      WriteFile((*spool)->path() + "/orders/part-00000.parquet", bytes);
      std::string path = (*spool)->path() + "\n";
      if (::write(fds[1], path.data(), path.size()) != static_cast<ssize_t>(path.size())) {
        ::_exit(1);
      }
      while (true) ::pause();
    }
    ::close(fds[1]);
    std::string path;
    char ch = 0;
    while (::read(fds[0], &ch, 1) == 1 && ch != '\n') path += ch;
    ::close(fds[0]);
    return {pid, path};
  }

  static void Kill(pid_t pid) {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
  }

  std::string parent_;
};

TEST_F(SpoolDirTest, KilledProcessSpoolIsRemovedLiveOneIsNot) {
  auto [pid, path] = SpoolInChild(12345);
  ASSERT_FALSE(path.empty());
  ASSERT_TRUE(fs::exists(path + "/orders/part-00000.parquet"));
  // Alive in another process: never touched.
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  EXPECT_TRUE(fs::exists(path));
  Kill(pid);
  // Dead: removed (however recently it was written), with its size reported.
  auto removed = SweepDeadSpools(parent_);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].path, path);
  EXPECT_EQ(removed[0].bytes, 12345);
  EXPECT_FALSE(fs::exists(path));
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
}

TEST_F(SpoolDirTest, OnlyTheDeadOfSeveralGo) {
  auto [alive_pid, alive] = SpoolInChild(10);
  auto [dead_pid, dead] = SpoolInChild(20);
  Kill(dead_pid);
  auto removed = SweepDeadSpools(parent_);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].path, dead);
  EXPECT_TRUE(fs::exists(alive));
  Kill(alive_pid);
  EXPECT_EQ(SweepDeadSpools(parent_).size(), 1u);
}

TEST_F(SpoolDirTest, OwnLiveSpoolIsNotSweptButAReleasedOneIs) {
  // A classic POSIX lock would not show through F_GETLK in its own process; the OFD lock does.
  auto spool = SpoolDir::Create(parent_);
  ASSERT_TRUE(spool.ok()) << spool.status().ToString();
  ASSERT_TRUE((*spool)->locked());
  std::string path = (*spool)->path();
  EXPECT_EQ(fs::path(path).parent_path(), fs::path(parent_));
  EXPECT_TRUE(fs::path(path).filename().string().starts_with("sluice-spool-"));
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  EXPECT_TRUE(fs::exists(path));
  spool->reset();  // lock released, directory left behind: as after a crash
  ASSERT_TRUE(fs::exists(path));
  auto removed = SweepDeadSpools(parent_);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(SpoolDirTest, SpoolWithoutLockFileGoesOnlyWhenIdle) {
  // An older sluice's spool, or one being created this instant: no .lock file.
  std::string path = parent_ + "/sluice-spool-oldver";
  fs::create_directories(path + "/t");
  WriteFile(path + "/t/part-00000.parquet", 100);
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  Age(path, std::chrono::minutes(30));
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  // A file written recently keeps the whole directory.
  Age(path, std::chrono::hours(2));
  WriteFile(path + "/t/part-00001.parquet", 100);
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  Age(path, std::chrono::hours(2));
  auto removed = SweepDeadSpools(parent_);
  ASSERT_EQ(removed.size(), 1u);
  EXPECT_EQ(removed[0].bytes, 200);
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(SpoolDirTest, KeptSpoolsAndOtherEntriesStay) {
  auto spool = SpoolDir::Create(parent_);
  ASSERT_TRUE(spool.ok());
  std::string kept = (*spool)->path();
  (*spool)->Keep();
  spool->reset();
  fs::create_directories(parent_ + "/not-a-spool");
  fs::create_directories(parent_ + "/elsewhere");
  fs::create_directory_symlink(parent_ + "/elsewhere", parent_ + "/sluice-spool-link");
  WriteFile(parent_ + "/sluice-spool-file", 1);
  Age(parent_, std::chrono::hours(2));
  EXPECT_TRUE(SweepDeadSpools(parent_).empty());
  EXPECT_TRUE(fs::exists(kept));
  EXPECT_TRUE(fs::exists(parent_ + "/not-a-spool"));
  EXPECT_TRUE(fs::exists(parent_ + "/elsewhere"));
  EXPECT_TRUE(fs::is_symlink(parent_ + "/sluice-spool-link"));
}

TEST_F(SpoolDirTest, MissingParentIsNotAnError) {
  EXPECT_TRUE(SweepDeadSpools(parent_ + "/missing").empty());
  EXPECT_FALSE(SpoolDir::Create(parent_ + "/missing").ok());
}

}  // namespace
}  // namespace sluice::runner

// SpoolDir: the temporary spool of an object-store extract ($TMPDIR/sluice-spool-XXXXXX), and
// the sweep that removes the spools of processes that died without cleaning up (kill -9, the
// OOM killer, an Airflow timeout): each retry would otherwise leave one more directory of part
// files behind until the worker's disk is full.
//
// Liveness: a spool holds DIR/.lock, on which its process keeps an open-file-description lock
// (fcntl F_OFD_SETLK) for as long as the SpoolDir lives. The kernel drops the lock when the
// process dies, however it dies, so "lock file present, lock not held" means dead. OFD locks
// (Linux 3.15+) rather than classic POSIX locks because a classic lock held by this very
// process does not show through F_GETLK: a sweep would take the process's own live spools for
// dead ones. The lock file is locked under a temporary name and then renamed into place, so
// ".lock" is never seen unlocked while its process lives. A spool without ".lock" (being
// created this instant, made by an older sluice, or whose lock could not be taken) is removed
// only when nothing in it changed for `lockless_min_age`. A spool kept on purpose (its files
// could not be uploaded and the user was told where they are) holds DIR/.keep: never swept.
// Thread-safety: SpoolDir is owned by one thread; SweepDeadSpools may run concurrently with
// other sweeps and spools (in this or other processes).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "sluice/result.h"

namespace sluice::runner {

class SpoolDir {
 public:
  /// Creates PARENT/sluice-spool-XXXXXX and takes its lock.
  static Result<std::unique_ptr<SpoolDir>> Create(const std::string& parent);
  /// Releases the lock; the directory is left as it is (its owner removes it, or keeps it).
  ~SpoolDir();
  SpoolDir(const SpoolDir&) = delete;
  SpoolDir& operator=(const SpoolDir&) = delete;

  const std::string& path() const { return path_; }
  /// Marks the directory as kept (DIR/.keep): sweeps leave it alone even after this process
  /// is gone. Best effort.
  void Keep();
  /// False when the lock could not be taken (no OFD locks): the spool is then protected only
  /// by the sweep's age rule.
  bool locked() const { return lock_fd_ >= 0; }

 private:
  SpoolDir(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_;
};

/// Where temporary spools go: $TMPDIR, else /tmp.
std::string TemporarySpoolParent();

struct RemovedSpool {
  std::string path;
  int64_t bytes = 0;  // size of the files it held
};

/// Removes the PARENT/sluice-spool-* directories of this user that no live process holds (see
/// the top of this file) and returns them. Errors (a directory that cannot be read or removed)
/// leave that directory alone: the sweep is a best effort and never fails the caller.
std::vector<RemovedSpool> SweepDeadSpools(
    const std::string& parent, std::chrono::seconds lockless_min_age = std::chrono::hours(1));

}  // namespace sluice::runner

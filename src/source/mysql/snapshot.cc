#include "source/mysql/snapshot.h"

#include <chrono>
#include <string>

namespace sluice::mysql {
namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Releases the coordinator's table lock on every path out of OpenSnapshot.
struct UnlockGuard {
  Connection* conn = nullptr;
  void Release() {
    if (conn != nullptr) (void)conn->Execute("UNLOCK TABLES");
    conn = nullptr;
  }
  ~UnlockGuard() { Release(); }
};

}  // namespace

Result<Snapshot> OpenSnapshot(Connection* coordinator, const std::string& table, int count,
                              const ConnectionUrl& url, const ConnectionOptions& options,
                              const SnapshotOptions& snapshot_options) {
  if (count < 1) return Status::Internal("a snapshot needs at least one connection");
  Snapshot snapshot;
  // Connections first, and their isolation level: the lock is then held only for the
  // START TRANSACTION statements. The consistent snapshot is only taken under REPEATABLE READ
  // (under READ COMMITTED the server ignores WITH CONSISTENT SNAPSHOT with a warning).
  for (int index = 0; index < count; ++index) {
    SLUICE_ASSIGN_OR_RETURN(auto conn, Connection::Open(url, options));
    SLUICE_RETURN_IF_ERROR(
        conn->Execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
    snapshot.connections.push_back(std::move(conn));
  }
  SLUICE_RETURN_IF_ERROR(
      coordinator->Execute("SET SESSION lock_wait_timeout = " +
                           std::to_string(snapshot_options.lock_wait_timeout_seconds)));
  auto lock_start = Clock::now();
  Status locked = coordinator->Execute("LOCK TABLES " + table + " READ");
  if (!locked.ok()) {
    if (locked.code() == StatusCode::kInvalidArgument) {
      return locked.WithContext("snapshot of " + table +
                                ": LOCK TABLES was refused; snapshot mode needs the LOCK TABLES "
                                "privilege (GRANT LOCK TABLES ON db.* TO user)");
    }
    return locked.WithContext("snapshot of " + table + ": waiting for writers to commit (up to " +
                              std::to_string(snapshot_options.lock_wait_timeout_seconds) + " s)");
  }
  UnlockGuard guard{coordinator};
  snapshot.lock_wait_seconds = SecondsSince(lock_start);
  auto held_start = Clock::now();
  for (auto& conn : snapshot.connections) {
    SLUICE_RETURN_IF_ERROR(conn->Execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
                               .WithContext("snapshot of " + table));
  }
  guard.Release();
  snapshot.lock_held_seconds = SecondsSince(held_start);
  return snapshot;
}

Status EndSnapshot(Connection* conn) { return conn->Execute("COMMIT"); }

}  // namespace sluice::mysql

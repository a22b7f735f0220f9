// Consistent snapshot of one table across several connections (snapshot mode).
//
// InnoDB gives each connection its own snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT), and
// MariaDB cannot hand one connection's snapshot to another (Percona's `FROM SESSION` does not
// exist here). So the snapshots are synchronised the way mydumper does it, narrowed to one table:
//   1. the coordinator connection runs `LOCK TABLES t READ`: it waits until every transaction that
//      wrote to t has committed (they hold t's metadata lock) and keeps new writers out;
//   2. each worker connection runs `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY` under
//      REPEATABLE READ: its read view is created at once, while no write to t can happen;
//   3. the coordinator runs `UNLOCK TABLES`.
// Every worker then reads t as of the same instant, for as long as its transaction stays open,
// while other sessions write again. The lock is held for the few milliseconds of step 2, plus
// however long step 1 waits for in-flight writers (bounded by `lock_wait_timeout_seconds`;
// writers that arrive meanwhile queue behind it).
//
// Limits: the snapshot lives in the workers' transactions. A worker connection that is lost
// cannot rejoin it (a new connection would see a later instant): callers restart the whole table
// with a new snapshot. DDL on t (ALTER, TRUNCATE, DROP) is not isolated by a consistent read.
// A long snapshot keeps InnoDB undo history alive (purge lag) until it ends.
// Needs the LOCK TABLES privilege on t's database, besides SELECT.
// Thread-safety: OpenSnapshot uses the coordinator and opens the workers on the calling thread;
// afterwards each returned connection belongs to one thread at a time, as any Connection.
#pragma once

#include <memory>
#include <vector>

#include "sluice/result.h"
#include "source/mysql/connection.h"

namespace sluice::mysql {

struct SnapshotOptions {
  /// How long LOCK TABLES may wait for transactions writing to the table. 60 s: long enough for
  /// ordinary write transactions, short enough that a stuck one surfaces as a retryable error
  /// rather than an extract that hangs (MariaDB's default is a year).
  int lock_wait_timeout_seconds = 60;
};

struct Snapshot {
  /// Each in an open read-only REPEATABLE READ transaction reading the same instant.
  std::vector<std::unique_ptr<Connection>> connections;
  /// How long LOCK TABLES waited for writers, and how long the lock was held after that.
  double lock_wait_seconds = 0;
  double lock_held_seconds = 0;
};

/// Opens `count` connections (url/options as for Connection::Open) that all read `table` (as
/// quoted for SQL, e.g. `db`.`t`) as of one instant, using `coordinator` (borrowed; any open
/// connection with no result pending) for the lock. The coordinator's lock is released before
/// returning, also on failure.
/// Errors: kUnavailable (lost connection, lock wait timeout: retryable); kInvalidArgument naming
/// the missing privilege when LOCK TABLES is denied.
Result<Snapshot> OpenSnapshot(Connection* coordinator, const std::string& table, int count,
                              const ConnectionUrl& url, const ConnectionOptions& options,
                              const SnapshotOptions& snapshot_options = {});

/// Ends a snapshot connection's transaction (COMMIT; it only read), so the connection can be used
/// for ordinary reads again.
Status EndSnapshot(Connection* conn);

}  // namespace sluice::mysql

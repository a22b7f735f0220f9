# Shared helpers for sluice's scripts (sourced, not executed).
# REPO is the repository root; SLUICE_DB_* describe the private MariaDB the scripts manage.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLUICE_DB_DIR="${SLUICE_DB_DIR:-$REPO/.sluice/mariadb}"
SLUICE_DB_PORT="${SLUICE_DB_PORT:-33306}"
SLUICE_DB_SOCKET="${SLUICE_DB_SOCKET:-$SLUICE_DB_DIR/mariadb.sock}"
SLUICE_DB_PIDFILE="$SLUICE_DB_DIR/mariadbd.pid"
SLUICE_BUILD_DIR="${SLUICE_BUILD_DIR:-$REPO/build}"

log() { echo "[$(basename "$0")] $*" >&2; }
die() { log "error: $*"; exit 1; }

# Runs SQL as root over the private socket (root uses unix_socket auth there).
db_root() { mariadb --no-defaults --default-character-set=utf8mb4 --protocol=socket --socket="$SLUICE_DB_SOCKET" -uroot "$@"; }
db_up() { [ -S "$SLUICE_DB_SOCKET" ] && db_root -e 'SELECT 1' >/dev/null 2>&1; }

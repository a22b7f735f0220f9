#!/usr/bin/env bash
# Engine benchmark: sluice query vs DuckDB vs Polars on the seed-like data, same run, same
# machine. Reports wall time and peak RSS (/usr/bin/time) per engine and sluice/DuckDB ratios.
# Usage: bench/engine/run.sh [DATA_DIR] [MEMORY_LIMIT] [THREADS]
#   DATA_DIR defaults to a fresh temp dir filled by gen_data.sh; MEMORY_LIMIT e.g. 1GB.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DIR=${1:-}
MEM=${2:-1GB}
THREADS=${3:-$(nproc)}
SLUICE=${SLUICE:-$ROOT/build-engine/src/cli/sluice}
export PQCHECK_MODULES=${PQCHECK_MODULES:-$ROOT/../shared/tools/node_modules}
if [[ -z "$DIR" ]]; then
  DIR=$(mktemp -d /tmp/sluice-engine-bench-XXXXXX)
  "$HERE/gen_data.sh" "$DIR" >/dev/null
fi
source "$HERE/queries.sh"
measure() {  # prints "seconds peak_kb" of the command, its stdout to $OUT
  local tf; tf=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$tf" "$@" > "$OUT" 2>&1 || { echo "FAILED: $*" >&2; cat "$OUT" >&2; }
  tail -1 "$tf"; rm -f "$tf"
}
OUT=$(mktemp)
printf "%-18s | %-22s | %-22s | %-22s | %s\n" query "sluice s / MB" "duckdb s / MB" "polars s / MB" "sluice/duckdb time, rss"
for name in "${QUERY_NAMES[@]}"; do
  sql=${QUERIES[$name]//\{D\}/$DIR}
  read -r st sm < <(measure "$SLUICE" query "$sql" --memory-limit "$MEM" --threads "$THREADS" --format csv)
  s_out=$(tail -n +2 "$OUT" | head -1)
  read -r dt dm < <(measure node "$HERE/baseline.js" duckdb "$name" "$DIR" "$MEM" "$THREADS" "$sql")
  read -r pt pm < <(measure node "$HERE/baseline.js" polars "$name" "$DIR" "$MEM" "$THREADS" "$sql")
  printf "%-18s | %6.2f s %8.0f MB | %6.2f s %8.0f MB | %6.2f s %8.0f MB | %.2fx, %.2fx\n" "$name" \
    "$st" "$(echo "$sm/1024" | bc -l)" "$dt" "$(echo "$dm/1024" | bc -l)" "$pt" "$(echo "$pm/1024" | bc -l)" \
    "$(echo "$st/$dt" | bc -l)" "$(echo "$sm/$dm" | bc -l)"
done
rm -f "$OUT"

#!/usr/bin/env bash
# The case study in one command per table: extract the demo insurance tables (scripts/seed-demo)
# from the private MariaDB (scripts/mariadb-start) into ./lake, with the options each table needs.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLUICE="${SLUICE:-$REPO/build/sluice}"
[ -x "$SLUICE" ] || SLUICE="$REPO/build/src/cli/sluice"
URL="mysql://sluice@127.0.0.1:${SLUICE_DB_PORT:-33306}/demo"
export SLUICE_MYSQL_PASSWORD="${SLUICE_MYSQL_PASSWORD:-sluice}"  # never put it in the URL in scripts
LAKE="${1:-$REPO/lake}"

# customers: 20,000 customer IDs per file (the case study's range chunks); credit_score is a
# number stored as VARCHAR: --cast turns it into INT32 and fails loudly on any non-number.
"$SLUICE" extract --source "$URL" --table customers --dest "$LAKE" \
  --mode range --chunk-keys 20000 --cast credit_score=int32 --json

# coverages: hot-spot customers own half the rows. Balanced chunks of ~100,000 rows keyed on
# customer_id split the hot spots (a single hot customer becomes its own chunk), 2 connections.
"$SLUICE" extract --source "$URL" --table coverages --dest "$LAKE" \
  --key customer_id --chunk-rows 100000 --jobs 2 --cast 'fee_text=decimal(10,2)' --json

# contracts: only active ones, a few columns, in one streaming scan (no index trusted).
"$SLUICE" extract --source "$URL" --table contracts --dest "$LAKE" --mode scan \
  --columns contract_id,customer_id,premium,start_date --where "status = 'active'" --json

# Read it back with any Parquet reader, e.g. DuckDB through pqcheck:
#   ../shared/tools/pqcheck sql "SELECT segment, count(*) FROM read_parquet('lake/customers/*.parquet') GROUP BY 1"

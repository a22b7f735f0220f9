#!/usr/bin/env bash
# Generates the seed-like benchmark data with DuckDB (no TPC-H generator in the npm build):
#   customers 200k, contracts 1M, coverages 5M rows (each in its own directory of part files).
# Usage: bench/engine/gen_data.sh DATA_DIR [SCALE]   (SCALE multiplies row counts, default 1)
set -euo pipefail
DIR=${1:?usage: gen_data.sh DATA_DIR [SCALE]}
SCALE=${2:-1}
PQ=${PQCHECK:-$(cd "$(dirname "$0")/../../.." && pwd)/shared/tools/pqcheck}
mkdir -p "$DIR/customers" "$DIR/contracts" "$DIR/coverages"
CUST=$((200000 * SCALE)); CONTR=$((1000000 * SCALE)); COV=$((5000000 * SCALE))
"$PQ" sql "COPY (SELECT i AS customer_id, 'customer ' || i AS name,
  ['north','south','east','west','central','islands'][1 + (hash(i) % 6)::INT] AS region,
  DATE '1940-01-01' + (hash(i * 3) % 25000)::INT AS birth_date
  FROM range(1, $CUST + 1) t(i)) TO '$DIR/customers/part-0.parquet' (FORMAT PARQUET)" >/dev/null
"$PQ" sql "COPY (SELECT i AS contract_id, 1 + (hash(i) % $CUST)::BIGINT AS customer_id,
  ['auto','home','life','health','travel','pet','legal','boat','farm','cyber'][1 + (hash(i * 5) % 10)::INT] AS product,
  DATE '2015-01-01' + (hash(i * 7) % 3000)::INT AS start_date
  FROM range(1, $CONTR + 1) t(i)) TO '$DIR/contracts/part-0.parquet' (FORMAT PARQUET)" >/dev/null
"$PQ" sql "COPY (SELECT i AS coverage_id, 1 + (hash(i) % $CONTR)::BIGINT AS contract_id,
  ['A','B','C','D','E'][1 + (hash(i * 11) % 5)::INT] AS grade,
  ((hash(i * 13) % 500000) / 100.0)::DECIMAL(12,2) AS premium,
  ((hash(i * 17) % 100000000) / 100.0)::DECIMAL(14,2) AS sum_insured,
  DATE '2018-01-01' + (i * 1826 // $COV)::INT AS start_date,
  CASE WHEN hash(i * 19) % 10 < 8 THEN 'active' ELSE 'lapsed' END AS status
  FROM range(1, $COV + 1) t(i)) TO '$DIR/coverages' (FORMAT PARQUET, PER_THREAD_OUTPUT true)" >/dev/null
du -sh "$DIR"/*

#!/usr/bin/env bash
# Renders the HTML run report of a real pipeline run (with a retried chunk) in headless Chromium
# and checks the DOM has the expected SVG elements; leaves a screenshot for people to look at.
# Usage: report_chromium_test.sh SLUICE_BINARY [OUT_DIR]
set -euo pipefail
SLUICE="$1"
OUT="${2:-$(mktemp -d)}"
mkdir -p "$OUT"
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
source "$REPO/scripts/lib.sh"
if [ -n "${SLUICE_SKIP_DB:-}" ]; then echo "SLUICE_SKIP_DB set: skipped"; exit 0; fi
if ! command -v chromium >/dev/null; then
  apt-get install -y chromium >/dev/null || { echo "cannot install chromium"; exit 1; }
fi
db_up || die "MariaDB is not running: run scripts/mariadb-start"
db_root sluice_test <<'SQL'
DROP TABLE IF EXISTS rep_small, rep_large;
CREATE TABLE rep_small (id BIGINT PRIMARY KEY, v VARCHAR(40));
INSERT INTO rep_small SELECT seq, MD5(seq) FROM seq_1_to_5000;
CREATE TABLE rep_large (id BIGINT PRIMARY KEY, k INT, v VARCHAR(200));
INSERT INTO rep_large SELECT seq, seq % 97, REPEAT(MD5(seq), 4) FROM seq_1_to_120000;
SQL
cat > "$OUT/report.yaml" <<YAML
name: report-demo
sources:
  db:
    url: mysql://sluice@127.0.0.1:${SLUICE_DB_PORT}/sluice_test
    password: \${SLUICE_MYSQL_PASSWORD}
    max_connections: 3
destination: $OUT/lake
defaults:
  memory_limit: 256MB
  task_memory: 32MB
  fetch_rows: 1000
tables:
  - name: rep_small
    chunk_rows: 1000
  - name: rep_large
    chunk_rows: 10000
YAML
export SLUICE_MYSQL_PASSWORD=sluice
SLUICE_DEBUG_BATCH_DELAY_MS=4 SLUICE_DEBUG_FAIL_CHUNKS=rep_large:3:1 \
  "$SLUICE" run "$OUT/report.yaml" --fresh --report "$OUT/run.html" --json >"$OUT/summary.json" 2>"$OUT/run.log"
CHROME=(chromium --headless --no-sandbox --disable-gpu --disable-background-networking
        --disable-component-update --no-first-run --user-data-dir="$(mktemp -d)")
timeout 120 "${CHROME[@]}" --dump-dom "file://$OUT/run.html" >"$OUT/dom.html" 2>/dev/null
timeout 120 "${CHROME[@]}" --window-size=1100,1400 --screenshot="$OUT/run.png" "file://$OUT/run.html" >/dev/null 2>&1
fail() { echo "FAIL: $*"; exit 1; }
grep -q '<svg id="timeline"' "$OUT/dom.html" || fail "no timeline svg"
grep -q '<svg id="throughput"' "$OUT/dom.html" || fail "no throughput svg"
grep -q '<svg id="memory"' "$OUT/dom.html" || fail "no memory svg"
grep -q 'class="budget"' "$OUT/dom.html" || fail "no budget line"
grep -q 'class="chunk retry"' "$OUT/dom.html" || fail "the retried chunk is not marked"
[ "$(grep -o 'class="chunk ok"' "$OUT/dom.html" | wc -l)" -ge 17 ] || fail "expected >= 17 chunk bars"
grep -q '<table id="totals"' "$OUT/dom.html" || fail "no totals table"
[ -s "$OUT/run.png" ] || fail "no screenshot"
python3 - "$OUT/run.png" <<'PY' || fail "screenshot is blank"
import sys, zlib, struct
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
# The image must not be a single colour: look at the distinct bytes of the decompressed pixels.
pos, chunks = 8, b""
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    if kind == b"IDAT":
        chunks += data[pos + 8:pos + 8 + length]
    pos += 12 + length
pixels = zlib.decompress(chunks)
assert len(set(pixels[:2_000_000])) > 16, "uniform image"
PY
echo "report OK: $OUT/run.html, screenshot $OUT/run.png"

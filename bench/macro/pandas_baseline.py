#!/usr/bin/python3
"""The case study's extraction, reproduced as a baseline for bench/macro/run.

  --mode before   the "before": pd.read_sql with a plain (buffered) pymysql cursor, i.e.
                  cursor.execute + fetchall() of the whole table into one DataFrame, then to_csv.
  --mode chunked  the first fix people reach for: an unbuffered SSCursor and
                  pd.read_sql(..., chunksize=2000) (the case study's fetch size), each chunk
                  appended to the CSV as it arrives.

Prints one line `rows=N mode=M seconds=S` (S: connect excluded, query through CSV written).
Uses Debian's python3-pandas and python3-pymysql (run with /usr/bin/python3).
"""
import argparse
import os
import sys
import time
import warnings

import pandas as pd
import pymysql
import pymysql.cursors

# The case study fetched 2,000 rows per batch (fetchmany(2_000)).
CHUNK_ROWS = 2000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["before", "chunked"], required=True)
    parser.add_argument("--table", required=True)
    parser.add_argument("--out", required=True, help="CSV file to write")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=33306)
    parser.add_argument("--user", default="sluice")
    parser.add_argument("--database", default="bench")
    args = parser.parse_args()
    if "`" in args.table:
        parser.error("bad table name")

    # pandas 1.5 warns that only SQLAlchemy/sqlite3 connections are "tested"; a raw DBAPI2
    # connection is exactly what the case study's MySQL hook handed it.
    warnings.filterwarnings("ignore", category=UserWarning)
    cursor_class = pymysql.cursors.SSCursor if args.mode == "chunked" else pymysql.cursors.Cursor
    conn = pymysql.connect(host=args.host, port=args.port, user=args.user,
                           password=os.environ.get("BENCH_DB_PASSWORD", "sluice"),
                           database=args.database, cursorclass=cursor_class, charset="utf8mb4")
    sql = f"SELECT * FROM `{args.table}`"
    start = time.monotonic()
    if args.mode == "before":
        frame = pd.read_sql(sql, conn)
        frame.to_csv(args.out, index=False)
        rows = len(frame)
    else:
        rows = 0
        with open(args.out, "w", newline="") as out:
            for chunk in pd.read_sql(sql, conn, chunksize=CHUNK_ROWS):
                chunk.to_csv(out, index=False, header=(rows == 0))
                rows += len(chunk)
    elapsed = time.monotonic() - start
    conn.close()
    print(f"rows={rows} mode={args.mode} seconds={elapsed:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

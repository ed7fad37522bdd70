#!/usr/bin/env python3
"""The peers' side of the benchmark job "count by district x month x category".

usage: peers.py duckdb|polars THREADS FILE OUT_CSV

Each engine reads FILE (the canonical alarm_calls.csv, columns in contract order, received_at
as YYYY-MM-DD HH:MM:SS), takes month as the first 7 characters of received_at, groups by
district, month and category, counts, and writes district,month,category,count to OUT_CSV.
The engine is imported only after its thread count is set. Runs in the benchmark's venv.
"""
import os
import sys

COLUMNS = ["call_id", "received_at", "district", "street", "call_type", "category",
           "response_seconds", "disposition"]


def duckdb_job(threads, path, out):
    import duckdb

    con = duckdb.connect(config={"threads": threads})
    columns = ", ".join(f"'{c}': 'VARCHAR'" for c in COLUMNS)
    con.execute(f"""
        COPY (
            SELECT district, substr(received_at, 1, 7) AS month, category, count(*) AS count
            FROM read_csv('{path}', header = true, delim = ',', quote = '"', escape = '"',
                          columns = {{{columns}}})
            GROUP BY ALL
        ) TO '{out}' (HEADER, DELIMITER ',')
    """)


def polars_job(threads, path, out):
    os.environ["POLARS_MAX_THREADS"] = str(threads)
    import polars as pl

    assert pl.thread_pool_size() == threads, pl.thread_pool_size()
    (pl.scan_csv(path, schema={c: pl.String for c in COLUMNS})
     .group_by(pl.col("district"), pl.col("received_at").str.slice(0, 7).alias("month"),
               pl.col("category"))
     .agg(pl.len().alias("count"))
     .collect()
     .write_csv(out))


def main():
    if len(sys.argv) != 5 or sys.argv[1] not in ("duckdb", "polars"):
        sys.exit(__doc__)
    engine, threads, path, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    (duckdb_job if engine == "duckdb" else polars_job)(threads, path, out)


if __name__ == "__main__":
    main()

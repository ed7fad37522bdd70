#!/usr/bin/env python3
"""What keeping the run state in SQLite would cost, beside govstats' own state file.

    python3 Benchmarks/state_store.py [records] [govstats state file]

Writes `records` alarm-call records shaped as the record store keeps them (a call_id key
of 14 bytes; received_at, district, street, call_type, category, response_seconds and
disposition as integers) into an SQLite database with the sqlite3 shell's `.import` (C
speed, no Python per row), keyed by call_id (a WITHOUT ROWID table: the key index is the
table), in one transaction; then reads every record back in key order, as a warm run
would need the standing records. Prints seconds and bytes per record. With a govstats
state file, prints its bytes per record beside them (`records` should then be the number
of distinct records it holds).

Install the shell with `apt-get install sqlite3`. Uses /tmp for its files.
"""
import os
import random
import subprocess
import sys
import tempfile
import time


def main():
    records = int(sys.argv[1]) if len(sys.argv) > 1 else 5_000_000
    state = sys.argv[2] if len(sys.argv) > 2 else None
    work = tempfile.mkdtemp(prefix="state-store-")
    csv_path = os.path.join(work, "records.csv")
    db = os.path.join(work, "state.sqlite")
    rng = random.Random(26)
    base = 63_600_000_000  # seconds since year 1, about 2017
    with open(csv_path, "w") as f:
        for n in range(records):
            f.write(f"A{n:013d},{base + rng.randrange(3 * 365 * 86400) * 2},{rng.randrange(16)},"
                    f"{rng.randrange(200)},{rng.randrange(4)},{rng.randrange(30)},{rng.randrange(3600)},{rng.randrange(6)}\n")
    schema = ("CREATE TABLE records(call_id TEXT PRIMARY KEY, received_at INTEGER, district INTEGER, street INTEGER, "
              "call_type INTEGER, category INTEGER, response_seconds INTEGER, disposition INTEGER) WITHOUT ROWID;")
    started = time.monotonic()
    subprocess.run(["sqlite3", db], input=f"PRAGMA journal_mode=WAL;\nPRAGMA synchronous=OFF;\n{schema}\n.mode csv\n.import {csv_path} records\n",
                   text=True, check=True, stdout=subprocess.DEVNULL)
    write_seconds = time.monotonic() - started
    size = os.path.getsize(db) + sum(os.path.getsize(os.path.join(work, n)) for n in os.listdir(work) if n.startswith("state.sqlite-"))
    started = time.monotonic()
    subprocess.run(["sqlite3", db, "SELECT count(*), sum(received_at), sum(category) FROM records;"], check=True, stdout=subprocess.DEVNULL)
    read_seconds = time.monotonic() - started
    print(f"SQLite {subprocess.run(['sqlite3', '--version'], capture_output=True, text=True).stdout.split()[0]}, {records:,} records:")
    print(f"  write (one transaction, synchronous=OFF): {write_seconds:.2f} s")
    print(f"  read every record back: {read_seconds:.2f} s")
    print(f"  on disk: {size / 1e6:.1f} MB, {size / records:.1f} bytes per record")
    if state:
        bytes_ = os.path.getsize(state)
        print(f"govstats state file {state}: {bytes_ / 1e6:.1f} MB, {bytes_ / records:.1f} bytes per record")
    for name in os.listdir(work):
        os.remove(os.path.join(work, name))
    os.rmdir(work)


if __name__ == "__main__":
    main()

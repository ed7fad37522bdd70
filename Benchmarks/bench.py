#!/usr/bin/env python3
"""`make bench`: govstats side by side with a C floor over libcsv, DuckDB, polars and Miller.

Run by Benchmarks/run.sh, which installs the peers and compiles the C floor first.
Python stdlib only (the peers run in the venv). Environment:

  BENCH_ROWS      sizes in alarm-call rows, "5000000 20000000" by default; the first size
                  gets every contender, the others only what the memory target needs
                  (the C floor and govstats run), unless BENCH_FULL=1
  BENCH_REPEATS   interleaved runs per contender, 3 by default (the median is reported)
  BENCH_REPEATS_LARGE  runs at the larger sizes, 1 by default (they measure peak RSS)
  BENCH_SKIP      contenders to leave out, e.g. "miller polars"
                  (floor floor-groupby floor-sha256 floor-pair validate run duckdb polars miller;
                  warm warm-whole warm-resent warm-grown full in the nightly case)
  BENCH_KEEP_GEN  1 keeps the raw generated exports after the canonical file is made
  BENCH_SHAPES    0 leaves out the other shapes of the first size's rows (the same rows cut
                  into a year of daily files, and converted to GB18030)
  BENCH_NIGHTLY   0 leaves out the nightly case: the first size's rows as 730 daily files
                  (two years) plus one new file, and as 1,460 (four years, twice the rows)
                  plus one; a warm `run` (its state from the older files), the 31st
                  night's (which writes the state whole) and that of a night whose
                  file is sent again (a delta replaced), and the two years as one file
                  that the night's rows are appended to (a year-to-date export), against `run
                  --full`, DuckDB's and polars' group-by over every file, and the C floor
  GOVSTATS        the binary, .build/release/govstats by default

Data is cached in .build-bench-data/<rows>/ (git-ignored); delete a folder to regenerate it.
Exits 1 when a peer's counts differ from govstats', 0 otherwise (targets are reported,
not enforced).
"""
import csv
import datetime
import filecmp
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "Benchmarks")
DATA_ROOT = os.path.join(ROOT, ".build-bench-data")
FLOOR = os.path.join(DATA_ROOT, "bin", "floor")
VENV_PY = os.path.join(ROOT, ".build-bench-venv", "bin", "python")
GOVSTATS = os.path.abspath(os.environ.get("GOVSTATS", os.path.join(ROOT, ".build", "release", "govstats")))
RESULTS = os.path.join(BENCH, "results-latest.md")

THEFT = {"盗窃", "入室盗窃", "扒窃", "偷盗"}  # the contract's default theft_categories
REFERENCE_ROWS = 5_000_000                 # the size the targets are set for
DAILY_ROWS = 13_700                        # rows per file of the daily shape: 365 files at 5M
NIGHTS = 730                               # daily files of the nightly case's history (two years)
LONGEST_CHAIN = 30                         # deltas a state takes before it is written whole (RunState.longestChain)
MILLER_VERB = ["put", "$month = substr1($received_at, 1, 7)", "then",
               "count", "-g", "district,month,category"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def rel(path):
    return os.path.relpath(path, ROOT)


def run_checked(argv, **kwargs):
    result = subprocess.run(argv, **kwargs)
    if result.returncode != 0:
        raise SystemExit(f"bench: {' '.join(map(str, argv))} exited {result.returncode}")
    return result


# ---------------------------------------------------------------- data

def parse_validate(text):
    """Per-file and total (rows_read, accepted, rejected, duplicates) of alarm_calls from
    `govstats validate` output."""
    files, total = {}, None
    for line in text.splitlines():
        parts = line.split()
        if line.startswith("alarm_calls total"):
            total = tuple(int(x) for x in parts[2:6])
        elif line.startswith("alarm_calls/") or line.startswith("alarm_calls.csv"):
            # file, encoding, rows_read, accepted, rejected, duplicates, conflicts, filtered
            files[" ".join(parts[:-7])] = tuple(int(x) for x in parts[-6:-2])
    return files, total


def prepare(rows):
    """The canonical benchmark file for `rows` alarm calls, made once and cached."""
    folder = os.path.join(DATA_ROOT, str(rows))
    stamp = os.path.join(folder, "canonical.json")
    data = os.path.join(folder, "data")
    if os.path.exists(stamp):
        with open(stamp) as f:
            info = json.load(f)
        log(f"data {rows:,}: cached {rel(data)}/alarm_calls.csv ({info['bytes'] / 1e6:.1f} MB)")
        return data, info
    need = 300 * rows  # canonical.py holds every distinct row as bytes in a dict
    if need > 0.7 * mem_available():
        log(f"data {rows:,}: skipped: canonical.py would need about {need / 1e9:.1f} GB, "
            f"{mem_available() / 1e9:.1f} GB available")
        return None, None

    gen, rejects = os.path.join(folder, "gen"), os.path.join(folder, "gen-rejects")
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(data)
    started = time.monotonic()
    log(f"data {rows:,}: govstats generate --rows {rows}")
    run_checked([GOVSTATS, "generate", "--out", gen, "--rows", str(rows), "--quiet"])
    for other in ("burglary_reports", "safe_community"):  # the benchmark reads alarm calls only
        shutil.rmtree(os.path.join(gen, other), ignore_errors=True)
    raw = [os.path.join(gen, "alarm_calls", n) for n in os.listdir(os.path.join(gen, "alarm_calls"))]
    raw_bytes = sum(os.path.getsize(p) for p in raw)
    log(f"data {rows:,}: govstats validate --rejects on the raw exports")
    result = run_checked([GOVSTATS, "validate", "--data", gen, "--rejects", rejects],
                         stdout=subprocess.PIPE, text=True)
    with open(os.path.join(folder, "validate-raw.txt"), "w", encoding="utf-8") as f:
        f.write(result.stdout)
    files, total = parse_validate(result.stdout)
    log(f"data {rows:,}: canonical.py: dedupe, normalise, one file")
    result = run_checked([sys.executable, os.path.join(BENCH, "canonical.py"), gen,
                          os.path.join(rejects, "alarm_calls.csv"),
                          os.path.join(data, "alarm_calls.csv"), str(total[1])],
                         stdout=subprocess.PIPE, text=True)
    info = json.loads(result.stdout)
    # the canonical file holds what govstats keeps: same rows read, rejects and duplicates per file
    for f in info["files"]:
        ours = (f["rows_read"], f["skipped_rejects"], f["duplicates"])
        theirs = files[f["file"]]
        if ours != (theirs[0], theirs[2], theirs[3]):
            raise SystemExit(f"bench: {f['file']}: canonical.py read/rejected/duplicates {ours}, "
                             f"govstats validate {theirs}")
    info.update(rows=rows, raw_files=len(raw), raw_bytes=raw_bytes, govstats_accepted=total[1],
                prepare_seconds=round(time.monotonic() - started, 1))
    if os.environ.get("BENCH_KEEP_GEN") != "1":
        shutil.rmtree(gen)
    save(stamp, info)
    log(f"data {rows:,}: {info['distinct']:,} distinct rows, {info['bytes'] / 1e6:.1f} MB "
        f"(raw exports {raw_bytes / 1e6:.1f} MB in {len(raw)} files), {info['prepare_seconds']} s")
    return data, info


def cached(stamp, what):
    """The info a preparation saved at `stamp`, or None when it has not run yet."""
    if not os.path.exists(stamp):
        return None
    with open(stamp) as f:
        info = json.load(f)
    log(f"{what}: cached")
    return info


def save(stamp, info):
    with open(stamp + ".tmp", "w") as f:
        json.dump(info, f, indent=1)
    os.replace(stamp + ".tmp", stamp)


def mem_available():
    with open("/proc/meminfo") as f:
        return int(next(l for l in f if l.startswith("MemAvailable")).split()[1]) * 1024


def prepare_shapes(rows, data):
    """The canonical file in the two other shapes the nightly job meets, made once: cut at
    record ends into files of DAILY_ROWS rows, each with the header (a year of daily
    exports), and the whole file converted to GB18030 (what Excel on a Chinese Windows
    writes). Both hold the same rows byte for byte, but for the encoding."""
    folder = os.path.join(DATA_ROOT, str(rows))
    stamp = os.path.join(folder, "shapes.json")
    daily, gb = os.path.join(folder, "daily"), os.path.join(folder, "gb18030")
    info = cached(stamp, f"shapes {rows:,}: {rel(daily)}, {rel(gb)}")
    if info:
        return daily, gb, info
    started = time.monotonic()
    shutil.rmtree(daily, ignore_errors=True)
    shutil.rmtree(gb, ignore_errors=True)
    os.makedirs(os.path.join(daily, "alarm_calls"))
    os.makedirs(os.path.join(gb, "alarm_calls"))
    source = os.path.join(data, "alarm_calls.csv")
    log(f"shapes {rows:,}: cutting {rel(source)} into files of {DAILY_ROWS:,} rows, and into GB18030")
    files, part, in_part, open_quotes = 0, None, 0, False
    with open(source, "rb") as f, open(os.path.join(gb, "alarm_calls", "alarm_calls.csv"), "wb") as g:
        header = f.readline()
        g.write(header.decode("utf-8").encode("gb18030"))
        for line in f:
            g.write(line.decode("utf-8").encode("gb18030"))
            if part is None:
                files += 1
                part = open(os.path.join(daily, "alarm_calls", f"day-{files:03d}.csv"), "wb")
                part.write(header)
            part.write(line)
            # RFC 4180 doubles a quote inside a quoted field, so a record ends at a line
            # feed after an even number of quotes
            open_quotes ^= line.count(b'"') % 2 == 1
            if not open_quotes:
                in_part += 1
                if in_part == DAILY_ROWS:
                    part.close()
                    part, in_part = None, 0
        if part is not None:
            part.close()
    info = {"daily_files": files, "daily_bytes": dir_bytes(daily),
            "gb18030_bytes": dir_bytes(gb), "prepare_seconds": round(time.monotonic() - started, 1)}
    save(stamp, info)
    log(f"shapes {rows:,}: {files} files of {info['daily_bytes'] / 1e6:.1f} MB; GB18030 "
        f"{info['gb18030_bytes'] / 1e6:.1f} MB; {info['prepare_seconds']} s")
    return daily, gb, info


def prepare_nightly(rows, data):
    """The nightly case, made once: the canonical file's records cut at record ends into
    NIGHTS + 1 daily files, each with the header. `nightly-2y/` holds the first NIGHTS
    (two years of history, `day-1-*.csv`) and the last (`day-2-new.csv`, the new night,
    sorting after them); `nightly-4y/` the same files (hard links) and NIGHTS more before
    them (`day-0-*.csv`, four years in all), the same records under other call_ids. Files
    are dated a day back, as exports of earlier nights."""
    folder = os.path.join(DATA_ROOT, str(rows))
    stamp = os.path.join(folder, "nightly.json")
    two, four = os.path.join(folder, "nightly-2y"), os.path.join(folder, "nightly-4y")
    info = cached(stamp, f"nightly {rows:,}: {rel(two)}, {rel(four)}")
    if info:
        return two, four, info
    started = time.monotonic()
    for top in (two, four):
        shutil.rmtree(top, ignore_errors=True)
        os.makedirs(os.path.join(top, "alarm_calls"))
    source = os.path.join(data, "alarm_calls.csv")
    per_file = -(-rows // (NIGHTS + 1))
    if per_file * NIGHTS >= rows:  # a small size: the history would leave the new night no rows
        per_file = rows // (NIGHTS + 1)
    log(f"nightly {rows:,}: cutting {rel(source)} into {NIGHTS + 1} files of {per_file:,} rows")
    names = [f"day-1-{n:04d}.csv" for n in range(1, NIGHTS + 1)] + ["day-2-new.csv"]
    index, part, in_part, open_quotes, new_rows = 0, None, 0, False, 0
    with open(source, "rb") as f:
        header = f.readline()
        for line in f:
            if part is None:
                part = open(os.path.join(two, "alarm_calls", names[index]), "wb")
                part.write(header)
            part.write(line)
            open_quotes ^= line.count(b'"') % 2 == 1
            if not open_quotes:
                in_part += 1
                if index == NIGHTS:
                    new_rows += 1
                if in_part == per_file and index < NIGHTS:
                    part.close()
                    part, in_part, index = None, 0, index + 1
        if part is not None:
            part.close()
    day_back = time.time() - 86_400
    for name in names:
        path = os.path.join(two, "alarm_calls", name)
        os.utime(path, (day_back, day_back))
        os.link(path, os.path.join(four, "alarm_calls", name))
    # Two more years: the same records, each call_id given a prefix of its own.
    for name in names[:NIGHTS]:
        target = os.path.join(four, "alarm_calls", name.replace("day-1-", "day-0-"))
        with open(os.path.join(two, "alarm_calls", name), "rb") as f, open(target, "wb") as g:
            g.write(f.readline())
            for line in f:
                g.write(b"P" + line if line[:1] != b'"' else b'"P' + line[1:])
        os.utime(target, (day_back, day_back))
    info = {"files": NIGHTS + 1, "new_rows": new_rows, "bytes_2y": dir_bytes(two),
            "bytes_new": os.path.getsize(os.path.join(two, "alarm_calls", names[-1])),
            "bytes_4y": dir_bytes(four), "prepare_seconds": round(time.monotonic() - started, 1)}
    save(stamp, info)
    log(f"nightly {rows:,}: {info['bytes_2y'] / 1e6:.1f} MB and {info['bytes_4y'] / 1e6:.1f} MB; "
        f"{info['prepare_seconds']} s")
    return two, four, info


def nightly_contenders(rows, data, two, four):
    """A warm `run` (its state made from the history alone, put back before each run) and
    `run --full` over two and four years, DuckDB and polars over the two years' 731 files,
    and the C floor on the canonical file."""
    out = os.path.join(DATA_ROOT, str(rows), "out-nightly")
    os.makedirs(out, exist_ok=True)
    skip = set(os.environ.get("BENCH_SKIP", "").split())
    items = [Contender("floor", "C floor: libcsv parse only", "1",
                       [FLOOR, os.path.join(data, "alarm_calls.csv")], os.path.join(out, "floor.txt"))]
    items[-1].shape = "one file"
    for tag, top in (("2y", two), ("4y", four)):
        reports, state = os.path.join(out, f"warm-{tag}"), os.path.join(out, f"warm-{tag}.state")
        pristine = os.path.join(out, f"history-{tag}.state")
        new = os.path.join(top, "alarm_calls", "day-2-new.csv")
        aside = os.path.join(out, f"new-{tag}.csv")
        if "warm-whole" not in skip:
            # Made first: it moves history files, which changes their ctime, and a state
            # made before that would not know them.
            items.append(night_31(out, top, new, tag))
        # The state of the history alone: a full run without the new file, kept aside. Run
        # twice, so that the state folder also holds the reports a run replaced (previous/),
        # as a nightly job finds it.
        log(f"nightly {tag}: the state of the history (run --full without the new file)")
        os.rename(new, aside)
        try:
            shutil.rmtree(pristine, ignore_errors=True)
            for _ in range(2):
                run_checked([GOVSTATS, "run", "--data", top, "--out", reports, "--state", pristine,
                             "--full", "--quiet", "--jobs", "2"])
        finally:
            os.rename(aside, new)
        state_bytes = os.path.getsize(os.path.join(pristine, "state"))
        if "warm-resent" not in skip:
            items.append(night_resent(out, top, new, tag, pristine))

        items.append(Contender("warm", "govstats run, warm (one new file)", "2",
                               [GOVSTATS, "run", "--data", top, "--out", reports, "--state", state,
                                "--quiet", "--jobs", "2"], reports,
                               before=lambda pristine=pristine, state=state: put_back(pristine, state)))
        items[-1].shape, items[-1].state_bytes = tag, state_bytes
        full = os.path.join(out, f"full-{tag}")
        items.append(Contender("full", "govstats run --full", "2",
                               [GOVSTATS, "run", "--data", top, "--out", full, "--state", full + ".state",
                                "--full", "--quiet", "--jobs", "2"], full,
                               before=lambda full=full: None))  # a before: stdout is not the output
        items[-1].shape = tag
    if "warm-grown" not in skip:
        items += night_grown(out, two)
    for engine, label in (("duckdb", "DuckDB read_csv + GROUP BY"),
                          ("polars", "polars scan_csv + group_by")):
        target = os.path.join(out, f"{engine}.csv")
        items.append(Contender(engine, label, "2", [VENV_PY, os.path.join(BENCH, "peers.py"), engine, "2",
                                                    os.path.join(two, "alarm_calls", "*.csv"), target], None))
        items[-1].result, items[-1].shape = target, "2y"
    return [c for c in items if c.key not in skip]


def put_back(pristine, state):
    """The state folder `state` made as `pristine` is, before a timed warm run. Hard links
    for the state's files: a run never changes one in place (it adds a delta, or swaps a
    new state in), and a copy would leave 200 MB of dirty pages for the kernel to write
    back during the timed run. The reports kept in previous/ are copied: a run writes over
    those, and only over files linked nowhere else."""
    shutil.rmtree(state, ignore_errors=True)
    os.makedirs(state)
    for name in os.listdir(pristine):
        if os.path.isdir(os.path.join(pristine, name)):
            shutil.copytree(os.path.join(pristine, name), os.path.join(state, name))
        else:
            os.link(os.path.join(pristine, name), os.path.join(state, name))


def night_31(out, top, new, tag):
    """The warm run of the thirty-first night, which writes the state whole: its state is
    that of a full run over the history without its last LONGEST_CHAIN files, then a warm
    run for each of them (a delta each), as a nightly job finds it a month on. Put back
    before each timed run, as the other warm run's is; the run reads the new file."""
    folder = os.path.join(top, "alarm_calls")
    pristine, state = os.path.join(out, f"chain-{tag}.state"), os.path.join(out, f"warm31-{tag}.state")
    reports, aside = os.path.join(out, f"warm31-{tag}"), os.path.join(out, f"aside-{tag}")
    nights = sorted(n for n in os.listdir(folder) if n.startswith("day-1-"))[-LONGEST_CHAIN:]
    log(f"nightly {tag}: the state of the thirty-first night (run --full, then {LONGEST_CHAIN} warm runs)")
    shutil.rmtree(pristine, ignore_errors=True)
    shutil.rmtree(aside, ignore_errors=True)
    os.makedirs(aside)
    for name in nights:
        # The four years' folder links the two years' files: moving one changes the change
        # time of both names, and a state made over the other folder would no longer know
        # it. Each history gets a copy of its own of the files moved.
        path = os.path.join(folder, name)
        if os.stat(path).st_nlink > 1:
            shutil.copy2(path, path + ".copy")
            os.replace(path + ".copy", path)
    moved = [os.path.basename(new)] + nights
    for name in moved:
        os.rename(os.path.join(folder, name), os.path.join(aside, name))
    try:
        argv = [GOVSTATS, "run", "--data", top, "--out", reports, "--state", pristine, "--quiet", "--jobs", "2"]
        for _ in range(2):
            run_checked(argv + ["--full"])
        for name in nights:
            os.rename(os.path.join(aside, name), os.path.join(folder, name))
            run_checked(argv)
    finally:
        for name in moved:
            if os.path.exists(os.path.join(aside, name)):
                os.rename(os.path.join(aside, name), os.path.join(folder, name))
    if not os.path.exists(os.path.join(pristine, f"state.{LONGEST_CHAIN}")):
        raise SystemExit(f"bench: {rel(pristine)} has no state.{LONGEST_CHAIN}: the chain of deltas is not as expected")
    c = Contender("warm-whole", "govstats run, warm, 31st night (state written whole)", "2",
                  [GOVSTATS, "run", "--data", top, "--out", reports, "--state", state, "--quiet", "--jobs", "2"],
                  reports, before=lambda: put_back(pristine, state))
    c.shape, c.state_folder = tag, state
    return c


def night_resent(out, top, new, tag, history):
    """The warm run of a night whose export is sent again: its state is the history's
    (`history`) with a delta for a first version of the new file, one row short, as a
    nightly job finds it when last night's export comes again with a late call added. The
    row left out is one from the middle: the file is then not its first version with rows
    appended (which a run reads from where that version ended), so the run goes on from
    the state as it stood before that night and reads the new file."""
    pristine, state = os.path.join(out, f"resent-{tag}.state"), os.path.join(out, f"warm-resent-{tag}.state")
    reports, aside = os.path.join(out, f"warm-resent-{tag}"), os.path.join(out, f"resent-new-{tag}.csv")
    log(f"nightly {tag}: the state of a night whose export is sent again (a warm run over a first version)")
    put_back(history, pristine)
    with open(new, "rb") as f:
        lines = f.read().splitlines(keepends=True)
    os.rename(new, aside)
    try:
        with open(new, "wb") as f:
            middle = len(lines) // 2
            f.writelines(lines[:middle] + lines[middle + 1:])
        run_checked([GOVSTATS, "run", "--data", top, "--out", reports, "--state", pristine, "--quiet", "--jobs", "2"])
    finally:
        os.replace(aside, new)
    if sorted(n for n in os.listdir(pristine) if n.startswith("state")) != ["state", "state.1"]:
        raise SystemExit(f"bench: {rel(pristine)} is not a state and one delta: the night sent again is not as expected")
    c = Contender("warm-resent", "govstats run, warm, the new night's file sent again (one row more)", "2",
                  [GOVSTATS, "run", "--data", top, "--out", reports, "--state", state, "--quiet", "--jobs", "2"],
                  reports, before=lambda: put_back(pristine, state))
    c.shape, c.state_folder, c.pristine = tag, state, pristine
    return c


def night_grown(out, two):
    """The warm run of a night whose rows are appended to one export that holds the history
    (a year-to-date export): the two years' history files as one (`ytd/alarm_calls/ytd.csv`,
    made once), its state made by a full run, then before each timed run the state put
    back and the new night's rows appended in place. The run hashes the whole file (its
    start against the sha256 recorded) and parses only the rows appended. `run --full`
    over the grown file is its reference."""
    history_files = sorted(n for n in os.listdir(os.path.join(two, "alarm_calls")) if n.startswith("day-1-"))
    top = os.path.join(out, "ytd")
    path = os.path.join(top, "alarm_calls", "ytd.csv")
    with open(os.path.join(two, "alarm_calls", "day-2-new.csv"), "rb") as f:
        f.readline()
        night = f.read()
    stamp = os.path.join(out, "ytd.json")
    made = cached(stamp, f"nightly 2y as one file: {rel(path)}")
    if not made or not os.path.exists(path):
        log(f"nightly ytd: the {len(history_files)} files of the history as one file")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as g:
            for number, name in enumerate(history_files):
                with open(os.path.join(two, "alarm_calls", name), "rb") as f:
                    header = f.readline()
                    if number == 0:
                        g.write(header)
                    shutil.copyfileobj(f, g, 1 << 20)
        made = {"history_bytes": os.path.getsize(path)}
        save(stamp, made)
    history = made["history_bytes"]

    def grow():
        os.truncate(path, history)
        with open(path, "ab") as g:
            g.write(night)

    pristine, state = os.path.join(out, "ytd-history.state"), os.path.join(out, "warm-ytd.state")
    reports, full = os.path.join(out, "warm-ytd"), os.path.join(out, "full-ytd")
    log("nightly ytd: the state of the history (run --full over the file before the night's rows)")
    os.truncate(path, history)
    shutil.rmtree(pristine, ignore_errors=True)
    for _ in range(2):
        run_checked([GOVSTATS, "run", "--data", top, "--out", reports, "--state", pristine, "--full", "--quiet", "--jobs", "2"])
    warm = Contender("warm-grown", "govstats run, warm, the night's rows appended to the export", "2",
                     [GOVSTATS, "run", "--data", top, "--out", reports, "--state", state, "--quiet", "--jobs", "2"],
                     reports, before=lambda: (put_back(pristine, state), grow()))
    warm.shape, warm.state_folder, warm.pristine = "ytd", state, pristine
    reference = Contender("full", "govstats run --full", "2",
                          [GOVSTATS, "run", "--data", top, "--out", full, "--state", full + ".state", "--full", "--quiet", "--jobs", "2"],
                          full, before=grow)
    reference.shape = "ytd"
    return [warm, reference]


# How the bench's lines name the warm runs other than the plain one.
NIGHT_NAMES = {"warm-whole": ", 31st night", "warm-resent": ", night sent again", "warm-grown": ", the export grown by a night"}


def check_nightly(items):
    """A warm run's reports are those of `run --full`, byte for byte; the thirty-first
    night's run wrote its state whole; the night sent again went on from the state
    before that night."""
    lines, ok = [], True
    for whole in (c for c in items if c.key == "warm-whole"):
        left = sorted(n for n in os.listdir(whole.state_folder) if n.startswith("state."))
        ok = ok and not left
        lines.append(f"- {whole.shape}, 31st night: state {'written whole' if not left else 'NOT written whole: ' + ', '.join(left)}")
    for resent in (c for c in items if c.key == "warm-resent"):
        # Gone on from the state: `state` is still the one linked from the pristine folder.
        kept = os.stat(os.path.join(resent.state_folder, "state")).st_ino == os.stat(os.path.join(resent.pristine, "state")).st_ino
        rewritten = os.stat(os.path.join(resent.state_folder, "state.1")).st_ino != os.stat(os.path.join(resent.pristine, "state.1")).st_ino
        ok = ok and kept and rewritten
        lines.append(f"- {resent.shape}, night sent again: "
                     + ("went on from the state before that night (state kept, state.1 written anew)" if kept and rewritten
                        else "did NOT go on from the state before that night"))
    for grown in (c for c in items if c.key == "warm-grown"):
        # Gone on from the state with a delta: `state` is still the one linked from the
        # pristine folder, and the night's delta is there.
        kept = os.stat(os.path.join(grown.state_folder, "state")).st_ino == os.stat(os.path.join(grown.pristine, "state")).st_ino
        delta = os.path.exists(os.path.join(grown.state_folder, "state.1"))
        ok = ok and kept and delta
        lines.append(f"- the export grown by a night: "
                     + ("went on from the state (state kept, state.1 written)" if kept and delta
                        else "did NOT go on from the state"))
    for tag, key in (("2y", "warm"), ("4y", "warm"), ("2y", "warm-whole"), ("4y", "warm-whole"),
                     ("2y", "warm-resent"), ("4y", "warm-resent"), ("ytd", "warm-grown")):
        warm = next((c for c in items if c.key == key and c.shape == tag), None)
        full = next((c for c in items if c.key == "full" and c.shape == tag), None)
        if warm and full:
            compared = filecmp.dircmp(warm.output, full.output)
            same = not (compared.left_only or compared.right_only or compared.diff_files or compared.funny_files) \
                and all(filecmp.cmp(os.path.join(d, n), os.path.join(d.replace(warm.output, full.output, 1), n), shallow=False)
                        for d, _, names in os.walk(warm.output) for n in names)
            ok = ok and same
            night = NIGHT_NAMES.get(key, "")
            lines.append(f"- {tag}{night}: warm run's reports {'equal' if same else 'DIFFER FROM'} `run --full`'s, byte for byte")
    return lines, ok


def dir_bytes(folder):
    return sum(os.path.getsize(os.path.join(d, n)) for d, _, names in os.walk(folder) for n in names)


# ---------------------------------------------------------------- contenders

class Contender:
    def __init__(self, key, label, threads, argv, output, before=None):
        self.key, self.label, self.threads = key, label, threads
        self.argv, self.output, self.before = argv, output, before
        self.wall, self.cpu, self.rss_kib = [], [], []


def contenders(rows, data, full):
    folder = os.path.join(DATA_ROOT, str(rows))
    out = os.path.join(folder, "out")
    os.makedirs(out, exist_ok=True)
    file = os.path.join(data, "alarm_calls.csv")
    skip = set(os.environ.get("BENCH_SKIP", "").split())

    def outdir(name):
        path = os.path.join(out, name)
        return path, (lambda: shutil.rmtree(path, ignore_errors=True))

    items = [Contender("floor", "C floor: libcsv parse only", "1", [FLOOR, file],
                       os.path.join(out, "floor.txt")),
             Contender("floor-groupby", "C group-by over libcsv", "1", [FLOOR, "--group-by", file],
                       os.path.join(out, "floor-groupby.csv")),
             # The least `run` must do on one thread: the parse, and the sha256 that run.json
             # gives for every input, from the same blocks.
             Contender("floor-sha256", "C floor + sha256 (the least `run` does)", "1",
                       [FLOOR, "--sha256", file], os.path.join(out, "floor-sha256.txt")),
             # What the second core is worth on this machine: two floors at once, each over
             # the whole file (wall time until both end; CPU time of both).
             Contender("floor-pair", "C floor, two copies at once", "2",
                       ["/bin/sh", "-c", '"$1" "$2" >/dev/null & first=$!; "$1" "$2" >/dev/null || exit 1; '
                        'wait "$first"', "floor-pair", FLOOR, file], None)]
    for jobs in (1, 2):
        items.append(Contender("validate", "govstats validate", str(jobs),
                               [GOVSTATS, "validate", "--data", data, "--jobs", str(jobs)],
                               os.path.join(out, f"validate-j{jobs}.txt")))
    for jobs in (1, 2):
        path, clear = outdir(f"run-j{jobs}")
        items.append(Contender("run", "govstats run", str(jobs),
                               [GOVSTATS, "run", "--data", data, "--out", path, "--quiet", "--full",
                                "--jobs", str(jobs)], path, before=clear))
    for engine, label in (("duckdb", "DuckDB read_csv + GROUP BY"),
                          ("polars", "polars scan_csv + group_by")):
        for threads in (1, 2):
            target = os.path.join(out, f"{engine}-t{threads}.csv")
            items.append(Contender(engine, label, str(threads),
                                   [VENV_PY, os.path.join(BENCH, "peers.py"), engine, str(threads),
                                    file, target], None))
            items[-1].result = target
    items.append(Contender("miller", "Miller put + count -g", "auto",
                           ["mlr", "--icsv", "--ojson", *MILLER_VERB, file],
                           os.path.join(out, "miller.json")))
    if not full:  # a larger size: what the memory target needs, and the floor for scale
        items = [c for c in items if c.key == "floor" or (c.key == "run" and c.threads == "2")]
    return [c for c in items if c.key not in skip]


def shape_contenders(rows, data, daily, gb):
    """The C floor on the one UTF-8 file (the ratios' reference), then govstats on the
    daily folder with DuckDB and polars over the same files, then govstats and the floor
    on the GB18030 file. DuckDB and polars read UTF-8 only (DuckDB's other encodings come
    from an extension it downloads), so the GB18030 file has no peer."""
    out = os.path.join(DATA_ROOT, str(rows), "out-shapes")
    os.makedirs(out, exist_ok=True)
    skip = set(os.environ.get("BENCH_SKIP", "").split())
    gb_file = os.path.join(gb, "alarm_calls", "alarm_calls.csv")
    items = [Contender("floor", "C floor: libcsv parse only", "1",
                       [FLOOR, os.path.join(data, "alarm_calls.csv")], os.path.join(out, "floor.txt"))]

    def govstats(shape, folder, tag):
        for jobs in (1, 2):
            items.append(Contender("validate", "govstats validate", str(jobs),
                                   [GOVSTATS, "validate", "--data", folder, "--jobs", str(jobs)],
                                   os.path.join(out, f"validate-{tag}-j{jobs}.txt")))
            items[-1].shape = shape
        path = os.path.join(out, f"run-{tag}-j2")
        items.append(Contender("run", "govstats run", "2",
                               [GOVSTATS, "run", "--data", folder, "--out", path, "--quiet", "--full", "--jobs", "2"],
                               path, before=lambda: shutil.rmtree(path, ignore_errors=True)))
        items[-1].shape = shape

    daily_shape = f"{len(os.listdir(os.path.join(daily, 'alarm_calls')))} files"
    govstats(daily_shape, daily, "daily")
    for engine, label in (("duckdb", "DuckDB read_csv + GROUP BY"),
                          ("polars", "polars scan_csv + group_by")):
        target = os.path.join(out, f"{engine}-daily.csv")
        items.append(Contender(engine, label, "2", [VENV_PY, os.path.join(BENCH, "peers.py"), engine, "2",
                                                    os.path.join(daily, "alarm_calls", "*.csv"), target], None))
        items[-1].result, items[-1].shape = target, daily_shape
    items.append(Contender("floor", "C floor: libcsv parse only", "1", [FLOOR, gb_file],
                           os.path.join(out, "floor-gb18030.txt")))
    govstats("GB18030", gb, "gb18030")
    for c in items:
        c.shape = getattr(c, "shape", "GB18030" if gb_file in c.argv else "one file")
    return [c for c in items if c.key not in skip]


TIME_WALL = re.compile(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)")
TIME_RSS = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")
TIME_USER = re.compile(r"User time \(seconds\): ([\d.]+)")
TIME_SYS = re.compile(r"System time \(seconds\): ([\d.]+)")


def measure(c, folder):
    """One run of a contender under /usr/bin/time -v: wall seconds, CPU seconds, peak RSS."""
    if c.before:
        c.before()
    timing = os.path.join(folder, "time.txt")
    errors = os.path.join(folder, "stderr.txt")
    stdout_path = c.output if c.output and not c.before else os.devnull
    with open(stdout_path, "wb") as out, open(errors, "wb") as err:
        code = subprocess.call(["/usr/bin/time", "-v", "-o", timing, *c.argv], stdout=out, stderr=err)
    if code != 0:
        with open(errors, errors="replace") as f:
            tail = f.read()[-2000:]
        raise SystemExit(f"bench: {c.label} ({c.threads}) exited {code}:\n{tail}")
    with open(timing) as f:
        text = f.read()
    h, m, s = TIME_WALL.search(text).groups()
    c.wall.append(int(h or 0) * 3600 + int(m) * 60 + float(s))
    c.cpu.append(float(TIME_USER.search(text).group(1)) + float(TIME_SYS.search(text).group(1)))
    c.rss_kib.append(int(TIME_RSS.search(text).group(1)))


def cpu_busy_seconds():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields[:8]
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def bench_size(rows, data, info, full, repeats):
    items = contenders(rows, data, full)
    return items, interleave(items, rows, [data], repeats, f"{rows:,} rows")


def interleave(items, rows, warm, repeats, tag):
    """Runs every contender `repeats` times, in turn (reversed every other round); returns
    the share of the machine's CPU time other processes took meanwhile."""
    folder = os.path.join(DATA_ROOT, str(rows))
    # warm the page cache and the peers' imports, untimed
    for top in warm:
        for d, _, names in os.walk(top):
            for n in names:
                with open(os.path.join(d, n), "rb") as f:
                    while f.read(1 << 24):
                        pass
    if any(c.key in ("duckdb", "polars") for c in items):
        run_checked([VENV_PY, "-c", "import duckdb, polars"])
    busy0, ours0, wall0 = cpu_busy_seconds(), os.times(), time.monotonic()
    for r in range(repeats):
        order = items if r % 2 == 0 else list(reversed(items))
        for c in order:
            where = f" on {c.shape}" if hasattr(c, "shape") else ""
            log(f"  {tag}, run {r + 1}/{repeats}: {c.label} ({c.threads}){where}")
            measure(c, folder)
            log(f"    {c.wall[-1]:.2f} s, {c.rss_kib[-1] / 1024:.1f} MiB")
    busy1, ours1, wall1 = cpu_busy_seconds(), os.times(), time.monotonic()
    ours = (ours1.children_user + ours1.children_system) - (ours0.children_user + ours0.children_system)
    others = max(0.0, (busy1 - busy0) - ours)
    return others / ((wall1 - wall0) * os.cpu_count())


# ---------------------------------------------------------------- checks

def read_groups_csv(path):
    groups = defaultdict(int)
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            groups[(row["district"], row["month"], row["category"])] += int(row["count"])
    return groups


def read_groups_miller(path):
    groups = defaultdict(int)
    with open(path, encoding="utf-8") as f:
        for row in json.load(f):
            groups[(str(row["district"]), str(row["month"]), str(row["category"]))] += int(row["count"])
    return groups


def govstats_figures(trends_csv):
    """calls and theft_calls per (district, month) from data/trends.csv."""
    calls, theft = {}, {}
    with open(trends_csv, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if (row["dataset"], row["area_level"], row["period_kind"]) != ("alarm_calls", "district", "month"):
                continue
            if row["metric"] == "calls":
                calls[(row["area"], row["period"])] = int(row["value"])
            elif row["metric"] == "theft_calls":
                theft[(row["area"], row["period"])] = int(row["value"])
    return calls, theft


def compare(groups, calls, theft):
    """(ok, detail): a peer's district x month totals and theft subtotals against govstats'."""
    totals, thefts = defaultdict(int), defaultdict(int)
    for (district, month, category), n in groups.items():
        totals[(district, month)] += n
        if category.strip().lower() in THEFT:
            thefts[(district, month)] += n
    bad = [k for k in set(totals) | set(calls) if totals.get(k, 0) != calls.get(k, 0)]
    bad_theft = [k for k in set(thefts) | set(theft) if thefts.get(k, 0) != theft.get(k, 0)]
    detail = (f"{sum(totals.values()):,} rows in {len(totals):,} district-months, "
              f"{sum(thefts.values()):,} theft calls")
    if bad or bad_theft:
        k = sorted(bad or bad_theft)[0]
        detail += (f"; {len(bad)} district-months and {len(bad_theft)} theft subtotals differ, "
                   f"first {k}: peer {totals.get(k, 0)}/{thefts.get(k, 0)}, "
                   f"govstats {calls.get(k, 0)}/{theft.get(k, 0)}")
    return not bad and not bad_theft, detail


class Checks:
    """Lines of MATCH / MISMATCH; ok is False after any mismatch."""

    def __init__(self):
        self.lines, self.ok = [], True

    def add(self, name, good, detail):
        self.ok = self.ok and good
        self.lines.append(f"- {name}: **{'MATCH' if good else 'MISMATCH'}** ({detail})")


def floor_output(c):
    """The C floor's `key=value` output (bytes, records, fields; sha256 with --sha256)."""
    with open(c.output) as f:
        return dict(kv.split("=") for kv in f.read().split())


def floor_counts(c, expected):
    """(good, detail): the C floor parsed the header and `expected` records of 8 fields."""
    counts = floor_output(c)
    good = int(counts["records"]) == expected + 1 and int(counts["fields"]) == 8 * (expected + 1)
    return good, f"{int(counts['records']):,} records, {int(counts['fields']):,} fields"


def same_sha256(c, run_json):
    """(good, detail): the C floor's sha256 of the file is the one govstats gives in run.json."""
    mine = floor_output(c).get("sha256", "")
    with open(run_json, encoding="utf-8") as f:
        theirs = [i["sha256"] for i in json.load(f)["inputs"] if i["dataset"] == "alarm_calls"]
    return theirs == [mine], f"{mine[:16]}… against {', '.join(t[:16] + '…' for t in theirs) or 'none'}"


def validate_totals(c, expected):
    """(good, detail): `govstats validate` accepted `expected` rows, rejected none, found no duplicate."""
    with open(c.output, encoding="utf-8") as f:
        total = next(l for l in f if l.startswith("alarm_calls total")).split()
    accepted, rejected, dups = int(total[3]), int(total[4]), int(total[5])
    return (accepted, rejected, dups) == (expected, 0, 0), \
        f"{accepted:,} accepted, {rejected} rejected, {dups} duplicates"


def check_size(rows, info, items):
    """Lines of MATCH / MISMATCH for this size; ok is False on any mismatch."""
    checks = Checks()
    lines, add = checks.lines, checks.add
    expected = info["distinct"]

    runs = [c for c in items if c.key == "run"]
    if not runs:
        return lines, checks.ok
    trends = os.path.join(runs[-1].output, "data", "trends.csv")
    calls, theft = govstats_figures(trends)
    lines.append(f"- govstats (`run --jobs {runs[-1].threads}`, data/trends.csv): "
                 f"{sum(calls.values()):,} calls in {sum(1 for v in calls.values() if v):,} "
                 f"non-empty district-months, {sum(theft.values()):,} theft calls")
    lines.append(f"- canonical file: {expected:,} distinct records from {info['raw_files']} raw exports "
                 f"({info['rows_read']:,} rows read; {info['duplicates']:,} duplicates and "
                 f"{info['skipped_rejects']} rejected rows dropped, per file as `govstats validate` "
                 f"counts them on the raw exports)")
    add("canonical file row count", sum(calls.values()) == expected,
        f"{sum(calls.values()):,} calls counted, {expected:,} rows in the file")
    if len(runs) == 2:
        cmp = filecmp.dircmp(runs[0].output, runs[1].output)
        same = not cmp.left_only and not cmp.right_only and not cmp.diff_files and all(
            filecmp.cmp(os.path.join(runs[0].output, "data", n), os.path.join(runs[1].output, "data", n),
                        shallow=False) for n in os.listdir(os.path.join(runs[0].output, "data")))
        add("govstats run --jobs 1 vs --jobs 2 (same output bytes)", same, "report files and data/*.csv")
    for c in items:
        if c.key == "floor":
            add("C floor (records and fields parsed)", *floor_counts(c, expected))
        elif c.key == "floor-sha256":
            add("C floor + sha256 (records and fields parsed)", *floor_counts(c, expected))
            add("C floor + sha256 against govstats run.json (the file's sha256)",
                *same_sha256(c, os.path.join(runs[-1].output, "run.json")))
        elif c.key == "validate":
            add(f"govstats validate --jobs {c.threads} (accepted)", *validate_totals(c, expected))
        elif c.key in ("floor-groupby", "duckdb", "polars", "miller"):
            groups = read_groups_miller(c.output) if c.key == "miller" else \
                read_groups_csv(getattr(c, "result", c.output))
            add(f"{c.label} ({c.threads})", *compare(groups, calls, theft))
    return lines, checks.ok


def check_shapes(info, items, reference_items):
    """Lines of MATCH / MISMATCH for the other shapes: govstats must accept every row and
    write the same data/trends.csv as on the one file; the peers' counts must equal it."""
    checks = Checks()
    add = checks.add
    expected = info["distinct"]

    reference = next((c for c in reversed(reference_items) if c.key == "run"), None)
    trends = os.path.join(reference.output, "data", "trends.csv") if reference else None
    calls, theft = govstats_figures(trends) if trends else ({}, {})
    for c in items:
        name = f"{c.label} ({c.threads}) on {c.shape}"
        if c.key == "floor":
            add(name, *floor_counts(c, expected))
        elif c.key == "validate":
            add(name, *validate_totals(c, expected))
        elif c.key == "run" and trends:
            mine = os.path.join(c.output, "data", "trends.csv")
            add(name, filecmp.cmp(mine, trends, shallow=False),
                f"data/trends.csv byte-identical to `run --jobs {reference.threads}` on the one file")
        elif c.key in ("duckdb", "polars") and trends:
            add(name, *compare(read_groups_csv(c.result), calls, theft))
    return checks.lines, checks.ok


# ---------------------------------------------------------------- report

def version(argv):
    try:
        text = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
    except OSError:
        return "?"
    text = text.strip().splitlines()[0] if text.strip() else "?"
    return text


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as f:
        mem_kib = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
    return cpu, mem_kib


def uptime():
    return subprocess.run(["uptime"], stdout=subprocess.PIPE, text=True).stdout.strip()


def timed_cells(c, floor):
    """A contender's median wall time, and its table cells: that time, median CPU time,
    peak RSS (MiB) and the ratio to `floor` (the C floor's median)."""
    wall = statistics.median(c.wall)
    ratio = fmt_ratio(wall / floor) if floor else "–"
    return wall, f"{wall:.2f}", f"{statistics.median(c.cpu):.2f}", f"{max(c.rss_kib) / 1024:.1f}", ratio


def fmt_ratio(x):
    return f"{x:.2f}×"


def provenance():
    """The commit, and whether Sources or Package.swift differ from it."""
    commit = version(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "Sources", "Package.swift"],
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    return commit + (" with uncommitted changes to Sources" if dirty else "")


def main():
    started = time.monotonic()
    # Taken now, when the binary was just built: the sources may change while the bench runs.
    built_from = provenance()
    uptime_start = uptime()
    load_start = os.getloadavg()
    sizes = [int(s) for s in os.environ.get("BENCH_ROWS", "5000000 20000000").split()]
    repeats = int(os.environ.get("BENCH_REPEATS", "3"))
    repeats_large = int(os.environ.get("BENCH_REPEATS_LARGE", "1"))
    full_all = os.environ.get("BENCH_FULL") == "1"
    if not os.access(GOVSTATS, os.X_OK):
        raise SystemExit(f"bench: no govstats binary at {GOVSTATS} (make build)")

    prepared, skipped = [], []
    for rows in sizes:
        data, info = prepare(rows)
        if data:
            prepared.append((rows, data, info))
        else:
            skipped.append(f"{rows:,} rows: not enough memory to prepare the file")
    if not prepared:
        raise SystemExit("bench: no size could be prepared")
    measured, ok_all, check_lines, busy = {}, True, [], []
    for i, (rows, data, info) in enumerate(prepared):
        full = full_all or i == 0
        if i > 0:
            first_rows, (_, first_items) = prepared[0][0], measured[prepared[0][0]]
            first_rss = max((max(c.rss_kib) * 1024 for c in first_items if c.key == "run"), default=0)
            predicted = first_rss * rows / first_rows
            if predicted > 0.7 * mem_available():
                skipped.append(f"{rows:,} rows: govstats run would need about {predicted / 1e9:.1f} GB "
                               f"(linear from {first_rows:,} rows), {mem_available() / 1e9:.1f} GB available")
                log(f"bench {rows:,} rows: skipped ({skipped[-1]})")
                continue
        n = repeats if full else repeats_large
        log(f"bench {rows:,} rows: {n} interleaved run(s) per contender")
        items, share = bench_size(rows, data, info, full, n)
        busy.append((f"{rows:,}-row runs", share))
        lines, ok = check_size(rows, info, items)
        ok_all = ok_all and ok
        check_lines.append((f"{rows:,} rows", lines))
        measured[rows] = (info, items)
    shapes = None
    if os.environ.get("BENCH_SHAPES", "1") != "0" and prepared[0][0] in measured:
        rows, data, info = prepared[0]
        daily, gb, shape_info = prepare_shapes(rows, data)
        items = shape_contenders(rows, data, daily, gb)
        log(f"bench {rows:,} rows in other shapes: {repeats} interleaved run(s) per contender")
        share = interleave(items, rows, [data, daily, gb], repeats, f"{rows:,} rows, other shapes")
        busy.append((f"{rows:,}-row runs in other shapes", share))
        lines, ok = check_shapes(info, items, measured[rows][1])
        ok_all = ok_all and ok
        check_lines.append((f"{rows:,} rows in other shapes", lines))
        shapes = (rows, info, shape_info, items)
    nightly = None
    if os.environ.get("BENCH_NIGHTLY", "1") != "0" and prepared[0][0] in measured:
        rows, data, info = prepared[0]
        two, four, night_info = prepare_nightly(rows, data)
        items = nightly_contenders(rows, data, two, four)
        log(f"bench {rows:,} rows, nightly: {repeats} interleaved run(s) per contender")
        share = interleave(items, rows, [data, two, os.path.join(four, "alarm_calls")], repeats, f"{rows:,} rows, nightly")
        busy.append((f"nightly runs", share))
        lines, ok = check_nightly(items)
        ok_all = ok_all and ok
        check_lines.append((f"{rows:,} rows, nightly", lines))
        nightly = (rows, info, night_info, items)
    uptime_end = uptime()
    total = time.monotonic() - started

    out = []
    cpu, mem_kib = machine()
    today = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    out.append(f"# `make bench` — {today}\n")
    out.append(f"Machine: {os.cpu_count()} cores (`nproc` {os.cpu_count()}), {cpu}, "
               f"{mem_kib / 1048576:.1f} GiB memory, {platform.system()} {platform.release()}.  ")
    duckdb_version = version([VENV_PY, "-c", "import duckdb; print('DuckDB', duckdb.__version__)"])
    polars_version = version([VENV_PY, "-c", "import polars; print('polars', polars.__version__)"])
    libcsv_version = version(["dpkg-query", "-W", "-f", "libcsv ${Version}", "libcsv3"])
    commit, at_end = built_from, provenance()
    if at_end != built_from:
        commit += f" (at the end: {at_end})"
    out.append(f"Tools: govstats {version([GOVSTATS, '--version'])} (commit {commit}); {duckdb_version}; "
               f"{polars_version}; {version(['mlr', '--version'])}; "
               f"{version(['cc', '--version'])} -O2 with {libcsv_version}.  ")
    out.append(f"Load: at start `{uptime_start}`; at end `{uptime_end}`.  ")
    share_text = ", ".join(f"{share * 100:.0f}% (during the {label})" for label, share in busy)
    out.append(f"Share of the machine's CPU time used by other processes while the contenders ran: "
               f"{share_text}.")
    # The load average at the start also counts work that ended just before the bench;
    # the measured share of CPU time during the runs is what says the machine was busy.
    if any(share > 0.1 for _, share in busy):
        out.append("\n**Busy machine:** other work ran alongside (see the load above), which slows "
                   "every figure and the two-thread ones most; ratios are from the same run, "
                   "so they are fairer than the absolute times.")
    out.append("")
    larger = (f" ({repeats_large} at the larger sizes, which only measure the C floor and the memory "
              f"of `govstats run --jobs 2`, unless BENCH_FULL=1)" if len(measured) > 1 and not full_all else "")
    out.append(f"Job: count by district × month × category over one canonical `alarm_calls.csv` "
               f"(distinct records only, 8 contract columns, `received_at` as `YYYY-MM-DD HH:MM:SS`, "
               f"RFC 4180 quoting). Peers take month as the first 7 characters of `received_at` "
               f"and read every column as text; govstats validates every value, dedupes, and `run` "
               f"writes all reports. Median of {repeats} interleaved runs{larger}; wall time and peak RSS "
               f"(the highest of the runs) from `/usr/bin/time -v` (10 ms resolution), MB = 10⁶ bytes. "
               f"DuckDB and polars figures include starting Python and importing the library. "
               f"CPU s is user + system time of all threads: a two-thread run whose CPU time is "
               f"not above its wall time had no second core to use.")
    for line in skipped:
        out.append(f"\nSkipped: {line}.")
    for rows, (info, items) in measured.items():
        out.append("")
        out.append(f"## {rows:,} rows: {info['bytes'] / 1e6:.1f} MB "
                   f"(from {info['raw_files']} raw exports of {info['raw_bytes'] / 1e6:.1f} MB, "
                   f"{info['rows_read']:,} rows; prepared once in {info['prepare_seconds']:.0f} s and cached)\n")
        out.append("| contender | threads | median s | MB/s | CPU s | peak RSS MiB | × C floor |")
        out.append("|---|---|---:|---:|---:|---:|---:|")
        floor = next((statistics.median(c.wall) for c in items if c.key == "floor"), None)
        for c in items:
            wall, seconds, cpu, rss, ratio = timed_cells(c, floor)
            mbs = f"{info['bytes'] / 1e6 / wall:.0f}" if wall > 0 else "–"
            out.append(f"| {c.label} | {c.threads} | {seconds} | {mbs} | {cpu} | {rss} | {ratio} |")

    if shapes:
        rows, info, shape_info, items = shapes
        out.append("")
        out.append(f"## The same {rows:,} rows in other shapes\n")
        out.append(f"As {shape_info['daily_files']} files of {DAILY_ROWS:,} rows, each with its header "
                   f"({shape_info['daily_bytes'] / 1e6:.1f} MB, a year of daily exports), and as one file "
                   f"converted to GB18030 ({shape_info['gb18030_bytes'] / 1e6:.1f} MB, what Excel on a "
                   f"Chinese Windows writes), timed in their own interleaved rounds beside the C floor on "
                   f"the one UTF-8 file, the reference of × C floor. MB/s is of the shape's own bytes. "
                   f"DuckDB and polars read the daily files through a glob; they read UTF-8 only "
                   f"(DuckDB's other encodings come from an extension it downloads), so the GB18030 "
                   f"file has no peer.\n")
        out.append("| shape | contender | threads | median s | MB/s | CPU s | peak RSS MiB | × C floor |")
        out.append("|---|---|---|---:|---:|---:|---:|---:|")
        floor = next((statistics.median(c.wall) for c in items if c.key == "floor" and c.shape == "one file"), None)
        size = {"one file": info["bytes"], "GB18030": shape_info["gb18030_bytes"]}
        for c in items:
            wall, seconds, cpu, rss, ratio = timed_cells(c, floor)
            mbs = f"{size.get(c.shape, shape_info['daily_bytes']) / 1e6 / wall:.0f}"
            out.append(f"| {c.shape} | {c.label} | {c.threads} | {seconds} | {mbs} | {cpu} | {rss} | {ratio} |")

    if nightly:
        rows, info, night_info, items = nightly
        out.append("")
        out.append(f"## The nightly case: {rows:,} rows as {NIGHTS} daily files, plus one new\n")
        out.append(f"Two years: the canonical file's records cut into {night_info['files']} daily files "
                   f"({night_info['bytes_2y'] / 1e6:.1f} MB), the last of them the new night "
                   f"({night_info['new_rows']:,} rows, {night_info['bytes_new'] / 1e6:.1f} MB). Four years: "
                   f"{NIGHTS} more files before them, the same records under other call_ids "
                   f"({night_info['bytes_4y'] / 1e6:.1f} MB, {2 * rows:,} rows). The warm run starts each "
                   f"time from the state full runs over the older files left, the reports they replaced "
                   f"(previous/) included, as a nightly job finds it (put back before the run, untimed: "
                   f"the state linked, previous/ copied), reads the new file and publishes. The "
                   f"31st night's run starts from a state a full run over all but the last "
                   f"{LONGEST_CHAIN} history files left, with a delta for each of them, so it "
                   f"writes the state whole, as one night in {LONGEST_CHAIN + 1} does. The "
                   f"night sent again starts from the state the warm run starts from, with a delta "
                   f"for a first version of the new file one row short (one from its middle), so it goes on from the "
                   f"state before that night and reads the new file. The export grown by a night "
                   f"is the two years' history files as one file, its state from a full run over "
                   f"it, with the new night's rows appended in place before the run (untimed): the "
                   f"run hashes the whole file and parses the rows appended; "
                   f"`run --full` reads every file and "
                   f"writes its state anew; DuckDB and polars group over all {night_info['files']} files of "
                   f"the two years through a glob. Every govstats run here has --jobs 2.\n")
        out.append("| history | contender | threads | median s | CPU s | peak RSS MiB | state MB | × C floor |")
        out.append("|---|---|---|---:|---:|---:|---:|---:|")
        floor = next((statistics.median(c.wall) for c in items if c.key == "floor"), None)
        for c in items:
            _, seconds, cpu, rss, ratio = timed_cells(c, floor)
            state = f"{c.state_bytes / 1e6:.1f}" if hasattr(c, "state_bytes") else ""
            history = {"2y": "2 years", "4y": "4 years", "ytd": "2 years, one file"}.get(c.shape, c.shape)
            out.append(f"| {history} | {c.label} | {c.threads} | {seconds} | {cpu} | {rss} | {state} | {ratio} |")

    # targets
    out.append("\n## Targets (issue 26)\n")
    ref_rows = REFERENCE_ROWS if REFERENCE_ROWS in measured else next(iter(measured))
    info, items = measured[ref_rows]
    note = "" if ref_rows == REFERENCE_ROWS else f" (measured at {ref_rows:,} rows; the targets are set for 5M)"

    def get(key, threads):
        return next((c for c in items if c.key == key and c.threads == str(threads)), None)

    def target(text, value, limit, detail):
        met = value <= limit
        out.append(f"- {text}: **{'MET' if met else 'NOT MET'}** — {detail}{note}")

    def paired(a, b):
        """The median of each round's own ratio a/b: contenders run in turn, so a slow
        spell of the machine slows both of a round's runs, and this ratio moves less
        than the ratio of the medians when one spell falls on some rounds only."""
        ratios = [x / y for x, y in zip(a.wall, b.wall) if y > 0]
        return (f" (median of the {len(ratios)} rounds' own ratios: {statistics.median(ratios):.2f}×)"
                if len(ratios) > 1 else "")

    floor, v2 = get("floor", 1), get("validate", 2)
    if floor and v2:
        a, b = statistics.median(v2.wall), statistics.median(floor.wall)
        target("`govstats validate --jobs 2` ≤ 1.0× the C parse-only floor", a / b, 1.0,
               f"{a:.2f} s / {b:.2f} s = {a / b:.2f}×{paired(v2, floor)}")
        pair, v1 = get("floor-pair", 2), get("validate", 1)
        if pair and v1:
            # Two cores do two floors of work in `p` seconds, so they do (1 + rest) floors
            # within one floor's time only if rest <= 2b/p - 1.
            p, one = statistics.median(pair.wall), statistics.median(v1.wall)
            out.append(f"  - What two cores give here: two copies of the floor at once took {p:.2f} s, "
                       f"{p / b:.2f}× one alone. At that rate `validate --jobs 2` reaches 1.0× only if "
                       f"everything besides libcsv's parse costs at most {2 * b / p - 1:.2f}× the floor's "
                       f"time; with one thread, `validate` took {one / b:.2f}× the floor, that is about "
                       f"{one / b - 1:.2f}× beyond the parse.")
    run2, least = get("run", 2), get("floor-sha256", 1)
    if run2 and least:
        a, b = statistics.median(run2.wall), statistics.median(least.wall)
        target("`govstats run --jobs 2` ≤ 1.0× the one-thread libcsv + sha256 floor", a / b, 1.0,
               f"{a:.2f} s / {b:.2f} s = {a / b:.2f}×{paired(run2, least)}")
    runs = [c for c in items if c.key == "run"]
    if runs:
        peak = max(max(c.rss_kib) for c in runs) * 1024
        target("peak RSS of `govstats run` ≤ 250 MB", peak, 250e6,
               "; ".join(f"--jobs {c.threads}: {max(c.rss_kib) * 1024 / 1e6:.1f} MB "
                         f"({max(c.rss_kib) / 1024:.1f} MiB)" for c in runs))
    if nightly:
        n_rows, n_info, night_info, n_items = nightly

        def night(key, shape):
            return next((c for c in n_items if c.key == key and c.shape == shape), None)
        warm2, polars2 = night("warm", "2y"), night("polars", "2y")
        if warm2 and polars2:
            a, b = statistics.median(warm2.wall), statistics.median(polars2.wall)
            target(f"warm `run` ≤ 0.25× polars' bare group-by over the {night_info['files']} files, 2 threads",
                   a / b, 0.25, f"{a:.2f} s / {b:.2f} s = {a / b:.2f}×{paired(warm2, polars2)}")
        for tag, years in (("2y", "two"), ("4y", "four")):
            warm, full = night("warm", tag), night("full", tag)
            if warm and full:
                a, b = statistics.median(warm.wall), statistics.median(full.wall)
                target(f"warm `run` ≤ 0.15× `run --full`, {years} years of history", a / b, 0.15,
                       f"{a:.2f} s / {b:.2f} s = {a / b:.2f}×{paired(warm, full)}")
        grown, grown_full = night("warm-grown", "ytd"), night("full", "ytd")
        if grown and grown_full:
            a, b = statistics.median(grown.wall), statistics.median(grown_full.wall)
            out.append(f"- The export grown by a night (no target): warm `run` {a:.2f} s / `run --full` "
                       f"{b:.2f} s = {a / b:.2f}×{paired(grown, grown_full)}")
        warms = [c for c in n_items if c.key == "warm"]
        nights = [c for c in n_items if c.key in ("warm", "warm-whole", "warm-resent", "warm-grown")]
        if nights:
            peak = max(max(c.rss_kib) for c in nights) * 1024
            target("peak RSS of a warm run ≤ 100 MB", peak, 100e6,
                   "; ".join(f"{c.shape}{NIGHT_NAMES.get(c.key, '')}: "
                             f"{max(c.rss_kib) * 1024 / 1e6:.1f} MB" for c in nights))
        if warms:
            distinct = {"2y": info["distinct"] - night_info["new_rows"], "4y": 2 * (info["distinct"] - night_info["new_rows"])}
            worst = max(c.state_bytes / distinct[c.shape] for c in warms)
            target("run state ≤ 48 bytes per distinct record", worst, 48,
                   "; ".join(f"{c.shape}: {c.state_bytes / 1e6:.1f} MB / {distinct[c.shape]:,} records = "
                             f"{c.state_bytes / distinct[c.shape]:.1f} B" for c in warms))
    big = [r for r in measured if r > ref_rows]
    if big and runs:
        b_rows = max(big)
        b_info, b_items = measured[b_rows]
        extra = b_info["distinct"] - info["distinct"]
        per = []
        for c in runs:
            other = next((d for d in b_items if d.key == "run" and d.threads == c.threads), None)
            if other:
                per.append((c.threads, (max(other.rss_kib) - max(c.rss_kib)) * 1024 / extra,
                            max(c.rss_kib), max(other.rss_kib)))
        if per:
            worst = max(p[1] for p in per)
            target(f"≤ 48 bytes of peak RSS per extra distinct row, {ref_rows:,} → {b_rows:,} rows",
                   worst, 48, "; ".join(f"--jobs {t}: ({hi / 1024:.1f} − {lo / 1024:.1f} MiB) / "
                                        f"{extra:,} rows = {v:.1f} B" for t, v, lo, hi in per))
    else:
        out.append("- ≤ 48 bytes of peak RSS per extra distinct row: not measured "
                   "(needs a second, larger size in BENCH_ROWS)")

    out.append("\n## Counts: every peer against govstats\n")
    out.append("Each peer's district × month totals (summed over category) against govstats' "
               "`calls` rows of data/trends.csv, and its 盗窃/入室盗窃/扒窃/偷盗 subtotals against "
               "`theft_calls`.\n")
    for label, lines in check_lines:
        out.append(f"{label}:\n")
        out.extend(lines)
        out.append("")
    out.append(f"Total time of this `make bench`: {total / 60:.1f} min "
               f"(data preparation included where it was not cached).")

    text = "\n".join(out) + "\n"
    with open(RESULTS, "w", encoding="utf-8") as f:
        f.write(text)
    print(text)
    log(f"bench: wrote {rel(RESULTS)}")
    if not ok_all:
        log("bench: MISMATCH: a peer's counts differ from govstats'")
        sys.exit(1)


if __name__ == "__main__":
    main()

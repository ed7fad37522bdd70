#!/usr/bin/env python3
"""Derive ONE canonical alarm_calls.csv from the overlapping exports `govstats generate` writes.

Peers (DuckDB, polars, Miller, the C floor) do not dedupe, decode GB18030, map header aliases
or read several date forms, so every contender is timed on a file that holds exactly the
distinct records govstats keeps:

- reads DATA/alarm_calls/*.csv in byte order of their names, each as UTF-8 (BOM allowed)
  when it is valid UTF-8, else as GB18030;
- maps headers (trimmed, case-insensitive) to the contract's columns via the aliases of
  docs/reference.md (the first header that matches a column wins);
- skips every (file, line) that govstats rejected (REJECTS: its rejects/alarm_calls.csv);
- trims values, keeps the last version of each call_id (in the position of its first);
- writes received_at as YYYY-MM-DD HH:MM:SS and the 8 columns in contract order, with
  RFC 4180 minimal quoting (quoted commas and line breaks in disposition are kept).

Python stdlib only. Run once per size; bench.py caches the result.

usage: canonical.py DATA REJECTS_CSV OUT_CSV [EXPECTED_DISTINCT]
"""
import codecs
import csv
import json
import os
import re
import sys

csv.field_size_limit(1 << 30)

# docs/reference.md, the columns of alarm_calls: canonical name, then its aliases.
COLUMNS = [
    ("call_id", ["接警编号", "警情编号"]),
    ("received_at", ["接警时间", "报警时间"]),
    ("district", ["区", "所属区", "行政区"]),
    ("street", ["街镇", "街道"]),
    ("call_type", ["警情类型"]),
    ("category", ["警情类别"]),
    ("response_seconds", ["到场用时", "到场时长"]),
    ("disposition", ["处置结果"]),
]

ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?\Z")
EXCEL = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?\Z")


def normalise_datetime(value):
    m = ISO.match(value) or EXCEL.match(value)
    if not m:
        raise ValueError(f"received_at form not understood: {value!r}")
    y, mo, d, h, mi, s = m.groups()
    return "%s-%02d-%02d %02d:%02d:%02d" % (y, int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))


def quote(value):
    if any(c in value for c in ',"\r\n'):
        return '"' + value.replace('"', '""') + '"'
    return value


def encoding_of(path):
    """utf-8-sig when the whole file is valid UTF-8, else gb18030 (streaming check)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as f:
            while True:
                block = f.read(1 << 20)
                if not block:
                    decoder.decode(b"", final=True)
                    return "utf-8-sig"
                decoder.decode(block)
    except UnicodeDecodeError:
        return "gb18030"


def header_layout(header):
    """For each canonical column, the index of the first header that matches it, or None."""
    names = [h.strip().lower() for h in header]
    layout = []
    for canonical, aliases in COLUMNS:
        wanted = {canonical} | {a.lower() for a in aliases}
        layout.append(next((i for i, n in enumerate(names) if n in wanted), None))
    return layout


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    data, rejects_path, out_path = sys.argv[1:4]
    expected = int(sys.argv[4]) if len(sys.argv) == 5 else None

    rejected = set()
    with open(rejects_path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        for row in reader:
            rejected.add((row[0], int(row[1])))

    folder = os.path.join(data, "alarm_calls")
    names = sorted((n for n in os.listdir(folder) if n.endswith(".csv") and not n.startswith(".")),
                   key=lambda n: n.encode())
    standing = {}  # call_id -> the output line (UTF-8 bytes), last version wins
    stats = {"files": [], "rows_read": 0, "skipped_rejects": 0, "duplicates": 0}
    for name in names:
        rel = "alarm_calls/" + name
        path = os.path.join(folder, name)
        enc = encoding_of(path)
        read = kept = dups = skipped = 0
        with open(path, encoding=enc, newline="") as f:
            reader = csv.reader(f)
            layout = None
            previous_line = 0
            for row in reader:
                start = previous_line + 1
                previous_line = reader.line_num
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                if layout is None:
                    layout = header_layout(row)
                    width = len(row)
                    continue
                read += 1
                if (rel, start) in rejected:
                    skipped += 1
                    continue
                if len(row) != width:
                    raise SystemExit(f"{rel}:{start}: {len(row)} fields, govstats accepted it: "
                                     "the canonical file would not match govstats")
                values = [row[i].strip() if i is not None else "" for i in layout]
                values[1] = normalise_datetime(values[1])
                line = ",".join(quote(v) for v in values).encode() + b"\n"
                key = values[0]
                if key in standing:
                    dups += 1
                standing[key] = line
                kept += 1
        stats["files"].append({"file": rel, "encoding": enc.replace("-sig", ""), "rows_read": read,
                               "skipped_rejects": skipped, "duplicates": dups})
        stats["rows_read"] += read
        stats["skipped_rejects"] += skipped
        stats["duplicates"] += dups
        print(f"  {rel} ({enc.replace('-sig', '')}): {read} rows, {skipped} rejected, {dups} duplicates",
              file=sys.stderr)

    if len(rejected) != stats["skipped_rejects"]:
        raise SystemExit(f"{len(rejected)} rejects listed but {stats['skipped_rejects']} matched a "
                         "(file, line): line numbers disagree with govstats")
    if expected is not None and len(standing) != expected:
        raise SystemExit(f"{len(standing)} distinct call_ids, govstats accepted {expected}")

    tmp = out_path + ".tmp"
    with open(tmp, "wb") as out:
        out.write(",".join(c for c, _ in COLUMNS).encode() + b"\n")
        out.writelines(standing.values())
    os.replace(tmp, out_path)
    stats["distinct"] = len(standing)
    stats["bytes"] = os.path.getsize(out_path)
    print(json.dumps(stats))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Recompute expected.json for every fixture folder next to this script.

Independent of govstats: pure Python (csv, tomllib, json, decimal), written from the data
contract v2, not from the Swift sources. Each fixture folder holds a govstats.toml and one
dataset folder (alarm_calls/, burglary_reports/ or safe_community/); this script reads the
configuration, applies the contract's rules to the CSV files and writes expected.json.

    python3 compute_expected.py           # write every expected.json
    python3 compute_expected.py --check   # exit 1 if an expected.json is not what it would write

Rules implemented (contract v2, the parts these fixtures use):
- Files of a dataset are read in byte order of their names (*.csv, not starting with '.').
  UTF-8, a byte order mark dropped. RFC 4180 records.
- Headers are matched trimmed and case-insensitively; a header named under `columns` wins over
  the canonical name and its aliases. Values are trimmed of white space; empty = missing.
- Every data row is exactly one of accepted, rejected, duplicate (some of which are conflicts),
  filtered. Wrong number of fields: rejected. Then keep/drop (filtered rows are neither
  validated nor deduplicated). Then validation: a required value missing, an unparseable date,
  a date outside `years` (default 1980..2099) or later than today, a score that is not a
  decimal 0..100, text over 1000 characters or holding control characters: rejected. Then the
  key: a valid row whose key was seen before is a duplicate, and a conflict when its parsed
  values on the contract columns (that both rows' files have) differ from the standing
  version. Without latest_by the later row replaces the standing version; with latest_by the
  row with the latest value of that column stands (a tie goes to the row read later).
- Patterns match the whole trimmed value, case-sensitively: `*` any run, `?` one character,
  `\\*`, `\\?`, `\\\\` literal.
- Trends (events datasets): per metric, area (city, district; community for burglary_reports
  as "district/community") and calendar year, the count of standing records. Every year from
  the dataset's first to its last year with a standing record is listed for every area, with
  0 where the area has none that year.
- Compliance (safe_community with period_from = "year"): per period and area (city,
  district) with at least one standing record: assessed, compliant, rate_pct = compliant /
  assessed * 100, one decimal, half away from zero, computed with integers.
"""

import csv
import datetime
import io
import json
import os
import re
import sys
import tomllib
import unicodedata
from decimal import Decimal, InvalidOperation

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------
# Contract: datasets, their columns (table order), types and aliases.

TEXT, DATETIME, COUNT, AMOUNT, SCORE, BOOLEAN, PERIOD = "text", "datetime", "count", "amount", "score", "boolean", "period"

DATASETS = {
    "alarm_calls": {
        "kind": "events",
        "columns": [
            ("call_id", True, TEXT, ["接警编号", "警情编号"]),
            ("received_at", True, DATETIME, ["接警时间", "报警时间"]),
            ("district", True, TEXT, ["区", "所属区", "行政区"]),
            ("street", False, TEXT, ["街镇", "街道"]),
            ("call_type", False, TEXT, ["警情类型"]),
            ("category", True, TEXT, ["警情类别"]),
            ("response_seconds", False, COUNT, ["到场用时", "到场时长"]),
            ("disposition", False, TEXT, ["处置结果"]),
        ],
        "key": ["call_id"],
        "date": "received_at",
    },
    "burglary_reports": {
        "kind": "events",
        "columns": [
            ("case_id", True, TEXT, ["案件编号"]),
            ("reported_at", True, DATETIME, ["报案时间", "立案时间"]),
            ("district", True, TEXT, ["区", "所属区", "行政区"]),
            ("street", False, TEXT, ["街镇", "街道"]),
            ("community", True, TEXT, ["小区", "社区", "居委"]),
            ("premises", False, TEXT, ["场所"]),
            ("loss_yuan", False, AMOUNT, ["损失金额"]),
            ("status", False, TEXT, ["案件状态"]),
        ],
        "key": ["case_id"],
        "date": "reported_at",
    },
    "safe_community": {
        "kind": "assessments",
        "columns": [
            ("community_id", True, TEXT, ["小区编号"]),
            ("community", True, TEXT, ["小区", "小区名称"]),
            ("district", True, TEXT, ["区", "所属区", "行政区"]),
            ("street", False, TEXT, ["街镇", "街道"]),
            ("period", True, PERIOD, ["考评期", "年度"]),
            ("compliant", True, BOOLEAN, ["是否达标"]),
            ("score", False, SCORE, ["得分"]),
            ("assessed_at", False, DATETIME, ["考评时间", "检查时间", "检查日期"]),
        ],
        "key": ["community_id", "period"],
    },
}

DEFAULT_THEFT = ["盗窃", "入室盗窃", "扒窃", "偷盗"]
DEFAULT_ALARM = ["报警"]
DEFAULT_CLEARED = ["已破", "破案", "solved"]

# ---------------------------------------------------------------------------------------
# Patterns


class Pattern:
    def __init__(self, text):
        self.text = text
        out, i = [], 0
        while i < len(text):
            c = text[i]
            if c == "\\" and i + 1 < len(text) and text[i + 1] in "*?\\":
                out.append(re.escape(text[i + 1]))
                i += 2
                continue
            if c == "*":
                out.append(".*")
            elif c == "?":
                out.append(".")
            else:
                out.append(re.escape(c))
            i += 1
        self.regex = re.compile("".join(out), re.DOTALL)

    def matches(self, value):
        return value is not None and self.regex.fullmatch(value) is not None


def any_match(patterns, value):
    return any(p.matches(value) for p in patterns)


# ---------------------------------------------------------------------------------------
# Date and time values: (year, month, day, hour, minute, second), month-precision values
# dated the first of their month.

BUILT_IN = [
    re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2}):(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})"),
    re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
]

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]


def checked(y, mo, d, h=0, mi=0, s=0):
    try:
        datetime.datetime(y, mo, d, h, mi, s)
    except ValueError:
        return None
    return (y, mo, d, h, mi, s)


def parse_builtin(value):
    for rx in BUILT_IN:
        m = rx.fullmatch(value)
        if m:
            parts = [int(g) for g in m.groups()] + [0] * (6 - len(m.groups()))
            return checked(*parts)
    return None


def compile_datetime_format(pattern):
    """LDML subset: yyyy yy y, MM M MMM MMMM, dd d, HH H, hh h, mm m, ss s, S..., a, 'literal'."""
    tokens, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "'":
            if pattern[i + 1:i + 2] == "'":
                tokens.append(("lit", "'"))
                i += 2
                continue
            j, lit = i + 1, ""
            while True:
                if j >= len(pattern):
                    raise ValueError(f"unclosed quote in {pattern!r}")
                if pattern[j] == "'":
                    if pattern[j + 1:j + 2] == "'":
                        lit += "'"
                        j += 2
                        continue
                    break
                lit += pattern[j]
                j += 1
            tokens.append(("lit", lit))
            i = j + 1
            continue
        if c.isascii() and c.isalpha():
            n = 1
            while i + n < len(pattern) and pattern[i + n] == c:
                n += 1
            i += n
            field = {"y": "year", "M": "month", "d": "day", "H": "hour24", "h": "hour12",
                     "m": "minute", "s": "second"}.get(c)
            if c == "y":
                tokens.append(("num", "year", {1: 1, 2: 2, 4: 4}[n], {1: 4, 2: 2, 4: 4}[n], n == 2))
            elif c == "M" and n >= 3:
                tokens.append(("monthname", n == 3))
            elif field:
                if n > 2:
                    raise ValueError(f"unsupported {c * n} in {pattern!r}")
                tokens.append(("num", field, n, 2, False))
            elif c == "S":
                tokens.append(("fraction", n))
            elif c == "a":
                tokens.append(("ampm",))
            else:
                raise ValueError(f"unknown letter {c!r} in {pattern!r}")
            continue
        tokens.append(("lit", c))
        i += 1
    has_day = any(t[0] == "num" and t[1] == "day" for t in tokens)
    return tokens, has_day


def parse_with(compiled, value):
    tokens, has_day = compiled
    f = {"year": None, "month": None, "day": 1, "hour24": None, "hour12": None, "minute": 0, "second": 0}
    pm = None
    i = 0
    for t in tokens:
        if t[0] == "lit":
            if not value.startswith(t[1], i):
                return None
            i += len(t[1])
        elif t[0] == "num":
            _, field, lo, hi, two_digit_year = t
            j = i
            while j < len(value) and j - i < hi and value[j] in "0123456789":
                j += 1
            if j - i < lo:
                return None
            n = int(value[i:j])
            f[field] = 2000 + n if two_digit_year else n
            i = j
        elif t[0] == "monthname":
            for k, name in enumerate(MONTHS):
                cand = name[:3] if t[1] else name
                if value[i:i + len(cand)].lower() == cand:
                    f["month"] = k + 1
                    i += len(cand)
                    break
            else:
                return None
        elif t[0] == "fraction":
            digits = value[i:i + t[1]]
            if len(digits) != t[1] or not digits.isdigit():
                return None
            i += t[1]
        elif t[0] == "ampm":
            low = value[i:i + 2].lower()
            if low in ("am", "pm"):
                pm = low == "pm"
                i += 2
            elif value.startswith("上午", i) or value.startswith("下午", i):
                pm = value.startswith("下午", i)
                i += 2
            else:
                return None
    if i != len(value):
        return None
    hour = 0
    if f["hour12"] is not None:
        if not 1 <= f["hour12"] <= 12:
            return None
        hour = f["hour12"] % 12 + (12 if pm else 0)
    elif f["hour24"] is not None:
        hour = f["hour24"]
    if not (0 <= hour <= 23 and 0 <= f["minute"] <= 59 and 0 <= f["second"] <= 59):
        return None
    return checked(f["year"], f["month"], f["day"], hour, f["minute"], f["second"])


def iso(dt):
    return "%04d-%02d-%02dT%02d:%02d:%02d" % dt


# ---------------------------------------------------------------------------------------
# Reading


def records_with_lines(path):
    """(first line number, fields) per CSV record; the header is line 1."""
    with open(path, "rb") as fh:
        text = fh.read().decode("utf-8-sig")
    consumed = []

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    line_no = 1
    for rec in csv.reader(lines(), strict=True):
        taken = len(consumed)
        consumed.clear()
        yield line_no, rec
        line_no += taken


def norm_header(h):
    return h.strip().casefold()


def has_control(value):
    return any(unicodedata.category(ch) == "Cc" for ch in value)


class Fixture:
    def __init__(self, folder):
        self.folder = folder
        self.name = os.path.basename(folder)
        with open(os.path.join(folder, "govstats.toml"), "rb") as fh:
            self.config = tomllib.load(fh)
        self.city = self.config["report"]["city"]
        found = [d for d in DATASETS if os.path.isdir(os.path.join(folder, d))]
        if len(found) != 1:
            raise SystemExit(f"{folder}: expected exactly one dataset folder, found {found}")
        self.dataset = found[0]
        self.spec = DATASETS[self.dataset]
        self.section = self.config.get(self.dataset, {})
        self.formats = [compile_datetime_format(p) for p in self.section.get("datetime_formats", [])]
        years = self.section.get("years", [1980, 2099])
        self.years = (years[0], years[1])
        self.keep = {c: [Pattern(p) for p in ps] for c, ps in self.section.get("keep", {}).items()}
        self.drop = {c: [Pattern(p) for p in ps] for c, ps in self.section.get("drop", {}).items()}
        self.latest_by = self.section.get("latest_by")
        self.period_from = self.section.get("period_from")
        self.compliant_when = self.section.get("compliant_when")
        self.today = datetime.date.today()

    # -- columns -------------------------------------------------------------------------

    def required(self, name, required):
        if self.dataset == "safe_community" and self.period_from:
            if name == "period":
                return False
            if name == "assessed_at":
                return True
            if name == "compliant":
                return "values" in (self.compliant_when or {})
            if name == "score":
                return "score_at_least" in (self.compliant_when or {})
        return required

    def resolve(self, header, file):
        """canonical column -> index in the header."""
        normalized = [norm_header(h) for h in header]
        configured = self.section.get("columns", {})
        found = {}
        for name, _req, _type, aliases in self.spec["columns"]:
            if name in configured:
                idx = [i for i, h in enumerate(normalized) if h == norm_header(configured[name])]
                if len(idx) > 1:
                    raise SystemExit(f"{file}: header '{configured[name]}' appears twice")
                if idx:
                    found[name] = idx[0]
                    continue
            candidates = [norm_header(n) for n in [name] + aliases]
            idx = [i for i, h in enumerate(normalized) if h in candidates]
            if len(idx) > 1:
                raise SystemExit(f"{file}: headers {idx} could each be '{name}'")
            if idx:
                found[name] = idx[0]
        for name, req, _t, _a in self.spec["columns"]:
            if self.required(name, req) and name not in found:
                raise SystemExit(f"{file}: missing required column '{name}'")
        return found

    def filter_column(self, column, header, found):
        if column in found:
            return found[column]
        idx = [i for i, h in enumerate(header) if norm_header(h) == norm_header(column)]
        if not idx:
            raise SystemExit(f"{self.name}: keep/drop column '{column}' is neither a column of {self.dataset} nor a header")
        return idx[0]

    # -- values --------------------------------------------------------------------------

    def parse_datetime(self, value):
        dt = parse_builtin(value)
        if dt is None:
            for compiled in self.formats:
                dt = parse_with(compiled, value)
                if dt is not None:
                    break
        return dt

    def parse_value(self, typ, value):
        """(ok, parsed, reason)"""
        if typ == TEXT:
            if len(value) > 1000:
                return False, None, "text over 1000 characters"
            if has_control(value):
                return False, None, "text holds a control character"
            return True, value, None
        if typ == DATETIME:
            dt = self.parse_datetime(value)
            if dt is None:
                return False, None, f"'{value}' is not a valid date and time"
            if not self.years[0] <= dt[0] <= self.years[1]:
                return False, None, f"'{value}' is outside the years read"
            if datetime.date(dt[0], dt[1], dt[2]) > self.today:
                return False, None, f"'{value}' is later than today"
            return True, dt, None
        if typ == SCORE:
            if not re.fullmatch(r"\d+(\.\d+)?", value):
                return False, None, f"'{value}' is not a score from 0 to 100"
            d = Decimal(value)
            if d > 100:
                return False, None, f"'{value}' is not a score from 0 to 100"
            return True, d, None
        if typ == COUNT:
            if not value.isdigit():
                return False, None, f"'{value}' is not a whole number"
            return True, int(value), None
        if typ == AMOUNT:
            if not re.fullmatch(r"\d+(\.\d+)?", value):
                return False, None, f"'{value}' is not a decimal number"
            return True, Decimal(value), None
        raise SystemExit(f"{self.name}: column type {typ} is not used by these fixtures")

    # -- the run -------------------------------------------------------------------------

    def run(self):
        data_dir = os.path.join(self.folder, self.dataset)
        names = sorted((n for n in os.listdir(data_dir) if n.endswith(".csv") and not n.startswith(".")),
                       key=lambda n: n.encode("utf-8"))
        store = {}  # key -> record
        files, rejects = [], []
        for name in names:
            path = os.path.join(data_dir, name)
            counts = dict(rows_read=0, accepted=0, rejected=0, duplicates=0, conflicts=0, filtered=0)
            rows = records_with_lines(path)
            _, header = next(rows)
            found = self.resolve(header, name)
            keep = [(self.filter_column(c, header, found), ps) for c, ps in self.keep.items()]
            drop = [(self.filter_column(c, header, found), ps) for c, ps in self.drop.items()]
            present = frozenset(found)
            for line, rec in rows:
                if rec == []:
                    raise SystemExit(f"{name} line {line}: blank line (not expected in these fixtures)")
                counts["rows_read"] += 1
                if len(rec) != len(header):
                    counts["rejected"] += 1
                    rejects.append(dict(file=f"{self.dataset}/{name}", line=line, column="",
                                        reason=f"expected {len(header)} fields, found {len(rec)}"))
                    continue
                values = [v.strip() for v in rec]
                if not all(any_match(ps, values[i] or None) for i, ps in keep) or \
                        any(any_match(ps, values[i] or None) for i, ps in drop):
                    counts["filtered"] += 1
                    continue
                parsed, reason, bad = {}, None, ""
                for col, req, typ, _aliases in self.spec["columns"]:
                    if col not in found:
                        continue
                    v = values[found[col]]
                    if v == "":
                        if self.required(col, req):
                            reason, bad = "required value missing", col
                            break
                        parsed[col] = None
                        continue
                    ok, p, why = self.parse_value(typ, v)
                    if not ok:
                        reason, bad = why, col
                        break
                    parsed[col] = p
                if reason is None and self.dataset == "safe_community" and self.period_from:
                    for col in ("assessed_at", "score"):
                        if self.required(col, False) and parsed.get(col) is None:
                            reason, bad = "required value missing", col
                            break
                if reason is not None:
                    counts["rejected"] += 1
                    rejects.append(dict(file=f"{self.dataset}/{name}", line=line, column=bad, reason=reason))
                    continue
                if self.dataset == "safe_community" and self.period_from:
                    if self.period_from != "year":
                        raise SystemExit("only period_from = \"year\" is implemented here")
                    parsed["period"] = str(parsed["assessed_at"][0])
                key = tuple(parsed[k] for k in self.spec["key"])
                record = dict(values=parsed, present=present, file=name, line=line)
                if key in store:
                    counts["duplicates"] += 1
                    standing = store[key]
                    shared = present & standing["present"]
                    if any(parsed.get(c) != standing["values"].get(c) for c in shared):
                        counts["conflicts"] += 1
                    if self.latest_by:
                        if parsed[self.latest_by] >= standing["values"][self.latest_by]:
                            store[key] = record
                    else:
                        store[key] = record
                else:
                    counts["accepted"] += 1
                    store[key] = record
            files.append(dict(file=f"{self.dataset}/{name}", **counts))
        totals = {k: sum(f[k] for f in files) for k in files[0] if k != "file"}
        if totals["rejected"] * 100 >= totals["rows_read"] * 5:
            raise SystemExit(f"{self.name}: {totals['rejected']} of {totals['rows_read']} rows rejected: 5% or more")
        assert totals["accepted"] == len(store)
        for f in files:
            assert f["rows_read"] == f["accepted"] + f["rejected"] + f["duplicates"] + f["filtered"]
        result = dict(
            fixture=self.name,
            dataset=self.dataset,
            city=self.city,
            note="Computed by compute_expected.py from the CSV files and govstats.toml, independently of govstats.",
            files=files,
            totals=totals,
            distinct_records=len(store),
            rejects=rejects,
        )
        records = [r["values"] for r in store.values()]
        if self.spec["kind"] == "events":
            result.update(self.trends(records))
        else:
            result.update(self.compliance(records))
        return result

    # -- figures -------------------------------------------------------------------------

    def metrics(self):
        if self.dataset == "alarm_calls":
            theft = [Pattern(p) for p in self.section.get("theft_categories", DEFAULT_THEFT)]
            alarm = [Pattern(p) for p in self.section.get("alarm_call_types", DEFAULT_ALARM)]
            mapped_call_type = "call_type" in self.section.get("columns", {})
            return [
                ("calls", lambda r: True),
                ("theft_calls", lambda r: any_match(theft, r["category"])),
                ("alarm_calls", (lambda r: any_match(alarm, r.get("call_type"))) if mapped_call_type else (lambda r: True)),
            ]
        cleared = [Pattern(p) for p in self.section.get("cleared_statuses", DEFAULT_CLEARED)]
        out = [("burglaries", lambda r: True)]
        if "status" in self.section.get("columns", {}):
            out.append(("cleared", lambda r: any_match(cleared, r.get("status"))))
        return out

    def trends(self, records):
        date_col = self.spec["date"]
        first = min(r[date_col] for r in records)
        last = max(r[date_col] for r in records)
        years = list(range(first[0], last[0] + 1))
        levels = [("city", lambda r: self.city), ("district", lambda r: r["district"])]
        if self.dataset == "burglary_reports":
            levels.append(("community", lambda r: f"{r['district']}/{r['community']}"))
        rows = []
        for metric, test in self.metrics():
            for level, area_of in levels:
                areas = sorted({area_of(r) for r in records})
                for area in areas:
                    for year in years:
                        value = sum(1 for r in records if area_of(r) == area and r[date_col][0] == year and test(r))
                        rows.append(dict(metric=metric, level=level, area=area, year=year, value=value))
        summary = {}
        for metric, test in self.metrics():
            summary[metric] = {str(y): sum(1 for r in records if r[date_col][0] == y and test(r)) for y in years}
        return dict(first_record=iso(first), last_record=iso(last), city_by_year=summary, trends_year=rows)

    def compliance(self, records):
        threshold = self.compliant_when.get("score_at_least")
        values = [Pattern(p) for p in self.compliant_when.get("values", [])]

        def is_compliant(r):
            if threshold is not None:
                return r["score"] >= Decimal(str(threshold))
            return any_match(values, r["compliant"])

        rows = []
        periods = sorted({r["period"] for r in records})
        for level, area_of in [("city", lambda r: self.city), ("district", lambda r: r["district"])]:
            for area in sorted({area_of(r) for r in records}):
                for period in periods:
                    group = [r for r in records if area_of(r) == area and r["period"] == period]
                    if not group:
                        continue
                    assessed = len(group)
                    compliant = sum(1 for r in group if is_compliant(r))
                    tenths, rem = divmod(compliant * 1000, assessed)
                    if 2 * rem >= assessed:
                        tenths += 1
                    rows.append(dict(level=level, area=area, period=period, assessed=assessed,
                                     compliant=compliant, rate_pct=float(Decimal(tenths) / 10),
                                     rate_pct_text=f"{tenths // 10}.{tenths % 10}"))
        first = min(r["assessed_at"] for r in records)
        last = max(r["assessed_at"] for r in records)
        return dict(first_record=iso(first), last_record=iso(last), compliance=rows)


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for entry in sorted(os.listdir(HERE)):
        folder = os.path.join(HERE, entry)
        if not os.path.isfile(os.path.join(folder, "govstats.toml")):
            continue
        result = Fixture(folder).run()
        text = json.dumps(result, ensure_ascii=False, indent=1) + "\n"
        target = os.path.join(folder, "expected.json")
        if check:
            old = open(target, encoding="utf-8").read() if os.path.exists(target) else None
            if old != text:
                stale.append(target)
        else:
            with open(target, "w", encoding="utf-8") as fh:
                fh.write(text)
        t = result["totals"]
        print(f"{entry}: {result['dataset']} rows_read={t['rows_read']} accepted={t['accepted']} "
              f"rejected={t['rejected']} duplicates={t['duplicates']} conflicts={t['conflicts']} filtered={t['filtered']}")
    if stale:
        print("stale:", *stale, sep="\n  ")
        sys.exit(1)


if __name__ == "__main__":
    main()

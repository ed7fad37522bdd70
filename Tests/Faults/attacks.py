"""Attacks of a hostile or careless user (issue "Reliability, round two"), as a table.

Each row: a name, a setup that makes the data (and anything else) and returns the command,
the expected exit code, and what must hold after: the published reports unchanged, or an
expected output. `check_attacks(suite)` runs every row through `run.py`'s suite, so each
prints PASS or FAIL and counts in its closing `N passed, N failed`.
"""

import grp
import os
import re
import shutil
import stat
import subprocess
import time

HEADER = "call_id,received_at,district,street,call_type,category,response_seconds,disposition\n"


def write(path, text, mode="w"):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, mode) as f:
        f.write(text)


def tree(root):
    """{relative path: bytes} of a folder."""
    out = {}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, root)] = f.read()
    return out


class Attack:
    def __init__(self, name, setup, rc, after=None, published=True):
        """`setup(ctx)` returns argv (without the binary); `after(ctx, proc)` returns
        (ok, detail); `published`: a run's reports already stand in ctx.out and must be
        byte-identical after the attack (for every failing exit)."""
        self.name, self.setup, self.rc, self.after, self.published = name, setup, rc, after, published


class Context:
    def __init__(self, suite, index):
        self.suite = suite
        self.root = suite.path("attacks", f"a{index:02d}")
        os.makedirs(self.root)
        self.data = os.path.join(self.root, "data")
        shutil.copytree(suite.path(suite.small_data()), self.data)
        self.out = os.path.join(self.root, "out")

    def path(self, *parts):
        return os.path.join(self.root, *parts)

    def run(self, argv, **env):
        environment = dict(os.environ, **env)
        return subprocess.run([self.suite.binary] + argv, capture_output=True, text=True, errors="replace",
                              timeout=self.suite.args.timeout, env=environment, cwd=self.root)

    def publish(self):
        p = self.run(["run", "--data", self.data, "--out", self.out, "--quiet"])
        if p.returncode != 0:
            raise RuntimeError(f"the first run exited {p.returncode}: {p.stderr.strip()[:300]}")
        return tree(self.out)


def run_out(ctx, *extra):
    return ["run", "--data", ctx.data, "--out", ctx.out, "--quiet"] + list(extra)


# ---------------------------------------------------------------- setups and checks

def future_row(ctx):
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"),
          HEADER + "F1,2028-02-27 10:00:00,宝山区,罗店镇,报警,盗窃,1,ok\nF2,2099-12-31 00:00:00,宝山区,罗店镇,报警,盗窃,1,ok\n")
    return run_out(ctx)


def future_after(ctx, p):
    rejects = open(os.path.join(ctx.out, "rejects", "alarm_calls.csv"), encoding="utf-8").read()
    trends = open(os.path.join(ctx.out, "data", "trends.csv"), encoding="utf-8").read()
    ok = rejects.count("is in the future") == 2 and "2028" not in trends and "2099" not in trends
    return ok, f"2 rows rejected as in the future, no 2028 or 2099 period: {ok}"


def long_district(ctx):
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"), HEADER + "L1,2018-01-02 10:00:00," + "A" * 1_000_000 + ",,报警,盗窃,1,ok\n")
    return run_out(ctx)


def long_after(ctx, p):
    size = sum(len(v) for v in tree(ctx.out).values())
    rejects = open(os.path.join(ctx.out, "rejects", "alarm_calls.csv"), encoding="utf-8").read()
    ok = "is too long (1000000 characters, at most 1000)" in rejects and size < 50_000_000
    return ok, f"rejected as too long; reports {size} bytes"


def many_districts(ctx):
    rows = "".join(f"M{i},2018-01-02 10:00:00,街 {i},,报警,盗窃,1,ok\n" for i in range(20_000))
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"), HEADER + rows)
    return run_out(ctx, "--max-reject-pct", "100")


def group_and_mode(ctx):
    os.chmod(ctx.out, 0o2750)
    gid = os.getgid()
    if os.geteuid() == 0:
        try:
            gid = grp.getgrnam("nogroup").gr_gid
        except KeyError:
            gid = 65534
        os.chown(ctx.out, -1, gid)
    ctx.expected = (0o2750, gid)
    return run_out(ctx)


def mode_after(ctx, p):
    info = os.stat(ctx.out)
    got = (stat.S_IMODE(info.st_mode), info.st_gid)
    return got == ctx.expected, f"mode {oct(got[0])} group {got[1]} (expected {oct(ctx.expected[0])} {ctx.expected[1]})"


def umask_077(ctx):
    os.chmod(ctx.out, 0o755)
    return ["__umask077__"] + run_out(ctx)


def umask_after(ctx, p):
    mode = stat.S_IMODE(os.stat(ctx.out).st_mode)
    return mode == 0o755, f"mode {oct(mode)} (expected 0o755, the folder's own)"


def mapping_mistake(ctx):
    write(os.path.join(ctx.data, "govstats.toml"), '[alarm_calls]\ncolumns = { call_id = "district" }\n')
    return run_out(ctx)


def nul_config(ctx):
    write(os.path.join(ctx.data, "govstats.toml"), "[alarm_calls]\nencoding = \"utf-8\"\n\0\nbogus = 1\n")
    return run_out(ctx)


def lock_symlink(ctx):
    ctx.target = ctx.path("lock-target")
    lock = os.path.join(os.path.dirname(ctx.out), ".out.lock")
    os.remove(lock)
    os.symlink(ctx.target, lock)
    return run_out(ctx)


def lock_symlink_after(ctx, p):
    return not os.path.exists(ctx.target), f"link target created: {os.path.exists(ctx.target)}"


def control_characters(ctx):
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"),
          HEADER + "C1,2018-01-02 10:00:00,A\0B,,报警,盗窃,1,ok\nC2,2018-01-02 10:00:00,\x1b]0;pwned\x07,,报警,盗窃,1,ok\n")
    return run_out(ctx)


def control_after(ctx, p):
    raw = b"".join(v for k, v in tree(ctx.out).items() if not k.startswith("rejects"))
    ok = b"\0" not in raw and b"\x1b" not in raw
    return ok, f"no NUL or ESC outside rejects/: {ok}"


def forged_name(ctx):
    write(os.path.join(ctx.data, "alarm_calls", "x\ngovstats: all 3 datasets OK\x1b[2J.csv"), "call_id\nA\n")
    return ["validate", "--data", ctx.data]


def forged_after(ctx, p):
    lines = p.stderr.splitlines()
    ok = "\x1b" not in p.stderr and all(line.startswith("govstats: ") for line in lines) and len(lines) == 1
    return ok, f"stderr: {p.stderr.strip()[:200]!r}"


def mount_point(ctx):
    if os.geteuid() != 0:
        return None
    os.makedirs(ctx.path("mnt"))
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", ctx.path("mnt")], capture_output=True).returncode != 0:
        return None
    ctx.suite.mounts.append(ctx.path("mnt"))
    return ["run", "--data", ctx.data, "--out", ctx.path("mnt"), "--quiet"]


def mount_after(ctx, p):
    ok = "is a mount point" in p.stderr and not os.listdir(ctx.path("mnt"))
    return ok, p.stderr.strip()[:200]


def out_in_data(ctx):
    return ["run", "--data", ctx.data, "--out", os.path.join(ctx.data, "alarm_calls", "reports.csv"), "--quiet"]


def out_in_data_after(ctx, p):
    ok = not os.path.exists(os.path.join(ctx.data, "alarm_calls", "reports.csv")) and "inside the data folder" in p.stderr
    return ok, p.stderr.strip()[:200]


def rejects_into_reports(ctx):
    return ["validate", "--data", ctx.data, "--rejects", os.path.join(ctx.out, "rejects")]


def generate_root(ctx):
    return ["generate", "--out", "/", "--rows", "10", "--quiet"]


def generate_root_after(ctx, p):
    return not os.path.exists("/alarm_calls"), f"/alarm_calls exists: {os.path.exists('/alarm_calls')}"


def generate_symlink(ctx):
    gen = ctx.path("gen")
    p = ctx.run(["generate", "--out", gen, "--rows", "10", "--quiet"])
    if p.returncode != 0:
        raise RuntimeError(p.stderr)
    first = sorted(os.listdir(os.path.join(gen, "alarm_calls")))[0]
    ctx.victim = ctx.path("victim.txt")
    write(ctx.victim, "keep me\n")
    os.remove(os.path.join(gen, "alarm_calls", first))
    os.symlink(ctx.victim, os.path.join(gen, "alarm_calls", first))
    return ["generate", "--out", gen, "--rows", "10", "--quiet"]


def generate_symlink_after(ctx, p):
    kept = open(ctx.victim).read() == "keep me\n"
    return kept, f"the link's target kept: {kept}; {p.stderr.strip()[:160]}"


def look_alikes(ctx):
    rows = "".join(f"Z{i},2018-01-02 10:00:00,{name},,报警,盗窃,1,ok\n"
                   for i, name in enumerate(["\u200b宝山区", "宝山区\u200d", "\u202e区山宝"]))
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"), HEADER + rows)
    return run_out(ctx)


def look_alikes_after(ctx, p):
    names = os.listdir(ctx.out)
    rejects = open(os.path.join(ctx.out, "rejects", "alarm_calls.csv"), encoding="utf-8").read()
    ok = rejects.count("invisible format character") == 3 and not any(("\u200b" in n or "\u200d" in n or "\u202e" in n) for n in names)
    return ok, f"3 rows rejected: {rejects.count('invisible format character')}; look-alike pages: {[n for n in names if not n.isascii() and '区' in n and len(n) > 14]}"


def gzip_named_csv(ctx):
    import gzip
    with open(os.path.join(ctx.data, "alarm_calls", "a.csv"), "rb") as f:
        data = gzip.compress(f.read(), mtime=0)
    with open(os.path.join(ctx.data, "alarm_calls", "zz.csv"), "wb") as f:
        f.write(data)
    return run_out(ctx)


def utf32(ctx):
    with open(os.path.join(ctx.data, "alarm_calls", "zz.csv"), "wb") as f:
        f.write(HEADER.encode("utf-32"))
    return run_out(ctx)


def empty_folder(ctx):
    os.makedirs(os.path.join(ctx.data, "burglary_reports"))
    return run_out(ctx)


def empty_folder_after(ctx, p):
    ok = "burglary_reports/ holds no .csv file" in p.stderr
    return ok, p.stderr.strip()[:200]


def empty_list(ctx):
    write(os.path.join(ctx.data, "govstats.toml"), "[alarm_calls]\ntheft_categories = []\n")
    return run_out(ctx)


def empty_pattern(ctx):
    write(os.path.join(ctx.data, "govstats.toml"), '[burglary_reports]\ncleared_statuses = [""]\n')
    return run_out(ctx)


def zero_percent(ctx):
    rows = "".join(f"G{i},2018-01-02 10:00:00,宝山区,,报警,盗窃,1,ok\n" for i in range(2000))
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"), HEADER + rows + "B1,bad,宝山区,,报警,盗窃,1,ok\n")
    return run_out(ctx, "--max-reject-pct", "0")


def repeated_headers(ctx):
    write(os.path.join(ctx.data, "alarm_calls", "zz.csv"), ",".join(["call_id"] * 10_000) + "\n")
    return ["validate", "--data", ctx.data]


def short_error(ctx, p):
    longest = max((len(line) for line in p.stderr.splitlines()), default=0)
    return longest <= 2200, f"longest stderr line {longest} characters"


ATTACKS = [
    Attack("1 a future-dated row does not move the as-of date", future_row, 0, future_after, published=False),
    Attack("2 a 1,000,000-character district is a rejected row", long_district, 0, long_after, published=False),
    Attack("2 20,000 districts from a wrong column are refused", many_districts, 3,
           lambda c, p: ("distinct districts" in p.stderr, p.stderr.strip()[:200])),
    Attack("3 --out keeps its mode, group and setgid bit", group_and_mode, 0, mode_after, published=False),
    Attack("3 --out keeps its mode under umask 077", umask_077, 0, umask_after, published=False),
    Attack("4 one header mapped to two columns is a usage error", mapping_mistake, 2,
           lambda c, p: ("would be read as both 'call_id' and 'district'" in p.stderr, p.stderr.strip()[:200])),
    Attack("5 a NUL byte in govstats.toml is a usage error", nul_config, 2,
           lambda c, p: ("holds a NUL byte" in p.stderr, p.stderr.strip()[:200])),
    Attack("6 the lock does not follow a symbolic link", lock_symlink, 1, lock_symlink_after),
    Attack("7 control characters in a district never reach the outputs", control_characters, 0, control_after, published=False),
    Attack("7 a file name cannot forge a line or drive the terminal", forged_name, 3, forged_after),
    Attack("8 --out on a mount point is refused before any work", mount_point, 2, mount_after),
    Attack("9 --out inside the data folder is refused", out_in_data, 2, out_in_data_after),
    Attack("11 validate --rejects into published reports is refused", rejects_into_reports, 2,
           lambda c, p: ("reports folder that govstats run published" in p.stderr, p.stderr.strip()[:200])),
    Attack("12 generate --out / is refused", generate_root, 2, generate_root_after),
    Attack("12 generate does not write through a link", generate_symlink, 1, generate_symlink_after),
    Attack("13 look-alike district names are rejected rows", look_alikes, 0, look_alikes_after, published=False),
    Attack("a gzip file named .csv is named as such", gzip_named_csv, 3,
           lambda c, p: ("it is a gzip file" in p.stderr, p.stderr.strip()[:200])),
    Attack("a UTF-32 byte order mark is named as such", utf32, 3,
           lambda c, p: ("UTF-32 byte order mark" in p.stderr, p.stderr.strip()[:200])),
    Attack("an empty dataset folder is warned of", empty_folder, 0, empty_folder_after, published=False),
    Attack("theft_categories = [] is refused", empty_list, 2, lambda c, p: ("empty list" in p.stderr, p.stderr.strip()[:200])),
    Attack('cleared_statuses = [""] is refused', empty_pattern, 2, lambda c, p: ("empty pattern" in p.stderr, p.stderr.strip()[:200])),
    Attack("a share under 0.1% is not printed as 0.0%", zero_percent, 3,
           lambda c, p: (re.search(r"alarm_calls: 0\.0*[1-9][0-9]*% of rows rejected", p.stderr) is not None, p.stderr.strip()[:200])),
    Attack("10,000 repeated headers give a short error", repeated_headers, 3, short_error),
]


def lock_probe(path):
    """True while another process holds the flock on `path`."""
    import fcntl
    try:
        with open(path, "a") as f:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(f, fcntl.LOCK_UN)
            return False
    except BlockingIOError:
        return True
    except OSError:
        return False


def check_concurrent(suite):
    """10: the lock file removed while a run works lets a second run start, but it must not
    take the first's staging folder: both exit 0 and the reports are whole. 11: a second
    validate --rejects on the same folder while one works exits 1 naming the lock."""
    refs = suite.references()
    ref = refs["A"]
    out = "attacks/overlap-out"
    os.makedirs(suite.path("attacks"), exist_ok=True)
    first = suite.spawn(suite.run_args(ref, out))
    lock = os.path.join(suite.path("attacks"), ".overlap-out.lock")
    deadline = time.monotonic() + 30
    while not first.poll() and not lock_probe(lock) and time.monotonic() < deadline:
        time.sleep(0.005)
    if first.poll():
        suite.skip("attack 10 a removed lock file lets no run take another's staging", "the first run ended before the lock could be removed")
    else:
        os.remove(lock)
        second = suite.run(suite.run_args(ref, out))
        first.wait(suite.args.timeout)
        whole = tree(suite.path(out))
        expected = tree(suite.path("ref-A"))
        ok = first.rc == 0 and second.rc == 0 and whole == expected
        suite.result("attack 10 a removed lock file lets no run take another's staging", ok,
                     f"first exit {first.rc}, second exit {second.rc}; reports whole: {whole == expected}; "
                     f"stderr: {first.stderr().strip()[:160]!r} {second.stderr().strip()[:160]!r}")
        second.close()
    first.close()

    rejects = "attacks/rejects-race"
    first = suite.spawn(["validate", "--data", ref["data"], "--rejects", rejects, "--jobs", "1"])
    lock = os.path.join(suite.path("attacks"), ".rejects-race.lock")
    deadline = time.monotonic() + 30
    while not first.poll() and not lock_probe(lock) and time.monotonic() < deadline:
        time.sleep(0.005)
    if first.poll():
        suite.skip("attack 11 two validate --rejects at once", "the first validate ended before the second could start")
    else:
        second = suite.run(["validate", "--data", ref["data"], "--rejects", rejects])
        first.wait(suite.args.timeout)
        ok = second.rc == 1 and "another govstats validate is writing" in second.stderr() and first.rc == 0
        suite.result("attack 11 two validate --rejects at once", ok,
                     f"second exit {second.rc}: {second.stderr().strip()[:160]!r}; first exit {first.rc}")
        second.close()
    first.close()


def check_attacks(suite):
    for index, attack in enumerate(ATTACKS):
        ctx = Context(suite, index)
        try:
            before = ctx.publish()
            argv = attack.setup(ctx)
            if argv is None:
                suite.skip(attack.name, "needs root to mount a tmpfs")
                continue
            umask = None
            if argv and argv[0] == "__umask077__":
                argv = argv[1:]
                umask = os.umask(0o077)
            started = time.monotonic()
            try:
                p = ctx.run(argv)
            finally:
                if umask is not None:
                    os.umask(umask)
            seconds = time.monotonic() - started
            problems = []
            if p.returncode != attack.rc:
                problems.append(f"exit {p.returncode}, expected {attack.rc}")
            if attack.published and tree(ctx.out) != before:
                problems.append("the published reports changed")
            detail = ""
            if attack.after:
                ok, detail = attack.after(ctx, p)
                if not ok:
                    problems.append(detail)
            if problems:
                suite.result(f"attack {attack.name}", False, "; ".join(problems) + f" (stderr: {p.stderr.strip()[:300]!r})")
            else:
                suite.result(f"attack {attack.name}", True, f"exit {p.returncode} in {seconds:.2f} s; {detail}")
        except Exception as error:  # a broken attack is a failed attack
            suite.result(f"attack {attack.name}", False, f"the test itself failed: {type(error).__name__}: {error}")
    check_concurrent(suite)

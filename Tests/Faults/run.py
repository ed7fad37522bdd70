#!/usr/bin/env python3
"""Fault injection and hostile inputs against a built `govstats` binary (issue 4, "Faults").

    python3 Tests/Faults/run.py --binary .build/debug/govstats [options]

Checks (each prints `PASS name: detail` or `FAIL name: detail`; `SKIP name: why` is not counted):

  kill -9 loop       `govstats run` on the same output folder killed with SIGKILL at random
                     moments (deterministic seed): after every kill the published folder is
                     byte for byte the previous complete reports or the new complete ones,
                     the lock is free, and a later run exits 0 and leaves no staging folder.
  full disk          the output folder on a small tmpfs: the run exits 1 naming the disk,
                     the previous reports are untouched, no staging folder is left. The run
                     state's folder on a full tmpfs (with one job and two, and on the night
                     the index of keys grows): the reports are published, the state is left
                     as it was, with one warning.
  two runs at once   a second run on the same folder exits 1 at once naming the lock; the
                     first completes with the same bytes as a clean run. A lock left by a
                     killed run does not block the next one.
  inputs             unreadable file or folder, an --out folder that is not writable (run as
                     nobody), a folder named x.csv, a link loop, a dangling
                     link, a FIFO, a link to /dev/zero, an empty file, a header-only file, NUL
                     bytes, a 50 MB field, a 1 GB file without a line break (sparse), a long
                     line of small fields, an unclosed quote: exact exit codes, the file
                     named, peak memory; failing runs leave the published reports as they were.

The kill loop lets a run complete after every --complete-every'th kill (default 5) and after
the last; every kill is followed by a lock probe and by the staging checks of the next run.
`--complete-every 1` completes a run after every kill (about twice the time).

Everything is written under one temporary folder, removed at the end (tmpfs unmounted).
Standard library only. Exit 1 if any check failed. The last line is `N passed, M failed`.
"""

import argparse
import fcntl
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HEADER = b"call_id,received_at,district,street,call_type,category,response_seconds,disposition\n"
MiB = 1 << 20


# ---------------------------------------------------------------- processes

class Proc:
    """A child process in its own process group, reaped only by this script (os.wait4).

    Peak memory (`measure`): the peak RSS of a child of Python counts Python's own memory at
    the fork (ru_maxrss survives exec), so it is taken from GNU time (`/usr/bin/time -f %M`,
    whose child starts small) or, without it, sampled from /proc/PID/status VmHWM."""

    def __init__(self, suite, argv, cwd, prefix=(), measure=False):
        self.suite = suite
        self.rss_file = None
        if measure and suite.gnu_time:
            fd, self.rss_file = tempfile.mkstemp(dir=suite.tmp, suffix=".rss")
            os.close(fd)
            prefix = (suite.gnu_time, "-f", "%M", "-o", self.rss_file) + tuple(prefix)
        self.sample = measure and not suite.gnu_time
        self.argv = list(prefix) + list(argv)
        self.out = tempfile.TemporaryFile(dir=suite.tmp)
        self.err = tempfile.TemporaryFile(dir=suite.tmp)
        self.t0 = time.monotonic()
        self.popen = subprocess.Popen(self.argv, cwd=cwd, stdin=subprocess.DEVNULL,
                                      stdout=self.out, stderr=self.err, start_new_session=True)
        self.pid = self.popen.pid
        self.rc = None
        self.seconds = None
        self.maxrss_kb = None
        self.sampled_kb = 0
        self.timed_out = False
        suite.children.append(self)

    def poll(self):
        """True once the process has ended (and is reaped)."""
        if self.rc is not None:
            return True
        if self.sample:
            try:
                with open(f"/proc/{self.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            self.sampled_kb = max(self.sampled_kb, int(line.split()[1]))
            except (OSError, ValueError):
                pass
        pid, status, usage = os.wait4(self.pid, os.WNOHANG)
        if pid == 0:
            return False
        self._reaped(status, usage)
        return True

    def _reaped(self, status, usage):
        self.seconds = time.monotonic() - self.t0
        self.rc = os.waitstatus_to_exitcode(status)
        self.popen.returncode = self.rc  # so that Popen never reaps it (or anything) itself
        if self.rss_file:
            try:
                with open(self.rss_file) as f:
                    self.maxrss_kb = int(f.read().split()[-1])
            except (OSError, ValueError, IndexError):
                self.maxrss_kb = None
        elif self.sample:
            self.maxrss_kb = self.sampled_kb or None

    def kill(self):
        """SIGKILL to its process group unless already reaped (its ids cannot be reused before)."""
        if self.rc is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def wait(self, timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.poll():
            if deadline is not None and time.monotonic() > deadline:
                self.timed_out = True
                self.kill()
                _, status, usage = os.wait4(self.pid, 0)
                self._reaped(status, usage)
                break
            time.sleep(0.005)
        return self

    def stdout(self):
        self.out.seek(0)
        return self.out.read().decode("utf-8", "replace")

    def stderr(self):
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")

    def close(self):
        self.out.close()
        self.err.close()


# ---------------------------------------------------------------- file trees

def tree_digest(root):
    """{relative path: ('d',) | ('f', sha256) | ('l', target)} or None if root is missing."""
    if not os.path.isdir(root):
        return None
    result = {}
    for folder, dirs, files in os.walk(root):
        rel_folder = os.path.relpath(folder, root)
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.normpath(os.path.join(rel_folder, name))
            if os.path.islink(path):
                result[rel] = ("l", os.readlink(path))
            elif os.path.isdir(path):
                result[rel] = ("d",)
            else:
                h = hashlib.sha256()
                with open(path, "rb") as f:
                    for block in iter(lambda: f.read(MiB), b""):
                        h.update(block)
                result[rel] = ("f", h.hexdigest())
    return result


def describe_tree(tree, refs):
    """How a tree that matches none of refs differs: which files match which reference."""
    if tree is None:
        return "the output folder is MISSING"
    parts = []
    for name, ref in refs.items():
        same = sum(1 for k, v in tree.items() if ref.get(k) == v)
        missing = sum(1 for k in ref if k not in tree)
        extra = sum(1 for k in tree if k not in ref)
        parts.append(f"{same} entries equal {name}, {missing} of {name}'s missing, {extra} not in {name}")
    return f"a MIX/partial folder of {len(tree)} entries: " + "; ".join(parts)


def file_count(tree):
    return sum(1 for v in tree.values() if v[0] == "f")


def staging_folders(out):
    parent = os.path.dirname(os.path.abspath(out))
    prefix = "." + os.path.basename(out) + ".staging-"
    return sorted(e for e in os.listdir(parent) if e.startswith(prefix))


def lock_path(out):
    return os.path.join(os.path.dirname(os.path.abspath(out)), "." + os.path.basename(out) + ".lock")


def lock_is_free(out):
    """True if the output folder's lock file is absent or can be locked at once."""
    path = lock_path(out)
    if not os.path.exists(path):
        return True
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def inode(path):
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def human(size):
    for unit, scale in (("GiB", 1 << 30), ("MiB", MiB), ("KiB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def fmt_s(seconds):
    return f"{seconds:.2f} s"


def span(values):
    if not values:
        return "-"
    return f"{min(values):.2f}-{max(values):.2f} s" if len(values) > 1 else fmt_s(values[0])


# ---------------------------------------------------------------- the suite

class Suite:
    def __init__(self, args):
        self.args = args
        self.binary = os.path.abspath(args.binary)
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.children = []
        self.mounts = []
        self.tmp = tempfile.mkdtemp(prefix="govstats-faults-", dir=args.tmp)
        os.chmod(self.tmp, 0o755)  # the unprivileged user of the permissions check must get in
        self.work = os.path.join(self.tmp, "work")
        os.mkdir(self.work)
        self.cache = {}
        self.gnu_time = self.find_gnu_time()

    # -- reporting
    def result(self, name, ok, detail):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'PASS' if ok else 'FAIL'} {name}: {detail}", flush=True)

    def skip(self, name, detail):
        self.skipped += 1
        print(f"SKIP {name}: {detail}", flush=True)

    def note(self, text):
        if self.args.verbose:
            print(f"  .. {text}", flush=True)

    # -- paths and processes (all relative to the work folder, so messages stay short)
    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def spawn(self, argv, prefix=(), measure=False):
        return Proc(self, [self.binary] + list(argv), self.work, prefix, measure)

    def run(self, argv, timeout=None, prefix=(), measure=False):
        timeout = self.args.timeout if timeout is None else timeout
        return self.spawn(argv, prefix, measure).wait(timeout)

    def find_gnu_time(self):
        """GNU time, installed with apt-get when missing and allowed (as root)."""
        path = "/usr/bin/time"
        if not os.access(path, os.X_OK) and os.geteuid() == 0 and shutil.which("apt-get") and self.args.install:
            print("  installing the 'time' package (GNU time) to measure peak memory", flush=True)
            env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
            try:
                subprocess.run(["apt-get", "install", "-y", "-qq", "time"], env=env, timeout=300,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            except (OSError, subprocess.SubprocessError):
                pass
        return path if os.access(path, os.X_OK) else None

    def cleanup(self):
        for p in self.children:
            p.kill()
            if p.rc is None:
                try:
                    os.wait4(p.pid, 0)
                except ChildProcessError:
                    pass
                p.rc = -9
                p.popen.returncode = -9
            p.close()
        for mount in reversed(self.mounts):
            if subprocess.run(["umount", mount], capture_output=True).returncode != 0:
                subprocess.run(["umount", "-l", mount], capture_output=True)
        self.mounts.clear()
        # Make everything removable (the permission cases chmod things to 000).
        for folder, dirs, files in os.walk(self.tmp):
            for d in dirs:
                p = os.path.join(folder, d)
                if not os.path.islink(p):
                    os.chmod(p, 0o755)
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- shared data
    def generated(self, name, rows, seed):
        """A dataset written by `govstats generate` (once per name)."""
        if name not in self.cache:
            p = self.run(["generate", "--out", name, "--rows", str(rows), "--seed", str(seed), "--quiet"])
            if p.rc != 0:
                raise RuntimeError(f"govstats generate --rows {rows} --seed {seed} exited {p.rc}: {p.stderr().strip()}")
            self.cache[name] = self.path(name)
        return name

    def small_data(self):
        """A tiny data folder (alarm calls of a few weeks): `run` takes a fraction of a second."""
        name = "small"
        if name not in self.cache:
            src = self.path(self.generated("gen-small", 2000, 20180228))
            first = sorted(os.listdir(os.path.join(src, "alarm_calls")))[0]
            with open(os.path.join(src, "alarm_calls", first), "rb") as f:
                lines = f.read().split(b"\n")[:self.args.small_rows + 1]
            os.makedirs(self.path(name, "alarm_calls"))
            with open(self.path(name, "alarm_calls", "a.csv"), "wb") as f:
                f.write(b"\n".join(lines) + b"\n")
            self.cache[name] = self.path(name)
        return name

    def references(self):
        """The two complete report folders the kill loop and the lock checks swap between."""
        if "refs" in self.cache:
            return self.cache["refs"]
        a = self.subset(self.generated("gen-A", self.args.rows, self.args.seed + 1), "data-A")
        b = self.subset(self.generated("gen-B", self.args.rows, self.args.seed + 2), "data-B")
        runs = {}
        for label, data, lang in (("A", a, "zh"), ("B", b, "en")):
            p = self.run(["run", "--data", data, "--out", "ref-" + label, "--lang", lang, "--quiet"])
            if p.rc != 0:
                raise RuntimeError(f"reference run {label} exited {p.rc}: {p.stderr().strip()}")
            runs[label] = {"data": data, "lang": lang, "tree": tree_digest(self.path("ref-" + label)),
                           "seconds": p.seconds}
        self.cache["refs"] = runs
        return runs

    def subset(self, generated, name):
        """The datasets named by --datasets of a generated folder."""
        wanted = [d.strip() for d in self.args.datasets.split(",")] if self.args.datasets != "all" else None
        os.mkdir(self.path(name))
        for entry in sorted(os.listdir(self.path(generated))):
            if wanted is None or entry in wanted:
                shutil.copytree(self.path(generated, entry), self.path(name, entry))
        if not os.listdir(self.path(name)):
            raise RuntimeError(f"--datasets {self.args.datasets} selects nothing of {os.listdir(self.path(generated))}")
        return name

    def run_args(self, ref, out):
        return ["run", "--data", ref["data"], "--out", out, "--lang", ref["lang"], "--quiet"]

    def unprivileged_prefix(self):
        """A command prefix that drops root (root ignores file permissions), or None."""
        if os.geteuid() != 0:
            return ()
        if shutil.which("setpriv"):
            return ("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups")
        if shutil.which("runuser"):
            return ("runuser", "-u", "nobody", "--")
        return None


# ---------------------------------------------------------------- 1. kill -9 loop

def timeline(suite, argv, out):
    """Runs to completion, noting when the staging folder appears and when out is swapped."""
    ino0 = inode(suite.path(out))
    p = suite.spawn(argv)
    seen = {}
    while not p.poll():
        t = time.monotonic() - p.t0
        if "staging" not in seen and staging_folders(suite.path(out)):
            seen["staging"] = t
        if "swap" not in seen and inode(suite.path(out)) not in (None, ino0):
            seen["swap"] = t
        time.sleep(0.002)
        if t > suite.args.timeout:
            p.wait(0)
    seen.setdefault("swap", p.seconds)
    seen["exit"] = p.seconds
    return p, seen


def check_kill_loop(suite):
    args = suite.args
    refs = suite.references()
    A, B = refs["A"]["tree"], refs["B"]["tree"]
    trees = {"A": A, "B": B}
    if A == B:
        suite.result("kill -9 loop", False, "reports A and B are identical: the loop could not tell them apart")
        return
    differing = sum(1 for k in set(A) | set(B) if A.get(k) != B.get(k) and (A.get(k) or B.get(k))[0] == "f")

    out = "kill/reports"
    os.makedirs(suite.path("kill"))
    shutil.copytree(suite.path("ref-A"), suite.path(out))  # A, as a clean run published it
    # Time a run that replaces reports (RENAME_EXCHANGE): when its swap happens, when it ends.
    p, tl = timeline(suite, suite.run_args(refs["B"], out), out)
    if p.rc != 0 or tree_digest(suite.path(out)) != B:
        suite.result("kill -9 loop", False, f"the run replacing A by B exited {p.rc}: {p.stderr().strip()}")
        return
    p.close()
    # Its usual duration: the median of the last five complete runs (load varies); the swap as
    # far before the end as timed here.
    durations = [refs["A"]["seconds"], refs["B"]["seconds"], tl["exit"]]
    swap_gap = tl["exit"] - tl["swap"]

    def usual():
        recent = sorted(durations[-5:])
        d = recent[len(recent) // 2]
        return d, max(0.0, d - swap_gap)

    duration, swap_at = usual()
    print(f"  kill loop: {args.rows} rows of {args.datasets}; a run takes {fmt_s(duration)} "
          f"(staging folder at {fmt_s(tl.get('staging', 0.0))}, swap at {fmt_s(tl['swap'])} of {fmt_s(tl['exit'])}); "
          f"A and B differ in {differing} of {file_count(A)} files", flush=True)

    rng = random.Random(args.seed)
    n_near = args.kills // 5
    n_swap = args.kills // 5
    modes = ["uniform"] * (args.kills - n_near - n_swap) + ["near-swap"] * n_near + ["on-swap"] * n_swap
    rng.shuffle(modes)

    state = "B"
    counts = {"before swap": 0, "after swap": 0, "finished before the kill": 0}
    detail_counts = {"before lock/staging": 0, "while building (staging present)": 0,
                     "during old-folder removal": 0, "after removal, before exit": 0}
    atom_problems, recovery_problems = [], []
    follow_times = []
    kill_delays = []
    used = []
    for i, mode in enumerate(modes):
        duration, swap_at = usual()
        window = min(1.0, 0.2 * duration)
        used.append(duration)
        target = "B" if state == "A" else "A"
        before = staging_folders(suite.path(out))
        ino0 = inode(suite.path(out))
        p = suite.spawn(suite.run_args(refs[target], out))
        if mode == "uniform":
            delay = rng.uniform(0.0, duration)
        elif mode == "near-swap":
            delay = rng.uniform(max(0.0, swap_at - window), duration + 0.02)
        else:
            delay = rng.uniform(0.0, 0.010)  # after the swap is seen
        if mode == "on-swap":
            deadline = time.monotonic() + args.timeout
            while not p.poll() and time.monotonic() < p.t0 + 0.7 * swap_at:
                time.sleep(0.01)
            while not p.poll() and inode(suite.path(out)) == ino0 and time.monotonic() < deadline:
                time.sleep(0.0005)
            time.sleep(delay)
        else:
            end = p.t0 + delay
            while not p.poll() and time.monotonic() < end:
                time.sleep(min(0.005, max(0.0, end - time.monotonic())))
        kill_delays.append(time.monotonic() - p.t0)
        p.kill()
        p.wait(args.timeout)
        err = p.stderr().strip()
        p.close()

        tree = tree_digest(suite.path(out))
        stagings = staging_folders(suite.path(out))
        own = f".{os.path.basename(out)}.staging-{p.pid}"
        if p.rc == 0:
            counts["finished before the kill"] += 1
            durations.append(p.seconds)
        elif p.rc != -signal.SIGKILL:
            atom_problems.append(f"kill {i + 1}: the run exited {p.rc} before the kill: {err}")
        if tree == trees[state]:
            if p.rc == -signal.SIGKILL:
                counts["before swap"] += 1
                detail_counts["while building (staging present)" if own in stagings else "before lock/staging"] += 1
            else:
                atom_problems.append(f"kill {i + 1}: the run exited {p.rc} but the old reports stand")
        elif tree == trees[target]:
            if p.rc == -signal.SIGKILL:
                counts["after swap"] += 1
                detail_counts["during old-folder removal" if own in stagings else "after removal, before exit"] += 1
            state = target
        else:
            atom_problems.append(f"kill {i + 1} ({mode}, {kill_delays[-1]:.3f} s): "
                                 + describe_tree(tree, {state + " (old)": trees[state], target + " (new)": trees[target]}))
            # Repair so that the loop can go on (the follow-up run must do it anyway).
            state = None
        # A run that got as far as its own staging folder (or the swap) removed every older one.
        if (own in stagings or (tree == trees[target] and p.rc == -signal.SIGKILL)):
            stale = [s for s in stagings if s != own and s in before]
            if stale:
                recovery_problems.append(f"kill {i + 1}: staging folders of killed runs not removed: {stale}")
        if not lock_is_free(suite.path(out)):
            recovery_problems.append(f"kill {i + 1}: the lock {lock_path(out)} is still held after the kill")

        if state is None or (i + 1) % args.complete_every == 0 or i == len(modes) - 1:
            target = "B" if state == "A" else "A"
            q = suite.run(suite.run_args(refs[target], out))
            follow_times.append(q.seconds)
            if q.rc == 0:
                durations.append(q.seconds)
            left = staging_folders(suite.path(out))
            if q.rc != 0:
                recovery_problems.append(f"after kill {i + 1}: the next run exited {q.rc}: {q.stderr().strip()}")
            elif tree_digest(suite.path(out)) != trees[target]:
                recovery_problems.append(f"after kill {i + 1}: the next run exited 0 but published different bytes")
            if left:
                recovery_problems.append(f"after kill {i + 1}: the next run left staging folders {left}")
            if not lock_is_free(suite.path(out)):
                recovery_problems.append(f"after kill {i + 1}: the lock is held after the next run ended")
            q.close()
            state = target
        suite.note(f"kill {i + 1} {mode} at {kill_delays[-1]:.3f} s: rc {p.rc}, state {state}")

    by_mode = ", ".join(f"{modes.count(m)} {m}" for m in ("uniform", "near-swap", "on-swap"))
    landed = ", ".join(f"{v} {k}" for k, v in counts.items())
    detail = "; ".join(f"{v} {k}" for k, v in detail_counts.items())
    if atom_problems:
        suite.result("kill -9 loop: published folder", False,
                     f"{len(atom_problems)} of {len(modes)} kills broke atomicity: " + " | ".join(atom_problems[:5]))
    else:
        suite.result("kill -9 loop: published folder", True,
                     f"{len(modes)} SIGKILLs ({by_mode}; at {span(kill_delays)} into runs of usually {span(used)}): "
                     f"{landed} ({detail}); after each the folder was byte-identical to the old or the new "
                     f"reports ({file_count(A)} files hashed), never a mix or missing")
    if recovery_problems:
        suite.result("kill -9 loop: next run", False, " | ".join(recovery_problems[:5]))
    else:
        suite.result("kill -9 loop: next run", True,
                     f"lock free after each of {len(modes)} kills; each run that got to its staging folder had "
                     f"removed the older ones; {len(follow_times)} runs to completion (every "
                     f"{args.complete_every}th kill and after the last) exited 0 in {span(follow_times)}, "
                     f"published the expected bytes, left no .reports.staging-*")


# ---------------------------------------------------------------- 2. full disk

def statvfs_used(path):
    st = os.statvfs(path)
    return (st.f_blocks - st.f_bfree) * st.f_frsize


def check_full_disk(suite):
    name = "full disk"
    if os.geteuid() != 0:
        suite.skip(name, "not root: cannot mount a tmpfs")
        return
    mnt = suite.path("disk")
    os.mkdir(mnt)
    mount = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m,mode=755", "govstats-faults", mnt],
                           capture_output=True, text=True)
    if mount.returncode != 0:
        suite.skip(name, f"mount -t tmpfs not permitted here: {mount.stderr.strip()}")
        return
    suite.mounts.append(mnt)

    def remount(size):
        r = subprocess.run(["mount", "-o", f"remount,size={size}", mnt], capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"remount size={size}: {r.stderr.strip()}")

    def fill():
        """Fills the tmpfs with a file, `filler`; returns its path."""
        filler = os.path.join(mnt, "filler")
        fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while os.write(fd, b"\0" * 65536) > 0:
                pass
        except OSError:
            pass
        finally:
            os.close(fd)
        return filler

    try:
        small = suite.small_data()
        junk = "small-junk"
        shutil.copytree(suite.path(small), suite.path(junk))
        # Rows of the wrong width: each becomes a line of rejects/alarm_calls.csv in staging.
        with open(suite.path(junk, "alarm_calls", "b_junk.csv"), "wb") as f:
            f.write(HEADER)
            f.write(b"".join(b"J%07d,not a row of eight fields\n" % i for i in range(suite.args.junk_rows)))
        out = "disk/reports"
        p = suite.run(["run", "--data", small, "--out", out, "--quiet"])
        if p.rc != 0:
            suite.result(name, False, f"publishing the small reports on the tmpfs exited {p.rc}: {p.stderr().strip()}")
            return
        before = tree_digest(suite.path(out))
        used = statvfs_used(mnt)
        page = os.statvfs(mnt).f_frsize
        report_bytes = used
        variants = [
            ("full disk: rejects overflow during ingest", junk, "zh", used + MiB, False),
            ("full disk: pages overflow while rendering", small, "en", used + (report_bytes // 2 // page) * page, False),
            ("full disk: disk already full", small, "en", used + MiB, True),
        ]
        for label, data, lang, size, full in variants:
            remount(size)
            filler = fill() if full else None
            free = os.statvfs(mnt).f_bavail * page
            p = suite.run(["run", "--data", data, "--out", out, "--lang", lang, "--quiet", "--max-reject-pct", "100"])
            err = p.stderr().strip()
            problems = []
            if p.rc != 1:
                problems.append(f"exit {p.rc}, expected 1")
            if "No space left on device" not in err or "the disk holding" not in err:
                problems.append("stderr does not name the full disk")
            if "disk/" not in err:
                problems.append("stderr does not name a path on the full disk")
            if not err.startswith("govstats: "):
                problems.append("stderr line not prefixed 'govstats: '")
            if tree_digest(suite.path(out)) != before:
                problems.append("the previous reports CHANGED")
            if staging_folders(suite.path(out)):
                problems.append(f"staging left: {staging_folders(suite.path(out))}")
            if not lock_is_free(suite.path(out)):
                problems.append("lock still held")
            if filler:
                os.unlink(filler)
            first = err.splitlines()[0] if err else "(no stderr)"
            if problems:
                suite.result(label, False, "; ".join(problems) + f" (tmpfs {size // 1024} KiB, {free // 1024} KiB free; "
                             f"stderr: {err[:400]})")
            else:
                suite.result(label, True, f"tmpfs {size // 1024} KiB with {free // 1024} KiB free for reports of "
                             f"~{report_bytes // 1024} KiB: exit 1 in {fmt_s(p.seconds)}, previous reports "
                             f"byte-identical, no staging left, lock free; stderr: {first}")
            p.close()
        remount("64m")
        p = suite.run(["run", "--data", junk, "--out", out, "--quiet", "--max-reject-pct", "100"])
        ok = p.rc == 0 and not staging_folders(suite.path(out)) and tree_digest(suite.path(out)) != before
        suite.result("full disk: recovery", ok,
                     f"with space again the next run exited {p.rc} in {fmt_s(p.seconds)} and published new reports"
                     + ("" if ok else f"; stderr: {p.stderr().strip()}"))
        p.close()
        # The run state on the full disk, the reports elsewhere: the reports are published,
        # the state is left as it was, with one warning, whether it is written before the
        # reports are made (one job) or beside them (two).
        remount(statvfs_used(mnt) + 8 * MiB)
        for jobs in ("1", "2"):
            label = f"full disk: the run state does not fit (--jobs {jobs})"
            state, reports = f"disk/state-{jobs}", f"state-reports-{jobs}"
            p = suite.run(["run", "--data", small, "--out", reports, "--state", state, "--quiet", "--jobs", jobs])
            p.close()
            kept = tree_digest(suite.path(state))
            filler = fill()
            p = suite.run(["run", "--data", small, "--out", reports, "--state", state, "--quiet", "--full", "--jobs", jobs])
            err = p.stderr().strip()
            problems = state_left_as_it_was(suite, p, kept, state, reports)
            if not (err.startswith("govstats: warning: cannot write the run state: cannot write ") and "No space left on device" in err
                    and err.endswith(": it is left as it was") and len(err.splitlines()) == 1):
                problems.append("not one warning naming the full disk")
            os.unlink(filler)
            suite.result(label, not problems, "; ".join(problems) + f" (stderr: {err[:400]})" if problems
                         else f"exit 0 in {fmt_s(p.seconds)}, reports published, state folder byte-identical; stderr: {err}")
            p.close()
        check_grown_index_on_full_disk(suite, fill)
    finally:
        for m in list(suite.mounts):
            if m == mnt:
                if subprocess.run(["umount", mnt], capture_output=True).returncode != 0:
                    subprocess.run(["umount", "-l", mnt], capture_output=True)
                suite.mounts.remove(m)


def state_left_as_it_was(suite, p, kept, state, reports):
    """What is wrong with a run `p` whose state could not be written: it exits 0 and
    publishes its reports, and the state folder is as the run before it left it (`kept`,
    which holds a state)."""
    problems = []
    if p.rc != 0:
        problems.append(f"exit {p.rc}, expected 0")
    if kept is None or "state" not in kept:
        problems.append("the first run wrote no state")
    if tree_digest(suite.path(state)) != kept:
        problems.append("the state folder CHANGED")
    if not os.path.exists(suite.path(reports, "run.json")) or staging_folders(suite.path(reports)):
        problems.append("reports not published")
    return problems


def check_grown_index_on_full_disk(suite, fill):
    """The night whose new records outgrow the state's index of keys, with the state's
    folder on a full tmpfs: the grown index is written a part at a time through a file in
    that folder, which cannot be written. The reports are published, the state is left
    as it was, with one warning naming that folder; with space again, the next run writes
    the state whole and its reports equal a full run's."""
    label = "full disk: the night the index of keys grows"
    src = suite.path(suite.generated("gen-small", 2000, 20180228), "alarm_calls")
    first, second = sorted(os.listdir(src))[:2]
    data, state, reports = "grow-data", "disk/state-grow", "grow-reports"
    os.makedirs(suite.path(data, "alarm_calls"))

    def copy(name, target, rows):
        with open(os.path.join(src, name), "rb") as f:
            lines = f.read().split(b"\n")[:rows + 1]
        with open(suite.path(data, "alarm_calls", target), "wb") as f:
            f.write(b"\n".join(lines) + b"\n")

    # About 700 records: an index of 2,048 buckets (mapped), which holds 1,433; then 800 more.
    copy(first, "a.csv", 700)
    p = suite.run(["run", "--data", data, "--out", reports, "--state", state, "--quiet"])
    p.close()
    kept = tree_digest(suite.path(state))
    copy(second, "b.csv", 800)
    filler = fill()
    p = suite.run(["run", "--data", data, "--out", reports, "--state", state, "--quiet"])
    err = p.stderr().strip()
    problems = state_left_as_it_was(suite, p, kept, state, reports)
    expected = f"govstats: warning: cannot write the run state: cannot write a file in {state}: No space left on device: it is left as it was"
    if err != expected:
        problems.append(f"stderr is not {expected!r}")
    p.close()
    os.unlink(filler)
    again = suite.run(["run", "--data", data, "--out", reports, "--state", state, "--quiet"])
    full = suite.run(["run", "--data", data, "--out", "grow-full", "--state", "grow-full-state", "--quiet", "--full"])
    if again.rc != 0 or again.stderr().strip():
        problems.append(f"with space again the next run exited {again.rc}: {again.stderr().strip()[:200]}")
    if sorted(f for f in os.listdir(suite.path(state)) if f.startswith("state")) != ["state"]:
        problems.append(f"with space again the state was not written whole: {sorted(os.listdir(suite.path(state)))}")
    if full.rc != 0 or tree_digest(suite.path(reports)) != tree_digest(suite.path("grow-full")):
        problems.append("with space again the reports differ from run --full's")
    again.close()
    full.close()
    suite.result(label, not problems, "; ".join(problems) + f" (stderr: {err[:400]})" if problems
                 else f"exit 0, reports published, state folder byte-identical; stderr: {err}; with space again the "
                      "state was written whole and the reports equal run --full's")


# ---------------------------------------------------------------- 3. two runs at once, stale lock

def check_two_runs(suite):
    name = "two runs at once"
    refs = suite.references()
    os.makedirs(suite.path("both"))
    out = "both/reports"
    spellings = [out, suite.path(out) + "/", "./both/../both/reports"]
    first = suite.spawn(suite.run_args(refs["B"], out))
    own = f".reports.staging-{first.pid}"
    deadline = time.monotonic() + suite.args.timeout
    while not first.poll() and own not in staging_folders(suite.path(out)) and time.monotonic() < deadline:
        time.sleep(0.002)
    duration = refs["B"]["seconds"]
    seconds, problems, messages = [], [], []
    for k, spelling in enumerate(spellings):
        # At 9%, 27% and 45% of a clean run's time: the last second run, which itself takes
        # about 0.05 s, must end while the first still works (at 81%, as before, a faster
        # run sometimes ended first).
        at = first.t0 + duration * (0.1 + 0.4 * k / max(1, len(spellings) - 1)) * 0.9
        while time.monotonic() < at and not first.poll():
            time.sleep(0.005)
        if first.poll():
            problems.append(f"attempt {k + 1} not made: the first run had already ended")
            continue
        second = suite.run(["run", "--data", refs["A"]["data"], "--out", spelling, "--quiet"], timeout=30)
        overlapped = not first.poll()
        err = second.stderr().strip()
        seconds.append(second.seconds)
        messages.append(err)
        if second.rc != 1:
            problems.append(f"second run (--out {spelling}) exited {second.rc}, expected 1")
        if second.seconds > suite.args.lock_seconds:
            problems.append(f"second run took {fmt_s(second.seconds)}, not 'at once'")
        if ".reports.lock" not in err or "is held" not in err:
            problems.append(f"second run's stderr does not name the lock: {err!r}")
        if not overlapped:
            problems.append(f"attempt {k + 1}: the first run ended while the second ran: no overlap shown")
        second.close()
    first.wait(suite.args.timeout)
    tree = tree_digest(suite.path(out))
    if first.rc != 0:
        problems.append(f"the first run exited {first.rc}: {first.stderr().strip()}")
    if tree != refs["B"]["tree"]:
        problems.append("the first run's output differs from a clean run's: " + describe_tree(tree, {"clean": refs["B"]["tree"]}))
    if staging_folders(suite.path(out)):
        problems.append(f"staging left: {staging_folders(suite.path(out))}")
    first.close()
    if problems:
        suite.result(name, False, "; ".join(problems))
    else:
        suite.result(name, True, f"{len(seconds)} second runs during the first ({fmt_s(first.seconds)}; --out spelled "
                     f"relative, absolute with '/', via '..') each exited 1 in {span(seconds)}: {messages[0]}; "
                     f"the first exited 0, output byte-identical to a clean run ({file_count(tree)} files)")

    # A lock left by a killed run.
    name = "stale lock"
    os.makedirs(suite.path("stale"))
    out = "stale/reports"
    rng = random.Random(suite.args.seed + 7)
    results = []
    problems = []
    for attempt in range(suite.args.stale_tries):
        victim = suite.spawn(suite.run_args(refs["A"], out))
        own = f".reports.staging-{victim.pid}"
        deadline = time.monotonic() + suite.args.timeout
        while not victim.poll() and own not in staging_folders(suite.path(out)) and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, min(1.0, duration / 2)))
        victim.kill()
        victim.wait()
        victim.close()
        left = staging_folders(suite.path(out))
        has_lock_file = os.path.exists(suite.path("stale", ".reports.lock"))
        nxt = suite.run(suite.run_args(refs["A"], out))
        results.append(nxt.seconds)
        if victim.rc != -signal.SIGKILL:
            problems.append(f"try {attempt + 1}: the victim was not killed mid-run (exit {victim.rc})")
        if not has_lock_file or not left:
            problems.append(f"try {attempt + 1}: the killed run left no lock file or no staging folder to clean up")
        if nxt.rc != 0:
            problems.append(f"try {attempt + 1}: the next run exited {nxt.rc}: {nxt.stderr().strip()}")
        if staging_folders(suite.path(out)):
            problems.append(f"try {attempt + 1}: staging left after the next run: {staging_folders(suite.path(out))}")
        if tree_digest(suite.path(out)) != refs["A"]["tree"]:
            problems.append(f"try {attempt + 1}: the next run published different bytes")
        nxt.close()
        shutil.rmtree(suite.path(out), ignore_errors=True)
    if problems:
        suite.result(name, False, "; ".join(problems))
    else:
        suite.result(name, True, f"{suite.args.stale_tries} runs killed while holding the lock (lock file and "
                     f"staging folder left behind): each next run exited 0 in {span(results)}, removed the "
                     f"staging folder, published the expected bytes")


# ---------------------------------------------------------------- 4. unreadable and odd inputs

def base_case(suite, case):
    """A data folder: alarm_calls/a_good.csv (50 valid rows) plus what the case adds as x.csv."""
    small = suite.path(suite.small_data())
    folder = suite.path("in", case)
    os.makedirs(os.path.join(folder, "alarm_calls"))
    with open(os.path.join(small, "alarm_calls", "a.csv"), "rb") as f:
        rows = f.read().split(b"\n")[:51]
    with open(os.path.join(folder, "alarm_calls", "a_good.csv"), "wb") as f:
        f.write(b"\n".join(rows) + b"\n")
    return os.path.join("in", case), os.path.join(folder, "alarm_calls", "x.csv")


def outcome_row(stdout, file):
    """rows_read, accepted, rejected, duplicates, conflicts of `file` in validate's table."""
    for line in stdout.splitlines():
        cells = line.split()
        if cells and cells[0] == file:
            try:
                return tuple(int(c) for c in cells[2:7])
            except ValueError:
                return tuple(cells[1:])
    return None


def rejects_rows(path):
    if not os.path.exists(path):
        return []
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")[1:]
    return [line.decode("utf-8", "replace") for line in lines if line]


def expect(suite, name, p, rc, must=(), extra_ok=True, extra="", rss_limit=None):
    err = p.stderr().strip()
    problems = []
    if p.timed_out:
        problems.append(f"no exit after {fmt_s(p.seconds)} (killed by the test)")
    elif p.rc != rc:
        problems.append(f"exit {p.rc}, expected {rc}")
    for text in must:
        if text not in err:
            problems.append(f"stderr lacks {text!r}")
    if err and not all(line.startswith("govstats: ") for line in err.splitlines()):
        problems.append("a stderr line is not prefixed 'govstats: ' (crash?)")
    rss = None if p.maxrss_kb is None else p.maxrss_kb / 1024
    if rss_limit is not None and rss is None:
        problems.append("peak RSS not measured")
    if rss_limit is not None and rss is not None and rss > rss_limit:
        problems.append(f"peak RSS {rss:.0f} MB over the {rss_limit} MB bound")
    if not extra_ok:
        problems.append(extra)
    first = err.splitlines()[0] if err else "no stderr"
    memory = "" if rss is None else f", peak RSS {rss:.0f} MB"
    detail = f"exit {p.rc} in {fmt_s(p.seconds)}{memory}; " + (extra + "; " if extra and extra_ok else "") + first
    if problems:
        suite.result(name, False, "; ".join(problems) + f" (stderr: {err[:300]!r})")
    else:
        suite.result(name, True, detail)
    p.close()


def check_inputs(suite):
    args = suite.args
    unpriv = suite.unprivileged_prefix()

    # Unreadable file and folder: root reads everything, so run as nobody.
    for case, target in (("unreadable file", "file"), ("unreadable folder", "folder")):
        if unpriv is None:
            suite.skip(case, "running as root and neither setpriv nor runuser is installed")
            continue
        data, x = base_case(suite, case.replace(" ", "-"))
        binary = suite.path("govstats-copy")
        if not os.path.exists(binary):
            shutil.copy2(suite.binary, binary)
            os.chmod(binary, 0o755)
        with open(x, "wb") as f:
            f.write(HEADER)
        probe = subprocess.run(list(unpriv) + ["test", "-r", os.path.join(suite.work, data, "alarm_calls", "a_good.csv")])
        if probe.returncode != 0:
            suite.skip(case, f"the unprivileged user cannot reach {suite.work} (choose --tmp)")
            continue
        if target == "file":
            os.chmod(x, 0)
            named = "alarm_calls/x.csv"
        else:
            os.chmod(os.path.dirname(x), 0)
            named = data + "/alarm_calls"
        p = Proc(suite, [binary, "validate", "--data", data], suite.work, unpriv, measure=True).wait(args.timeout)
        expect(suite, case, p, 1, (named, "Permission denied"))

    # An --out folder this user may not write: named, before anything is read.
    case = "read-only --out folder"
    if unpriv is None:
        suite.skip(case, "running as root and neither setpriv nor runuser is installed")
    else:
        data, x = base_case(suite, "read-only-out")
        binary = suite.path("govstats-copy")
        if not os.path.exists(binary):
            shutil.copy2(suite.binary, binary)
            os.chmod(binary, 0o755)
        parent = suite.path("read-only-out-reports")
        os.makedirs(parent + "/reports")
        os.chmod(parent, 0o777)
        os.chmod(parent + "/reports", 0o555)
        p = Proc(suite, [binary, "run", "--data", data, "--out", parent + "/reports", "--quiet"], suite.work, unpriv, measure=True).wait(args.timeout)
        expect(suite, case, p, 1, (f"cannot replace {parent}/reports: this user may not write it (mode 555)", "chmod u+w"),
               extra_ok=sorted(os.listdir(parent)) == [".reports.lock", "reports"], extra=f"left beside it: {os.listdir(parent)}")

    data, x = base_case(suite, "dir")
    os.mkdir(x)
    expect(suite, "folder named x.csv", suite.run(["validate", "--data", data], measure=True), 1, ("alarm_calls/x.csv", "Is a directory"))

    data, x = base_case(suite, "loop")
    os.symlink("x.csv", x)
    expect(suite, "symbolic link loop x.csv -> x.csv", suite.run(["validate", "--data", data], measure=True), 1,
           ("alarm_calls/x.csv", "Too many levels of symbolic links"))

    data, x = base_case(suite, "dangling")
    os.symlink("nowhere.csv", x)
    expect(suite, "dangling link x.csv -> nowhere.csv", suite.run(["validate", "--data", data], measure=True), 1,
           ("alarm_calls/x.csv", "No such file"))

    data, x = base_case(suite, "fifo")
    os.mkfifo(x)
    p = suite.run(["validate", "--data", data], timeout=args.fifo_timeout, measure=True)
    expect(suite, "FIFO named x.csv", p, 1, ("alarm_calls/x.csv",),
           extra_ok=not p.timed_out,
           extra=("open() of a FIFO blocks until a writer comes: the run hangs forever holding the lock "
                  "(expected exit 1 naming the file, e.g. 'not a regular file')") if p.timed_out else "")

    data, x = base_case(suite, "zero")
    os.symlink("/dev/zero", x)
    p = suite.run(["validate", "--data", data], timeout=args.fifo_timeout, measure=True)
    expect(suite, "x.csv -> /dev/zero (endless device)", p, 1, ("alarm_calls/x.csv",),
           extra_ok=not p.timed_out,
           extra=("a character device is read as a file that never ends: the run never exits and holds the "
                  "lock (expected exit 1 naming the file, e.g. 'not a regular file')") if p.timed_out else "")

    data, x = base_case(suite, "empty")
    open(x, "wb").close()
    expect(suite, "empty file", suite.run(["validate", "--data", data], measure=True), 3, ("alarm_calls/x.csv", "no header row"))

    data, x = base_case(suite, "header-only")
    with open(x, "wb") as f:
        f.write(HEADER)
    p = suite.run(["validate", "--data", data], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    expect(suite, "header-only file", p, 0, (), extra_ok=row == (0, 0, 0, 0, 0),
           extra=f"x.csv rows_read/accepted/rejected/duplicates/conflicts = {row}")

    # NUL bytes: in a text value, in a number, in a quoted field, in the key.
    data, x = base_case(suite, "nul")
    with open(x, "wb") as f:
        f.write(HEADER)
        f.write("N1,2017-01-01 08:00:00,宝山\0区,罗店镇,报警,盗窃,10,ok\n".encode())
        f.write("N2,2017-01-01 08:00:00,宝山区,罗店镇,报警,盗窃,1\0000,ok\n".encode())
        f.write("N3,2017-01-01 08:00:00,宝山区,罗店镇,报警,盗窃,10,\"a\0\nb\"\n".encode())
        f.write("N\0004,2017-01-01 08:00:00,宝山区,罗店镇,报警,盗窃,10,ok\n".encode())
    p = suite.run(["validate", "--data", data, "--rejects", "in/nul-rejects", "--max-reject-pct", "100"], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    rej = rejects_rows(suite.path("in", "nul-rejects", "alarm_calls.csv"))
    # A NUL is a control character: invalid in any text value (contract v2), and not a digit.
    firsts = [r for r in rej if r.startswith("alarm_calls/x.csv,")]  # N3's record runs over two lines
    ok = row == (4, 0, 4, 0, 0) and len(firsts) == 4 and firsts[0].startswith("alarm_calls/x.csv,2,district,")
    expect(suite, "NUL bytes in fields (validate)", p, 0, (), extra_ok=ok,
           extra=f"x.csv outcomes {row} (4 read, 4 rejected expected); reject: {rej[:1]}")
    p = suite.run(["run", "--data", data, "--out", "in/nul-reports", "--quiet", "--max-reject-pct", "100"], measure=True)
    pages = tree_digest(suite.path("in", "nul-reports")) or {}
    nul_pages = []
    for rel in pages:
        if rel.endswith((".html", ".md")):
            with open(suite.path("in", "nul-reports", rel), "rb") as f:
                if b"\0" in f.read():
                    nul_pages.append(rel)
    expect(suite, "NUL bytes in fields (run)", p, 0, (), extra_ok=bool(pages) and not nul_pages,
           extra=f"{file_count(pages)} files published; HTML/Markdown pages holding a raw NUL: {nul_pages or 'none'}")

    # A 50 MB single field, then a valid row that must still be read.
    data, x = base_case(suite, "field")
    with open(x, "wb") as f:
        f.write(HEADER + b"F1,2017-01-01 08:00:00,")
        chunk = b"A" * MiB
        for _ in range(args.field_mb):
            f.write(chunk)
        f.write("宝山区,罗店镇,报警,盗窃,10,ok\nF2,2017-01-01 08:00:00,宝山区,罗店镇,报警,盗窃,10,ok\n".encode())
    p = suite.run(["validate", "--data", data, "--rejects", "in/field-rejects", "--max-reject-pct", "100"], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    rej = rejects_rows(suite.path("in", "field-rejects", "alarm_calls.csv"))
    ok = row == (2, 1, 1, 0, 0) and rej == ["alarm_calls/x.csv,2,,a field is larger than 1048576 bytes,"]
    expect(suite, f"{args.field_mb} MB single field", p, 0, (), extra_ok=ok, rss_limit=args.max_rss_mb,
           extra=f"x.csv outcomes {row}; reject {rej[:1]}")

    # A huge file without a line break, written sparse: a field of NULs (no RAM, no disk used).
    size = args.huge_bytes
    data, x = base_case(suite, "huge")
    with open(x, "wb") as f:
        f.write(HEADER + b"H1,2017-01-01 08:00:00,")
        f.truncate(f.tell() + size)
    p = suite.run(["validate", "--data", data, "--rejects", "in/huge-rejects", "--max-reject-pct", "100"], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    rej = rejects_rows(suite.path("in", "huge-rejects", "alarm_calls.csv"))
    ok = row == (1, 0, 1, 0, 0) and rej == ["alarm_calls/x.csv,2,,a field is larger than 1048576 bytes,"]
    expect(suite, f"{human(size)} file without a line break (sparse, one field)", p, 0, (),
           extra_ok=ok, rss_limit=args.max_rss_mb, extra=f"x.csv outcomes {row}; reject {rej[:1]}")
    os.unlink(x)

    # A long line of small fields (real bytes on disk): the 16 MiB record bound.
    size = args.fields_bytes
    data, x = base_case(suite, "fields")
    with open(x, "wb") as f:
        f.write(HEADER + b"H1,2017-01-01 08:00:00,")
        chunk = b"ab," * (MiB // 3)
        for _ in range(size // len(chunk)):
            f.write(chunk)
    p = suite.run(["validate", "--data", data, "--rejects", "in/fields-rejects", "--max-reject-pct", "100"], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    rej = rejects_rows(suite.path("in", "fields-rejects", "alarm_calls.csv"))
    ok = row == (1, 0, 1, 0, 0) and rej == ["alarm_calls/x.csv,2,,the record is larger than 16777216 bytes,"]
    expect(suite, f"{human(size)} line of 3-byte fields without a line break", p, 0, (), extra_ok=ok,
           rss_limit=args.max_rss_mb, extra=f"x.csv outcomes {row}; reject {rej[:1]}")
    os.unlink(x)

    # An opening quote never closed, with line breaks inside.
    data, x = base_case(suite, "quote")
    with open(x, "wb") as f:
        f.write(HEADER + b'Q1,2017-01-01 08:00:00,"')
        block = (b"x" * 79 + b"\n") * (MiB // 80)
        for _ in range(args.quote_mb):
            f.write(block)
    p = suite.run(["validate", "--data", data, "--rejects", "in/quote-rejects", "--max-reject-pct", "100"], measure=True)
    row = outcome_row(p.stdout(), "alarm_calls/x.csv")
    rej = rejects_rows(suite.path("in", "quote-rejects", "alarm_calls.csv"))
    lines = args.quote_mb * (MiB // 80)
    ok = row == (1, 0, 1, 0, 0) and rej == [
        f'alarm_calls/x.csv,2,,"a quoted field is not closed before the end of the file, so the {lines} lines from this one to the end were read as one record",']
    warning = f"govstats: warning: alarm_calls/x.csv line 2: a record rejected whole runs over {lines} lines, which count as one rejected row: a quote may be left open"
    expect(suite, f"unclosed quote, {args.quote_mb} MB of lines after it", p, 0, (warning,), extra_ok=ok,
           rss_limit=args.max_rss_mb, extra=f"x.csv outcomes {row}; reject {rej[:1]}")
    os.unlink(x)

    # validate --rejects: a folder put where the second rejects file goes while the rows are
    # read (after the check that refuses one found at the start). Every file is closed before
    # any is renamed, in dataset order: alarm_calls.csv is replaced, then the rename of
    # burglary_reports.csv fails; the error says which file was already replaced, and the
    # second file's partial is removed.
    small = suite.path(suite.generated("gen-small", 2000, 20180228))
    folder = suite.path("in", "rejects-race")
    os.makedirs(os.path.join(folder, "alarm_calls"))
    shutil.copytree(os.path.join(small, "burglary_reports"), os.path.join(folder, "burglary_reports"))
    with open(os.path.join(suite.path(suite.small_data()), "alarm_calls", "a.csv"), "rb") as f:
        head, *rows = [line for line in f.read().split(b"\n") if line]
    with open(os.path.join(folder, "alarm_calls", "x.csv"), "wb") as f:
        f.write(head + b"\n" + b"x,not a row\n")  # one rejected row, at line 2
        body = b"\n".join(rows) + b"\n"
        for _ in range(max(1, 20 * MiB // len(body))):  # long enough to act while it is read
            f.write(body)
    target = suite.path("in", "rejects-race-out")
    os.makedirs(target)
    with open(os.path.join(target, "alarm_calls.csv"), "w") as f:
        f.write("old\n")
    p = suite.spawn(["validate", "--data", os.path.join("in", "rejects-race"), "--rejects", os.path.join("in", "rejects-race-out"),
                     "--max-reject-pct", "100", "--jobs", "1"])
    partial = f".burglary_reports.csv.partial-{p.pid}"
    deadline = time.monotonic() + args.timeout
    while not os.path.exists(os.path.join(target, partial)) and not p.poll() and time.monotonic() < deadline:
        time.sleep(0.001)
    raced = p.rc is None
    if raced:
        os.makedirs(os.path.join(target, "burglary_reports.csv", "inside"))
    p.wait(args.timeout)
    rel = os.path.join("in", "rejects-race-out")
    message = (f"govstats: cannot rename {rel}/{partial} to {rel}/burglary_reports.csv: Is a directory "
               f"({rel}/alarm_calls.csv already replaced; the others are as they were)")
    alarm = rejects_rows(os.path.join(target, "alarm_calls.csv"))
    left = sorted(os.listdir(target))
    ok = raced and alarm == ["alarm_calls/x.csv,2,,\"expected 8 fields, found 2\",\"x,not a row\""] \
        and left == ["alarm_calls.csv", "burglary_reports.csv"]
    expect(suite, "a folder put where a rejects file goes, while validate --rejects reads", p, 1, (message,), extra_ok=ok,
           extra=f"raced {raced}; alarm_calls.csv {alarm[:1]}; left {left}")

    # A failing run leaves the published reports exactly as they were (exit 1, 2 and 3).
    small = suite.small_data()
    out = "in/kept/reports"
    os.makedirs(suite.path("in", "kept"))
    p = suite.run(["run", "--data", small, "--out", out, "--quiet"])
    before = tree_digest(suite.path(out))
    p.close()
    bad_toml = "in/bad-toml"
    shutil.copytree(suite.path(small), suite.path(bad_toml))
    with open(suite.path(bad_toml, "govstats.toml"), "w") as f:
        f.write("[alarm_calls]\ncolums = { call_id = \"ID\" }\n")
    problems, codes = [], []
    for data, rc in (("in/dir", 1), ("in/loop", 1), (bad_toml, 2), ("in/empty", 3)):
        q = suite.run(["run", "--data", data, "--out", out, "--quiet"])
        codes.append(f"{data.split('/')[-1]}→{q.rc}")
        if q.rc != rc:
            problems.append(f"run on {data} exited {q.rc}, expected {rc}")
        if tree_digest(suite.path(out)) != before:
            problems.append(f"run on {data} changed the reports")
        if staging_folders(suite.path(out)):
            problems.append(f"run on {data} left a staging folder")
        q.close()
    suite.result("failed runs leave the reports untouched", not problems and before is not None,
                 "; ".join(problems) if problems else
                 f"runs exiting {', '.join(codes)} left the published reports byte-identical, no staging folder")


# ---------------------------------------------------------------- main

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from attacks import check_attacks  # noqa: E402  (the table of a hostile user's attacks)

CHECKS = {
    "kill": check_kill_loop,
    "disk": check_full_disk,
    "lock": check_two_runs,
    "inputs": check_inputs,
    "attacks": check_attacks,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the govstats binary to test")
    parser.add_argument("--only", action="append", choices=sorted(CHECKS), help="run only this check group (repeatable)")
    parser.add_argument("--seed", type=int, default=4, help="seed of the kill moments and data (default 4)")
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs in the kill loop (default 50)")
    parser.add_argument("--complete-every", type=int, default=5,
                        help="let a run complete after every Nth kill, and after the last (default 5)")
    parser.add_argument("--rows", type=int, default=2000,
                        help="alarm-call rows of the kill-loop datasets (default 2000: a debug run takes seconds; "
                             "use 300000+ for a release binary)")
    parser.add_argument("--datasets", default="alarm_calls",
                        help="datasets of the kill-loop data, comma-separated, or 'all' (default alarm_calls: "
                             "a debug run of 2000 rows takes about 3 s)")
    parser.add_argument("--small-rows", type=int, default=300, help="rows of the small dataset (default 300)")
    parser.add_argument("--junk-rows", type=int, default=100000,
                        help="rejected rows that overflow the tmpfs during ingest (default 100000)")
    parser.add_argument("--stale-tries", type=int, default=2, help="runs killed while holding the lock (default 2)")
    parser.add_argument("--field-mb", type=int, default=50, help="size of the single huge field (default 50)")
    parser.add_argument("--huge-bytes", type=int, default=1 << 30,
                        help="size of the sparse file without a line break (default 1 GiB)")
    parser.add_argument("--fields-bytes", type=int, default=256 * MiB,
                        help="size of the line of small fields, written to disk (default 256 MiB)")
    parser.add_argument("--quote-mb", type=int, default=64, help="size after an unclosed quote (default 64)")
    parser.add_argument("--max-rss-mb", type=int, default=200, help="peak RSS bound for huge inputs (default 200)")
    parser.add_argument("--lock-seconds", type=float, default=1.0,
                        help="a run refused by the lock must exit within this (default 1.0)")
    parser.add_argument("--fifo-timeout", type=float, default=5.0,
                        help="how long a FIFO or device input may keep validate busy (default 5)")
    parser.add_argument("--timeout", type=float, default=600.0, help="bound on any one command (default 600)")
    parser.add_argument("--tmp", default=None, help="where to make the scratch folder (default: the system's)")
    parser.add_argument("--no-install", dest="install", action="store_false",
                        help="do not apt-get install GNU time when missing (peak memory is then sampled)")
    parser.add_argument("--verbose", action="store_true", help="print every kill")
    args = parser.parse_args()
    if not os.access(args.binary, os.X_OK):
        print(f"FAIL setup: {args.binary} is not an executable binary")
        print("0 passed, 1 failed")
        return 1

    started = time.monotonic()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # clean up (unmount, remove) when stopped
    suite = Suite(args)
    print(f"fault injection: {suite.binary}; scratch {suite.tmp}; seed {args.seed}, {args.kills} kills, "
          f"{args.rows} rows of {args.datasets}; peak memory "
          + ("by GNU time" if suite.gnu_time else "sampled from /proc (no GNU time)"), flush=True)
    try:
        for key in args.only or list(CHECKS):
            t0 = time.monotonic()
            try:
                CHECKS[key](suite)
            except Exception as error:  # a broken check is a failed check, never a silent pass
                suite.result(f"{key} checks", False, f"the test itself failed: {type(error).__name__}: {error}")
            print(f"  ({key}: {fmt_s(time.monotonic() - t0)})", flush=True)
    finally:
        suite.cleanup()
    print(f"  total {fmt_s(time.monotonic() - started)}" + (f", {suite.skipped} skipped" if suite.skipped else ""))
    print(f"{suite.passed} passed, {suite.failed} failed")
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())

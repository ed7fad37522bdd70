#!/usr/bin/env python3
"""Nightly runs at scale: a seeded random walk over real-sized data (`make soak`).

    python3 Tests/Soak/run.py --binary .build/release/govstats [--seed S] [--steps N] [--rows R]

`RunStatePropertyTests` walks small data, where every array of the state is tiny. This
walk runs the release binary on `govstats generate --rows R` (600,000 by default: the
exports overlap, so records repeat and conflict across files), each export cut into
--parts files that sort in order, half of them in the data folder at the start. Then, at
each step, one of: the next file of a dataset added (most often); the last file sent again
with a row changed or added, or with the next export's rows appended to it in place; an
older file changed, or changed at the same size with its time set back; a file deleted,
renamed, or cut short (sent whole again at the next step if the cut got it refused); a
file added that sorts first; govstats.toml written or removed;
the run state's file or a delta damaged (a bit flipped, cut short, bytes added: the run
must then warn once that it ignored the state); a run killed (SIGKILL) at a random moment;
nothing. A third of the way in come new files night after night, until the chain of deltas
has reached its 30 and the next night has written the state whole from a mapped one. After
each step a run with its state (with one thread or two, on a pseudo-terminal, which makes
it say how many files it read and reused, and which grew) and a `run --full` with a state
of its own must exit alike and, when they publish, publish the same bytes. A warm run that
used its state must name a change that made it read files again exactly when a file the
last successful run read is gone or changed (other than grown), or a new file sorts before
one of them.

The walk fails if no warm run reused a file, or if 62 nights in a row did not make a chain
of 30 deltas (it would then test less than it says). Everything is written under one
temporary folder, removed at the end unless the walk failed. Standard library and `script`
(util-linux) only. Exit 1 on the first difference, naming it.
"""

import argparse
import filecmp
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time

OPS = (["add last"] * 10 + ["send last again"] * 3 + ["grow last"] * 3 + ["change older"] * 2
       + ["change, same size"] * 2
       + ["delete", "rename", "add first", "cut short", "damage state", "kill", "config", "nothing"])


class Walk:
    def __init__(self, binary, seed, rows, parts, top):
        self.binary, self.rng, self.top = binary, random.Random(seed), top
        self.data = os.path.join(top, "data")
        self.warm = ["--out", os.path.join(top, "warm")]
        self.full = ["--out", os.path.join(top, "full"), "--state", os.path.join(top, "full.state"),
                     "--full", "--quiet", "--jobs", "2"]
        self.state = os.path.join(top, ".warm.state")
        self.reserve = self.prepare(seed, rows, parts)
        self.last_run = 1.0
        # A file this step cut short, as it was; sent whole again at the next step if the
        # cut got it refused (ending inside a character), as an operator would.
        self.cut, self.refused_cut = None, None

    def prepare(self, seed, rows, parts):
        """The data folder with the first half of each dataset's files; the rest, in order."""
        generated = os.path.join(self.top, "generated")
        subprocess.run([self.binary, "generate", "--out", generated, "--rows", str(rows),
                        "--seed", str(seed), "--quiet"], check=True)
        reserve = {}
        for dataset in sorted(os.listdir(generated)):
            os.makedirs(os.path.join(self.data, dataset))
            pieces = []
            for name in sorted(os.listdir(os.path.join(generated, dataset))):
                with open(os.path.join(generated, dataset, name), "rb") as f:
                    header, *body = f.read().splitlines(keepends=True)
                size = max(1, len(body) // parts)
                for start in range(0, len(body), size):
                    pieces.append((f"{name[:-4]}_{start // size:03d}.csv", [header] + body[start:start + size]))
            for name, lines in pieces[:len(pieces) // 2]:
                self.write(os.path.join(self.data, dataset, name), lines)
            reserve[dataset] = pieces[len(pieces) // 2:]
        shutil.rmtree(generated)
        return reserve

    @staticmethod
    def write(path, lines):
        with open(path, "wb") as f:
            f.writelines(lines)

    def files(self, dataset):
        folder = os.path.join(self.data, dataset)
        return [os.path.join(folder, name) for name in sorted(os.listdir(folder))]

    def add_night(self):
        """The next file of a dataset that has one left; whether there was one."""
        datasets = [d for d in sorted(self.reserve) if self.reserve[d]]
        if not datasets:
            return False
        dataset = self.rng.choice(datasets)
        name, lines = self.reserve[dataset].pop(0)
        self.write(os.path.join(self.data, dataset, name), lines)
        return True

    def change_row(self, path, same_size):
        """A digit of a row's second half changed (a conflict, or a row made invalid), or, not
        at the same size, that row added as well (a duplicate or a conflict)."""
        with open(path, "rb") as f:
            lines = f.read().splitlines(keepends=True)
        if len(lines) < 2:
            return
        index = self.rng.randrange(1, len(lines))
        line = bytearray(lines[index])
        digits = [at for at, byte in enumerate(line) if 48 <= byte <= 57]
        if not digits:
            return
        at = self.rng.choice(digits[len(digits) // 2:])
        line[at] = 48 + (line[at] - 48 + self.rng.randrange(1, 10)) % 10
        if same_size or self.rng.random() < 0.5:
            lines[index] = bytes(line)
        else:
            lines.insert(self.rng.randrange(1, len(lines) + 1), bytes(line))
        before = os.stat(path)
        self.write(path, lines)
        if same_size and self.rng.random() < 0.7:
            os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    def step(self, number):
        """Applies one random change; returns its name."""
        rng = self.rng
        self.cut = None
        if self.refused_cut:
            (path, lines), self.refused_cut = self.refused_cut, None
            self.write(path, lines)
            return "sent whole again"
        op = rng.choice(OPS)
        dataset = rng.choice(sorted(self.reserve))
        files = self.files(dataset)
        if op == "add last" and self.reserve[dataset]:
            name, lines = self.reserve[dataset].pop(0)
            self.write(os.path.join(self.data, dataset, name), lines)
        elif op == "grow last" and self.reserve[dataset]:
            # The next export's rows appended in place, as a year-to-date export grows.
            _, (header, *body) = self.reserve[dataset].pop(0)
            with open(files[-1], "ab") as f:
                f.writelines(body)
        elif op == "send last again":
            self.change_row(files[-1], same_size=rng.random() < 0.3)
        elif op == "change older":
            self.change_row(rng.choice(files), same_size=False)
        elif op == "change, same size":
            self.change_row(rng.choice(files), same_size=True)
        elif op == "delete" and len(files) > 2:
            os.remove(rng.choice(files))
        elif op == "rename":
            path = rng.choice(files)
            os.rename(path, path[:-4] + "_renamed.csv")
        elif op == "add first":
            with open(rng.choice(files), "rb") as f:
                header, *body = f.read().splitlines(keepends=True)
            self.write(os.path.join(self.data, dataset, f"{dataset}_0000-{number:04d}.csv"),
                       [header] + rng.sample(body, min(50, len(body))))
        elif op == "cut short":
            path = rng.choice(files)
            with open(path, "rb") as f:
                self.cut = (path, [f.read()])
            size = len(self.cut[1][0])
            os.truncate(path, rng.randrange(size // 2, size))
        elif op == "damage state" and os.path.isdir(self.state):
            names = [n for n in os.listdir(self.state) if re.fullmatch(r"state(\.\d+)?", n)]
            if not names:
                return "nothing"
            path = os.path.join(self.state, rng.choice(names))
            size = os.path.getsize(path)
            how = rng.choice(["a bit flipped"] * 3 + ["cut short", "bytes added"])
            if how == "cut short":
                os.truncate(path, rng.randrange(size))
            elif how == "bytes added":
                with open(path, "ab") as f:
                    f.write(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64))))
            else:
                with open(path, "r+b") as f:
                    f.seek(rng.randrange(size))
                    byte = f.read(1)
                    f.seek(-1, os.SEEK_CUR)
                    f.write(bytes([byte[0] ^ (1 << rng.randrange(8))]))
            return f"damage state: {os.path.basename(path)}, {how}"
        elif op == "kill":
            child = subprocess.Popen([self.binary, "run", "--data", self.data, "--quiet", "--jobs", "2"] + self.warm,
                                     stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, self.last_run))
            child.send_signal(signal.SIGKILL)
            child.wait()
        elif op == "config":
            config = os.path.join(self.data, "govstats.toml")
            if os.path.exists(config) and rng.random() < 0.5:
                os.remove(config)
            else:
                with open(config, "w") as f:
                    f.write(f'# step {number}\n[report]\ncity = "上海市"\n')
        else:
            return "nothing"
        return op

    def run_warm(self):
        """The run with its state, on a pseudo-terminal, with one thread or two (the state's
        checksum is then worked out beside its loading): exit code, files read and reused."""
        jobs = str(self.rng.choice([1, 2]))
        command = shlex.join([self.binary, "run", "--data", self.data, "--jobs", jobs] + self.warm)
        started = time.monotonic()
        done = subprocess.run(["script", "-eqc", command, "/dev/null"], capture_output=True)
        self.last_run = time.monotonic() - started
        said = done.stdout.decode(errors="replace")
        counted = re.search(r"read (\d+) files?, reused (\d+)", said)
        grew = re.search(r"; (.*) grew, and only", said)
        counts = (int(counted[1]), int(counted[2]), len(grew[1].split(", ")) if grew else 0) if counted else None
        return done.returncode, counts, said

    def deltas(self):
        """The numbers of the run state's deltas (`state.N`)."""
        if not os.path.isdir(self.state):
            return []
        return sorted(int(n[6:]) for n in os.listdir(self.state) if re.fullmatch(r"state\.\d+", n))

    def state_size(self):
        """The run state's size on disk, as `state 23.9 MB and 3 deltas (1.1 MB)`."""
        size = lambda name: os.path.getsize(os.path.join(self.state, name)) / 1e6
        if not os.path.exists(os.path.join(self.state, "state")):
            return "no state"
        deltas = self.deltas()
        return f"state {size('state'):.1f} MB" + (
            f" and {len(deltas)} delta{'s' if len(deltas) > 1 else ''} ({sum(size(f'state.{n}') for n in deltas):.1f} MB)"
            if deltas else "")

    def snapshot(self):
        """Per dataset, each file's name and what tells a change: size, times, inode."""
        found = {}
        for dataset in sorted(self.reserve):
            for path in self.files(dataset):
                info = os.stat(path)
                found.setdefault(dataset, {})[os.path.basename(path)] = (
                    info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        return found

    def run_full(self):
        done = subprocess.run([self.binary, "run", "--data", self.data] + self.full, capture_output=True)
        return done.returncode, done.stderr.decode(errors="replace")


def reread_expected(before, now, grown):
    """What should make a run read files again, given the data folder `before` (as the last
    successful run read it) and `now` (`Walk.snapshot`), and the files the run said grew:
    the first file gone, changed or new before a file read then; None when nothing should."""
    for dataset, files in before.items():
        current = now.get(dataset, {})
        for name in sorted(files):
            path = f"{dataset}/{name}"
            if name not in current:
                return f"{path} is gone"
            if current[name] != files[name] and path not in grown:
                return f"{path} changed"
        last = max(files, default="")
        for name in sorted(current):
            if name not in files and name < last:
                return f"{dataset}/{name} is new and sorts before {dataset}/{last}"
    return None


def first_difference(left, right):
    """The first file that is not byte for byte the same in the two folders, or None."""
    for folder, subfolders, names in os.walk(left):
        other = os.path.join(right, os.path.relpath(folder, left))
        compared = filecmp.dircmp(folder, other)
        for name in sorted(compared.left_only + compared.right_only + compared.funny_files):
            return os.path.join(os.path.relpath(folder, left), name) + " is in one folder only"
        for name in sorted(names):
            if not filecmp.cmp(os.path.join(folder, name), os.path.join(other, name), shallow=False):
                return os.path.join(os.path.relpath(folder, left), name) + " differs"
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", required=True, help="the govstats binary (a release build)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the data and the steps (default 1)")
    parser.add_argument("--steps", type=int, default=100, help="steps of the walk (default 100)")
    parser.add_argument("--rows", type=int, default=600_000, help="alarm calls generated (default 600,000)")
    parser.add_argument("--parts", type=int, default=16, help="files each generated export is cut into (default 16)")
    args = parser.parse_args()

    top = tempfile.mkdtemp(prefix="govstats-soak-")
    walk = Walk(os.path.abspath(args.binary), args.seed, args.rows, args.parts, top)
    tally, reused_runs, grown_runs, longest_chain = {}, 0, 0, 0
    # The data folder as the last warm run that published read it, and the runs that said
    # why they read files again.
    read_last, told_why = None, 0
    # The month: from a third of the way in, new files night after night until the chain of
    # deltas has reached 30 and the next night has written the state whole (62 at most).
    month_nights, month_done = 0, False
    for number in range(args.steps):
        in_month = not month_done and number >= args.steps // 3 and not walk.refused_cut
        if in_month:
            month_nights += 1
            op = "add last, a month" if walk.add_night() else "nothing"
        else:
            op = walk.step(number)
        kind = op.split(":")[0]
        tally[kind] = tally.get(kind, 0) + 1
        folder = walk.snapshot()
        warm_code, counts, said = walk.run_warm()
        full_code, full_said = walk.run_full()
        if warm_code != full_code:
            print(f"FAIL step {number} ({op}): the warm run exited {warm_code}, run --full {full_code}\n"
                  f"warm run said:\n{said}\nrun --full said:\n{full_said}\nleft in {top}")
            return 1
        difference = first_difference(os.path.join(top, "warm"), os.path.join(top, "full")) if warm_code == 0 else None
        if difference:
            print(f"FAIL step {number} ({op}): {difference} (warm run against run --full)\nleft in {top}")
            return 1
        if warm_code == 0 and counts is None:
            print(f"FAIL step {number} ({op}): the warm run did not say how many files it read\n{said}\nleft in {top}")
            return 1
        if counts and counts[1] > 0:
            reused_runs += 1
        if counts and counts[2] > 0:
            grown_runs += 1
        # "run state ignored: … is damaged", or, for a bit flipped in what it was made for,
        # "run state … was written by another build" (or configuration, or data folder).
        if op.startswith("damage state") and len(re.findall(r"warning: run state ", said)) != 1:
            print(f"FAIL step {number} ({op}): the warm run did not warn once that it ignored the state\n{said}\nleft in {top}")
            return 1
        # A state ignored (with a warning) gives no reason: every file is read.
        if warm_code == 0 and read_last is not None and not re.search(r"warning: (no )?run state", said):
            why = re.search(r"; read again because ([^\r\n]*)", said)
            grew = re.search(r"; (.*) grew, and only", said)
            expected = reread_expected(read_last, folder, set(grew[1].split(", ")) if grew else set())
            if bool(why) != bool(expected):
                print(f"FAIL step {number} ({op}): the warm run said "
                      f"{'why it read files again' if why else 'no reason for reading files again'}, "
                      f"where {expected or 'no file the last run read changed'}\n{said}\nleft in {top}")
                return 1
            told_why += bool(why)
        if warm_code == 0:
            read_last = folder
        if warm_code == 3 and walk.cut:
            walk.refused_cut = walk.cut
        grown = f", {counts[2]} grown" if counts and counts[2] else ""
        read = f"read {counts[0]}, reused {counts[1]}{grown}" if counts else f"exit {warm_code}"
        longest_chain = max([longest_chain] + walk.deltas())
        if in_month and (longest_chain >= 30 and not walk.deltas() or month_nights == 62):
            month_done = True
        print(f"step {number:3d} {op}: {read}; {walk.state_size()}", flush=True)
    print("steps: " + ", ".join(f"{op} {n}" for op, n in sorted(tally.items())))
    if reused_runs == 0:
        print(f"FAIL: no warm run reused a file\nleft in {top}")
        return 1
    if month_done and longest_chain < 30:
        print(f"FAIL: {month_nights} nights of new files in a row made a chain of {longest_chain} deltas, not 30\nleft in {top}")
        return 1
    shutil.rmtree(top)
    print(f"{args.steps} steps passed: after each, the warm run published what run --full did; "
          f"{reused_runs} warm runs reused files, {grown_runs} read only the rows appended to a file, "
          f"{told_why} named the change that made them read files again; "
          f"the longest chain of deltas: {longest_chain}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Runs what the README tells a new user to run, as written, on a copy of the data.

- The `sh` blocks of "Quick start", in order, in a scratch folder holding `datasets/` and an
  `exports/` folder of raw exports (no govstats.toml), with `govstats` the binary under test
  and `$EDITOR` a no-op. Each command must exit 0.
- Each `toml` block: the ones that name a fixture (`govstats run --data <fixture>` in the
  paragraph before) must read that fixture (`validate` exit 0) and equal the lines of its
  govstats.toml; the others must parse (no `govstats.toml line N:` error).

Prints `N passed, N failed` last; exits 1 on any failure.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def blocks(text):
    """(heading, language, body, paragraph before) of every fenced block."""
    heading = ""
    out = []
    lines = text.split("\n")
    i = 0
    before = []
    while i < len(lines):
        line = lines[i]
        if line.startswith("## "):
            heading = line[3:].strip()
        if line.startswith("```"):
            lang = line[3:].strip()
            body = []
            i += 1
            while not lines[i].startswith("```"):
                body.append(lines[i])
                i += 1
            out.append((heading, lang, "\n".join(body) + "\n", "\n".join(before[-6:])))
            before = []
        else:
            before.append(line)
        i += 1
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--binary", required=True)
    args = parser.parse_args()
    binary = os.path.abspath(args.binary)
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    passed, failed = 0, 0

    def check(name, ok, detail=""):
        nonlocal passed, failed
        if ok:
            passed += 1
            print(f"PASS {name}")
        else:
            failed += 1
            print(f"FAIL {name}: {detail}")

    scratch = tempfile.mkdtemp(prefix="readme-")
    try:
        shutil.copytree(os.path.join(ROOT, "datasets"), os.path.join(scratch, "datasets"))
        os.makedirs(os.path.join(scratch, "exports"))
        shutil.copytree(os.path.join(ROOT, "Tests/Fixtures/RealExports/calls_for_service/alarm_calls"),
                        os.path.join(scratch, "exports", "alarm_calls"))
        shutil.copytree(os.path.join(ROOT, "Tests/Fixtures/RealExports/inspections/safe_community"),
                        os.path.join(scratch, "exports", "safe_community"))
        env = dict(os.environ, EDITOR="true")
        prelude = f'govstats() {{ "{binary}" "$@"; }}\nset -e\n'
        commands = 0
        for heading, lang, body, _ in blocks(readme):
            if heading != "Quick start" or lang != "sh":
                continue
            for command in body.split("\n"):
                command = command.split("  #")[0].strip()
                if not command:
                    continue
                commands += 1
                # The README's /tmp/reports is a folder of the scratch here: nothing is left behind.
                command = command.replace("/tmp/reports", os.path.join(scratch, "tmp-reports"))
                p = subprocess.run(["bash", "-c", prelude + command], cwd=scratch, env=env,
                                   capture_output=True, text=True, timeout=300)
                check(f"quick start: {command}", p.returncode == 0, f"exit {p.returncode}: {p.stderr.strip()[:400]}")

        check("the quick start has commands", commands > 0, "no sh block under a heading 'Quick start'")
        configs = 0
        for index, (heading, lang, body, before) in enumerate(blocks(readme)):
            if lang != "toml":
                continue
            configs += 1
            config = os.path.join(scratch, f"block{index}.toml")
            with open(config, "w", encoding="utf-8") as f:
                f.write(body)
            fixture = re.search(r"--data (Tests/Fixtures/RealExports/\w+)", before)
            if fixture:
                data = os.path.join(ROOT, fixture.group(1))
                with open(os.path.join(data, "govstats.toml"), encoding="utf-8") as f:
                    lines = set(f.read().split("\n"))
                missing = [line for line in body.split("\n") if line and line not in lines]
                check(f"toml block {index} is in {fixture.group(1)}/govstats.toml", not missing, f"lines not there: {missing}")
                p = subprocess.run([binary, "validate", "--data", data, "--config", config],
                                   capture_output=True, text=True, timeout=300)
                check(f"toml block {index} reads {fixture.group(1)}", p.returncode == 0, f"exit {p.returncode}: {p.stderr.strip()[:400]}")
            else:
                empty = tempfile.mkdtemp(dir=scratch)
                p = subprocess.run([binary, "validate", "--data", empty, "--config", config],
                                   capture_output=True, text=True, timeout=60)
                check(f"toml block {index} parses", " line " not in p.stderr and "toml" not in p.stderr,
                      p.stderr.strip()[:400])
        check("the README has configuration examples", configs > 0, "no toml block")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())

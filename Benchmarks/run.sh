#!/usr/bin/env bash
# `make bench` (after `make build`): govstats side by side with a C floor over libcsv,
# DuckDB, polars and Miller on the same canonical file. Installs what is missing (Miller,
# GNU time and OpenSSL's headers from apt, DuckDB and polars from PyPI into
# .build-bench-venv/), compiles the C floor into .build-bench-data/bin/, then runs
# Benchmarks/bench.py, which prints one table and writes Benchmarks/results-latest.md.
#
#   BENCH_ROWS="5000000 20000000"  sizes (quick try: BENCH_ROWS=200000)
#   BENCH_REPEATS=3                 interleaved runs per contender (median reported)
#   BENCH_SKIP="miller"             contenders to leave out; BENCH_FULL=1: all at every size
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
apt_install() {
	echo "bench: installing $* from apt" >&2
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}
missing=()
[ -x /usr/bin/time ] || missing+=(time)
command -v mlr >/dev/null || missing+=(miller)
command -v cc >/dev/null || missing+=(gcc)
[ -f /usr/include/csv.h ] || missing+=(libcsv-dev)
[ -f /usr/include/openssl/evp.h ] || missing+=(libssl-dev)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"

# DuckDB and polars in a virtual environment (git-ignored through .build*/), pinned.
venv=.build-bench-venv
if ! cmp -s Benchmarks/requirements.txt "$venv/requirements.txt"; then
	if [ ! -x "$venv/bin/python" ]; then
		python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$venv"; }
	fi
	echo "bench: installing DuckDB and polars into $venv" >&2
	"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r Benchmarks/requirements.txt
	cp Benchmarks/requirements.txt "$venv/requirements.txt"
fi

# The C floor (its --sha256 mode hashes with OpenSSL's libcrypto).
mkdir -p .build-bench-data/bin
if [ ! -x .build-bench-data/bin/floor ] || [ Benchmarks/floor.c -nt .build-bench-data/bin/floor ]; then
	cc -O2 -Wall -Wextra -o .build-bench-data/bin/floor Benchmarks/floor.c -lcsv -lcrypto
fi

exec python3 Benchmarks/bench.py

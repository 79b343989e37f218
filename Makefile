# Wildlife Trade Watch — the two commands that matter: `make run` and `make test`.
CONFIGURATION ?= Release
DOTNET ?= dotnet
CLI = services/Pipeline.Cli/bin/$(CONFIGURATION)/net10.0/pipeline.dll
ARGS ?=

.PHONY: all build run serve demo test test-unit verify clean browser bench bench-bus bench-store bench-report bench-fetch bench-classify bench-extract bench-screen

all: build

build:
	$(DOTNET) build Pipeline.sln -c $(CONFIGURATION) -nologo -clp:ErrorsOnly

# Chromium from Debian: Playwright's own browser download cannot work offline.
browser:
	@command -v chromium >/dev/null 2>&1 || [ -n "$$PLAYWRIGHT_CHROMIUM_EXECUTABLE" ] || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null; } || true

# The main job on the embedded default: in-process bus, SQLite, the demo marketplace on 127.0.0.1.
run: browser build
	$(DOTNET) $(CLI) run $(ARGS)

serve: browser build
	$(DOTNET) $(CLI) run --serve $(ARGS)

demo: build
	$(DOTNET) $(CLI) demo $(ARGS)

verify: build
	$(DOTNET) $(CLI) verify $(ARGS)

# Every test: unit, Chromium, and RabbitMQ ones (.ci/prepare installs and starts what is missing).
test: build
	@bash -c '. .ci/prepare && CONFIGURATION=$(CONFIGURATION) tests/run-tests.sh'

# Only the tests that need no server and no browser.
test-unit: build
	CONFIGURATION=$(CONFIGURATION) tests/run-tests.sh --filter "TestCategory!=Chromium&TestCategory!=RabbitMq"

# Every benchmark, then artifacts/bench/results.json and docs/benchmarks.md. Loopback only; bounded in time.
BENCH = $(DOTNET) run -c $(CONFIGURATION) --no-build --project
bench: build bench-store bench-bus bench-screen bench-report

bench-store:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Store -- --count $${BENCH_STORE_COUNT:-1000000}

bench-bus:
	@bash -c '. .ci/prepare && $(BENCH) benchmarks/WildlifeWatch.Benchmarks.Bus -- --count $${BENCH_BUS_COUNT:-100000}'

bench-report:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Report

# Platform screening: p50/p95/p99 latency of POST /api/screen over loopback HTTP (target p95 < 100 ms).
bench-screen:
	$(DOTNET) run -c $(CONFIGURATION) --project benchmarks/WildlifeWatch.Benchmarks.Screening -- $(ARGS)
# Fetcher throughput: 500 pages of the demo marketplace, browser mode at 1, 2 and 4 contexts and HTTP mode.
bench-fetch: browser
	$(DOTNET) run -c $(CONFIGURATION) --project benchmarks/WildlifeWatch.Benchmarks.Fetcher -- $(ARGS)
# Listings scored per second by `pipeline classify` (100k listings) and by the classifier service's handler.
bench-classify:
	$(DOTNET) run -c $(CONFIGURATION) --project benchmarks/WildlifeWatch.Benchmarks.Classify -- $(ARGS)
# Extraction throughput: listings extracted per second and lexicon scan MB/s with the full lexicon (one core, no I/O).
bench-extract:
	$(DOTNET) run -c $(CONFIGURATION) --project benchmarks/WildlifeWatch.Benchmarks.Extraction -- $(ARGS)

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIGURATION) -nologo -v q
	rm -rf var

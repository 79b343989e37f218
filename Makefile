# Wildlife Trade Watch — the two commands that matter: `make run` and `make test`.
CONFIGURATION ?= Release
DOTNET ?= dotnet
CLI = services/Pipeline.Cli/bin/$(CONFIGURATION)/net10.0/pipeline.dll
ARGS ?=

.PHONY: all build run serve demo test test-unit verify clean browser bench bench-bus bench-store bench-report bench-peers \
  bench-fetch bench-fetch-run bench-classify bench-classify-run bench-extract bench-extract-run bench-e2e bench-e2e-run bench-scale bench-scale-run bench-screen bench-screen-run

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

# Every benchmark, then artifacts/bench/results.json and docs/benchmarks.md. Loopback only; each bounded in time and
# traffic (warm-up, then BENCH_*_RUNS runs). The fetcher and the bus run at the issue's sizes (500 pages, 100k
# messages): 1-1.5 hours on two cores, most of it the fetcher beside its peers. BENCH_FETCH_PAGES=100 makes it a
# quick look.
BENCH = $(DOTNET) run -c $(CONFIGURATION) --no-build --project
# A vhost of its own per benchmark on the loopback broker, so the pipeline's queues of other runs are never touched;
# emptied first, so messages an interrupted run left behind are not redelivered into this one. Used inside bash -c '...':
# double quotes only. Without rabbitmqctl (a broker of your own in RABBITMQ_URI) it says so and uses that URI's vhost.
BENCH_VHOST = . .ci/prepare >/dev/null && { rabbitmqctl -q delete_vhost $(1) >/dev/null 2>&1; rabbitmqctl -q add_vhost $(1) >/dev/null 2>&1; \
  if rabbitmqctl -q set_permissions -p $(1) guest ".*" ".*" ".*" >/dev/null 2>&1; then export BENCH_RABBITMQ_URI="$${RABBITMQ_URI%/}/$(1)"; \
  echo "bench: vhost $(1) (emptied)"; else echo "bench: could not make vhost $(1) with rabbitmqctl; using RABBITMQ_URI as it is" >&2; fi; }
bench: build
	$(MAKE) --no-print-directory bench-store bench-bus bench-fetch-run bench-classify-run bench-extract-run bench-e2e-run bench-scale-run bench-screen-run \
	  BENCH_STORE_SECONDS=$${BENCH_STORE_SECONDS:-240} BENCH_FETCH_PAGES=$${BENCH_FETCH_PAGES:-500} BENCH_E2E_COUNT=$${BENCH_E2E_COUNT:-1000} \
	  BENCH_SCALE_PAGES=$${BENCH_SCALE_PAGES:-40}
	$(MAKE) --no-print-directory bench-report

bench-store:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Store -- --count $${BENCH_STORE_COUNT:-1000000} --max-seconds $${BENCH_STORE_SECONDS:-1200}

bench-bus:
	@bash -c '. .ci/prepare && $(BENCH) benchmarks/WildlifeWatch.Benchmarks.Bus -- --count $${BENCH_BUS_COUNT:-100000}'

bench-report:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Report

# Platform screening: p50/p95/p99 latency of POST /api/screen over loopback HTTP (target p95 < 100 ms).
bench-screen: build bench-screen-run
bench-screen-run:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Screening -- $(ARGS)

# The peers' npm packages (Crawlee, playwright-core), from the lock file.
bench-peers:
	@[ -d benchmarks/peers/node_modules/crawlee ] || (cd benchmarks/peers && npm ci --no-audit --no-fund)

# Fetcher: ours (full capture, capture off), Crawlee and raw Playwright on the same demo pages at 1, 2 and 4 in flight,
# taking turns run by run, and HTTP mode. BENCH_FETCH_PAGES (500), BENCH_FETCH_RUNS (3), BENCH_FETCH_CONCURRENCY
# (1,2,4), BENCH_FETCH_ONLY (full,off,crawlee,raw,http), BENCH_FETCH_PEERS=0.
bench-fetch: browser build bench-fetch-run
bench-fetch-run: bench-peers
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Fetcher

# Listings scored per second by `pipeline classify` (100k listings) and by the classifier service's handler.
bench-classify: build bench-classify-run
bench-classify-run:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Classify -- $(ARGS)

# Extraction throughput: listings extracted per second and lexicon scan MB/s with the full lexicon (one core, no I/O).
bench-extract: build bench-extract-run
bench-extract-run:
	$(BENCH) benchmarks/WildlifeWatch.Benchmarks.Extraction -- $(ARGS)

# Extraction -> classification -> alerting: listings/s and capture-to-alert p50/p95, embedded and over RabbitMQ.
# BENCH_E2E_COUNT (2000), BENCH_E2E_LATENCY (200), BENCH_E2E_RATE (20/s), BENCH_E2E_RUNS (3), BENCH_E2E_TRANSPORTS.
bench-e2e: build bench-e2e-run
bench-e2e-run:
	@bash -c '$(call BENCH_VHOST,wtw-bench-e2e) && $(BENCH) benchmarks/WildlifeWatch.Benchmarks.EndToEnd'

# Fetcher pages/s with 1 and 2 fetcher service processes over RabbitMQ. BENCH_SCALE_PAGES (100), BENCH_SCALE_RUNS (3),
# BENCH_SCALE_REPLICAS (1,2), BENCH_SCALE_CONTEXTS (2).
bench-scale: browser build bench-scale-run
bench-scale-run:
	@bash -c '$(call BENCH_VHOST,wtw-bench-scale) && CONFIGURATION=$(CONFIGURATION) $(BENCH) benchmarks/WildlifeWatch.Benchmarks.Scale'

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIGURATION) -nologo -v q
	rm -rf var

# Wildlife Trade Watch — the two commands that matter: `make run` and `make test`.
CONFIGURATION ?= Release
DOTNET ?= dotnet
CLI = services/Pipeline.Cli/bin/$(CONFIGURATION)/net10.0/pipeline.dll
ARGS ?=

.PHONY: all build run serve demo test test-unit verify clean browser bench-extract

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

# Extraction throughput: listings extracted per second and lexicon scan MB/s with the full lexicon (one core, no I/O).
bench-extract:
	$(DOTNET) run -c $(CONFIGURATION) --project benchmarks/WildlifeWatch.Benchmarks.Extraction -- $(ARGS)

clean:
	$(DOTNET) clean Pipeline.sln -c $(CONFIGURATION) -nologo -v q
	rm -rf var

# The two commands: `make run` and `make test`. Both install what is missing (scripts/setup),
# then build. `make` alone only builds build/bluehelm.

BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
DB         ?= var/bluehelm.db
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
DEMO_INCIDENTS ?= 2000

.PHONY: all build build-asan setup run test test-asan fuzz bench format clean

all: build

setup:
	@./scripts/setup

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo

$(ASAN_BUILD)/CMakeCache.txt:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DBH_SANITIZE=ON

build: $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

build-asan: $(ASAN_BUILD)/CMakeCache.txt
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# Builds only what it serves (the binary with its web bundle, not the test programs), then
# creates the store on first run and upgrades it after a pull; serves until Ctrl-C. A store
# made by this run also gets DEMO_INCIDENTS synthetic incidents (`bluehelm demo`, marked
# synthetic; docs/demo.md) so the map has something to show; an existing store never does.
# DEMO_INCIDENTS=0 makes a store without them.
run: setup
	@$(MAKE) --no-print-directory $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target bluehelm
	@new=; [ -e "$(DB)" ] || new=1; \
	echo "./$(BUILD)/bluehelm init --seed --db $(DB) --listen $(LISTEN)"; \
	./$(BUILD)/bluehelm init --seed --db $(DB) --listen $(LISTEN) || exit 1; \
	if [ -n "$$new" ] && [ "$(DEMO_INCIDENTS)" != 0 ]; then \
	    echo "./$(BUILD)/bluehelm demo --incidents $(DEMO_INCIDENTS) --seed 1 --db $(DB)"; \
	    ./$(BUILD)/bluehelm demo --incidents $(DEMO_INCIDENTS) --seed 1 --db $(DB) || exit 1; \
	fi
	./$(BUILD)/bluehelm serve --db $(DB) --listen $(LISTEN)

# Every test, then every test again under AddressSanitizer and UndefinedBehaviorSanitizer,
# then each fuzzer of tests/fuzz for 5 s (skipped, saying why, where clang cannot build them).
test: setup
	@$(MAKE) --no-print-directory build build-asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)
	@JOBS=$(JOBS) ./tests/fuzz/run.sh $(FUZZ_BUILD) 5 || [ $$? -eq 77 ]

# The fuzzers (tests/fuzz/run.sh, docs/operations.md): each tests/fuzz/fuzz_NAME.c (the real
# HTTP server fed arbitrary requests, the config reader, ...) under libFuzzer for FUZZ_SECONDS,
# after replaying its kept seeds and crashers. Their own build directory, compiled by clang.
# `make test` runs the same for 5 s each.
fuzz: setup
	JOBS=$(JOBS) ./tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The benchmarks (bench/run, bench/incidents, bench/stream, bench/library, bench/capacity,
# docs/benchmarks.md): bluehelm against named peers (sqlite3, nginx serving the same bytes under
# wrk, the bare FTS5 query, GLPK's glpsol on the proposed assignment as a linear program) on
# synthetic data; slow is reported, not failed (a wrong answer fails). bench/report writes the
# one report, $(BUILD)/bench/report.md and report.json, and refreshes the checked-in
# bench/report.md and bench/report.json.
# bench/map_first_load.mjs: the incident map's first load in Chromium on an emulated
# 1.6 Mbit/s link against a plain Leaflet page over the same data.
bench:
	@./scripts/setup bench
	@$(MAKE) --no-print-directory build
	BUILD=$(BUILD) ./bench/run
	BUILD=$(BUILD) ./bench/incidents
	BUILD=$(BUILD) ./bench/stream
	BUILD=$(BUILD) ./bench/library
	BUILD=$(BUILD) ./bench/capacity
	BUILD=$(BUILD) node bench/map_first_load.mjs
	BUILD=$(BUILD) BENCH_REPORT_DIR=bench ./bench/report

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

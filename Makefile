# The two commands: `make run` and `make test`. Both install what is missing (scripts/setup),
# then build. `make` alone only builds build/bluehelm.

BUILD      ?= build
ASAN_BUILD ?= build-asan
DB         ?= var/bluehelm.db
LISTEN     ?= 127.0.0.1:8080
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build build-asan setup run test test-asan bench format clean

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

# Creates the store on first run and upgrades it after a pull; serves until Ctrl-C.
run: setup
	@$(MAKE) --no-print-directory build
	./$(BUILD)/bluehelm init --seed --db $(DB) --listen $(LISTEN)
	./$(BUILD)/bluehelm serve --db $(DB) --listen $(LISTEN)

# Every test, then every test again under AddressSanitizer and UndefinedBehaviorSanitizer.
test: setup
	@$(MAKE) --no-print-directory build build-asan
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

# The benchmarks (bench/run, docs/benchmarks.md): bluehelm against sqlite3 on a synthetic
# million-row file, ratios printed; slow is reported, not failed.
bench: setup
	@$(MAKE) --no-print-directory build
	BUILD=$(BUILD) ./bench/run

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

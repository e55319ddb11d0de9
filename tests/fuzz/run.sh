#!/bin/sh
# Usage: tests/fuzz/run.sh [BUILD_DIR] [SECONDS]
#
# Builds the libFuzzer target fuzz_http (tests/fuzz/fuzz_http.c) in BUILD_DIR (default
# build-fuzz), replays every kept seed and crasher once, then fuzzes for SECONDS (default 10;
# 0 replays only). `make test` runs it for 10 s, `make fuzz` for 300 s.
#
# Why a build directory of its own: libFuzzer ships with clang, and the core must be compiled
# by clang with -fsanitize=fuzzer-no-link for coverage, while the everyday builds use gcc.
# Configuring a second CMake build with CC=clang and -DBH_FUZZ=ON keeps both simple: no
# compiler switching inside one build, and the gcc builds are untouched.
#
# Exits 77 (skipped), saying why, when clang cannot build a libFuzzer target on this machine;
# scripts/setup installs what it needs (clang, libclang-rt-14-dev).
set -eu
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
seconds=${2:-10}
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz/http: skipped: $cc is not installed (scripts/setup installs clang and libclang-rt-14-dev)"
    exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
    echo "fuzz/http: skipped: $cc cannot link -fsanitize=fuzzer (Debian: libclang-rt-14-dev): $(head -n 1 "$probe/err")"
    exit 77
fi

if [ ! -f "$build/CMakeCache.txt" ]; then
    CC="$cc" cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBH_FUZZ=ON >/dev/null
fi
cmake --build "$build" --target fuzz_http -j "${JOBS:-2}"

bin="$build/tests/fuzz/fuzz_http"
out="$build/fuzz"
mkdir -p "$out/corpus-http" "$out/artifacts"
# Leaks are the ASan test suite's business; here a finding is a crash, a sanitizer report, a
# hang, or a server that stops answering.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
opts="-error_exitcode=1 -detect_leaks=0 -max_len=8192 -timeout=60 -rss_limit_mb=4096 -artifact_prefix=$out/artifacts/"

seeds=$(ls tests/fuzz/corpus/http | wc -l)
crashers=$(ls tests/fuzz/crashers/http | wc -l)
echo "fuzz/http: replaying $seeds seeds and $crashers kept crashers"
# shellcheck disable=SC2086 # $opts is a list of flags
if ! "$bin" $opts tests/fuzz/corpus/http/* tests/fuzz/crashers/http/* >"$out/replay.log" 2>&1; then
    tail -n 60 "$out/replay.log"
    echo "fuzz/http: FAILED replaying a kept input (log: $out/replay.log)"
    exit 1
fi
[ "$seconds" -gt 0 ] || exit 0

echo "fuzz/http: fuzzing for $seconds s (new inputs: $out/corpus-http, findings: $out/artifacts)"
# shellcheck disable=SC2086
if ! "$bin" $opts -max_total_time="$seconds" -print_final_stats=1 \
    "$out/corpus-http" tests/fuzz/corpus/http tests/fuzz/crashers/http >"$out/fuzz.log" 2>&1; then
    tail -n 60 "$out/fuzz.log"
    echo "fuzz/http: FAILED: a finding is in $out/artifacts; keep it in tests/fuzz/crashers/http once fixed"
    exit 1
fi
grep -E 'DONE|stat::number_of_executed_units' "$out/fuzz.log" || true
echo "fuzz/http: passed"

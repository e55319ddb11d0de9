#!/bin/sh
# Usage: tests/fuzz/run.sh [BUILD_DIR] [SECONDS] [NAME...]
#
# Builds every libFuzzer target (each tests/fuzz/fuzz_NAME.c is the target fuzz_NAME) in
# BUILD_DIR (default build-fuzz); then, for each NAME (default: all of them, in name order),
# replays every kept seed (tests/fuzz/corpus/NAME/*) and crasher (tests/fuzz/crashers/NAME/*)
# once and fuzzes for SECONDS (default 5; 0 replays only). SECONDS is per target: `make test`
# runs 5 s each, `make fuzz` 300 s each. `tests/fuzz/run.sh build-fuzz 60 config` fuzzes one.
#
# A target that needs other libFuzzer flags than the common ones below (a longer -max_len, a
# -dict) puts them on one line in tests/fuzz/fuzz_NAME.options; they come last, so they win.
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
seconds=${2:-5}
# What follows the two is the names of the targets to run.
if [ $# -gt 2 ]; then shift 2; else set --; fi
cc=${FUZZ_CC:-clang}

if ! command -v "$cc" >/dev/null 2>&1; then
    echo "fuzz: skipped: $cc is not installed (scripts/setup installs clang and libclang-rt-14-dev)"
    exit 77
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' >"$probe/p.c"
if ! "$cc" -fsanitize=fuzzer,address "$probe/p.c" -o "$probe/p" 2>"$probe/err"; then
    echo "fuzz: skipped: $cc cannot link -fsanitize=fuzzer (Debian: libclang-rt-14-dev): $(head -n 1 "$probe/err")"
    exit 77
fi

# The names: those asked for, or every fuzz_NAME.c.
if [ $# -eq 0 ]; then
    for src in tests/fuzz/fuzz_*.c; do
        name=${src#tests/fuzz/fuzz_}
        set -- "$@" "${name%.c}"
    done
fi
for name in "$@"; do
    if [ ! -f "tests/fuzz/fuzz_$name.c" ]; then
        echo "fuzz: no target '$name' (tests/fuzz/fuzz_$name.c does not exist)"
        exit 1
    fi
done

# Configuring again each time is cheap and lets the glob in tests/fuzz/CMakeLists.txt see a
# target added since the build directory was made.
CC="$cc" cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBH_FUZZ=ON >/dev/null
targets=
for name in "$@"; do targets="$targets fuzz_$name"; done
# shellcheck disable=SC2086 # $targets is a list of names
cmake --build "$build" --target $targets -j "${JOBS:-2}"

out="$build/fuzz"
# Leaks are the ASan test suite's business; here a finding is a crash, a sanitizer report, a
# hang, or (fuzz_http) a server that stops answering.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# The kept inputs of one target, as arguments: a missing folder or an empty one gives none.
kept() {
    for f in "tests/fuzz/$1/$2"/*; do
        [ -f "$f" ] && printf '%s\n' "$f"
    done
    return 0
}

for name in "$@"; do
    bin="$build/tests/fuzz/fuzz_$name"
    artifacts="$out/artifacts-$name"
    corpus="$out/corpus-$name"
    mkdir -p "$corpus" "$artifacts"
    opts="-error_exitcode=1 -detect_leaks=0 -max_len=8192 -timeout=60 -rss_limit_mb=4096 -artifact_prefix=$artifacts/"
    if [ -f "tests/fuzz/fuzz_$name.options" ]; then
        opts="$opts $(cat "tests/fuzz/fuzz_$name.options")"
    fi

    seeds=$(kept corpus "$name" | wc -l)
    crashers=$(kept crashers "$name" | wc -l)
    echo "fuzz/$name: replaying $seeds seeds and $crashers kept crashers"
    # Given no file at all, libFuzzer would fuzz forever rather than replay nothing.
    if [ $((seeds + crashers)) -gt 0 ]; then
        # shellcheck disable=SC2046,SC2086 # file names from the tree have no blanks; $opts is a list
        if ! "$bin" $opts $(kept corpus "$name") $(kept crashers "$name") >"$out/replay-$name.log" 2>&1; then
            tail -n 60 "$out/replay-$name.log"
            echo "fuzz/$name: FAILED replaying a kept input (log: $out/replay-$name.log)"
            exit 1
        fi
    fi
    [ "$seconds" -gt 0 ] || continue

    dirs="$corpus"
    for d in "tests/fuzz/corpus/$name" "tests/fuzz/crashers/$name"; do
        [ -d "$d" ] && dirs="$dirs $d"
    done
    echo "fuzz/$name: fuzzing for $seconds s (new inputs: $corpus, findings: $artifacts)"
    # shellcheck disable=SC2086 # $opts and $dirs are lists
    if ! "$bin" $opts -max_total_time="$seconds" -print_final_stats=1 $dirs \
        >"$out/fuzz-$name.log" 2>&1; then
        tail -n 60 "$out/fuzz-$name.log"
        echo "fuzz/$name: FAILED: a finding is in $artifacts; keep it in tests/fuzz/crashers/$name once fixed"
        exit 1
    fi
    grep -E 'DONE|stat::number_of_executed_units' "$out/fuzz-$name.log" || true
    echo "fuzz/$name: passed"
done

#!/bin/sh
# Runs one browser test file under node's test runner, as CTest's e2e/NAME. Exits 77 (CTest's
# "skipped") with the reason when what a browser test needs is not on this machine; the
# Makefile's `make test` installs it through scripts/setup.
set -eu
here=$(dirname "$0")
chromium=${BH_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    echo "SKIP: $chromium is missing (Debian's chromium package; scripts/setup installs it)"
    exit 77
fi
if ! command -v node >/dev/null 2>&1; then
    echo "SKIP: node is missing (scripts/setup installs it)"
    exit 77
fi
if [ ! -d "$here/../../node_modules/playwright-core" ]; then
    echo "SKIP: node_modules/playwright-core is missing (run scripts/setup, which runs npm ci)"
    exit 77
fi
# A test that needs a file from the shared data gets its path as BH_E2E_REQUIRE (from CTest).
if [ -n "${BH_E2E_REQUIRE:-}" ] && [ ! -f "$BH_E2E_REQUIRE" ]; then
    echo "SKIP: $BH_E2E_REQUIRE is missing (the shared data, BH_SHARED_DATA)"
    exit 77
fi
exec node --test "$here/$1"

#!/bin/sh
# Usage: tests/layering.sh [SOURCE_DIR]   (CTest runs it as style/layering)
#
# Checks the layering rules of docs/architecture.md on the #include lines of SOURCE_DIR/src
# (default: the checkout this script is in). A module is a folder under src/; an include
# "account/user.h" is an edge from the including file's module to account.
#
# Rules that hold today, with no exceptions:
#   - a capability module (any folder but base, db, http, api, cli) includes nothing from
#     http/, api/ or cli/: modules hold no HTTP and know nothing of the front ends;
#   - only src/db/ includes <sqlite3.h>, so a second driver can sit behind db.h;
#   - base/ includes nothing of ours, and db/ nothing but base/.
# And one with a ratchet:
#   - no include cycle between modules. The cycles that exist today are listed in
#     `allowed_cycles` below; any other cycle fails, printed as the cycle
#     ("account -> audit -> account"). An entry that is no longer a cycle fails too, so that
#     removing a cycle from the code and its entry from the list go together and the cycle
#     cannot come back unnoticed. The list only ever shrinks.
#
# Exits 0 when every rule holds, 1 naming each file and line that breaks one.
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"

# The cross-module include cycles that remain, each written from the module first in
# alphabetical order, with why each exists. None is left: account <-> audit and every cycle
# through it went when `struct principal` moved to principal/; audit <-> each capability when
# the audit log's record kinds came to be handed in by api/audit.c; casualty <-> incident when
# "an incident with its casualties" came to be composed in api/incidents.c; api <-> http when
# each capability came to declare its own route table (api/routes.c collects them).
allowed_cycles='
'

# One line per include of ours or <sqlite3.h>: "FILE LINE MODULE TARGET", where TARGET is the
# included module, or "<sqlite3.h>".
includes=$(find src -mindepth 2 -type f \( -name '*.c' -o -name '*.h' \) | LC_ALL=C sort |
    xargs awk '
    /^[ \t]*#[ \t]*include[ \t]*</ {
        if ($0 ~ /<sqlite3\.h>/) { split(FILENAME, p, "/"); print FILENAME, FNR, p[2], "<sqlite3.h>" }
        next
    }
    /^[ \t]*#[ \t]*include[ \t]*"[A-Za-z0-9_]+\// {
        split(FILENAME, p, "/")
        t = $0; sub(/^[^"]*"/, "", t); sub(/\/.*/, "", t)
        print FILENAME, FNR, p[2], t
    }')

printf '%s\n' "$includes" | awk -v allowed="$allowed_cycles" '
function front_end(m) { return m == "http" || m == "api" || m == "cli" }
function core(m) { return m == "base" || m == "db" || front_end(m) }
function complain(msg) { print "layering: " msg; bad = 1 }

# Adds cycle `c` to list[1..n], kept shortest first and then by name so the output is stable;
# returns the new length.
function insert(list, n, c,    j, t, na, nb, x) {
    list[++n] = c
    for (j = n; j > 1; j--) {
        na = split(list[j], x, " -> "); nb = split(list[j - 1], x, " -> ")
        if (na > nb || (na == nb && list[j] > list[j - 1]))
            break
        t = list[j]; list[j] = list[j - 1]; list[j - 1] = t
    }
    return n
}

# Every elementary cycle through `start` whose other modules sort after it, so each cycle is
# found once, written from its smallest module. The graph has a few dozen modules at most.
function walk(start, node, path,    i, next_) {
    onpath[node] = 1
    for (i = 1; i <= nout[node]; i++) {
        next_ = out[node, i]
        if (next_ == start)
            cycles[path " -> " start] = 1
        else if (next_ > start && !onpath[next_])
            walk(start, next_, path " -> " next_)
    }
    onpath[node] = 0
}

NF == 4 {
    file = $1; line = $2; from = $3; to = $4
    if (to == "<sqlite3.h>") {
        if (from != "db")
            complain(file ":" line ": includes <sqlite3.h>; only src/db/ may (db.h is the interface)")
        next
    }
    if (to == from)
        next
    if (!core(from) && front_end(to))
        complain(file ":" line ": the capability module " from "/ includes " to "/; modules know nothing of HTTP or the command line")
    if (from == "base")
        complain(file ":" line ": base/ includes " to "/; base/ depends on nothing of ours")
    if (from == "db" && to != "base")
        complain(file ":" line ": db/ includes " to "/; db/ knows nothing but base/")
    if (!((from, to) in edge)) {
        edge[from, to] = file ":" line
        out[from, ++nout[from]] = to
        mods[from] = 1; mods[to] = 1
    }
}

END {
    for (m in mods)
        walk(m, m, m)
    n = split(allowed, lines, "\n")
    for (i = 1; i <= n; i++)
        if (lines[i] != "")
            ok[lines[i]] = 1
    nnew = 0
    for (c in cycles)
        if (!(c in ok))
            nnew = insert(fresh, nnew, c)
    # One new include can close hundreds of longer cycles: the shortest few say enough.
    for (i = 1; i <= nnew && i <= 10; i++) {
        # Name one include per step, so the reader sees where to cut.
        k = split(fresh[i], hop, " -> ")
        where = ""
        for (j = 1; j < k; j++)
            where = where (j > 1 ? ", " : "") edge[hop[j], hop[j + 1]]
        complain("include cycle " fresh[i] " (" where ")")
    }
    if (nnew > 10)
        complain("... and " (nnew - 10) " more new include cycles")
    nold = 0
    for (c in ok)
        if (!(c in cycles))
            nold = insert(gone, nold, c)
    for (i = 1; i <= nold; i++)
        complain("\"" gone[i] "\" is no longer a cycle: delete its line from allowed_cycles in tests/layering.sh, so it cannot come back")
    if (!bad)
        print "layering: ok (" length(ok) " allowed cycles left, listed in tests/layering.sh)"
    exit bad
}'

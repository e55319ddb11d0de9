# shellcheck shell=bash
# The shell pieces shared by bench/run, bench/incidents and bench/report (docs/benchmarks.md):
# timing, medians, wrk and its percentiles, nginx serving the bytes bluehelm served, server
# memory, and the records the report is written from. Sourced, never run; the sourcing script
# sets BENCH_NAME (for messages) and OUT (its scratch directory) first.
#
# Records: each figure is one line of $BENCH_DIR/records/PART.tsv, fields key=value separated
# by tabs (values carry no tab or newline). bench/report turns every record file into
# report.md and report.json. Keys the report knows: part, id, what, bluehelm, peer_name, peer,
# ratio, target, met, note; any other key (numbers such as bh_rps, peer_p99_ms) goes to the
# JSON only.

BENCH_BUILD=${BUILD:-build}
BENCH_DIR=$BENCH_BUILD/bench
BENCH_WRK_SECONDS=${BENCH_WRK_SECONDS:-10}
BENCH_NGINX_LISTEN=${BENCH_NGINX_LISTEN:-127.0.0.1:18766}

die() {
    echo "${BENCH_NAME:-bench}: $*" >&2
    exit 1
}

# Runs "$@" with its output in $OUT/last.out and last.err and prints the seconds it took.
# A command that fails stops the benchmark: its time would mean nothing.
seconds() {
    local t0 t1
    t0=$(date +%s.%N)
    if ! "$@" >"$OUT/last.out" 2>"$OUT/last.err"; then
        echo "${BENCH_NAME:-bench}: failed: $*" >&2
        tail -n 5 "$OUT/last.err" >&2
        return 1
    fi
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# As seconds, for a program (not a shell function: its own memory is measured), and also its peak resident memory (VmHWM, sampled every 50 ms while
# it runs; it never goes down, so the last sample is the peak up to the last 50 ms) in kB into
# the file $OUT/last.hwm.
seconds_hwm() {
    local t0 t1 pid hwm=0 h
    t0=$(date +%s.%N)
    "$@" >"$OUT/last.out" 2>"$OUT/last.err" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        h=$(proc_kb "$pid" VmHWM)
        [[ -n $h ]] && hwm=$h
        sleep 0.05
    done
    if ! wait "$pid"; then
        echo "${BENCH_NAME:-bench}: failed: $*" >&2
        tail -n 5 "$OUT/last.err" >&2
        return 1
    fi
    t1=$(date +%s.%N)
    echo "$hwm" >"$OUT/last.hwm"
    awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
}

# "min median max" of the numbers given as arguments.
summary() {
    printf '%s\n' "$@" | sort -g | awk '
        { v[NR] = $1 }
        END {
            m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
            printf "%.3f %.3f %.3f\n", v[1], m, v[NR]
        }'
}

# The median of the numbers given as arguments.
median() {
    local _ m
    read -r _ m _ <<<"$(summary "$@")"
    echo "$m"
}

# a / b with `digits` decimals (default 2); "n/a" when b is 0 or either is missing.
ratio() { # a b [digits]
    awk -v a="${1:-}" -v b="${2:-}" -v d="${3:-2}" 'BEGIN {
        if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.*f\n", d, a / b }'
}

# Whether `expr` (awk, over a and b) holds: "met" or "NOT met" ("n/a" when a value is missing).
verdict() { # a b expr
    awk -v a="${1:-}" -v b="${2:-}" 'BEGIN {
        if (a == "" || b == "" || a == "n/a" || b == "n/a") { print "n/a"; exit }
        print ('"$3"') ? "met" : "NOT met" }'
}

# A number with thousands separators (and `digits` decimals, default 0), for the report.
human() { # number [digits]
    awk -v v="$1" -v d="${2:-0}" 'BEGIN {
        s = sprintf("%.*f", d, v); i = index(s, "."); f = ""
        if (i) { f = substr(s, i); s = substr(s, 1, i - 1) }
        neg = s ~ /^-/; if (neg) s = substr(s, 2)
        while (length(s) > 3) { f = "," substr(s, length(s) - 2) f; s = substr(s, 1, length(s) - 3) }
        print (neg ? "-" : "") s f }'
}

# One record of the report: key=value arguments, written as a tab-separated line to
# $BENCH_DIR/records/$BENCH_PART.tsv.
record() {
    local IFS=$'\t'
    mkdir -p "$BENCH_DIR/records"
    printf '%s\n' "part=$BENCH_PART	$*" | tr -d '\n' >>"$BENCH_DIR/records/$BENCH_PART.tsv"
    echo >>"$BENCH_DIR/records/$BENCH_PART.tsv"
}

# Starts this part's record file afresh, with the machine and the versions as its first line.
records_begin() { # part [key=value...]
    BENCH_PART=$1
    shift
    mkdir -p "$BENCH_DIR/records"
    : >"$BENCH_DIR/records/$BENCH_PART.tsv"
    record id=run started="$(date -u +%Y-%m-%dT%H:%M:%SZ)" runs="${RUNS:-}" \
        wrk_seconds="$BENCH_WRK_SECONDS" "$@"
}

# The machine and the versions, as key=value words (bench/report writes them once).
machine_keys() {
    local cpu bh nginx_v wrk_v
    cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//') || true
    bh=$("$BENCH_BUILD/bluehelm" --version 2>/dev/null | head -n 1) || true
    nginx_v=$("$(nginx_bin)" -v 2>&1 | sed -n 's|.*nginx/||p') || true
    wrk_v=$(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n 1) || true
    printf '%s\n' "nproc=$(nproc)" "cpu=${cpu:-unknown}" "kernel=$(uname -sr)" \
        "sqlite3=$(sqlite3 --version 2>/dev/null | cut -d' ' -f1)" "nginx=${nginx_v:-missing}" \
        "wrk=${wrk_v:-missing}" "bluehelm=${bh:-missing}" \
        "build_type=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$BENCH_BUILD/CMakeCache.txt" \
            2>/dev/null)"
}

# ---- wrk ----------------------------------------------------------------------------------

# One wrk run of `url` (more arguments: wrk's, such as -H 'Authorization: ...'): requests a
# second, p50 and p99 in ms into WRK_RPS, WRK_P50 and WRK_P99. Any non-2xx reply, socket
# error or timeout stops the benchmark: the rate of failures means nothing.
WRK_CONNECTIONS=32
wrk_run() { # url [wrk args...]
    local url=$1 out=$OUT/wrk.out
    shift
    wrk -t2 -c"$WRK_CONNECTIONS" -d"${BENCH_WRK_SECONDS}s" --timeout 30s --latency "$@" "$url" \
        >"$out" 2>&1 || die "wrk failed on $url: $(cat "$out")"
    if grep -q 'Non-2xx' "$out"; then
        die "wrk got errors from $url: $(grep Non-2xx "$out")"
    fi
    if grep -q 'Socket errors' "$out"; then
        die "wrk had socket errors on $url: $(grep 'Socket errors' "$out")"
    fi
    WRK_RPS=$(awk '/^Requests\/sec:/ { print $2 }' "$out")
    WRK_P50=$(wrk_percentile 50 "$out")
    WRK_P99=$(wrk_percentile 99 "$out")
    [[ -n $WRK_RPS && -n $WRK_P50 && -n $WRK_P99 ]] || die "no figures in wrk's output: $(cat "$out")"
}

# A percentile line of wrk --latency ("  99%   12.34ms") in milliseconds.
wrk_percentile() { # 50|75|90|99 file
    awk -v p="$1%" '$1 == p { v = $2; u = v; sub(/^[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
        printf "%.3f\n", (u == "us" ? v / 1000 : u == "s" ? v * 1000 : u == "m" ? v * 60000 : v) }' "$2"
}

# ---- nginx, the HTTP peer -----------------------------------------------------------------

nginx_bin() {
    command -v nginx 2>/dev/null || echo /usr/sbin/nginx
}

# Starts nginx on BENCH_NGINX_LISTEN serving the files of $BENCH_DIR/nginx/www, everything
# (configuration, logs, pid, temp files) under $BENCH_DIR/nginx, in the foreground of a
# background job; sets NGINX_PID. nginx_stop (called by the caller's EXIT trap) ends it.
# The same connection handling as bluehelm is not attempted: nginx as Debian builds it, two
# workers (one a core on the 2-core machine; `auto` elsewhere), access log off.
nginx_start() {
    local dir=$BENCH_DIR/nginx abs
    mkdir -p "$dir/www" "$dir/tmp" "$dir/logs"
    abs=$(cd "$dir" && pwd)
    cat >"$dir/nginx.conf" <<EOF
daemon off;
master_process on;
worker_processes auto;
pid $abs/nginx.pid;
error_log $abs/logs/error.log warn;
events { worker_connections 1024; }
http {
    access_log off;
    client_body_temp_path $abs/tmp/body;
    proxy_temp_path $abs/tmp/proxy;
    fastcgi_temp_path $abs/tmp/fastcgi;
    uwsgi_temp_path $abs/tmp/uwsgi;
    scgi_temp_path $abs/tmp/scgi;
    default_type application/json;
    types { application/geo+json geojson; }
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    keepalive_timeout 65;
    server {
        listen $BENCH_NGINX_LISTEN;
        root $abs/www;
    }
}
EOF
    "$(nginx_bin)" -p "$abs" -c "$abs/nginx.conf" -e "$abs/logs/error.log" \
        >"$dir/logs/stdout.log" 2>&1 &
    NGINX_PID=$!
    local i
    for ((i = 0; i < 100; i++)); do
        curl -fs -o /dev/null "http://$BENCH_NGINX_LISTEN/" 2>/dev/null && return 0
        # 403 or 404 for the root: it is listening.
        [[ $(curl -s -o /dev/null -w '%{http_code}' "http://$BENCH_NGINX_LISTEN/" 2>/dev/null) \
            =~ ^[1-5] ]] && return 0
        kill -0 "$NGINX_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "nginx did not start: $(tail -n 3 "$dir/logs/error.log" "$dir/logs/stdout.log" 2>/dev/null)"
}

nginx_stop() {
    if [[ -n ${NGINX_PID:-} ]]; then
        kill "$NGINX_PID" 2>/dev/null || true
        wait "$NGINX_PID" 2>/dev/null || true
        NGINX_PID=
    fi
}

# Fetches `url` from bluehelm (more arguments: curl's, such as -H) into the nginx root as
# `name`, so that nginx serves the same bytes; fails when the reply is not 200 or empty.
# Prints the size in bytes.
same_bytes() { # name url [curl args...]
    local name=$1 url=$2 file=$BENCH_DIR/nginx/www/$1 code
    shift 2
    mkdir -p "$BENCH_DIR/nginx/www"
    code=$(curl -s -o "$file" -w '%{http_code}' "$@" "$url") || die "curl $url failed"
    [[ $code == 200 ]] || die "$url: HTTP $code: $(head -c 300 "$file")"
    [[ -s $file ]] || die "$url: an empty reply; nginx would serve nothing"
    wc -c <"$file" | tr -d ' '
}

# Times `bh_url` (bluehelm) and http://NGINX/`name` (the same bytes) with wrk, RUNS times
# each, the peer first and the sides taking turns; the medians go into PAIR_BH_RPS,
# PAIR_BH_P50, PAIR_BH_P99 and PAIR_NG_RPS, PAIR_NG_P50, PAIR_NG_P99 (ms).
wrk_pair() { # name bh_url [wrk args for bluehelm...]
    local name=$1 url=$2 i
    shift 2
    local br=() b5=() b9=() nr=() n5=() n9=()
    for ((i = 1; i <= RUNS; i++)); do
        wrk_run "http://$BENCH_NGINX_LISTEN/$name"
        nr+=("$WRK_RPS") n5+=("$WRK_P50") n9+=("$WRK_P99")
        wrk_run "$url" "$@"
        br+=("$WRK_RPS") b5+=("$WRK_P50") b9+=("$WRK_P99")
    done
    PAIR_BH_RPS=$(median "${br[@]}") PAIR_BH_P50=$(median "${b5[@]}")
    PAIR_BH_P99=$(median "${b9[@]}")
    PAIR_NG_RPS=$(median "${nr[@]}") PAIR_NG_P50=$(median "${n5[@]}")
    PAIR_NG_P99=$(median "${n9[@]}")
}

# The record of the last wrk_pair: id, what, target text, whether the list target (p99 under
# 10 ms and at least a third of nginx's rate) applies ("list" or "none"), note.
wrk_record() { # id what target kind note
    local r met=n/a
    r=$(ratio "$PAIR_BH_RPS" "$PAIR_NG_RPS" 3)
    if [[ $4 == list ]]; then
        met=$(verdict "$PAIR_BH_P99" "$r" 'a < 10 && b >= 1/3')
    fi
    record id="$1" what="$2" \
        bluehelm="$(human "$PAIR_BH_RPS") req/s, p50 $(human "$PAIR_BH_P50" 2) ms, p99 $(human "$PAIR_BH_P99" 2) ms" \
        peer_name="nginx, the same bytes" \
        peer="$(human "$PAIR_NG_RPS") req/s, p50 $(human "$PAIR_NG_P50" 2) ms, p99 $(human "$PAIR_NG_P99" 2) ms" \
        ratio="${r}x" target="$3" met="$met" note="$5" \
        bh_rps="$PAIR_BH_RPS" bh_p50_ms="$PAIR_BH_P50" bh_p99_ms="$PAIR_BH_P99" \
        peer_rps="$PAIR_NG_RPS" peer_p50_ms="$PAIR_NG_P50" peer_p99_ms="$PAIR_NG_P99" \
        connections="$WRK_CONNECTIONS" seconds="$BENCH_WRK_SECONDS" runs="$RUNS"
    printf '  %-34s bluehelm %9s req/s p50 %8s p99 %8s ms | nginx %9s req/s p50 %8s p99 %8s ms | %sx\n' \
        "$1" "$PAIR_BH_RPS" "$PAIR_BH_P50" "$PAIR_BH_P99" "$PAIR_NG_RPS" "$PAIR_NG_P50" \
        "$PAIR_NG_P99" "$r"
}

# ---- the server ---------------------------------------------------------------------------

# Starts `bluehelm serve` on `listen` over `store`; sets SERVER_PID. server_stop ends it.
# The anonymous rate per address is lifted (--anonymous-rate 0): wrk is one address asking
# as fast as it can, which is what the rate exists to refuse (docs/operations.md).
server_start() { # store listen log
    "$BENCH_BUILD/bluehelm" serve --db "$1" --listen "$2" --anonymous-rate 0 >"$3" 2>&1 &
    SERVER_PID=$!
    local i
    for ((i = 0; i < 200; i++)); do
        curl -fs -o /dev/null "http://$2/healthz" 2>/dev/null && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || break
        sleep 0.1
    done
    die "the server did not start: $(tail -n 3 "$3")"
}

server_stop() {
    if [[ -n ${SERVER_PID:-} ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}

# A line of /proc/PID/status (VmRSS, VmHWM) in kB.
proc_kb() { # pid field
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# ---- indexes of the peer ------------------------------------------------------------------

# CREATE INDEX statements that give sqlite3's plain table `plain` (the CSV's columns) the
# same indexes as `table` in `store` has, its primary key and UNIQUE constraints included:
# one per index of the store, UNIQUE where the store's is, each store column replaced by the
# CSV column named for it in `map` ("store_column=csv_column" words). A column the file has no
# counterpart for (a constant of the import, such as the owner of UN rows) is left out; an
# index left with no column is built on `fallback` so that the peer still writes one B-tree
# entry per row for it. Prints one statement a line.
peer_index_sql() { # store table fallback map...
    local store=$1 table=$2 fallback=$3 name unique cols c mapped out n=0
    shift 3
    local -A map=()
    local kv
    for kv in "$@"; do
        map[${kv%%=*}]=${kv#*=}
    done
    while IFS='|' read -r name unique; do
        cols=$(sqlite3 "$store" "SELECT name FROM pragma_index_info('$name') ORDER BY seqno")
        out=()
        for c in $cols; do
            mapped=${map[$c]:-}
            [[ -n $mapped ]] && out+=("\"$mapped\"")
        done
        ((${#out[@]})) || out=("\"$fallback\"")
        local IFS=,
        n=$((n + 1))
        printf 'CREATE %sINDEX peer_%d ON plain (%s);\n' "$([[ $unique == 1 ]] && echo 'UNIQUE ')" \
            "$n" "${out[*]}"
        unset IFS
    done < <(sqlite3 "$store" "SELECT name, \"unique\" FROM pragma_index_list('$table') ORDER BY name")
}

# The libraries a program linked with the build's libbluehelm_core.a needs, as the build links
# bluehelm itself (its link line), so that a dependency added to the core needs no change in
# the benchmarks; the pkg-config list when the build has no such file.
core_link_libs() {
    local libs
    libs=$(sed -n 's/.*libbluehelm_core\.a //p' "$1/CMakeFiles/bluehelm.dir/link.txt" 2>/dev/null)
    [[ -n $libs ]] || libs="$(pkg-config --libs sqlite3 libmicrohttpd jansson libsodium inih \
        zlib libxml-2.0 xmlsec1-openssl libcurl libcmark icu-i18n icu-uc) -lcsv -lpthread -lm"
    printf '%s\n' "$libs"
}

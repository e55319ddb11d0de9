#!/bin/sh
# Writes the seed corpus of fuzz_http: one request per row of the route table
# (the api/*.c route tables), with an admin's token ("@TOKEN@", which the target replaces) and a small
# body of the kind the route takes, so fuzzing starts from every handler rather than from the
# router's 404. Run it after adding a route and check in what changed:
#   tests/fuzz/seeds.sh > /dev/null    (writes tests/fuzz/corpus/http/route-*)
set -eu
cd "$(dirname "$0")/../.."
out=tests/fuzz/corpus/http
mkdir -p "$out"
rm -f "$out"/route-*

# {name} segments get a value that exists in a seeded store where one does.
sample() {
    case "$1" in
    "{code}") echo RWA ;;
    "{username}") echo admin ;;
    "{file}") echo app.js ;;
    *) echo 1 ;;
    esac
}

grep -ho '{ "[A-Z]*", "/[^"]*"' src/api/*.c | sed 's/^{ "\([A-Z]*\)", "\([^"]*\)"$/\1 \2/' |
while read -r method pattern; do
    path=$pattern
    for seg in $(echo "$pattern" | grep -o '{[a-z_]*}' || true); do
        path=$(echo "$path" | sed "s/$seg/$(sample "$seg")/")
    done
    name=$(echo "$method$pattern" | tr -c 'A-Za-z0-9\n' '_' | tr -s '_' | sed 's/_$//')
    file="$out/route-$name"
    case "$pattern" in
    */import) body='Year,Incident_Date,Mission_Acronym,Type_Of_Incident\n2020,2020-01-01,MINUSMA,Malicious Act\n'
              ctype=text/csv ;;
    *) body='{}'
       ctype=application/json ;;
    esac
    case "$method" in
    GET | DELETE)
        printf '%s %s?limit=2 HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer @TOKEN@\r\nAccept-Encoding: gzip\r\n\r\n' \
            "$method" "$path" > "$file" ;;
    *)
        len=$(printf "$body" | wc -c)
        printf '%s %s HTTP/1.1\r\nHost: fuzz\r\nAuthorization: Bearer @TOKEN@\r\nContent-Type: %s\r\nContent-Length: %s\r\nIdempotency-Key: fuzz-1\r\n\r\n'"$body" \
            "$method" "$path" "$ctype" "$len" > "$file" ;;
    esac
    echo "$file"
done

# fuzz_pbf: two tiny OSM PBF files written here field by field (not copied from any extract):
# a header block with a bbox and the two required features, and one data block with three
# dense nodes (one a named village), a plain node and a named residential way over three of
# them; once with raw blobs, once zlib-compressed. osmium-tool reads both as 4 nodes, 1 way.
mkdir -p tests/fuzz/corpus/pbf
for coding in raw zlib; do
    python3 - "$coding" > "tests/fuzz/corpus/pbf/$coding.osm.pbf" <<'PY'
import sys, zlib, struct
def varint(v):
    out = bytearray()
    while True:
        b = v & 0x7f; v >>= 7
        out.append(b | (0x80 if v else 0))
        if not v: return bytes(out)
def zz(v): return (v << 1) ^ (v >> 63)
def key(f, wt): return varint(f << 3 | wt)
def ld(f, b): return key(f, 2) + varint(len(b)) + b
def vi(f, v): return key(f, 0) + varint(v)
def packed(f, vals): return ld(f, b"".join(varint(v) for v in vals))
def blob(kind, payload, compress):
    if compress:
        body = vi(2, len(payload)) + ld(3, zlib.compress(payload))
    else:
        body = ld(1, payload)
    head = ld(1, kind.encode()) + vi(3, len(body))
    return struct.pack(">I", len(head)) + head + body
bbox = ld(1, vi(1, zz(7349000000)) + vi(2, zz(7491000000)) + vi(3, zz(43770000000)) + vi(4, zz(43710000000)))
header = bbox + ld(4, b"OsmSchema-V0.6") + ld(4, b"DenseNodes") + ld(16, b"bluehelm seeds.sh")
strings = [b"", b"highway", b"residential", b"name", b"Rue Grimaldi", b"place", b"village", b"Eze"]
st = ld(1, b"".join(ld(1, s) for s in strings))
# Three dense nodes (ids 1, 2, 3; delta coded, granularity 100): the third a named village.
lats = [437300000, 437310000, 437290000]; lons = [74200000, 74210000, 73620000]
def deltas(v): return [zz(v[0])] + [zz(b - a) for a, b in zip(v, v[1:])]
dense = packed(1, deltas([1, 2, 3])) + packed(8, deltas(lats)) + packed(9, deltas(lons)) + \
        packed(10, [0, 0, 5, 6, 3, 7, 0])
# A plain node too (id 4), then a way over nodes 1, 2, 4 named Rue Grimaldi.
node = vi(1, zz(4)) + vi(8, zz(437320000)) + vi(9, zz(74220000))
way = vi(1, 10) + packed(2, [1, 3]) + packed(3, [2, 4]) + packed(8, deltas([1, 2, 4]))
block = st + ld(2, ld(2, dense)) + ld(2, ld(1, node)) + ld(2, ld(3, way))
compress = sys.argv[1] == "zlib"
sys.stdout.buffer.write(blob("OSMHeader", header, compress) + blob("OSMData", block, compress))
PY
    echo "tests/fuzz/corpus/pbf/$coding.osm.pbf"
done

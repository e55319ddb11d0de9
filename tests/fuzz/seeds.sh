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

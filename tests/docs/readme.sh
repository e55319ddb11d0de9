#!/bin/sh
# CTest docs/readme: the README's examples say what the binary does.
#   - the /healthz example's "schema" is the newest migration's number (what a new store
#     answers: the schema is the number of the last migration applied);
#   - every command of the "Command line" block is one the binary knows (`bluehelm help CMD`).
# Usage: tests/docs/readme.sh SOURCE_DIR BLUEHELM
set -eu
src=$1
bin=$2
readme=$src/README.md
fail=0

newest=$(ls "$src/src/db/migrations" | sed -n 's/^0*\([0-9][0-9]*\)_.*\.sql$/\1/p' | sort -n | tail -1)
said=$(sed -n 's/^# {"status":"ok".*"schema":\([0-9][0-9]*\)}$/\1/p' "$readme")
if [ -z "$said" ]; then
    echo "README.md: no /healthz example with \"schema\" found"
    fail=1
elif [ "$said" != "$newest" ]; then
    echo "README.md: the /healthz example says schema $said; the newest migration is $newest"
    fail=1
fi

# The command block: lines starting "bluehelm WORD" between "## Command line" and the next fence.
cmds=$(awk '/^## Command line/ { on = 1; next } on && /^```$/ { n++; if (n == 2) exit; next }
            on && n == 1 && /^bluehelm [a-z]/ { print $2 }' "$readme" | sort -u)
[ -n "$cmds" ] || { echo "README.md: no command found in the Command line block"; fail=1; }
for c in $cmds; do
    case $c in
    help) continue ;;
    esac
    # "import un-fatalities|deployments" lists subcommands after the group's name.
    if ! "$bin" help "${c%%|*}" >/dev/null 2>&1; then
        echo "README.md: 'bluehelm $c' is in the Command line block, but 'bluehelm help ${c%%|*}' fails"
        fail=1
    fi
done
[ $fail -eq 0 ] && echo "README.md: schema $newest and $(echo "$cmds" | wc -l) commands match the binary"
exit $fail

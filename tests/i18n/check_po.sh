#!/bin/sh
# Usage: tests/i18n/check_po.sh SOURCE_DIR WORK_DIR   (CTest runs it as i18n/po)
#
# The server's catalogs against its code: xgettext collects the strings src/ marks (with the
# options in po/xgettext.args, as `po-update` does), then each po/<lang>.po is merged with them
# (msgmerge, no fuzzy matching). Fails, naming language and string, when one is missing or
# untranslated in a language (all six are complete), or when a language translates a string
# the code no longer has. msgfmt --check (also run by the build) fails on a translation whose
# printf format differs from its English.
set -eu
src=$1
work=$2
mkdir -p "$work"
cd "$src"
# shellcheck disable=SC2046 # one option per line
xgettext $(cat po/xgettext.args) -o "$work/bluehelm.pot" $(find src -name '*.[ch]' | LC_ALL=C sort)
status=0
for po in po/*.po; do
    lang=$(basename "$po" .po)
    msgfmt --check --use-fuzzy -o /dev/null "$po" || status=1
    msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$work/$lang.po" "$po" "$work/bluehelm.pot"
    missing=$(msgattrib --untranslated --no-obsolete --no-wrap "$work/$lang.po" | grep -c '^msgid "' || true)
    if [ "$missing" -gt 1 ]; then # the header entry counts once
        echo "$po: $((missing - 1)) string(s) of the code missing or untranslated:"
        msgattrib --untranslated --no-obsolete --no-wrap "$work/$lang.po" | grep '^msgid "' | tail -n +2 | head -20
        status=1
    fi
    unused=$(msgattrib --only-obsolete --no-wrap "$work/$lang.po" | grep -c '^#~ msgid' || true)
    if [ "$unused" -gt 0 ]; then
        echo "$po: $unused string(s) the code no longer has (run the po-update target):"
        msgattrib --only-obsolete --no-wrap "$work/$lang.po" | grep '^#~ msgid' | head -20
        status=1
    fi
done
[ $status -eq 0 ] && echo "po: every marked string is translated in the $(ls po/*.po | wc -l) languages besides English"
exit $status

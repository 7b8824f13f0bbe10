#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Usage: check-complete.sh SOURCE_ROOT
# Extracts every translatable string from the files in po/POTFILES.in, with
# the keywords of meson's "glib" gettext preset, and checks that each
# language in po/LINGUAS translates all of them (not fuzzy, not empty) and
# that the catalog compiles with format checks.
set -eu
srcdir="$1"
for tool in xgettext msgcmp msgfmt; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (apt-get install gettext)"
    exit 77
  fi
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -v '^#' "$srcdir/po/POTFILES.in" | grep -v '^[[:space:]]*$' > "$tmp/POTFILES"
missing=0
while read -r f; do
  if [ ! -f "$srcdir/$f" ]; then
    echo "missing source listed in POTFILES.in: $f"
    missing=1
  fi
done < "$tmp/POTFILES"
[ "$missing" = 0 ] || exit 1

# A file with _( … ) that POTFILES.in forgets would silently go untranslated.
for f in $(cd "$srcdir" && grep -rlE '(^|[^A-Za-z0-9_])(N?_|g_dngettext) ?\(' src/app --include='*.c'; \
           cd "$srcdir" && grep -rl 'translatable="yes"' ui --include='*.ui'); do
  if ! grep -qx "$f" "$tmp/POTFILES"; then
    echo "not listed in po/POTFILES.in: $f"
    missing=1
  fi
done
[ "$missing" = 0 ] || exit 1

(cd "$srcdir" && xgettext --package-name=kouan --from-code=UTF-8 --add-comments \
  --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 \
  --flag=N_:1:pass-c-format --flag=C_:2:pass-c-format --flag=NC_:2:pass-c-format \
  --flag=g_dngettext:2:pass-c-format --flag=g_strdup_printf:1:c-format \
  --flag=g_string_printf:2:c-format --flag=g_string_append_printf:2:c-format \
  --flag=g_error_new:3:c-format --flag=g_set_error:4:c-format \
  -f "$tmp/POTFILES" -o "$tmp/kouan.pot")

total=$(grep -c '^msgid ' "$tmp/kouan.pot" || true)
echo "template: $((total - 1)) strings"

status=0
for lang in $(grep -v '^#' "$srcdir/po/LINGUAS"); do
  po="$srcdir/po/$lang.po"
  if [ ! -f "$po" ]; then
    echo "$lang: po/$lang.po is missing"
    status=1
    continue
  fi
  # msgcmp counts untranslated and fuzzy entries as missing by default.
  if ! msgcmp "$po" "$tmp/kouan.pot"; then
    echo "$lang: some strings are missing, untranslated or fuzzy (run: ninja kouan-update-po)"
    status=1
  fi
  stats=$(msgfmt --check --statistics -o /dev/null "$po" 2>&1) || { echo "$stats"; status=1; }
  echo "$lang: $stats"
  case "$stats" in
    *fuzzy*|*untranslated*) echo "$lang: not complete"; status=1 ;;
  esac
done
exit $status

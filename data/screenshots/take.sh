#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Takes screenshots of the real app against a demo server under Xvfb:
#   data/screenshots/take.sh [BUILD_DIR] [OUT_DIR]
# Environment: KOUAN_SHOT_SIZE (default 1280x800), KOUAN_SHOT_LANGUAGE
# (zh_CN or en, default zh_CN), KOUAN_SHOT_STYLE (light or dark),
# KOUAN_SHOT_AREAS (default "home notices warnings personal admin insurance").
# Needs xvfb, xdotool and imagemagick (import).
set -euo pipefail
cd "$(dirname "$(readlink -f "$0")")/../.."
build=${1:-build}
out=${2:-data/screenshots}
size=${KOUAN_SHOT_SIZE:-1280x800}
language=${KOUAN_SHOT_LANGUAGE:-zh_CN}
style=${KOUAN_SHOT_STYLE:-light}
areas=${KOUAN_SHOT_AREAS:-home notices warnings personal admin insurance}
mkdir -p "$out"
tmp=$(mktemp -d -t kouan-shots.XXXXXX)
pids=()
cleanup () { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

display=:$(( 90 + RANDOM % 100 ))
Xvfb "$display" -screen 0 "${size}x24" -nolisten tcp >/dev/null 2>&1 &
pids+=($!)
sleep 1
export DISPLAY=$display

"$build/src/server/kouan-server" --db "$tmp/demo.db" --listen 127.0.0.1:0 --demo >"$tmp/server.out" &
pids+=($!)
for _ in $(seq 1 100); do
  url=$(sed -n 's/^listening on \(http:\/\/[^[:space:]]*\).*/\1/p' "$tmp/server.out" | head -n 1)
  [ -n "$url" ] && break
  sleep 0.1
done

export GSETTINGS_SCHEMA_DIR="$PWD/$build/data" GSETTINGS_BACKEND=memory
export KOUAN_LOCALEDIR="$PWD/$build/po" LANGUAGE=$language LC_ALL=C.UTF-8
export XDG_DATA_HOME="$tmp/data" XDG_CONFIG_HOME="$tmp/config"
if [ "$style" = dark ]; then export ADW_DEBUG_COLOR_SCHEME=prefer-dark; fi
dbus-run-session -- "$build/src/app/kouan" --server "$url" --account demo-admin >"$tmp/app.log" 2>&1 &
pids+=($!)
sleep 3
xdotool type --delay 50 kouan-demo
xdotool key Return
sleep 8
# fill the screen with the main window
win=$(xdotool search --name "口岸|Kouan" | tail -n 1 || true)
if [ -z "$win" ]; then echo "take.sh: no Kouan window; app log:" >&2; cat "$tmp/app.log" >&2; exit 1; fi
xdotool windowsize "$win" "${size%x*}" "${size#*x}" windowmove "$win" 0 0
sleep 1
i=0
for area in $areas; do
  case $area in
    home) key=ctrl+0 ;; notices) key=ctrl+1 ;; warnings) key=ctrl+2 ;;
    personal) key=ctrl+3 ;; admin) key=ctrl+4 ;; insurance) key=ctrl+5 ;;
    *) key=$area ;;
  esac
  xdotool key "$key"
  sleep 1.5
  import -window root "$out/$area-$language-$style-${size}.png"
  i=$((i + 1))
done
echo "took $i screenshots in $out"

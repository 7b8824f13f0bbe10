#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The UI tests' session bus (dbus-run-session --dbus-daemon=this).
#
# - Each bus gets its own XDG_RUNTIME_DIR, which the services it starts
#   inherit: without one, every test's accessibility bus launcher puts its
#   socket at the same ~/.cache/at-spi/bus, so tests running side by side
#   replace and delete each other's, and GTK then fails (a critical) to
#   connect to the address its own session bus gave it.
# - The services' standard output goes to standard error: it is otherwise
#   the test's TAP stream (at-spi2-registryd says "SpiRegistry daemon is
#   running…" there).
runtime=$(mktemp -d "${TMPDIR:-/tmp}/kouan-test-runtime-XXXXXX") || exit 1
XDG_RUNTIME_DIR=$runtime
export XDG_RUNTIME_DIR

dbus-daemon "$@" >&2 &
daemon=$!
# dbus-run-session reads the bus address from a pipe until its end: close
# this shell's copy of the pipe (--print-address N), or it never ends.
fd=
for arg in "$@"; do
  case $arg in
    --print-address=*) fd=${arg#--print-address=} ;;
    --print-address) fd=next ;;
    *) [ "$fd" = next ] && fd=$arg ;;
  esac
done
case $fd in
  [0-9]*) eval "exec $fd>&-" ;;
esac
# dbus-run-session ends the bus with SIGTERM: pass it on, then clean up.
trap 'kill -TERM "$daemon" 2>/dev/null' TERM INT HUP
wait "$daemon"
status=$?
wait "$daemon" 2>/dev/null
rm -rf "$runtime"
exit "$status"

#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The UI tests' session bus (dbus-run-session --dbus-daemon=this): the
# services the bus starts (at-spi2-registryd says "SpiRegistry daemon is
# running…") inherit its standard output, which is the test's TAP stream;
# send theirs to standard error instead, where meson keeps it as a log.
exec dbus-daemon "$@" >&2

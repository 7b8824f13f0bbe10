#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs a validator given as "$1 args…"; exit 77 (meson: skipped) when the
# validator is not installed, so a missing tool is reported, not hidden.
tool="$1"
if ! command -v "$tool" >/dev/null 2>&1; then
  echo "SKIP: $tool is not installed (apt-get install desktop-file-utils appstream libglib2.0-bin)"
  exit 77
fi
exec "$@"

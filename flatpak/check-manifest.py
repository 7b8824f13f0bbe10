#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the Flatpak manifest: valid JSON, and the permissions and modules
the app relies on (network for the server, pcsc for the IC card, a display
socket) are still there. Flatpak itself cannot run in CI, so this is what
keeps an edit from silently breaking the bundle."""

import json
import sys


def fail(message):
    print(f"{sys.argv[1]}: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"not valid JSON: {e}")

    if manifest.get("id", manifest.get("app-id")) != app_id:
        fail(f"id is not {app_id}")
    if manifest.get("command") != "kouan":
        fail("command is not kouan")
    if manifest.get("runtime") != "org.gnome.Platform" or \
       manifest.get("sdk") != "org.gnome.Sdk":
        fail("runtime/sdk are not the GNOME platform and SDK")

    args = set(manifest.get("finish-args", []))
    for needed in ("--share=network", "--socket=pcsc", "--socket=wayland",
                   "--socket=fallback-x11"):
        if needed not in args:
            fail(f"finish-args lack {needed}")
    if "--socket=x11" in args:
        fail("--socket=x11 would defeat fallback-x11 under Wayland")

    modules = manifest.get("modules", [])
    names = [m.get("name") for m in modules if isinstance(m, dict)]
    if "pcsc-lite" not in names or names[-1] != "kouan":
        fail("modules must build pcsc-lite, then kouan last")
    for module in modules:
        for source in module.get("sources", []):
            if source.get("type") in ("archive", "file") and \
               len(source.get("sha256", "")) != 64:
                fail(f"{module['name']}: archive source without a sha256")
    kouan = modules[-1]
    if kouan.get("buildsystem") != "meson":
        fail("kouan is not built with meson")
    if not any(s.get("type") == "dir" and s.get("path") == ".."
               for s in kouan.get("sources", [])):
        fail("kouan is not built from this checkout (dir ..)")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Kouan must be operable through AT-SPI, the interface screen readers and
# automation tools use. This test starts a real kouan-server --demo and the
# real kouan binary, then, through AT-SPI only: finds the login window,
# types the password into its Password field, presses Log In, waits for the
# main window and checks that every interactive control in it has a clean
# accessible name (not empty, no mnemonic underscore, not said twice).
# Run under dbus-run-session + xvfb-run (tests/meson.build).

import os
import subprocess
import sys
import tempfile
import time

try:
    import gi
    gi.require_version('Atspi', '2.0')
    from gi.repository import Atspi
except (ImportError, ValueError) as e:
    print('1..0 # SKIP python3-gi or gir1.2-atspi-2.0 missing: %s' % e)
    sys.exit(0)

INTERACTIVE = {
    'push button', 'toggle button', 'check box', 'radio button', 'menu button',
    'switch', 'text', 'password text', 'combo box', 'spin button', 'slider',
    'link', 'page tab',
}
results = []


def check(ok, what):
    results.append((ok, what))
    print('%s %d - %s' % ('ok' if ok else 'not ok', len(results), what), flush=True)
    return ok


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    print('# timed out waiting for %s' % what, flush=True)
    return None


def walk(node, out):
    try:
        role = node.get_role_name()
        name = node.get_name() or ''
    except Exception:
        return out
    out.append((role, name, node))
    for i in range(node.get_child_count()):
        child = node.get_child_at_index(i)
        if child is not None:
            walk(child, out)
    return out


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        try:
            if app is not None and app.get_process_id() == pid:
                return app
        except Exception:
            pass
    return None


def frames(app):
    return [app.get_child_at_index(i) for i in range(app.get_child_count())]


def bad_name(name):
    half = len(name) // 2
    return (not name.strip() or '_' in name or
            (len(name) > 2 and name[:half].strip() == name[half:].strip()))


def main():
    build = os.environ['KOUAN_BUILD_ROOT']
    tmp = tempfile.mkdtemp(prefix='kouan-atspi-')
    server = subprocess.Popen([os.environ['KOUAN_SERVER_PATH'], '--db', tmp + '/server.db',
                               '--listen', '127.0.0.1:0', '--demo'],
                              stdout=subprocess.PIPE, text=True)
    app_proc = None
    try:
        line = server.stdout.readline()
        if not check(line.startswith('listening on '), 'kouan-server says where it listens'):
            return
        url = line.split()[2]
        env = dict(os.environ, XDG_DATA_HOME=tmp + '/data', LANGUAGE='en')
        app_proc = subprocess.Popen([build + '/src/app/kouan', '--server', url,
                                     '--account', 'demo-admin'], env=env)

        app = wait_for(lambda: find_app(app_proc.pid), 30, 'Kouan on the accessibility bus')
        if not check(app is not None, 'Kouan is on the accessibility bus'):
            return

        login = wait_for(lambda: [n for n in walk(app, []) if n[0] == 'password text'], 30,
                         'the login window')
        if not check(bool(login), 'the login window shows a password field'):
            return
        nodes = walk(app, [])
        names = {(r, n) for r, n, _ in nodes}
        check(('text', 'Server') in names and ('text', 'Account') in names and
              ('password text', 'Password') in names,
              'the login fields are named Server, Account and Password')

        password = login[0][2]
        Atspi.EditableText.insert_text(password, 0, 'kouan-demo', len('kouan-demo'))
        buttons = [o for r, n, o in nodes if r == 'push button' and n == 'Log In']
        if not check(len(buttons) == 1, 'one Log In button'):
            return
        Atspi.Action.do_action(buttons[0], 0)

        main = wait_for(lambda: [f for f in frames(app) if f.get_name().endswith('Kouan')
                                 and f.get_name() != 'Log In to Kouan'], 60, 'the main window')
        if not check(bool(main), 'logging in through AT-SPI opens the main window'):
            return
        time.sleep(2)   # let every area build its pages

        controls = [(r, n) for f in frames(app) for r, n, _ in walk(f, []) if r in INTERACTIVE]
        bad = sorted({c for c in controls if bad_name(c[1])})
        for role, name in bad:
            print('# badly named %s: %r' % (role, name))
        check(len(controls) > 100, 'the main window exposes its controls (%d)' % len(controls))
        check(not bad, 'every control has a clean accessible name')
    finally:
        if app_proc is not None:
            app_proc.terminate()
            app_proc.wait(timeout=10)
        server.terminate()
        server.wait(timeout=10)


main()
print('1..%d' % len(results))
sys.exit(0 if results and all(ok for ok, _ in results) else 1)

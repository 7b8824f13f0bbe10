/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A real kouan-server child process for integration and UI tests. The binary
 * is found through $KOUAN_SERVER_PATH (set by meson). The database lives in a
 * fresh temporary directory removed on free. */

typedef struct _KouanTestServer KouanTestServer;

/* Starts `kouan-server --db TMP/server.db --listen 127.0.0.1:0 [extra args]`
 * and waits for its "listening on" line. @extra_args: NULL-terminated, e.g.
 * {"--demo", NULL}. Aborts the test on failure. */
KouanTestServer *kouan_test_server_start   (const char * const *extra_args);
const char      *kouan_test_server_get_url (KouanTestServer *self);
guint16          kouan_test_server_get_port (KouanTestServer *self);
const char      *kouan_test_server_get_db_path (KouanTestServer *self);
/* The running server's process id (0 once it exited), e.g. to count its
 * descriptors in /proc. */
GPid             kouan_test_server_get_pid (KouanTestServer *self);
/* SIGTERM and wait; the database stays. */
void             kouan_test_server_stop    (KouanTestServer *self);
/* Start again on the same port and database (after stop). */
void             kouan_test_server_restart (KouanTestServer *self);
/* Kill the server with SIGKILL (crash). */
void             kouan_test_server_kill    (KouanTestServer *self);
void             kouan_test_server_free    (KouanTestServer *self);

/* Synchronous helper for tests: one HTTP request on a private main context.
 * Returns the status, or 0 when the server cannot be reached (so offline
 * tests can assert on it); no answer within 35 s aborts the test.
 * @out_body (nullable) receives the body. */
guint            kouan_test_http           (const char  *method,
                                            const char  *url,
                                            const char  *token,   /* nullable */
                                            const char  *body,    /* nullable */
                                            gsize        body_len,
                                            GBytes     **out_body);

/* How many times longer a test should wait than usual: the value of
 * $KOUAN_TEST_TIMEOUT_SCALE (the sanitizer build's test setup sets it,
 * tests/meson.build), 1 without it. Deadlines only catch hangs; they are
 * never what a test asserts. */
guint            kouan_test_timeout_scale  (void);

typedef gboolean (*KouanTestCondition) (gpointer user_data);

/* Iterates the default main context until @condition holds; the limit
 * (30 s × kouan_test_timeout_scale()) only catches a hang. Returns
 * whether @condition holds. */
gboolean         kouan_test_wait_until     (KouanTestCondition condition,
                                            gpointer           user_data);

/* Iterates the default main context for @milliseconds, to let layout and
 * transitions settle; nothing checked after it depends on how long. */
void             kouan_test_spin           (guint              milliseconds);

/* Log in with a password, returns the token (transfer full) or aborts. */
char            *kouan_test_login          (KouanTestServer *self,
                                            const char      *account,
                                            const char      *password);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanTestServer, kouan_test_server_free)

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A private PostgreSQL cluster for tests: initdb in a fresh temporary
 * directory, pg_ctl start listening only on a unix socket in it, stopped
 * and removed on free. PostgreSQL refuses to run as root: when the test
 * runs as root (CI), the cluster runs as the `postgres` user the Debian
 * package creates (runuser -u postgres --). */
typedef struct _KouanTestPg KouanTestPg;

/* Whether the server binaries (/usr/lib/postgresql/15/bin, or
 * $KOUAN_PG_BINDIR) are installed; tests skip (exit 77) when not. */
gboolean     kouan_test_pg_available (void);
/* Starts a cluster; aborts the test on failure. */
KouanTestPg *kouan_test_pg_start     (void);
/* A libpq URI for a new empty database of the cluster */
char        *kouan_test_pg_create_db (KouanTestPg *self,
                                      const char  *name);
void         kouan_test_pg_free      (KouanTestPg *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanTestPg, kouan_test_pg_free)

G_END_DECLS

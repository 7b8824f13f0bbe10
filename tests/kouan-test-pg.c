/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <pwd.h>
#include <unistd.h>

#include "kouan-test-pg.h"

struct _KouanTestPg
{
  char   *dir;        /* socket directory; data/ inside it */
  char   *bindir;
  int     port;       /* only names the socket: no TCP listener */
  gboolean as_postgres;
};

static const char *
bindir (void)
{
  const char *dir = g_getenv ("KOUAN_PG_BINDIR");

  return dir != NULL ? dir : "/usr/lib/postgresql/15/bin";
}

gboolean
kouan_test_pg_available (void)
{
  g_autofree char *initdb = g_build_filename (bindir (), "initdb", NULL);
  g_autofree char *pg_ctl = g_build_filename (bindir (), "pg_ctl", NULL);

  if (!g_file_test (initdb, G_FILE_TEST_IS_EXECUTABLE) ||
      !g_file_test (pg_ctl, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;
  /* as root the cluster needs the postgres user and runuser */
  return geteuid () != 0 ||
         (getpwnam ("postgres") != NULL && g_file_test ("/usr/sbin/runuser", G_FILE_TEST_IS_EXECUTABLE));
}

/* Runs a PostgreSQL program (as postgres when root); aborts on failure. */
static void
run (KouanTestPg  *self,
     const char   *program,
     const char  **args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (self->as_postgres)
    {
      g_ptr_array_add (argv, g_strdup ("/usr/sbin/runuser"));
      g_ptr_array_add (argv, g_strdup ("-u"));
      g_ptr_array_add (argv, g_strdup ("postgres"));
      g_ptr_array_add (argv, g_strdup ("--"));
    }
  g_ptr_array_add (argv, g_build_filename (self->bindir, program, NULL));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (self->dir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                     &out, &err, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    g_error ("%s failed: %s\n%s%s", program, error->message, out != NULL ? out : "",
             err != NULL ? err : "");
}

/* A failed assertion aborts the test before kouan_test_pg_free(): a
 * small shell waits for this process to end and then stops the cluster
 * and removes its directory, whichever way the test ended. */
static void
start_reaper (KouanTestPg *self,
              const char  *data)
{
  g_autofree char *pg_ctl = g_build_filename (self->bindir, "pg_ctl", NULL);
  g_autofree char *script = g_strdup_printf (
    "while kill -0 %d 2>/dev/null; do sleep 1; done; "
    "%s '%s' -D '%s' -m immediate -w -s stop >/dev/null 2>&1; rm -rf '%s'",
    (int) getpid (), self->as_postgres ? "/usr/sbin/runuser -u postgres --" : "",
    pg_ctl, data, self->dir);
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  g_autoptr(GError) error = NULL;

  g_spawn_async (NULL, (char **) argv, NULL,
                 G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                 NULL, NULL, NULL, &error);
  g_assert_no_error (error);
}

KouanTestPg *
kouan_test_pg_start (void)
{
  KouanTestPg *self = g_new0 (KouanTestPg, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *options = NULL;

  self->bindir = g_strdup (bindir ());
  self->as_postgres = geteuid () == 0;
  self->dir = g_dir_make_tmp ("kouan-pg-XXXXXX", &error);
  g_assert_no_error (error);
  /* a port per process names the socket file; nothing listens on TCP */
  self->port = 20000 + (getpid () % 20000);
  if (self->as_postgres)
    {
      struct passwd *pw = getpwnam ("postgres");

      g_assert_nonnull (pw);
      g_assert_cmpint (chown (self->dir, pw->pw_uid, pw->pw_gid), ==, 0);
    }

  data = g_build_filename (self->dir, "data", NULL);
  start_reaper (self, data);
  run (self, "initdb", (const char *[]) { "-D", data, "-U", "kouan", "-A", "trust",
                                          "--no-sync", "-E", "UTF8", "--locale=C.UTF-8", NULL });
  options = g_strdup_printf ("-c listen_addresses='' -k %s -p %d -F -c max_connections=40",
                             self->dir, self->port);
  run (self, "pg_ctl", (const char *[]) { "-D", data, "-o", options, "-w", "-s",
                                          "-l", "/dev/null", "start", NULL });
  return self;
}

char *
kouan_test_pg_create_db (KouanTestPg *self,
                         const char  *name)
{
  g_autofree char *port = g_strdup_printf ("%d", self->port);

  run (self, "createdb", (const char *[]) { "-h", self->dir, "-p", port, "-U", "kouan", name, NULL });
  return g_strdup_printf ("postgresql:///%s?host=%s&port=%d&user=kouan", name, self->dir, self->port);
}

void
kouan_test_pg_free (KouanTestPg *self)
{
  g_autofree char *data = NULL;
  g_autofree char *rm = NULL;

  if (self == NULL)
    return;
  data = g_build_filename (self->dir, "data", NULL);
  run (self, "pg_ctl", (const char *[]) { "-D", data, "-m", "immediate", "-w", "-s", "stop", NULL });
  rm = g_strdup_printf ("rm -rf '%s'", self->dir);
  g_assert_cmpint (system (rm), ==, 0);
  g_free (self->dir);
  g_free (self->bindir);
  g_free (self);
}

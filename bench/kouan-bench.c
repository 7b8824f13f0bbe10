/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "kouan-bench.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "kouan-enterprise.h"
#include "kouan-sync.h"

void
kouan_bench_die (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  fputs ("bench: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (1);
}

void
kouan_bench_remove_tree (const char *path)
{
  GStatBuf info;

  if (g_lstat (path, &info) != 0)
    return;
  if (S_ISDIR (info.st_mode))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          kouan_bench_remove_tree (child);
        }
    }
  g_remove (path);
}

void
kouan_bench_print_load (const char *when)
{
  g_autofree char *load = NULL;

  if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
    printf ("load average %s: %s", when, load);
}

double
kouan_bench_cpu_seconds (int who)
{
  struct rusage usage;

  getrusage (who, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / (double) G_USEC_PER_SEC;
}

double
kouan_bench_seconds_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / (double) G_USEC_PER_SEC;
}

KouanTestServer *
kouan_bench_start_server (guint   scale,
                          double *out_seconds)
{
  g_autofree char *scale_arg = g_strdup_printf ("%u", scale);
  const char *args[] = { "--demo", "--demo-scale", scale_arg, NULL };
  gint64 start = g_get_monotonic_time ();
  KouanTestServer *server = kouan_test_server_start (args);

  if (out_seconds != NULL)
    *out_seconds = kouan_bench_seconds_since (start);
  return server;
}

/* One async call made synchronous: the callback stores the result and
 * stops the loop. */
typedef struct {
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
wait_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static GAsyncResult *
wait_for (Wait *wait)
{
  g_main_loop_run (wait->loop);
  g_clear_pointer (&wait->loop, g_main_loop_unref);
  return wait->result;
}

KouanSession *
kouan_bench_login (KouanClient *client)
{
  Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  KouanSession *session;

  kouan_client_login_async (client, KOUAN_BENCH_ACCOUNT, KOUAN_BENCH_PASSWORD,
                            NULL, wait_done, &wait);
  result = wait_for (&wait);
  session = kouan_client_login_finish (client, result, &error);
  if (session == NULL)
    kouan_bench_die ("login failed: %s", error->message);
  return session;
}

void
kouan_bench_sync_all (KouanClient  *client,
                      KouanStore   *store,
                      KouanSession *session)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSync) sync = kouan_sync_new (client, store);

  if (!kouan_store_save_enterprises (store, session->enterprises, &error))
    kouan_bench_die ("saving enterprises: %s", error->message);

  for (guint i = 0; i < session->enterprises->len; i++)
    {
      KouanEnterprise *enterprise = g_ptr_array_index (session->enterprises, i);
      Wait wait = { g_main_loop_new (NULL, FALSE), NULL };
      g_autoptr(GAsyncResult) result = NULL;

      kouan_sync_set_enterprise_id (sync, kouan_enterprise_get_id (enterprise));
      kouan_sync_run_once_async (sync, NULL, wait_done, &wait);
      result = wait_for (&wait);
      if (!kouan_sync_run_once_finish (sync, result, &error))
        kouan_bench_die ("sync of enterprise %" G_GINT64_FORMAT " failed: %s",
                         kouan_enterprise_get_id (enterprise), error->message);
    }
}

guint
kouan_bench_count_messages (KouanStore   *store,
                            KouanSession *session)
{
  guint total = 0;

  for (guint i = 0; i < session->enterprises->len; i++)
    {
      gint64 id = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, i));

      total += kouan_store_count_messages (store, id, KOUAN_MESSAGE_KIND_NOTICE,
                                           KOUAN_READ_FILTER_ALL, FALSE);
      total += kouan_store_count_messages (store, id, KOUAN_MESSAGE_KIND_WARNING,
                                           KOUAN_READ_FILTER_ALL, FALSE);
    }
  return total;
}

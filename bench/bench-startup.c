/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-startup: cold start to the first drawn frame, Kouan with a cache of
 * 100k notices and 100k warnings against a bare GTK 4 window started the
 * same way, plus the peak resident memory of each (docs/performance.md).
 *
 * Three programs: bare-window (the reference), kouan itself (which starts
 * at its login window) and kouan-bench-window (Kouan's code opening the
 * cached session offline straight into the main window). All are started with KOUAN_BENCH_EXIT_ON_FIRST_FRAME=1 and
 * print "first-frame <g_get_monotonic_time()> [window]" once their first
 * frame has been painted, then quit. The time is measured from just before
 * the spawn, so it covers exec, dynamic linking, GTK and app start-up; the
 * memory is the child's ru_maxrss from wait4(). Run it under a display
 * (the run target uses xvfb-run and dbus-run-session). */

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <glib/gstdio.h>

#include "kouan-bench.h"

static guint scale = 100000;
static int runs = 5;
static char *kouan_path;
static char *bare_path;
static char *window_path;
static char *schema_dir;
static char *home_dir;
static gboolean prepare_only;
static char *cached_url;

static GOptionEntry entries[] = {
  { "kouan", 0, 0, G_OPTION_ARG_FILENAME, &kouan_path, "The kouan program", "PATH" },
  { "bare", 0, 0, G_OPTION_ARG_FILENAME, &bare_path, "The bare-window program", "PATH" },
  { "window", 0, 0, G_OPTION_ARG_FILENAME, &window_path, "The kouan-bench-window program", "PATH" },
  { "schema-dir", 0, 0, G_OPTION_ARG_FILENAME, &schema_dir, "Compiled GSettings schemas", "DIR" },
  { "runs", 0, 0, G_OPTION_ARG_INT, &runs, "Starts of each program (default 5)", "N" },
  { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Notices and warnings in the cache (each)", "N" },
  { "home", 0, 0, G_OPTION_ARG_FILENAME, &home_dir,
    "Keep the XDG directories (and the cache) in DIR instead of a temporary directory", "DIR" },
  { "prepare-only", 0, 0, G_OPTION_ARG_NONE, &prepare_only,
    "Fill the cache, print the server URL it belongs to and exit (with --home: for profiling)", NULL },
  { "cached-url", 0, 0, G_OPTION_ARG_STRING, &cached_url,
    "With --home: start no server, use the cache a --prepare-only run left for URL", "URL" },
  { NULL }
};

#define FIRST_FRAME_TIMEOUT_MS 60000

typedef struct {
  double first_frame_ms;   /* < 0: no report */
  long   max_rss_kib;
  char  *window;           /* what the program said it showed */
  int    listed;           /* notices in the list at that frame, -1: not said */
} Start;

/* Reads the child's stdout until EOF or the deadline; returns it. */
static char *
read_until_exit (int fd)
{
  g_autoptr(GString) out = g_string_new (NULL);
  gint64 deadline = g_get_monotonic_time () + FIRST_FRAME_TIMEOUT_MS * 1000;

  for (;;)
    {
      struct pollfd pfd = { fd, POLLIN, 0 };
      int left = (int) ((deadline - g_get_monotonic_time ()) / 1000);
      char buffer[4096];
      ssize_t n;

      if (left <= 0 || poll (&pfd, 1, left) == 0)
        return NULL;
      n = read (fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (out, buffer, n);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static Start
start_once (const char *program,
            char      **argv,
            char      **envp)
{
  Start start = { -1, 0, NULL, -1 };
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  const char *line;
  GPid pid;
  int out_fd, status;
  struct rusage usage;
  gint64 spawned;

  spawned = g_get_monotonic_time ();
  if (!g_spawn_async_with_pipes (NULL, argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &pid, NULL, &out_fd, NULL, &error))
    kouan_bench_die ("%s: %s", program, error->message);

  out = read_until_exit (out_fd);
  close (out_fd);
  if (out == NULL)
    {
      g_printerr ("bench: %s did not exit within %d s of starting; killed\n",
                  program, FIRST_FRAME_TIMEOUT_MS / 1000);
      kill (pid, SIGKILL);
    }
  if (wait4 (pid, &status, 0, &usage) < 0)
    kouan_bench_die ("wait4: %s", g_strerror (errno));
  start.max_rss_kib = usage.ru_maxrss;

  line = out != NULL ? strstr (out, "first-frame ") : NULL;
  if (line != NULL)
    {
      g_auto(GStrv) fields = NULL;
      g_autofree char *first = g_strndup (line, strcspn (line, "\n"));

      fields = g_strsplit (first, " ", 3);
      if (fields[1] != NULL)
        start.first_frame_ms = (g_ascii_strtoll (fields[1], NULL, 10) - spawned) / 1000.0;
      if (fields[1] != NULL && fields[2] != NULL)
        start.window = g_strdup (fields[2]);
    }
  line = out != NULL ? strstr (out, "listed-at-first-frame ") : NULL;
  if (line != NULL)
    start.listed = atoi (line + strlen ("listed-at-first-frame "));
  return start;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

static void
report (const char *name,
        Start      *starts,
        int         n,
        double     *median_ms,
        double     *median_mib)
{
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) rss = g_array_new (FALSE, FALSE, sizeof (double));
  const char *window = NULL;
  int listed_min = G_MAXINT, listed_max = -1;

  for (int i = 0; i < n; i++)
    {
      double kib = starts[i].max_rss_kib;

      if (starts[i].first_frame_ms < 0)
        {
          printf ("%-28s no first-frame report (run %d): not measured\n", name, i + 1);
          return;
        }
      g_array_append_val (times, starts[i].first_frame_ms);
      g_array_append_val (rss, kib);
      window = starts[i].window;
      if (starts[i].listed >= 0)
        {
          listed_min = MIN (listed_min, starts[i].listed);
          listed_max = MAX (listed_max, starts[i].listed);
        }
    }
  g_array_sort (times, compare_double);
  g_array_sort (rss, compare_double);
  *median_ms = g_array_index (times, double, times->len / 2);
  *median_mib = g_array_index (rss, double, rss->len / 2) / 1024.0;
  printf ("%-28s %10.0f %10.0f %10.0f %10.0f   %s\n", name,
          starts[0].first_frame_ms,
          g_array_index (times, double, times->len / 2),
          g_array_index (times, double, 0),
          g_array_index (rss, double, rss->len / 2) / 1024.0,
          window != NULL ? window : "");
  if (listed_max >= 0)
    printf ("%-28s notices in the list at the first frame: %d to %d\n", "",
            listed_min, listed_max);
}

/* Fills the cache the way the app's first start would, at the path the
 * app will look for it. */
static void
prepare_cache (KouanTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autofree char *path = NULL;
  guint rows;

  if (client == NULL)
    kouan_bench_die ("%s", error->message);
  session = kouan_bench_login (client);
  path = kouan_store_default_path (kouan_test_server_get_url (server), KOUAN_BENCH_ACCOUNT);
  store = kouan_store_open (path, &error);
  if (store == NULL)
    kouan_bench_die ("%s: %s", path, error->message);
  kouan_bench_sync_all (client, store, session);
  rows = kouan_bench_count_messages (store, session);
  printf ("Cache %s: %u messages\n", path, rows);
  if (rows < 2 * scale)
    kouan_bench_die ("expected at least %u messages in the cache", 2 * scale);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the start to the first frame");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanTestServer) server = NULL;
  g_autofree char *dir = NULL;
  g_auto(GStrv) envp = NULL;
  g_autofree Start *kouan_starts = NULL;
  g_autofree Start *bare_starts = NULL;
  g_autofree Start *window_starts = NULL;
  double bare_ms = -1, bare_mib = 0, login_ms = -1, login_mib = 0, main_ms = -1, main_mib = 0;
  const char *dirs[][2] = { { "XDG_DATA_HOME", "data" }, { "XDG_CONFIG_HOME", "config" },
                            { "XDG_CACHE_HOME", "cache" } };

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    kouan_bench_die ("%s", error->message);
  if (cached_url != NULL && home_dir == NULL)
    kouan_bench_die ("--cached-url needs --home");
  if (kouan_path == NULL || bare_path == NULL || window_path == NULL || runs < 1)
    kouan_bench_die ("usage: bench-startup --kouan PATH --bare PATH --window PATH "
                     "[--schema-dir DIR] [--runs N]");
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    kouan_bench_die ("no display: run under xvfb-run (the bench-startup run target does)");
#ifdef KOUAN_BENCH_SERVER_PATH
  g_setenv ("KOUAN_SERVER_PATH", KOUAN_BENCH_SERVER_PATH, FALSE);
#endif

  /* A private home for both programs, set before GLib reads the XDG
   * variables, so the cache lands where Kouan will look for it and no
   * user file is touched. */
  dir = home_dir != NULL ? g_canonicalize_filename (home_dir, NULL)
                         : g_dir_make_tmp ("kouan-bench-startup-XXXXXX", &error);
  if (dir == NULL)
    kouan_bench_die ("%s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (dirs); i++)
    {
      g_autofree char *path = g_build_filename (dir, dirs[i][1], NULL);
      g_mkdir_with_parents (path, 0700);
      g_setenv (dirs[i][0], path, TRUE);
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  if (schema_dir != NULL)
    g_setenv ("GSETTINGS_SCHEMA_DIR", schema_dir, TRUE);
  g_setenv ("KOUAN_BENCH_EXIT_ON_FIRST_FRAME", "1", TRUE);

  kouan_bench_print_load ("at start");
  /* Kouan picks GTK's cairo renderer on a machine without a GPU unless
   * GSK_RENDERER says otherwise; set it to compare like with like. */
  printf ("GSK_RENDERER for all programs: %s\n",
          g_getenv ("GSK_RENDERER") != NULL ? g_getenv ("GSK_RENDERER") : "unset");
  if (cached_url == NULL)
    {
      printf ("Starting kouan-server --demo-scale %u and filling the cache …\n", scale);
      fflush (stdout);
      server = kouan_bench_start_server (scale, NULL);
      prepare_cache (server);
    }
  else
    printf ("Using the cache of %s in %s (no server: both windows start offline)\n", cached_url, dir);
  if (prepare_only)
    {
      /* The cache's file name holds the server's host and port: open it
       * with kouan-bench-window --server URL (no server needs to run). */
      printf ("Server URL of the cache: %s\nHome: %s\n", kouan_test_server_get_url (server), dir);
      kouan_test_server_free (g_steal_pointer (&server));
      if (home_dir == NULL)
        kouan_bench_remove_tree (dir);
      return 0;
    }
  envp = g_get_environ ();

  kouan_starts = g_new0 (Start, runs);
  bare_starts = g_new0 (Start, runs);
  window_starts = g_new0 (Start, runs);
  /* Take turns so none gets a systematically warmer page cache. */
  for (int i = 0; i < runs; i++)
    {
      char *url = cached_url != NULL ? cached_url : (char *) kouan_test_server_get_url (server);
      char *bare_argv[] = { bare_path, NULL };
      char *kouan_argv[] = { kouan_path, "--server", url, "--account", KOUAN_BENCH_ACCOUNT, NULL };
      char *window_argv[] = { window_path, "--server", url, "--account", KOUAN_BENCH_ACCOUNT, NULL };

      bare_starts[i] = start_once ("bare-window", bare_argv, envp);
      kouan_starts[i] = start_once ("kouan", kouan_argv, envp);
      window_starts[i] = start_once ("kouan-bench-window", window_argv, envp);
    }

  printf ("\nStart to first frame under %s, %d runs each, cache of %u + %u messages\n\n",
          g_getenv ("WAYLAND_DISPLAY") != NULL ? "Wayland" : "X11", runs, scale, scale);
  printf ("%-28s %10s %10s %10s %10s   %s\n", "", "1st run ms", "median ms", "min ms",
          "RSS MiB", "window");
  report ("bare GTK 4 window", bare_starts, runs, &bare_ms, &bare_mib);
  report ("kouan: login window", kouan_starts, runs, &login_ms, &login_mib);
  report ("kouan-bench-window: main", window_starts, runs, &main_ms, &main_mib);
  /* the targets of issue 11 are ratios to the bare window of the same run */
  if (bare_ms > 0 && login_ms > 0 && main_ms > 0)
    printf ("\nMedians against the bare window: login %.2f× %+.0f MiB, main %.2f× %+.0f MiB\n",
            login_ms / bare_ms, login_mib - bare_mib, main_ms / bare_ms, main_mib - bare_mib);
  kouan_bench_print_load ("at end");

  for (int i = 0; i < runs; i++)
    {
      g_free (bare_starts[i].window);
      g_free (kouan_starts[i].window);
      g_free (window_starts[i].window);
    }
  g_clear_pointer (&server, kouan_test_server_free);
  if (home_dir == NULL)
    kouan_bench_remove_tree (dir);
  return 0;
}

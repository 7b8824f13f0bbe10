/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-sync: how long the first full sync of a large enterprise takes,
 * next to references measured in the same run (docs/performance.md):
 *
 *   - curl fetching the same change-feed pages, once as one process per
 *     page (what a naive script would do) and once as one process over a
 *     kept-alive connection (the transfer floor);
 *   - the sqlite3 CLI importing the same rows in one transaction (the
 *     storage floor).
 *
 * Kouan's figure is KouanSync run_once into a fresh KouanStore: HTTP,
 * JSON decoding, and one SQLite transaction per page on a worker thread. */

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <glib/gstdio.h>

#include "kouan-bench.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"

static guint scale = 100000;
static guint page_size = 1000;   /* the sync engine's (kouan-sync-cycle.c) */

static GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Notices and warnings to generate (each)", "N" },
  { "page-size", 0, 0, G_OPTION_ARG_INT, &page_size, "limit= for the curl references", "N" },
  { NULL }
};

typedef struct {
  GPtrArray *urls;     /* every page URL, in order */
  guint64    bytes;
  double     seconds;  /* summed wall time of the curl processes only */
  double     cpu;      /* their CPU time */
} CurlPages;

static char *
write_curl_config (const char *dir,
                   const char *token,
                   GPtrArray  *urls)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (dir, "curl.conf", NULL);

  /* The token goes in a file, not argv, where ps would show it. */
  g_string_append_printf (config, "header = \"Authorization: Bearer %s\"\n", token);
  for (guint i = 0; urls != NULL && i < urls->len; i++)
    g_string_append_printf (config, "url = \"%s\"\noutput = \"/dev/null\"\n",
                            (const char *) g_ptr_array_index (urls, i));
  if (!g_file_set_contents (path, config->str, config->len, &error))
    kouan_bench_die ("%s", error->message);
  return path;
}

/* One curl process per page, following "cursor" until "more" is false, as
 * the sync engine does. */
static void
curl_page_by_page (const char   *base_url,
                   const char   *dir,
                   const char   *token,
                   KouanSession *session,
                   CurlPages    *pages)
{
  g_autofree char *config = write_curl_config (dir, token, NULL);
  double cpu_start = kouan_bench_cpu_seconds (RUSAGE_CHILDREN);

  pages->urls = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < session->enterprises->len; i++)
    {
      gint64 eid = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, i));
      gint64 since = 0;
      gboolean more = TRUE;

      while (more)
        {
          g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT
                                                  "/changes?since=%" G_GINT64_FORMAT "&limit=%u",
                                                  base_url, eid, since, page_size);
          const char *argv[] = { "curl", "-sS", "--fail", "-K", config, url, NULL };
          g_autofree char *body = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonObject) object = NULL;
          int status = 0;
          gint64 start = g_get_monotonic_time ();

          if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                             &body, NULL, &status, &error) ||
              !g_spawn_check_wait_status (status, &error))
            kouan_bench_die ("curl %s: %s", url, error->message);
          pages->seconds += kouan_bench_seconds_since (start);
          pages->bytes += strlen (body);

          object = kouan_json_parse_object (body, -1, &error);
          if (object == NULL ||
              !kouan_json_get_int (object, "cursor", &since, &error) ||
              !kouan_json_get_bool (object, "more", &more, &error))
            kouan_bench_die ("change page %s: %s", url, error->message);
          g_ptr_array_add (pages->urls, g_steal_pointer (&url));
        }
    }
  pages->cpu = kouan_bench_cpu_seconds (RUSAGE_CHILDREN) - cpu_start;
}

/* The same URLs through one curl process: one connection kept alive. */
static double
curl_keep_alive (const char *dir,
                 const char *token,
                 GPtrArray  *urls,
                 double     *cpu)
{
  g_autofree char *config = write_curl_config (dir, token, urls);
  const char *argv[] = { "curl", "-sS", "--fail", "-K", config, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  double cpu_start = kouan_bench_cpu_seconds (RUSAGE_CHILDREN);
  gint64 start = g_get_monotonic_time ();

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    kouan_bench_die ("curl (keep-alive): %s", error->message);
  *cpu = kouan_bench_cpu_seconds (RUSAGE_CHILDREN) - cpu_start;
  return kouan_bench_seconds_since (start);
}

/* @commands: one or two SQL or dot-commands, run in order. */
static void
run_sqlite3 (const char *db,
             const char *command,
             const char *command2)
{
  const char *argv[] = { "sqlite3", "-bail", db, command, command2, NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    kouan_bench_die ("sqlite3 %s '%s': %s", db, command, error->message);
}

/* Dumps the synced cache to SQL (untimed), then times the sqlite3 CLI
 * loading it into a new database. The dump is one BEGIN…COMMIT, with the
 * cache's own tables and indexes, so it is the same rows and schema. */
static double
sqlite3_import (const char *dir,
                const char *kouan_db,
                double     *cpu)
{
  g_autofree char *sql = g_build_filename (dir, "import.sql", NULL);
  g_autofree char *new_db = g_build_filename (dir, "import.db", NULL);
  g_autofree char *output = g_strdup_printf (".output %s", sql);
  g_autofree char *read = g_strdup_printf (".read %s", sql);
  double cpu_start;
  gint64 start;

  run_sqlite3 (kouan_db, output, ".dump");
  cpu_start = kouan_bench_cpu_seconds (RUSAGE_CHILDREN);
  start = g_get_monotonic_time ();
  run_sqlite3 (new_db, read, NULL);
  *cpu = kouan_bench_cpu_seconds (RUSAGE_CHILDREN) - cpu_start;
  return kouan_bench_seconds_since (start);
}

/* Every synced row the cache holds: what both the sync and the sqlite3
 * import write (risk articles count once, though each enterprise's feed
 * brings them). */
static guint
count_cached_rows (KouanStore *store)
{
  static const char *const tables[] = {
    "messages", "risk_articles", "insurance_policies", "insurance_claims",
    "insurance_categories", "settings_records", "profiles", "declaration_preferences",
    "certifications",
  };
  guint total = 0;

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", tables[i]);
      sqlite3_stmt *stmt = NULL;

      if (sqlite3_prepare_v2 (kouan_store_get_db (store), sql, -1, &stmt, NULL) != SQLITE_OK ||
          sqlite3_step (stmt) != SQLITE_ROW)
        kouan_bench_die ("%s: %s", sql, sqlite3_errmsg (kouan_store_get_db (store)));
      total += sqlite3_column_int (stmt, 0);
      sqlite3_finalize (stmt);
    }
  return total;
}

/* @cpu < 0: not measured (the server is not our child until it exits). */
static void
print_row (const char *what,
           double      seconds,
           double      cpu,
           guint       rows)
{
  g_autofree char *cpu_text = cpu >= 0 ? g_strdup_printf ("%7.2f s", cpu) : g_strdup ("       -");

  printf ("%-46s %8.2f s %10.0f/s %s\n", what, seconds,
          seconds > 0 ? rows / seconds : 0, cpu_text);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the initial sync");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanTestServer) server = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *kouan_db = NULL;
  CurlPages pages = { 0 };
  double seed_s, kouan_s, alive_s, import_s;
  double kouan_cpu, alive_cpu, import_cpu, cpu_start;
  guint rows, messages;
  gint64 start;
  struct rusage usage;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    kouan_bench_die ("%s", error->message);
#ifdef KOUAN_BENCH_SERVER_PATH
  g_setenv ("KOUAN_SERVER_PATH", KOUAN_BENCH_SERVER_PATH, FALSE);
#endif

  dir = g_dir_make_tmp ("kouan-bench-sync-XXXXXX", &error);
  if (dir == NULL)
    kouan_bench_die ("%s", error->message);

  kouan_bench_print_load ("at start");
  printf ("Starting kouan-server --demo-scale %u …\n", scale);
  fflush (stdout);
  server = kouan_bench_start_server (scale, &seed_s);
  client = kouan_client_new (kouan_test_server_get_url (server), &error);
  if (client == NULL)
    kouan_bench_die ("%s", error->message);
  session = kouan_bench_login (client);

  /* 1. curl, one process per page; also learns the page URLs. */
  curl_page_by_page (kouan_test_server_get_url (server), dir,
                     kouan_client_get_token (client), session, &pages);

  /* 2. Kouan: the real sync engine into a fresh cache. */
  kouan_db = g_build_filename (dir, "kouan.db", NULL);
  store = kouan_store_open (kouan_db, &error);
  if (store == NULL)
    kouan_bench_die ("%s", error->message);
  cpu_start = kouan_bench_cpu_seconds (RUSAGE_SELF);
  start = g_get_monotonic_time ();
  kouan_bench_sync_all (client, store, session);
  kouan_s = kouan_bench_seconds_since (start);
  kouan_cpu = kouan_bench_cpu_seconds (RUSAGE_SELF) - cpu_start;
  messages = kouan_bench_count_messages (store, session);
  if (messages < 2 * scale)
    kouan_bench_die ("the cache holds %u messages after sync, expected at least %u",
                     messages, 2 * scale);
  rows = count_cached_rows (store);
  getrusage (RUSAGE_SELF, &usage);
  g_clear_object (&store);

  /* 3. curl over one kept-alive connection, the same pages. */
  alive_s = curl_keep_alive (dir, kouan_client_get_token (client), pages.urls, &alive_cpu);

  /* 4. sqlite3 importing the same rows in one transaction. */
  import_s = sqlite3_import (dir, kouan_db, &import_cpu);

  printf ("\nInitial sync: %u notices + %u warnings (+ %u risk articles) for %s, %u enterprise(s), "
          "%u pages of %u, %.1f MiB of JSON; %u rows in the cache, %u of them messages\n\n",
          scale, scale, scale, KOUAN_BENCH_ACCOUNT, session->enterprises->len,
          pages.urls->len, page_size, pages.bytes / (1024.0 * 1024.0), rows, messages);
  printf ("%-46s %10s %12s %9s\n", "", "wall", "rows", "CPU");
  print_row ("kouan-server: seed + start (not compared)", seed_s, -1, rows);
  print_row ("Kouan: KouanSync run_once into KouanStore", kouan_s, kouan_cpu, rows);
  print_row ("curl: one process per page (transfer only)", pages.seconds, pages.cpu, rows);
  print_row ("curl: one process, kept-alive connection", alive_s, alive_cpu, rows);
  print_row ("sqlite3 CLI: import the rows, one transaction", import_s, import_cpu, rows);
  printf ("\nKouan sync vs curl kept-alive + sqlite3 import: %.2fx (Kouan: %.0f rows/s)\n",
          kouan_s / (alive_s + import_s), rows / kouan_s);
  printf ("bench process max RSS (includes the sync): %ld MiB\n", usage.ru_maxrss / 1024);
  printf ("CPU: of the client process or the reference program; the server's "
          "share is in neither\n");
  kouan_bench_print_load ("at end");

  g_ptr_array_unref (pages.urls);
  kouan_test_server_free (g_steal_pointer (&server));
  kouan_bench_remove_tree (dir);
  return 0;
}

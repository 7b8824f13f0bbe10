/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-search: latency of the risk search (信用保险 → 风险信息) over a
 * cache holding 100k risk articles (docs/performance.md). The articles come
 * from kouan-server --demo --demo-scale N through a real first sync, so
 * the index is built the way the app builds it. For 1-, 2- and 3+-character
 * Chinese keywords, each alone and with a country or industry filter, it
 * times kouan_store_search_risk_articles (the FTS5 index: every matching
 * id, newest first) plus loading the first page of 50 rows, and beside it
 * a LIKE scan of the same table answering the same query, in the same
 * run. Prints p50 / p95 per keyword length. Then the message center's
 * search (issue 15) over the same cache's notices and warnings (the demo
 * scale gives N of each): a 报关单号 whole, in groups and by prefix, a
 * 提单号, words, beside a LIKE scan. */

#include <stdio.h>
#include <stdlib.h>
#include <glib/gstdio.h>

#include "kouan-bench.h"
#include "kouan-enterprise.h"
#include "kouan-message.h"
#include "kouan-store-insurance.h"
#include "kouan-sync.h"

static guint scale = 100000;
static guint rounds = 5;
static gboolean messages_only = FALSE;

static GOptionEntry entries[] = {
  { "scale", 0, 0, G_OPTION_ARG_INT, &scale, "Risk articles to generate (also notices and warnings)", "N" },
  { "rounds", 0, 0, G_OPTION_ARG_INT, &rounds, "Times each query runs", "N" },
  { "messages-only", 0, 0, G_OPTION_ARG_NONE, &messages_only, "Only the message search (after the first sync)", NULL },
  { NULL }
};

static const char *const one_char[] = { "美", "钢", "芯", "税", "油", "债" };
static const char *const two_chars[] = { "美国", "关税", "芯片", "汇率", "破产", "拖欠" };
static const char *const long_words[] = { "出口管制", "主权信用评级", "反倾销调查", "外汇管制", "信用限额", "原产地规则" };

typedef struct {
  const char *country;
  const char *industry;
} Filter;

static const Filter filters[] = {
  { NULL, NULL },
  { "美国", NULL },
  { NULL, "电子信息" },
  { "德国", "汽车及零部件" },
};

static void
on_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static void
sync_enterprise (KouanClient *client, KouanStore *store, KouanSession *session)
{
  g_autoptr(KouanSync) sync = kouan_sync_new (client, store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  if (!kouan_store_save_enterprises (store, session->enterprises, &error))
    kouan_bench_die ("%s", error->message);
  kouan_sync_set_enterprise_id (sync, 1);
  kouan_sync_run_once_async (sync, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  if (!kouan_sync_run_once_finish (sync, result, &error))
    kouan_bench_die ("sync: %s", error->message);
  kouan_sync_stop (sync);
}

static int
compare_doubles (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *samples, double p)
{
  guint index;

  g_array_sort (samples, compare_doubles);
  index = (guint) (p * (samples->len - 1) + 0.5);
  return g_array_index (samples, double, index);
}

/* The same query as a scan: what the search would cost without an index. */
static sqlite3_stmt *like_stmt;

static guint
like_scan (sqlite3 *db, const char *keyword, const Filter *filter)
{
  sqlite3_stmt *stmt;
  g_autofree char *pattern = g_strdup_printf ("%%%s%%", keyword);
  guint n = 0;

  if (like_stmt == NULL &&
      sqlite3_prepare_v2 (db,
        "SELECT id FROM risk_articles WHERE (title LIKE ?1 OR body LIKE ?1)"
        "   AND (?2 IS NULL OR country = ?2) AND (?3 IS NULL OR industry = ?3)"
        " ORDER BY published_at DESC, id DESC", -1, &like_stmt, NULL) != SQLITE_OK)
    kouan_bench_die ("%s", sqlite3_errmsg (db));
  stmt = like_stmt;
  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, filter->country, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, filter->industry, -1, SQLITE_STATIC);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    n++;
  return n;
}

/* While a sync applies pages: the searches run on a thread of their own
 * (as KouanRiskList runs them), the sync on the main context, and only
 * samples taken while the sync was still running count. */
typedef struct {
  KouanStore         *store;
  const char * const *keywords;
  guint               n_keywords;
  gint                syncing;   /* atomic: the sync has not finished */
  GArray             *samples;   /* ms */
  guint64             hits;
} Concurrent;

static gpointer
search_while_syncing_thread (gpointer data)
{
  Concurrent *run = data;

  for (guint i = 0; g_atomic_int_get (&run->syncing); i++)
    {
      guint k = i % run->n_keywords, f = (i / run->n_keywords) % G_N_ELEMENTS (filters);
      KouanRiskQuery query = { run->keywords[k], filters[f].country, filters[f].industry, 0, 0 };
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = NULL;
      g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
      gint64 start = g_get_monotonic_time ();
      double ms;

      ids = kouan_store_search_risk_articles (run->store, &query, &error);
      if (ids == NULL ||
          !kouan_store_load_risk_articles (run->store, (const gint64 *) (gpointer) ids->data,
                                           MIN (ids->len, 50), page, &error))
        kouan_bench_die ("search: %s", error->message);
      ms = kouan_bench_seconds_since (start) * 1000.0;
      if (g_atomic_int_get (&run->syncing))
        {
          g_array_append_val (run->samples, ms);
          run->hits += ids->len;
        }
      /* a user types a keyword now and then, not in a tight loop */
      g_usleep (20000);
    }
  return NULL;
}

static void
forget_messages (KouanStore *store,
                 gint64      enterprise_id)
{
  g_autofree char *sql = g_strdup_printf ("DELETE FROM messages WHERE enterprise_id = %" G_GINT64_FORMAT ";"
                                          "DELETE FROM cursors WHERE enterprise_id = %" G_GINT64_FORMAT,
                                          enterprise_id, enterprise_id);
  char *message = NULL;

  if (sqlite3_exec (kouan_store_get_db (store), sql, NULL, NULL, &message) != SQLITE_OK)
    kouan_bench_die ("%s", message);
}

/* Syncs @enterprise_id (its feed writes pages of messages and brings the
 * articles again) while searching for @keywords; prints the search's
 * latency and how many pages' worth of time it overlapped. */
static void
measure_while_syncing (KouanClient        *client,
                       KouanStore         *store,
                       gint64              enterprise_id,
                       const char         *label,
                       const char * const *keywords,
                       guint               n_keywords)
{
  g_autoptr(KouanSync) sync = kouan_sync_new (client, store);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) samples = g_array_new (FALSE, FALSE, sizeof (double));
  Concurrent run = { store, keywords, n_keywords, 1, samples, 0 };
  GThread *thread;
  gint64 start = g_get_monotonic_time ();

  /* from scratch each time, so every keyword length meets a full sync
   * (untimed; nothing else uses the cache meanwhile) */
  forget_messages (store, enterprise_id);
  kouan_sync_set_enterprise_id (sync, enterprise_id);
  thread = g_thread_new ("search", search_while_syncing_thread, &run);
  kouan_sync_run_once_async (sync, NULL, on_ready, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_atomic_int_set (&run.syncing, 0);
  g_thread_join (thread);
  if (!kouan_sync_run_once_finish (sync, result, &error))
    kouan_bench_die ("sync: %s", error->message);
  if (samples->len == 0)
    kouan_bench_die ("no search finished during the sync");

  printf ("%-12s  %5u queries  %8.0f hits/query   FTS5 p50 %7.2f ms  p95 %7.2f ms"
          "   (during a %.1f s sync)\n",
          label, samples->len, (double) run.hits / samples->len,
          percentile (samples, 0.50), percentile (samples, 0.95),
          kouan_bench_seconds_since (start));
}

static void
measure (KouanStore         *store,
         const char         *label,
         const char * const *keywords,
         guint               n_keywords)
{
  g_autoptr(GArray) fts = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) like = g_array_new (FALSE, FALSE, sizeof (double));
  guint64 hits = 0;
  guint queries = 0;

  for (guint round = 0; round < rounds; round++)
    for (guint k = 0; k < n_keywords; k++)
      for (guint f = 0; f < G_N_ELEMENTS (filters); f++)
        {
          KouanRiskQuery query = { keywords[k], filters[f].country, filters[f].industry, 0, 0 };
          g_autoptr(GError) error = NULL;
          g_autoptr(GArray) ids = NULL;
          g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
          gint64 start = g_get_monotonic_time ();
          double seconds;
          guint scanned;

          ids = kouan_store_search_risk_articles (store, &query, &error);
          if (ids == NULL ||
              !kouan_store_load_risk_articles (store, (const gint64 *) (gpointer) ids->data,
                                               MIN (ids->len, 50), page, &error))
            kouan_bench_die ("search: %s", error->message);
          seconds = kouan_bench_seconds_since (start) * 1000.0;
          g_array_append_val (fts, seconds);

          start = g_get_monotonic_time ();
          scanned = like_scan (kouan_store_get_db (store), keywords[k], &filters[f]);
          seconds = kouan_bench_seconds_since (start) * 1000.0;
          g_array_append_val (like, seconds);

          /* the index and the scan agree (the integration test checks the
           * ids; here a wrong count would make the figures meaningless) */
          if (scanned != ids->len)
            kouan_bench_die ("%s: index found %u, scan %u", keywords[k], ids->len, scanned);
          hits += ids->len;
          queries++;
        }

  printf ("%-12s  %5u queries  %8.0f hits/query   FTS5 p50 %7.2f ms  p95 %7.2f ms"
          "   LIKE scan p50 %7.2f ms  p95 %7.2f ms\n",
          label, queries, (double) hits / queries,
          percentile (fts, 0.50), percentile (fts, 0.95),
          percentile (like, 0.50), percentile (like, 0.95));
}

/* ---- the message center's search (issue 15) ------------------------- */

static sqlite3_stmt *message_like_stmt;

/* The same question without the index: a LIKE scan of the enterprise's
 * notices or warnings, newest first, as many as the search shows. A
 * number typed in groups is searched as written in the messages. */
static guint
message_like_scan (sqlite3 *db, gint64 enterprise_id, KouanMessageKind kind, const char *keyword)
{
  g_autofree char *compact = NULL;
  g_autofree char *pattern = NULL;
  guint n = 0;

  compact = g_strdup (keyword);
  if (g_ascii_isdigit (keyword[0]))
    {
      char *w = compact;

      for (const char *r = keyword; *r != '\0'; r++)
        if (*r != ' ')
          *w++ = *r;
      *w = '\0';
    }
  pattern = g_strdup_printf ("%%%s%%", compact);
  if (message_like_stmt == NULL &&
      sqlite3_prepare_v2 (db,
        "SELECT id FROM messages WHERE enterprise_id = ?2 AND kind = ?3"
        "   AND (title LIKE ?1 OR body LIKE ?1 OR category LIKE ?1)"
        " ORDER BY created_at DESC, id DESC LIMIT 500", -1, &message_like_stmt, NULL) != SQLITE_OK)
    kouan_bench_die ("%s", sqlite3_errmsg (db));
  sqlite3_reset (message_like_stmt);
  sqlite3_bind_text (message_like_stmt, 1, pattern, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (message_like_stmt, 2, enterprise_id);
  sqlite3_bind_text (message_like_stmt, 3, kouan_message_kind_to_string (kind), -1, SQLITE_STATIC);
  while (sqlite3_step (message_like_stmt) == SQLITE_ROW)
    n++;
  return n;
}

/* A 报关单号 and a 提单号 the cache holds, to search for */
static char *
find_identifier (sqlite3 *db, gint64 enterprise_id, const char *pattern)
{
  g_autoptr(GRegex) regex = g_regex_new (pattern, 0, 0, NULL);
  sqlite3_stmt *stmt = NULL;
  char *found = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT title || ' ' || body FROM messages WHERE enterprise_id = ?1"
                              " ORDER BY created_at LIMIT 2000", -1, &stmt, NULL) != SQLITE_OK)
    kouan_bench_die ("%s", sqlite3_errmsg (db));
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  while (found == NULL && sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autoptr(GMatchInfo) match = NULL;

      if (g_regex_match (regex, (const char *) sqlite3_column_text (stmt, 0), 0, &match))
        found = g_match_info_fetch (match, 1);
    }
  sqlite3_finalize (stmt);
  if (found == NULL)
    kouan_bench_die ("no message matches %s", pattern);
  return found;
}

static void
measure_messages (KouanStore *store, gint64 enterprise_id)
{
  sqlite3 *db = kouan_store_get_db (store);
  g_autofree char *declaration = find_identifier (db, enterprise_id, "([0-9]{18})");
  g_autofree char *bill = find_identifier (db, enterprise_id, "提单(?:号)? ([A-Z]{4}[0-9]+)");
  g_autofree char *spaced = g_strdup_printf ("%.4s %.4s %.4s %s", declaration, declaration + 4,
                                             declaration + 8, declaration + 12);
  g_autofree char *prefix = g_strndup (declaration, 10);
  g_autofree char *bill_prefix = g_strndup (bill, 7);
  const struct { const char *label; const char *keyword; } cases[] = {
    { "报关单号", declaration },
    { "…in groups", spaced },
    { "…prefix", prefix },
    { "提单号", bill },
    { "…prefix", bill_prefix },
    { "word 查验", "查验" },
    { "word 税款", "税款" },
    { "2 words", "报关单 放行" },
  };
  gint64 messages = 0;
  sqlite3_stmt *count = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT count (*) FROM messages WHERE enterprise_id = ?1", -1,
                          &count, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (count, 1, enterprise_id);
      if (sqlite3_step (count) == SQLITE_ROW)
        messages = sqlite3_column_int64 (count, 0);
    }
  sqlite3_finalize (count);
  printf ("\nmessage search over %" G_GINT64_FORMAT " notices and warnings of enterprise %"
          G_GINT64_FORMAT " (kouan_store_search_messages, at most 500 ids, then the first 50"
          " rows loaded; notices and warnings each; %u rounds)\n", messages, enterprise_id, rounds);

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      g_autoptr(GArray) fts = g_array_new (FALSE, FALSE, sizeof (double));
      g_autoptr(GArray) like = g_array_new (FALSE, FALSE, sizeof (double));
      guint64 hits = 0, like_hits = 0;

      for (guint round = 0; round < rounds + 1; round++)
        for (KouanMessageKind kind = KOUAN_MESSAGE_KIND_NOTICE; kind <= KOUAN_MESSAGE_KIND_WARNING; kind++)
          {
            g_autoptr(GError) error = NULL;
            g_autoptr(GArray) ids = NULL;
            g_autoptr(GPtrArray) page = g_ptr_array_new_with_free_func (g_object_unref);
            gint64 start = g_get_monotonic_time ();
            double ms;
            guint scanned;

            ids = kouan_store_search_messages (store, enterprise_id, kind, KOUAN_READ_FILTER_ALL,
                                               FALSE, cases[c].keyword, 500, &error);
            if (ids == NULL ||
                (ids->len > 0 &&
                 !kouan_store_load_messages (store, enterprise_id, (const gint64 *) (gpointer) ids->data,
                                             MIN (ids->len, 50), page, &error)))
              kouan_bench_die ("message search: %s", error->message);
            ms = kouan_bench_seconds_since (start) * 1000.0;
            start = g_get_monotonic_time ();
            scanned = message_like_scan (db, enterprise_id, kind, cases[c].keyword);
            if (round == 0)
              continue;   /* warm-up */
            g_array_append_val (fts, ms);
            ms = kouan_bench_seconds_since (start) * 1000.0;
            g_array_append_val (like, ms);
            hits += ids->len;
            like_hits += scanned;
          }

      printf ("%-14s %-24s %6.0f hits  FTS5 p50 %7.2f ms  p95 %7.2f ms   LIKE (%4.0f hits) p50 %7.2f ms  p95 %7.2f ms\n",
              cases[c].label, cases[c].keyword, (double) hits / fts->len,
              percentile (fts, 0.50), percentile (fts, 0.95),
              (double) like_hits / like->len, percentile (like, 0.50), percentile (like, 0.95));
    }
  g_clear_pointer (&message_like_stmt, sqlite3_finalize);
}

int
main (int argc, char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- time the risk search");
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanTestServer) server = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  double seed_seconds;
  gint64 start;
  gint64 articles = 0;
  sqlite3_stmt *count = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    kouan_bench_die ("%s", error->message);
  g_setenv ("KOUAN_SERVER_PATH", KOUAN_BENCH_SERVER_PATH, FALSE);

  kouan_bench_print_load ("before");
  server = kouan_bench_start_server (scale, &seed_seconds);
  printf ("server seeded %u extra risk articles in %.1f s\n", scale, seed_seconds);

  client = kouan_client_new (kouan_test_server_get_url (server), &error);
  if (client == NULL)
    kouan_bench_die ("%s", error->message);
  session = kouan_bench_login (client);
  dir = g_dir_make_tmp ("kouan-bench-search-XXXXXX", &error);
  if (dir == NULL)
    kouan_bench_die ("%s", error->message);
  path = g_build_filename (dir, "cache.db", NULL);
  store = kouan_store_open (path, &error);
  if (store == NULL)
    kouan_bench_die ("%s", error->message);

  start = g_get_monotonic_time ();
  sync_enterprise (client, store, session);
  if (sqlite3_prepare_v2 (kouan_store_get_db (store), "SELECT count (*) FROM risk_articles", -1,
                          &count, NULL) == SQLITE_OK && sqlite3_step (count) == SQLITE_ROW)
    articles = sqlite3_column_int64 (count, 0);
  sqlite3_finalize (count);
  printf ("first sync of enterprise 1 (with %" G_GINT64_FORMAT " risk articles, indexed): %.1f s\n",
          articles, kouan_bench_seconds_since (start));
  if (articles < scale)
    kouan_bench_die ("only %" G_GINT64_FORMAT " articles cached", articles);

  if (messages_only)
    {
      measure_messages (store, kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 0)));
      kouan_bench_print_load ("after");
      g_clear_pointer (&like_stmt, sqlite3_finalize);
      g_clear_object (&store);
      kouan_bench_remove_tree (dir);
      return 0;
    }

  /* one warm-up pass, so both sides start with the pages they need cached */
  measure (store, "(warm-up)", one_char, 1);
  printf ("keyword search over %" G_GINT64_FORMAT " articles; each keyword alone, with a country, "
          "an industry, both; %u rounds\n", articles, rounds);
  measure (store, "1 character", one_char, G_N_ELEMENTS (one_char));
  measure (store, "2 characters", two_chars, G_N_ELEMENTS (two_chars));
  measure (store, "3+ characters", long_words, G_N_ELEMENTS (long_words));
  kouan_bench_print_load ("after");

  measure_messages (store, kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 0)));
  kouan_bench_print_load ("after");

  if (session->enterprises->len > 1)
    {
      gint64 other = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 1));

      printf ("\nthe same searches while a first sync of enterprise %" G_GINT64_FORMAT
              " applies its pages (searches on their own thread, one every 20 ms)\n", other);
      measure_while_syncing (client, store, other, "1 character", one_char, G_N_ELEMENTS (one_char));
      measure_while_syncing (client, store, other, "2 characters", two_chars, G_N_ELEMENTS (two_chars));
      measure_while_syncing (client, store, other, "3+ characters", long_words, G_N_ELEMENTS (long_words));
      kouan_bench_print_load ("after");
    }

  g_clear_pointer (&like_stmt, sqlite3_finalize);
  g_clear_object (&store);
  kouan_bench_remove_tree (dir);
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The search indexes built after a first sync (store schema 10,
 * kouan_store_defer_search_index): a cache that defers its indexes answers
 * every search exactly as a cache indexed row by row does — while rows
 * are unindexed (the kouan_cjk_match scan), after the build, after edits
 * and deletions made while deferred, and after incremental pages; a cache
 * left deferred (a crash, a quit) builds its indexes when it is opened. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-test-server.h"

#define ENTERPRISE 3

/* What the rows are made of: CJK words of two to four characters, Latin
 * words, identifiers written in digit groups and as letters+digits. */
static const char * const words[] = {
  "报关单", "已放行", "查验", "美国", "关税", "上调", "钢铁", "出口", "深圳示例物流",
  "税费", "未缴", "到港", "欧盟", "反倾销", "调查", "铝", "港", "tariff", "tariffs",
  "Steel", "export", "COSU6123456780", "MSKU7654321", "5301 2026 0000 123456",
  "530120260000654321", "，", "“税费支付”", "2026",
};

static const char * const keywords[] = {
  "报关单", "已放行 查验", "美国关税", "关税", "港", "铝", "钢", "深圳示例", "示例物流",
  "tariff", "TARIFF", "tar", "steel export", "cosu61", "6123456780", "MSKU765",
  "5301 2026", "530120260000123456", "53012026000065", "2026", "税费支付", "，",
  "反倾销 欧盟 调查", "不存在的词", "x",
};

typedef struct {
  char       *dir;
  KouanStore *deferred;   /* defers its indexes */
  KouanStore *reference;  /* indexes per page, as before schema 10 */
  GRand      *rand;
  gint64      cursor;
} Fixture;

static KouanStore *
open_store (Fixture *fixture, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
  KouanStore *store = kouan_store_open (path, &error);

  g_assert_no_error (error);
  return store;
}

static void
fixture_set_up (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);

  fixture->dir = g_dir_make_tmp ("kouan-search-index-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->deferred = open_store (fixture, "deferred.db");
  fixture->reference = open_store (fixture, "reference.db");
  fixture->rand = g_rand_new_with_seed (11);
  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, NULL));
  g_assert_true (kouan_store_save_enterprises (fixture->deferred, enterprises, &error));
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (fixture->reference, enterprises, &error));
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->deferred);
  g_clear_object (&fixture->reference);
  g_rand_free (fixture->rand);
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static void
change_free (gpointer data)
{
  KouanChange *change = data;

  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

static char *
random_text (Fixture *fixture, guint n_words)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < n_words; i++)
    {
      /* words run together or apart: bigrams across word boundaries too */
      if (i > 0 && g_rand_boolean (fixture->rand))
        g_string_append_c (text, ' ');
      g_string_append (text, words[g_rand_int_range (fixture->rand, 0, G_N_ELEMENTS (words))]);
    }
  return g_string_free (text, FALSE);
}

static void
add_message (Fixture *fixture, GPtrArray *changes, gint64 id, gboolean deleted)
{
  KouanChange *change = g_new0 (KouanChange, 1);

  change->seq = changes->len + 1;
  change->collection = g_strdup ("messages");
  change->id = id;
  change->deleted = deleted;
  if (!deleted)
    {
      JsonObject *record = json_object_new ();
      g_autofree char *title = random_text (fixture, 3);
      g_autofree char *body = random_text (fixture, 8);
      gboolean warning = id % 3 == 0;

      json_object_set_int_member (record, "id", id);
      json_object_set_string_member (record, "kind", warning ? "warning" : "notice");
      json_object_set_string_member (record, "category", id % 2 ? "通关状态" : "税费");
      json_object_set_string_member (record, "title", title);
      json_object_set_string_member (record, "body", body);
      if (warning)
        json_object_set_string_member (record, "severity", "high");
      else
        json_object_set_null_member (record, "severity");
      json_object_set_int_member (record, "created_at", 1700000000 + id);
      json_object_set_boolean_member (record, "read", FALSE);
      json_object_set_boolean_member (record, "starred", FALSE);
      change->record = record;
    }
  g_ptr_array_add (changes, change);
}

static void
add_article (Fixture *fixture, GPtrArray *changes, gint64 id, gboolean deleted)
{
  KouanChange *change = g_new0 (KouanChange, 1);

  change->seq = changes->len + 1;
  change->collection = g_strdup ("risk_articles");
  change->id = id;
  change->deleted = deleted;
  if (!deleted)
    {
      JsonObject *record = json_object_new ();
      g_autofree char *title = random_text (fixture, 3);
      g_autofree char *body = random_text (fixture, 12);

      json_object_set_int_member (record, "id", id);
      json_object_set_string_member (record, "title", title);
      json_object_set_string_member (record, "source", "商务部");
      json_object_set_int_member (record, "published_at", 1700000000 + id);
      json_object_set_string_member (record, "country", "美国");
      json_object_set_string_member (record, "industry", "钢铁");
      json_object_set_int_member (record, "category_id", 1);
      json_object_set_string_member (record, "body", body);
      change->record = record;
    }
  g_ptr_array_add (changes, change);
}

/* The same page (same random texts) into both caches. */
static void
apply_both (Fixture *fixture, GPtrArray *changes)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage page = { ENTERPRISE, changes, ++fixture->cursor, FALSE, NULL };

  g_assert_true (kouan_store_apply_page (fixture->deferred, &page, &error));
  g_assert_no_error (error);
  g_assert_true (kouan_store_apply_page (fixture->reference, &page, &error));
  g_assert_no_error (error);
}

/* A page of new messages @first… and articles with scattered ids. */
static void
apply_new_rows (Fixture *fixture, gint64 first, guint n)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (change_free);

  for (guint i = 0; i < n; i++)
    {
      add_message (fixture, changes, first + i, FALSE);
      if (i % 2 == 0)
        add_article (fixture, changes, g_rand_int_range (fixture->rand, 1, 5000), FALSE);
    }
  apply_both (fixture, changes);
}

/* Edits and tombstones of rows old and new. */
static void
apply_edits (Fixture *fixture, gint64 n_messages)
{
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (change_free);

  for (guint i = 0; i < 40; i++)
    {
      add_message (fixture, changes, g_rand_int_range (fixture->rand, 1, n_messages + 1),
                   i % 4 == 0);
      add_article (fixture, changes, g_rand_int_range (fixture->rand, 1, 5000), i % 5 == 0);
    }
  apply_both (fixture, changes);
}

static char *
messages_found (KouanStore *store, KouanMessageKind kind, const char *keyword, guint limit)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kouan_store_search_messages (store, ENTERPRISE, kind,
                                                       KOUAN_READ_FILTER_ALL, FALSE,
                                                       keyword, limit, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, " %" G_GINT64_FORMAT, g_array_index (ids, gint64, i));
  return g_string_free (out, FALSE);
}

static char *
articles_found (KouanStore *store, const char *keyword)
{
  g_autoptr(GError) error = NULL;
  KouanRiskQuery query = { 0 };
  g_autoptr(GArray) ids = NULL;
  GString *out = g_string_new (NULL);

  query.keyword = keyword;
  ids = kouan_store_search_risk_articles (store, &query, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, " %" G_GINT64_FORMAT, g_array_index (ids, gint64, i));
  return g_string_free (out, FALSE);
}

/* Every keyword finds the same rows, in the same order, in both caches;
 * returns how many keywords found something. */
static guint
assert_same_answers (Fixture *fixture)
{
  guint n_found = 0;

  for (guint k = 0; k < G_N_ELEMENTS (keywords); k++)
    {
      g_autofree char *notices = messages_found (fixture->deferred, KOUAN_MESSAGE_KIND_NOTICE, keywords[k], 0);
      g_autofree char *notices_ref = messages_found (fixture->reference, KOUAN_MESSAGE_KIND_NOTICE, keywords[k], 0);
      g_autofree char *warnings = messages_found (fixture->deferred, KOUAN_MESSAGE_KIND_WARNING, keywords[k], 7);
      g_autofree char *warnings_ref = messages_found (fixture->reference, KOUAN_MESSAGE_KIND_WARNING, keywords[k], 7);
      g_autofree char *articles = articles_found (fixture->deferred, keywords[k]);
      g_autofree char *articles_ref = articles_found (fixture->reference, keywords[k]);

      g_test_message ("%s: %zu / %zu / %zu bytes of ids", keywords[k],
                      strlen (notices), strlen (warnings), strlen (articles));
      g_assert_cmpstr (notices, ==, notices_ref);
      g_assert_cmpstr (warnings, ==, warnings_ref);
      g_assert_cmpstr (articles, ==, articles_ref);
      if (*notices_ref != '\0' || *articles_ref != '\0')
        n_found++;
    }
  return n_found;
}

static gint64
query_int (KouanStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  /* what each index holds, one row per token instance (fts5vocab) */
  g_assert_cmpint (sqlite3_exec (kouan_store_get_db (store),
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_fts_rows"
    "  USING fts5vocab (main, messages_fts, 'instance');"
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.risk_articles_fts_rows"
    "  USING fts5vocab (main, risk_articles_fts, 'instance');", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (kouan_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

/* The indexes hold exactly the rows (FTS5's own check, and one index
 * entry per row). */
static void
assert_indexes_complete (KouanStore *store)
{
  char *message = NULL;
  int rc;

  g_assert_true (kouan_store_search_index_complete (store));
  rc = sqlite3_exec (kouan_store_get_db (store),
                     "INSERT INTO risk_articles_fts (risk_articles_fts) VALUES ('integrity-check');"
                     "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check');",
                     NULL, NULL, &message);
  g_assert_cmpstr (message, ==, NULL);
  g_assert_cmpint (rc, ==, SQLITE_OK);
  g_assert_cmpint (query_int (store, "SELECT count (DISTINCT doc) FROM temp.messages_fts_rows"), ==,
                   query_int (store, "SELECT count (*) FROM messages"));
  g_assert_cmpint (query_int (store, "SELECT count (DISTINCT doc) FROM temp.risk_articles_fts_rows"), ==,
                   query_int (store, "SELECT count (*) FROM risk_articles"));
}

/* Rows written after the deferral are found before any index holds
 * them, and edits or deletions of rows on either side of the mark are
 * followed, before and after the build. */
static void
test_deferred_first_sync (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  /* some rows indexed the old way first: the mark is above them */
  apply_new_rows (fixture, 1, 60);
  g_assert_true (kouan_store_defer_search_index (fixture->deferred, &error));
  g_assert_no_error (error);
  g_assert_false (kouan_store_search_index_complete (fixture->deferred));
  g_assert_true (kouan_store_search_index_complete (fixture->reference));

  for (guint p = 0; p < 5; p++)
    apply_new_rows (fixture, 61 + p * 100, 100);
  apply_edits (fixture, 560);
  /* nothing of it went into the deferred cache's index */
  g_assert_cmpint (query_int (fixture->deferred, "SELECT count (DISTINCT doc) FROM temp.messages_fts_rows"), ==, 60);
  g_assert_cmpuint (assert_same_answers (fixture), >, G_N_ELEMENTS (keywords) / 2);

  g_assert_true (kouan_store_build_search_index (fixture->deferred, NULL, &error));
  g_assert_no_error (error);
  assert_indexes_complete (fixture->deferred);
  assert_same_answers (fixture);

  /* incremental pages after the build are indexed per page again */
  apply_new_rows (fixture, 561, 30);
  apply_edits (fixture, 590);
  g_assert_cmpint (query_int (fixture->deferred, "SELECT count (*) FROM messages_fts_pending"), ==, 0);
  assert_indexes_complete (fixture->deferred);
  assert_same_answers (fixture);
}

/* Polls: the build runs on the store's own thread and tells nobody.
 * The limit only catches a hang. */
static gboolean
wait_index_complete (KouanStore *store)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) 30 * G_USEC_PER_SEC * kouan_test_timeout_scale ();

  while (!kouan_store_search_index_complete (store) && g_get_monotonic_time () < deadline)
    g_usleep (10 * 1000);
  return kouan_store_search_index_complete (store);
}

/* A cache closed while deferred (as a crash or a quit during a first
 * sync leaves it) builds its indexes when it is opened again, on a
 * thread of its own; searches are exact before and after. */
static void
test_repaired_on_open (Fixture *fixture, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  apply_new_rows (fixture, 1, 20);
  g_assert_true (kouan_store_defer_search_index (fixture->deferred, &error));
  g_assert_no_error (error);
  for (guint p = 0; p < 3; p++)
    apply_new_rows (fixture, 21 + p * 100, 100);
  apply_edits (fixture, 320);

  g_clear_object (&fixture->deferred);
  fixture->deferred = open_store (fixture, "deferred.db");
  /* exact whether or not the thread has got far yet */
  assert_same_answers (fixture);
  g_assert_true (wait_index_complete (fixture->deferred));
  assert_indexes_complete (fixture->deferred);
  assert_same_answers (fixture);

  /* and it stays complete when opened again */
  g_clear_object (&fixture->deferred);
  fixture->deferred = open_store (fixture, "deferred.db");
  assert_indexes_complete (fixture->deferred);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/search-index/deferred-first-sync", Fixture, NULL,
              fixture_set_up, test_deferred_first_sync, fixture_tear_down);
  g_test_add ("/search-index/repaired-on-open", Fixture, NULL,
              fixture_set_up, test_repaired_on_open, fixture_tear_down);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The risk search's full-text index is brought up to date once per
 * transaction, not per row (kouan-store-insurance.c). These tests check
 * that it stays exact: after inserts, updates, deletes — also several of
 * the same article in one page — the search finds exactly the articles
 * whose title or body holds the keyword, and FTS5's own integrity check
 * agrees with the table. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"

#define ENTERPRISE 3

typedef struct {
  char       *dir;
  char       *path;
  KouanStore *store;
  GHashTable *model;   /* id → "title\nbody": what the cache should hold */
  gint64      cursor;
} Fixture;

static void
change_free (gpointer data)
{
  KouanChange *change = data;

  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

static KouanChangePage *
page_new (Fixture *fixture)
{
  KouanChangePage *page = g_new0 (KouanChangePage, 1);

  page->enterprise_id = ENTERPRISE;
  page->cursor = ++fixture->cursor;
  page->changes = g_ptr_array_new_with_free_func (change_free);
  return page;
}

/* Adds an upsert of article @id to @page and to the model. */
static void
put (Fixture         *fixture,
     KouanChangePage *page,
     gint64           id,
     const char      *title,
     const char      *body)
{
  KouanChange *change = g_new0 (KouanChange, 1);
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "title", title);
  json_object_set_string_member (record, "source", "商务部");
  json_object_set_int_member (record, "published_at", 1700000000 + id);
  json_object_set_string_member (record, "country", "美国");
  json_object_set_string_member (record, "industry", "钢铁");
  json_object_set_int_member (record, "category_id", 1);
  json_object_set_string_member (record, "body", body);

  change->seq = page->changes->len + 1;
  change->collection = g_strdup ("risk_articles");
  change->id = id;
  change->record = record;
  g_ptr_array_add (page->changes, change);

  g_hash_table_insert (fixture->model, g_memdup2 (&id, sizeof id),
                       g_strdup_printf ("%s\n%s", title, body));
}

/* Adds a tombstone of article @id to @page and removes it from the model. */
static void
drop (Fixture         *fixture,
      KouanChangePage *page,
      gint64           id)
{
  KouanChange *change = g_new0 (KouanChange, 1);

  change->seq = page->changes->len + 1;
  change->collection = g_strdup ("risk_articles");
  change->id = id;
  change->deleted = TRUE;
  g_ptr_array_add (page->changes, change);

  g_hash_table_remove (fixture->model, &id);
}

static void
apply (Fixture         *fixture,
       KouanChangePage *page)
{
  g_autoptr(GError) error = NULL;

  kouan_store_apply_page (fixture->store, page, &error);
  g_assert_no_error (error);
  g_ptr_array_unref (page->changes);
  g_free (page);
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The ids whose title or body holds @keyword, by the model: a plain
 * substring test, which is what the index must answer for CJK keywords. */
static GArray *
expected_ids (Fixture    *fixture,
              const char *keyword)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, fixture->model);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_auto(GStrv) parts = g_strsplit (value, "\n", 2);

      if (strstr (parts[0], keyword) != NULL || strstr (parts[1], keyword) != NULL)
        g_array_append_val (ids, *(gint64 *) key);
    }
  g_array_sort (ids, compare_ids);
  return ids;
}

static void
assert_search_exact (Fixture *fixture)
{
  /* 1, 2 and 3+ characters, words that come and go in the pages below */
  const char *keywords[] = { "钢", "税", "美", "关税", "芯片", "汇率", "出口管制", "反倾销调查",
                             "主权信用", "制裁" };
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) check = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keywords); i++)
    {
      KouanRiskQuery query = { .keyword = keywords[i] };
      g_autoptr(GArray) found = kouan_store_search_risk_articles (fixture->store, &query, &error);
      g_autoptr(GArray) expected = expected_ids (fixture, keywords[i]);

      g_assert_no_error (error);
      g_array_sort (found, compare_ids);
      g_test_message ("%s: %u found, %u expected", keywords[i], found->len, expected->len);
      g_assert_cmpmem (found->data, found->len * sizeof (gint64),
                       expected->data, expected->len * sizeof (gint64));
    }

  /* FTS5 compares its index with the content table: any entry left from
   * an old version of a row, or a row missing, fails here. */
  check = kouan_statement_get (kouan_store_get_db (fixture->store),
                               "INSERT INTO risk_articles_fts (risk_articles_fts, rank)"
                               " VALUES ('integrity-check', 1)", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (check), ==, SQLITE_DONE);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const roles[] = { "admin", NULL };

  fixture->dir = g_dir_make_tmp ("kouan-risk-index-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->model = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  fixture->store = kouan_store_open (fixture->path, &error);
  g_assert_no_error (error);

  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, roles));
  g_assert_true (kouan_store_save_enterprises (fixture->store, enterprises, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&fixture->store);
  g_remove (fixture->path);
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (fixture->path, "-shm", NULL);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
  g_hash_table_unref (fixture->model);
}

static void
first_pages (Fixture *fixture)
{
  KouanChangePage *page = page_new (fixture);

  put (fixture, page, 1, "美国对钢铁加征关税", "商务部回应钢铁关税调整。");
  put (fixture, page, 2, "芯片出口管制升级", "多国收紧芯片出口管制清单。");
  put (fixture, page, 3, "汇率波动加剧", "人民币对美元汇率双向波动。");
  put (fixture, page, 4, "反倾销调查立案", "对进口钢材发起反倾销调查。");
  put (fixture, page, 5, "主权信用评级下调", "评级机构下调主权信用评级。");
  apply (fixture, page);

  page = page_new (fixture);
  for (gint64 id = 10; id < 60; id++)
    {
      g_autofree char *title = g_strdup_printf ("第%" G_GINT64_FORMAT "期 %s", id,
                                                id % 3 == 0 ? "关税动态" : id % 3 == 1 ? "芯片市场" : "汇率观察");
      put (fixture, page, id, title, id % 2 == 0 ? "涉及出口管制的制裁名单。" : "无");
    }
  apply (fixture, page);
}

/* The first sync: pages of new articles. */
static void
test_index_after_pull (Fixture       *fixture,
                       gconstpointer  data)
{
  first_pages (fixture);
  assert_search_exact (fixture);
}

/* Later pages change, delete and re-insert articles, several times over
 * within one page, as an incremental pull can. */
static void
test_index_after_updates (Fixture       *fixture,
                          gconstpointer  data)
{
  KouanChangePage *page;

  first_pages (fixture);

  page = page_new (fixture);
  put (fixture, page, 1, "美国对铝材加征关税", "仅涉及铝材。");   /* "钢" leaves */
  drop (fixture, page, 2);                                          /* "芯片" leaves */
  put (fixture, page, 3, "汇率波动加剧", "人民币对美元汇率双向波动。"); /* unchanged */
  put (fixture, page, 4, "反倾销调查终裁", "终裁维持原税率。");
  put (fixture, page, 4, "反倾销调查复审", "复审涉及钢材制裁。");  /* twice in one page */
  put (fixture, page, 60, "新的出口管制规则", "芯片与钢铁。");
  drop (fixture, page, 60);                                         /* born and gone */
  drop (fixture, page, 5);
  put (fixture, page, 5, "主权信用展望", "展望稳定。");           /* gone and back */
  for (gint64 id = 10; id < 60; id += 7)
    drop (fixture, page, id);
  apply (fixture, page);
  assert_search_exact (fixture);

  /* A page of an unchanged article writes nothing (the second
   * enterprise's feed brings every article again). */
  page = page_new (fixture);
  put (fixture, page, 3, "汇率波动加剧", "人民币对美元汇率双向波动。");
  apply (fixture, page);
  assert_search_exact (fixture);
}

/* A page that fails half-way leaves neither rows nor index entries. */
static void
test_index_rolled_back (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) before = NULL;
  KouanChangePage *page;
  KouanChange *bad;

  first_pages (fixture);
  before = g_steal_pointer (&fixture->model);

  page = page_new (fixture);
  /* edit a copy of the model: the page will not commit */
  fixture->model = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  put (fixture, page, 1, "出口管制", "制裁");
  drop (fixture, page, 3);
  bad = g_new0 (KouanChange, 1);
  bad->collection = g_strdup ("risk_articles");
  bad->id = 99;
  bad->record = json_object_new ();   /* no fields: refused */
  g_ptr_array_add (page->changes, bad);
  g_assert_false (kouan_store_apply_page (fixture->store, page, &error));
  g_assert_nonnull (error);
  g_ptr_array_unref (page->changes);
  g_free (page);

  g_hash_table_unref (fixture->model);
  fixture->model = g_steal_pointer (&before);
  assert_search_exact (fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add ("/risk-index/pull", Fixture, NULL, fixture_setup, test_index_after_pull, fixture_teardown);
  g_test_add ("/risk-index/updates-and-deletes", Fixture, NULL, fixture_setup,
              test_index_after_updates, fixture_teardown);
  g_test_add ("/risk-index/rolled-back", Fixture, NULL, fixture_setup,
              test_index_rolled_back, fixture_teardown);

  return g_test_run ();
}

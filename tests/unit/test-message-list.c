/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-message.h"
#include "kouan-message-list.h"
#include "kouan-store.h"
#include "kouan-store-private.h"

#define ENTERPRISE 3
#define OTHER_ENTERPRISE 4

typedef struct {
  guint position, removed, added;
} ItemsChanged;

typedef struct {
  char       *dir;
  KouanStore *store;
} Fixture;

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static JsonObject *
message_record (gint64   id,
                gint64   created_at,
                gboolean read,
                gboolean starred)
{
  JsonObject *record = json_object_new ();
  g_autofree char *title = g_strdup_printf ("通知 %" G_GINT64_FORMAT, id);

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "kind", "notice");
  json_object_set_string_member (record, "category", "物流跟踪");
  json_object_set_string_member (record, "title", title);
  json_object_set_string_member (record, "body", "货物已到港。");
  json_object_set_null_member (record, "severity");
  json_object_set_int_member (record, "created_at", created_at);
  json_object_set_boolean_member (record, "read", read);
  json_object_set_boolean_member (record, "starred", starred);
  return record;
}

static void
change_free (gpointer data)
{
  KouanChange *change = data;

  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

/* Messages 1..n of @enterprise_id, newest last; @read_every /
 * @starred_every mark every k-th one (0 = none). Applied in pages of
 * 1000, each one transaction, as the sync engine pulls them. */
static void
fill (Fixture *fixture,
      gint64   enterprise_id,
      guint    n,
      guint    read_every,
      guint    starred_every)
{
  for (guint first = 1; first <= n; first += 1000)
    {
      g_autoptr(GError) error = NULL;
      guint last = MIN (n, first + 999);
      KouanChangePage page = { enterprise_id, NULL, last, FALSE };

      page.changes = g_ptr_array_new_full (last - first + 1, change_free);
      for (guint i = first; i <= last; i++)
        {
          KouanChange *change = g_new0 (KouanChange, 1);

          change->seq = i;
          change->collection = g_strdup ("messages");
          change->id = i;
          change->record = message_record (i, 1700000000 + i,
                                           read_every != 0 && i % read_every == 0,
                                           starred_every != 0 && i % starred_every == 0);
          g_ptr_array_add (page.changes, change);
        }

      g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
      g_assert_no_error (error);
      g_ptr_array_unref (page.changes);
    }
  drain_main_context ();
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("kouan-list-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = kouan_store_open (path, &error);
  g_assert_no_error (error);

  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, NULL));
  g_ptr_array_add (enterprises, kouan_enterprise_new (OTHER_ENTERPRISE, "深圳示例物流有限公司",
                                                      "91440300MA5F00000X", FALSE, NULL));
  g_assert_true (kouan_store_save_enterprises (fixture->store, enterprises, &error));
  g_assert_no_error (error);
  drain_main_context ();
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&fixture->store));

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
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *log)
{
  ItemsChanged entry = { position, removed, added };

  /* the model must already be in its new state */
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, position + added);
  g_array_append_val (log, entry);
}

static GArray *
watch (KouanMessageList *list)
{
  GArray *log = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));

  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);
  return log;
}

static void
assert_single_change (GArray *log,
                      guint   position,
                      guint   removed,
                      guint   added)
{
  ItemsChanged *entry;

  g_assert_cmpuint (log->len, ==, 1);
  entry = &g_array_index (log, ItemsChanged, 0);
  g_assert_cmpuint (entry->position, ==, position);
  g_assert_cmpuint (entry->removed, ==, removed);
  g_assert_cmpuint (entry->added, ==, added);
  g_array_set_size (log, 0);
}

static gint64
id_at (KouanMessageList *list,
       guint             position)
{
  g_autoptr(KouanMessage) message = g_list_model_get_item (G_LIST_MODEL (list), position);

  g_assert_nonnull (message);
  return kouan_message_get_id (message);
}

static void
test_filters (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(KouanMessageList) unread = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                               KOUAN_READ_FILTER_UNREAD);
  g_autoptr(KouanMessageList) read = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_READ);
  g_autoptr(KouanMessageList) warnings = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_WARNING,
                                                                 KOUAN_READ_FILTER_ALL);
  g_autoptr(GArray) log = watch (unread);
  guint n_items = 0;

  /* 30 notices: every 3rd read, every 5th starred */
  fill (fixture, ENTERPRISE, 30, 3, 5);

  /* no enterprise chosen yet: empty, and no query */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 0);
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (unread), 0));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (unread)) == KOUAN_TYPE_MESSAGE);

  kouan_message_list_set_enterprise_id (unread, ENTERPRISE);
  kouan_message_list_set_enterprise_id (read, ENTERPRISE);
  kouan_message_list_set_enterprise_id (warnings, ENTERPRISE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 20);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (read)), ==, 10);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (warnings)), ==, 0);
  g_object_get (unread, "n-items", &n_items, NULL);
  g_assert_cmpuint (n_items, ==, 20);
  assert_single_change (log, 0, 0, 20);

  /* newest first; 30 is read, so 29 leads */
  g_assert_cmpint (id_at (unread, 0), ==, 29);
  g_assert_cmpint (id_at (unread, 19), ==, 1);
  g_assert_cmpint (id_at (read, 0), ==, 30);

  /* only starred: 5, 10, 20, 25 are unread (15 and 30 are read) */
  kouan_message_list_set_starred_only (unread, TRUE);
  g_assert_true (kouan_message_list_get_starred_only (unread));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 4);
  g_assert_cmpint (id_at (unread, 0), ==, 25);
  g_assert_cmpint (id_at (unread, 3), ==, 5);
  g_assert_cmpuint (log->len, ==, 1);
  g_array_set_size (log, 0);

  kouan_message_list_set_starred_only (unread, FALSE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 20);

  /* another enterprise has its own rows */
  fill (fixture, OTHER_ENTERPRISE, 2, 0, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 20);
  kouan_message_list_set_enterprise_id (unread, OTHER_ENTERPRISE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 2);
  {
    g_autoptr(KouanMessage) first = g_list_model_get_item (G_LIST_MODEL (unread), 0);

    g_assert_cmpint (kouan_message_get_enterprise_id (first), ==, OTHER_ENTERPRISE);
  }
}

static void
test_star_toggle (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_ALL);
  g_autoptr(KouanMessageList) starred = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                                KOUAN_READ_FILTER_ALL);
  g_autoptr(KouanMessage) before = NULL;
  g_autoptr(KouanMessage) after = NULL;
  g_autoptr(KouanMessage) neighbour = NULL;
  g_autoptr(KouanMessage) neighbour_again = NULL;
  g_autoptr(GArray) log = NULL;
  g_autoptr(GArray) starred_log = NULL;

  fill (fixture, ENTERPRISE, 200, 0, 0);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  kouan_message_list_set_enterprise_id (starred, ENTERPRISE);
  kouan_message_list_set_starred_only (starred, TRUE);
  log = watch (list);
  starred_log = watch (starred);

  before = g_list_model_get_item (G_LIST_MODEL (list), 70);
  neighbour = g_list_model_get_item (G_LIST_MODEL (list), 71);
  g_assert_false (kouan_message_get_starred (before));

  g_assert_true (kouan_store_set_message_starred (fixture->store, before, TRUE, &error));
  g_assert_no_error (error);
  drain_main_context ();

  /* exactly that row is replaced, so the view redraws it */
  assert_single_change (log, 70, 1, 1);
  after = g_list_model_get_item (G_LIST_MODEL (list), 70);
  g_assert_true (after != before);
  g_assert_cmpint (kouan_message_get_id (after), ==, kouan_message_get_id (before));
  g_assert_true (kouan_message_get_starred (after));
  /* its neighbour is untouched and still the same object */
  neighbour_again = g_list_model_get_item (G_LIST_MODEL (list), 71);
  g_assert_true (neighbour_again == neighbour);

  /* and it appears in the starred-only list */
  assert_single_change (starred_log, 0, 0, 1);
  g_assert_cmpint (id_at (starred, 0), ==, kouan_message_get_id (before));

  /* a pull that brings nothing new redraws nothing, even though the
   * queued star edit is replayed on top of it */
  fill (fixture, ENTERPRISE, 10, 0, 0);
  g_assert_cmpuint (log->len, ==, 0);
  g_assert_cmpuint (starred_log->len, ==, 0);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);
}

static void
test_read_moves_between_lists (Fixture       *fixture,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) unread = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                               KOUAN_READ_FILTER_UNREAD);
  g_autoptr(KouanMessageList) read = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_READ);
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GArray) unread_log = NULL;
  g_autoptr(GArray) read_log = NULL;

  /* 1..10, the even ones read */
  fill (fixture, ENTERPRISE, 10, 2, 0);
  kouan_message_list_set_enterprise_id (unread, ENTERPRISE);
  kouan_message_list_set_enterprise_id (read, ENTERPRISE);
  unread_log = watch (unread);
  read_log = watch (read);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 5);  /* 9 7 5 3 1 */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (read)), ==, 5);    /* 10 8 6 4 2 */

  /* open message 7: it leaves the unread list and joins the read one */
  message = g_list_model_get_item (G_LIST_MODEL (unread), 1);
  g_assert_cmpint (kouan_message_get_id (message), ==, 7);
  g_assert_true (kouan_store_set_message_read (fixture->store, message, TRUE, &error));
  g_assert_no_error (error);
  drain_main_context ();

  assert_single_change (unread_log, 1, 1, 0);
  assert_single_change (read_log, 2, 0, 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (unread)), ==, 4);
  g_assert_cmpint (id_at (unread, 1), ==, 5);
  g_assert_cmpint (id_at (read, 2), ==, 7);
  g_assert_cmpint (id_at (read, 3), ==, 6);

  /* and back */
  g_assert_true (kouan_store_set_message_read (fixture->store, message, FALSE, &error));
  drain_main_context ();
  assert_single_change (unread_log, 1, 0, 1);
  assert_single_change (read_log, 2, 1, 0);
}

static void
weak_notify_cb (gpointer  data,
                GObject  *where_the_object_was)
{
  guint *alive = data;

  (*alive)--;
}

static void
test_lazy_100k (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_UNREAD);
  g_autoptr(KouanMessage) last = NULL;
  g_autoptr(KouanMessage) toggled = NULL;
  g_autoptr(GArray) log = NULL;
  const guint n = 100000;
  guint alive = 0, max_alive = 0;
  gint64 start, elapsed;
  GQuark counted = g_quark_from_static_string ("test-counted");

  fill (fixture, ENTERPRISE, n, 0, 0);

  start = g_get_monotonic_time ();
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  elapsed = g_get_monotonic_time () - start;
  g_test_message ("id query over %u rows: %.1f ms", n, elapsed / 1000.0);
  /* ~30 ms on a quiet machine; generous for a loaded CI runner, while a
   * table scan with a sort would be far slower */
  g_assert_cmpint (elapsed, <, 400 * 1000);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, n);

  last = g_list_model_get_item (G_LIST_MODEL (list), n - 1);
  g_assert_nonnull (last);
  g_assert_cmpint (kouan_message_get_id (last), ==, 1);
  g_assert_cmpstr (kouan_message_get_title (last), ==, "通知 1");
  g_assert_null (g_list_model_get_item (G_LIST_MODEL (list), n));

  /* scroll through everything: objects are built on demand and dropped
   * with their block, so only a bounded number is ever alive */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) message = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (kouan_message_get_id (message), ==, n - i);
      if (g_object_get_qdata (G_OBJECT (message), counted) == NULL)
        {
          g_object_set_qdata (G_OBJECT (message), counted, GINT_TO_POINTER (1));
          g_object_weak_ref (G_OBJECT (message), weak_notify_cb, &alive);
          alive++;
          max_alive = MAX (max_alive, alive);
        }
    }
  g_test_message ("at most %u message objects alive while scrolling", max_alive);
  g_assert_cmpuint (max_alive, <=, 2048);
  g_assert_cmpuint (alive, <=, 2048);

  /* a star toggle near the end at this size is still one row */
  log = watch (list);
  toggled = g_list_model_get_item (G_LIST_MODEL (list), n - 10);
  g_assert_true (kouan_store_set_message_starred (fixture->store, toggled, TRUE, &error));
  g_assert_no_error (error);
  start = g_get_monotonic_time ();
  drain_main_context ();
  g_test_message ("reload after a star toggle: %.1f ms", (g_get_monotonic_time () - start) / 1000.0);
  assert_single_change (log, n - 10, 1, 1);

  g_clear_object (&toggled);
  g_clear_object (&last);
  g_assert_finalize_object (g_steal_pointer (&list));
  g_assert_cmpuint (alive, ==, 0);
}

/* Random edits, pulls and deletions against several lists at once. After
 * each step every list must equal a fresh query, its items must show the
 * stored flags (no stale cached object), and replaying the items-changed
 * signals it emitted on a copy must give the same rows. */
typedef struct {
  KouanMessageList *list;
  GArray           *mirror;  /* gint64 ids, kept only from items-changed */
} Follower;

static void
follower_items_changed_cb (GListModel *model,
                           guint       position,
                           guint       removed,
                           guint       added,
                           Follower   *follower)
{
  g_assert_cmpuint (position + removed, <=, follower->mirror->len);
  g_array_remove_range (follower->mirror, position, removed);
  for (guint i = 0; i < added; i++)
    {
      gint64 id = id_at (KOUAN_MESSAGE_LIST (model), position + i);

      g_array_insert_val (follower->mirror, position + i, id);
    }
}

static void
check_follower (Fixture  *fixture,
                Follower *follower)
{
  KouanMessageList *list = follower->list;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GPtrArray) stored_rows = g_ptr_array_new_with_free_func (g_object_unref);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  expected = kouan_store_list_message_ids (fixture->store, ENTERPRISE,
                                           kouan_message_list_get_kind (list),
                                           kouan_message_list_get_read_filter (list),
                                           kouan_message_list_get_starred_only (list), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpmem (follower->mirror->data, follower->mirror->len * sizeof (gint64),
                   expected->data, expected->len * sizeof (gint64));

  g_assert_true (kouan_store_load_messages (fixture->store, ENTERPRISE, (const gint64 *) (gpointer) expected->data,
                                            expected->len, stored_rows, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      KouanMessage *stored = g_ptr_array_index (stored_rows, i);

      g_assert_cmpint (kouan_message_get_id (item), ==, kouan_message_get_id (stored));
      g_assert_cmpint (kouan_message_get_read (item), ==, kouan_message_get_read (stored));
      g_assert_cmpint (kouan_message_get_starred (item), ==, kouan_message_get_starred (stored));
      g_assert_cmpint (kouan_message_get_created_at (item), ==, kouan_message_get_created_at (stored));
    }
}

static guint
sql_count (Fixture *fixture,
           gboolean read)
{
  sqlite3_stmt *stmt = NULL;
  guint count;

  g_assert_cmpint (sqlite3_prepare_v2 (kouan_store_get_db (fixture->store),
                                       "SELECT count(*) FROM messages WHERE enterprise_id = ?1"
                                       " AND kind = 'notice' AND read = ?2", -1, &stmt, NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, ENTERPRISE);
  sqlite3_bind_int (stmt, 2, read);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  return count;
}

/* The unread and read counts the badges show are kept in memory once
 * asked for; whatever pulls, edits and deletions do, they must equal a
 * count of the rows. */
static void
check_counts (Fixture *fixture)
{
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_UNREAD, FALSE), ==,
                    sql_count (fixture, FALSE));
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_READ, FALSE), ==,
                    sql_count (fixture, TRUE));
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                                KOUAN_READ_FILTER_UNREAD, FALSE), ==, 0);
}

static void
random_pull (Fixture *fixture,
             gint64  *next_id,
             gint64  *cursor)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, ++*cursor, FALSE };
  guint n = g_test_rand_int_range (1, 90);  /* sometimes past MAX_INCREMENTAL */

  page.changes = g_ptr_array_new_with_free_func (change_free);
  for (guint i = 0; i < n; i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);
      int what = g_test_rand_int_range (0, 10);

      change->collection = g_strdup ("messages");
      if (what < 4 || *next_id == 1)
        change->id = (*next_id)++;
      else
        change->id = g_test_rand_int_range (1, *next_id);
      change->deleted = what == 9;
      if (!change->deleted)
        /* few distinct dates, so ties on created_at are common */
        change->record = message_record (change->id, 1700000000 + g_test_rand_int_range (0, 40),
                                         g_test_rand_bit (), g_test_rand_int_range (0, 4) == 0);
      g_ptr_array_add (page.changes, change);
    }

  g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);
}

static void
test_random_model_check (Fixture       *fixture,
                         gconstpointer  data)
{
  const struct { KouanReadFilter filter; gboolean starred; } shapes[] = {
    { KOUAN_READ_FILTER_ALL, FALSE },
    { KOUAN_READ_FILTER_UNREAD, FALSE },
    { KOUAN_READ_FILTER_READ, FALSE },
    { KOUAN_READ_FILTER_UNREAD, TRUE },
    { KOUAN_READ_FILTER_ALL, TRUE },
  };
  Follower followers[G_N_ELEMENTS (shapes)];
  gint64 next_id = 1, cursor = 0;

  for (guint f = 0; f < G_N_ELEMENTS (shapes); f++)
    {
      followers[f].list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                  shapes[f].filter);
      kouan_message_list_set_starred_only (followers[f].list, shapes[f].starred);
      kouan_message_list_set_enterprise_id (followers[f].list, ENTERPRISE);
      followers[f].mirror = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_signal_connect (followers[f].list, "items-changed",
                        G_CALLBACK (follower_items_changed_cb), &followers[f]);
    }

  for (guint step = 0; step < 300; step++)
    {
      int what = g_test_rand_int_range (0, 10);

      if (what < 2 || next_id < 5)
        random_pull (fixture, &next_id, &cursor);
      else
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(KouanMessage) message = kouan_store_get_message (fixture->store, ENTERPRISE,
                                                                     g_test_rand_int_range (1, next_id),
                                                                     NULL);

          /* a deleted id: nothing to edit this step */
          if (message == NULL)
            continue;
          if (what < 6)
            g_assert_true (kouan_store_set_message_starred (fixture->store, message,
                                                            !kouan_message_get_starred (message), &error));
          else
            g_assert_true (kouan_store_set_message_read (fixture->store, message,
                                                         !kouan_message_get_read (message), &error));
          g_assert_no_error (error);
        }

      /* sometimes two steps land before the main loop runs */
      if (g_test_rand_bit ())
        drain_main_context ();
      else
        continue;

      for (guint f = 0; f < G_N_ELEMENTS (followers); f++)
        check_follower (fixture, &followers[f]);
      check_counts (fixture);
    }

  for (guint f = 0; f < G_N_ELEMENTS (followers); f++)
    {
      g_assert_finalize_object (followers[f].list);
      g_array_unref (followers[f].mirror);
    }
}

/* Revisions must keep growing across runs even when the clock went back
 * meanwhile: otherwise a list would take a new edit for an old one. */
static void
test_revisions_survive_clock (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(KouanMessage) after = NULL;
  g_autoptr(GArray) log = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "cache.db", NULL);

  fill (fixture, ENTERPRISE, 10, 0, 0);
  /* rows written by a run whose clock was a year ahead */
  g_assert_cmpint (sqlite3_exec (kouan_store_get_db (fixture->store),
                                 "UPDATE messages SET rev = rev + 31536000000000",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
  fixture->store = kouan_store_open (path, &error);
  g_assert_no_error (error);

  list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_ALL);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  log = watch (list);

  message = g_list_model_get_item (G_LIST_MODEL (list), 4);
  g_assert_true (kouan_store_set_message_starred (fixture->store, message, TRUE, &error));
  g_assert_no_error (error);
  drain_main_context ();

  assert_single_change (log, 4, 1, 1);
  after = g_list_model_get_item (G_LIST_MODEL (list), 4);
  g_assert_true (kouan_message_get_starred (after));
}

/* A page deletes a row (as from the sync thread) before the list heard of
 * it: the view may still ask for that position, and must get an object. */
static void
test_row_vanishes_before_signal (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_ALL);
  g_autoptr(GArray) log = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, 20, FALSE };
  KouanChange *tombstone = g_new0 (KouanChange, 1);

  fill (fixture, ENTERPRISE, 10, 0, 0);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  log = watch (list);

  tombstone->collection = g_strdup ("messages");
  tombstone->id = 7;
  tombstone->deleted = TRUE;
  page.changes = g_ptr_array_new_with_free_func (change_free);
  g_ptr_array_add (page.changes, tombstone);
  g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);

  /* not yet told: all ten rows still answer, 7 (position 3) included */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpint (id_at (list, i), ==, 10 - i);

  drain_main_context ();
  assert_single_change (log, 3, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 9);
  g_assert_cmpint (id_at (list, 3), ==, 6);
}

static void
object_unref0 (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

/* A page of a pull into a big list: items-changed names exactly the rows
 * the page brought or changed, and every other row keeps its object, so a
 * view rebinding it finds nothing to redraw. */
static void
test_page_touches_only_its_rows (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_UNREAD);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (object_unref0);
  g_autoptr(GArray) log = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, 9000, FALSE };
  guint kept = 0;
  /* new ids dated between existing rows: 3001 lands just after 2500 (in
   * display order), 3002 after 10, 3003 at the very top; 1200 is read
   * (leaves the unread list), 700 gets a new title (changes in place) */
  const struct { gint64 id, created_at; gboolean read; } rows[] = {
    { 3001, 1700000000 + 2500, FALSE },
    { 3002, 1700000000 + 10, FALSE },
    { 3003, 1700000000 + 5000, FALSE },
    { 1200, 1700000000 + 1200, TRUE },
    { 700, 1700000000 + 700, FALSE },
  };
  guint n;

  fill (fixture, ENTERPRISE, 3000, 0, 0);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  n = g_list_model_get_n_items (G_LIST_MODEL (list));
  g_assert_cmpuint (n, ==, 3000);
  /* what two screens around the changes hold (fewer rows than the list
   * keeps objects for) */
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (before, (i >= 470 && i < 530) || (i >= 2270 && i < 2330)
                             ? g_list_model_get_item (G_LIST_MODEL (list), i) : NULL);
  log = watch (list);

  page.changes = g_ptr_array_new_with_free_func (change_free);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);

      change->collection = g_strdup ("messages");
      change->id = rows[i].id;
      change->record = message_record (rows[i].id, rows[i].created_at, rows[i].read, FALSE);
      if (rows[i].id == 700)
        json_object_set_string_member (change->record, "title", "通知 700（更新）");
      g_ptr_array_add (page.changes, change);
    }
  g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);
  drain_main_context ();

  /* in the order the rows were written; positions as the list stood then */
  g_assert_cmpuint (log->len, ==, 5);
  {
    const ItemsChanged expected[] = {
      { 500, 0, 1 },     /* 3001: after 3000 … 2501, i.e. 500 rows above it */
      { 2991, 0, 1 },    /* 3002: above 10 … 1, after the 2990 rows and 3001 */
      { 0, 0, 1 },       /* 3003: the newest */
      { 1802, 1, 0 },    /* 1200 left: 3000 … 1201 and two new rows above it */
      { 2301, 1, 1 },    /* 700 changed in place: 2299 old rows and two new above */
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        ItemsChanged *entry = &g_array_index (log, ItemsChanged, i);

        g_assert_cmpuint (entry->position, ==, expected[i].position);
        g_assert_cmpuint (entry->removed, ==, expected[i].removed);
        g_assert_cmpuint (entry->added, ==, expected[i].added);
      }
  }
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3002);
  g_assert_cmpint (id_at (list, 0), ==, 3003);
  g_assert_cmpint (id_at (list, 501), ==, 3001);
  g_assert_cmpint (id_at (list, 2991), ==, 3002);

  /* every row the page did not touch is the very object it was */
  for (guint i = 460; i < 2340; i = i == 540 ? 2260 : i + 1)
    {
      g_autoptr(KouanMessage) item = g_list_model_get_item (G_LIST_MODEL (list), i);
      gint64 id = kouan_message_get_id (item);

      if (id > 3000 || id == 700 || g_ptr_array_index (before, 3000 - id) == NULL)
        continue;
      g_assert_true (item == g_ptr_array_index (before, 3000 - id));
      kept++;
    }
  g_assert_cmpuint (kept, ==, 119);
  {
    g_autoptr(KouanMessage) changed = NULL;
    gint position = -1;

    for (guint i = 0; position < 0; i++)
      if (id_at (list, i) == 700)
        position = (gint) i;
    changed = g_list_model_get_item (G_LIST_MODEL (list), position);
    g_assert_cmpstr (kouan_message_get_title (changed), ==, "通知 700（更新）");
    g_assert_true (changed != g_ptr_array_index (before, 3000 - 700));
  }
}

/* Changes of one page that lie close together come as one items-changed
 * spanning them; the rows between keep their objects, so a view finds
 * the same items again and rebinds its row widgets once, not once per
 * change. Changes far apart still come one by one. */
static void
test_page_close_changes_one_span (Fixture       *fixture,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessageList) list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_NOTICE,
                                                             KOUAN_READ_FILTER_UNREAD);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (object_unref0);
  g_autoptr(GArray) log = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, 9000, FALSE };
  /* 3001 is dated like 2980 and sorts just above it (20 rows above),
   * 3002 above 2960, 2990 is read (leaves the unread list from row 10),
   * 3003 lands far below, above 100 */
  const struct { gint64 id, created_at; gboolean read; } rows[] = {
    { 3001, 1700000000 + 2980, FALSE },
    { 3002, 1700000000 + 2960, FALSE },
    { 2990, 1700000000 + 2990, TRUE },
    { 3003, 1700000000 + 100, FALSE },
  };

  fill (fixture, ENTERPRISE, 3000, 0, 0);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3000);
  for (guint i = 0; i < 60; i++)
    g_ptr_array_add (before, g_list_model_get_item (G_LIST_MODEL (list), i));
  log = watch (list);

  page.changes = g_ptr_array_new_with_free_func (change_free);
  for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);

      change->collection = g_strdup ("messages");
      change->id = rows[i].id;
      change->record = message_record (rows[i].id, rows[i].created_at, rows[i].read, FALSE);
      g_ptr_array_add (page.changes, change);
    }
  g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);
  drain_main_context ();

  g_assert_cmpuint (log->len, ==, 2);
  {
    const ItemsChanged expected[] = {
      { 10, 30, 31 },    /* old rows 10 (2990) … 39 (2961): 2990 left, 3001 and 3002 came */
      { 2901, 0, 1 },    /* 3003, above 100: too far to join */
    };

    for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
      {
        ItemsChanged *entry = &g_array_index (log, ItemsChanged, i);

        g_assert_cmpuint (entry->position, ==, expected[i].position);
        g_assert_cmpuint (entry->removed, ==, expected[i].removed);
        g_assert_cmpuint (entry->added, ==, expected[i].added);
      }
  }
  g_assert_cmpint (id_at (list, 10), ==, 2989);
  g_assert_cmpint (id_at (list, 19), ==, 3001);
  g_assert_cmpint (id_at (list, 40), ==, 3002);
  g_assert_cmpint (id_at (list, 2901), ==, 3003);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, 3002);

  /* rows untouched keep their objects, inside the span too */
  for (guint i = 0; i < 60; i++)
    {
      KouanMessage *old = g_ptr_array_index (before, i);
      gint64 id = kouan_message_get_id (old);

      if (id == 2990)
        continue;
      for (guint j = 0; j < 62; j++)
        {
          g_autoptr(KouanMessage) item = g_list_model_get_item (G_LIST_MODEL (list), j);

          if (kouan_message_get_id (item) == id)
            g_assert_true (item == old);
        }
    }
}


/* ---- severity (issue 15) ------------------------------------------- */

static const char *const severity_names[] = { NULL, "low", "medium", "high" };

static JsonObject *
warning_record (gint64   id,
                gint64   created_at,
                gboolean read,
                int      severity)
{
  JsonObject *record = message_record (id, created_at, read, FALSE);

  json_object_set_string_member (record, "kind", "warning");
  json_object_set_string_member (record, "severity", severity_names[severity]);
  return record;
}

/* Applies one page of warnings: @ids[i] with @severities[i] (0: delete). */
static void
pull_warnings (Fixture      *fixture,
               gint64       *cursor,
               const gint64 *ids,
               const int    *severities,
               const gint64 *dates,
               const gboolean *read,
               guint         n)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, ++*cursor, FALSE };

  page.changes = g_ptr_array_new_with_free_func (change_free);
  for (guint i = 0; i < n; i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);

      change->collection = g_strdup ("messages");
      change->id = ids[i];
      change->deleted = severities[i] == 0;
      if (!change->deleted)
        change->record = warning_record (ids[i], dates[i], read[i], severities[i]);
      g_ptr_array_add (page.changes, change);
    }
  g_assert_true (kouan_store_apply_page (fixture->store, &page, &error));
  g_assert_no_error (error);
  g_ptr_array_unref (page.changes);
}

/* What a list of unread or read warnings of at least @min must show, in
 * its order, computed from the stored severity text (not the rank the
 * store keeps beside it). */
static GArray *
expected_warnings (Fixture          *fixture,
                   gboolean          read,
                   int               min,
                   KouanMessageSort  sort)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *sql = g_strdup_printf (
    "SELECT id FROM (SELECT id, created_at, CASE severity WHEN 'low' THEN 1 WHEN 'medium' THEN 2"
    " WHEN 'high' THEN 3 END AS s FROM messages WHERE enterprise_id = ?1 AND kind = 'warning'"
    " AND read = ?2) WHERE s >= ?3 ORDER BY %s created_at DESC, id DESC",
    sort == KOUAN_MESSAGE_SORT_SEVERITY ? "s DESC," : "");
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (kouan_store_get_db (fixture->store), sql, -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, ENTERPRISE);
  sqlite3_bind_int (stmt, 2, read);
  sqlite3_bind_int (stmt, 3, min);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  sqlite3_finalize (stmt);
  return ids;
}

static void
check_severity_follower (Fixture  *fixture,
                         Follower *follower,
                         gboolean  read)
{
  KouanMessageList *list = follower->list;
  int min = MAX (kouan_message_list_get_min_severity (list), KOUAN_SEVERITY_LOW);
  g_autoptr(GArray) expected = expected_warnings (fixture, read, min,
                                                  kouan_message_list_get_sort (list));
  guint n = g_list_model_get_n_items (G_LIST_MODEL (list));

  g_assert_cmpuint (n, ==, expected->len);
  g_assert_cmpmem (follower->mirror->data, follower->mirror->len * sizeof (gint64),
                   expected->data, expected->len * sizeof (gint64));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(KouanMessage) item = g_list_model_get_item (G_LIST_MODEL (list), i);

      g_assert_cmpint (kouan_message_get_id (item), ==, g_array_index (expected, gint64, i));
      g_assert_cmpint (kouan_message_get_severity (item), >=, min);
    }
  /* the badge's count, from memory */
  g_assert_cmpuint (kouan_store_count_messages_at_least (fixture->store, ENTERPRISE,
                                                         KOUAN_MESSAGE_KIND_WARNING,
                                                         read ? KOUAN_READ_FILTER_READ
                                                              : KOUAN_READ_FILTER_UNREAD,
                                                         FALSE, min), ==, expected->len);
}

/* Lists filtered and sorted by severity follow random pulls (new
 * warnings, deletions, a severity changed by the server) and read marks
 * exactly as a fresh query would list them, and their counts stay right. */
static void
test_severity (Fixture       *fixture,
               gconstpointer  data)
{
  const struct { KouanReadFilter filter; KouanSeverity min; KouanMessageSort sort; } shapes[] = {
    { KOUAN_READ_FILTER_UNREAD, KOUAN_SEVERITY_NONE,   KOUAN_MESSAGE_SORT_SEVERITY },
    { KOUAN_READ_FILTER_UNREAD, KOUAN_SEVERITY_MEDIUM, KOUAN_MESSAGE_SORT_SEVERITY },
    { KOUAN_READ_FILTER_UNREAD, KOUAN_SEVERITY_HIGH,   KOUAN_MESSAGE_SORT_DATE },
    { KOUAN_READ_FILTER_READ,   KOUAN_SEVERITY_MEDIUM, KOUAN_MESSAGE_SORT_DATE },
    { KOUAN_READ_FILTER_READ,   KOUAN_SEVERITY_LOW,    KOUAN_MESSAGE_SORT_SEVERITY },
  };
  Follower followers[G_N_ELEMENTS (shapes)];
  gint64 next_id = 1, cursor = 0;

  for (guint f = 0; f < G_N_ELEMENTS (shapes); f++)
    {
      followers[f].list = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_WARNING,
                                                  shapes[f].filter);
      kouan_message_list_set_min_severity (followers[f].list, shapes[f].min);
      kouan_message_list_set_sort (followers[f].list, shapes[f].sort);
      kouan_message_list_set_enterprise_id (followers[f].list, ENTERPRISE);
      followers[f].mirror = g_array_new (FALSE, FALSE, sizeof (gint64));
      g_signal_connect (followers[f].list, "items-changed",
                        G_CALLBACK (follower_items_changed_cb), &followers[f]);
    }

  for (guint step = 0; step < 200; step++)
    {
      gint64 ids[60], dates[60];
      int severities[60];
      gboolean read[60];
      guint n = g_test_rand_int_range (1, 60);

      if (step % 3 != 2 || next_id == 1)
        {
          for (guint i = 0; i < n; i++)
            {
              int what = g_test_rand_int_range (0, 10);

              ids[i] = what < 6 || next_id == 1 ? next_id++ : g_test_rand_int_range (1, next_id);
              /* a row already stored keeps its date: a changed severity
               * is the server's only move here */
              dates[i] = 1700000000 + ids[i] / 3;
              severities[i] = what == 9 ? 0 : g_test_rand_int_range (1, 4);
              read[i] = g_test_rand_int_range (0, 4) == 0;
            }
          pull_warnings (fixture, &cursor, ids, severities, dates, read, n);
        }
      else
        {
          g_autoptr(GError) error = NULL;
          g_autoptr(KouanMessage) message = kouan_store_get_message (fixture->store, ENTERPRISE,
                                                                     g_test_rand_int_range (1, next_id),
                                                                     NULL);

          if (message == NULL)
            continue;
          g_assert_true (kouan_store_set_message_read (fixture->store, message,
                                                       !kouan_message_get_read (message), &error));
          g_assert_no_error (error);
        }
      drain_main_context ();

      for (guint f = 0; f < G_N_ELEMENTS (followers); f++)
        check_severity_follower (fixture, &followers[f],
                                 shapes[f].filter == KOUAN_READ_FILTER_READ);
    }

  for (guint f = 0; f < G_N_ELEMENTS (followers); f++)
    {
      g_assert_finalize_object (followers[f].list);
      g_array_unref (followers[f].mirror);
    }
}

/* At 100k warnings the severity order and a severity filter on the date
 * order are served from an index: no sort, no walk of the table. */
static void
test_severity_100k (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(KouanMessageList) by_severity = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_WARNING,
                                                                    KOUAN_READ_FILTER_UNREAD);
  g_autoptr(KouanMessageList) filtered = kouan_message_list_new (fixture->store, KOUAN_MESSAGE_KIND_WARNING,
                                                                 KOUAN_READ_FILTER_UNREAD);
  const guint n = 100000;
  gint64 cursor = 0, start;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *reader;
  guint listed = 0;

  for (guint first = 1; first <= n; first += 1000)
    {
      gint64 ids[1000], dates[1000];
      int severities[1000];
      gboolean read[1000];

      for (guint i = 0; i < 1000; i++)
        {
          ids[i] = first + i;
          dates[i] = 1700000000 + first + i;
          severities[i] = 1 + (first + i) % 3;
          read[i] = (first + i) % 5 == 0;
        }
      pull_warnings (fixture, &cursor, ids, severities, dates, read, 1000);
    }
  drain_main_context ();

  kouan_message_list_set_sort (by_severity, KOUAN_MESSAGE_SORT_SEVERITY);
  kouan_message_list_set_min_severity (filtered, KOUAN_SEVERITY_HIGH);
  start = g_get_monotonic_time ();
  kouan_message_list_set_enterprise_id (by_severity, ENTERPRISE);
  g_test_message ("severity order over %u warnings: %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);
  start = g_get_monotonic_time ();
  kouan_message_list_set_enterprise_id (filtered, ENTERPRISE);
  g_test_message ("high only, by date, over %u warnings: %.1f ms", n, (g_get_monotonic_time () - start) / 1000.0);

  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (by_severity)), ==, n - n / 5);
  g_assert_cmpint (id_at (by_severity, 0), ==, 99998);  /* the newest high */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (filtered)), ==,
                    kouan_store_count_messages_at_least (fixture->store, ENTERPRISE,
                                                         KOUAN_MESSAGE_KIND_WARNING,
                                                         KOUAN_READ_FILTER_UNREAD, FALSE,
                                                         KOUAN_SEVERITY_HIGH));

  /* the store's own statements: every list query sorted nothing and
   * stepped through no table */
  reader = _kouan_store_acquire_reader (fixture->store);
  while ((stmt = sqlite3_next_stmt (reader, stmt)) != NULL)
    if (strstr (sqlite3_sql (stmt), "severity_rank") != NULL &&
        g_str_has_prefix (sqlite3_sql (stmt), "SELECT id, rev, created_at"))
      {
        g_test_message ("%s", sqlite3_sql (stmt));
        g_assert_cmpint (sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_SORT, FALSE), ==, 0);
        g_assert_cmpint (sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, FALSE), ==, 0);
        listed++;
      }
  _kouan_store_release_reader (fixture->store, reader);
  g_assert_cmpuint (listed, ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/message-list/filters", test_filters);
  ADD ("/message-list/star-toggle", test_star_toggle);
  ADD ("/message-list/read-moves", test_read_moves_between_lists);
  ADD ("/message-list/random-model-check", test_random_model_check);
  ADD ("/message-list/revisions-survive-clock", test_revisions_survive_clock);
  ADD ("/message-list/row-vanishes", test_row_vanishes_before_signal);
  ADD ("/message-list/lazy-100k", test_lazy_100k);
  ADD ("/message-list/page-touches-only-its-rows", test_page_touches_only_its_rows);
  ADD ("/message-list/page-close-changes-one-span", test_page_close_changes_one_span);
  ADD ("/message-list/severity", test_severity);
  ADD ("/message-list/severity-100k", test_severity_100k);

  return g_test_run ();
}

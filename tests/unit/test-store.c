/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "kouan-cjk-tokenizer.h"
#include "kouan-client.h"
#include "kouan-collection.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-store.h"

#define ENTERPRISE 7

typedef struct {
  char       *dir;
  char       *path;
  KouanStore *store;
  GPtrArray  *changed;         /* "collection/enterprise" per emission */
  guint       outbox_changed;
} Fixture;

/* Helpers */

static JsonObject *
message_record (gint64      id,
                const char *kind,
                const char *title,
                gint64      created_at,
                gboolean    read,
                gboolean    starred)
{
  JsonObject *record = json_object_new ();

  json_object_set_int_member (record, "id", id);
  json_object_set_string_member (record, "kind", kind);
  json_object_set_string_member (record, "category", "物流跟踪");
  json_object_set_string_member (record, "title", title);
  json_object_set_string_member (record, "body", "正文");
  if (g_str_equal (kind, "warning"))
    json_object_set_string_member (record, "severity", "high");
  else
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

/* Pages are built by hand so these tests exercise the store alone; the
 * client's JSON parser has its own tests. */
static KouanChangePage *
page_new (gint64 enterprise_id,
          gint64 cursor)
{
  KouanChangePage *page = g_new0 (KouanChangePage, 1);

  page->enterprise_id = enterprise_id;
  page->cursor = cursor;
  page->changes = g_ptr_array_new_with_free_func (change_free);
  return page;
}

static void
page_free (KouanChangePage *page)
{
  g_ptr_array_unref (page->changes);
  g_free (page);
}

/* Takes @record (nullable: a tombstone). */
static void
page_add (KouanChangePage *page,
          const char      *collection,
          gint64           id,
          JsonObject      *record)
{
  KouanChange *change = g_new0 (KouanChange, 1);

  change->seq = page->changes->len + 1;
  change->collection = g_strdup (collection);
  change->id = id;
  change->deleted = record == NULL;
  change->record = record;
  g_ptr_array_add (page->changes, change);
}

static void
drain_main_context (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
changed_cb (KouanStore *store,
            const char *collection,
            gint64      enterprise_id,
            Fixture    *fixture)
{
  /* Signals must arrive on the thread that opened the store. */
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  g_ptr_array_add (fixture->changed,
                   g_strdup_printf ("%s/%" G_GINT64_FORMAT, collection, enterprise_id));
}

static void
outbox_changed_cb (KouanStore *store,
                   Fixture    *fixture)
{
  fixture->outbox_changed++;
}

static void
fixture_open (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;

  fixture->store = kouan_store_open (fixture->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->store);
  g_signal_connect (fixture->store, "changed", G_CALLBACK (changed_cb), fixture);
  g_signal_connect (fixture->store, "outbox-changed", G_CALLBACK (outbox_changed_cb), fixture);
}

static void
fixture_close (Fixture *fixture)
{
  drain_main_context ();
  g_assert_finalize_object (g_steal_pointer (&fixture->store));
}

static void
save_enterprise (Fixture *fixture,
                 gint64   id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  const char * const roles[] = { "admin", NULL };

  g_ptr_array_add (enterprises, kouan_enterprise_new (id, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, roles));
  g_assert_true (kouan_store_save_enterprises (fixture->store, enterprises, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("kouan-store-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->changed = g_ptr_array_new_with_free_func (g_free);

  if (data == NULL)
    {
      fixture_open (fixture);
      save_enterprise (fixture, ENTERPRISE);
      drain_main_context ();
      g_ptr_array_set_size (fixture->changed, 0);
    }
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (fixture->store != NULL)
    fixture_close (fixture);

  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (fixture->dir);

  g_ptr_array_unref (fixture->changed);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static gboolean
saw_changed (Fixture    *fixture,
             const char *what)
{
  for (guint i = 0; i < fixture->changed->len; i++)
    if (g_str_equal (g_ptr_array_index (fixture->changed, i), what))
      return TRUE;
  return FALSE;
}

static char *
pragma_text (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static KouanMessage *
get_message (Fixture *fixture,
             gint64   id)
{
  g_autoptr(GError) error = NULL;
  KouanMessage *message = kouan_store_get_message (fixture->store, ENTERPRISE, id, &error);

  g_assert_no_error (error);
  return message;
}

static void
apply_ok (Fixture         *fixture,
          KouanChangePage *page)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (kouan_store_apply_page (fixture->store, page, &error));
  g_assert_no_error (error);
  page_free (page);
}

/* Three notices 1..3, unread, unstarred, cursor 3. */
static void
seed_three (Fixture *fixture)
{
  KouanChangePage *page = page_new (ENTERPRISE, 3);

  page_add (page, "messages", 1, message_record (1, "notice", "企业认证通过", 1000, FALSE, FALSE));
  page_add (page, "messages", 2, message_record (2, "notice", "企业信息变更", 2000, FALSE, FALSE));
  page_add (page, "messages", 3, message_record (3, "notice", "系统维护", 3000, FALSE, FALSE));
  apply_ok (fixture, page);
}

/* Tests */

static void
test_fresh_schema (Fixture       *fixture,
                   gconstpointer  data)
{
  sqlite3 *db = kouan_store_get_db (fixture->store);
  g_autofree char *journal = pragma_text (db, "PRAGMA journal_mode");
  g_autofree char *fk = pragma_text (db, "PRAGMA foreign_keys");
  g_autofree char *version = pragma_text (db, "PRAGMA user_version");
  const char * const tables[] = { "meta", "enterprises", "cursors", "messages", "outbox" };

  g_assert_cmpint (kouan_store_get_schema_version (fixture->store), ==, KOUAN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, KOUAN_STORE_SCHEMA_VERSION);
  g_assert_cmpstr (journal, ==, "wal");
  g_assert_cmpstr (fk, ==, "1");

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT name FROM sqlite_schema WHERE type = 'table' AND name = '%s'", tables[i]);
      g_autofree char *name = pragma_text (db, sql);

      g_assert_cmpstr (name, ==, tables[i]);
    }
}

static void
test_reopen_keeps_data (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GPtrArray) enterprises = NULL;
  g_autofree char *meta = NULL;

  seed_three (fixture);
  g_assert_true (kouan_store_set_meta (fixture->store, "last-synced", "1763798400", &error));
  g_assert_no_error (error);
  fixture_close (fixture);

  fixture_open (fixture);
  g_assert_cmpint (kouan_store_get_schema_version (fixture->store), ==, KOUAN_STORE_SCHEMA_VERSION);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 3);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 3);
  message = get_message (fixture, 2);
  g_assert_cmpstr (kouan_message_get_title (message), ==, "企业信息变更");
  meta = kouan_store_get_meta (fixture->store, "last-synced");
  g_assert_cmpstr (meta, ==, "1763798400");

  enterprises = kouan_store_list_enterprises (fixture->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (enterprises->len, ==, 1);
  g_assert_cmpstr (kouan_enterprise_get_name (g_ptr_array_index (enterprises, 0)), ==, "上海示例贸易有限公司");
  g_assert_true (kouan_enterprise_has_role (g_ptr_array_index (enterprises, 0), "admin"));
  g_assert_true (kouan_enterprise_get_certified (g_ptr_array_index (enterprises, 0)));
}

static void
test_too_new_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  KouanStore *store;
  g_autofree char *version = NULL;
  g_autofree char *future = g_strdup_printf ("CREATE TABLE future (x); PRAGMA user_version = %d",
                                             KOUAN_STORE_SCHEMA_VERSION + 1);

  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, future, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = kouan_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_TOO_NEW);

  /* untouched: still version 2, still its own journal mode */
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  version = pragma_text (db, "PRAGMA user_version");
  g_assert_cmpint (g_ascii_strtoll (version, NULL, 10), ==, KOUAN_STORE_SCHEMA_VERSION + 1);
  sqlite3_close (db);
}

static void
test_garbage_refused (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autofree char *after = NULL;
  gsize after_len = 0;
  KouanStore *store;

  /* something a user might have had at that path: a text file */
  for (guint i = 0; i < 200; i++)
    g_string_append_printf (garbage, "line %u: this is not a database\n", i);
  g_assert_true (g_file_set_contents (fixture->path, garbage->str, garbage->len, &error));
  g_assert_no_error (error);

  store = kouan_store_open (fixture->path, &error);
  g_assert_null (store);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT);

  g_assert_true (g_file_get_contents (fixture->path, &after, &after_len, NULL));
  g_assert_cmpmem (after, after_len, garbage->str, garbage->len);
}

static void
test_apply_page (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) first = NULL;
  g_autoptr(KouanMessage) gone = NULL;
  KouanChangePage *page;

  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 0);
  seed_three (fixture);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 3);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_UNREAD, FALSE), ==, 3);

  /* signals come from the main loop, not from inside the call */
  g_assert_cmpuint (fixture->changed->len, ==, 0);
  drain_main_context ();
  g_assert_true (saw_changed (fixture, "messages/7"));

  page = page_new (ENTERPRISE, 5);
  page_add (page, "messages", 2, NULL);
  page_add (page, "messages", 1, message_record (1, "notice", "企业认证通过（更新）", 1000, TRUE, FALSE));
  page_add (page, "enterprise", ENTERPRISE, NULL);
  {
    JsonObject *enterprise = json_object_new ();

    json_object_set_int_member (enterprise, "id", ENTERPRISE);
    json_object_set_string_member (enterprise, "name", "上海示例贸易股份有限公司");
    json_object_set_string_member (enterprise, "credit_code", "91310000MA1FL8XQ30");
    json_object_set_boolean_member (enterprise, "certified", FALSE);
    page_add (page, "enterprise", ENTERPRISE, enterprise);
  }
  /* a collection a newer server has and this client does not */
  page_add (page, "invoices", 9, json_object_new ());
  apply_ok (fixture, page);

  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 5);
  first = get_message (fixture, 1);
  g_assert_cmpstr (kouan_message_get_title (first), ==, "企业认证通过（更新）");
  g_assert_true (kouan_message_get_read (first));
  gone = kouan_store_get_message (fixture->store, ENTERPRISE, 2, &error);
  g_assert_null (gone);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 2);

  {
    g_autoptr(GPtrArray) enterprises = kouan_store_list_enterprises (fixture->store, NULL);

    g_assert_cmpstr (kouan_enterprise_get_name (g_ptr_array_index (enterprises, 0)), ==, "上海示例贸易股份有限公司");
    g_assert_false (kouan_enterprise_get_certified (g_ptr_array_index (enterprises, 0)));
    /* roles come from the session and survive the feed's record */
    g_assert_true (kouan_enterprise_has_role (g_ptr_array_index (enterprises, 0), "admin"));
  }
}

static void
test_apply_page_rolls_back (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) untouched = NULL;
  g_autoptr(JsonObject) bad = NULL;
  KouanChangePage *page;

  seed_three (fixture);
  drain_main_context ();
  g_ptr_array_set_size (fixture->changed, 0);

  page = page_new (ENTERPRISE, 9);
  page_add (page, "messages", 1, message_record (1, "notice", "changed title", 1000, TRUE, TRUE));
  page_add (page, "messages", 3, NULL);
  page_add (page, "messages", 4, message_record (4, "notice", "new", 4000, FALSE, FALSE));
  bad = message_record (5, "notice", "bad", 5000, FALSE, FALSE);
  json_object_set_string_member (bad, "read", "yes");
  page_add (page, "messages", 5, json_object_ref (bad));

  g_assert_false (kouan_store_apply_page (fixture->store, page, &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
  page_free (page);

  /* nothing of the page is visible, and the cursor did not move */
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 3);
  untouched = get_message (fixture, 1);
  g_assert_cmpstr (kouan_message_get_title (untouched), ==, "企业认证通过");
  g_assert_false (kouan_message_get_read (untouched));
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 3);
  drain_main_context ();
  g_assert_cmpuint (fixture->changed->len, ==, 0);

  /* the store is usable afterwards (no transaction left open) */
  g_clear_error (&error);
  page = page_new (ENTERPRISE, 4);
  page_add (page, "messages", 4, message_record (4, "notice", "new", 4000, FALSE, FALSE));
  apply_ok (fixture, page);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 4);
}

static void
test_apply_page_unknown_enterprise (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage *page = page_new (99, 1);

  page_add (page, "messages", 1, message_record (1, "notice", "x", 1, FALSE, FALSE));
  g_assert_false (kouan_store_apply_page (fixture->store, page, &error));
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND);
  page_free (page);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, 99), ==, 0);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, 99, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 0);

  /* a first page that describes the enterprise itself, after its rows */
  page = page_new (99, 2);
  page_add (page, "messages", 1, message_record (1, "notice", "x", 1, FALSE, FALSE));
  {
    JsonObject *enterprise = json_object_new ();

    json_object_set_int_member (enterprise, "id", 99);
    json_object_set_string_member (enterprise, "name", "广州示例进出口有限公司");
    json_object_set_string_member (enterprise, "credit_code", "91440101MA5CXXXX1X");
    json_object_set_boolean_member (enterprise, "certified", TRUE);
    page_add (page, "enterprise", 99, enterprise);
  }
  apply_ok (fixture, page);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, 99), ==, 2);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, 99, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 1);
}

typedef struct {
  KouanStore      *store;
  KouanChangePage *page;
  GThread         *main_thread;
} ThreadData;

static gpointer
apply_in_thread (gpointer data)
{
  ThreadData *td = data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_thread_self () != td->main_thread);
  g_assert_true (kouan_store_apply_page (td->store, td->page, &error));
  g_assert_no_error (error);
  return NULL;
}

static void
test_apply_page_from_thread (Fixture       *fixture,
                             gconstpointer  data)
{
  ThreadData td = { fixture->store, page_new (ENTERPRISE, 1), g_thread_self () };
  GThread *thread;

  page_add (td.page, "messages", 1, message_record (1, "warning", "海关查验预警", 1000, FALSE, FALSE));
  thread = g_thread_new ("apply", apply_in_thread, &td);
  g_thread_join (thread);
  page_free (td.page);

  /* emitted on the main context only when it runs (changed_cb checks) */
  g_assert_cmpuint (fixture->changed->len, ==, 0);
  drain_main_context ();
  g_assert_true (saw_changed (fixture, "messages/7"));
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                                KOUAN_READ_FILTER_UNREAD, FALSE), ==, 1);
}

static void
test_enqueue (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) bad = json_object_new ();
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autofree char *id = NULL;
  g_autofree char *none = NULL;
  KouanMutation *mutation;

  seed_three (fixture);
  drain_main_context ();
  g_ptr_array_set_size (fixture->changed, 0);

  json_object_set_boolean_member (fields, "starred", TRUE);
  id = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 2, fields, &error);
  g_assert_no_error (error);
  g_assert_true (g_uuid_string_is_valid (id));

  message = get_message (fixture, 2);
  g_assert_true (kouan_message_get_starred (message));
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);

  queued = kouan_store_peek_outbox (fixture->store, ENTERPRISE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queued->len, ==, 1);
  mutation = g_ptr_array_index (queued, 0);
  g_assert_cmpstr (mutation->id, ==, id);
  g_assert_cmpstr (mutation->collection, ==, "messages");
  g_assert_cmpstr (mutation->op, ==, "update");
  g_assert_cmpint (mutation->record_id, ==, 2);
  g_assert_cmpint (mutation->enterprise_id, ==, ENTERPRISE);
  g_assert_cmpuint (mutation->attempts, ==, 0);
  g_assert_true (json_object_get_boolean_member (mutation->fields, "starred"));

  g_assert_true (kouan_store_note_attempt (fixture->store, id, &error));
  g_assert_no_error (error);
  g_clear_pointer (&queued, g_ptr_array_unref);
  queued = kouan_store_peek_outbox (fixture->store, ENTERPRISE, 10, &error);
  g_assert_cmpuint (((KouanMutation *) g_ptr_array_index (queued, 0))->attempts, ==, 1);

  drain_main_context ();
  g_assert_true (saw_changed (fixture, "messages/7"));
  g_assert_cmpuint (fixture->outbox_changed, ==, 1);

  /* a field the server does not let us edit: nothing applied or queued */
  json_object_set_string_member (bad, "title", "hacked");
  none = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 2, bad, &error);
  g_assert_null (none);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);

  /* no such message */
  none = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 42, fields, &error);
  g_assert_null (none);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);
}

static void
test_set_flags (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) before = NULL;
  g_autoptr(KouanMessage) after = NULL;

  seed_three (fixture);
  before = get_message (fixture, 1);

  g_assert_true (kouan_store_set_message_read (fixture->store, before, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);

  /* the object is immutable; the store has the new state */
  g_assert_false (kouan_message_get_read (before));
  after = get_message (fixture, 1);
  g_assert_true (kouan_message_get_read (after));

  /* marking an already read message read again queues nothing */
  g_assert_true (kouan_store_set_message_read (fixture->store, before, TRUE, &error));
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);

  g_assert_true (kouan_store_set_message_starred (fixture->store, after, TRUE, &error));
  g_assert_true (kouan_store_set_message_starred (fixture->store, after, FALSE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 3);
  g_clear_object (&after);
  after = get_message (fixture, 1);
  g_assert_false (kouan_message_get_starred (after));
}

static void
test_pull_keeps_pending_edit (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(KouanMessage) after = NULL;
  KouanChangePage *page;

  seed_three (fixture);
  message = get_message (fixture, 3);
  g_assert_true (kouan_store_set_message_starred (fixture->store, message, TRUE, &error));
  g_assert_no_error (error);

  /* the server has not seen the edit yet and sends the row unstarred,
   * with a new title */
  page = page_new (ENTERPRISE, 8);
  page_add (page, "messages", 3, message_record (3, "notice", "系统维护通知", 3000, TRUE, FALSE));
  apply_ok (fixture, page);

  after = get_message (fixture, 3);
  g_assert_true (kouan_message_get_starred (after));
  g_assert_cmpstr (kouan_message_get_title (after), ==, "系统维护通知");
  g_assert_true (kouan_message_get_read (after));
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, TRUE), ==, 1);
}

static void
test_ack (Fixture       *fixture,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) star = json_object_new ();
  g_autoptr(JsonObject) read = json_object_new ();
  g_autoptr(JsonObject) server = NULL;
  g_autoptr(KouanMessage) after = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  seed_three (fixture);

  json_object_set_boolean_member (star, "starred", TRUE);
  json_object_set_boolean_member (read, "read", TRUE);
  first = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 1, star, &error);
  second = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 1, read, &error);
  g_assert_no_error (error);
  drain_main_context ();
  fixture->outbox_changed = 0;
  g_ptr_array_set_size (fixture->changed, 0);

  /* the server applied the first edit only; its record is still unread,
   * and its title changed meanwhile */
  server = message_record (1, "notice", "企业认证通过（已审核）", 1000, FALSE, TRUE);
  g_assert_true (kouan_store_ack_mutation (fixture->store, first, "messages", ENTERPRISE, server, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);
  queued = kouan_store_peek_outbox (fixture->store, ENTERPRISE, 10, &error);
  g_assert_cmpstr (((KouanMutation *) g_ptr_array_index (queued, 0))->id, ==, second);

  after = get_message (fixture, 1);
  g_assert_cmpstr (kouan_message_get_title (after), ==, "企业认证通过（已审核）");
  g_assert_true (kouan_message_get_starred (after));
  /* the second edit is still waiting and still shown */
  g_assert_true (kouan_message_get_read (after));

  drain_main_context ();
  g_assert_cmpuint (fixture->outbox_changed, ==, 1);
  g_assert_true (saw_changed (fixture, "messages/7"));

  /* a rejected edit without a record just leaves the queue */
  g_assert_true (kouan_store_ack_mutation (fixture->store, second, "messages", ENTERPRISE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 0);

  /* acking twice is harmless */
  g_assert_true (kouan_store_ack_mutation (fixture->store, second, "messages", ENTERPRISE, NULL, &error));
  g_assert_no_error (error);
}

static void
test_outbox_survives_reopen (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(KouanMessage) after = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autofree char *queued_id = NULL;

  seed_three (fixture);
  message = get_message (fixture, 2);
  g_assert_true (kouan_store_set_message_starred (fixture->store, message, TRUE, &error));
  g_assert_no_error (error);
  queued = kouan_store_peek_outbox (fixture->store, ENTERPRISE, 10, &error);
  queued_id = g_strdup (((KouanMutation *) g_ptr_array_index (queued, 0))->id);
  g_clear_pointer (&queued, g_ptr_array_unref);

  /* the app goes away before the server answered */
  fixture_close (fixture);
  fixture_open (fixture);

  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 1);
  queued = kouan_store_peek_outbox (fixture->store, ENTERPRISE, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (((KouanMutation *) g_ptr_array_index (queued, 0))->id, ==, queued_id);
  after = get_message (fixture, 2);
  g_assert_true (kouan_message_get_starred (after));
}

static void
test_count_and_list (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GPtrArray) loaded = g_ptr_array_new_with_free_func (g_object_unref);
  KouanChangePage *page = page_new (ENTERPRISE, 10);
  const gint64 expected_unread[] = { 6, 5, 3, 1 };

  /* same created_at for 5 and 6: the larger id comes first */
  page_add (page, "messages", 1, message_record (1, "notice", "a", 100, FALSE, FALSE));
  page_add (page, "messages", 2, message_record (2, "notice", "b", 200, TRUE, TRUE));
  page_add (page, "messages", 3, message_record (3, "notice", "c", 300, FALSE, TRUE));
  page_add (page, "messages", 4, message_record (4, "warning", "d", 400, FALSE, FALSE));
  page_add (page, "messages", 5, message_record (5, "notice", "e", 500, FALSE, FALSE));
  page_add (page, "messages", 6, message_record (6, "notice", "f", 500, FALSE, FALSE));
  apply_ok (fixture, page);

#define COUNT(kind, filter, starred) \
  kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_##kind, \
                              KOUAN_READ_FILTER_##filter, starred)
  g_assert_cmpuint (COUNT (NOTICE, ALL, FALSE), ==, 5);
  g_assert_cmpuint (COUNT (NOTICE, UNREAD, FALSE), ==, 4);
  g_assert_cmpuint (COUNT (NOTICE, READ, FALSE), ==, 1);
  g_assert_cmpuint (COUNT (NOTICE, ALL, TRUE), ==, 2);
  g_assert_cmpuint (COUNT (NOTICE, UNREAD, TRUE), ==, 1);
  g_assert_cmpuint (COUNT (NOTICE, READ, TRUE), ==, 1);
  g_assert_cmpuint (COUNT (WARNING, ALL, FALSE), ==, 1);
  g_assert_cmpuint (COUNT (WARNING, READ, FALSE), ==, 0);
#undef COUNT
  /* another enterprise sees none of them */
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, 8, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 0);

  ids = kouan_store_list_message_ids (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                      KOUAN_READ_FILTER_UNREAD, FALSE, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (ids->data, ids->len * sizeof (gint64), expected_unread, sizeof expected_unread);
  g_clear_pointer (&ids, g_array_unref);

  ids = kouan_store_list_message_ids (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                      KOUAN_READ_FILTER_ALL, TRUE, &error);
  g_assert_cmpuint (ids->len, ==, 2);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, 3);
  g_assert_cmpint (g_array_index (ids, gint64, 1), ==, 2);

  g_assert_true (kouan_store_load_messages (fixture->store, ENTERPRISE, (gint64 *) ids->data,
                                            ids->len, loaded, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (kouan_message_get_title (g_ptr_array_index (loaded, 0)), ==, "c");
  g_assert_cmpstr (kouan_message_get_title (g_ptr_array_index (loaded, 1)), ==, "b");
}

static void
test_enterprise_removed (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) listed = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *id = NULL;

  seed_three (fixture);
  json_object_set_boolean_member (fields, "read", TRUE);
  id = kouan_store_enqueue (fixture->store, ENTERPRISE, "messages", "update", 1, fields, &error);
  g_assert_no_error (error);

  /* the next session no longer lists enterprise 7 */
  g_ptr_array_add (enterprises, kouan_enterprise_new (8, "深圳示例物流有限公司", "91440300MA5F00000X", FALSE, NULL));
  g_assert_true (kouan_store_save_enterprises (fixture->store, enterprises, &error));
  g_assert_no_error (error);

  listed = kouan_store_list_enterprises (fixture->store, &error);
  g_assert_cmpuint (listed->len, ==, 1);
  g_assert_cmpint (kouan_enterprise_get_id (g_ptr_array_index (listed, 0)), ==, 8);
  g_assert_cmpuint (kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                                KOUAN_READ_FILTER_ALL, FALSE), ==, 0);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 0);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 0);
}

static void
test_unopenable (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (fixture->dir, "missing", "deeper", "cache.db", NULL);
  KouanStore *store = kouan_store_open (path, &error);

  g_assert_null (store);
  g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_OPEN);
}

typedef struct {
  KouanStore *store;
  guint       pages;
} PullerData;

static gpointer
pull_many (gpointer data)
{
  PullerData *pd = data;

  for (guint p = 0; p < pd->pages; p++)
    {
      g_autoptr(GError) error = NULL;
      KouanChangePage *page = page_new (ENTERPRISE, 100 + p);

      for (guint i = 0; i < 20; i++)
        {
          gint64 id = 1 + (p * 7 + i) % 50;

          page_add (page, "messages", id,
                    message_record (id, "notice", "并发", 1000 + id, (p + i) % 2 == 0, FALSE));
        }
      g_assert_true (kouan_store_apply_page (pd->store, page, &error));
      g_assert_no_error (error);
      page_free (page);
    }
  return NULL;
}

/* The sync thread applies pages while the UI reads and edits: nothing
 * deadlocks, no edit is lost and every pending star stays visible. */
static void
test_concurrent_pull_and_edits (Fixture       *fixture,
                                gconstpointer  data)
{
  PullerData pd = { fixture->store, 60 };
  GThread *thread;
  guint starred = 0;

  {
    KouanChangePage *page = page_new (ENTERPRISE, 1);

    for (gint64 id = 1; id <= 50; id++)
      page_add (page, "messages", id, message_record (id, "notice", "并发", 1000 + id, FALSE, FALSE));
    apply_ok (fixture, page);
  }

  thread = g_thread_new ("puller", pull_many, &pd);
  for (gint64 id = 1; id <= 50; id += 2)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanMessage) message = get_message (fixture, id);
      g_autoptr(GArray) ids = NULL;

      g_assert_true (kouan_store_set_message_starred (fixture->store, message, TRUE, &error));
      g_assert_no_error (error);
      ids = kouan_store_list_message_ids (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                          KOUAN_READ_FILTER_ALL, FALSE, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (ids->len, ==, 50);
      (void) kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                         KOUAN_READ_FILTER_UNREAD, FALSE);
      drain_main_context ();
    }
  g_thread_join (thread);
  drain_main_context ();

  starred = kouan_store_count_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                        KOUAN_READ_FILTER_ALL, TRUE);
  g_assert_cmpuint (starred, ==, 25);
  g_assert_cmpuint (kouan_store_count_outbox (fixture->store), ==, 25);
  g_assert_cmpint (kouan_store_get_cursor (fixture->store, ENTERPRISE), ==, 100 + pd.pages - 1);
}

static void
test_default_path (void)
{
  g_autofree char *path = kouan_store_default_path ("http://127.0.0.1:8080", "demo-admin");
  g_autofree char *odd = kouan_store_default_path ("https://kouan.example.com/", "../王/x y");
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "kouan",
                                                "demo-admin@127.0.0.1_8080.db", NULL);
  g_autofree char *dir = g_path_get_dirname (odd);
  g_autofree char *base = g_path_get_basename (odd);

  g_assert_cmpstr (path, ==, expected);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));
  /* nothing that could leave the directory or upset a file system */
  g_assert_null (strchr (base, '/'));
  g_assert_null (strchr (base, ' '));
  g_assert_true (g_str_has_suffix (base, "@kouan.example.com.db"));
  g_assert_true (g_str_has_prefix (base, ".._"));
}

static void
test_message_codec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = message_record (42, "warning", "海关查验预警", 1763798400, FALSE, TRUE);
  g_autoptr(KouanMessage) message = kouan_message_new_from_json (record, 3, &error);
  g_autoptr(JsonObject) round_trip = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *title = NULL;
  KouanSeverity severity;
  struct {
    const char *member;
    const char *json;  /* replacement value */
  } bad[] = {
    { "kind", "\"memo\"" },
    { "kind", "1" },
    { "severity", "\"urgent\"" },
    { "severity", "null" },
    { "id", "\"42\"" },
    { "id", "-1" },
    { "created_at", "1.5" },
    { "read", "0" },
    { "starred", "null" },
    { "title", "[]" },
  };

  g_assert_no_error (error);
  g_assert_cmpint (kouan_message_get_id (message), ==, 42);
  g_assert_cmpint (kouan_message_get_enterprise_id (message), ==, 3);
  g_assert_cmpint (kouan_message_get_kind (message), ==, KOUAN_MESSAGE_KIND_WARNING);
  g_assert_cmpint (kouan_message_get_severity (message), ==, KOUAN_SEVERITY_HIGH);
  g_assert_true (kouan_message_get_starred (message));

  /* properties for views */
  g_object_get (message, "title", &title, "severity", &severity, NULL);
  g_assert_cmpstr (title, ==, "海关查验预警");
  g_assert_cmpint (severity, ==, KOUAN_SEVERITY_HIGH);

  round_trip = kouan_message_to_json (message);
  a = kouan_json_object_to_string (record);
  b = kouan_json_object_to_string (round_trip);
  g_assert_cmpstr (a, ==, b);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(JsonObject) copy = message_record (42, "warning", "t", 1, FALSE, FALSE);
      g_autoptr(KouanMessage) refused = NULL;
      g_autoptr(GError) local_error = NULL;

      g_assert_true (json_parser_load_from_data (parser, bad[i].json, -1, NULL));
      json_object_set_member (copy, bad[i].member, json_node_copy (json_parser_get_root (parser)));
      refused = kouan_message_new_from_json (copy, 3, &local_error);
      g_assert_null (refused);
      g_assert_true (local_error != NULL && local_error->domain == KOUAN_JSON_ERROR);
    }

  /* a notice carrying a severity, and a record missing a member */
  {
    g_autoptr(JsonObject) notice = message_record (1, "notice", "t", 1, FALSE, FALSE);
    g_autoptr(KouanMessage) refused = NULL;

    json_object_set_string_member (notice, "severity", "low");
    refused = kouan_message_new_from_json (notice, 3, &error);
    g_assert_null (refused);
    g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE);
    g_clear_error (&error);

    json_object_remove_member (notice, "severity");
    json_object_remove_member (notice, "body");
    refused = kouan_message_new_from_json (notice, 3, &error);
    g_assert_null (refused);
    g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING);
  }
}

static void
test_enterprise_codec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) membership = NULL;
  g_autoptr(KouanEnterprise) enterprise = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(KouanEnterprise) refused = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  membership = kouan_json_parse_object (
    "{\"enterprise\": {\"id\": 1, \"name\": \"上海示例贸易有限公司\","
    " \"credit_code\": \"91310000MA1FL8XQ30\", \"certified\": true},"
    " \"roles\": [\"admin\", \"staff\"]}", -1, &error);
  g_assert_no_error (error);

  enterprise = kouan_enterprise_new_from_membership (membership, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kouan_enterprise_get_id (enterprise), ==, 1);
  g_assert_true (kouan_enterprise_has_role (enterprise, "staff"));
  g_assert_false (kouan_enterprise_has_role (enterprise, "owner"));

  again = kouan_enterprise_to_membership_json (enterprise);
  a = kouan_json_object_to_string (membership);
  b = kouan_json_object_to_string (again);
  g_assert_cmpstr (a, ==, b);

  g_clear_pointer (&membership, json_object_unref);
  membership = kouan_json_parse_object (
    "{\"enterprise\": {\"id\": 1, \"name\": \"x\", \"credit_code\": \"y\", \"certified\": true},"
    " \"roles\": [\"admin\", 3]}", -1, &error);
  refused = kouan_enterprise_new_from_membership (membership, &error);
  g_assert_null (refused);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
}


/* "actions" (issue 15): kept through the codec and the cache; an entry of
 * an area the client does not know is skipped, a bad entry refuses the
 * message like any other bad member. */
static void
test_message_actions_codec (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) record = message_record (7, "warning", "税款已逾期", 1763798400, FALSE, FALSE);
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(JsonObject) round_trip = NULL;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  JsonNode *actions;
  KouanMessageAction *action;
  const char *bad[] = {
    "{}",
    "[1]",
    "[{\"label\": \"\", \"area\": \"admin.staff\", \"object\": \"demo-staff\"}]",
    "[{\"label\": \"x\", \"area\": 3, \"object\": \"demo-staff\"}]",
    "[{\"area\": \"admin.staff\", \"object\": \"demo-staff\"}]",
    "[{\"label\": \"x\", \"area\": \"admin.staff\"}]",
    "[{\"label\": \"x\", \"area\": \"admin.staff\", \"object\": 5}]",
    "[{\"label\": \"x\", \"area\": \"admin.staff\", \"object\": \"\"}]",
    "[{\"label\": \"x\", \"area\": \"insurance.policy\", \"object\": \"12\"}]",
    "[{\"label\": \"x\", \"area\": \"insurance.policy\", \"object\": 0}]",
    "[{\"label\": \"x\", \"area\": \"admin.enterprise\", \"object\": \"Bank Name\"}]",
    "[{\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"x\", \"area\": \"admin.business\", \"object\": \"e_payment\"}]",
  };

  actions = kouan_json_parse (
    "[{\"label\": \"开启电子支付\", \"area\": \"admin.business\", \"object\": \"e_payment\"},"
    " {\"label\": \"查看保单\", \"area\": \"insurance.policy\", \"object\": 12},"
    " {\"label\": \"以后的功能\", \"area\": \"declarations.form\", \"object\": [1, 2]}]", -1, &error);
  g_assert_no_error (error);
  json_object_set_member (record, "actions", actions);
  message = kouan_message_new_from_json (record, 3, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_message_get_actions (message)->len, ==, 2);
  action = g_ptr_array_index (kouan_message_get_actions (message), 0);
  g_assert_cmpstr (action->label, ==, "开启电子支付");
  g_assert_cmpstr (action->area, ==, "admin.business");
  g_assert_cmpstr (action->object, ==, "e_payment");
  action = g_ptr_array_index (kouan_message_get_actions (message), 1);
  g_assert_cmpstr (action->area, ==, "insurance.policy");
  g_assert_cmpstr (action->object, ==, "12");
  g_assert_cmpstr (kouan_message_action_area_permission ("insurance.policy"), ==, "insurance.policies:view");
  g_assert_null (kouan_message_action_area_permission ("declarations.form"));

  /* the unknown entry is gone, the rest as it came */
  json_array_remove_element (json_node_get_array (actions), 2);
  round_trip = kouan_message_to_json (message);
  a = kouan_json_object_to_string (record);
  b = kouan_json_object_to_string (round_trip);
  g_assert_cmpstr (a, ==, b);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) copy = message_record (7, "notice", "t", 1, FALSE, FALSE);
      g_autoptr(KouanMessage) refused = NULL;
      g_autoptr(GError) local_error = NULL;
      JsonNode *node = kouan_json_parse (bad[i], -1, &local_error);

      g_assert_no_error (local_error);
      json_object_set_member (copy, "actions", node);
      refused = kouan_message_new_from_json (copy, 3, &local_error);
      if (refused != NULL)
        g_error ("accepted %s", bad[i]);
      g_assert_true (local_error != NULL && local_error->domain == KOUAN_JSON_ERROR);
    }
}

/* Actions survive the cache: pulled, stored, read back. */
static void
test_message_actions_cached (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage *page = page_new (ENTERPRISE, 1);
  JsonObject *record = message_record (1, "notice", "权限即将到期", 1763798400, FALSE, FALSE);
  g_autoptr(KouanMessage) stored = NULL;
  g_autoptr(KouanMessage) plain = NULL;
  KouanMessageAction *action;

  json_object_set_member (record, "actions", kouan_json_parse (
    "[{\"label\": \"在人员权限中查看\", \"area\": \"admin.staff\", \"object\": \"demo-staff\"}]",
    -1, &error));
  g_assert_no_error (error);
  page_add (page, "messages", 1, record);
  page_add (page, "messages", 2, message_record (2, "notice", "无操作", 1763798401, FALSE, FALSE));
  apply_ok (fixture, page);

  stored = get_message (fixture, 1);
  g_assert_cmpuint (kouan_message_get_actions (stored)->len, ==, 1);
  action = g_ptr_array_index (kouan_message_get_actions (stored), 0);
  g_assert_cmpstr (action->label, ==, "在人员权限中查看");
  g_assert_cmpstr (action->area, ==, "admin.staff");
  g_assert_cmpstr (action->object, ==, "demo-staff");
  plain = get_message (fixture, 2);
  g_assert_cmpuint (kouan_message_get_actions (plain)->len, ==, 0);
}


/* Takes the cache at @path back to schema 10 as it was: the message
 * index keyed by the messages' rowid (store migrations 7 and 10), no
 * search_key. */
static void
revert_migration_11 (const char *path)
{
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_true (kouan_cjk_tokenizer_register (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_exec (db,
    "DROP TRIGGER messages_fts_insert; DROP TRIGGER messages_fts_delete;"
    "DROP TRIGGER messages_fts_update; DROP TABLE messages_fts;"
    "DROP INDEX messages_by_search_key; ALTER TABLE messages DROP COLUMN search_key;"
    "CREATE VIRTUAL TABLE messages_fts USING fts5 (title, body, category,"
    "  content = 'messages', content_rowid = 'rowid', tokenize = 'kouan_cjk');"
    "INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');"
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages"
    "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
    "                   AND CAST (value AS INTEGER) < NEW.rowid) BEGIN"
    "  INSERT INTO messages_fts_pending (rid, indexed) SELECT NEW.rowid, 0"
    "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = NEW.rowid);"
    "END;"
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages"
    "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
    "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
    "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
    "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
    "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
    "END;"
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF title, body, category ON messages"
    "  WHEN (OLD.title, OLD.body, OLD.category) IS NOT (NEW.title, NEW.body, NEW.category)"
    "   AND NOT EXISTS (SELECT 1 FROM meta WHERE key = 'messages_fts_built_to'"
    "                   AND CAST (value AS INTEGER) < OLD.rowid) BEGIN"
    "  INSERT INTO messages_fts_pending (rid, indexed, title, body, category)"
    "    SELECT OLD.rowid, 1, OLD.title, OLD.body, OLD.category"
    "    WHERE NOT EXISTS (SELECT 1 FROM messages_fts_pending WHERE rid = OLD.rowid);"
    "END;"
    "PRAGMA user_version = 10", NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_null (message);
  sqlite3_close (db);
}

/* A cache of schema 10 with messages in it: migration 11 indexes them
 * again under the date-ordered key, so a search finds every one, newest
 * first, and stops at its limit with the newest. */
static void
test_migration_11_keys_index_by_date (Fixture       *fixture,
                                      gconstpointer  data)
{
  KouanChangePage *page = page_new (ENTERPRISE, 1);
  /* ids and dates in different orders: the date decides */
  const gint64 dates[] = { 1763798400, 1763798400 + 300, 1763798400 + 100, 1763798400 + 200 };
  g_autoptr(GArray) all = NULL;
  g_autoptr(GArray) newest = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (dates); i++)
    {
      JsonObject *record = message_record (i + 1, "notice", "报关单放行", dates[i], FALSE, FALSE);

      page_add (page, "messages", i + 1, record);
    }
  /* a warning, newer than all of them, is not a notice */
  page_add (page, "messages", 5, message_record (5, "warning", "报关单放行", dates[1] + 1, FALSE, FALSE));
  apply_ok (fixture, page);
  fixture_close (fixture);
  revert_migration_11 (fixture->path);

  fixture_open (fixture);
  g_assert_cmpint (kouan_store_get_schema_version (fixture->store), ==, KOUAN_STORE_SCHEMA_VERSION);
  all = kouan_store_search_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                     KOUAN_READ_FILTER_ALL, FALSE, "放行", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpint (g_array_index (all, gint64, 0), ==, 2);
  g_assert_cmpint (g_array_index (all, gint64, 1), ==, 4);
  g_assert_cmpint (g_array_index (all, gint64, 2), ==, 3);
  g_assert_cmpint (g_array_index (all, gint64, 3), ==, 1);
  newest = kouan_store_search_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_NOTICE,
                                        KOUAN_READ_FILTER_ALL, FALSE, "放行", 2, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (newest->len, ==, 2);
  g_assert_cmpint (g_array_index (newest, gint64, 0), ==, 2);
  g_assert_cmpint (g_array_index (newest, gint64, 1), ==, 4);
  g_clear_pointer (&all, g_array_unref);
  all = kouan_store_search_messages (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                     KOUAN_READ_FILTER_ALL, FALSE, "放行", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
  g_assert_cmpint (g_array_index (all, gint64, 0), ==, 5);
}

/* A cache of schema 8 with warnings already in it: migration 9 gives
 * every row its severity rank, so the severity order and the badge's
 * counts are right at once, without a new pull. */
static void
test_migration_9_ranks_rows (Fixture       *fixture,
                             gconstpointer  data)
{
  KouanChangePage *page = page_new (ENTERPRISE, 1);
  const char *severities[] = { "low", "high", "medium", "high" };
  sqlite3 *db = NULL;
  char *message = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (severities); i++)
    {
      JsonObject *record = message_record (i + 1, "warning", "预警", 1763798400 + i, FALSE, FALSE);

      json_object_set_string_member (record, "severity", severities[i]);
      page_add (page, "messages", i + 1, record);
    }
  apply_ok (fixture, page);
  fixture_close (fixture);

  /* back to schema 8 as it was */
  revert_migration_11 (fixture->path);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
    "DROP INDEX messages_by_severity; DROP INDEX messages_by_read;"
    "ALTER TABLE messages DROP COLUMN severity_rank; ALTER TABLE messages DROP COLUMN actions;"
    "CREATE INDEX messages_by_read ON messages (enterprise_id, kind, read, created_at, id, rev);"
    "PRAGMA user_version = 8", NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_null (message);
  sqlite3_close (db);

  fixture_open (fixture);
  g_assert_cmpint (kouan_store_get_schema_version (fixture->store), ==, KOUAN_STORE_SCHEMA_VERSION);
  g_assert_cmpuint (kouan_store_count_messages_at_least (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                                         KOUAN_READ_FILTER_UNREAD, FALSE,
                                                         KOUAN_SEVERITY_HIGH), ==, 2);
  g_assert_cmpuint (kouan_store_count_messages_at_least (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                                         KOUAN_READ_FILTER_UNREAD, FALSE,
                                                         KOUAN_SEVERITY_MEDIUM), ==, 3);
  g_assert_cmpuint (kouan_store_count_messages_at_least (fixture->store, ENTERPRISE, KOUAN_MESSAGE_KIND_WARNING,
                                                         KOUAN_READ_FILTER_UNREAD, TRUE,
                                                         KOUAN_SEVERITY_MEDIUM), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
#define ADD_EMPTY(path, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (1), fixture_setup, func, fixture_teardown)

  ADD ("/store/schema/fresh", test_fresh_schema);
  ADD ("/store/schema/reopen", test_reopen_keeps_data);
  ADD_EMPTY ("/store/schema/too-new", test_too_new_refused);
  ADD_EMPTY ("/store/schema/garbage", test_garbage_refused);
  ADD_EMPTY ("/store/schema/unopenable", test_unopenable);
  ADD ("/store/pull/apply-page", test_apply_page);
  ADD ("/store/pull/rollback", test_apply_page_rolls_back);
  ADD ("/store/pull/unknown-enterprise", test_apply_page_unknown_enterprise);
  ADD ("/store/pull/worker-thread", test_apply_page_from_thread);
  ADD ("/store/pull/concurrent-edits", test_concurrent_pull_and_edits);
  ADD ("/store/outbox/enqueue", test_enqueue);
  ADD ("/store/outbox/set-flags", test_set_flags);
  ADD ("/store/outbox/pull-keeps-edit", test_pull_keeps_pending_edit);
  ADD ("/store/outbox/ack", test_ack);
  ADD ("/store/outbox/survives-reopen", test_outbox_survives_reopen);
  ADD ("/store/messages/count-and-list", test_count_and_list);
  ADD ("/store/enterprises/removed", test_enterprise_removed);
  g_test_add_func ("/store/default-path", test_default_path);
  g_test_add_func ("/store/codec/message", test_message_codec);
  g_test_add_func ("/store/codec/message-actions", test_message_actions_codec);
  ADD ("/store/messages/actions-cached", test_message_actions_cached);
  ADD ("/store/schema/migration-9", test_migration_9_ranks_rows);
  ADD ("/store/schema/migration-11", test_migration_11_keys_index_by_date);
  g_test_add_func ("/store/codec/enterprise", test_enterprise_codec);

  return g_test_run ();
}

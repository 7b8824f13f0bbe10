/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A change page, as the sync engine decodes it from the server, applied
 * to a real KouanStore (SQLite, every registered collection), then the
 * messages read back as the views read them, and the page's records
 * queued as local edits (each collection's apply_local), read back from
 * the outbox and acknowledged. Pages accumulate in one store for the run,
 * like a long-lived client's cache. */

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-fuzz.h"
#include "kouan-json.h"
#include "kouan-store.h"

static KouanStore *store;

static void
remove_directory (void)
{
  g_autofree char *dir = g_strdup (g_getenv ("KOUAN_FUZZ_STORE_DIR"));
  g_autoptr(GDir) entries = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  g_clear_object (&store);
  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (dir != NULL)
    g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-fuzz-store-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  const char *roles[] = { "admin", NULL };

  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.db", NULL);
  store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  /* a page is only applied for an enterprise the client knows */
  g_ptr_array_add (enterprises, kouan_enterprise_new (1, "上海示例贸易有限公司",
                                                      "91310000MA1FL3LX5C", TRUE, roles));
  g_assert_true (kouan_store_save_enterprises (store, enterprises, &error));
  g_setenv ("KOUAN_FUZZ_STORE_DIR", dir, TRUE);
  atexit (remove_directory);
  return 0;
}

static void
read_back (KouanMessageKind kind)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kouan_store_list_message_ids (store, 1, kind, KOUAN_READ_FILTER_ALL,
                                                        FALSE, &error);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_object_unref);
  guint shown;

  g_assert_no_error (error);
  shown = MIN (ids->len, 50);
  g_assert_true (kouan_store_load_messages (store, 1, (const gint64 *) (gpointer) ids->data, shown,
                                            messages, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, shown);
  g_assert_cmpuint (kouan_store_count_messages (store, 1, kind, KOUAN_READ_FILTER_ALL, FALSE), ==, ids->len);
}

static void
edit_locally (KouanChangePage *page)
{
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;

  /* each member of the first records as a one-field edit, as the views
   * make them ({"read": true}, {"name": "…"}) */
  for (guint i = 0; i < MIN (page->changes->len, 3); i++)
    {
      KouanChange *change = g_ptr_array_index (page->changes, i);
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;
      guint n = 0;

      if (change->record == NULL)
        continue;
      json_object_iter_init_ordered (&iter, change->record);
      while (json_object_iter_next_ordered (&iter, &name, &value) && n++ < 8)
        {
          g_autoptr(JsonObject) fields = json_object_new ();
          g_autofree char *id = NULL;
          g_autoptr(GError) refused = NULL;

          json_object_set_member (fields, name, json_node_copy (value));
          id = kouan_store_enqueue (store, 1, change->collection, "update", change->id,
                                    fields, &refused);
          if (id == NULL)
            g_assert_nonnull (refused);
        }
    }

  /* what the store wrote it reads back: a queued edit it cannot read
   * would be reported as a damaged file */
  outbox = kouan_store_peek_outbox (store, 1, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, kouan_store_count_outbox (store));
  for (guint i = 0; i < outbox->len; i++)
    {
      KouanMutation *mutation = g_ptr_array_index (outbox, i);

      g_assert_true (kouan_store_ack_mutation (store, mutation->id, mutation->collection, 1, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 0);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) object = kouan_json_parse_object ((const char *) data, size, NULL);
  g_autoptr(KouanChangePage) page = NULL;
  g_autoptr(GError) error = NULL;
  gint64 cursor = kouan_store_get_cursor (store, 1);

  if (object == NULL)
    return 0;
  page = kouan_change_page_new_from_json (1, object, NULL);
  if (page == NULL)
    return 0;

  if (kouan_store_apply_page (store, page, &error))
    g_assert_cmpint (kouan_store_get_cursor (store, 1), ==, page->cursor);
  else
    {
      /* a refused page changes nothing, not even the cursor */
      g_assert_nonnull (error);
      g_assert_cmpint (kouan_store_get_cursor (store, 1), ==, cursor);
    }

  read_back (KOUAN_MESSAGE_KIND_NOTICE);
  read_back (KOUAN_MESSAGE_KIND_WARNING);
  edit_locally (page);
  /* the store's change signals are idles */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  return 0;
}

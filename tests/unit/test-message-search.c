/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The message center's search (kouan_store_search_messages): words and
 * identifiers (报关单号 with or without spaces and by prefix, 提单号,
 * enterprise names) found through the cache's FTS5 index, which follows
 * pulled edits and deletions batch by batch. */
#include "config.h"

#include <glib/gstdio.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-message.h"
#include "kouan-store.h"

#define ENTERPRISE 3

typedef struct {
  gint64      id;
  const char *kind;
  const char *title;
  const char *body;
  gboolean    read;
  gboolean    starred;
  gboolean    deleted;
} Row;

static void
change_free (gpointer data)
{
  KouanChange *change = data;

  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

static void
apply (KouanStore *store,
       const Row  *rows,
       guint       n_rows,
       gint64      cursor)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func (change_free);
  KouanChangePage page = { ENTERPRISE, NULL, cursor, FALSE };

  for (guint i = 0; i < n_rows; i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);

      change->seq = cursor - n_rows + i + 1;
      change->collection = g_strdup ("messages");
      change->id = rows[i].id;
      change->deleted = rows[i].deleted;
      if (!rows[i].deleted)
        {
          JsonObject *record = json_object_new ();

          json_object_set_int_member (record, "id", rows[i].id);
          json_object_set_string_member (record, "kind", rows[i].kind);
          json_object_set_string_member (record, "category", "通关状态");
          json_object_set_string_member (record, "title", rows[i].title);
          json_object_set_string_member (record, "body", rows[i].body);
          if (g_str_equal (rows[i].kind, "warning"))
            json_object_set_string_member (record, "severity", "high");
          else
            json_object_set_null_member (record, "severity");
          json_object_set_int_member (record, "created_at", 1700000000 + rows[i].id);
          json_object_set_boolean_member (record, "read", rows[i].read);
          json_object_set_boolean_member (record, "starred", rows[i].starred);
          change->record = record;
        }
      g_ptr_array_add (changes, change);
    }
  page.changes = changes;
  g_assert_true (kouan_store_apply_page (store, &page, &error));
  g_assert_no_error (error);
}

/* The ids found, newest first, as "3 1" */
static char *
found (KouanStore      *store,
       KouanMessageKind kind,
       KouanReadFilter  filter,
       gboolean         starred_only,
       const char      *keyword)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kouan_store_search_messages (store, ENTERPRISE, kind, filter,
                                                       starred_only, keyword, 0, &error);
  GString *out = g_string_new (NULL);

  g_assert_no_error (error);
  g_assert_nonnull (ids);
  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (out, "%s%" G_GINT64_FORMAT, i > 0 ? " " : "",
                            g_array_index (ids, gint64, i));
  return g_string_free (out, FALSE);
}

#define ASSERT_FOUND(kind, filter, starred, keyword, expected) G_STMT_START {  \
    g_autofree char *got_ = found (store, kind, filter, starred, keyword);       \
    g_assert_cmpstr (got_, ==, expected);                                        \
  } G_STMT_END

static void
test_search (void)
{
  static const Row rows[] = {
    { 1, "notice", "报关单 5301 2026 0000 123456 已放行", "上海示例贸易有限公司的货物已放行。", TRUE, FALSE, FALSE },
    { 2, "notice", "报关单530120260000654321需查验", "请于三个工作日内配合查验。", FALSE, TRUE, FALSE },
    { 3, "notice", "提单号 COSU6123456780 已到港", "深圳示例物流有限公司承运的货物已到港。", FALSE, FALSE, FALSE },
    { 4, "warning", "报关单 5301 2026 0000 123456 税费未缴", "请通过“税费支付”缴纳税款。", FALSE, FALSE, FALSE },
  };
  static const Row edits[] = {
    /* a retitled notice, a deleted one */
    { 3, "notice", "提单号 MSKU7654321 已到港", "货物已到港。", FALSE, FALSE, FALSE },
    { 2, "notice", NULL, NULL, FALSE, FALSE, TRUE },
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *dir = g_dir_make_tmp ("kouan-search-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  KouanStore *store;
  const KouanMessageKind N = KOUAN_MESSAGE_KIND_NOTICE;
  const KouanReadFilter ALL = KOUAN_READ_FILTER_ALL;

  g_assert_no_error (error);
  store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, NULL));
  g_assert_true (kouan_store_save_enterprises (store, enterprises, &error));
  g_assert_no_error (error);
  apply (store, rows, G_N_ELEMENTS (rows), 4);

  /* a 报关单号 with or without spaces, whole or by prefix */
  ASSERT_FOUND (N, ALL, FALSE, "530120260000123456", "1");
  ASSERT_FOUND (N, ALL, FALSE, "5301 2026 0000 123456", "1");
  ASSERT_FOUND (N, ALL, FALSE, "5301 2026", "2 1");
  ASSERT_FOUND (N, ALL, FALSE, "53012026000065", "2");
  ASSERT_FOUND (N, ALL, FALSE, "5302", "");
  /* a 提单号, whole, by prefix, its digits alone */
  ASSERT_FOUND (N, ALL, FALSE, "COSU6123456780", "3");
  ASSERT_FOUND (N, ALL, FALSE, "cosu61", "3");
  ASSERT_FOUND (N, ALL, FALSE, "6123456780", "3");
  /* words and enterprise names, in the body too */
  ASSERT_FOUND (N, ALL, FALSE, "查验", "2");
  ASSERT_FOUND (N, ALL, FALSE, "深圳示例物流", "3");
  ASSERT_FOUND (N, ALL, FALSE, "已放行 上海", "1");
  ASSERT_FOUND (N, ALL, FALSE, "，", "");
  /* the kind, the read tab and the starred filter apply */
  ASSERT_FOUND (KOUAN_MESSAGE_KIND_WARNING, ALL, FALSE, "5301 2026", "4");
  ASSERT_FOUND (N, KOUAN_READ_FILTER_UNREAD, FALSE, "5301", "2");
  ASSERT_FOUND (N, KOUAN_READ_FILTER_READ, FALSE, "5301", "1");
  ASSERT_FOUND (N, ALL, TRUE, "5301", "2");

  /* the index follows a pulled edit and a deletion */
  apply (store, edits, G_N_ELEMENTS (edits), 6);
  ASSERT_FOUND (N, ALL, FALSE, "COSU6123456780", "");
  ASSERT_FOUND (N, ALL, FALSE, "MSKU765", "3");
  ASSERT_FOUND (N, ALL, FALSE, "查验", "");
  ASSERT_FOUND (N, ALL, FALSE, "5301 2026", "1");

  /* …and a read mark leaves it as it is */
  {
    g_autoptr(KouanMessage) message = kouan_store_get_message (store, ENTERPRISE, 3, &error);

    g_assert_no_error (error);
    g_assert_true (kouan_store_set_message_read (store, message, TRUE, &error));
    g_assert_no_error (error);
  }
  ASSERT_FOUND (N, KOUAN_READ_FILTER_READ, FALSE, "MSKU765", "3");

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_object_unref (store);
  {
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;

    while ((name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *file = g_build_filename (dir, name, NULL);

        g_unlink (file);
      }
  }
  g_rmdir (dir);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/message-search/search", test_search);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 人员权限 with 10 000 members: how long the cache takes to store them
 * (one pulled page through the strict codec), to read them back as typed
 * records for the page, and to judge every member's status (what a filter
 * by status costs). Prints figures; not a test. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>

#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-store-people.h"
#include "kouan-store.h"
#include "kouan-client.h"

#define MEMBERS 10000

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-bench-people-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(KouanStore) store = kouan_store_open (path, &error);
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) json = g_string_new ("{\"changes\":[");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  g_autoptr(GListModel) members = NULL;
  g_autofree char *today = kouan_grant_today ();
  guint counts[KOUAN_GRANT_STATUS_DISABLED + 1] = { 0 };
  gint64 t0, t1, t2, t3;
  g_autofree char *wal = NULL, *shm = NULL;

  g_assert_no_error (error);
  g_ptr_array_add (enterprises, kouan_enterprise_new (1, "上海示例贸易有限公司", "91310000MA1FL00000", TRUE, NULL));
  g_assert_true (kouan_store_save_enterprises (store, enterprises, &error));

  for (guint i = 1; i <= MEMBERS; i++)
    g_string_append_printf (json,
      "%s{\"seq\":%u,\"collection\":\"members\",\"id\":%u,\"op\":\"upsert\",\"record\":"
      "{\"id\":%u,\"account\":\"bench-%05u\",\"name\":\"成员%05u\",\"department_id\":%u,"
      "\"department\":\"部门%u\",\"membership\":\"%s\",\"registered_on\":\"2025-%02u-%02u\","
      "\"grants\":[{\"id\":%u,\"role_id\":%u,\"role\":\"角色%u\",\"builtin\":false,"
      "\"starts_on\":\"2026-01-01\",\"ends_on\":\"2026-%02u-28\"}]}}",
      i > 1 ? "," : "", i, i, i, i, i, 1 + i % 30, 1 + i % 30, i % 50 == 0 ? "disabled" : "active",
      1 + i % 12, 1 + i % 28, i, 1 + i % 8, 1 + i % 8, 1 + i % 12);
  g_string_append_printf (json, "],\"cursor\":%u,\"more\":false}", MEMBERS);
  object = kouan_json_parse_object (json->str, json->len, &error);
  g_assert_no_error (error);
  page = kouan_change_page_new_from_json (1, object, &error);
  g_assert_no_error (error);

  t0 = g_get_monotonic_time ();
  g_assert_true (kouan_store_apply_page (store, page, &error));
  t1 = g_get_monotonic_time ();
  members = kouan_store_list_members (store, 1, &error);
  g_assert_no_error (error);
  t2 = g_get_monotonic_time ();
  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      counts[kouan_member_get_status (member, today, NULL)]++;
    }
  t3 = g_get_monotonic_time ();

  printf ("members: %u\n", g_list_model_get_n_items (members));
  printf ("store one page of %u members: %.1f ms\n", MEMBERS, (t1 - t0) / 1000.0);
  printf ("read them back as KouanMember (sorted): %.1f ms\n", (t2 - t1) / 1000.0);
  printf ("judge every status (one filter pass): %.1f ms\n", (t3 - t2) / 1000.0);
  printf ("statuses on %s: active %u, expiring %u, pending %u, expired %u, disabled %u\n", today,
          counts[KOUAN_GRANT_STATUS_ACTIVE], counts[KOUAN_GRANT_STATUS_EXPIRING],
          counts[KOUAN_GRANT_STATUS_PENDING], counts[KOUAN_GRANT_STATUS_EXPIRED],
          counts[KOUAN_GRANT_STATUS_DISABLED]);

  g_clear_object (&members);
  g_clear_object (&store);
  wal = g_strconcat (path, "-wal", NULL);
  shm = g_strconcat (path, "-shm", NULL);
  g_unlink (wal);
  g_unlink (shm);
  g_unlink (path);
  g_rmdir (dir);
  return 0;
}

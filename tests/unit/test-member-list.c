/* SPDX-License-Identifier: GPL-3.0-or-later */
/* KouanMemberList: the cached members of 人员权限, read in a worker and
 * followed change by change — one member changed among many is one
 * items-changed of one item, a removal is reported where the member was,
 * and filters and orders list what they say. */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-member-list.h"
#include "kouan-store.h"

#define ENTERPRISE 3
#define MEMBERS 1200

typedef struct {
  guint position, removed, added;
} ItemsChanged;

typedef struct {
  char            *dir;
  KouanStore      *store;
  KouanMemberList *list;
  GArray          *changes;  /* ItemsChanged */
  guint            seq;
} Fixture;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Fixture    *fixture)
{
  ItemsChanged change = { position, removed, added };

  g_array_append_val (fixture->changes, change);
}

/* Runs the main loop until the list's jobs are done; the limit only
 * catches a hang. */
static void
wait_idle (Fixture *fixture)
{
  const char *scale = g_getenv ("KOUAN_TEST_TIMEOUT_SCALE");
  gint64 limit = g_get_monotonic_time () +
                 60 * G_USEC_PER_SEC * (scale != NULL ? MAX (1, atoi (scale)) : 1);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  while (kouan_member_list_get_busy (fixture->list))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, TRUE);
    }
}

/* Drops @object and waits for it to be finalized. */
static void
gone (GObject *object)
{
  const char *scale = g_getenv ("KOUAN_TEST_TIMEOUT_SCALE");
  gint64 limit = g_get_monotonic_time () +
                 60 * G_USEC_PER_SEC * (scale != NULL ? MAX (1, atoi (scale)) : 1);
  gpointer weak = object;

  g_object_add_weak_pointer (object, &weak);
  g_object_unref (object);
  while (weak != NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, limit);
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

static void
append_member (GString    *json,
               guint       id,
               const char *name,
               guint       department,
               gboolean    disabled,
               const char *registered_on)
{
  g_string_append_printf (json,
    "%s{\"seq\":0,\"collection\":\"members\",\"id\":%u,\"op\":\"upsert\",\"record\":"
    "{\"id\":%u,\"account\":\"user-%05u\",\"name\":\"%s\",\"department_id\":%u,"
    "\"department\":\"部门%02u\",\"membership\":\"%s\",\"registered_on\":\"%s\","
    "\"grants\":[{\"id\":%u,\"role_id\":%u,\"role\":\"角色%u\",\"builtin\":false,"
    "\"starts_on\":\"2020-01-01\",\"ends_on\":null}]}}",
    json->len > 1 ? "," : "", id, id, id, name, department, department,
    disabled ? "disabled" : "active", registered_on, id, 1 + id % 4, 1 + id % 4);
}

static void
append_delete (GString *json,
               guint    id)
{
  g_string_append_printf (json, "%s{\"seq\":0,\"collection\":\"members\",\"id\":%u,\"op\":\"delete\"}",
                          json->len > 1 ? "," : "", id);
}

/* Applies @json's changes as one pulled page; the store's "changed"
 * signal follows on the main loop. */
static void
apply (Fixture *fixture,
       GString *changes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) json = g_string_new ("{\"changes\":[");
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  const char *p = changes->str;

  /* number the changes as the feed does */
  while (*p != '\0')
    {
      const char *seq = strstr (p, "\"seq\":0");

      if (seq == NULL)
        {
          g_string_append (json, p);
          break;
        }
      g_string_append_len (json, p, seq - p);
      g_string_append_printf (json, "\"seq\":%u", ++fixture->seq);
      p = seq + strlen ("\"seq\":0");
    }
  g_string_append_printf (json, "],\"cursor\":%u,\"more\":false}", fixture->seq);
  object = kouan_json_parse_object (json->str, json->len, &error);
  g_assert_no_error (error);
  page = kouan_change_page_new_from_json (ENTERPRISE, object, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_apply_page (fixture->store, page, &error));
  g_assert_no_error (error);
}

static char *
name_of (guint id)
{
  /* a name sort that differs from the id order */
  return g_strdup_printf ("成员%05u", (id * 7919) % 100000);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GString) json = g_string_new ("[");
  g_autofree char *path = NULL;

  fixture->dir = g_dir_make_tmp ("kouan-members-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (fixture->dir, "cache.db", NULL);
  fixture->store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, NULL));
  g_assert_true (kouan_store_save_enterprises (fixture->store, enterprises, &error));
  g_assert_no_error (error);

  for (guint i = 1; i <= MEMBERS; i++)
    {
      g_autofree char *name = name_of (i);
      g_autofree char *day = g_strdup_printf ("2025-%02u-%02u", 1 + i % 12, 1 + i % 28);

      append_member (json, i, name, 1 + i % 10, i % 50 == 0, day);
    }
  g_string_erase (json, 0, 1);
  apply (fixture, json);

  fixture->changes = g_array_new (FALSE, FALSE, sizeof (ItemsChanged));
  fixture->list = kouan_member_list_new (fixture->store);
  g_signal_connect (fixture->list, "items-changed", G_CALLBACK (items_changed_cb), fixture);
  kouan_member_list_set_enterprise_id (fixture->list, ENTERPRISE);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, MEMBERS);
  g_array_set_size (fixture->changes, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  wait_idle (fixture);
  /* the worker drops its task (and the task its list and store) a moment
   * after the task's callback ran */
  gone (G_OBJECT (g_steal_pointer (&fixture->list)));
  g_array_unref (fixture->changes);
  gone (G_OBJECT (g_steal_pointer (&fixture->store)));
  dir = g_dir_open (fixture->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_unlink (file);
    }
  g_rmdir (fixture->dir);
  g_free (fixture->dir);
}

static KouanMember *
item (Fixture *fixture,
      guint    position)
{
  return g_list_model_get_item (G_LIST_MODEL (fixture->list), position);
}

/* Every row comes after the one before by @compare. */
static void
assert_sorted (Fixture       *fixture,
               GCompareFunc   compare)
{
  GListModel *model = G_LIST_MODEL (fixture->list);

  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanMember) a = item (fixture, i - 1);
      g_autoptr(KouanMember) b = item (fixture, i);

      if (compare (a, b) > 0)
        g_error ("rows %u (%s) and %u (%s) out of order", i - 1, a->account, i, b->account);
    }
}

static int
by_name (gconstpointer a,
         gconstpointer b)
{
  return g_utf8_collate (((KouanMember *) a)->name, ((KouanMember *) b)->name);
}

static int
by_account_descending (gconstpointer a,
                       gconstpointer b)
{
  return -strcmp (((KouanMember *) a)->account, ((KouanMember *) b)->account);
}

static void
assert_one_change (Fixture *fixture,
                   guint    position,
                   guint    removed,
                   guint    added)
{
  g_assert_cmpuint (fixture->changes->len, ==, 1);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).position, ==, position);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).removed, ==, removed);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).added, ==, added);
}

static void
test_loaded (Fixture       *fixture,
             gconstpointer  data)
{
  g_assert_cmpuint (kouan_member_list_get_n_cached (fixture->list), ==, MEMBERS);
  assert_sorted (fixture, by_name);
  /* the departments and roles the records name, for the filter menus */
  g_assert_cmpuint (g_list_model_get_n_items (kouan_member_list_get_seen_roles (fixture->list)), ==, 4);
  {
    GArray *ids = NULL;
    GPtrArray *names = NULL;

    kouan_member_list_get_seen_departments (fixture->list, &ids, &names);
    g_assert_cmpuint (ids->len, ==, 10);
    g_assert_cmpstr (g_ptr_array_index (names, 0), ==, "部门01");
  }
}

/* One member's department changes among 1 200: one items-changed of one
 * item at its place; the rows around it keep their objects. */
static void
test_change_one (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("");
  g_autofree char *name = name_of (777);
  guint position = kouan_member_list_find (fixture->list, 777);
  g_autoptr(KouanMember) before = item (fixture, position - 1);
  g_autoptr(KouanMember) after = item (fixture, position + 1);
  g_autoptr(KouanMember) changed = NULL;
  g_autoptr(KouanMember) before_again = NULL;

  g_assert_cmpuint (position, !=, G_MAXUINT);
  append_member (json, 777, name, 9, FALSE, "2025-06-01");
  apply (fixture, json);
  wait_idle (fixture);

  assert_one_change (fixture, position, 1, 1);
  changed = item (fixture, position);
  g_assert_cmpint (changed->id, ==, 777);
  g_assert_cmpstr (changed->department, ==, "部门09");
  before_again = item (fixture, position - 1);
  g_assert_true (before_again == before);
  g_assert_cmpuint (kouan_member_list_find (fixture->list, 777), ==, position);
  {
    g_autoptr(KouanMember) after_again = item (fixture, position + 1);

    g_assert_true (after_again == after);
  }

  /* a page that leaves the record as it was changes nothing */
  g_array_set_size (fixture->changes, 0);
  apply (fixture, json);
  wait_idle (fixture);
  g_assert_cmpuint (fixture->changes->len, ==, 0);
}

static void
test_remove_and_add (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("");
  g_autoptr(GString) back = g_string_new ("");
  g_autofree char *name = name_of (1111);
  guint position = kouan_member_list_find (fixture->list, 1111);

  append_delete (json, 1111);
  apply (fixture, json);
  wait_idle (fixture);
  assert_one_change (fixture, position, 1, 0);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, MEMBERS - 1);
  g_assert_cmpuint (kouan_member_list_find (fixture->list, 1111), ==, G_MAXUINT);
  assert_sorted (fixture, by_name);

  g_array_set_size (fixture->changes, 0);
  append_member (back, 1111, name, 3, FALSE, "2025-03-03");
  apply (fixture, back);
  wait_idle (fixture);
  assert_one_change (fixture, position, 0, 1);
  g_assert_cmpuint (kouan_member_list_find (fixture->list, 1111), ==, position);
}

/* A renamed member moves: out where it was, in where its name goes. */
static void
test_move (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GString) json = g_string_new ("");
  guint position = kouan_member_list_find (fixture->list, 5);
  guint now;

  append_member (json, 5, "阿一", 1, FALSE, "2025-01-01");
  apply (fixture, json);
  wait_idle (fixture);
  now = kouan_member_list_find (fixture->list, 5);
  g_assert_cmpuint (fixture->changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).position, ==, position);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 0).added, ==, 0);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 1).position, ==, now);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 1).removed, ==, 0);
  g_assert_cmpuint (g_array_index (fixture->changes, ItemsChanged, 1).added, ==, 1);
  g_assert_cmpuint (now, !=, position);
  assert_sorted (fixture, by_name);
}

static void
test_filter_and_sort (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *today = kouan_grant_today ();
  GListModel *model = G_LIST_MODEL (fixture->list);
  guint expected = 0;

  /* disabled members (every 50th) in department 01 (ids ≡ 0 mod 10) */
  kouan_member_list_set_filter (fixture->list, NULL, 0, 1, KOUAN_GRANT_STATUS_DISABLED,
                                NULL, NULL, today);
  wait_idle (fixture);
  for (guint i = 1; i <= MEMBERS; i++)
    expected += i % 50 == 0 && 1 + i % 10 == 1;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(KouanMember) member = item (fixture, i);

      g_assert_true (member->disabled);
      g_assert_cmpint (member->department_id, ==, 1);
    }

  /* by text (account), a role, registration dates; by account, descending */
  kouan_member_list_set_filter (fixture->list, "user-01", 2, 0, -1, "2025-03-01", "2025-06-30", today);
  kouan_member_list_set_sort (fixture->list, KOUAN_MEMBER_SORT_ACCOUNT, TRUE);
  wait_idle (fixture);
  expected = 0;
  for (guint i = 1000; i <= MEMBERS; i++)
    expected += 1 + i % 4 == 2 && 1 + i % 12 >= 3 && 1 + i % 12 <= 6;
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
  g_assert_cmpuint (expected, >, 0);
  assert_sorted (fixture, by_account_descending);

  /* a change under a filter: a member that now matches comes in at its
   * place, one that no longer does leaves */
  {
    g_autoptr(GString) json = g_string_new ("");
    g_autofree char *name = name_of (1005);
    g_autoptr(KouanMember) first = item (fixture, 0);
    guint position;

    g_array_set_size (fixture->changes, 0);
    /* 1005 holds role 2 and was registered in October */
    append_member (json, 1005, name, 1, FALSE, "2025-04-04");
    apply (fixture, json);
    wait_idle (fixture);
    position = kouan_member_list_find (fixture->list, 1005);
    g_assert_cmpuint (position, !=, G_MAXUINT);
    assert_one_change (fixture, position, 0, 1);
    assert_sorted (fixture, by_account_descending);

    g_array_set_size (fixture->changes, 0);
    g_string_truncate (json, 0);
    append_member (json, 1005, name, 1, FALSE, "2024-04-04");
    apply (fixture, json);
    wait_idle (fixture);
    assert_one_change (fixture, position, 1, 0);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, expected);
    (void) first;
  }

  /* back to everything: one window per job (the filter's starts at
   * once, the order's follows it), not a row at a time */
  g_array_set_size (fixture->changes, 0);
  kouan_member_list_set_filter (fixture->list, NULL, 0, 0, -1, NULL, NULL, today);
  kouan_member_list_set_sort (fixture->list, KOUAN_MEMBER_SORT_NAME, FALSE);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, MEMBERS);
  g_assert_cmpuint (fixture->changes->len, <=, 2);
  g_assert_cmpuint (kouan_member_list_get_sort (fixture->list, NULL), ==, KOUAN_MEMBER_SORT_NAME);
  assert_sorted (fixture, by_name);
}

/* Another enterprise empties the list at once. */
static void
test_enterprise (Fixture       *fixture,
                 gconstpointer  data)
{
  kouan_member_list_set_enterprise_id (fixture->list, ENTERPRISE + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, 0);
  kouan_member_list_set_enterprise_id (fixture->list, ENTERPRISE);
  wait_idle (fixture);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fixture->list)), ==, MEMBERS);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/member-list/loaded", Fixture, NULL, fixture_setup, test_loaded, fixture_teardown);
  g_test_add ("/member-list/change-one", Fixture, NULL, fixture_setup, test_change_one, fixture_teardown);
  g_test_add ("/member-list/remove-and-add", Fixture, NULL, fixture_setup, test_remove_and_add, fixture_teardown);
  g_test_add ("/member-list/move", Fixture, NULL, fixture_setup, test_move, fixture_teardown);
  g_test_add ("/member-list/filter-and-sort", Fixture, NULL, fixture_setup, test_filter_and_sort, fixture_teardown);
  g_test_add ("/member-list/enterprise", Fixture, NULL, fixture_setup, test_enterprise, fixture_teardown);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "kouan-permissions.h"

static void
test_tree (void)
{
  guint n;
  const KouanMenu *menus = kouan_permissions_menus (&n);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  const char *areas[] = { "messages", "personal", "admin", "insurance" };

  g_assert_cmpuint (n, >, 0);
  for (guint i = 0; i < n; i++)
    {
      /* ids are unique and parents come before their children */
      g_assert_false (g_hash_table_contains (seen, menus[i].id));
      if (menus[i].parent != NULL)
        {
          g_assert_true (g_hash_table_contains (seen, menus[i].parent));
          g_assert_true (g_str_has_prefix (menus[i].id, menus[i].parent));
        }
      g_hash_table_add (seen, (gpointer) menus[i].id);
    }

  /* every area of the app is covered */
  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    g_assert_nonnull (kouan_permissions_lookup_menu (areas[i]));
}

static void
test_parse (void)
{
  g_autofree char *menu = NULL;
  gboolean manage = FALSE;

  g_assert_true (kouan_permission_parse ("admin.roles:manage", &menu, &manage));
  g_assert_cmpstr (menu, ==, "admin.roles");
  g_assert_true (manage);
  g_clear_pointer (&menu, g_free);
  g_assert_true (kouan_permission_parse ("messages.notices:view", &menu, &manage));
  g_assert_false (manage);

  g_assert_true (kouan_permission_is_valid ("insurance.policies:manage"));
  g_assert_false (kouan_permission_is_valid ("messages.notices:manage")); /* view only */
  g_assert_false (kouan_permission_is_valid ("admin.roles"));
  g_assert_false (kouan_permission_is_valid ("admin.roles:delete"));
  g_assert_false (kouan_permission_is_valid ("nope:view"));
  g_assert_false (kouan_permission_is_valid (":view"));
  g_assert_false (kouan_permission_is_valid (NULL));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/permissions/tree", test_tree);
  g_test_add_func ("/permissions/parse", test_parse);
  return g_test_run ();
}

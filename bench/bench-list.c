/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-list: the main thread's work for one page of a pull, as a
 * function of how many messages the cache already holds
 * (docs/performance.md). For each size it fills a fresh cache with that
 * many notices, opens a KouanMessageList of the unread ones (what the
 * window shows), then applies pages of 500 new notices dated all over the
 * existing range, as a first sync does, and times what the main loop
 * does when the store says "changed": the list finding the page's rows
 * and reporting them. The apply itself (a worker's job) is not timed.
 *
 * For instruction counts, run one size under callgrind:
 *   valgrind --tool=callgrind --toggle-collect=kouan_message_list_update \
 *     build/bench/kouan-bench-list --sizes 10000 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "kouan-bench.h"
#include "kouan-enterprise.h"
#include "kouan-message-list.h"

#define ENTERPRISE 1
#define PAGE 500

static char *sizes_arg = NULL;
static int pages = 20;

static GOptionEntry entries[] = {
  { "sizes", 0, 0, G_OPTION_ARG_STRING, &sizes_arg, "Cache sizes, comma-separated (default 10000,100000)", "N,…" },
  { "pages", 0, 0, G_OPTION_ARG_INT, &pages, "Pages timed per size (default 20)", "N" },
  { NULL }
};

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
       gint64      first_id,
       guint       n,
       gint64      span,
       GRand      *rand)
{
  g_autoptr(GError) error = NULL;
  KouanChangePage page = { ENTERPRISE, NULL, first_id + n, FALSE };

  page.changes = g_ptr_array_new_full (n, change_free);
  for (guint i = 0; i < n; i++)
    {
      KouanChange *change = g_new0 (KouanChange, 1);
      JsonObject *record = json_object_new ();
      gint64 id = first_id + i;

      json_object_set_int_member (record, "id", id);
      json_object_set_string_member (record, "kind", "notice");
      json_object_set_string_member (record, "category", "物流跟踪");
      json_object_set_string_member (record, "title", "通知");
      json_object_set_string_member (record, "body", "货物已到港。");
      json_object_set_null_member (record, "severity");
      json_object_set_int_member (record, "created_at",
                                  1700000000 + (rand != NULL ? g_rand_int_range (rand, 0, (gint32) span) : id));
      json_object_set_boolean_member (record, "read", FALSE);
      json_object_set_boolean_member (record, "starred", FALSE);
      change->collection = g_strdup ("messages");
      change->id = id;
      change->record = record;
      g_ptr_array_add (page.changes, change);
    }
  if (!kouan_store_apply_page (store, &page, &error))
    kouan_bench_die ("applying a page: %s", error->message);
  g_ptr_array_unref (page.changes);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
measure (guint size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-bench-list-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autoptr(KouanMessageList) list = NULL;
  g_autoptr(GPtrArray) enterprises = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GRand) rand = g_rand_new_with_seed (size);
  gint64 next_id;

  if (dir == NULL)
    kouan_bench_die ("%s", error->message);
  path = g_build_filename (dir, "cache.db", NULL);
  store = kouan_store_open (path, &error);
  if (store == NULL)
    kouan_bench_die ("%s", error->message);
  g_ptr_array_add (enterprises, kouan_enterprise_new (ENTERPRISE, "上海示例贸易有限公司",
                                                      "91310000MA1FL8XQ30", TRUE, NULL));
  if (!kouan_store_save_enterprises (store, enterprises, &error))
    kouan_bench_die ("%s", error->message);

  for (next_id = 1; next_id <= size; next_id += 1000)
    apply (store, next_id, MIN (1000, size - next_id + 1), 0, NULL);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  list = kouan_message_list_new (store, KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_UNREAD);
  kouan_message_list_set_enterprise_id (list, ENTERPRISE);
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) != size)
    kouan_bench_die ("the list holds %u rows, not %u", g_list_model_get_n_items (G_LIST_MODEL (list)), size);
  /* what a screen shows */
  for (guint i = 0; i < 30; i++)
    g_object_unref (g_list_model_get_item (G_LIST_MODEL (list), i));

  next_id = size + 1;
  for (int p = 0; p < pages; p++)
    {
      gint64 start;
      double ms;

      apply (store, next_id, PAGE, size, rand);
      next_id += PAGE;
      start = g_get_monotonic_time ();
      while (g_main_context_iteration (NULL, FALSE))
        ;
      ms = (g_get_monotonic_time () - start) / 1000.0;
      g_array_append_val (times, ms);
    }
  if (g_list_model_get_n_items (G_LIST_MODEL (list)) != size + (guint) pages * PAGE)
    kouan_bench_die ("the list did not follow the pages");

  g_array_sort (times, compare_doubles);
  printf ("cache of %6u notices: main thread per page of %d  p50 %6.2f ms  max %6.2f ms\n",
          size, PAGE, g_array_index (times, double, times->len / 2),
          g_array_index (times, double, times->len - 1));
  fflush (stdout);

  g_clear_object (&list);
  g_clear_object (&store);
  kouan_bench_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = g_option_context_new ("- main-thread work per page");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) sizes = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    kouan_bench_die ("%s", error->message);
  sizes = g_strsplit (sizes_arg != NULL ? sizes_arg : "10000,100000", ",", -1);

  kouan_bench_print_load ("start");
  for (guint i = 0; sizes[i] != NULL; i++)
    measure ((guint) g_ascii_strtoull (sizes[i], NULL, 10));
  kouan_bench_print_load ("end");
  return 0;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 人员权限 with 10 000 members: how long the cache takes to store them
 * (one pulled page through the strict codec), to read them back as typed
 * records for the page, and to judge every member's status (what a filter
 * by status costs). Then what one changed member costs the main thread:
 * before (the page's old path: every member spliced into its store, the
 * filter and, with a sorted column, the sort run again over all of them,
 * roles and departments re-read) and after (KouanMemberList: the worker
 * finds the one changed record, the main loop places it), each beside a
 * reference measured in the same run: one pass judging every member's
 * status. Counted are the main thread's CPU time and, where the kernel
 * lets a process count its own, its user-space instructions. Prints
 * figures; not a test. */
#include "config.h"

#include <glib/gstdio.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-store-people.h"
#include "kouan-store.h"
#include "kouan-client.h"
#include "kouan-member-list.h"

#define MEMBERS 10000
#define ROUNDS 5

/* The calling thread's user-space instructions (-1: not allowed here). */
static int
counter_open (void)
{
  struct perf_event_attr attr;

  memset (&attr, 0, sizeof attr);
  attr.type = PERF_TYPE_HARDWARE;
  attr.size = sizeof attr;
  attr.config = PERF_COUNT_HW_INSTRUCTIONS;
  attr.exclude_kernel = 1;
  attr.exclude_hv = 1;
  return (int) syscall (SYS_perf_event_open, &attr, 0, -1, -1, 0);
}

typedef struct {
  int     fd;
  gint64  cpu_ns;
  guint64 instructions;
} Cost;

static gint64
thread_cpu_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static void
cost_start (Cost *cost)
{
  if (cost->fd >= 0)
    {
      ioctl (cost->fd, PERF_EVENT_IOC_RESET, 0);
      ioctl (cost->fd, PERF_EVENT_IOC_ENABLE, 0);
    }
  cost->cpu_ns = thread_cpu_ns ();
}

static void
cost_stop (Cost *cost)
{
  cost->cpu_ns = thread_cpu_ns () - cost->cpu_ns;
  cost->instructions = 0;
  if (cost->fd >= 0)
    {
      ioctl (cost->fd, PERF_EVENT_IOC_DISABLE, 0);
      if (read (cost->fd, &cost->instructions, sizeof cost->instructions) != sizeof cost->instructions)
        cost->instructions = 0;
    }
}

static int
compare_cost (gconstpointer a,
              gconstpointer b)
{
  const Cost *x = a, *y = b;

  return (x->cpu_ns > y->cpu_ns) - (x->cpu_ns < y->cpu_ns);
}

/* The median of @costs by CPU time, printed beside the reference's. */
static void
report (const char *what,
        GArray     *costs,
        const Cost *reference)
{
  Cost median;

  g_array_sort (costs, compare_cost);
  median = g_array_index (costs, Cost, costs->len / 2);
  printf ("%-58s %9.3f ms CPU (%6.3f× ref)", what, median.cpu_ns / 1e6,
          (double) median.cpu_ns / (double) reference->cpu_ns);
  if (median.instructions > 0 && reference->instructions > 0)
    printf ("  %8.2f M instr (%6.3f× ref)", median.instructions / 1e6,
            (double) median.instructions / (double) reference->instructions);
  printf ("\n");
}

/* The measured parts are functions of their own, so that callgrind can
 * count them alone (docs/performance.md):
 *   valgrind --tool=callgrind --separate-threads=yes --collect-atstart=no \
 *     --toggle-collect=reference_judge --toggle-collect=before_relist \
 *     --toggle-collect=after_follow build/bench/kouan-bench-people */
G_GNUC_NO_INLINE guint reference_judge (GListModel *members, const char *today);
G_GNUC_NO_INLINE guint
reference_judge (GListModel *members,
                 const char *today)
{
  guint n = 0;

  for (guint i = 0; i < g_list_model_get_n_items (members); i++)
    {
      g_autoptr(KouanMember) member = g_list_model_get_item (members, i);

      n += kouan_member_get_status (member, today, NULL) == KOUAN_GRANT_STATUS_ACTIVE;
    }
  return n;
}

/* The reference: one pass judging every member's status. */
static Cost
reference_pass (GListModel *members,
                const char *today,
                int         fd)
{
  g_autoptr(GArray) costs = g_array_new (FALSE, FALSE, sizeof (Cost));

  for (guint round = 0; round < ROUNDS; round++)
    {
      Cost cost = { fd, 0, 0 };
      guint n = 0;

      cost_start (&cost);
      n = reference_judge (members, today);
      cost_stop (&cost);
      g_assert_cmpuint (n, <=, MEMBERS);
      g_array_append_val (costs, cost);
    }
  g_array_sort (costs, compare_cost);
  return g_array_index (costs, Cost, costs->len / 2);
}

/* One member's record changed by a pulled page. */
static void
change_member (KouanStore *store,
               guint       round)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  g_autofree char *json = g_strdup_printf (
    "{\"changes\":[{\"seq\":%u,\"collection\":\"members\",\"id\":4321,\"op\":\"upsert\",\"record\":"
    "{\"id\":4321,\"account\":\"bench-04321\",\"name\":\"成员04321\",\"department_id\":%u,"
    "\"department\":\"部门%u\",\"membership\":\"active\",\"registered_on\":\"2025-02-02\","
    "\"grants\":[{\"id\":4321,\"role_id\":2,\"role\":\"角色2\",\"builtin\":false,"
    "\"starts_on\":\"2026-01-01\",\"ends_on\":null}]}}],\"cursor\":%u,\"more\":false}",
    MEMBERS + 100 + round, 1 + round % 30, 1 + round % 30, MEMBERS + 100 + round);

  object = kouan_json_parse_object (json, -1, &error);
  g_assert_no_error (error);
  page = kouan_change_page_new_from_json (1, object, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_apply_page (store, page, &error));
}

static gboolean
member_matches (KouanMember *member,
                const char  *today)
{
  /* the page's filter with nothing set but a status: every member judged */
  return kouan_member_get_status (member, today, NULL) != KOUAN_GRANT_STATUS_DISABLED + 1;
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  KouanMember *x = *(KouanMember **) a, *y = *(KouanMember **) b;

  return g_utf8_collate (x->name, y->name);
}

static gboolean member_matches (KouanMember *member, const char *today);
static int compare_names (gconstpointer a, gconstpointer b, gpointer user_data);

G_GNUC_NO_INLINE guint before_relist (KouanStore *store, GListStore *rows, GListModel *fresh,
                                     const char *today, gboolean sorted);
G_GNUC_NO_INLINE guint
before_relist (KouanStore *store,
               GListStore *rows,
               GListModel *fresh,
               const char *today,
               gboolean    sorted)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) shown = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GListModel) roles = NULL;
  g_autoptr(GListModel) departments = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (fresh); i++)
    g_ptr_array_add (items, g_list_model_get_item (fresh, i));
  g_list_store_splice (rows, 0, g_list_model_get_n_items (G_LIST_MODEL (rows)),
                       items->pdata, items->len);
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (rows)); i++)
    {
      KouanMember *member = g_list_model_get_item (G_LIST_MODEL (rows), i);

      if (member_matches (member, today))
        g_ptr_array_add (shown, member);
      else
        g_object_unref (member);
    }
  if (sorted)
    g_ptr_array_sort_with_data (shown, compare_names, NULL);
  roles = kouan_store_list_roles (store, 1, &error);
  g_assert_no_error (error);
  departments = kouan_store_list_departments (store, 1, &error);
  g_assert_no_error (error);
  return shown->len;
}

/* Before: what the page's main loop did when one member changed — the
 * worker's fresh list of every member spliced into the page's store in
 * one go (GtkFilterListModel then judges every row: the filter pass;
 * GtkSortListModel, when a column is sorted, sorts every row again by
 * g_utf8_collate), then roles and departments read synchronously. The
 * GTK models are replaced by the same work done directly (this bench
 * links no GTK); the worker's read of every member is not counted. */
static void
measure_before (KouanStore *store,
                const char *today,
                gboolean    sorted,
                GArray     *costs,
                int         fd)
{
  g_autoptr(GListStore) rows = g_list_store_new (KOUAN_TYPE_MEMBER);

  for (guint round = 0; round < ROUNDS; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GListModel) fresh = NULL;
      Cost cost = { fd, 0, 0 };
      guint shown;

      change_member (store, round);
      while (g_main_context_iteration (NULL, FALSE))
        ;
      fresh = kouan_store_list_members (store, 1, &error);  /* the worker's part */
      g_assert_no_error (error);

      cost_start (&cost);
      shown = before_relist (store, rows, fresh, today, sorted);
      cost_stop (&cost);
      g_assert_cmpuint (shown, ==, MEMBERS);
      g_array_append_val (costs, cost);
    }
}

typedef struct {
  guint calls, removed, added;
} Changes;

static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  Changes    *changes)
{
  changes->calls++;
  changes->removed += removed;
  changes->added += added;
}

G_GNUC_NO_INLINE void after_follow (KouanMemberList *list);
G_GNUC_NO_INLINE void
after_follow (KouanMemberList *list)
{
  /* the store's "changed" is queued on this context */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  while (kouan_member_list_get_busy (list))
    g_main_context_iteration (NULL, TRUE);
}

/* After: the main loop from the store's "changed" to the list reporting
 * the member (the worker's re-read is not counted: the worker's wall
 * time is printed beside). */
static void
measure_after (KouanStore *store,
               GArray     *costs,
               GArray     *workers,
               int         fd)
{
  g_autoptr(KouanMemberList) list = kouan_member_list_new (store);
  Changes changes = { 0, };

  kouan_member_list_set_enterprise_id (list, 1);
  while (kouan_member_list_get_busy (list))
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (list)), ==, MEMBERS);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), &changes);

  for (guint round = 0; round < ROUNDS; round++)
    {
      Cost cost = { fd, 0, 0 };
      gint64 start;

      changes.calls = 0;
      change_member (store, round + ROUNDS);
      start = g_get_monotonic_time ();
      cost_start (&cost);
      after_follow (list);
      cost_stop (&cost);
      g_assert_cmpuint (changes.calls, >=, 1);
      g_array_append_val (costs, cost);
      {
        Cost wall = { -1, (g_get_monotonic_time () - start) * 1000, 0 };

        g_array_append_val (workers, wall);
      }
    }
  printf ("after: items-changed per change: %u (last round), %u removed, %u added in all\n",
          changes.calls, changes.removed, changes.added);
}

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
  for (guint i = 1; i <= 8; i++)
    g_string_append_printf (json,
      ",{\"seq\":%u,\"collection\":\"roles\",\"id\":%u,\"op\":\"upsert\",\"record\":"
      "{\"id\":%u,\"name\":\"角色%u\",\"builtin\":false,\"created_at\":1700000000,\"permissions\":[]}}",
      MEMBERS + i, i, i, i);
  for (guint i = 1; i <= 30; i++)
    g_string_append_printf (json,
      ",{\"seq\":%u,\"collection\":\"departments\",\"id\":%u,\"op\":\"upsert\",\"record\":"
      "{\"id\":%u,\"parent_id\":null,\"name\":\"部门%u\",\"head_user_id\":null,\"head_name\":null,"
      "\"member_count\":0}}",
      MEMBERS + 8 + i, i, i, i);
  g_string_append_printf (json, "],\"cursor\":%u,\"more\":false}", MEMBERS + 38);
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

  {
    int fd = counter_open ();
    Cost reference = reference_pass (members, today, fd);
    g_autoptr(GArray) unsorted = g_array_new (FALSE, FALSE, sizeof (Cost));
    g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (Cost));
    g_autoptr(GArray) after = g_array_new (FALSE, FALSE, sizeof (Cost));
    g_autoptr(GArray) workers = g_array_new (FALSE, FALSE, sizeof (Cost));

    printf ("\none changed member at %u, main thread, median of %u (instructions: %s)\n", MEMBERS, ROUNDS,
            fd >= 0 ? "user space, perf_event" : "not available here");
    measure_before (store, today, FALSE, unsorted, fd);
    measure_before (store, today, TRUE, sorted, fd);
    measure_after (store, after, workers, fd);
    {
      g_autoptr(GArray) once = g_array_new (FALSE, FALSE, sizeof (Cost));

      g_array_append_val (once, reference);
      report ("reference: judge every status (one filter pass)", once, &reference);
    }
    report ("before: relist, re-filter, roles+departments", unsorted, &reference);
    report ("before: the same, a column sorted", sorted, &reference);
    report ("after: KouanMemberList, the one member placed", after, &reference);
    g_array_sort (workers, compare_cost);
    printf ("after: wall time from the change to the row (worker included): %.1f ms\n",
            g_array_index (workers, Cost, workers->len / 2).cpu_ns / 1e6);
    if (fd >= 0)
      close (fd);
  }

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

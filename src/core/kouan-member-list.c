/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-member-list.h"
#include "kouan-role.h"
#include "kouan-store-people.h"

/* The design follows KouanMessageList: rows in display order, each change
 * one items-changed at a place found by a binary search, rows that did
 * not change keep their object. Members have no revision in the cache,
 * so the worker tells what changed by the record's text: it keeps the
 * text of every member it parsed (@known, id → Entry, handed to each job
 * and back, never touched by two threads at once) and parses only the
 * records whose text differs. Sorting compares collation keys made once
 * per record in the worker, so a change placed on the main loop costs a
 * few strcmp()s, not g_utf8_collate()s.
 *
 * Entries are immutable once made and shared between the worker's
 * @known and the main loop's rows (atomic reference counts). */

typedef struct {
  KouanMember *member;
  char        *text;            /* the cached record, to spot changes */
  char        *name_key;        /* g_utf8_collate_key() of the name */
  char        *department_key;  /* of the department ("" for none) */
} Entry;

typedef struct {
  Entry *entry;
  int    status;                /* KouanGrantStatus on the view's today */
} Row;

/* What the rows show: the filter and the order. */
typedef struct {
  char            *text;
  gint64           role_id;
  gint64           department_id;
  int              status;
  char            *from;
  char            *to;
  char            *today;
  KouanMemberSort  sort;
  gboolean         descending;
} View;

typedef struct {
  Entry *old;                   /* (nullable) as it was */
  Entry *new;                   /* (nullable) as it is */
} Diff;

typedef struct {
  KouanStore *store;
  gint64      enterprise_id;
  GHashTable *known;            /* in and out: id → Entry */
  gboolean    refresh;          /* re-read the cache */
  gboolean    full;             /* list every row under @view */
  View       *view;
  /* results */
  GArray     *diffs;            /* Diff, when !full */
  GArray     *rows;             /* Row, when full */
  GHashTable *by_id;            /* id → Entry of @rows, when full */
  GListStore *seen_roles;       /* when the members changed */
  GArray     *seen_department_ids;
  GPtrArray  *seen_department_names;
} Job;

struct _KouanMemberList
{
  GObject       parent_instance;

  KouanStore   *store;
  gint64        enterprise_id;
  GArray       *rows;           /* Row, in display order */
  GHashTable   *by_id;          /* id → Entry of a row (borrowed from @rows) */
  View         *view;           /* what @rows follow */
  View         *requested;      /* the view last asked for */
  gboolean      want_view;      /* @requested is not applied yet */
  GHashTable   *known;          /* (nullable) while a job has it */
  guint         n_cached;
  GError       *error;
  GListStore   *seen_roles;
  GArray       *seen_department_ids;
  GPtrArray    *seen_department_names;

  GCancellable *cancellable;
  gboolean      running;
  gboolean      want_refresh;
  gboolean      want_reset;     /* another enterprise: forget @known */
};

static void kouan_member_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KouanMemberList, kouan_member_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      kouan_member_list_model_init))

enum {
  PROP_0,
  PROP_BUSY,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- entries, rows and views ---- */

static void
entry_clear (gpointer data)
{
  Entry *entry = data;

  g_clear_object (&entry->member);
  g_free (entry->text);
  g_free (entry->name_key);
  g_free (entry->department_key);
}

static Entry *
entry_ref (Entry *entry)
{
  return g_atomic_rc_box_acquire (entry);
}

static void
entry_unref (gpointer entry)
{
  if (entry != NULL)
    g_atomic_rc_box_release_full (entry, entry_clear);
}

static Entry *
entry_new (KouanMember *member,
           char        *text)
{
  Entry *entry = g_atomic_rc_box_new0 (Entry);

  entry->member = member;
  entry->text = text;
  entry->name_key = g_utf8_collate_key (member->name, -1);
  entry->department_key = g_utf8_collate_key (member->department != NULL ? member->department : "", -1);
  return entry;
}

static void
row_clear (gpointer data)
{
  entry_unref (((Row *) data)->entry);
}

static GArray *
rows_new (guint reserved)
{
  GArray *rows = g_array_sized_new (FALSE, FALSE, sizeof (Row), reserved);

  g_array_set_clear_func (rows, row_clear);
  return rows;
}

static void
diff_clear (gpointer data)
{
  Diff *diff = data;

  entry_unref (diff->old);
  entry_unref (diff->new);
}

static void
view_free (View *view)
{
  if (view == NULL)
    return;
  g_free (view->text);
  g_free (view->from);
  g_free (view->to);
  g_free (view->today);
  g_free (view);
}

static View *
view_copy (const View *view)
{
  View *copy = g_memdup2 (view, sizeof *view);

  copy->text = g_strdup (view->text);
  copy->from = g_strdup (view->from);
  copy->to = g_strdup (view->to);
  copy->today = g_strdup (view->today);
  return copy;
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (View, view_free)

static int
status_of (const View *view,
           Entry      *entry)
{
  return kouan_member_get_status (entry->member, view->today, NULL);
}

static gboolean
matches (const View *view,
         Entry      *entry,
         int         status)
{
  KouanMember *member = entry->member;

  if (view->text != NULL &&
      strstr (member->name, view->text) == NULL && strstr (member->account, view->text) == NULL)
    return FALSE;
  if (view->role_id != 0 && !kouan_member_has_role (member, view->role_id))
    return FALSE;
  if (view->department_id != 0 && member->department_id != view->department_id)
    return FALSE;
  if (view->status >= 0 && status != view->status)
    return FALSE;
  if (view->from != NULL && g_strcmp0 (member->registered_on, view->from) < 0)
    return FALSE;
  if (view->to != NULL && (member->registered_on == NULL || g_strcmp0 (member->registered_on, view->to) > 0))
    return FALSE;
  return TRUE;
}

/* A total order: the view's key, then name, account and id. */
static int
compare_rows (const Row  *a,
              const Row  *b,
              const View *view)
{
  KouanMember *x = a->entry->member, *y = b->entry->member;
  int c = 0;

  switch (view->sort)
    {
    case KOUAN_MEMBER_SORT_ACCOUNT:    c = strcmp (x->account, y->account); break;
    case KOUAN_MEMBER_SORT_DEPARTMENT: c = strcmp (a->entry->department_key, b->entry->department_key); break;
    case KOUAN_MEMBER_SORT_STATUS:     c = (a->status > b->status) - (a->status < b->status); break;
    case KOUAN_MEMBER_SORT_REGISTERED: c = g_strcmp0 (x->registered_on, y->registered_on); break;
    case KOUAN_MEMBER_SORT_NAME:
    default:                           c = strcmp (a->entry->name_key, b->entry->name_key); break;
    }
  if (view->descending)
    c = -c;
  if (c == 0)
    c = strcmp (a->entry->name_key, b->entry->name_key);
  if (c == 0)
    c = strcmp (x->account, y->account);
  if (c == 0)
    c = (x->id > y->id) - (x->id < y->id);
  return c;
}

static int
compare_rows_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      view)
{
  return compare_rows (a, b, view);
}

/* The first position whose row does not come before @probe. */
static guint
lower_bound (KouanMemberList *self,
             const Row       *probe)
{
  guint low = 0, high = self->rows->len;

  while (low < high)
    {
      guint mid = low + (high - low) / 2;

      if (compare_rows (&g_array_index (self->rows, Row, mid), probe, self->view) < 0)
        low = mid + 1;
      else
        high = mid;
    }
  return low;
}

/* ---- the worker ---- */

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  g_clear_pointer (&job->known, g_hash_table_unref);
  view_free (job->view);
  g_clear_pointer (&job->diffs, g_array_unref);
  g_clear_pointer (&job->rows, g_array_unref);
  g_clear_pointer (&job->by_id, g_hash_table_unref);
  g_clear_object (&job->seen_roles);
  g_clear_pointer (&job->seen_department_ids, g_array_unref);
  g_clear_pointer (&job->seen_department_names, g_ptr_array_unref);
  g_free (job);
}

typedef struct {
  GHashTable *known;
  GHashTable *seen;             /* ids in the cache */
  GArray     *ids;              /* gint64 of the records that changed */
  GPtrArray  *texts;            /* their text */
} Scan;

static void
scan_record (gint64      id,
             const char *record,
             gpointer    user_data)
{
  Scan *scan = user_data;
  Entry *entry = g_hash_table_lookup (scan->known, &id);

  g_hash_table_add (scan->seen, g_memdup2 (&id, sizeof id));
  if (entry != NULL && strcmp (entry->text, record) == 0)
    return;
  g_array_append_val (scan->ids, id);
  g_ptr_array_add (scan->texts, g_strdup (record));
}

/* Re-reads the cache: each member whose record text changed is parsed
 * again, one that left is removed; the differences go to @job->diffs. */
static gboolean
job_refresh (Job           *job,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  Scan scan = { job->known, seen, ids, texts };
  GHashTableIter iter;
  gpointer key, value;

  if (!_kouan_store_people_foreach (job->store, job->enterprise_id, "members",
                                    scan_record, &scan, error))
    return FALSE;

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 id = g_array_index (ids, gint64, i);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) record = NULL;
      KouanMember *member = NULL;
      Diff diff = { NULL, NULL };
      Entry *old;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      record = kouan_json_parse_object (g_ptr_array_index (texts, i), -1, &local_error);
      if (record != NULL)
        member = kouan_member_new_from_json (record, job->enterprise_id, &local_error);
      if (member == NULL)
        {
          /* stored only after the same codec accepted it */
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                       "Cached member %" G_GINT64_FORMAT " cannot be read: %s", id,
                       local_error->message);
          return FALSE;
        }
      old = g_hash_table_lookup (job->known, &id);
      diff.old = old != NULL ? entry_ref (old) : NULL;
      diff.new = entry_new (member, g_steal_pointer (&g_ptr_array_index (texts, i)));
      g_hash_table_replace (job->known, &diff.new->member->id, entry_ref (diff.new));
      g_array_append_val (job->diffs, diff);
    }

  g_hash_table_iter_init (&iter, job->known);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!g_hash_table_contains (seen, key))
      {
        Diff diff = { entry_ref (value), NULL };

        g_array_append_val (job->diffs, diff);
        g_hash_table_iter_remove (&iter);
      }
  return TRUE;
}

/* Every row of @job->view, sorted. */
static void
job_list (Job *job)
{
  GHashTableIter iter;
  gpointer value;

  job->rows = rows_new (g_hash_table_size (job->known));
  job->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_hash_table_iter_init (&iter, job->known);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Row row = { value, status_of (job->view, value) };

      if (!matches (job->view, row.entry, row.status))
        continue;
      row.entry = entry_ref (row.entry);
      g_array_append_val (job->rows, row);
    }
  g_array_sort_with_data (job->rows, compare_rows_cb, job->view);
  for (guint i = 0; i < job->rows->len; i++)
    {
      Entry *entry = g_array_index (job->rows, Row, i).entry;

      g_hash_table_insert (job->by_id, &entry->member->id, entry);
    }
}

static int
compare_roles (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  KouanRole *x = (KouanRole *) a, *y = (KouanRole *) b;

  if (x->builtin != y->builtin)
    return x->builtin ? -1 : 1;
  return g_utf8_collate (x->name, y->name);
}

typedef struct {
  gint64      id;
  const char *name;
  const char *key;
} SeenDepartment;

static int
compare_seen_departments (gconstpointer a,
                          gconstpointer b)
{
  return strcmp (((const SeenDepartment *) a)->key, ((const SeenDepartment *) b)->key);
}

/* The roles and departments the members' records name. */
static void
job_seen (Job *job)
{
  g_autoptr(GHashTable) roles = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GHashTable) departments = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr(GArray) sorted = g_array_new (FALSE, FALSE, sizeof (SeenDepartment));
  GHashTableIter iter;
  gpointer value;

  job->seen_roles = g_list_store_new (KOUAN_TYPE_ROLE);
  job->seen_department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  job->seen_department_names = g_ptr_array_new_with_free_func (g_free);
  g_hash_table_iter_init (&iter, job->known);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      KouanMember *member = entry->member;

      for (guint j = 0; j < member->grants->len; j++)
        {
          KouanGrant *grant = &g_array_index (member->grants, KouanGrant, j);

          if (!g_hash_table_contains (roles, &grant->role_id))
            {
              g_autoptr(KouanRole) role = kouan_role_new_from_grant (job->enterprise_id, grant->role_id,
                                                                     grant->role, grant->builtin);

              g_hash_table_add (roles, &grant->role_id);
              g_list_store_append (job->seen_roles, role);
            }
        }
      if (member->department_id != 0 && member->department != NULL &&
          !g_hash_table_contains (departments, &member->department_id))
        {
          SeenDepartment department = { member->department_id, member->department, entry->department_key };

          g_hash_table_add (departments, &member->department_id);
          g_array_append_val (sorted, department);
        }
    }
  g_list_store_sort (job->seen_roles, compare_roles, NULL);
  g_array_sort (sorted, compare_seen_departments);
  for (guint i = 0; i < sorted->len; i++)
    {
      SeenDepartment *department = &g_array_index (sorted, SeenDepartment, i);

      g_array_append_val (job->seen_department_ids, department->id);
      g_ptr_array_add (job->seen_department_names, g_strdup (department->name));
    }
}

static void
job_thread (GTask        *task,
            gpointer      source,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  GError *error = NULL;

  if (job->refresh)
    {
      if (!job_refresh (job, cancellable, &error))
        {
          g_task_return_error (task, error);
          return;
        }
      if (job->diffs->len > 0 || job->full)
        job_seen (job);
    }
  if (job->full)
    {
      job_list (job);
      /* the rows include every change */
      g_array_set_size (job->diffs, 0);
    }
  g_task_return_boolean (task, TRUE);
}

/* ---- on the main loop ---- */

static void start_job (KouanMemberList *self);

/* Replaces every row, reporting the smallest window that differs: rows
 * equal at both ends (same record, same status) keep their object. */
static void
replace_rows (KouanMemberList *self,
              GArray          *rows,
              GHashTable      *by_id)
{
  guint old_len = self->rows->len, new_len = rows->len;
  guint prefix = 0, suffix = 0;

  while (prefix < old_len && prefix < new_len &&
         g_array_index (self->rows, Row, prefix).entry == g_array_index (rows, Row, prefix).entry &&
         g_array_index (self->rows, Row, prefix).status == g_array_index (rows, Row, prefix).status)
    prefix++;
  while (suffix < old_len - prefix && suffix < new_len - prefix &&
         g_array_index (self->rows, Row, old_len - 1 - suffix).entry ==
           g_array_index (rows, Row, new_len - 1 - suffix).entry &&
         g_array_index (self->rows, Row, old_len - 1 - suffix).status ==
           g_array_index (rows, Row, new_len - 1 - suffix).status)
    suffix++;

  g_array_unref (self->rows);
  self->rows = g_array_ref (rows);
  g_hash_table_unref (self->by_id);
  self->by_id = g_hash_table_ref (by_id);
  if (old_len - prefix - suffix > 0 || new_len - prefix - suffix > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), prefix, old_len - prefix - suffix,
                                new_len - prefix - suffix);
  if (old_len != new_len)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* One member changed, arrived or left: at most one items-changed where
 * it stays in place, a removal and an insertion where it moves. */
static void
apply_diff (KouanMemberList *self,
            const Diff      *diff)
{
  gint64 id = diff->old != NULL ? diff->old->member->id : diff->new->member->id;
  Entry *shown = g_hash_table_lookup (self->by_id, &id);
  guint old_position = G_MAXUINT;
  Row fresh = { diff->new, 0 };
  gboolean keep = FALSE;

  if (shown != NULL)
    {
      Row probe = { shown, status_of (self->view, shown) };

      old_position = lower_bound (self, &probe);
      if (old_position >= self->rows->len ||
          g_array_index (self->rows, Row, old_position).entry != shown)
        {
          /* cannot happen while the rows follow their own order; a
           * walk rather than a wrong row removed */
          g_critical ("Member %" G_GINT64_FORMAT " is not where its order puts it", id);
          for (old_position = 0; g_array_index (self->rows, Row, old_position).entry != shown; old_position++)
            ;
        }
    }
  if (diff->new != NULL)
    {
      fresh.status = status_of (self->view, diff->new);
      keep = matches (self->view, diff->new, fresh.status);
    }

  if (shown != NULL)
    {
      guint position;

      /* out of the rows, and in again where it now goes */
      g_hash_table_remove (self->by_id, &id);
      g_array_remove_index (self->rows, old_position);
      position = keep ? lower_bound (self, &fresh) : G_MAXUINT;
      if (position == old_position)
        {
          fresh.entry = entry_ref (diff->new);
          g_array_insert_val (self->rows, position, fresh);
          g_hash_table_insert (self->by_id, &diff->new->member->id, diff->new);
          g_list_model_items_changed (G_LIST_MODEL (self), position, 1, 1);
          return;
        }
      g_list_model_items_changed (G_LIST_MODEL (self), old_position, 1, 0);
    }
  if (keep)
    {
      guint position = lower_bound (self, &fresh);

      fresh.entry = entry_ref (diff->new);
      g_array_insert_val (self->rows, position, fresh);
      g_hash_table_insert (self->by_id, &diff->new->member->id, diff->new);
      g_list_model_items_changed (G_LIST_MODEL (self), position, 0, 1);
    }
}

static void
set_busy (KouanMemberList *self,
          gboolean         busy)
{
  if (self->running == busy)
    return;
  self->running = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  KouanMemberList *self = KOUAN_MEMBER_LIST (source);
  Job *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  guint old_len = self->rows->len;

  g_task_propagate_boolean (G_TASK (result), &error);
  if (self->store == NULL)
    return;  /* disposed */

  /* the worker's table comes back, read or not */
  g_clear_pointer (&self->known, g_hash_table_unref);
  if (job->enterprise_id == self->enterprise_id && !self->want_reset)
    self->known = g_steal_pointer (&job->known);

  if (self->known == NULL)
    ;  /* another enterprise meanwhile: its own job follows */
  else if (error != NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot list the cached members: %s", error->message);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      /* nothing of it is trusted: read everything again next time */
      g_hash_table_remove_all (self->known);
    }
  else
    {
      g_clear_error (&self->error);
      self->n_cached = g_hash_table_size (self->known);
      if (job->seen_roles != NULL)
        {
          g_autoptr(GPtrArray) roles = g_ptr_array_new_with_free_func (g_object_unref);

          for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (job->seen_roles)); i++)
            g_ptr_array_add (roles, g_list_model_get_item (G_LIST_MODEL (job->seen_roles), i));
          g_list_store_splice (self->seen_roles, 0, g_list_model_get_n_items (G_LIST_MODEL (self->seen_roles)),
                               roles->pdata, roles->len);
          g_array_unref (self->seen_department_ids);
          self->seen_department_ids = g_steal_pointer (&job->seen_department_ids);
          g_ptr_array_unref (self->seen_department_names);
          self->seen_department_names = g_steal_pointer (&job->seen_department_names);
        }
      if (job->full)
        {
          view_free (self->view);
          self->view = g_steal_pointer (&job->view);
          replace_rows (self, job->rows, job->by_id);
        }
      else
        {
          for (guint i = 0; i < job->diffs->len; i++)
            apply_diff (self, &g_array_index (job->diffs, Diff, i));
          if (self->rows->len != old_len)
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        }
    }

  /* what was asked meanwhile runs next; busy stays TRUE across */
  self->running = FALSE;
  start_job (self);
  if (self->running)
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  g_signal_emit (self, signals[LOADED], 0);
}

/* Runs what is wanted in the worker, unless a job is running: its end
 * starts the next. */
static void
start_job (KouanMemberList *self)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->running || self->store == NULL || self->enterprise_id <= 0)
    return;
  if (!self->want_refresh && !self->want_reset && !self->want_view)
    return;

  job = g_new0 (Job, 1);
  job->store = g_object_ref (self->store);
  job->enterprise_id = self->enterprise_id;
  if (self->want_reset || self->known == NULL)
    {
      g_clear_pointer (&self->known, g_hash_table_unref);
      job->known = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, entry_unref);
      job->refresh = TRUE;
      job->full = TRUE;
    }
  else
    job->known = g_steal_pointer (&self->known);
  job->refresh |= self->want_refresh;
  if (self->want_view)
    {
      job->view = view_copy (self->requested);
      job->full = TRUE;
      self->want_view = FALSE;
    }
  else
    job->view = view_copy (self->view);
  job->diffs = g_array_new (FALSE, FALSE, sizeof (Diff));
  g_array_set_clear_func (job->diffs, diff_clear);
  self->want_refresh = FALSE;
  self->want_reset = FALSE;

  task = g_task_new (self, self->cancellable, job_done, NULL);
  g_task_set_source_tag (task, start_job);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  set_busy (self, TRUE);
  g_task_run_in_thread (task, job_thread);
}

static void
store_changed_cb (KouanMemberList *self,
                  const char      *collection,
                  gint64           enterprise_id,
                  KouanStore      *store)
{
  /* "access": losing the right empties the cached members */
  if (enterprise_id != self->enterprise_id ||
      (g_strcmp0 (collection, "members") != 0 && g_strcmp0 (collection, "access") != 0))
    return;
  self->want_refresh = TRUE;
  start_job (self);
}

/* ---- GListModel ---- */

static GType
kouan_member_list_get_item_type (GListModel *model)
{
  return KOUAN_TYPE_MEMBER;
}

static guint
kouan_member_list_get_n_items (GListModel *model)
{
  return KOUAN_MEMBER_LIST (model)->rows->len;
}

static gpointer
kouan_member_list_get_item (GListModel *model,
                            guint       position)
{
  KouanMemberList *self = KOUAN_MEMBER_LIST (model);

  if (position >= self->rows->len)
    return NULL;
  return g_object_ref (g_array_index (self->rows, Row, position).entry->member);
}

static void
kouan_member_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = kouan_member_list_get_item_type;
  iface->get_n_items = kouan_member_list_get_n_items;
  iface->get_item = kouan_member_list_get_item;
}

/* ---- GObject ---- */

static void
kouan_member_list_dispose (GObject *object)
{
  KouanMemberList *self = KOUAN_MEMBER_LIST (object);

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (kouan_member_list_parent_class)->dispose (object);
}

static void
kouan_member_list_finalize (GObject *object)
{
  KouanMemberList *self = KOUAN_MEMBER_LIST (object);

  g_clear_pointer (&self->rows, g_array_unref);
  g_clear_pointer (&self->by_id, g_hash_table_unref);
  g_clear_pointer (&self->known, g_hash_table_unref);
  view_free (self->view);
  view_free (self->requested);
  g_clear_error (&self->error);
  g_clear_object (&self->seen_roles);
  g_clear_pointer (&self->seen_department_ids, g_array_unref);
  g_clear_pointer (&self->seen_department_names, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (kouan_member_list_parent_class)->finalize (object);
}

static void
kouan_member_list_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  KouanMemberList *self = KOUAN_MEMBER_LIST (object);

  switch (prop_id)
    {
    case PROP_BUSY:    g_value_set_boolean (value, self->running); break;
    case PROP_N_ITEMS: g_value_set_uint (value, self->rows->len); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_member_list_class_init (KouanMemberListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kouan_member_list_dispose;
  object_class->finalize = kouan_member_list_finalize;
  object_class->get_property = kouan_member_list_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* after each job, its changes reported */
  signals[LOADED] = g_signal_new ("loaded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
kouan_member_list_init (KouanMemberList *self)
{
  self->rows = rows_new (0);
  self->by_id = g_hash_table_new (g_int64_hash, g_int64_equal);
  self->view = g_new0 (View, 1);
  self->view->status = -1;
  self->view->today = kouan_grant_today ();
  self->requested = view_copy (self->view);
  self->seen_roles = g_list_store_new (KOUAN_TYPE_ROLE);
  self->seen_department_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->seen_department_names = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();
}

KouanMemberList *
kouan_member_list_new (KouanStore *store)
{
  KouanMemberList *self;

  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  self = g_object_new (KOUAN_TYPE_MEMBER_LIST, NULL);
  self->store = g_object_ref (store);
  g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
  return self;
}

void
kouan_member_list_set_enterprise_id (KouanMemberList *self,
                                     gint64           enterprise_id)
{
  g_return_if_fail (KOUAN_IS_MEMBER_LIST (self));

  if (self->enterprise_id == enterprise_id)
    return;
  self->enterprise_id = enterprise_id;
  self->want_reset = TRUE;
  self->n_cached = 0;
  g_clear_pointer (&self->known, g_hash_table_unref);
  g_clear_error (&self->error);
  {
    g_autoptr(GArray) empty = rows_new (0);
    g_autoptr(GHashTable) none = g_hash_table_new (g_int64_hash, g_int64_equal);

    replace_rows (self, empty, none);
  }
  start_job (self);
}

gint64
kouan_member_list_get_enterprise_id (KouanMemberList *self)
{
  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), 0);
  return self->enterprise_id;
}


void
kouan_member_list_set_filter (KouanMemberList *self,
                              const char      *text,
                              gint64           role_id,
                              gint64           department_id,
                              int              status,
                              const char      *from,
                              const char      *to,
                              const char      *today)
{
  View *view;

  g_return_if_fail (KOUAN_IS_MEMBER_LIST (self));
  g_return_if_fail (today != NULL);

  view = self->requested;
  self->want_view = TRUE;
  g_free (view->text);
  view->text = text != NULL && *text != '\0' ? g_strdup (text) : NULL;
  view->role_id = role_id;
  view->department_id = department_id;
  view->status = status;
  g_free (view->from);
  view->from = g_strdup (from);
  g_free (view->to);
  view->to = g_strdup (to);
  g_free (view->today);
  view->today = g_strdup (today);
  start_job (self);
}

void
kouan_member_list_set_sort (KouanMemberList *self,
                            KouanMemberSort  sort,
                            gboolean         descending)
{
  View *view;

  g_return_if_fail (KOUAN_IS_MEMBER_LIST (self));

  view = self->requested;
  if (view->sort == sort && view->descending == !!descending)
    return;
  self->want_view = TRUE;
  view->sort = sort;
  view->descending = !!descending;
  start_job (self);
}

KouanMemberSort
kouan_member_list_get_sort (KouanMemberList *self,
                            gboolean        *descending)
{
  View *view;

  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), KOUAN_MEMBER_SORT_NAME);

  view = self->requested;
  if (descending != NULL)
    *descending = view->descending;
  return view->sort;
}

gboolean
kouan_member_list_get_busy (KouanMemberList *self)
{
  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), FALSE);
  return self->running;
}

guint
kouan_member_list_find (KouanMemberList *self,
                        gint64           id)
{
  Entry *entry;
  Row probe;
  guint position;

  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), G_MAXUINT);

  entry = g_hash_table_lookup (self->by_id, &id);
  if (entry == NULL)
    return G_MAXUINT;
  probe.entry = entry;
  probe.status = status_of (self->view, entry);
  position = lower_bound (self, &probe);
  return position < self->rows->len && g_array_index (self->rows, Row, position).entry == entry
         ? position : G_MAXUINT;
}

guint
kouan_member_list_get_n_cached (KouanMemberList *self)
{
  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), 0);
  return self->n_cached;
}

const GError *
kouan_member_list_get_error (KouanMemberList *self)
{
  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), NULL);
  return self->error;
}

GListModel *
kouan_member_list_get_seen_roles (KouanMemberList *self)
{
  g_return_val_if_fail (KOUAN_IS_MEMBER_LIST (self), NULL);
  return G_LIST_MODEL (self->seen_roles);
}

void
kouan_member_list_get_seen_departments (KouanMemberList *self,
                                        GArray         **ids,
                                        GPtrArray      **names)
{
  g_return_if_fail (KOUAN_IS_MEMBER_LIST (self));

  if (ids != NULL)
    *ids = self->seen_department_ids;
  if (names != NULL)
    *names = self->seen_department_names;
}

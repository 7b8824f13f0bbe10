/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-store-people.h"
#include "kouan-store-private.h"

/* Records are stored whole (the server's JSON) in people_records, keyed
 * by collection, after their typed codec accepted them: a record the app
 * could not read never enters the cache (the page is refused and pulled
 * again later, like any invalid record). Views load a collection at once
 * into a GListStore of typed records — 10 000 members are ~2 MB and parse
 * in well under a second — and filter and sort it with GTK's models. */

typedef GObject *(*ParseFunc) (JsonObject *record, gint64 enterprise_id, GError **error);

typedef struct {
  const char *name;
  const char *view_permission;
  ParseFunc   parse;
  GType     (*get_type) (void);
} PeopleKind;

static const PeopleKind kinds[] = {
  { "members",     "admin.staff:view",       (ParseFunc) kouan_member_new_from_json,      kouan_member_get_type },
  { "roles",       "admin.roles:view",       (ParseFunc) kouan_role_new_from_json,        kouan_role_get_type },
  { "departments", "admin.departments:view", (ParseFunc) kouan_department_new_from_json,  kouan_department_get_type },
  { "audit",       "admin.audit:view",       (ParseFunc) kouan_audit_entry_new_from_json, kouan_audit_entry_get_type },
};

static const PeopleKind *
kind_lookup (const char *collection)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (g_strcmp0 (kinds[i].name, collection) == 0)
      return &kinds[i];
  return NULL;
}

const char *
kouan_store_people_view_permission (const char *collection)
{
  const PeopleKind *kind = kind_lookup (collection);

  return kind != NULL ? kind->view_permission : NULL;
}

static gboolean
upsert (const PeopleKind  *kind,
        sqlite3           *db,
        gint64             enterprise_id,
        gint64             id,
        JsonObject        *record,
        GError           **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GObject) parsed = kind->parse (record, enterprise_id, &local_error);
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *text = NULL;
  gint64 record_id = 0;

  if (parsed == NULL)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Record %" G_GINT64_FORMAT " of \"%s\" is invalid: %s",
                   id, kind->name, local_error->message);
      return FALSE;
    }
  kouan_json_get_int (record, "id", &record_id, NULL);
  if (record_id != id)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Change for %s %" G_GINT64_FORMAT " carries record %" G_GINT64_FORMAT,
                   kind->name, id, record_id);
      return FALSE;
    }

  text = kouan_json_object_to_string (record);
  stmt = kouan_statement_get (db,
    "INSERT INTO people_records (enterprise_id, collection, id, record) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (enterprise_id, collection, id) DO UPDATE SET record = excluded.record", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, kind->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_text (stmt, 4, text, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
remove_record (const char  *collection,
               sqlite3     *db,
               gint64       enterprise_id,
               gint64       id,
               GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "DELETE FROM people_records WHERE enterprise_id = ?1 AND collection = ?2 AND id = ?3", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  return kouan_statement_run (stmt, error);
}

static gboolean
read_only (sqlite3     *db,
           gint64       enterprise_id,
           const char  *op,
           gint64       record_id,
           JsonObject  *fields,
           GError     **error)
{
  g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "The people collections are changed through the server's routes");
  return FALSE;
}

#define PEOPLE_COLLECTION(ident, index)                                              \
  static gboolean                                                                   \
  ident##_upsert (sqlite3 *db, gint64 enterprise_id, gint64 id, JsonObject *record, \
                  GError **error)                                                   \
  {                                                                                 \
    return upsert (&kinds[index], db, enterprise_id, id, record, error);            \
  }                                                                                 \
  static gboolean                                                                   \
  ident##_remove (sqlite3 *db, gint64 enterprise_id, gint64 id, GError **error)     \
  {                                                                                 \
    return remove_record (kinds[index].name, db, enterprise_id, id, error);         \
  }                                                                                 \
  const KouanCollection kouan_##ident##_collection = {                              \
    .name = #ident,                                                                 \
    .upsert = ident##_upsert,                                                       \
    .remove = ident##_remove,                                                       \
    .apply_local = read_only,                                                       \
  };

PEOPLE_COLLECTION (members, 0)
PEOPLE_COLLECTION (roles, 1)
PEOPLE_COLLECTION (departments, 2)
PEOPLE_COLLECTION (audit, 3)

gboolean
kouan_store_people_prune (sqlite3            *db,
                          gint64              enterprise_id,
                          const char * const *permissions,
                          GError            **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autoptr(KouanStatement) stmt = NULL;

      if (permissions != NULL && g_strv_contains (permissions, kinds[i].view_permission))
        continue;
      stmt = kouan_statement_get (db,
        "DELETE FROM people_records WHERE enterprise_id = ?1 AND collection = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, kinds[i].name, -1, SQLITE_STATIC);
      if (!kouan_statement_run (stmt, error))
        return FALSE;
    }
  return TRUE;
}

static int
compare_members (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  KouanMember *x = (KouanMember *) a, *y = (KouanMember *) b;
  int by_name = g_utf8_collate (x->name, y->name);

  return by_name != 0 ? by_name : g_strcmp0 (x->account, y->account);
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

static int
compare_departments (gconstpointer a,
                     gconstpointer b,
                     gpointer      user_data)
{
  return g_utf8_collate (((KouanDepartment *) a)->name, ((KouanDepartment *) b)->name);
}

static GListModel *
list (KouanStore        *self,
      const PeopleKind  *kind,
      gint64             enterprise_id,
      GCompareDataFunc   compare,
      GError           **error)
{
  g_autoptr(GListStore) items = g_list_store_new (kind->get_type ());
  g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  /* newest first for the audit log; others are sorted below */
  stmt = kouan_statement_get (self->db,
    "SELECT record FROM people_records WHERE enterprise_id = ?1 AND collection = ?2"
    " ORDER BY id DESC", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, kind->name, -1, SQLITE_STATIC);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(JsonObject) record = NULL;
          g_autoptr(GError) local_error = NULL;
          GObject *item;

          record = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, &local_error);
          item = record != NULL ? kind->parse (record, enterprise_id, &local_error) : NULL;
          if (item == NULL)
            {
              /* stored only after the same codec accepted it */
              g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                           "A cached record of \"%s\" cannot be read: %s", kind->name,
                           local_error->message);
              ok = FALSE;
              break;
            }
          g_ptr_array_add (parsed, item);
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, self->db, rc, "Cannot list the admin records");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  if (!ok)
    return NULL;

  g_list_store_splice (items, 0, 0, parsed->pdata, parsed->len);
  if (compare != NULL)
    g_list_store_sort (items, compare, NULL);
  return G_LIST_MODEL (g_steal_pointer (&items));
}

GListModel *
kouan_store_list_members (KouanStore  *self,
                          gint64       enterprise_id,
                          GError     **error)
{
  return list (self, &kinds[0], enterprise_id, compare_members, error);
}

static void
list_members_thread (GTask        *task,
                     gpointer      source,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  g_autoptr(GError) error = NULL;
  GListModel *members = kouan_store_list_members (source, *(gint64 *) task_data, &error);

  if (members == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, members, g_object_unref);
}

void
kouan_store_list_members_async (KouanStore          *self,
                                gint64               enterprise_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, kouan_store_list_members_async);
  g_task_set_task_data (task, g_memdup2 (&enterprise_id, sizeof enterprise_id), g_free);
  g_task_run_in_thread (task, list_members_thread);
}

GListModel *
kouan_store_list_members_finish (KouanStore    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

GListModel *
kouan_store_list_roles (KouanStore  *self,
                        gint64       enterprise_id,
                        GError     **error)
{
  return list (self, &kinds[1], enterprise_id, compare_roles, error);
}

GListModel *
kouan_store_list_departments (KouanStore  *self,
                              gint64       enterprise_id,
                              GError     **error)
{
  return list (self, &kinds[2], enterprise_id, compare_departments, error);
}

GListModel *
kouan_store_list_audit (KouanStore  *self,
                        gint64       enterprise_id,
                        GError     **error)
{
  return list (self, &kinds[3], enterprise_id, NULL, error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-store-people.h"
#include "kouan-store-private.h"

/* Records are stored whole (the server's JSON) in people_records, keyed
 * by collection, after their typed codec accepted them: a record the app
 * could not read never enters the cache (the page is refused and pulled
 * again later, like any invalid record). Views load roles, departments and
 * the audit log at once into a GListStore of typed records (in a worker:
 * the _async calls); 人员权限's members, up to 10 000 (~2 MB), go through
 * KouanMemberList, which reads them in a worker with
 * _kouan_store_people_foreach() and parses only the records that changed. */

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

/* (transfer full) (nullable): the cached record, NULL when absent. */
static JsonObject *
read_record_locked (sqlite3     *db,
                    gint64       enterprise_id,
                    const char  *collection,
                    gint64       id,
                    GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "SELECT record FROM people_records WHERE enterprise_id = ?1 AND collection = ?2 AND id = ?3",
    error);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, error);
}

static gboolean
write_record_locked (const PeopleKind  *kind,
                     sqlite3           *db,
                     gint64             enterprise_id,
                     gint64             id,
                     JsonObject        *record,
                     GError           **error)
{
  g_autoptr(GError) local_error = NULL;

  /* a local edit must leave a record the views can read */
  if (!upsert (kind, db, enterprise_id, id, record, &local_error))
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "The edit would leave %s %" G_GINT64_FORMAT " unreadable: %s",
                   kind->name, id, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static void
merge (JsonObject *record,
       JsonObject *fields,
       const char *skip)
{
  g_autoptr(GList) names = json_object_get_members (fields);

  for (GList *l = names; l != NULL; l = l->next)
    if (g_strcmp0 (l->data, skip) != 0)
      json_object_set_member (record, l->data, json_node_copy (json_object_get_member (fields, l->data)));
}

/* The name of a cached record (a department's, a member's), or NULL. */
static char *
cached_name (sqlite3     *db,
             gint64       enterprise_id,
             const char  *collection,
             gint64       id)
{
  g_autoptr(JsonObject) record = id > 0 || id < 0
    ? read_record_locked (db, enterprise_id, collection, id, NULL) : NULL;
  const char *name = NULL;

  if (record != NULL)
    kouan_json_get_string (record, "name", &name, NULL);
  return g_strdup (name);
}

static void
set_id_and_name (sqlite3     *db,
                 gint64       enterprise_id,
                 JsonObject  *record,
                 JsonObject  *fields,
                 const char  *id_member,
                 const char  *collection,
                 const char  *name_member)
{
  g_autofree char *name = NULL;
  gint64 id = 0;

  if (!json_object_has_member (fields, id_member))
    return;
  kouan_json_get_opt_int (fields, id_member, &id, NULL);
  name = cached_name (db, enterprise_id, collection, id);
  if (name != NULL)
    json_object_set_string_member (record, name_member, name);
  else
    json_object_set_null_member (record, name_member);
}

/* The grants of a member edit, completed with their roles' names from the
 * cache as the server's record carries them. */
static gboolean
local_grants (sqlite3     *db,
              gint64       enterprise_id,
              JsonObject  *record,
              JsonObject  *fields,
              GError     **error)
{
  JsonArray *edits = NULL;
  JsonArray *grants;

  if (!json_object_has_member (fields, "grants"))
    return TRUE;
  if (!kouan_json_get_array (fields, "grants", &edits, error))
    return FALSE;
  grants = json_array_new ();
  json_object_set_array_member (record, "grants", grants);
  for (guint i = 0; i < json_array_get_length (edits); i++)
    {
      JsonNode *node = json_array_get_element (edits, i);
      g_autoptr(JsonObject) role = NULL;
      JsonObject *edit, *grant;
      gint64 role_id = 0, id = 0;
      const char *name = NULL, *starts_on = NULL, *ends_on = NULL;
      gboolean builtin = FALSE;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return (g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                                     "A grant edit is not an object"), FALSE);
      edit = json_node_get_object (node);
      if (!kouan_json_get_int (edit, "role_id", &role_id, error) ||
          !kouan_json_get_opt_int (edit, "id", &id, error) ||
          !kouan_json_get_string (edit, "starts_on", &starts_on, error) ||
          !kouan_json_get_opt_string (edit, "ends_on", &ends_on, error))
        return FALSE;
      role = read_record_locked (db, enterprise_id, "roles", role_id, NULL);
      if (role == NULL || !kouan_json_get_string (role, "name", &name, NULL) ||
          !kouan_json_get_bool (role, "builtin", &builtin, NULL))
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                       "Role %" G_GINT64_FORMAT " is not in the cache", role_id);
          return FALSE;
        }
      grant = json_object_new ();
      /* a grant added offline has no id until the server gives it one */
      json_object_set_int_member (grant, "id", id);
      json_object_set_int_member (grant, "role_id", role_id);
      json_object_set_string_member (grant, "role", name);
      json_object_set_boolean_member (grant, "builtin", builtin);
      json_object_set_string_member (grant, "starts_on", starts_on);
      if (ends_on != NULL)
        json_object_set_string_member (grant, "ends_on", ends_on);
      else
        json_object_set_null_member (grant, "ends_on");
      json_array_add_object_element (grants, grant);
    }
  return TRUE;
}

/* A queued card revocation on the cached member: the cards it names are
 * gone from the record (the server skips one already gone, too). */
static gboolean
revoke_cards_local (const PeopleKind  *kind,
                    sqlite3           *db,
                    gint64             enterprise_id,
                    gint64             record_id,
                    JsonObject        *record,
                    JsonObject        *fields,
                    GError           **error)
{
  JsonArray *revoked = NULL;
  JsonArray *cards = NULL;
  JsonArray *kept;

  if (!kouan_json_get_array (fields, "revoke_cards", &revoked, error))
    return FALSE;
  kept = json_array_new ();
  if (json_object_has_member (record, "cards") &&
      !kouan_json_get_array (record, "cards", &cards, error))
    {
      json_array_unref (kept);
      return FALSE;
    }
  for (guint i = 0; cards != NULL && i < json_array_get_length (cards); i++)
    {
      JsonNode *node = json_array_get_element (cards, i);
      const char *fingerprint = NULL;
      gboolean gone = FALSE;

      if (JSON_NODE_HOLDS_OBJECT (node))
        kouan_json_get_string (json_node_get_object (node), "fingerprint", &fingerprint, NULL);
      for (guint j = 0; fingerprint != NULL && j < json_array_get_length (revoked) && !gone; j++)
        gone = g_strcmp0 (json_array_get_string_element (revoked, j), fingerprint) == 0;
      if (!gone)
        json_array_add_element (kept, json_node_copy (node));
    }
  json_object_set_array_member (record, "cards", kept);
  return write_record_locked (kind, db, enterprise_id, record_id, record, error);
}

/* An outbox edit of a people collection on the cached record, the way the
 * server will apply it (kouan-server-people.c); the server's answer then
 * replaces it. The checks the server makes against other records (names
 * taken, the last administrator) are its own: a refusal comes back typed
 * (kouan_store_people_take_rejection()) and restores the record. */
static gboolean
apply_local (const PeopleKind  *kind,
             sqlite3           *db,
             gint64             enterprise_id,
             const char        *op,
             gint64             record_id,
             JsonObject        *fields,
             GError           **error)
{
  g_autoptr(JsonObject) record = NULL;

  if (g_strcmp0 (kind->name, "audit") == 0)
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "The audit log is written by the server only");
      return FALSE;
    }
  if (g_strcmp0 (op, "delete") == 0)
    return remove_record (kind->name, db, enterprise_id, record_id, error);

  if (g_strcmp0 (op, "create") == 0 && g_strcmp0 (kind->name, "members") != 0)
    {
      record = json_object_new ();
      json_object_set_int_member (record, "id", record_id);
      if (g_strcmp0 (kind->name, "roles") == 0)
        {
          json_object_set_boolean_member (record, "builtin", FALSE);
          json_object_set_int_member (record, "created_at", g_get_real_time () / G_USEC_PER_SEC);
        }
      else
        {
          json_object_set_null_member (record, "parent_id");
          json_object_set_null_member (record, "head_user_id");
          json_object_set_null_member (record, "head_name");
          json_object_set_int_member (record, "member_count", 0);
        }
    }
  else if (g_strcmp0 (op, "update") == 0)
    {
      g_autoptr(GError) local_error = NULL;

      record = read_record_locked (db, enterprise_id, kind->name, record_id, &local_error);
      if (record == NULL)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                       "Record %" G_GINT64_FORMAT " of \"%s\" is not in the cache",
                       record_id, kind->name);
          return FALSE;
        }
    }
  else
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "\"%s\" is not an edit of \"%s\"", op, kind->name);
      return FALSE;
    }

  if (g_strcmp0 (kind->name, "members") == 0 && json_object_has_member (fields, "revoke_cards"))
    return revoke_cards_local (kind, db, enterprise_id, record_id, record, fields, error);
  merge (record, fields, "grants");
  if (g_strcmp0 (kind->name, "members") == 0)
    {
      set_id_and_name (db, enterprise_id, record, fields, "department_id", "departments", "department");
      if (!local_grants (db, enterprise_id, record, fields, error))
        return FALSE;
    }
  else if (g_strcmp0 (kind->name, "departments") == 0)
    set_id_and_name (db, enterprise_id, record, fields, "head_user_id", "members", "head_name");

  return write_record_locked (kind, db, enterprise_id, record_id, record, error);
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
  static gboolean                                                                   \
  ident##_apply_local (sqlite3 *db, gint64 enterprise_id, const char *op,          \
                       gint64 id, JsonObject *fields, GError **error)               \
  {                                                                                 \
    return apply_local (&kinds[index], db, enterprise_id, op, id, fields, error);   \
  }                                                                                 \
  const KouanCollection kouan_##ident##_collection = {                              \
    .name = #ident,                                                                 \
    .upsert = ident##_upsert,                                                       \
    .remove = ident##_remove,                                                       \
    .apply_local = ident##_apply_local,                                                    \
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

gboolean
_kouan_store_people_foreach (KouanStore            *self,
                             gint64                 enterprise_id,
                             const char            *collection,
                             KouanPeopleRecordFunc  func,
                             gpointer               user_data,
                             GError               **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (func != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT id, record FROM people_records WHERE enterprise_id = ?1 AND collection = ?2", error);
  ok = stmt != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        func (sqlite3_column_int64 (stmt, 0), (const char *) sqlite3_column_text (stmt, 1), user_data);
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, self->db, rc, "Cannot list the admin records");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);
  return ok;
}

typedef GListModel *(*ListFunc) (KouanStore *self, gint64 enterprise_id, GError **error);

typedef struct {
  gint64   enterprise_id;
  ListFunc list;
} ListTask;

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ListTask *data = task_data;
  g_autoptr(GError) error = NULL;
  GListModel *items = data->list (source, data->enterprise_id, &error);

  if (items == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, items, g_object_unref);
}

static void
list_async (KouanStore          *self,
            ListFunc             list_func,
            gpointer             source_tag,
            gint64               enterprise_id,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  ListTask *data = g_new0 (ListTask, 1);

  data->enterprise_id = enterprise_id;
  data->list = list_func;
  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, g_free);
  g_task_run_in_thread (task, list_thread);
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

/* ---- edits: the store and the outbox ---- */

static JsonArray *
strv_to_array (const char * const *strv)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_array_add_string_element (array, strv[i]);
  return array;
}

static void
set_id_or_null (JsonObject *fields,
                const char *member,
                gint64      id)
{
  if (id != 0)
    json_object_set_int_member (fields, member, id);
  else
    json_object_set_null_member (fields, member);
}

/* An edit may only refer to records the server has: one created offline
 * is chosen again once it is synced. */
static gboolean
check_synced (gint64       id,
              const char  *what,
              GError     **error)
{
  if (id >= 0)
    return TRUE;
  g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
               "The %s was created offline and is not on the server yet", what);
  return FALSE;
}

static gboolean
enqueue (KouanStore  *self,
         gint64       enterprise_id,
         const char  *collection,
         const char  *op,
         gint64       record_id,
         JsonObject  *fields,
         GError     **error)
{
  g_autofree char *mutation_id = kouan_store_enqueue (self, enterprise_id, collection, op,
                                                      record_id, fields, error);

  return mutation_id != NULL;
}

static gboolean
create (KouanStore  *self,
        gint64       enterprise_id,
        const char  *collection,
        JsonObject  *fields,
        gint64      *out_id,
        GError     **error)
{
  gint64 temp_id = kouan_store_allocate_temp_id (self, error);

  if (temp_id == 0 || !enqueue (self, enterprise_id, collection, "create", temp_id, fields, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = temp_id;
  return TRUE;
}

gboolean
kouan_store_create_role (KouanStore          *self,
                         gint64               enterprise_id,
                         const char          *name,
                         const char * const  *permissions,
                         gint64              *out_id,
                         GError             **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  json_object_set_string_member (fields, "name", name);
  json_object_set_array_member (fields, "permissions", strv_to_array (permissions));
  return create (self, enterprise_id, "roles", fields, out_id, error);
}

gboolean
kouan_store_update_role (KouanStore          *self,
                         gint64               enterprise_id,
                         gint64               role_id,
                         const char          *name,
                         const char * const  *permissions,
                         GError             **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);

  if (name != NULL)
    json_object_set_string_member (fields, "name", name);
  if (permissions != NULL)
    json_object_set_array_member (fields, "permissions", strv_to_array (permissions));
  return enqueue (self, enterprise_id, "roles", "update", role_id, fields, error);
}

gboolean
kouan_store_delete_role (KouanStore  *self,
                         gint64       enterprise_id,
                         gint64       role_id,
                         GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  return enqueue (self, enterprise_id, "roles", "delete", role_id, fields, error);
}

gboolean
kouan_store_create_department (KouanStore  *self,
                               gint64       enterprise_id,
                               const char  *name,
                               gint64       parent_id,
                               gint64       head_user_id,
                               gint64      *out_id,
                               GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!check_synced (parent_id, "parent department", error))
    return FALSE;
  json_object_set_string_member (fields, "name", name);
  set_id_or_null (fields, "parent_id", parent_id);
  set_id_or_null (fields, "head_user_id", head_user_id);
  return create (self, enterprise_id, "departments", fields, out_id, error);
}

gboolean
kouan_store_update_department (KouanStore  *self,
                               gint64       enterprise_id,
                               gint64       department_id,
                               const char  *name,
                               gint64       parent_id,
                               gint64       head_user_id,
                               GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (!check_synced (parent_id, "parent department", error))
    return FALSE;
  json_object_set_string_member (fields, "name", name);
  set_id_or_null (fields, "parent_id", parent_id);
  set_id_or_null (fields, "head_user_id", head_user_id);
  return enqueue (self, enterprise_id, "departments", "update", department_id, fields, error);
}

gboolean
kouan_store_delete_department (KouanStore  *self,
                               gint64       enterprise_id,
                               gint64       department_id,
                               GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  return enqueue (self, enterprise_id, "departments", "delete", department_id, fields, error);
}

gboolean
kouan_store_update_member (KouanStore        *self,
                           gint64             enterprise_id,
                           gint64             member_id,
                           KouanMemberEdit    what,
                           gint64             department_id,
                           gboolean           disabled,
                           const KouanGrant  *grants,
                           guint              n_grants,
                           GError           **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);

  if ((what & KOUAN_MEMBER_EDIT_DEPARTMENT) && !check_synced (department_id, "department", error))
    return FALSE;
  for (guint i = 0; (what & KOUAN_MEMBER_EDIT_GRANTS) && i < n_grants; i++)
    if (!check_synced (grants[i].role_id, "role", error))
      return FALSE;
  if (what & KOUAN_MEMBER_EDIT_DEPARTMENT)
    set_id_or_null (fields, "department_id", department_id);
  if (what & KOUAN_MEMBER_EDIT_MEMBERSHIP)
    json_object_set_string_member (fields, "membership", disabled ? "disabled" : "active");
  if (what & KOUAN_MEMBER_EDIT_GRANTS)
    {
      JsonArray *array = json_array_new ();

      for (guint i = 0; i < n_grants; i++)
        {
          JsonObject *grant = json_object_new ();

          if (grants[i].id > 0)
            json_object_set_int_member (grant, "id", grants[i].id);
          json_object_set_int_member (grant, "role_id", grants[i].role_id);
          json_object_set_string_member (grant, "starts_on", grants[i].starts_on);
          if (grants[i].ends_on != NULL)
            json_object_set_string_member (grant, "ends_on", grants[i].ends_on);
          else
            json_object_set_null_member (grant, "ends_on");
          json_array_add_object_element (array, grant);
        }
      json_object_set_array_member (fields, "grants", array);
    }
  return enqueue (self, enterprise_id, "members", "update", member_id, fields, error);
}

gboolean
kouan_store_remove_member (KouanStore  *self,
                           gint64       enterprise_id,
                           gint64       member_id,
                           GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  return enqueue (self, enterprise_id, "members", "delete", member_id, fields, error);
}

gboolean
kouan_store_revoke_member_card (KouanStore  *self,
                                gint64       enterprise_id,
                                gint64       member_id,
                                const char  *fingerprint,
                                GError     **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  JsonArray *list = json_array_new ();

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (fingerprint != NULL, FALSE);

  json_array_add_string_element (list, fingerprint);
  json_object_set_array_member (fields, "revoke_cards", list);
  return enqueue (self, enterprise_id, "members", "update", member_id, fields, error);
}

/* ---- refusals ---- */

typedef struct {
  char *field;
} KouanPeopleErrorPrivate;

/* GLib passes the error's own private data (never NULL, zeroed); the
 * checks keep -Wnull-dereference quiet about its inlined lookup */
static void
kouan_people_error_private_init (KouanPeopleErrorPrivate *priv)
{
}

static void
kouan_people_error_private_copy (const KouanPeopleErrorPrivate *src,
                                 KouanPeopleErrorPrivate       *dest)
{
  if (src == NULL || dest == NULL)
    return;
  dest->field = g_strdup (src->field);
}

static void
kouan_people_error_private_clear (KouanPeopleErrorPrivate *priv)
{
  if (priv == NULL)
    return;
  g_free (priv->field);
  priv->field = NULL;
}

G_DEFINE_EXTENDED_ERROR (KouanPeopleError, kouan_people_error)

const char *
kouan_people_error_get_field (const GError *error)
{
  KouanPeopleErrorPrivate *priv = error != NULL ? kouan_people_error_get_private (error) : NULL;

  return priv != NULL ? priv->field : NULL;
}

static const struct {
  const char      *code;
  KouanPeopleError error;
} server_codes[] = {
  { "invalid_field", KOUAN_PEOPLE_ERROR_INVALID },
  { "not_found",     KOUAN_PEOPLE_ERROR_NOT_FOUND },
  { "forbidden",     KOUAN_PEOPLE_ERROR_FORBIDDEN },
  { "name_taken",    KOUAN_PEOPLE_ERROR_NAME_TAKEN },
  { "builtin_role",  KOUAN_PEOPLE_ERROR_BUILTIN_ROLE },
  { "not_empty",     KOUAN_PEOPLE_ERROR_NOT_EMPTY },
  { "cycle",         KOUAN_PEOPLE_ERROR_CYCLE },
  { "last_admin",    KOUAN_PEOPLE_ERROR_LAST_ADMIN },
};

gboolean
kouan_store_people_take_rejection (KouanStore  *self,
                                   gint64       enterprise_id,
                                   const char  *collection,
                                   GError     **error)
{
  g_autofree char *key = g_strdup_printf ("rejected:%s:%" G_GINT64_FORMAT, collection, enterprise_id);
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *code = NULL, *field = NULL, *message = NULL;
  KouanPeopleError kind = KOUAN_PEOPLE_ERROR_FAILED;
  GError *rejection;

  g_return_val_if_fail (KOUAN_IS_STORE (self), TRUE);

  text = kouan_store_get_meta (self, key);
  if (text == NULL || text[0] == '\0')
    return TRUE;
  /* told once: the next refusal replaces it */
  kouan_store_set_meta (self, key, "", NULL);
  object = kouan_json_parse_object (text, -1, NULL);
  if (object != NULL)
    {
      kouan_json_get_string (object, "code", &code, NULL);
      kouan_json_get_opt_string (object, "field", &field, NULL);
      kouan_json_get_string (object, "message", &message, NULL);
    }
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (server_codes); i++)
    if (g_str_equal (code, server_codes[i].code))
      kind = server_codes[i].error;

  rejection = g_error_new (KOUAN_PEOPLE_ERROR, kind, "The server refused the change to %s: %s",
                           collection, message != NULL ? message : "no reason given");
  {
    KouanPeopleErrorPrivate *priv = kouan_people_error_get_private (rejection);

    if (priv != NULL)
      priv->field = g_strdup (field);
  }
  g_propagate_error (error, rejection);
  return FALSE;
}

void
kouan_store_list_roles_async (KouanStore          *self,
                              gint64               enterprise_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_return_if_fail (KOUAN_IS_STORE (self));
  list_async (self, kouan_store_list_roles, kouan_store_list_roles_async,
              enterprise_id, cancellable, callback, user_data);
}

GListModel *
kouan_store_list_roles_finish (KouanStore    *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kouan_store_list_departments_async (KouanStore          *self,
                                    gint64               enterprise_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_return_if_fail (KOUAN_IS_STORE (self));
  list_async (self, kouan_store_list_departments, kouan_store_list_departments_async,
              enterprise_id, cancellable, callback, user_data);
}

GListModel *
kouan_store_list_departments_finish (KouanStore    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-server.h"
#include "kouan-server-admin-private.h"

/* The admin center's people pages as synced collections: "members" (with
 * their grants), "roles", "departments" and "audit" (docs/api.md, "The
 * people collections"). Records carry facts only, never a status judged
 * on a day: the client judges grants with core's rule on its own today,
 * so a record need not change when a day passes. Each collection is sent
 * only to members holding its view permission (the feed checks it); the
 * change rows come from the triggers of database migration 9. */

/* ---- members ---- */

static JsonArray *
member_grants (KouanServer *self,
               gint64       enterprise_id,
               gint64       user_id)
{
  g_autoptr(GArray) stored = g_array_new (FALSE, TRUE, sizeof (KouanStoredGrant));
  g_autoptr(GError) error = NULL;
  JsonArray *grants = json_array_new ();

  g_array_set_clear_func (stored, (GDestroyNotify) kouan_stored_grant_clear);
  if (!self->storage->people->member_grants (self->storage, enterprise_id, user_id, stored,
                                             &error))
    {
      kouan_server_storage_failed (self, error);
      return grants;
    }
  for (guint i = 0; i < stored->len; i++)
    {
      const KouanStoredGrant *row = &g_array_index (stored, KouanStoredGrant, i);
      JsonObject *grant = json_object_new ();

      json_object_set_int_member (grant, "id", row->id);
      json_object_set_int_member (grant, "role_id", row->role_id);
      json_object_set_string_member (grant, "role", row->role);
      json_object_set_boolean_member (grant, "builtin", row->builtin);
      json_object_set_string_member (grant, "starts_on", row->starts_on);
      if (row->ends_on != NULL)
        json_object_set_string_member (grant, "ends_on", row->ends_on);
      else
        json_object_set_null_member (grant, "ends_on");
      json_array_add_object_element (grants, grant);
    }
  return grants;
}

static JsonObject *
members_materialise (KouanServer *self,
                     gint64       enterprise_id,
                     gint64       record_id,
                     gint64       user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT u.account, u.name, m.department_id, d.name, m.status, m.registered_on"
    " FROM memberships m JOIN users u ON u.id = m.user_id"
    " LEFT JOIN departments d ON d.id = m.department_id"
    " WHERE m.enterprise_id = ?1 AND m.user_id = ?2");
  JsonObject *member = NULL;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  if (kouan_server_db_row (self, stmt))
    {
      member = json_object_new ();
      json_object_set_int_member (member, "id", record_id);
      json_object_set_string_member (member, "account", kouan_server_db_column_text (stmt, 0));
      json_object_set_string_member (member, "name", kouan_server_db_column_text (stmt, 1));
      kouan_server_db_set_int_or_null (member, "department_id", stmt, 2);
      kouan_server_db_set_text_or_null (member, "department", stmt, 3);
      json_object_set_string_member (member, "membership", kouan_server_db_column_text (stmt, 4));
      kouan_server_db_set_text_or_null (member, "registered_on", stmt, 5);
    }
  sqlite3_reset (stmt);
  if (member != NULL)
    {
      json_object_set_array_member (member, "grants", member_grants (self, enterprise_id, record_id));
      /* the account's IC cards (storage area 2; migration 14 touches the
       * member when they change) */
      json_object_set_array_member (member, "cards", kouan_server_card_member_cards (self, record_id));
    }
  return member;
}

JsonObject *
kouan_server_people_member_json (KouanServer *self,
                                 gint64       enterprise_id,
                                 gint64       user_id)
{
  return members_materialise (self, enterprise_id, user_id, 0);
}

/* ---- roles ---- */

static JsonObject *
roles_materialise (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  g_autofree char *today = kouan_server_today (self);
  g_auto(KouanStoredRole) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonArray *permissions;
  JsonObject *role;

  if (!self->storage->people->role_get (self->storage, enterprise_id, record_id, today,
                                        &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  role = json_object_new ();
  json_object_set_int_member (role, "id", record_id);
  json_object_set_string_member (role, "name", stored.name);
  json_object_set_boolean_member (role, "builtin", stored.builtin);
  json_object_set_int_member (role, "created_at", stored.created_at);
  /* the built-in role holds every permission without listing them; the
   * client knows the menus (kouan-permissions.h) */
  permissions = json_array_new ();
  for (guint i = 0; i < stored.permissions->len; i++)
    json_array_add_string_element (permissions, g_ptr_array_index (stored.permissions, i));
  json_object_set_array_member (role, "permissions", permissions);
  return role;
}

/* ---- departments ---- */

static JsonObject *
departments_materialise (KouanServer *self,
                         gint64       enterprise_id,
                         gint64       record_id,
                         gint64       user_id)
{
  return _kouan_server_admin_department_json (self, enterprise_id, record_id);
}

/* ---- audit ---- */

static JsonNode *
parse_or_null (const char *text)
{
  g_autoptr(JsonObject) object = NULL;
  JsonNode *node;

  if (text != NULL)
    object = kouan_json_parse_object (text, -1, NULL);
  if (object == NULL)
    return json_node_new (JSON_NODE_NULL);
  node = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (node, object);
  return node;
}

static JsonObject *
audit_materialise (KouanServer *self,
                   gint64       enterprise_id,
                   gint64       record_id,
                   gint64       user_id)
{
  g_auto(KouanStoredAuditEntry) stored = { 0 };
  g_autoptr(GError) error = NULL;
  JsonObject *entry;

  if (!self->storage->audit->audit_get (self->storage, enterprise_id, record_id, &stored, &error))
    {
      kouan_server_storage_failed (self, error);
      return NULL;
    }
  if (stored.id == 0)
    return NULL;
  entry = json_object_new ();
  json_object_set_int_member (entry, "id", record_id);
  if (stored.user_id != 0)
    json_object_set_int_member (entry, "actor_id", stored.user_id);
  else
    json_object_set_null_member (entry, "actor_id");
  if (stored.account != NULL)
    json_object_set_string_member (entry, "actor_account", stored.account);
  else
    json_object_set_null_member (entry, "actor_account");
  if (stored.name != NULL)
    json_object_set_string_member (entry, "actor_name", stored.name);
  else
    json_object_set_null_member (entry, "actor_name");
  json_object_set_string_member (entry, "action", stored.action);
  json_object_set_member (entry, "before", parse_or_null (stored.before_json));
  json_object_set_member (entry, "after", parse_or_null (stored.after_json));
  json_object_set_int_member (entry, "at", stored.created_at);
  return entry;
}

/* ---- mutations ----
 *
 * The people pages edit through the outbox like every other area
 * (docs/api.md, "The people collections: mutations"). Each mutation runs
 * under a savepoint inside the batch's transaction: a refused one leaves
 * nothing behind, and comes back with the server's code, the field it
 * blames and the current record, which restores the client's cache. A
 * change that would leave the enterprise without an active administrator
 * is undone and refused as "last_admin". */

typedef struct {
  KouanServer               *self;
  const KouanServerMutation *mutation;
  gint64                     enterprise_id;
  gint64                     user_id;
  gint64                     record_id; /* the mutation's, or a created record's */
} Apply;

static JsonObject *
refuse (Apply       *apply,
        const char  *code,
        const char  *field,
        const char  *message)
{
  const KouanServerCollection *kind = kouan_server_collections_lookup (apply->self,
                                                                       apply->mutation->collection);
  JsonObject *current = NULL;

  if (apply->record_id > 0 && kind != NULL)
    current = kind->materialise (apply->self, apply->enterprise_id,
                                 apply->record_id, apply->user_id);
  return kouan_server_enterprise_rejected (apply->mutation->id, code, field, NULL, message, current);
}

static gboolean
only_known_fields (JsonObject        *fields,
                   const char *const *known,
                   const char       **out_unknown)
{
  g_autoptr(GList) names = json_object_get_members (fields);

  for (GList *l = names; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        *out_unknown = l->data;
        return FALSE;
      }
  return TRUE;
}

/* A string member, or NULL when absent or not a string. */
static const char *
string_member (JsonObject *fields,
               const char *name)
{
  JsonNode *node = json_object_get_member (fields, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_STRING ? json_node_get_string (node) : NULL;
}

/* An optional id member: absent → *present FALSE; null → 0; FALSE when
 * it is neither a positive integer nor null. */
static gboolean
id_member (JsonObject *fields,
           const char *name,
           gboolean   *present,
           gint64     *out)
{
  JsonNode *node = json_object_get_member (fields, name);

  *present = node != NULL;
  *out = 0;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) <= 0)
    return FALSE;
  *out = json_node_get_int (node);
  return TRUE;
}

/* Releases the mutation's savepoint, or rolls it back and refuses when
 * the enterprise would be left without an active administrator. */
static JsonObject *
finish (Apply       *apply,
        const char  *action,
        JsonObject  *before,
        GError     **error)
{
  const KouanServerCollection *kind = kouan_server_collections_lookup (apply->self,
                                                                       apply->mutation->collection);
  JsonObject *after = NULL;

  if (kouan_server_authz_count_admins (apply->self, apply->enterprise_id) < 1)
    {
      apply->self->storage->people->savepoint_rollback (apply->self->storage);
      return refuse (apply, "last_admin", NULL,
                     "An enterprise needs at least one active administrator: "
                     "grant the administrator role to another member first");
    }
  if (g_strcmp0 (apply->mutation->op, "delete") != 0)
    after = kind->materialise (apply->self, apply->enterprise_id, apply->record_id,
                               apply->user_id);
  if (!kouan_server_audit_record (apply->self, apply->enterprise_id, apply->user_id, action,
                                  before, after))
    {
      g_clear_pointer (&after, json_object_unref);
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                   "Cannot record %s in the audit log", action);
      return NULL;
    }
  if (!apply->self->storage->people->savepoint_release (apply->self->storage, error))
    {
      g_clear_pointer (&after, json_object_unref);
      return NULL;
    }
  return kouan_server_mutation_applied (apply->mutation->id, after);
}

/* Undoes the mutation's savepoint after a database failure. */
static JsonObject *
abandon (Apply   *apply,
         GError **error)
{
  apply->self->storage->people->savepoint_rollback (apply->self->storage);
  (void) error;
  return NULL;
}

/* roles: create {name, permissions}, update {name?, permissions?}, delete */

static gboolean
read_permissions (JsonObject  *fields,
                  GPtrArray  **out)
{
  JsonNode *node = json_object_get_member (fields, "permissions");
  g_autoptr(GPtrArray) permissions = g_ptr_array_new_with_free_func (g_free);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          !kouan_permission_is_valid (json_node_get_string (element)))
        return FALSE;
      g_ptr_array_add (permissions, g_strdup (json_node_get_string (element)));
    }
  *out = g_steal_pointer (&permissions);
  return TRUE;
}

static JsonObject *
roles_apply (KouanServer               *self,
             const KouanServerMutation *mutation,
             gint64                     enterprise_id,
             gint64                     user_id,
             GError                   **error)
{
  Apply apply = { self, mutation, enterprise_id, user_id, mutation->record_id };
  static const char *const known[] = { "name", "permissions", NULL };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(GPtrArray) permissions = NULL;
  const char *unknown = NULL, *name = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  gboolean delete = g_strcmp0 (mutation->op, "delete") == 0;

  if (!create && !delete && g_strcmp0 (mutation->op, "update") != 0)
    return refuse (&apply, "invalid_field", NULL, "Roles are created, updated or deleted");
  if (!only_known_fields (mutation->fields, known, &unknown))
    return refuse (&apply, "invalid_field", unknown, "Not a field of a role");
  if (!create)
    {
      before = roles_materialise (self, enterprise_id, mutation->record_id, user_id);
      if (before == NULL)
        return refuse (&apply, "not_found", NULL, "The role no longer exists");
    }
  if (json_object_has_member (mutation->fields, "name") || create)
    {
      name = string_member (mutation->fields, "name");
      if (!_kouan_server_admin_name_is_valid (name))
        return refuse (&apply, "invalid_field", "name",
                       "A role needs a name of 1 to 50 characters without surrounding spaces");
      if (_kouan_server_admin_role_name_taken (self, enterprise_id, name,
                                               create ? 0 : mutation->record_id))
        return refuse (&apply, "name_taken", "name", "The enterprise already has a role with this name");
    }
  if ((json_object_has_member (mutation->fields, "permissions") || create) &&
      !read_permissions (mutation->fields, &permissions))
    return refuse (&apply, "invalid_field", "permissions",
                   "\"permissions\" must be an array of known \"<menu>:<right>\" strings");
  if (before != NULL && json_object_get_boolean_member (before, "builtin") &&
      (delete || name != NULL || permissions != NULL))
    return refuse (&apply, "builtin_role", NULL,
                   "The built-in administrator role always holds every permission, keeps its name "
                   "and cannot be deleted");

  if (!self->storage->people->savepoint (self->storage, error))
    return NULL;
  if (create)
    {
      /* the result carries the new record; its id replaces the temporary one */
      if (!self->storage->people->role_create (self->storage, enterprise_id, name, NULL,
                                               g_get_real_time () / G_USEC_PER_SEC,
                                               &apply.record_id, error))
        return abandon (&apply, error);
    }
  else if (delete)
    {
      _kouan_server_admin_touch_role_holders (self, enterprise_id, mutation->record_id);
      if (!self->storage->people->role_delete (self->storage, enterprise_id, mutation->record_id,
                                               NULL, error))
        return abandon (&apply, error);
    }
  if (!delete && (name != NULL || permissions != NULL) &&
      !_kouan_server_admin_update_role (self, enterprise_id, apply.record_id,
                                        create ? NULL : name, permissions, error))
    return abandon (&apply, error);
  if (!create && !delete)
    _kouan_server_admin_touch_role_holders (self, enterprise_id, mutation->record_id);
  return finish (&apply, create ? "role.create" : delete ? "role.delete" : "role.update",
                 before, error);
}

/* departments: create {name, parent_id?, head_user_id?}, update (any of
 * them), delete (only an empty one) */

static gboolean
is_member_of (KouanServer *self,
              gint64       enterprise_id,
              gint64       user_id)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;

  /* an active member (a disabled one heads no department) */
  if (!self->storage->people->member_status (self->storage, enterprise_id, user_id, &status,
                                             &error))
    kouan_server_storage_failed (self, error);
  return g_strcmp0 (status, "active") == 0;
}

static JsonObject *
departments_apply (KouanServer               *self,
                   const KouanServerMutation *mutation,
                   gint64                     enterprise_id,
                   gint64                     user_id,
                   GError                   **error)
{
  Apply apply = { self, mutation, enterprise_id, user_id, mutation->record_id };
  static const char *const known[] = { "name", "parent_id", "head_user_id", NULL };
  g_autoptr(JsonObject) before = NULL;
  const char *unknown = NULL, *name = NULL;
  gboolean create = g_strcmp0 (mutation->op, "create") == 0;
  gboolean delete = g_strcmp0 (mutation->op, "delete") == 0;
  gboolean has_parent, has_head;
  gint64 parent_id, head_id;

  if (!create && !delete && g_strcmp0 (mutation->op, "update") != 0)
    return refuse (&apply, "invalid_field", NULL, "Departments are created, updated or deleted");
  if (!only_known_fields (mutation->fields, known, &unknown))
    return refuse (&apply, "invalid_field", unknown, "Not a field of a department");
  if (!create)
    {
      before = departments_materialise (self, enterprise_id, mutation->record_id, user_id);
      if (before == NULL)
        return refuse (&apply, "not_found", NULL, "The department no longer exists");
    }
  if (json_object_has_member (mutation->fields, "name") || create)
    {
      name = string_member (mutation->fields, "name");
      if (!_kouan_server_admin_name_is_valid (name))
        return refuse (&apply, "invalid_field", "name",
                       "A department needs a name of 1 to 50 characters without surrounding spaces");
    }
  if (!id_member (mutation->fields, "parent_id", &has_parent, &parent_id))
    return refuse (&apply, "invalid_field", "parent_id", "\"parent_id\" must be a department id or null");
  if (!id_member (mutation->fields, "head_user_id", &has_head, &head_id))
    return refuse (&apply, "invalid_field", "head_user_id", "\"head_user_id\" must be a member id or null");
  if (parent_id != 0)
    {
      g_autoptr(JsonObject) parent = departments_materialise (self, enterprise_id, parent_id, user_id);

      if (parent == NULL)
        return refuse (&apply, "invalid_field", "parent_id",
                       "The parent department does not exist in this enterprise");
      if (!create && _kouan_server_admin_is_descendant_or_self (self, enterprise_id, mutation->record_id,
                                                                 parent_id))
        return refuse (&apply, "cycle", "parent_id",
                       "A department cannot move under itself or one of its sub-departments");
    }
  if (head_id != 0 && !is_member_of (self, enterprise_id, head_id))
    return refuse (&apply, "invalid_field", "head_user_id",
                   "The department head must be a member of the enterprise");
  if (delete)
    {
      gboolean has_children = FALSE;

      if (!self->storage->people->department_has_children (self->storage, enterprise_id,
                                                           mutation->record_id, &has_children,
                                                           error))
        return NULL;
      if (has_children || json_object_get_int_member (before, "member_count") > 0)
        return refuse (&apply, "not_empty", NULL,
                       "Only an empty department can be deleted: move its members and sub-departments first");
    }

  if (!self->storage->people->savepoint (self->storage, error))
    return NULL;
  if (create)
    {
      if (!self->storage->people->department_create (self->storage, enterprise_id, parent_id, name,
                                                     head_id, &apply.record_id, error))
        return abandon (&apply, error);
    }
  else if (delete)
    {
      if (!self->storage->people->department_delete (self->storage, enterprise_id,
                                                     mutation->record_id, error))
        return abandon (&apply, error);
    }
  else if (!self->storage->people->department_update (self->storage, enterprise_id,
                                                      mutation->record_id, name, has_parent,
                                                      parent_id, has_head, head_id, error))
    return abandon (&apply, error);
  return finish (&apply, create ? "department.create" : delete ? "department.delete" : "department.update",
                 before, error);
}

/* members: update {department_id?, membership?, grants?}, delete (remove
 * from the enterprise). "grants" is the member's whole list: a grant with
 * an "id" keeps it (its dates may change), one without is added, a grant
 * left out is removed — additions and removals in one step, so the last
 * administrator can hand over in a single edit. */

typedef struct {
  gint64      id;       /* 0: new */
  gint64      role_id;
  const char *starts_on;
  const char *ends_on;  /* (nullable) open-ended */
} GrantEdit;

static gboolean
read_grants (KouanServer *self,
             gint64       enterprise_id,
             gint64       member_id,
             JsonObject  *fields,
             GArray      *out,
             const char **out_message)
{
  JsonNode *node = json_object_get_member (fields, "grants");
  JsonArray *array;

  *out_message = "\"grants\" must be an array of {id?, role_id, starts_on, ends_on}";
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      JsonObject *grant;
      GrantEdit edit = { 0 };
      gboolean present;
      JsonNode *ends;
      gboolean found;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        return FALSE;
      grant = json_node_get_object (element);
      if (!id_member (grant, "id", &present, &edit.id) ||
          !id_member (grant, "role_id", &present, &edit.role_id) || edit.role_id == 0)
        return FALSE;
      edit.starts_on = string_member (grant, "starts_on");
      if (!_kouan_server_admin_date_is_valid (edit.starts_on))
        {
          *out_message = "A grant's \"starts_on\" must be a date, YYYY-MM-DD";
          return FALSE;
        }
      ends = json_object_get_member (grant, "ends_on");
      if (ends != NULL && !JSON_NODE_HOLDS_NULL (ends))
        {
          edit.ends_on = string_member (grant, "ends_on");
          if (!_kouan_server_admin_date_is_valid (edit.ends_on))
            {
              *out_message = "A grant's \"ends_on\" must be a date, YYYY-MM-DD, or null";
              return FALSE;
            }
          if (strcmp (edit.ends_on, edit.starts_on) < 0)
            {
              *out_message = "A grant cannot end before it starts";
              return FALSE;
            }
        }
      {
        g_auto(KouanStoredRole) role = { 0 };
        g_autoptr(GError) error = NULL;

        if (!self->storage->people->role_get (self->storage, enterprise_id, edit.role_id,
                                              "0000-00-00", &role, &error))
          kouan_server_storage_failed (self, error);
        found = role.id != 0;
      }
      if (!found)
        {
          *out_message = "A grant names a role this enterprise does not have";
          return FALSE;
        }
      if (edit.id != 0)
        {
          g_auto(KouanStoredGrant) kept = { 0 };
          g_autoptr(GError) error = NULL;

          if (!self->storage->people->grant_get (self->storage, enterprise_id, edit.id, &kept,
                                                 &error))
            kouan_server_storage_failed (self, error);
          found = kept.id != 0 && kept.user_id == member_id && kept.role_id == edit.role_id;
          if (!found)
            {
              *out_message = "A kept grant is not one of the member's, or changed its role";
              return FALSE;
            }
        }
      g_array_append_val (out, edit);
    }
  return TRUE;
}

static gboolean
store_grants (KouanServer  *self,
              gint64        enterprise_id,
              gint64        member_id,
              GArray       *grants,
              GError      **error)
{
  g_autoptr(GArray) current = g_array_new (FALSE, TRUE, sizeof (KouanStoredGrant));
  KouanStoragePeople const *people = self->storage->people;

  g_array_set_clear_func (current, (GDestroyNotify) kouan_stored_grant_clear);
  /* additions and date changes first, then removals */
  for (guint i = 0; i < grants->len; i++)
    {
      GrantEdit *edit = &g_array_index (grants, GrantEdit, i);

      if (edit->id == 0)
        {
          if (!people->grant_create (self->storage, enterprise_id, member_id, edit->role_id,
                                     edit->starts_on, edit->ends_on,
                                     g_get_real_time () / G_USEC_PER_SEC, &edit->id, error))
            return FALSE;
        }
      else if (!people->grant_set_period (self->storage, enterprise_id, edit->id,
                                          edit->starts_on, edit->ends_on, error))
        return FALSE;
    }

  if (!people->member_grants (self->storage, enterprise_id, member_id, current, error))
    return FALSE;
  for (guint i = 0; i < current->len; i++)
    {
      gint64 id = g_array_index (current, KouanStoredGrant, i).id;
      gboolean kept = FALSE;

      for (guint j = 0; j < grants->len && !kept; j++)
        kept = g_array_index (grants, GrantEdit, j).id == id;
      if (!kept && !people->grant_delete (self->storage, enterprise_id, id, error))
        return FALSE;
    }
  return TRUE;
}

static JsonObject *
members_apply (KouanServer               *self,
               const KouanServerMutation *mutation,
               gint64                     enterprise_id,
               gint64                     user_id,
               GError                   **error)
{
  Apply apply = { self, mutation, enterprise_id, user_id, mutation->record_id };
  static const char *const known[] = { "department_id", "membership", "grants", "revoke_cards", NULL };
  g_autoptr(JsonObject) before = NULL;
  g_autoptr(GArray) grants = g_array_new (FALSE, FALSE, sizeof (GrantEdit));
  const char *unknown = NULL, *membership = NULL, *message = NULL;
  gboolean delete = g_strcmp0 (mutation->op, "delete") == 0;
  gboolean has_department, has_grants;
  gint64 department_id;
  sqlite3_stmt *stmt;

  if (!delete && g_strcmp0 (mutation->op, "update") != 0)
    return refuse (&apply, "invalid_field", NULL,
                   "Members join through join requests; they are updated or removed");
  if (!only_known_fields (mutation->fields, known, &unknown))
    return refuse (&apply, "invalid_field", unknown, "Not a field of a member");
  before = members_materialise (self, enterprise_id, mutation->record_id, user_id);
  if (before == NULL)
    return refuse (&apply, "not_found", NULL, "The member is no longer in the enterprise");
  if (json_object_has_member (mutation->fields, "revoke_cards"))
    {
      /* revoking IC cards (kouan-server-card-admin.c), sent alone; each
       * revocation is audited as card.revoke */
      if (delete || json_object_get_size (mutation->fields) != 1)
        return refuse (&apply, "invalid_field", "revoke_cards",
                       "\"revoke_cards\" is an update of its own");
      if (!self->storage->people->savepoint (self->storage, error))
        return NULL;
      if (!kouan_server_card_revoke_list (self, enterprise_id, user_id, before,
                                          json_object_get_member (mutation->fields, "revoke_cards"),
                                          &message, error))
        return abandon (&apply, error);
      if (message != NULL)
        {
          self->storage->people->savepoint_rollback (self->storage);
          return refuse (&apply, "invalid_field", "revoke_cards", message);
        }
      if (!self->storage->people->savepoint_release (self->storage, error))
        return NULL;
      return kouan_server_mutation_applied (mutation->id,
                                            members_materialise (self, enterprise_id,
                                                                 mutation->record_id, user_id));
    }
  if (json_object_has_member (mutation->fields, "membership"))
    {
      membership = string_member (mutation->fields, "membership");
      if (g_strcmp0 (membership, "active") != 0 && g_strcmp0 (membership, "disabled") != 0)
        return refuse (&apply, "invalid_field", "membership", "\"membership\" must be active or disabled");
    }
  if (!id_member (mutation->fields, "department_id", &has_department, &department_id))
    return refuse (&apply, "invalid_field", "department_id", "\"department_id\" must be a department id or null");
  if (department_id != 0)
    {
      g_autoptr(JsonObject) department = departments_materialise (self, enterprise_id, department_id, user_id);

      if (department == NULL)
        return refuse (&apply, "invalid_field", "department_id",
                       "The department does not exist in this enterprise");
    }
  has_grants = json_object_has_member (mutation->fields, "grants");
  if (has_grants && !read_grants (self, enterprise_id, mutation->record_id, mutation->fields,
                                  grants, &message))
    return refuse (&apply, "invalid_field", "grants", message);

  if (!self->storage->people->savepoint (self->storage, error))
    return NULL;
  if (delete)
    {
      static const char *const removal[] = {
        "DELETE FROM grants WHERE enterprise_id = ?1 AND user_id = ?2",
        "UPDATE departments SET head_user_id = NULL WHERE enterprise_id = ?1 AND head_user_id = ?2",
        "DELETE FROM memberships WHERE enterprise_id = ?1 AND user_id = ?2",
      };

      for (guint i = 0; i < G_N_ELEMENTS (removal); i++)
        {
          stmt = kouan_server_db_stmt (self, removal[i]);
          sqlite3_bind_int64 (stmt, 1, enterprise_id);
          sqlite3_bind_int64 (stmt, 2, mutation->record_id);
          if (!kouan_server_db_step_done (self, stmt, error))
            return abandon (&apply, error);
        }
    }
  else
    {
      stmt = kouan_server_db_stmt (self,
        "UPDATE memberships SET status = COALESCE (?3, status),"
        "  department_id = CASE WHEN ?4 THEN NULLIF (?5, 0) ELSE department_id END"
        " WHERE enterprise_id = ?1 AND user_id = ?2");
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, mutation->record_id);
      if (membership != NULL)
        sqlite3_bind_text (stmt, 3, membership, -1, SQLITE_TRANSIENT);
      else
        sqlite3_bind_null (stmt, 3);
      sqlite3_bind_int (stmt, 4, has_department);
      sqlite3_bind_int64 (stmt, 5, department_id);
      if (!kouan_server_db_step_done (self, stmt, error))
        return abandon (&apply, error);
      if (has_grants && !store_grants (self, enterprise_id, mutation->record_id, grants, error))
        return abandon (&apply, error);
    }
  if (!delete)
    kouan_server_authz_touch_access (self, enterprise_id, mutation->record_id);
  return finish (&apply,
                 delete ? "member.remove"
                 : g_strcmp0 (membership, "disabled") == 0 ? "member.disable"
                 : g_strcmp0 (membership, "active") == 0 ? "member.enable"
                 : "member.update",
                 before, error);
}

static const KouanServerCollection members_collection = {
  .name = "members",
  .view_permission = "admin.staff:view",
  .manage_permission = "admin.staff:manage",
  .materialise = members_materialise,
  .apply = members_apply,
};

static const KouanServerCollection roles_collection = {
  .name = "roles",
  .view_permission = "admin.roles:view",
  .manage_permission = "admin.roles:manage",
  .materialise = roles_materialise,
  .apply = roles_apply,
};

static const KouanServerCollection departments_collection = {
  .name = "departments",
  .view_permission = "admin.departments:view",
  .manage_permission = "admin.departments:manage",
  .materialise = departments_materialise,
  .apply = departments_apply,
};

static const KouanServerCollection audit_collection = {
  .name = "audit",
  .view_permission = "admin.audit:view",
  .materialise = audit_materialise,
};

void
kouan_server_people_install (KouanServer *self)
{
  kouan_server_collections_add (self, &members_collection);
  kouan_server_collections_add (self, &roles_collection);
  kouan_server_collections_add (self, &departments_collection);
  kouan_server_collections_add (self, &audit_collection);
}

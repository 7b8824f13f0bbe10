/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 6, admin people, on PostgreSQL (schema: migration 10 of
 * kouan-storage-postgres.c). As on SQLite, the tables' triggers record
 * the changes of the people collections (members, roles, departments,
 * access) as computed rows (changes.computed): the feed materialises
 * them for their reader, since a member record carries its grants and an
 * access record what its member may do today, which change with the
 * date and with other tables' rows. */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define DONE(sql, n, params, what) _kouan_storage_pg_run_done (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT

/* @permissions as a text[] literal, each element quoted */
static char *
permissions_array (const char * const *permissions)
{
  g_autoptr(GString) text = g_string_new ("{");

  for (guint i = 0; permissions != NULL && permissions[i] != NULL; i++)
    {
      g_string_append (text, i > 0 ? ",\"" : "\"");
      for (const char *c = permissions[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static gboolean
exists (KouanStorage *storage, const char *sql, int n, const char * const *params,
        gboolean *out, GError **error, const char *what)
{
  PGresult *r = RUN (sql, n, params, what);

  *out = FALSE;
  if (r == NULL)
    return FALSE;
  *out = PQntuples (r) > 0;
  PQclear (r);
  return TRUE;
}

static gboolean
member_active (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
               gboolean *out_active, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  const char *params[] = { uid, eid };

  return exists (storage,
                 "SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id"
                 " WHERE m.user_id = $1 AND m.enterprise_id = $2 AND m.status = 'active'"
                 "   AND u.active", 2, params, out_active, error, "Reading a membership");
}

static gboolean
grant_allows (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
              const char *today, const char * const *permissions,
              gboolean *out_allowed, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  g_autofree char *satisfying = permissions_array (permissions);
  const char *params[] = { uid, eid, today, satisfying };

  return exists (storage,
                 "SELECT 1 FROM grants g JOIN roles r ON r.id = g.role_id"
                 " WHERE g.user_id = $1 AND g.enterprise_id = $2"
                 "   AND g.starts_on <= $3 AND (g.ends_on IS NULL OR g.ends_on >= $3)"
                 "   AND (r.builtin OR EXISTS (SELECT 1 FROM role_permissions p"
                 "        WHERE p.role_id = r.id AND p.permission = ANY ($4::text[])))"
                 " LIMIT 1", 4, params, out_allowed, error, "Checking a permission");
}

static gboolean
grant_permissions (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
                   const char *today, gboolean *out_builtin, GPtrArray *out,
                   GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  const char *params[] = { uid, eid, today };
  PGresult *r = RUN ("SELECT r.builtin, p.permission FROM grants g JOIN roles r ON r.id = g.role_id"
                     " LEFT JOIN role_permissions p ON p.role_id = r.id"
                     " WHERE g.user_id = $1 AND g.enterprise_id = $2"
                     "   AND g.starts_on <= $3 AND (g.ends_on IS NULL OR g.ends_on >= $3)",
                     3, params, "Reading permissions");

  *out_builtin = FALSE;
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      if (_kouan_storage_pg_bool_at (r, i, 0))
        *out_builtin = TRUE;
      if (!PQgetisnull (r, i, 1))
        g_ptr_array_add (out, g_strdup (PQgetvalue (r, i, 1)));
    }
  PQclear (r);
  return TRUE;
}

static gboolean
grant_roles (KouanStorage *storage, gint64 user_id, gint64 enterprise_id,
             const char *today, GPtrArray *out, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  const char *params[] = { uid, eid, today };
  /* COLLATE "C": the byte order SQLite sorts text in */
  PGresult *r = RUN ("SELECT DISTINCT CASE WHEN r.builtin THEN 'admin' ELSE r.name END COLLATE \"C\","
                     "   r.builtin"
                     " FROM grants g JOIN roles r ON r.id = g.role_id"
                     " WHERE g.user_id = $1 AND g.enterprise_id = $2"
                     "   AND g.starts_on <= $3 AND (g.ends_on IS NULL OR g.ends_on >= $3)"
                     " ORDER BY 2 DESC, 1", 3, params, "Reading roles");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    g_ptr_array_add (out, g_strdup (PQgetvalue (r, i, 0)));
  PQclear (r);
  return TRUE;
}

static gboolean
admins_count (KouanStorage *storage, gint64 enterprise_id, const char *today,
              gint64 *out_count, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid, today };
  PGresult *r = RUN ("SELECT count (DISTINCT g.user_id) FROM grants g"
                     " JOIN roles r ON r.id = g.role_id AND r.builtin"
                     " JOIN memberships m ON m.user_id = g.user_id AND m.enterprise_id = g.enterprise_id"
                     " JOIN users u ON u.id = g.user_id"
                     " WHERE g.enterprise_id = $1 AND m.status = 'active' AND u.active"
                     "   AND g.starts_on <= $2 AND (g.ends_on IS NULL OR g.ends_on >= $2)",
                     2, params, "Counting administrators");

  *out_count = 0;
  if (r == NULL)
    return FALSE;
  *out_count = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
access_touch (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };

  /* kouan_touch (migration 10): supersedes the record's numbered rows for
   * that audience, inserts a computed one and rings the doorbell */
  return DONE ("SELECT kouan_touch (enterprise_id, user_id, 'access', user_id)"
               " FROM memberships WHERE enterprise_id = $1 AND ($2 = 0 OR user_id = $2)",
               2, params, "Marking access as changed");
}

static gboolean
changes_reissue (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
                 const char *collection, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid, collection };

  /* each record's latest shared row, copied for @user_id (pending: it is
   * numbered after it commits, above every cursor) */
  return DONE ("INSERT INTO changes (enterprise_id, user_id, collection, record_id,"
               "   record_json, computed)"
               " SELECT DISTINCT ON (record_id) enterprise_id, $2, collection, record_id,"
               "   record_json, computed FROM changes"
               " WHERE enterprise_id = $1 AND collection = $3 AND user_id IS NULL"
               " ORDER BY record_id, id DESC", 3, params, "Reissuing a collection") &&
         DONE ("SELECT pg_notify ('kouan_feed', $1)", 1, params, "Reissuing a collection");
}

static gboolean
member_add (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
            const char *registered_on, GError **error)
{
  INT (uid, user_id);
  INT (eid, enterprise_id);
  const char *params[] = { uid, eid, registered_on };

  return DONE ("INSERT INTO memberships (user_id, enterprise_id, registered_on) VALUES ($1, $2, $3)",
               3, params, "Adding a member");
}

static gboolean
role_builtin (KouanStorage *storage, gint64 enterprise_id, gint64 *out_id,
              GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r = RUN ("SELECT id FROM roles WHERE enterprise_id = $1 AND builtin", 1, params,
                     "Reading the built-in role");

  *out_id = 0;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
role_create (KouanStorage *storage, gint64 enterprise_id, const char *name,
             const char * const *permissions, gint64 now, gint64 *out_id,
             GError **error)
{
  INT (eid, enterprise_id);
  INT (at, now);
  g_autofree char *held = permissions_array (permissions);
  const char *params[] = { eid, name, at, held };
  gboolean own, ok;
  gint64 id = 0;
  PGresult *r;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  r = RUN ("INSERT INTO roles (enterprise_id, name, builtin, created_at)"
           " VALUES ($1, $2, false, $3) RETURNING id", 3, params, "Creating a role");
  ok = r != NULL;
  if (ok)
    {
      INT (rid, _kouan_storage_pg_int_at (r, 0, 0));
      const char *add[] = { eid, rid, held };

      id = _kouan_storage_pg_int_at (r, 0, 0);
      PQclear (r);
      ok = DONE ("INSERT INTO role_permissions (enterprise_id, role_id, permission)"
                 " SELECT DISTINCT $1::bigint, $2::bigint, unnest ($3::text[])"
                 " ON CONFLICT DO NOTHING", 3, add, "Creating a role");
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

static gboolean
grant_create (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              gint64 role_id, const char *starts_on, const char *ends_on,
              gint64 now, gint64 *out_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (rid, role_id);
  INT (at, now);
  const char *params[] = { eid, uid, rid, starts_on, ends_on, at };
  PGresult *r = RUN ("INSERT INTO grants (enterprise_id, user_id, role_id, starts_on, ends_on, created_at)"
                     " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id", 6, params, "Granting a role");

  if (r == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

#define value_dup _kouan_storage_pg_value_dup

static gboolean
ids_into (PGresult *r, GArray *out)
{
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      gint64 id = _kouan_storage_pg_int_at (r, i, 0);

      g_array_append_val (out, id);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
user_enterprises (KouanStorage *storage, gint64 user_id, gboolean active_only, GArray *out,
                  GError **error)
{
  INT (uid, user_id);
  const char *params[] = { uid, active_only ? "t" : "f" };

  return ids_into (RUN ("SELECT enterprise_id FROM memberships WHERE user_id = $1"
                        " AND (NOT $2::boolean OR status = 'active') ORDER BY enterprise_id",
                        2, params, "Reading memberships"), out);
}

static gboolean
member_status (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
               char **out_status, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };
  PGresult *r = RUN ("SELECT status FROM memberships WHERE enterprise_id = $1 AND user_id = $2",
                     2, params, "Reading a membership");

  *out_status = NULL;
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    *out_status = value_dup (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
savepoint (KouanStorage *storage, GError **error)
{
  return DONE ("SAVEPOINT people_mutation", 0, NULL, "Beginning a mutation");
}

static gboolean
savepoint_release (KouanStorage *storage, GError **error)
{
  return DONE ("RELEASE SAVEPOINT people_mutation", 0, NULL, "Ending a mutation");
}

static void
savepoint_rollback (KouanStorage *storage)
{
  GError **error = NULL;

  if (DONE ("ROLLBACK TO SAVEPOINT people_mutation", 0, NULL, "Undoing a mutation"))
    DONE ("RELEASE SAVEPOINT people_mutation", 0, NULL, "Undoing a mutation");
}

static gboolean
roles_list (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };

  return ids_into (RUN ("SELECT id FROM roles WHERE enterprise_id = $1"
                        " ORDER BY builtin DESC, name COLLATE \"C\"", 1, params, "Listing roles"),
                   out);
}

static gboolean
role_get (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, const char *today,
          KouanStoredRole *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (rid, role_id);
  const char *params[] = { eid, rid, today };
  PGresult *r = RUN ("SELECT r.name, r.builtin, r.created_at,"
                     "  (SELECT count (DISTINCT g.user_id) FROM grants g WHERE g.role_id = r.id"
                     "     AND g.starts_on <= $3 AND (g.ends_on IS NULL OR g.ends_on >= $3)),"
                     "  (SELECT count (DISTINCT g.user_id) FROM grants g WHERE g.role_id = r.id),"
                     "  ARRAY (SELECT p.permission FROM role_permissions p WHERE p.role_id = r.id"
                     "         AND NOT r.builtin ORDER BY p.permission COLLATE \"C\")::text"
                     " FROM roles r WHERE r.id = $2 AND r.enterprise_id = $1",
                     3, params, "Reading a role");

  memset (out, 0, sizeof *out);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    {
      g_auto(GStrv) held = NULL;
      const char *array = PQgetvalue (r, 0, 5);
      gsize len = strlen (array);

      out->id = role_id;
      out->name = value_dup (r, 0, 0);
      out->builtin = _kouan_storage_pg_bool_at (r, 0, 1);
      out->created_at = _kouan_storage_pg_int_at (r, 0, 2);
      out->member_count = _kouan_storage_pg_int_at (r, 0, 3);
      out->granted_count = _kouan_storage_pg_int_at (r, 0, 4);
      out->permissions = g_ptr_array_new_with_free_func (g_free);
      /* a text[] of permissions ("menu.sub:right": nothing PostgreSQL
       * quotes) reads {a,b} */
      if (len > 2)
        {
          g_autofree char *inner = g_strndup (array + 1, len - 2);

          held = g_strsplit (inner, ",", -1);
          for (guint i = 0; held[i] != NULL; i++)
            g_ptr_array_add (out->permissions, g_strdup (held[i]));
        }
    }
  PQclear (r);
  return TRUE;
}

static gboolean
role_name_taken (KouanStorage *storage, gint64 enterprise_id, const char *name,
                 gint64 except_id, gboolean *out_taken, GError **error)
{
  INT (eid, enterprise_id);
  INT (except, except_id);
  const char *params[] = { eid, name, except };

  return exists (storage, "SELECT 1 FROM roles WHERE enterprise_id = $1 AND name = $2 AND id <> $3",
                 3, params, out_taken, error, "Reading roles");
}

static gboolean
role_update (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, const char *name,
             const char * const *permissions, GError **error)
{
  INT (eid, enterprise_id);
  INT (rid, role_id);

  if (name != NULL)
    {
      const char *params[] = { rid, name, eid };

      if (!DONE ("UPDATE roles SET name = $2 WHERE id = $1 AND enterprise_id = $3", 3, params,
                 "Renaming a role"))
        return FALSE;
    }
  if (permissions != NULL)
    {
      g_autofree char *held = permissions_array (permissions);
      const char *params[] = { eid, rid, held };

      /* only the rows that change, so the triggers touch the role once
       * per change as SQLite's do */
      if (!DONE ("DELETE FROM role_permissions WHERE role_id = $2 AND enterprise_id = $1"
                 " AND permission <> ALL ($3::text[])", 3, params, "Storing permissions") ||
          !DONE ("INSERT INTO role_permissions (enterprise_id, role_id, permission)"
                 " SELECT DISTINCT $1::bigint, $2::bigint, unnest ($3::text[])"
                 " ON CONFLICT DO NOTHING", 3, params, "Storing permissions"))
        return FALSE;
    }
  return TRUE;
}

static gboolean
role_delete (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, gint64 *out_removed,
             GError **error)
{
  INT (eid, enterprise_id);
  INT (rid, role_id);
  const char *params[] = { rid, eid };
  PGresult *r = RUN ("WITH gone AS (DELETE FROM grants WHERE role_id = $1 AND enterprise_id = $2"
                     " RETURNING 1) SELECT count (*) FROM gone", 2, params, "Deleting a role");

  if (r == NULL)
    return FALSE;
  if (out_removed != NULL)
    *out_removed = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return DONE ("DELETE FROM roles WHERE id = $1 AND enterprise_id = $2", 2, params,
               "Deleting a role");
}

static gboolean
role_holders (KouanStorage *storage, gint64 enterprise_id, gint64 role_id, GArray *out,
              GError **error)
{
  INT (eid, enterprise_id);
  INT (rid, role_id);
  const char *params[] = { rid, eid };

  return ids_into (RUN ("SELECT DISTINCT user_id FROM grants WHERE role_id = $1 AND enterprise_id = $2",
                        2, params, "Reading a role's holders"), out);
}

static gboolean
departments_list (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };

  return ids_into (RUN ("SELECT id FROM departments WHERE enterprise_id = $1"
                        " ORDER BY parent_id IS NOT NULL, parent_id, name COLLATE \"C\"",
                        1, params, "Listing departments"), out);
}

static gboolean
department_get (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                KouanStoredDepartment *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (did, department_id);
  const char *params[] = { eid, did };
  PGresult *r = RUN ("SELECT d.parent_id, d.name, d.head_user_id, u.name,"
                     "  (SELECT count (*) FROM memberships m WHERE m.department_id = d.id)"
                     " FROM departments d LEFT JOIN users u ON u.id = d.head_user_id"
                     " WHERE d.id = $2 AND d.enterprise_id = $1", 2, params, "Reading a department");

  memset (out, 0, sizeof *out);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    {
      out->id = department_id;
      out->parent_id = _kouan_storage_pg_int_at (r, 0, 0);
      out->name = value_dup (r, 0, 1);
      out->head_user_id = _kouan_storage_pg_int_at (r, 0, 2);
      out->head_name = value_dup (r, 0, 3);
      out->member_count = _kouan_storage_pg_int_at (r, 0, 4);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
department_under (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                  gint64 candidate, gboolean *out_under, GError **error)
{
  INT (did, department_id);
  INT (cid, candidate);
  const char *params[] = { did, cid };

  return exists (storage,
                 "WITH RECURSIVE below (id) AS (SELECT $1::bigint UNION SELECT d.id FROM departments d"
                 "   JOIN below ON d.parent_id = below.id)"
                 " SELECT 1 FROM below WHERE id = $2", 2, params, out_under, error,
                 "Reading departments");
}

static gboolean
department_has_children (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                         gboolean *out_has, GError **error)
{
  INT (did, department_id);
  const char *params[] = { did };

  return exists (storage, "SELECT 1 FROM departments WHERE parent_id = $1", 1, params, out_has,
                 error, "Reading departments");
}

static gboolean
department_create (KouanStorage *storage, gint64 enterprise_id, gint64 parent_id,
                   const char *name, gint64 head_user_id, gint64 *out_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (pid, parent_id);
  INT (hid, head_user_id);
  const char *params[] = { eid, parent_id != 0 ? pid : NULL, name, head_user_id != 0 ? hid : NULL };
  PGresult *r = RUN ("INSERT INTO departments (enterprise_id, parent_id, name, head_user_id)"
                     " VALUES ($1, $2, $3, $4) RETURNING id", 4, params, "Creating a department");

  if (r == NULL)
    return FALSE;
  if (out_id != NULL)
    *out_id = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  return TRUE;
}

static gboolean
department_update (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                   const char *name, gboolean set_parent, gint64 parent_id,
                   gboolean set_head, gint64 head_user_id, GError **error)
{
  INT (did, department_id);
  INT (pid, parent_id);
  INT (hid, head_user_id);
  INT (eid, enterprise_id);
  const char *params[] = { did, name, set_parent ? "t" : "f", parent_id != 0 ? pid : NULL,
                           set_head ? "t" : "f", head_user_id != 0 ? hid : NULL, eid };

  return DONE ("UPDATE departments SET name = COALESCE ($2, name),"
               "  parent_id = CASE WHEN $3::boolean THEN $4::bigint ELSE parent_id END,"
               "  head_user_id = CASE WHEN $5::boolean THEN $6::bigint ELSE head_user_id END"
               " WHERE id = $1 AND enterprise_id = $7", 7, params, "Updating a department");
}

static gboolean
department_delete (KouanStorage *storage, gint64 enterprise_id, gint64 department_id,
                   GError **error)
{
  INT (did, department_id);
  INT (eid, enterprise_id);
  const char *params[] = { did, eid };

  return DONE ("DELETE FROM departments WHERE id = $1 AND enterprise_id = $2", 2, params,
               "Deleting a department");
}

static gboolean
join_requests_pending (KouanStorage *storage, gint64 enterprise_id, GArray *out, GError **error)
{
  INT (eid, enterprise_id);
  const char *params[] = { eid };
  PGresult *r = RUN ("SELECT j.id, j.user_id, u.account, u.name, j.created_at"
                     " FROM join_requests j JOIN users u ON u.id = j.user_id"
                     " WHERE j.enterprise_id = $1 AND j.status = 'pending'"
                     " ORDER BY j.created_at, j.id", 1, params, "Listing join requests");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredPendingJoin request = {
        .id = _kouan_storage_pg_int_at (r, i, 0),
        .user_id = _kouan_storage_pg_int_at (r, i, 1),
        .account = value_dup (r, i, 2),
        .name = value_dup (r, i, 3),
        .created_at = _kouan_storage_pg_int_at (r, i, 4),
      };

      g_array_append_val (out, request);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
join_request_decide (KouanStorage *storage, gint64 enterprise_id, gint64 request_id,
                     gboolean approve, gint64 now, gint64 decided_by,
                     const char *registered_on, gint64 *out_user_id, GError **error)
{
  INT (rid, request_id);
  INT (eid, enterprise_id);
  INT (at, now);
  INT (by, decided_by);
  const char *params[] = { rid, eid, approve ? "approved" : "rejected", at, by };
  gboolean own, ok;
  gint64 user_id = 0;
  PGresult *r;

  *out_user_id = 0;
  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  /* decided once: of two administrators deciding at once (on any
   * instance), the second finds it decided */
  r = RUN ("UPDATE join_requests SET status = $3, decided_at = $4, decided_by = $5"
           " WHERE id = $1 AND enterprise_id = $2 AND status = 'pending' RETURNING user_id",
           5, params, "Deciding a join request");
  ok = r != NULL;
  if (ok)
    {
      user_id = PQntuples (r) > 0 ? _kouan_storage_pg_int_at (r, 0, 0) : 0;
      PQclear (r);
    }
  if (ok && approve && user_id != 0)
    {
      INT (uid, user_id);
      const char *add[] = { uid, eid, registered_on };

      ok = DONE ("INSERT INTO memberships (user_id, enterprise_id, registered_on)"
                 " VALUES ($1, $2, $3) ON CONFLICT DO NOTHING", 3, add, "Deciding a join request");
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  *out_user_id = user_id;
  return TRUE;
}

#define GRANT_COLUMNS \
  "g.id, g.user_id, u.name, g.role_id, r.name, r.builtin, g.starts_on, g.ends_on" \
  " FROM grants g JOIN roles r ON r.id = g.role_id JOIN users u ON u.id = g.user_id"

static void
read_grant (PGresult *r, int row, KouanStoredGrant *out)
{
  out->id = _kouan_storage_pg_int_at (r, row, 0);
  out->user_id = _kouan_storage_pg_int_at (r, row, 1);
  out->member = value_dup (r, row, 2);
  out->role_id = _kouan_storage_pg_int_at (r, row, 3);
  out->role = value_dup (r, row, 4);
  out->builtin = _kouan_storage_pg_bool_at (r, row, 5);
  out->starts_on = value_dup (r, row, 6);
  out->ends_on = value_dup (r, row, 7);
}

static gboolean
member_grants (KouanStorage *storage, gint64 enterprise_id, gint64 user_id, GArray *out,
               GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  const char *params[] = { eid, uid };
  PGresult *r = RUN ("SELECT " GRANT_COLUMNS
                     " WHERE g.enterprise_id = $1 AND g.user_id = $2"
                     " ORDER BY r.builtin DESC, r.name COLLATE \"C\", g.starts_on COLLATE \"C\", g.id",
                     2, params, "Reading grants");

  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredGrant grant = { 0 };

      read_grant (r, i, &grant);
      g_array_append_val (out, grant);
    }
  PQclear (r);
  return TRUE;
}

static gboolean
grant_get (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id,
           KouanStoredGrant *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (gid, grant_id);
  const char *params[] = { eid, gid };
  PGresult *r = RUN ("SELECT " GRANT_COLUMNS " WHERE g.enterprise_id = $1 AND g.id = $2",
                     2, params, "Reading a grant");

  memset (out, 0, sizeof *out);
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) > 0)
    read_grant (r, 0, out);
  PQclear (r);
  return TRUE;
}

static gboolean
grant_set_period (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id,
                  const char *starts_on, const char *ends_on, GError **error)
{
  INT (eid, enterprise_id);
  INT (gid, grant_id);
  const char *params[] = { gid, starts_on, ends_on, eid };

  return DONE ("UPDATE grants SET starts_on = $2, ends_on = $3 WHERE id = $1 AND enterprise_id = $4",
               4, params, "Changing a grant");
}

static gboolean
grant_delete (KouanStorage *storage, gint64 enterprise_id, gint64 grant_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (gid, grant_id);
  const char *params[] = { gid, eid };

  return DONE ("DELETE FROM grants WHERE id = $1 AND enterprise_id = $2", 2, params,
               "Removing a grant");
}

const KouanStoragePeople _kouan_storage_pg_people = {
  .member_active = member_active,
  .grant_allows = grant_allows,
  .grant_permissions = grant_permissions,
  .grant_roles = grant_roles,
  .admins_count = admins_count,
  .access_touch = access_touch,
  .changes_reissue = changes_reissue,
  .member_add = member_add,
  .role_builtin = role_builtin,
  .role_create = role_create,
  .grant_create = grant_create,
  .user_enterprises = user_enterprises,
  .member_status = member_status,
  .savepoint = savepoint,
  .savepoint_release = savepoint_release,
  .savepoint_rollback = savepoint_rollback,
  .roles_list = roles_list,
  .role_get = role_get,
  .role_name_taken = role_name_taken,
  .role_update = role_update,
  .role_delete = role_delete,
  .role_holders = role_holders,
  .departments_list = departments_list,
  .department_get = department_get,
  .department_under = department_under,
  .department_has_children = department_has_children,
  .department_create = department_create,
  .department_update = department_update,
  .department_delete = department_delete,
  .member_grants = member_grants,
  .grant_get = grant_get,
  .grant_set_period = grant_set_period,
  .grant_delete = grant_delete,
  .join_requests_pending = join_requests_pending,
  .join_request_decide = join_request_decide,
};

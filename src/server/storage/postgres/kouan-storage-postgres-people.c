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
};

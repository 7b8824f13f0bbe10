/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-postgres-private.h"

/* Area 9, the audit log, on PostgreSQL (schema: migration 3 of
 * kouan-storage-postgres.c). An entry is written once and never changes:
 * its change for everyone carries the record as written (docs/api.md,
 * "The people collections": id, actor_id, actor_account, actor_name,
 * action, before, after, at), built by the statement that inserts it. */

#define RUN(sql, n, params, what) _kouan_storage_pg_run (storage, sql, n, params, error, what)
#define INT KOUAN_PG_INT
#define value_dup _kouan_storage_pg_value_dup

#define ENTRY_COLUMNS \
  "a.id, a.user_id, u.account, u.name, a.action, a.before_json, a.after_json, a.created_at" \
  " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"

static void
read_entry (PGresult *r, int row, KouanStoredAuditEntry *out)
{
  out->id = _kouan_storage_pg_int_at (r, row, 0);
  out->user_id = _kouan_storage_pg_int_at (r, row, 1);
  out->account = value_dup (r, row, 2);
  out->name = value_dup (r, row, 3);
  out->action = value_dup (r, row, 4);
  out->before_json = value_dup (r, row, 5);
  out->after_json = value_dup (r, row, 6);
  out->created_at = _kouan_storage_pg_int_at (r, row, 7);
}

static gboolean
audit_record (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              const char *action, const char *before_json, const char *after_json,
              gint64 created_at, gint64 *out_id, GError **error)
{
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (at, created_at);
  const char *params[] = { eid, user_id > 0 ? uid : NULL, action, before_json, after_json, at };
  gboolean own, ok;
  gint64 id = 0;
  PGresult *r;

  if (!_kouan_storage_pg_begin_own (storage, &own, error))
    return FALSE;
  r = RUN ("WITH a AS (INSERT INTO audit_log (enterprise_id, user_id, action, before_json,"
           "   after_json, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *)"
           " SELECT a.id, json_build_object ('id', a.id, 'actor_id', a.user_id,"
           "   'actor_account', u.account, 'actor_name', u.name, 'action', a.action,"
           "   'before', a.before_json::json, 'after', a.after_json::json,"
           "   'at', a.created_at)::text"
           " FROM a LEFT JOIN users u ON u.id = a.user_id", 6, params, "Recording an audit entry");
  ok = r != NULL;
  if (ok)
    {
      id = _kouan_storage_pg_int_at (r, 0, 0);
      ok = storage->feed->change_record (storage, enterprise_id, 0, "audit", id,
                                         PQgetvalue (r, 0, 1), error);
      PQclear (r);
    }
  if (!_kouan_storage_pg_finish_own (storage, own, ok, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = id;
  return TRUE;
}

static gboolean
audit_get (KouanStorage *storage, gint64 enterprise_id, gint64 id,
           KouanStoredAuditEntry *out, GError **error)
{
  INT (eid, enterprise_id);
  INT (aid, id);
  const char *params[] = { eid, aid };
  PGresult *r;

  memset (out, 0, sizeof *out);
  r = RUN ("SELECT " ENTRY_COLUMNS " WHERE a.enterprise_id = $1 AND a.id = $2", 2, params,
           "Reading an audit entry");
  if (r == NULL)
    return FALSE;
  if (PQntuples (r) == 1)
    read_entry (r, 0, out);
  PQclear (r);
  return TRUE;
}

/* $1 enterprise, $2 pattern or NULL, $3 user or 0, $4 from, $5 to. ILIKE
 * as SQLite's LIKE: letters match either case. */
#define FILTER \
  " WHERE a.enterprise_id = $1 AND ($2::text IS NULL OR a.action ILIKE $2 ESCAPE '\\')" \
  "   AND ($3::bigint = 0 OR a.user_id = $3) AND a.created_at >= $4 AND a.created_at < $5"

static gboolean
audit_list (KouanStorage *storage, gint64 enterprise_id, const char *action_prefix,
            gint64 user_id, gint64 from, gint64 to, gint64 limit, gint64 offset,
            GArray *out, gint64 *out_total, GError **error)
{
  g_autofree char *like = action_prefix != NULL ? kouan_storage_like_prefix (action_prefix) : NULL;
  INT (eid, enterprise_id);
  INT (uid, user_id);
  INT (after, from);
  INT (before, to);
  INT (count, limit);
  INT (skip, offset);
  const char *params[] = { eid, like, uid, after, before, count, skip };
  PGresult *r;

  *out_total = 0;
  r = RUN ("SELECT count (*) FROM audit_log a" FILTER, 5, params, "Reading the audit log");
  if (r == NULL)
    return FALSE;
  *out_total = _kouan_storage_pg_int_at (r, 0, 0);
  PQclear (r);
  r = RUN ("SELECT " ENTRY_COLUMNS FILTER " ORDER BY a.id DESC LIMIT $6 OFFSET $7", 7, params,
           "Reading the audit log");
  if (r == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (r); i++)
    {
      KouanStoredAuditEntry entry = { 0 };

      read_entry (r, i, &entry);
      g_array_append_val (out, entry);
    }
  PQclear (r);
  return TRUE;
}

const KouanStorageAudit _kouan_storage_pg_audit = {
  .audit_record = audit_record,
  .audit_get = audit_get,
  .audit_list = audit_list,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-storage-sqlite-private.h"

#define column_dup _kouan_storage_sqlite_column_dup

/* Area 9, the audit log, on SQLite. The schema's trigger
 * (people_audit_insert, kouan-server-db.c) records each entry's change
 * for everyone; the feed hides the collection from members without
 * admin.audit:view. */

#define S(sql) _kouan_storage_sqlite_stmt (storage, sql)

static void
bind_text (sqlite3_stmt *s, int i, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (s, i, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (s, i);
}

/* columns: a.id, a.user_id, u.account, u.name, a.action, a.before_json,
 * a.after_json, a.created_at */
#define ENTRY_COLUMNS \
  "a.id, a.user_id, u.account, u.name, a.action, a.before_json, a.after_json, a.created_at" \
  " FROM audit_log a LEFT JOIN users u ON u.id = a.user_id"

static void
read_entry (sqlite3_stmt *s, KouanStoredAuditEntry *out)
{
  out->id = sqlite3_column_int64 (s, 0);
  out->user_id = sqlite3_column_int64 (s, 1);
  out->account = column_dup (s, 2);
  out->name = column_dup (s, 3);
  out->action = column_dup (s, 4);
  out->before_json = column_dup (s, 5);
  out->after_json = column_dup (s, 6);
  out->created_at = sqlite3_column_int64 (s, 7);
}

static gboolean
audit_record (KouanStorage *storage, gint64 enterprise_id, gint64 user_id,
              const char *action, const char *before_json, const char *after_json,
              gint64 created_at, gint64 *out_id, GError **error)
{
  sqlite3_stmt *s = S (
    "INSERT INTO audit_log (enterprise_id, user_id, action, before_json, after_json, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");

  sqlite3_bind_int64 (s, 1, enterprise_id);
  if (user_id > 0)
    sqlite3_bind_int64 (s, 2, user_id);
  bind_text (s, 3, action);
  bind_text (s, 4, before_json);
  bind_text (s, 5, after_json);
  sqlite3_bind_int64 (s, 6, created_at);
  if (!_kouan_storage_sqlite_done (storage, s, error, "Recording an audit entry"))
    return FALSE;
  if (out_id != NULL)
    *out_id = sqlite3_last_insert_rowid (_kouan_storage_sqlite_db (storage));
  return TRUE;
}

static gboolean
audit_get (KouanStorage *storage, gint64 enterprise_id, gint64 id,
           KouanStoredAuditEntry *out, GError **error)
{
  sqlite3_stmt *s = S ("SELECT " ENTRY_COLUMNS " WHERE a.enterprise_id = ?1 AND a.id = ?2");
  int rc;

  memset (out, 0, sizeof *out);
  sqlite3_bind_int64 (s, 1, enterprise_id);
  sqlite3_bind_int64 (s, 2, id);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    read_entry (s, out);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading an audit entry");
  return TRUE;
}

/* ?1 enterprise, ?2 LIKE pattern or NULL, ?3 user or 0, ?4 from, ?5 to */
#define FILTER \
  " WHERE a.enterprise_id = ?1 AND (?2 IS NULL OR a.action LIKE ?2 ESCAPE '\\')" \
  "   AND (?3 = 0 OR a.user_id = ?3) AND a.created_at >= ?4 AND a.created_at < ?5"

static void
bind_filter (sqlite3_stmt *s, gint64 enterprise_id, const char *like, gint64 user_id,
             gint64 from, gint64 to)
{
  sqlite3_bind_int64 (s, 1, enterprise_id);
  bind_text (s, 2, like);
  sqlite3_bind_int64 (s, 3, user_id);
  sqlite3_bind_int64 (s, 4, from);
  sqlite3_bind_int64 (s, 5, to);
}

static gboolean
audit_list (KouanStorage *storage, gint64 enterprise_id, const char *action_prefix,
            gint64 user_id, gint64 from, gint64 to, gint64 limit, gint64 offset,
            GArray *out, gint64 *out_total, GError **error)
{
  g_autofree char *like = action_prefix != NULL ? kouan_storage_like_prefix (action_prefix) : NULL;
  sqlite3_stmt *s = S ("SELECT count (*) FROM audit_log a" FILTER);
  int rc;

  *out_total = 0;
  bind_filter (s, enterprise_id, like, user_id, from, to);
  rc = sqlite3_step (s);
  if (rc == SQLITE_ROW)
    *out_total = sqlite3_column_int64 (s, 0);
  sqlite3_reset (s);
  if (rc != SQLITE_ROW)
    return _kouan_storage_sqlite_fail (storage, error, "Reading the audit log");

  s = S ("SELECT " ENTRY_COLUMNS FILTER " ORDER BY a.id DESC LIMIT ?6 OFFSET ?7");
  bind_filter (s, enterprise_id, like, user_id, from, to);
  sqlite3_bind_int64 (s, 6, limit);
  sqlite3_bind_int64 (s, 7, offset);
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      KouanStoredAuditEntry entry = { 0 };

      read_entry (s, &entry);
      g_array_append_val (out, entry);
    }
  sqlite3_reset (s);
  if (rc != SQLITE_DONE)
    return _kouan_storage_sqlite_fail (storage, error, "Reading the audit log");
  return TRUE;
}

const KouanStorageAudit _kouan_storage_sqlite_audit = {
  .audit_record = audit_record,
  .audit_get = audit_get,
  .audit_list = audit_list,
};

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-server-conflict.c: the mutation route's conflict check
 * (docs/architecture.md, "Sync protocol"). A mutation may carry "base",
 * the change-feed cursor of the client when the edit was made: the client
 * had then seen every change of the record up to it. If the record
 * changed after @base — by another user, the insurer or the system, but
 * not by this user's own earlier mutations, which the client queued on top
 * of each other — the mutation is refused with code "conflict", who made
 * that change ("changed_by", null when it was no user's mutation), when
 * ("changed_at") and the record as it is now. Every applied mutation that
 * changed its record is noted in record_edits for the next check. */
#include "config.h"

#include "kouan-json.h"
#include "kouan-server.h"

/* The newest feed seq of the record that @user_id could see; 0 if none. */
static gint64
record_seq (KouanServer               *self,
            const KouanServerMutation *mutation,
            gint64                     record_id,
            gint64                     enterprise_id,
            gint64                     user_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT coalesce (max (seq), 0) FROM changes"
    " WHERE enterprise_id = ?1 AND collection = ?2 AND record_id = ?3"
    "   AND (user_id IS NULL OR user_id = ?4)");
  gint64 seq = 0;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, mutation->collection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, record_id);
  sqlite3_bind_int64 (stmt, 4, user_id);
  if (kouan_server_db_row (self, stmt))
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return seq;
}

/* (nullable) the conflict result when the record changed after the base */
static JsonObject *
check (KouanServer                 *self,
       const KouanServerCollection *collection,
       const KouanServerMutation   *mutation,
       gint64                       enterprise_id,
       gint64                       user_id,
       gint64                       seq)
{
  sqlite3_stmt *stmt;
  g_autofree char *changed_by = NULL;
  gint64 editor = 0, edit_seq = 0, changed_at = 0;
  gboolean edited = FALSE;
  JsonObject *record, *result, *error;

  if (mutation->base <= 0 || seq <= mutation->base)
    return NULL;

  stmt = kouan_server_db_stmt (self,
    "SELECT e.user_id, e.seq, e.at, u.name FROM record_edits e"
    " LEFT JOIN users u ON u.id = e.user_id"
    " WHERE e.enterprise_id = ?1 AND e.collection = ?2 AND e.record_id = ?3");
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, mutation->collection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, mutation->record_id);
  if (kouan_server_db_row (self, stmt))
    {
      edited = TRUE;
      editor = sqlite3_column_int64 (stmt, 0);
      edit_seq = sqlite3_column_int64 (stmt, 1);
      changed_at = sqlite3_column_int64 (stmt, 2);
      if (sqlite3_column_type (stmt, 3) != SQLITE_NULL)
        changed_by = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
    }
  sqlite3_reset (stmt);

  /* The newest change is this user's own mutation: an edit queued after
   * it, on the same device, saw it. */
  if (edited && edit_seq >= seq && editor == user_id)
    return NULL;

  record = collection->materialise != NULL
    ? collection->materialise (self, enterprise_id, mutation->record_id, user_id)
    : NULL;
  /* The newest change was not a mutation (the insurer, the system): say
   * when if the record knows, and nobody for who. */
  if (!edited || edit_seq < seq)
    {
      g_clear_pointer (&changed_by, g_free);
      changed_at = 0;
      if (record != NULL && json_object_has_member (record, "updated_at") &&
          JSON_NODE_HOLDS_VALUE (json_object_get_member (record, "updated_at")))
        changed_at = json_object_get_int_member (record, "updated_at");
    }

  result = kouan_server_mutation_rejected (mutation->id, "conflict",
                                           "The record changed on the server after this edit was made",
                                           record);
  error = json_object_get_object_member (result, "error");
  if (changed_by != NULL)
    json_object_set_string_member (error, "changed_by", changed_by);
  else
    json_object_set_null_member (error, "changed_by");
  if (changed_at > 0)
    json_object_set_int_member (error, "changed_at", changed_at);
  else
    json_object_set_null_member (error, "changed_at");
  return result;
}

static gboolean
note_edit (KouanServer                *self,
           const KouanServerMutation  *mutation,
           gint64                      record_id,
           gint64                      enterprise_id,
           gint64                      user_id,
           gint64                      seq,
           GError                    **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO record_edits (enterprise_id, collection, record_id, user_id, seq, at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
    " ON CONFLICT (enterprise_id, collection, record_id) DO UPDATE"
    "   SET user_id = excluded.user_id, seq = excluded.seq, at = excluded.at");

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, mutation->collection, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, record_id);
  sqlite3_bind_int64 (stmt, 4, user_id);
  sqlite3_bind_int64 (stmt, 5, seq);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
  return kouan_server_db_step_done (self, stmt, error);
}

JsonObject *
kouan_server_conflict_apply (KouanServer                 *self,
                             const KouanServerCollection *collection,
                             const KouanServerMutation   *mutation,
                             gint64                       enterprise_id,
                             gint64                       user_id,
                             GError                     **error)
{
  JsonObject *result;
  const char *status = NULL;
  gint64 before, after;

  /* A create has no earlier version to conflict with; it is noted
   * under the record's new id, so the user's own edits queued after it
   * (under the temporary id, re-pointed by the client) see it as theirs. */
  if (mutation->record_id <= 0)
    {
      JsonObject *record = NULL;
      gint64 id = 0, seq;

      result = collection->apply (self, mutation, enterprise_id, user_id, error);
      if (result == NULL ||
          !kouan_json_get_string (result, "status", &status, NULL) ||
          g_strcmp0 (status, "applied") != 0 ||
          !kouan_json_get_object (result, "record", &record, NULL) ||
          !kouan_json_get_int (record, "id", &id, NULL) || id <= 0)
        return result;
      seq = record_seq (self, mutation, id, enterprise_id, user_id);
      if (seq > 0 && !note_edit (self, mutation, id, enterprise_id, user_id, seq, error))
        {
          json_object_unref (result);
          return NULL;
        }
      return result;
    }

  before = record_seq (self, mutation, mutation->record_id, enterprise_id, user_id);
  result = check (self, collection, mutation, enterprise_id, user_id, before);
  if (result != NULL)
    return result;

  result = collection->apply (self, mutation, enterprise_id, user_id, error);
  if (result == NULL)
    return NULL;
  if (!kouan_json_get_string (result, "status", &status, NULL) || g_strcmp0 (status, "applied") != 0)
    return result;

  /* Only an edit that changed the record made the newest change. */
  after = record_seq (self, mutation, mutation->record_id, enterprise_id, user_id);
  if (after > before && !note_edit (self, mutation, mutation->record_id, enterprise_id, user_id, after, error))
    {
      json_object_unref (result);
      return NULL;
    }
  return result;
}

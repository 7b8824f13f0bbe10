/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-collection.h"
#include "kouan-json.h"
#include "kouan-store-outbox.h"
#include "kouan-store-private.h"

/* Outbox */

char *
_kouan_store_enqueue_locked (KouanStore  *self,
                             gint64       enterprise_id,
                             const char  *collection,
                             const char  *op,
                             gint64       record_id,
                             JsonObject  *fields,
                             GError     **error)
{
  const KouanCollection *coll = kouan_collection_lookup (collection);
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *id = NULL;
  g_autofree char *fields_json = NULL;

  if (coll == NULL)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Unknown collection \"%s\"", collection);
      return NULL;
    }

  if (!coll->apply_local (self->db, enterprise_id, op, record_id, fields, error))
    return NULL;

  stmt = kouan_statement_get (self->db,
    "INSERT INTO outbox (id, enterprise_id, collection, op, record_id, fields, created_at, base)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
    "         coalesce ((SELECT cursor FROM cursors WHERE enterprise_id = ?2), 0))", error);
  if (stmt == NULL)
    return NULL;

  id = g_uuid_string_random ();
  fields_json = kouan_json_object_to_string (fields);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, enterprise_id);
  sqlite3_bind_text (stmt, 3, coll->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, op, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 5, record_id);
  sqlite3_bind_text (stmt, 6, fields_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 7, g_get_real_time () / G_USEC_PER_SEC);
  if (!kouan_statement_run (stmt, error))
    return NULL;

  return g_steal_pointer (&id);
}

char *
kouan_store_enqueue (KouanStore  *self,
                     gint64       enterprise_id,
                     const char  *collection,
                     const char  *op,
                     gint64       record_id,
                     JsonObject  *fields,
                     GError     **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (collection != NULL, NULL);
  g_return_val_if_fail (op != NULL, NULL);
  g_return_val_if_fail (fields != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->lock);
  if (_kouan_store_begin (self, error))
    {
      id = _kouan_store_enqueue_locked (self, enterprise_id, collection, op, record_id, fields, error);
      if (id == NULL || !_kouan_store_commit (self, error))
        {
          g_clear_pointer (&id, g_free);
          _kouan_store_rollback (self);
        }
    }
  g_mutex_unlock (&self->lock);

  if (id == NULL)
    return NULL;

  _kouan_store_emit_changed (self, collection, enterprise_id);
  _kouan_store_emit_outbox_changed (self);
  return g_steal_pointer (&id);
}

GPtrArray *
kouan_store_peek_outbox (KouanStore  *self,
                         gint64       enterprise_id,
                         guint        limit,
                         GError     **error)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_mutation_free);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
    "SELECT seq, id, enterprise_id, collection, op, record_id, fields, attempts, base"
    " FROM outbox WHERE enterprise_id = ?1 AND state IN ('queued', 'sending')"
    " ORDER BY seq LIMIT ?2", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_int64 (stmt, 2, limit);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(KouanMutation) mutation = g_new0 (KouanMutation, 1);
          g_autoptr(GError) local_error = NULL;

          mutation->seq = sqlite3_column_int64 (stmt, 0);
          mutation->id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          mutation->enterprise_id = sqlite3_column_int64 (stmt, 2);
          mutation->collection = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          mutation->op = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
          mutation->record_id = sqlite3_column_int64 (stmt, 5);
          mutation->fields = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 6), -1, &local_error);
          mutation->attempts = sqlite3_column_int (stmt, 7);
          mutation->base = sqlite3_column_int64 (stmt, 8);
          if (mutation->fields == NULL)
            {
              /* we wrote it ourselves, so the file is damaged */
              g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_CORRUPT,
                           "Queued edit %s is damaged: %s", mutation->id, local_error->message);
              ok = FALSE;
              break;
            }
          g_ptr_array_add (mutations, g_steal_pointer (&mutation));
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, self->db, rc, "Cannot read the outbox");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  /* A record created offline is known by its temporary id until the
   * server answers its "create"; an edit of it queued meanwhile still
   * carries that id, so it waits for the next batch, when the answer has
   * re-pointed it (settle_created_locked). The batch ends before it. */
  if (ok)
    {
      g_autoptr(GHashTable) created = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

      for (guint i = 0; i < mutations->len; i++)
        {
          KouanMutation *mutation = g_ptr_array_index (mutations, i);
          char *key = g_strdup_printf ("%s:%" G_GINT64_FORMAT, mutation->collection, mutation->record_id);

          if (mutation->record_id < 0 && g_strcmp0 (mutation->op, "create") != 0 &&
              g_hash_table_contains (created, key))
            {
              g_free (key);
              g_ptr_array_set_size (mutations, i);
              break;
            }
          if (mutation->record_id < 0 && g_strcmp0 (mutation->op, "create") == 0)
            g_hash_table_add (created, key);
          else
            g_free (key);
        }
    }

  return ok ? g_steal_pointer (&mutations) : NULL;
}

guint
kouan_store_count_outbox (KouanStore *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  guint count = 0;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db, "SELECT count(*) FROM outbox WHERE state IN ('queued', 'sending')",
                              &error);
  if (stmt != NULL)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        count = (guint) sqlite3_column_int64 (stmt, 0);
      else
        kouan_store_set_sql_error (&error, db, rc, "Cannot count queued edits");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  if (error != NULL)
    g_warning ("Cannot count queued edits: %s", error->message);
  return count;
}

/* The server answered a "create" made under @temp_id: drop the temporary
 * row, and re-point (or, when the server refused the create, drop) the
 * queued edits of it. */
static gboolean
settle_created_locked (KouanStore            *self,
                       const KouanCollection *coll,
                       gint64                 enterprise_id,
                       gint64                 temp_id,
                       JsonObject            *record,
                       GError               **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 real_id = 0;

  if (coll != NULL && !coll->remove (self->db, enterprise_id, temp_id, error))
    return FALSE;

  if (record != NULL && json_object_has_member (record, "id"))
    real_id = json_object_get_int_member (record, "id");

  if (real_id > 0)
    stmt = kouan_statement_get (self->db,
                                "UPDATE outbox SET record_id = ?3"
                                " WHERE enterprise_id = ?1 AND record_id = ?2 AND collection = ?4",
                                error);
  else
    stmt = kouan_statement_get (self->db,
                                "DELETE FROM outbox"
                                " WHERE enterprise_id = ?1 AND record_id = ?2 AND collection = ?4"
                                "   AND ?3 = 0",
                                error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, temp_id);
  sqlite3_bind_int64 (stmt, 3, real_id);
  sqlite3_bind_text (stmt, 4, coll != NULL ? coll->name : "", -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

gint64
kouan_store_allocate_temp_id (KouanStore  *self,
                              GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 id = 0;

  g_return_val_if_fail (KOUAN_IS_STORE (self), 0);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db,
                              "INSERT INTO meta (key, value) VALUES ('temp-id', '-1')"
                              " ON CONFLICT (key) DO UPDATE SET value = CAST (value AS INTEGER) - 1"
                              " RETURNING CAST (value AS INTEGER)",
                              error);
  if (stmt != NULL)
    {
      int rc = sqlite3_step (stmt);

      if (rc == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      else
        kouan_store_set_sql_error (error, self->db, rc, "Allocating a temporary id");
      sqlite3_reset (stmt);
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  return id;
}

static gboolean
ack_locked (KouanStore  *self,
            const char  *mutation_id,
            const char  *collection,
            gint64       enterprise_id,
            JsonObject  *record,
            gboolean    *removed,
            gboolean    *stored,
            GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  const KouanCollection *coll;
  g_autoptr(GError) local_error = NULL;
  gint64 record_id;
  gint64 temp_id = 0;

  /* A "create" was applied locally under a temporary id (< 0): its row
   * gives way to the server's record, and later queued edits of the new
   * record are pointed at the id the server gave it. */
  stmt = kouan_statement_get (self->db,
                              "SELECT record_id FROM outbox WHERE id = ?1 AND op = 'create' AND record_id < 0",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    temp_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, kouan_statement_release);

  stmt = kouan_statement_get (self->db, "DELETE FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  if (!kouan_statement_run (stmt, error))
    return FALSE;
  *removed = sqlite3_changes (self->db) > 0;
  g_clear_pointer (&stmt, kouan_statement_release);

  coll = kouan_collection_lookup (collection);
  if (temp_id != 0 && !settle_created_locked (self, coll, enterprise_id, temp_id, record, error))
    return FALSE;
  if (record == NULL || coll == NULL)
    return TRUE;

  /* The server has taken the edit either way; a record we cannot store
   * is left to the next pull rather than keeping the edit queued, which
   * would send it again forever. */
  if (!kouan_json_get_int (record, "id", &record_id, &local_error) ||
      !coll->upsert (self->db, enterprise_id, record_id, record, &local_error))
    {
      g_warning ("Ignoring the server's record for edit %s: %s", mutation_id, local_error->message);
      return TRUE;
    }
  *stored = TRUE;

  /* Later edits of the same record are still waiting: keep them visible. */
  return _kouan_store_replay_outbox_locked (self, enterprise_id, coll->name, record_id, NULL, error);
}

gboolean
kouan_store_ack_mutation (KouanStore  *self,
                          const char  *mutation_id,
                          const char  *collection,
                          gint64       enterprise_id,
                          JsonObject  *record,
                          GError     **error)
{
  gboolean removed = FALSE, stored = FALSE;
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (collection != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  if (ok)
    ok = ack_locked (self, mutation_id, collection, enterprise_id, record, &removed, &stored, error);
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return FALSE;

  if (stored)
    _kouan_store_emit_changed (self, collection, enterprise_id);
  if (removed)
    _kouan_store_emit_outbox_changed (self);
  return TRUE;
}

gboolean
kouan_store_note_attempt (KouanStore  *self,
                          const char  *mutation_id,
                          GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = FALSE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);

  g_mutex_lock (&self->lock);
  stmt = kouan_statement_get (self->db, "UPDATE outbox SET attempts = attempts + 1, state = 'queued' WHERE id = ?1", error);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
      ok = kouan_statement_run (stmt, error);
      if (ok && sqlite3_changes (self->db) == 0)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                       "Edit %s is not queued", mutation_id);
          ok = FALSE;
        }
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  if (ok)
    _kouan_store_emit_outbox_state_changed (self);

  return ok;
}

/* ---- refusals and conflicts ----------------------------------------- */

gboolean
kouan_store_outbox_mark_sending (KouanStore  *self,
                                 GPtrArray   *batch,
                                 GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (batch != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  for (guint i = 0; ok && i < batch->len; i++)
    {
      KouanMutation *mutation = g_ptr_array_index (batch, i);
      g_autoptr(KouanStatement) stmt =
        kouan_statement_get (self->db, "UPDATE outbox SET state = 'sending' WHERE id = ?1 AND state = 'queued'",
                             error);

      if (stmt == NULL)
        ok = FALSE;
      else
        {
          sqlite3_bind_text (stmt, 1, mutation->id, -1, SQLITE_STATIC);
          ok = kouan_statement_run (stmt, error);
        }
    }
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (ok)
    _kouan_store_emit_outbox_state_changed (self);
  return ok;
}

static gboolean
refuse_locked (KouanStore  *self,
               const char  *mutation_id,
               const char  *collection,
               gint64       enterprise_id,
               const char  *code,
               const char  *reason,
               const char  *changed_by,
               gint64       changed_at,
               JsonObject  *record,
               gboolean    *stored,
               GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GError) local_error = NULL;
  const KouanCollection *coll = kouan_collection_lookup (collection);
  gint64 record_id;
  gint64 temp_id = 0;

  /* A refused create leaves no row behind: its temporary row goes (retry
   * and keep mine apply it again). */
  stmt = kouan_statement_get (self->db,
                              "SELECT record_id FROM outbox WHERE id = ?1 AND op = 'create' AND record_id < 0",
                              error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    temp_id = sqlite3_column_int64 (stmt, 0);
  g_clear_pointer (&stmt, kouan_statement_release);
  if (temp_id != 0 && coll != NULL)
    {
      if (!coll->remove (self->db, enterprise_id, temp_id, error))
        return FALSE;
      *stored = TRUE;
    }

  stmt = kouan_statement_get (self->db,
    "UPDATE outbox SET state = ?2, reason_code = ?3, reason = ?4, changed_by = ?5, changed_at = ?6"
    " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, g_strcmp0 (code, "conflict") == 0 ? "conflict" : "refused", -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, code, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, reason, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, changed_by, -1, SQLITE_STATIC);
  if (changed_at > 0)
    sqlite3_bind_int64 (stmt, 6, changed_at);
  else
    sqlite3_bind_null (stmt, 6);
  if (!kouan_statement_run (stmt, error))
    return FALSE;

  if (record == NULL || coll == NULL)
    return TRUE;
  /* As for an accepted edit: a record we cannot store is left to the
   * next pull. */
  if (!kouan_json_get_int (record, "id", &record_id, &local_error) ||
      !coll->upsert (self->db, enterprise_id, record_id, record, &local_error))
    {
      g_warning ("Ignoring the server's record for refused edit %s: %s", mutation_id, local_error->message);
      return TRUE;
    }
  *stored = TRUE;
  return _kouan_store_replay_outbox_locked (self, enterprise_id, coll->name, record_id, NULL, error);
}

gboolean
kouan_store_refuse_mutation (KouanStore  *self,
                             const char  *mutation_id,
                             const char  *collection,
                             gint64       enterprise_id,
                             const char  *code,
                             const char  *reason,
                             const char  *changed_by,
                             gint64       changed_at,
                             JsonObject  *record,
                             GError     **error)
{
  gboolean stored = FALSE;
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (collection != NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  if (ok)
    ok = refuse_locked (self, mutation_id, collection, enterprise_id, code, reason,
                        changed_by, changed_at, record, &stored, error);
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return FALSE;
  if (stored)
    _kouan_store_emit_changed (self, collection, enterprise_id);
  _kouan_store_emit_outbox_changed (self);
  return TRUE;
}

typedef enum { ACT_RETRY, ACT_KEEP_MINE, ACT_DISCARD } Act;

static gboolean
act_locked (KouanStore  *self,
            const char  *mutation_id,
            Act          act,
            char       **out_collection,
            gint64      *out_enterprise_id,
            GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(JsonObject) fields = NULL;
  g_autofree char *state = NULL, *collection = NULL, *op = NULL;
  g_autofree char *new_id = NULL;
  const KouanCollection *coll;
  gint64 enterprise_id, record_id;
  int rc;

  stmt = kouan_statement_get (self->db,
    "SELECT state, collection, op, enterprise_id, record_id, fields FROM outbox WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      if (rc != SQLITE_DONE)
        return kouan_store_set_sql_error (error, self->db, rc, "Cannot read the outbox");
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Edit %s is not in the outbox", mutation_id);
      return FALSE;
    }
  state = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  collection = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  op = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  enterprise_id = sqlite3_column_int64 (stmt, 3);
  record_id = sqlite3_column_int64 (stmt, 4);
  fields = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 5), -1, error);
  g_clear_pointer (&stmt, kouan_statement_release);
  if (fields == NULL)
    return FALSE;

  if (!g_str_equal (state, "refused") && !g_str_equal (state, "conflict"))
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Edit %s is still waiting for the server", mutation_id);
      return FALSE;
    }

  *out_collection = g_strdup (collection);
  *out_enterprise_id = enterprise_id;

  if (act == ACT_DISCARD)
    {
      stmt = kouan_statement_get (self->db, "DELETE FROM outbox WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
      return kouan_statement_run (stmt, error);
    }

  /* The cache shows the server's record: put the edit back on top of it. */
  coll = kouan_collection_lookup (collection);
  if (coll == NULL)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Unknown collection \"%s\"", collection);
      return FALSE;
    }
  /* An edit that no longer fits the record (a policy confirmed meanwhile
   * cannot be returned) is sent all the same, like a replayed one: the
   * server's answer, not a local guess, says what becomes of it. */
  {
    g_autoptr(GError) local_error = NULL;

    if (!coll->apply_local (self->db, enterprise_id, op, record_id, fields, &local_error))
      {
        if (!g_error_matches (local_error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID) &&
            !g_error_matches (local_error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND))
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
        g_debug ("Edit %s no longer applies locally, sending it anyway: %s",
                 mutation_id, local_error->message);
      }
  }

  new_id = g_uuid_string_random ();
  if (act == ACT_KEEP_MINE)
    stmt = kouan_statement_get (self->db,
      "UPDATE outbox SET id = ?2, state = 'queued', attempts = 0, reason_code = NULL, reason = NULL,"
      "  changed_by = NULL, changed_at = NULL,"
      "  base = coalesce ((SELECT cursor FROM cursors WHERE enterprise_id = outbox.enterprise_id), 0)"
      " WHERE id = ?1", error);
  else
    stmt = kouan_statement_get (self->db,
      "UPDATE outbox SET id = ?2, state = 'queued', attempts = 0, reason_code = NULL, reason = NULL,"
      "  changed_by = NULL, changed_at = NULL"
      " WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, mutation_id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, new_id, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
act (KouanStore  *self,
     const char  *mutation_id,
     Act          what,
     GError     **error)
{
  g_autofree char *collection = NULL;
  gint64 enterprise_id = 0;
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (mutation_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->lock);
  ok = _kouan_store_begin (self, error);
  if (ok)
    ok = act_locked (self, mutation_id, what, &collection, &enterprise_id, error);
  if (ok)
    ok = _kouan_store_commit (self, error);
  if (!ok)
    _kouan_store_rollback (self);
  g_mutex_unlock (&self->lock);

  if (!ok)
    return FALSE;
  if (what != ACT_DISCARD)
    _kouan_store_emit_changed (self, collection, enterprise_id);
  _kouan_store_emit_outbox_changed (self);
  return TRUE;
}

gboolean
kouan_store_outbox_retry (KouanStore  *self,
                          const char  *mutation_id,
                          GError     **error)
{
  return act (self, mutation_id, ACT_RETRY, error);
}

gboolean
kouan_store_outbox_keep_mine (KouanStore  *self,
                              const char  *mutation_id,
                              GError     **error)
{
  return act (self, mutation_id, ACT_KEEP_MINE, error);
}

gboolean
kouan_store_outbox_discard (KouanStore  *self,
                            const char  *mutation_id,
                            GError     **error)
{
  return act (self, mutation_id, ACT_DISCARD, error);
}

/* ---- entries -------------------------------------------------------- */

struct _KouanOutboxEntry
{
  GObject           parent_instance;
  char             *id;
  gint64            enterprise_id;
  char             *collection;
  char             *op;
  gint64            record_id;
  JsonObject       *fields;
  gint64            created_at;
  KouanOutboxState  state;
  char             *reason_code;
  char             *reason;
  char             *changed_by;
  gint64            changed_at;
};

G_DEFINE_FINAL_TYPE (KouanOutboxEntry, kouan_outbox_entry, G_TYPE_OBJECT)

static void
kouan_outbox_entry_finalize (GObject *object)
{
  KouanOutboxEntry *self = KOUAN_OUTBOX_ENTRY (object);

  g_free (self->id);
  g_free (self->collection);
  g_free (self->op);
  g_clear_pointer (&self->fields, json_object_unref);
  g_free (self->reason_code);
  g_free (self->reason);
  g_free (self->changed_by);
  G_OBJECT_CLASS (kouan_outbox_entry_parent_class)->finalize (object);
}

static void
kouan_outbox_entry_class_init (KouanOutboxEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_outbox_entry_finalize;
}

static void
kouan_outbox_entry_init (KouanOutboxEntry *self)
{
}

const char *kouan_outbox_entry_get_id (KouanOutboxEntry *self) { return self->id; }
gint64 kouan_outbox_entry_get_enterprise_id (KouanOutboxEntry *self) { return self->enterprise_id; }
const char *kouan_outbox_entry_get_collection (KouanOutboxEntry *self) { return self->collection; }
const char *kouan_outbox_entry_get_op (KouanOutboxEntry *self) { return self->op; }
gint64 kouan_outbox_entry_get_record_id (KouanOutboxEntry *self) { return self->record_id; }
JsonObject *kouan_outbox_entry_get_fields (KouanOutboxEntry *self) { return self->fields; }
gint64 kouan_outbox_entry_get_created_at (KouanOutboxEntry *self) { return self->created_at; }
KouanOutboxState kouan_outbox_entry_get_state (KouanOutboxEntry *self) { return self->state; }
const char *kouan_outbox_entry_get_reason_code (KouanOutboxEntry *self) { return self->reason_code; }
const char *kouan_outbox_entry_get_reason (KouanOutboxEntry *self) { return self->reason; }
const char *kouan_outbox_entry_get_changed_by (KouanOutboxEntry *self) { return self->changed_by; }
gint64 kouan_outbox_entry_get_changed_at (KouanOutboxEntry *self) { return self->changed_at; }

static KouanOutboxState
state_from_string (const char *state)
{
  if (g_strcmp0 (state, "sending") == 0)
    return KOUAN_OUTBOX_SENDING;
  if (g_strcmp0 (state, "refused") == 0)
    return KOUAN_OUTBOX_REFUSED;
  if (g_strcmp0 (state, "conflict") == 0)
    return KOUAN_OUTBOX_CONFLICT;
  return KOUAN_OUTBOX_QUEUED;
}

static char *
column_dup (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

GPtrArray *
kouan_store_list_outbox (KouanStore  *self,
                         gint64       enterprise_id,
                         GError     **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT id, enterprise_id, collection, op, record_id, fields, created_at, state,"
    "       reason_code, reason, changed_by, changed_at"
    " FROM outbox WHERE ?1 = 0 OR enterprise_id = ?1 ORDER BY seq", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          g_autoptr(KouanOutboxEntry) entry = g_object_new (KOUAN_TYPE_OUTBOX_ENTRY, NULL);

          entry->id = column_dup (stmt, 0);
          entry->enterprise_id = sqlite3_column_int64 (stmt, 1);
          entry->collection = column_dup (stmt, 2);
          entry->op = column_dup (stmt, 3);
          entry->record_id = sqlite3_column_int64 (stmt, 4);
          entry->fields = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 5), -1, NULL);
          if (entry->fields == NULL)
            entry->fields = json_object_new ();
          entry->created_at = sqlite3_column_int64 (stmt, 6);
          entry->state = state_from_string ((const char *) sqlite3_column_text (stmt, 7));
          entry->reason_code = column_dup (stmt, 8);
          entry->reason = column_dup (stmt, 9);
          entry->changed_by = column_dup (stmt, 10);
          entry->changed_at = sqlite3_column_int64 (stmt, 11);
          g_ptr_array_add (entries, g_steal_pointer (&entry));
        }
      if (rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, db, rc, "Cannot read the outbox");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  return ok ? g_steal_pointer (&entries) : NULL;
}

gboolean
kouan_store_record_is_pending (KouanStore  *self,
                               gint64       enterprise_id,
                               const char  *collection,
                               gint64       record_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean pending = FALSE;
  sqlite3 *db;

  g_return_val_if_fail (KOUAN_IS_STORE (self), FALSE);
  g_return_val_if_fail (collection != NULL, FALSE);

  db = _kouan_store_read_begin (self);
  stmt = kouan_statement_get (db,
    "SELECT 1 FROM outbox WHERE enterprise_id = ?1 AND collection = ?2 AND record_id = ?3"
    "   AND state IN ('queued', 'sending') LIMIT 1", &error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, record_id);
      pending = sqlite3_step (stmt) == SQLITE_ROW;
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  _kouan_store_read_end (self, db);

  if (error != NULL)
    g_warning ("Cannot read the outbox: %s", error->message);
  return pending;
}

/* ---- the list model ------------------------------------------------- */

struct _KouanOutboxModel
{
  GObject     parent_instance;
  KouanStore *store;
  gint64      enterprise_id;
  GPtrArray  *entries;
  gulong      handler;
  gulong      state_handler;
};

static void kouan_outbox_model_list_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KouanOutboxModel, kouan_outbox_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, kouan_outbox_model_list_init))

static GType
model_get_item_type (GListModel *list)
{
  return KOUAN_TYPE_OUTBOX_ENTRY;
}

static guint
model_get_n_items (GListModel *list)
{
  return KOUAN_OUTBOX_MODEL (list)->entries->len;
}

static gpointer
model_get_item (GListModel *list,
                guint       position)
{
  KouanOutboxModel *self = KOUAN_OUTBOX_MODEL (list);

  if (position >= self->entries->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->entries, position));
}

static void
kouan_outbox_model_list_init (GListModelInterface *iface)
{
  iface->get_item_type = model_get_item_type;
  iface->get_n_items = model_get_n_items;
  iface->get_item = model_get_item;
}

static void
kouan_outbox_model_dispose (GObject *object)
{
  KouanOutboxModel *self = KOUAN_OUTBOX_MODEL (object);

  if (self->store != NULL)
    {
      g_clear_signal_handler (&self->handler, self->store);
      g_clear_signal_handler (&self->state_handler, self->store);
    }
  g_clear_object (&self->store);
  G_OBJECT_CLASS (kouan_outbox_model_parent_class)->dispose (object);
}

static void
kouan_outbox_model_finalize (GObject *object)
{
  g_clear_pointer (&KOUAN_OUTBOX_MODEL (object)->entries, g_ptr_array_unref);
  G_OBJECT_CLASS (kouan_outbox_model_parent_class)->finalize (object);
}

static void
kouan_outbox_model_class_init (KouanOutboxModelClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = kouan_outbox_model_dispose;
  G_OBJECT_CLASS (klass)->finalize = kouan_outbox_model_finalize;
}

static void
kouan_outbox_model_init (KouanOutboxModel *self)
{
  self->entries = g_ptr_array_new_with_free_func (g_object_unref);
}

void
kouan_outbox_model_reload (KouanOutboxModel *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  guint removed;

  g_return_if_fail (KOUAN_IS_OUTBOX_MODEL (self));

  entries = kouan_store_list_outbox (self->store, self->enterprise_id, &error);
  if (entries == NULL)
    {
      g_warning ("Cannot list the outbox: %s", error->message);
      return;
    }
  removed = self->entries->len;
  g_ptr_array_unref (self->entries);
  self->entries = g_steal_pointer (&entries);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->entries->len);
}

static void
on_outbox_changed (KouanStore       *store,
                   KouanOutboxModel *self)
{
  kouan_outbox_model_reload (self);
}

KouanOutboxModel *
kouan_outbox_model_new (KouanStore *store,
                        gint64      enterprise_id)
{
  KouanOutboxModel *self;

  g_return_val_if_fail (KOUAN_IS_STORE (store), NULL);

  self = g_object_new (KOUAN_TYPE_OUTBOX_MODEL, NULL);
  self->store = g_object_ref (store);
  self->enterprise_id = enterprise_id;
  self->handler = g_signal_connect (store, "outbox-changed", G_CALLBACK (on_outbox_changed), self);
  self->state_handler = g_signal_connect (store, "outbox-state-changed", G_CALLBACK (on_outbox_changed), self);
  kouan_outbox_model_reload (self);
  return self;
}

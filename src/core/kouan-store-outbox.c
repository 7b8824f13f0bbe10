/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-collection.h"
#include "kouan-json.h"
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
    "INSERT INTO outbox (id, enterprise_id, collection, op, record_id, fields, created_at)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)", error);
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
    "SELECT seq, id, enterprise_id, collection, op, record_id, fields, attempts"
    " FROM outbox WHERE enterprise_id = ?1 ORDER BY seq LIMIT ?2", error);
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
  stmt = kouan_statement_get (db, "SELECT count(*) FROM outbox", &error);
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
  stmt = kouan_statement_get (self->db, "UPDATE outbox SET attempts = attempts + 1 WHERE id = ?1", error);
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

  return ok;
}

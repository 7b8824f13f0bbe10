/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store-private.h"
#include "kouan-store-settings.h"

/* Rows of table settings_records (store migration "enterprise settings"):
 * (enterprise_id, collection, id, position, record JSON). The callbacks run
 * inside the store's transaction with its lock held; a local edit is
 * applied the way the server applies it (kouan-server-enterprise*.c), so
 * the page shows at once what the server will answer. */

static gboolean
read_record_locked (sqlite3     *db,
                    gint64       enterprise_id,
                    const char  *collection,
                    gint64       id,
                    JsonObject **out,
                    GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;

  *out = NULL;
  stmt = kouan_statement_get (db,
    "SELECT record FROM settings_records WHERE enterprise_id = ?1 AND collection = ?2 AND id = ?3",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      *out = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, error);
      if (*out == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
write_record_locked (sqlite3     *db,
                     gint64       enterprise_id,
                     const char  *collection,
                     gint64       id,
                     JsonObject  *record,
                     GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autofree char *text = kouan_json_object_to_string (record);
  gint64 position = 0;

  if (json_object_has_member (record, "position") &&
      !kouan_json_get_int (record, "position", &position, error))
    return FALSE;

  stmt = kouan_statement_get (db,
    "INSERT INTO settings_records (enterprise_id, collection, id, position, record)"
    " VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (enterprise_id, collection, id) DO UPDATE SET"
    "  position = excluded.position, record = excluded.record"
    " WHERE record IS NOT excluded.record",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  sqlite3_bind_int64 (stmt, 4, position);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_STATIC);
  return kouan_statement_run (stmt, error);
}

static gboolean
upsert (sqlite3     *db,
        const char  *collection,
        gint64       enterprise_id,
        gint64       id,
        JsonObject  *record,
        GError     **error)
{
  gint64 record_id;
  g_autoptr(GError) local_error = NULL;

  if (record == NULL || !kouan_json_get_int (record, "id", &record_id, &local_error) ||
      record_id != id)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Record %" G_GINT64_FORMAT " of \"%s\" is invalid: %s", id, collection,
                   local_error != NULL ? local_error->message : "its id differs");
      return FALSE;
    }
  return write_record_locked (db, enterprise_id, collection, id, record, error);
}

static gboolean
remove_record (sqlite3     *db,
               const char  *collection,
               gint64       enterprise_id,
               gint64       id,
               GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;

  stmt = kouan_statement_get (db,
    "DELETE FROM settings_records WHERE enterprise_id = ?1 AND collection = ?2 AND id = ?3",
    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, id);
  return kouan_statement_run (stmt, error);
}

static gboolean
apply_local (sqlite3     *db,
             const char  *collection,
             gint64       enterprise_id,
             const char  *op,
             gint64       record_id,
             JsonObject  *fields,
             GError     **error)
{
  g_autoptr(JsonObject) record = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = NULL;

  if (!kouan_settings_check_fields (collection, op, fields, NULL, &local_error))
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "%s", local_error->message);
      return FALSE;
    }

  if (g_strcmp0 (op, "delete") == 0)
    return remove_record (db, collection, enterprise_id, record_id, error);

  if (g_strcmp0 (op, "create") == 0)
    {
      g_autoptr(KouanStatement) stmt = NULL;

      record = json_object_new ();
      json_object_set_int_member (record, "id", record_id);
      if (g_strcmp0 (collection, KOUAN_COLLECTION_SHOWCASE_SLIDES) == 0)
        json_object_set_string_member (record, "link", "");
      /* Like the server: a new record without a position goes last. */
      stmt = kouan_statement_get (db,
        "SELECT coalesce (max (position) + 1, 0) FROM settings_records"
        " WHERE enterprise_id = ?1 AND collection = ?2", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        json_object_set_int_member (record, "position", sqlite3_column_int64 (stmt, 0));
    }
  else if (!read_record_locked (db, enterprise_id, collection, record_id, &record, error))
    return FALSE;
  else if (record == NULL)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                   "Record %" G_GINT64_FORMAT " of \"%s\" is not in the cache", record_id, collection);
      return FALSE;
    }

  members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (record, l->data, json_node_copy (json_object_get_member (fields, l->data)));

  /* Switching aircraft declaration off forgets its time, as on the server. */
  if (g_strcmp0 (collection, KOUAN_COLLECTION_BUSINESS_SETTINGS) == 0 &&
      json_object_has_member (record, "aircraft_auto") &&
      !json_object_get_boolean_member (record, "aircraft_auto"))
    json_object_set_null_member (record, "aircraft_time");

  return write_record_locked (db, enterprise_id, collection, record_id, record, error);
}

#define SETTINGS_COLLECTION(symbol, prefix, coll_name)                                      \
  static gboolean prefix##_upsert (sqlite3 *db, gint64 eid, gint64 id,                 \
                                   JsonObject *record, GError **error)                 \
  { return upsert (db, coll_name, eid, id, record, error); }                               \
  static gboolean prefix##_remove (sqlite3 *db, gint64 eid, gint64 id, GError **error) \
  { return remove_record (db, coll_name, eid, id, error); }                                \
  static gboolean prefix##_apply_local (sqlite3 *db, gint64 eid, const char *op,       \
                                        gint64 id, JsonObject *fields, GError **error) \
  { return apply_local (db, coll_name, eid, op, id, fields, error); }                      \
  const KouanCollection symbol = {                                                     \
    .name = coll_name,                                                                      \
    .upsert = prefix##_upsert,                                                         \
    .remove = prefix##_remove,                                                         \
    .apply_local = prefix##_apply_local,                                               \
  };

SETTINGS_COLLECTION (kouan_enterprise_settings_collection, enterprise_settings,
                     KOUAN_COLLECTION_ENTERPRISE_SETTINGS)
SETTINGS_COLLECTION (kouan_business_settings_collection, business_settings,
                     KOUAN_COLLECTION_BUSINESS_SETTINGS)
SETTINGS_COLLECTION (kouan_showcase_slides_collection, showcase_slides,
                     KOUAN_COLLECTION_SHOWCASE_SLIDES)
SETTINGS_COLLECTION (kouan_showcase_links_collection, showcase_links,
                     KOUAN_COLLECTION_SHOWCASE_LINKS)

/* ---- queries -------------------------------------------------------- */

JsonObject *
kouan_store_get_settings (KouanStore  *self,
                          gint64       enterprise_id,
                          const char  *collection,
                          gint64       id,
                          GError     **error)
{
  JsonObject *record = NULL;
  gboolean ok;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  ok = read_record_locked (self->db, enterprise_id, collection, id, &record, error);
  g_mutex_unlock (&self->lock);

  if (ok && record == NULL)
    g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                 "Record %" G_GINT64_FORMAT " of \"%s\" is not in the cache", id, collection);
  return record;
}

GPtrArray *
kouan_store_list_settings (KouanStore  *self,
                           gint64       enterprise_id,
                           const char  *collection,
                           GError     **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(KouanStatement) stmt = NULL;
  gboolean ok = TRUE;
  int rc = SQLITE_DONE;

  g_return_val_if_fail (KOUAN_IS_STORE (self), NULL);

  g_mutex_lock (&self->lock);
  /* Temporary ids are negative and count down: newer offline records
   * have smaller ids, so order them by -id after the server's. */
  stmt = kouan_statement_get (self->db,
    "SELECT record FROM settings_records WHERE enterprise_id = ?1 AND collection = ?2"
    " ORDER BY position, id < 0, abs (id)", error);
  if (stmt == NULL)
    ok = FALSE;
  else
    {
      sqlite3_bind_int64 (stmt, 1, enterprise_id);
      sqlite3_bind_text (stmt, 2, collection, -1, SQLITE_STATIC);
      while (ok && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          JsonObject *record = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0),
                                                        -1, error);
          if (record == NULL)
            ok = FALSE;
          else
            g_ptr_array_add (records, record);
        }
      if (ok && rc != SQLITE_DONE)
        ok = kouan_store_set_sql_error (error, self->db, rc, "Listing settings records");
    }
  g_clear_pointer (&stmt, kouan_statement_release);
  g_mutex_unlock (&self->lock);

  return ok ? g_steal_pointer (&records) : NULL;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-collection.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-personal.h"
#include "kouan-store.h"
#include "kouan-store-access.h"
#include "kouan-store-insurance.h"
#include "kouan-store-people.h"
#include "kouan-store-settings.h"

/* The registry of synced collections. Every callback runs inside a store
 * transaction with the store's lock held, on whichever thread applies the
 * page, so they touch nothing but @db.
 *
 * Rows of "messages" carry a revision (kouan_next_rev(), an SQL function
 * the store registers) that changes on every write; list models compare
 * it to tell which rows need redrawing. */

static gboolean
invalid_record (GError     **error,
                const char  *collection,
                gint64       id,
                GError      *cause)
{
  g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
               "Record %" G_GINT64_FORMAT " of \"%s\" is invalid: %s",
               id, collection, cause != NULL ? cause->message : "unknown");
  return FALSE;
}

/* messages */

static gboolean
messages_upsert (sqlite3     *db,
                 gint64       enterprise_id,
                 gint64       id,
                 JsonObject  *record,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(KouanStatement) stmt = NULL;

  message = kouan_message_new_from_json (record, enterprise_id, &local_error);
  if (message == NULL)
    return invalid_record (error, "messages", id, local_error);

  if (kouan_message_get_id (message) != id)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Change for message %" G_GINT64_FORMAT " carries record %" G_GINT64_FORMAT,
                   id, kouan_message_get_id (message));
      return FALSE;
    }

  /* A record pulled again unchanged keeps its revision, so views do not
   * redraw rows that did not change. */
  stmt = kouan_statement_get (db,
    "INSERT INTO messages (enterprise_id, id, kind, category, title, body,"
    "                      severity, created_at, read, starred, rev, severity_rank, actions)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, kouan_next_rev (), ?11, ?12)"
    " ON CONFLICT (enterprise_id, id) DO UPDATE SET"
    "  kind = excluded.kind, category = excluded.category,"
    "  title = excluded.title, body = excluded.body,"
    "  severity = excluded.severity, created_at = excluded.created_at,"
    "  read = excluded.read, starred = excluded.starred, rev = excluded.rev,"
    "  severity_rank = excluded.severity_rank, actions = excluded.actions"
    " WHERE (kind, category, title, body, severity, created_at, read, starred, actions)"
    "   IS NOT (excluded.kind, excluded.category, excluded.title, excluded.body,"
    "           excluded.severity, excluded.created_at, excluded.read, excluded.starred,"
    "           excluded.actions)",
    error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, id);
  sqlite3_bind_text (stmt, 3, kouan_message_kind_to_string (kouan_message_get_kind (message)), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, kouan_message_get_category (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, kouan_message_get_title (message), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, kouan_message_get_body (message), -1, SQLITE_STATIC);
  if (kouan_message_get_severity (message) == KOUAN_SEVERITY_NONE)
    sqlite3_bind_null (stmt, 7);
  else
    sqlite3_bind_text (stmt, 7, kouan_severity_to_string (kouan_message_get_severity (message)), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, kouan_message_get_created_at (message));
  sqlite3_bind_int (stmt, 9, kouan_message_get_read (message));
  sqlite3_bind_int (stmt, 10, kouan_message_get_starred (message));
  /* KouanSeverity is the rank: none 0, low 1, medium 2, high 3 */
  sqlite3_bind_int (stmt, 11, kouan_message_get_severity (message));
  if (kouan_message_get_actions (message)->len > 0)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);

      json_node_take_array (node, kouan_message_actions_to_json (kouan_message_get_actions (message)));
      sqlite3_bind_text (stmt, 12, kouan_json_to_string (node), -1, g_free);
    }
  else
    sqlite3_bind_null (stmt, 12);

  return kouan_statement_run (stmt, error);
}

static gboolean
messages_remove (sqlite3  *db,
                 gint64    enterprise_id,
                 gint64    id,
                 GError  **error)
{
  return kouan_statement_run_for_record (db, "DELETE FROM messages WHERE enterprise_id = ?1 AND id = ?2",
                                         enterprise_id, id, error);
}

/* Only the user's own flags are editable (docs/api.md, mutations). */
static gboolean
messages_apply_local (sqlite3     *db,
                      gint64       enterprise_id,
                      const char  *op,
                      gint64       record_id,
                      JsonObject  *fields,
                      GError     **error)
{
  g_autoptr(KouanStatement) stmt = NULL;
  g_autoptr(GList) members = NULL;
  int flag[2] = { -1, -1 };  /* read, starred; -1 = unchanged */

  if (g_strcmp0 (op, "update") != 0)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "Messages cannot be edited with \"%s\"", op);
      return FALSE;
    }
  if (fields == NULL || json_object_get_size (fields) == 0)
    {
      g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                           "A message update needs \"read\" or \"starred\"");
      return FALSE;
    }

  members = json_object_get_members (fields);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GError) local_error = NULL;
      gboolean value;
      guint slot;

      if (g_str_equal (name, "read"))
        slot = 0;
      else if (g_str_equal (name, "starred"))
        slot = 1;
      else
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "\"%s\" of a message is not editable", name);
          return FALSE;
        }
      if (!kouan_json_get_bool (fields, name, &value, &local_error))
        return invalid_record (error, "messages", record_id, local_error);
      flag[slot] = value ? 1 : 0;
    }

  stmt = kouan_statement_get (db,
    "UPDATE messages SET read = coalesce (?3, read), starred = coalesce (?4, starred),"
    "                    rev = kouan_next_rev ()"
    " WHERE enterprise_id = ?1 AND id = ?2"
    "   AND (read, starred) IS NOT (coalesce (?3, read), coalesce (?4, starred))",
    error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, record_id);
  for (guint i = 0; i < G_N_ELEMENTS (flag); i++)
    {
      if (flag[i] < 0)
        sqlite3_bind_null (stmt, 3 + i);
      else
        sqlite3_bind_int (stmt, 3 + i, flag[i]);
    }

  if (!kouan_statement_run (stmt, error))
    return FALSE;

  /* Nothing written: either the row already shows the edit (replaying it
   * after a pull must not bump the revision and redraw the row) or there
   * is no such row. */
  if (sqlite3_changes (db) == 0)
    {
      g_autoptr(KouanStatement) exists = NULL;

      g_clear_pointer (&stmt, kouan_statement_release);
      exists = kouan_statement_get (db, "SELECT 1 FROM messages WHERE enterprise_id = ?1 AND id = ?2", error);
      if (exists == NULL)
        return FALSE;
      sqlite3_bind_int64 (exists, 1, enterprise_id);
      sqlite3_bind_int64 (exists, 2, record_id);
      if (sqlite3_step (exists) != SQLITE_ROW)
        {
          g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_NOT_FOUND,
                       "Message %" G_GINT64_FORMAT " is not in the cache", record_id);
          return FALSE;
        }
    }

  return TRUE;
}

static const KouanCollection messages_collection = {
  .name = "messages",
  .upsert = messages_upsert,
  .remove = messages_remove,
  .apply_local = messages_apply_local,
};

/* enterprise: the feed's record of the enterprise itself */

static gboolean
enterprise_upsert (sqlite3     *db,
                   gint64       enterprise_id,
                   gint64       id,
                   JsonObject  *record,
                   GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(KouanStatement) stmt = NULL;
  gint64 record_id;
  const char *name, *credit_code;
  gboolean certified;

  if (record == NULL ||
      !kouan_json_get_int (record, "id", &record_id, &local_error) ||
      !kouan_json_get_string (record, "name", &name, &local_error) ||
      !kouan_json_get_string (record, "credit_code", &credit_code, &local_error) ||
      !kouan_json_get_bool (record, "certified", &certified, &local_error))
    return invalid_record (error, "enterprise", id, local_error);

  /* A feed only ever describes its own enterprise. */
  if (record_id != enterprise_id || id != enterprise_id)
    {
      g_set_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                   "The feed of enterprise %" G_GINT64_FORMAT " describes enterprise %" G_GINT64_FORMAT,
                   enterprise_id, record_id);
      return FALSE;
    }

  /* roles are per user and come from the session, so they stay as saved */
  stmt = kouan_statement_get (db,
    "INSERT INTO enterprises (id, name, credit_code, certified) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
    "  credit_code = excluded.credit_code, certified = excluded.certified",
    error);
  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, record_id);
  sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, credit_code, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, certified);
  return kouan_statement_run (stmt, error);
}

static gboolean
enterprise_remove (sqlite3  *db,
                   gint64    enterprise_id,
                   gint64    id,
                   GError  **error)
{
  /* Deleting the row here would cascade to the cursor this very page is
   * about to store. Losing access is reported by the session instead:
   * kouan_store_save_enterprises() drops enterprises the user left. */
  g_debug ("Ignoring tombstone of enterprise %" G_GINT64_FORMAT, id);
  return TRUE;
}

static gboolean
enterprise_apply_local (sqlite3     *db,
                        gint64       enterprise_id,
                        const char  *op,
                        gint64       record_id,
                        JsonObject  *fields,
                        GError     **error)
{
  g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "The enterprise record cannot be edited from the client");
  return FALSE;
}

static const KouanCollection enterprise_collection = {
  .name = "enterprise",
  .upsert = enterprise_upsert,
  .remove = enterprise_remove,
  .apply_local = enterprise_apply_local,
};

static const KouanCollection * const collections[] = {
  &enterprise_collection,
  &messages_collection,
  &kouan_enterprise_settings_collection,
  &kouan_business_settings_collection,
  &kouan_showcase_slides_collection,
  &kouan_showcase_links_collection,
  &kouan_insurance_policies_collection,
  &kouan_insurance_claims_collection,
  &kouan_insurance_categories_collection,
  &kouan_risk_articles_collection,
  &kouan_access_collection,
  &kouan_members_collection,
  &kouan_roles_collection,
  &kouan_departments_collection,
  &kouan_audit_collection,
  &kouan_profile_collection,
  &kouan_preferences_collection,
  &kouan_certification_collection,
  NULL,
};

const KouanCollection *
kouan_collection_lookup (const char *name)
{
  for (guint i = 0; collections[i] != NULL; i++)
    {
      if (g_strcmp0 (collections[i]->name, name) == 0)
        return collections[i];
    }
  return NULL;
}

const KouanCollection * const *
kouan_collection_all (void)
{
  return collections;
}

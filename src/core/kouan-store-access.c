/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-store-access.h"
#include "kouan-store-people.h"

#define META_FORMAT "access-%" G_GINT64_FORMAT
/* the grants with their periods, beside the permissions so that an
 * older store's meta rows keep their meaning */
#define GRANTS_FORMAT "access-grants-%" G_GINT64_FORMAT

static gboolean
set_meta (sqlite3     *db,
          const char  *key,
          const char  *value,
          GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db,
    "INSERT INTO meta (key, value) VALUES (?1, ?2)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return kouan_statement_run (stmt, error);
}

static gboolean
delete_meta (sqlite3     *db,
             const char  *key,
             GError     **error)
{
  g_autoptr(KouanStatement) stmt = kouan_statement_get (db, "DELETE FROM meta WHERE key = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  return kouan_statement_run (stmt, error);
}

static gboolean
access_upsert (sqlite3     *db,
               gint64       enterprise_id,
               gint64       id,
               JsonObject  *record,
               GError     **error)
{
  g_autofree char *key = g_strdup_printf (META_FORMAT, enterprise_id);
  g_autofree char *grants_key = g_strdup_printf (GRANTS_FORMAT, enterprise_id);
  g_autofree char *value = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *permissions;
  JsonArray *grants = NULL;

  if (!kouan_json_get_array (record, "permissions", &permissions, error))
    return FALSE;
  json_node_set_array (node, permissions);
  value = kouan_json_to_string (node);
  if (!set_meta (db, key, value, error))
    return FALSE;

  /* revoking a view right takes that page's records out of the cache at
   * once: the server only stops sending their changes */
  {
    g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
    g_auto(GStrv) held = NULL;

    for (guint i = 0; i < json_array_get_length (permissions); i++)
      {
        JsonNode *element = json_array_get_element (permissions, i);

        if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
          g_strv_builder_add (builder, json_node_get_string (element));
      }
    held = g_strv_builder_end (builder);
    if (!kouan_store_people_prune (db, enterprise_id, (const char * const *) held, error))
      return FALSE;
  }

  /* a server from before the grants were in the record sends none:
   * then nothing is known about them, not "no grants" */
  if (!json_object_has_member (record, "grants"))
    return delete_meta (db, grants_key, error);
  if (!kouan_json_get_array (record, "grants", &grants, error))
    return FALSE;
  g_clear_pointer (&value, g_free);
  json_node_set_array (node, grants);
  value = kouan_json_to_string (node);
  return set_meta (db, grants_key, value, error);
}

static gboolean
access_remove (sqlite3  *db,
               gint64    enterprise_id,
               gint64    id,
               GError  **error)
{
  g_autofree char *key = g_strdup_printf (META_FORMAT, enterprise_id);
  g_autofree char *grants_key = g_strdup_printf (GRANTS_FORMAT, enterprise_id);

  return delete_meta (db, key, error) && delete_meta (db, grants_key, error);
}

static gboolean
access_apply_local (sqlite3     *db,
                    gint64       enterprise_id,
                    const char  *op,
                    gint64       record_id,
                    JsonObject  *fields,
                    GError     **error)
{
  g_set_error_literal (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID,
                       "Access is decided by the server");
  return FALSE;
}

const KouanCollection kouan_access_collection = {
  .name = "access",
  .upsert = access_upsert,
  .remove = access_remove,
  .apply_local = access_apply_local,
};

GStrv
kouan_store_access_get_permissions (KouanStore *store,
                                    gint64      enterprise_id)
{
  g_autofree char *key = g_strdup_printf (META_FORMAT, enterprise_id);
  g_autofree char *value = kouan_store_get_meta (store, key);
  g_autoptr(GStrvBuilder) builder = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  if (value == NULL)
    return NULL;
  root = kouan_json_parse (value, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  array = json_node_get_array (root);
  builder = g_strv_builder_new ();
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        g_strv_builder_add (builder, json_node_get_string (element));
    }
  return g_strv_builder_end (builder);
}

JsonArray *
kouan_store_access_get_grants (KouanStore *store,
                               gint64      enterprise_id)
{
  g_autofree char *key = g_strdup_printf (GRANTS_FORMAT, enterprise_id);
  g_autofree char *value = kouan_store_get_meta (store, key);
  g_autoptr(JsonNode) root = NULL;

  if (value == NULL)
    return NULL;
  root = kouan_json_parse (value, -1, NULL);
  if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
    return NULL;
  return json_array_ref (json_node_get_array (root));
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-server.h"
#include "kouan-server-sync-private.h"

#define DEFAULT_LIMIT 500
#define MAX_LIMIT     1000

/* ---- change feed --------------------------------------------------- */

static gboolean
parse_query_int (GHashTable  *query,
                 const char  *name,
                 gint64       fallback,
                 gint64       min,
                 gint64       max,
                 gint64      *out)
{
  const char *text = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  gint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    return FALSE;
  *out = value;
  return TRUE;
}

/* ---- collections -------------------------------------------------- */

void
kouan_server_collections_add (KouanServer                 *self,
                              const KouanServerCollection *collection)
{
  g_assert (collection->view_permission == NULL ||
            kouan_permission_is_valid (collection->view_permission));
  g_assert (collection->manage_permission == NULL ||
            kouan_permission_is_valid (collection->manage_permission));
  if (self->collections == NULL)
    self->collections = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (self->collections, (gpointer) collection->name, (gpointer) collection);
}

const KouanServerCollection *
kouan_server_collections_lookup (KouanServer *self,
                                 const char  *name)
{
  return self->collections != NULL ? g_hash_table_lookup (self->collections, name) : NULL;
}

/* Whether @user_id may see @collection's records in @enterprise_id. The
 * answer is cached per page: it cannot change within one request. */
static gboolean
may_view (KouanServer                 *self,
          const KouanServerCollection *collection,
          gint64                       enterprise_id,
          gint64                       user_id,
          GHashTable                  *cache)
{
  gpointer cached;

  if (collection->view_permission == NULL)
    return TRUE;
  if (g_hash_table_lookup_extended (cache, collection->name, NULL, &cached))
    return GPOINTER_TO_INT (cached);

  cached = GINT_TO_POINTER (kouan_server_authz_allows (self, user_id, enterprise_id,
                                                       collection->view_permission));
  g_hash_table_insert (cache, (gpointer) collection->name, cached);
  return GPOINTER_TO_INT (cached);
}

/* (transfer full) (nullable): per collection, how many changes after
 * @cursor this user will receive — the same rows the feed would send
 * (visible to the user, each record once, collections the user may view);
 * NULL after logging a database error. One pass over the rest of the
 * feed, so only done when the client asks (count=1), once per pull. */
static JsonObject *
count_remaining (KouanServer *self,
                 gint64       enterprise_id,
                 gint64       user_id,
                 gint64       cursor,
                 GHashTable  *allowed)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT c.collection, count(*) FROM changes c"
    " WHERE c.enterprise_id = ?1 AND c.seq > ?2"
    "   AND (c.user_id IS NULL OR c.user_id = ?3)"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = ?3))"
    " GROUP BY c.collection");
  g_autoptr(JsonObject) remaining = json_object_new ();
  int rc;

  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, cursor);
  sqlite3_bind_int64 (stmt, 3, user_id);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *collection = (const char *) sqlite3_column_text (stmt, 0);
      const KouanServerCollection *kind = kouan_server_collections_lookup (self, collection);

      if (kind != NULL && may_view (self, kind, enterprise_id, user_id, allowed))
        json_object_set_int_member (remaining, collection, sqlite3_column_int64 (stmt, 1));
    }
  sqlite3_reset (stmt);
  if (rc != SQLITE_DONE)
    {
      g_warning ("Counting the change feed: %s", sqlite3_errmsg (self->db));
      return NULL;
    }
  return g_steal_pointer (&remaining);
}

void
kouan_server_sync_changes (KouanServer       *self,
                           SoupServerMessage *msg,
                           GHashTable        *query,
                           gint64             enterprise_id,
                           gint64             user_id)
{
  /* A row is left out when a later row of the same record is visible to
   * this user: each record then appears once, at its latest change, and
   * the page stays an index range scan instead of a GROUP BY over the
   * whole tail of the feed. Collections the user may not view (?5, a JSON
   * array of names) are left out in the query too, so a page holds up to
   * @limit changes the user receives and its cursor is the last of them —
   * a member without the admin rights does not page through the admin
   * collections' rows. */
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT c.seq, c.collection, c.record_id FROM changes c"
    " WHERE c.enterprise_id = ?1 AND c.seq > ?2"
    "   AND (c.user_id IS NULL OR c.user_id = ?3)"
    "   AND c.collection NOT IN (SELECT value FROM json_each (?5))"
    "   AND NOT EXISTS (SELECT 1 FROM changes d"
    "     WHERE d.enterprise_id = c.enterprise_id AND d.collection = c.collection"
    "       AND d.record_id = c.record_id AND d.seq > c.seq"
    "       AND (d.user_id IS NULL OR d.user_id = ?3))"
    " ORDER BY c.seq LIMIT ?4");
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonArray *changes = json_array_new ();
  g_autoptr(GHashTable) allowed = g_hash_table_new (g_str_hash, g_str_equal);
  JsonObject *remaining = NULL;
  gint64 since, limit, cursor, count = 0, with_counts;
  gboolean more = FALSE;
  int rc;

  if (!parse_query_int (query, "since", 0, 0, G_MAXINT64, &since) ||
      !parse_query_int (query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, &limit) ||
      !parse_query_int (query, "count", 0, 0, 1, &with_counts))
    {
      json_array_unref (changes);
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"since\" must be an integer >= 0, \"limit\" one in 1–%d"
                                " and \"count\" 0 or 1", MAX_LIMIT);
      return;
    }

  /* the collections hidden from this user, decided once per page */
  {
    g_autoptr(JsonArray) hidden = json_array_new ();
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_ARRAY);
    g_autofree char *text = NULL;
    GHashTableIter iter;
    gpointer value;

    if (self->collections != NULL)
      {
        g_hash_table_iter_init (&iter, self->collections);
        while (g_hash_table_iter_next (&iter, NULL, &value))
          {
            const KouanServerCollection *kind = value;

            if (!may_view (self, kind, enterprise_id, user_id, allowed))
              json_array_add_string_element (hidden, kind->name);
          }
      }
    json_node_set_array (node, hidden);
    text = kouan_json_to_string (node);
    sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  }

  cursor = since;
  sqlite3_bind_int64 (stmt, 1, enterprise_id);
  sqlite3_bind_int64 (stmt, 2, since);
  sqlite3_bind_int64 (stmt, 3, user_id);
  sqlite3_bind_int64 (stmt, 4, limit + 1);   /* one more tells whether more wait */

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 seq = sqlite3_column_int64 (stmt, 0);
      const char *collection = (const char *) sqlite3_column_text (stmt, 1);
      gint64 record_id = sqlite3_column_int64 (stmt, 2);
      const KouanServerCollection *kind = kouan_server_collections_lookup (self, collection);
      JsonObject *change;
      JsonObject *record;

      if (count == limit)
        {
          more = TRUE;
          break;
        }

      cursor = seq;
      count++;

      /* Records of a menu the user may not view are left out of the feed
       * (the cursor still moves past them). */
      if (kind == NULL || !may_view (self, kind, enterprise_id, user_id, allowed))
        continue;

      change = json_object_new ();
      json_object_set_int_member (change, "seq", seq);
      json_object_set_string_member (change, "collection", collection);
      json_object_set_int_member (change, "id", record_id);
      record = kind->materialise (self, enterprise_id, record_id, user_id);
      if (record != NULL)
        {
          json_object_set_string_member (change, "op", "upsert");
          json_object_set_object_member (change, "record", record);
        }
      else
        json_object_set_string_member (change, "op", "delete");
      json_array_add_object_element (changes, change);
    }
  sqlite3_reset (stmt);

  if (rc == SQLITE_ROW || rc == SQLITE_DONE)
    {
      if (with_counts)
        {
          if (more)
            remaining = count_remaining (self, enterprise_id, user_id, cursor, allowed);
          else
            remaining = json_object_new ();
          if (remaining == NULL)
            rc = SQLITE_ERROR;
        }
    }

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      json_array_unref (changes);
      g_warning ("Reading the change feed: %s", sqlite3_errmsg (self->db));
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The change feed could not be read");
      return;
    }

  /* On the last page the cursor moves past the rows this user may not
   * see at the end of the feed, as far as the newest change addressed to
   * everyone or to this user (others' own rows never move it):
   * the next pull starts there, and it equals what the events socket
   * announces. (One connection, one request at a time: no change can
   * slip in between the page and this.) */
  if (!more)
    {
      sqlite3_stmt *newest = kouan_server_db_stmt (self,
        "SELECT COALESCE (MAX (seq), 0) FROM changes WHERE enterprise_id = ?1"
        " AND (user_id IS NULL OR user_id = ?2)");

      sqlite3_bind_int64 (newest, 1, enterprise_id);
      sqlite3_bind_int64 (newest, 2, user_id);
      if (kouan_server_db_row (self, newest))
        cursor = MAX (cursor, sqlite3_column_int64 (newest, 0));
      sqlite3_reset (newest);
    }

  json_object_set_array_member (reply, "changes", changes);
  json_object_set_int_member (reply, "cursor", cursor);
  json_object_set_boolean_member (reply, "more", more);
  if (remaining != NULL)
    json_object_set_object_member (reply, "remaining", remaining);
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
}

/* ---- mutations ----------------------------------------------------- */

typedef KouanServerMutation Mutation;

static gboolean
mutation_id_is_valid (const char *id)
{
  gsize length = strlen (id);

  if (length < 1 || length > 64)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* Checks the shape of the whole batch before anything is applied: a batch
 * that is not even well-formed is refused as a whole (400), while a
 * well-formed mutation the server will not apply gets a "rejected"
 * result of its own. */
static gboolean
parse_batch (JsonObject  *body,
             GArray      *out,
             GError     **error)
{
  JsonArray *array;
  guint n;

  if (!kouan_json_get_array (body, "mutations", &array, error))
    return FALSE;
  n = json_array_get_length (array);
  if (n > KOUAN_MUTATIONS_MAX)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "At most %d mutations per batch", KOUAN_MUTATIONS_MAX);
      return FALSE;
    }

  for (guint i = 0; i < n; i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *object;
      Mutation mutation = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                       "mutations[%u] must be an object", i);
          return FALSE;
        }
      object = json_node_get_object (node);
      if (!kouan_json_get_string (object, "id", &mutation.id, error) ||
          !kouan_json_get_string (object, "collection", &mutation.collection, error) ||
          !kouan_json_get_string (object, "op", &mutation.op, error) ||
          !kouan_json_get_int (object, "record_id", &mutation.record_id, error) ||
          !kouan_json_get_object (object, "fields", &mutation.fields, error))
        {
          g_prefix_error (error, "mutations[%u]: ", i);
          return FALSE;
        }
      if (!mutation_id_is_valid (mutation.id))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                       "mutations[%u]: \"id\" must be 1–64 characters of A-Z a-z 0-9 - _", i);
          return FALSE;
        }
      if (json_object_has_member (object, "base") &&
          !kouan_json_get_int (object, "base", &mutation.base, error))
        {
          g_prefix_error (error, "mutations[%u]: ", i);
          return FALSE;
        }
      g_array_append_val (out, mutation);
    }
  return TRUE;
}

JsonObject *
kouan_server_mutation_rejected (const char *id,
                                const char *code,
                                const char *message,
                                JsonObject *record)
{
  JsonObject *result = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "status", "rejected");
  json_object_set_object_member (result, "error", error);
  if (record != NULL)
    json_object_set_object_member (result, "record", record);
  else
    json_object_set_null_member (result, "record");
  return result;
}

JsonObject *
kouan_server_mutation_applied (const char *id,
                               JsonObject *record)
{
  JsonObject *result = json_object_new ();

  json_object_set_string_member (result, "id", id);
  json_object_set_string_member (result, "status", "applied");
  if (record != NULL)
    json_object_set_object_member (result, "record", record);
  else
    json_object_set_null_member (result, "record");
  return result;
}

#define rejected kouan_server_mutation_rejected

/* Applies one message mutation inside the batch transaction. Returns the
 * result object, or NULL with @error on a database failure. */
static JsonObject *
apply_message (KouanServer     *self,
               const Mutation  *mutation,
               gint64           enterprise_id,
               gint64           user_id,
               GError         **error)
{
  JsonObject *current = kouan_server_db_message_json (self, enterprise_id,
                                                      mutation->record_id, user_id);
  JsonObject *result;
  sqlite3_stmt *stmt;
  gboolean read, starred;
  g_autoptr(GList) members = NULL;

  if (current == NULL)
    return rejected (mutation->id, "not_found", "No such message", NULL);
  if (g_strcmp0 (mutation->op, "update") != 0)
    return rejected (mutation->id, "invalid_field", "Messages only take \"update\"", current);

  read = json_object_get_boolean_member (current, "read");
  starred = json_object_get_boolean_member (current, "starred");

  members = json_object_get_members (mutation->fields);
  if (members == NULL)
    return rejected (mutation->id, "invalid_field", "\"fields\" is empty", current);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *message = NULL;
      gboolean *target;

      if (g_strcmp0 (name, "read") == 0)
        target = &read;
      else if (g_strcmp0 (name, "starred") == 0)
        target = &starred;
      else
        {
          message = g_strdup_printf ("\"%s\" cannot be changed; editable: read, starred", name);
          return rejected (mutation->id, "invalid_field", message, current);
        }

      if (!kouan_json_get_bool (mutation->fields, name, target, &local_error))
        return rejected (mutation->id, "invalid_field", local_error->message, current);
    }
  json_object_unref (current);

  stmt = kouan_server_db_stmt (self,
    "INSERT INTO message_states (user_id, message_id, read, starred) VALUES (?1, ?2, ?3, ?4)"
    " ON CONFLICT (user_id, message_id) DO UPDATE SET read = excluded.read, starred = excluded.starred");
  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_int64 (stmt, 2, mutation->record_id);
  sqlite3_bind_int (stmt, 3, read);
  sqlite3_bind_int (stmt, 4, starred);
  if (!kouan_server_db_step_done (self, stmt, error))
    return NULL;

  result = json_object_new ();
  json_object_set_string_member (result, "id", mutation->id);
  json_object_set_string_member (result, "status", "applied");
  json_object_set_object_member (result, "record",
                                 kouan_server_db_message_json (self, enterprise_id,
                                                               mutation->record_id, user_id));
  return result;
}

/* (nullable): the stored result of a mutation this user already sent */
static JsonObject *
stored_result (KouanServer *self,
               gint64       user_id,
               const char  *mutation_id)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "SELECT result_json FROM applied_mutations WHERE user_id = ?1 AND mutation_id = ?2");
  JsonObject *result = NULL;

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, mutation_id, -1, SQLITE_TRANSIENT);
  if (kouan_server_db_row (self, stmt))
    result = kouan_json_parse_object ((const char *) sqlite3_column_text (stmt, 0), -1, NULL);
  sqlite3_reset (stmt);
  return result;
}

static gboolean
store_result (KouanServer  *self,
              gint64        user_id,
              const char   *mutation_id,
              JsonObject   *result,
              GError      **error)
{
  sqlite3_stmt *stmt = kouan_server_db_stmt (self,
    "INSERT INTO applied_mutations (user_id, mutation_id, result_json, applied_at)"
    " VALUES (?1, ?2, ?3, ?4)");
  g_autofree char *text = kouan_json_object_to_string (result);

  sqlite3_bind_int64 (stmt, 1, user_id);
  sqlite3_bind_text (stmt, 2, mutation_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  return kouan_server_db_step_done (self, stmt, error);
}

static gboolean
apply_batch (KouanServer  *self,
             GArray       *batch,
             gint64        enterprise_id,
             gint64        user_id,
             JsonArray    *results,
             GError      **error)
{
  g_autoptr(GHashTable) allowed = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < batch->len; i++)
    {
      const Mutation *mutation = &g_array_index (batch, Mutation, i);
      JsonObject *result = stored_result (self, user_id, mutation->id);

      if (result == NULL)
        {
          const KouanServerCollection *kind =
            kouan_server_collections_lookup (self, mutation->collection);

          if (kind == NULL || kind->apply == NULL ||
              !may_view (self, kind, enterprise_id, user_id, allowed))
            result = rejected (mutation->id, "invalid_field", "No such collection", NULL);
          else if (kind->manage_permission != NULL &&
                   !kouan_server_authz_allows (self, user_id, enterprise_id,
                                               kind->manage_permission))
            /* with the record as it is, so the client can undo the edit */
            result = rejected (mutation->id, "forbidden",
                               "Your roles in this enterprise do not allow this change",
                               kind->materialise != NULL && mutation->record_id > 0
                                 ? kind->materialise (self, enterprise_id, mutation->record_id, user_id)
                                 : NULL);
          else
            result = kouan_server_conflict_apply (self, kind, mutation, enterprise_id, user_id, error);
          if (result == NULL)
            return FALSE;
          if (!store_result (self, user_id, mutation->id, result, error))
            {
              json_object_unref (result);
              return FALSE;
            }
        }
      json_array_add_object_element (results, result);
    }

  return TRUE;
}

void
kouan_server_sync_mutations (KouanServer       *self,
                             SoupServerMessage *msg,
                             gint64             enterprise_id,
                             gint64             user_id)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (Mutation));
  g_autoptr(GError) error = NULL;
  JsonArray *results;

  body = kouan_server_read_body (msg);
  if (body == NULL)
    return;
  if (!parse_batch (body, batch, &error))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field", "%s", error->message);
      return;
    }

  results = json_array_new ();
  /* The whole batch commits or none of it does, results included: a
   * replay after a failure then applies it afresh, never half. */
  if (!kouan_server_db_begin (self, &error) ||
      !apply_batch (self, batch, enterprise_id, user_id, results, &error) ||
      !kouan_server_db_commit (self, &error))
    {
      kouan_server_db_rollback (self);
      json_array_unref (results);
      g_warning ("Applying mutations: %s", error->message);
      kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                                "The mutations could not be applied");
      return;
    }

  reply = json_object_new ();
  json_object_set_array_member (reply, "results", results);
  json_object_set_int_member (reply, "cursor", kouan_server_db_max_seq (self, enterprise_id, user_id));
  /* The sockets that may see the batch's changes are told by the router
   * (kouan_server_events_notify_since), not only this user's. */
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
}

gboolean
_kouan_server_sync_apply_body (KouanServer  *self,
                               JsonObject   *body,
                               gint64        enterprise_id,
                               gint64        user_id,
                               gboolean      keep,
                               JsonArray   **out_results,
                               GError      **error)
{
  g_autoptr(GArray) batch = g_array_new (FALSE, TRUE, sizeof (Mutation));
  g_autoptr(JsonArray) results = json_array_new ();

  if (!parse_batch (body, batch, error))
    return FALSE;
  if (!kouan_server_db_begin (self, error))
    return FALSE;
  if (!apply_batch (self, batch, enterprise_id, user_id, results, error) ||
      (keep && !kouan_server_db_commit (self, error)))
    {
      kouan_server_db_rollback (self);
      return FALSE;
    }
  if (!keep)
    kouan_server_db_rollback (self);
  *out_results = g_steal_pointer (&results);
  return TRUE;
}

/* ---- the foundation's collections ---------------------------------- */

static JsonObject *
materialise_message (KouanServer *self,
                     gint64       enterprise_id,
                     gint64       record_id,
                     gint64       user_id)
{
  return kouan_server_db_message_json (self, enterprise_id, record_id, user_id);
}

static JsonObject *
materialise_enterprise (KouanServer *self,
                        gint64       enterprise_id,
                        gint64       record_id,
                        gint64       user_id)
{
  return kouan_server_db_enterprise_json (self, record_id);
}

static const KouanServerCollection messages_collection = {
  .name = "messages",
  .materialise = materialise_message,
  .apply = apply_message,
};

static const KouanServerCollection enterprise_collection = {
  .name = "enterprise",
  .materialise = materialise_enterprise,
};

void
kouan_server_sync_install (KouanServer *self)
{
  kouan_server_collections_add (self, &messages_collection);
  kouan_server_collections_add (self, &enterprise_collection);
}

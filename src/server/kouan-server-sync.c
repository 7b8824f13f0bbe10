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
  g_autoptr(GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(JsonObject) remaining = json_object_new ();
  g_autoptr(GError) error = NULL;
  GHashTableIter iter;
  gpointer key, value;

  if (!self->storage->feed->changes_count (self->storage, enterprise_id, user_id, cursor,
                                           counts, &error))
    {
      g_warning ("%s", error->message);
      return NULL;
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const KouanServerCollection *kind = kouan_server_collections_lookup (self, key);

      if (kind != NULL && may_view (self, kind, enterprise_id, user_id, allowed))
        json_object_set_int_member (remaining, key, *(gint64 *) value);
    }
  return g_steal_pointer (&remaining);
}

/* Appends one change of the page to @out as JSON text. A record the
 * backend kept as written is copied as is; the others are materialised
 * (the areas whose writes do not go through storage yet). */
static void
append_change (KouanServer                 *self,
               const KouanServerCollection *kind,
               const KouanStoredChange     *change,
               gint64                       enterprise_id,
               gint64                       user_id,
               GString                     *out)
{
  g_autofree char *materialised = NULL;
  const char *record = change->record_json;

  if (!change->kept)
    {
      g_autoptr(JsonObject) object = kind->materialise (self, enterprise_id, change->record_id, user_id);

      if (object != NULL)
        record = materialised = kouan_json_object_to_string (object);
    }
  /* collection names are registered identifiers: nothing to escape */
  g_string_append_printf (out, "%s{\"seq\":%" G_GINT64_FORMAT ",\"collection\":\"%s\",\"id\":%"
                          G_GINT64_FORMAT ",\"op\":\"%s\"",
                          out->str[out->len - 1] == '[' ? "" : ",",
                          change->seq, change->collection, change->record_id,
                          record != NULL ? "upsert" : "delete");
  if (record != NULL)
    {
      g_string_append (out, ",\"record\":");
      g_string_append (out, record);
    }
  g_string_append_c (out, '}');
}

void
kouan_server_sync_changes (KouanServer       *self,
                           SoupServerMessage *msg,
                           GHashTable        *query,
                           gint64             enterprise_id,
                           gint64             user_id)
{
  /* Storage returns each record once, at its latest change, leaving out
   * the collections this user may not view, so a page holds up to @limit
   * changes the user receives and its cursor is the last of them — a
   * member without the admin rights does not page through the admin
   * collections' rows. The reply is written as text: a record kept as
   * written is copied, not parsed and serialised again. */
  g_autoptr(GHashTable) allowed = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) hidden = g_ptr_array_new ();
  g_autoptr(GArray) page = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));
  g_autoptr(JsonObject) remaining = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = NULL;
  gint64 since, limit, cursor, with_counts, newest = 0;
  gboolean more = FALSE;
  SoupMessageHeaders *headers;
  gsize length;

  if (!parse_query_int (query, "since", 0, 0, G_MAXINT64, &since) ||
      !parse_query_int (query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT, &limit) ||
      !parse_query_int (query, "count", 0, 0, 1, &with_counts))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                                "\"since\" must be an integer >= 0, \"limit\" one in 1–%d"
                                " and \"count\" 0 or 1", MAX_LIMIT);
      return;
    }

  /* the collections hidden from this user, decided once per page */
  if (self->collections != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, self->collections);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          const KouanServerCollection *kind = value;

          if (!may_view (self, kind, enterprise_id, user_id, allowed))
            g_ptr_array_add (hidden, (gpointer) kind->name);
        }
    }
  g_ptr_array_add (hidden, NULL);
  g_array_set_clear_func (page, (GDestroyNotify) kouan_stored_change_clear);

  cursor = since;
  /* one more tells whether more wait */
  if (!self->storage->feed->changes_page (self->storage, enterprise_id, user_id, since, limit + 1,
                                          (const char * const *) hidden->pdata, page, &error))
    goto failed;
  if (page->len > (guint) limit)
    {
      more = TRUE;
      g_array_set_size (page, limit);
    }

  out = g_string_sized_new (256 + page->len * 512);
  g_string_append (out, "{\"changes\":[");
  for (guint i = 0; i < page->len; i++)
    {
      const KouanStoredChange *change = &g_array_index (page, KouanStoredChange, i);
      const KouanServerCollection *kind = kouan_server_collections_lookup (self, change->collection);

      cursor = change->seq;
      /* A collection no longer registered is passed over (the cursor
       * still moves past it). */
      if (kind == NULL || !may_view (self, kind, enterprise_id, user_id, allowed))
        continue;
      append_change (self, kind, change, enterprise_id, user_id, out);
    }

  if (with_counts)
    {
      remaining = more ? count_remaining (self, enterprise_id, user_id, cursor, allowed)
                       : json_object_new ();
      if (remaining == NULL)
        {
          g_set_error_literal (&error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_DB,
                               "Counting the change feed failed");
          goto failed;
        }
    }

  /* On the last page the cursor moves past the rows this user may not
   * see at the end of the feed, as far as the newest change addressed to
   * everyone or to this user (others' own rows never move it): the next
   * pull starts there, and it equals what the events socket announces.
   * With several writers (PostgreSQL) a change may be numbered between
   * the page and this read: the cursor jumps only when nothing after it
   * is one this user would receive, so it never passes over one. */
  if (!more)
    {
      if (!self->storage->feed->changes_newest (self->storage, enterprise_id, user_id, &newest, &error))
        goto failed;
      if (newest > cursor)
        {
          /* Is there a change after @cursor this user would receive? Then
           * it was numbered after the page was read: leave the cursor, the
           * next pull gets it. */
          g_autoptr(GArray) after = g_array_new (FALSE, TRUE, sizeof (KouanStoredChange));

          g_array_set_clear_func (after, (GDestroyNotify) kouan_stored_change_clear);
          if (!self->storage->feed->changes_page (self->storage, enterprise_id, user_id, cursor, 1,
                                                  (const char * const *) hidden->pdata, after, &error))
            goto failed;
          if (after->len == 0)
            cursor = newest;
        }
    }

  g_string_append_printf (out, "],\"cursor\":%" G_GINT64_FORMAT ",\"more\":%s",
                          cursor, more ? "true" : "false");
  if (remaining != NULL)
    {
      g_autofree char *text = kouan_json_object_to_string (remaining);

      g_string_append (out, ",\"remaining\":");
      g_string_append (out, text);
    }
  g_string_append_c (out, '}');

  headers = soup_server_message_get_response_headers (msg);
  /* as kouan_server_reply_json(): no cache may keep a copy */
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  length = out->len;
  soup_server_message_set_response (msg, "application/json; charset=utf-8", SOUP_MEMORY_TAKE,
                                    g_string_free (g_steal_pointer (&out), FALSE), length);
  return;

failed:
  g_warning ("Reading the change feed: %s", error->message);
  kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The change feed could not be read");
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

  if (!self->storage->messages->message_state_set (self->storage, enterprise_id, user_id,
                                                   mutation->record_id, read, starred, error))
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
  g_autoptr(GError) error = NULL;
  g_autofree char *text = self->storage->feed->mutation_result (self->storage, user_id,
                                                                mutation_id, &error);

  if (error != NULL)
    kouan_server_storage_failed (self, error);
  return text != NULL ? kouan_json_parse_object (text, -1, NULL) : NULL;
}

static gboolean
store_result (KouanServer  *self,
              gint64        user_id,
              const char   *mutation_id,
              JsonObject   *result,
              GError      **error)
{
  g_autofree char *text = kouan_json_object_to_string (result);

  return self->storage->feed->mutation_store (self->storage, user_id, mutation_id, text,
                                              g_get_real_time () / G_USEC_PER_SEC, error);
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

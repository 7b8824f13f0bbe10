/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-client-records.c: the records KouanClient hands out — a login
 * session and a page of the change feed — decoded strictly from the
 * server's JSON (docs/api.md), and the secret-wiping helpers they share
 * with kouan-client.c. */

#define G_LOG_DOMAIN "kouan-client"

#include "config.h"

#include "kouan-client-private.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"

/* Overwrites a secret before its memory goes back to the allocator, in a way
 * the compiler may not drop as a dead store. */
void
_kouan_client_wipe_secret (char *secret)
{
  volatile char *p = (volatile char *) secret;

  if (secret == NULL)
    return;
  while (*p != '\0')
    *p++ = '\0';
}

void
_kouan_client_free_secret (char *secret)
{
  _kouan_client_wipe_secret (secret);
  g_free (secret);
}

void
kouan_session_free (KouanSession *session)
{
  if (session == NULL)
    return;
  _kouan_client_free_secret (session->token);
  g_free (session->account);
  g_free (session->name);
  g_free (session->method);
  g_free (session->card_fingerprint);
  g_clear_pointer (&session->enterprises, g_ptr_array_unref);
  g_free (session);
}

/**
 * kouan_session_new_from_json:
 * @object: a login or GET /session answer
 *
 * Strict decoding: a member of the wrong type is an error. "token" is
 * optional because GET /api/v1/session does not repeat it.
 *
 * Returns: (transfer full) (nullable): the session, or NULL with
 * KOUAN_JSON_ERROR set.
 */
KouanSession *
kouan_session_new_from_json (JsonObject *object, GError **error)
{
  g_autoptr(KouanSession) session = g_new0 (KouanSession, 1);
  const char *token = NULL;
  const char *account = NULL;
  const char *name = NULL;
  const char *method = NULL;
  JsonObject *user = NULL;
  JsonArray *memberships = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  if (!kouan_json_get_opt_string (object, "token", &token, error) ||
      !kouan_json_get_object (object, "user", &user, error) ||
      !kouan_json_get_int (user, "id", &session->user_id, error) ||
      !kouan_json_get_string (user, "account", &account, error) ||
      !kouan_json_get_string (user, "name", &name, error) ||
      !kouan_json_get_opt_string (object, "method", &method, error) ||
      !kouan_json_get_array (object, "memberships", &memberships, error))
    return NULL;

  session->token = g_strdup (token);
  session->account = g_strdup (account);
  session->name = g_strdup (name);
  session->method = g_strdup (method != NULL ? method : "password");
  session->enterprises = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < json_array_get_length (memberships); i++)
    {
      JsonNode *node = json_array_get_element (memberships, i);
      KouanEnterprise *enterprise;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                       "memberships[%u] is not an object", i);
          return NULL;
        }
      enterprise = kouan_enterprise_new_from_membership (json_node_get_object (node), error);
      if (enterprise == NULL)
        return NULL;
      g_ptr_array_add (session->enterprises, enterprise);
    }

  return g_steal_pointer (&session);
}

static void
kouan_change_free (KouanChange *change)
{
  g_free (change->collection);
  g_clear_pointer (&change->record, json_object_unref);
  g_free (change);
}

void
kouan_change_page_free (KouanChangePage *page)
{
  if (page == NULL)
    return;
  g_clear_pointer (&page->changes, g_ptr_array_unref);
  g_clear_pointer (&page->remaining, g_hash_table_unref);
  g_free (page);
}

static KouanChange *
kouan_change_new_from_json (JsonObject *object, guint index, GError **error)
{
  KouanChange *change;
  gint64 seq, id;
  const char *collection = NULL;
  const char *op = NULL;
  JsonObject *record = NULL;
  gboolean deleted;

  if (!kouan_json_get_int (object, "seq", &seq, error) ||
      !kouan_json_get_string (object, "collection", &collection, error) ||
      !kouan_json_get_int (object, "id", &id, error) ||
      !kouan_json_get_string (object, "op", &op, error))
    return NULL;

  if (g_str_equal (op, "upsert"))
    deleted = FALSE;
  else if (g_str_equal (op, "delete"))
    deleted = TRUE;
  else
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "changes[%u]: unknown op \"%s\"", index, op);
      return NULL;
    }

  /* An upsert without its record could not be applied: refuse the page
   * rather than silently skipping a row and advancing the cursor past it. */
  if (!deleted && !kouan_json_get_object (object, "record", &record, error))
    return NULL;

  change = g_new0 (KouanChange, 1);
  change->seq = seq;
  change->collection = g_strdup (collection);
  change->id = id;
  change->deleted = deleted;
  change->record = record != NULL ? json_object_ref (record) : NULL;
  return change;
}

/* "remaining": {"collection": count ≥ 0, …} (docs/api.md) */
static gboolean
remaining_from_json (JsonObject  *page,
                     GHashTable **out,
                     GError     **error)
{
  g_autoptr(GHashTable) remaining = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GList) members = NULL;
  JsonObject *object = NULL;

  if (!kouan_json_get_object (page, "remaining", &object, error))
    return FALSE;
  members = json_object_get_members (object);
  for (const GList *l = members; l != NULL; l = l->next)
    {
      gint64 count;

      if (!kouan_json_get_int (object, l->data, &count, error))
        return FALSE;
      if (count < 0)
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                       "remaining.%s is negative", (const char *) l->data);
          return FALSE;
        }
      g_hash_table_insert (remaining, g_strdup (l->data), g_memdup2 (&count, sizeof count));
    }
  *out = g_steal_pointer (&remaining);
  return TRUE;
}

/**
 * kouan_change_page_new_from_json:
 *
 * Returns: (transfer full) (nullable): the page, or NULL with
 * KOUAN_JSON_ERROR set when a member is missing or of the wrong type.
 */
KouanChangePage *
kouan_change_page_new_from_json (gint64       enterprise_id,
                                 JsonObject  *object,
                                 GError     **error)
{
  g_autoptr(KouanChangePage) page = g_new0 (KouanChangePage, 1);
  JsonArray *changes = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  page->enterprise_id = enterprise_id;
  if (!kouan_json_get_array (object, "changes", &changes, error) ||
      !kouan_json_get_int (object, "cursor", &page->cursor, error) ||
      !kouan_json_get_bool (object, "more", &page->more, error))
    return NULL;

  if (page->cursor < 0)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "negative cursor %" G_GINT64_FORMAT, page->cursor);
      return NULL;
    }

  if (json_object_has_member (object, "remaining") &&
      !remaining_from_json (object, &page->remaining, error))
    return NULL;

  page->changes = g_ptr_array_new_full (json_array_get_length (changes),
                                        (GDestroyNotify) kouan_change_free);
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      JsonNode *node = json_array_get_element (changes, i);
      KouanChange *change;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                       "changes[%u] is not an object", i);
          return NULL;
        }
      change = kouan_change_new_from_json (json_node_get_object (node), i, error);
      if (change == NULL)
        return NULL;
      g_ptr_array_add (page->changes, change);
    }

  return g_steal_pointer (&page);
}

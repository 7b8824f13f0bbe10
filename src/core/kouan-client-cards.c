/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The account's IC cards over the API (docs/api.md, "IC cards of the
 * account"), decoded strictly into KouanBoundCard, and the bind as one
 * operation: challenge, card signature, bind. */

#define G_LOG_DOMAIN "kouan-client"

#include "config.h"

#include <string.h>

#include "kouan-card.h"
#include "kouan-client-cards.h"
#include "kouan-client-private.h"
#include "kouan-json.h"

void
kouan_bound_card_free (KouanBoundCard *card)
{
  if (card == NULL)
    return;
  g_free (card->fingerprint);
  g_free (card->holder);
  g_free (card->serial);
  g_free (card);
}

static KouanBoundCard *
bound_card_from_json (JsonObject  *object,
                      GError     **error)
{
  g_autoptr(KouanBoundCard) card = g_new0 (KouanBoundCard, 1);
  const char *fingerprint, *holder, *serial;

  if (!kouan_json_get_string (object, "fingerprint", &fingerprint, error) ||
      !kouan_json_get_opt_string (object, "holder", &holder, error) ||
      !kouan_json_get_opt_string (object, "serial", &serial, error) ||
      !kouan_json_get_opt_int (object, "not_after", &card->not_after, error) ||
      !kouan_json_get_int (object, "bound_at", &card->bound_at, error) ||
      !kouan_json_get_bool (object, "expiring", &card->expiring, error))
    return NULL;
  card->fingerprint = g_strdup (fingerprint);
  card->holder = g_strdup (holder);
  card->serial = g_strdup (serial);
  return g_steal_pointer (&card);
}

static void
return_invalid (GTask  *task,
                GError *cause)
{
  g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                           "The server's answer could not be read: %s",
                           cause != NULL ? cause->message : "not a JSON object");
}

/* ---- list ------------------------------------------------------------- */

static void
on_list_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) cards = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_bound_card_free);
  JsonArray *array;

  if (node == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_invalid (task, NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      !kouan_json_get_array (json_node_get_object (node), "cards", &array, &error))
    {
      return_invalid (task, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      KouanBoundCard *card;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          return_invalid (task, NULL);
          return;
        }
      card = bound_card_from_json (json_node_get_object (element), &error);
      if (card == NULL)
        {
          return_invalid (task, error);
          return;
        }
      g_ptr_array_add (cards, card);
    }
  g_task_return_pointer (task, g_steal_pointer (&cards), (GDestroyNotify) g_ptr_array_unref);
}

void
kouan_client_list_cards_async (KouanClient         *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_list_cards_async);
  kouan_client_call_async (self, "GET", "/api/v1/account/cards", NULL, cancellable,
                           on_list_done, task);
}

GPtrArray *
kouan_client_list_cards_finish (KouanClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- bind ------------------------------------------------------------- */

typedef struct {
  char     *reader;
  char     *pin;          /* wiped when done */
  GBytes   *challenge;
  int       tries_left;
} Bind;

static void
bind_free (Bind *bind)
{
  g_free (bind->reader);
  _kouan_client_free_secret (bind->pin);
  g_clear_pointer (&bind->challenge, g_bytes_unref);
  g_free (bind);
}

static void
add_base64 (JsonObject *object,
            const char *member,
            GBytes     *bytes)
{
  gsize length;
  const guchar *data = g_bytes_get_data (bytes, &length);

  g_autofree char *text = g_base64_encode (data, length);

  json_object_set_string_member (object, member, text);
}

static void
on_bound (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  KouanBoundCard *card;

  if (node == NULL)
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        return_invalid (task, NULL);
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      return_invalid (task, NULL);
      return;
    }
  card = bound_card_from_json (json_node_get_object (node), &error);
  if (card == NULL)
    {
      return_invalid (task, error);
      return;
    }
  g_task_return_pointer (task, card, (GDestroyNotify) kouan_bound_card_free);
}

static void
on_signed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) certificate = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  Bind *bind = g_task_get_task_data (task);
  JsonObject *object = json_object_new ();

  json_node_take_object (body, object);
  signature = kouan_card_sign_challenge_finish (result, &certificate, &bind->tries_left, &error);
  if (signature == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  add_base64 (object, "challenge", bind->challenge);
  add_base64 (object, "certificate", certificate);
  add_base64 (object, "signature", signature);
  kouan_client_call_async (g_task_get_source_object (task), "POST", "/api/v1/account/cards", body,
                           g_task_get_cancellable (task), on_bound, g_object_ref (task));
}

static void
on_challenge (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  Bind *bind = g_task_get_task_data (task);

  bind->challenge = kouan_client_card_challenge_finish (KOUAN_CLIENT (source), result, &error);
  if (bind->challenge == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  kouan_card_sign_challenge_async (bind->reader, bind->pin, bind->challenge,
                                   g_task_get_cancellable (task), on_signed, g_object_ref (task));
  /* the card operation copied it into locked memory */
  _kouan_client_wipe_secret (bind->pin);
}

void
kouan_client_bind_card_async (KouanClient         *self,
                              const char          *reader,
                              const char          *pin,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Bind *bind;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (reader != NULL && pin != NULL);

  bind = g_new0 (Bind, 1);
  bind->reader = g_strdup (reader);
  bind->pin = g_strdup (pin);
  bind->tries_left = -1;
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_bind_card_async);
  g_task_set_task_data (task, bind, (GDestroyNotify) bind_free);
  kouan_client_card_challenge_async (self, cancellable, on_challenge, task);
}

KouanBoundCard *
kouan_client_bind_card_finish (KouanClient   *self,
                               GAsyncResult  *result,
                               int           *tries_left,
                               GError       **error)
{
  Bind *bind;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  bind = g_task_get_task_data (G_TASK (result));
  if (tries_left != NULL)
    *tries_left = bind->tries_left;
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- unbind ----------------------------------------------------------- */

static void
on_unbound (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  G_GNUC_UNUSED g_autoptr(JsonNode) node = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);

  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

void
kouan_client_unbind_card_async (KouanClient         *self,
                                const char          *fingerprint,
                                const char          *password,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (fingerprint != NULL && password != NULL);

  json_node_take_object (body, object);
  json_object_set_string_member (object, "fingerprint", fingerprint);
  json_object_set_string_member (object, "password", password);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_unbind_card_async);
  kouan_client_call_async (self, "POST", "/api/v1/account/cards/unbind", body, cancellable,
                           on_unbound, task);
  /* json-glib holds its own copy of the password: clear it before the
   * tree is freed (the request body is wiped by the client). */
  _kouan_client_wipe_secret ((char *) json_object_get_string_member (object, "password"));
}

gboolean
kouan_client_unbind_card_finish (KouanClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

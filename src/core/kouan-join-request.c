/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-join-request.h"
#include "kouan-json.h"

G_DEFINE_FINAL_TYPE (KouanJoinRequest, kouan_join_request, G_TYPE_OBJECT)

static void
kouan_join_request_finalize (GObject *object)
{
  KouanJoinRequest *self = KOUAN_JOIN_REQUEST (object);

  g_free (self->account);
  g_free (self->name);
  G_OBJECT_CLASS (kouan_join_request_parent_class)->finalize (object);
}

static void
kouan_join_request_class_init (KouanJoinRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_join_request_finalize;
}

static void
kouan_join_request_init (KouanJoinRequest *self)
{
}

KouanJoinRequest *
kouan_join_request_new_from_json (JsonObject  *record,
                                  gint64       enterprise_id,
                                  GError     **error)
{
  const char *account, *name;
  gint64 id, user_id, created_at;
  KouanJoinRequest *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_int (record, "user_id", &user_id, error) ||
      !kouan_json_get_string (record, "account", &account, error) ||
      !kouan_json_get_string (record, "name", &name, error) ||
      !kouan_json_get_int (record, "created_at", &created_at, error))
    return NULL;

  self = g_object_new (KOUAN_TYPE_JOIN_REQUEST, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->user_id = user_id;
  self->account = g_strdup (account);
  self->name = g_strdup (name);
  self->created_at = created_at;
  return self;
}

/* ---- list ---- */

static void
on_listed (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  gint64 enterprise_id = *(gint64 *) g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = kouan_client_call_finish (KOUAN_CLIENT (source), result, &error);
  g_autoptr(GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);
  JsonArray *items = NULL;

  if (node == NULL && error == NULL)
    g_set_error_literal (&error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE, "An empty answer");
  if (error == NULL && (!JSON_NODE_HOLDS_OBJECT (node) ||
                        !kouan_json_get_array (json_node_get_object (node), "items", &items, &error)))
    {
      g_clear_error (&error);
      g_set_error_literal (&error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                           "The join requests are not a list");
    }
  for (guint i = 0; error == NULL && i < json_array_get_length (items); i++)
    {
      JsonNode *element = json_array_get_element (items, i);
      g_autoptr(GError) invalid = NULL;
      KouanJoinRequest *request = JSON_NODE_HOLDS_OBJECT (element)
        ? kouan_join_request_new_from_json (json_node_get_object (element), enterprise_id, &invalid) : NULL;

      if (request == NULL)
        g_set_error (&error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                     "Join request %u is malformed: %s", i, invalid != NULL ? invalid->message : "not an object");
      else
        g_ptr_array_add (requests, request);
    }
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_steal_pointer (&requests), (GDestroyNotify) g_ptr_array_unref);
}

void
kouan_join_requests_list_async (KouanClient         *client,
                                gint64               enterprise_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/join-requests",
                                           enterprise_id);

  g_task_set_source_tag (task, kouan_join_requests_list_async);
  g_task_set_task_data (task, g_memdup2 (&enterprise_id, sizeof enterprise_id), g_free);
  kouan_client_call_async (client, "GET", path, NULL, cancellable, on_listed, task);
}

GPtrArray *
kouan_join_requests_list_finish (KouanClient   *client,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- decide ---- */

static void
on_decided (GObject      *source,
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
kouan_join_request_decide_async (KouanClient         *client,
                                 gint64               enterprise_id,
                                 gint64               request_id,
                                 gboolean             approve,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task = g_task_new (client, cancellable, callback, user_data);
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/join-requests/%"
                                           G_GINT64_FORMAT "/%s", enterprise_id, request_id,
                                           approve ? "approve" : "reject");

  g_task_set_source_tag (task, kouan_join_request_decide_async);
  kouan_client_call_async (client, "POST", path, NULL, cancellable, on_decided, task);
}

gboolean
kouan_join_request_decide_finish (KouanClient   *client,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, client), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

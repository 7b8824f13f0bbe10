/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-image-cache.h"
#include "kouan-json.h"
#include "kouan-personal.h"

typedef struct {
  KouanStore *store;  /* (nullable) */
  gint64      enterprise_id;
  gint64      image_id;
  GBytes     *data;   /* uploads: what was sent */
} ImageOp;

static void
image_op_free (ImageOp *op)
{
  g_clear_object (&op->store);
  g_clear_pointer (&op->data, g_bytes_unref);
  g_free (op);
}

static ImageOp *
image_op_new (KouanStore *store,
              gint64      enterprise_id,
              gint64      image_id)
{
  ImageOp *op = g_new0 (ImageOp, 1);

  op->store = store != NULL ? g_object_ref (store) : NULL;
  op->enterprise_id = enterprise_id;
  op->image_id = image_id;
  return op;
}

static void
cache_put (ImageOp *op,
           gint64   image_id,
           GBytes  *data)
{
  g_autoptr(GError) error = NULL;

  if (op->store != NULL &&
      !kouan_store_put_image (op->store, op->enterprise_id, image_id, data, &error))
    g_debug ("Caching image %" G_GINT64_FORMAT ": %s", image_id, error->message);
}

static void
on_downloaded (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = kouan_client_download_finish (KOUAN_CLIENT (source), result, &error);

  if (data == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  cache_put (op, op->image_id, data);
  g_task_return_pointer (task, g_steal_pointer (&data), (GDestroyNotify) g_bytes_unref);
}

void
kouan_image_fetch_async (KouanClient         *client,
                         KouanStore          *store,
                         gint64               enterprise_id,
                         gint64               image_id,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) cached = NULL;
  g_autofree char *path = NULL;

  g_return_if_fail (client == NULL || KOUAN_IS_CLIENT (client));
  g_return_if_fail (store == NULL || KOUAN_IS_STORE (store));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_image_fetch_async);
  g_task_set_task_data (task, image_op_new (store, enterprise_id, image_id), (GDestroyNotify) image_op_free);

  if (image_id <= 0 || enterprise_id <= 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "No image %" G_GINT64_FORMAT " in enterprise %" G_GINT64_FORMAT,
                               image_id, enterprise_id);
      return;
    }
  if (store != NULL)
    cached = kouan_store_get_image (store, enterprise_id, image_id);
  if (cached != NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&cached), (GDestroyNotify) g_bytes_unref);
      return;
    }
  if (client == NULL || kouan_client_get_token (client) == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED,
                               "Image %" G_GINT64_FORMAT " is not cached and no session is open", image_id);
      return;
    }
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images/%" G_GINT64_FORMAT,
                          enterprise_id, image_id);
  kouan_client_download_async (client, path, cancellable, on_downloaded, g_steal_pointer (&task));
}

GBytes *
kouan_image_fetch_finish (GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kouan_image_fetch_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
on_uploaded (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ImageOp *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) reply = kouan_client_upload_finish (KOUAN_CLIENT (source), result, &error);
  gint64 id = 0;

  if (reply == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (!JSON_NODE_HOLDS_OBJECT (reply) ||
      !kouan_json_get_int (json_node_get_object (reply), "id", &id, &error) || id <= 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The server's answer to an image upload names no id%s%s",
                               error != NULL ? ": " : "", error != NULL ? error->message : "");
      return;
    }
  /* what was sent is what the id names */
  cache_put (op, id, op->data);
  g_task_return_int (task, id);
}

void
kouan_image_upload_async (KouanClient         *client,
                          KouanStore          *store,
                          gint64               enterprise_id,
                          GBytes              *data,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *path = NULL;
  ImageOp *op;

  g_return_if_fail (KOUAN_IS_CLIENT (client));
  g_return_if_fail (store == NULL || KOUAN_IS_STORE (store));
  g_return_if_fail (data != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_image_upload_async);
  op = image_op_new (store, enterprise_id, 0);
  op->data = g_bytes_ref (data);
  g_task_set_task_data (task, op, (GDestroyNotify) image_op_free);

  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images", enterprise_id);
  kouan_client_upload_async (client, path, "application/octet-stream", data,
                             cancellable, on_uploaded, g_steal_pointer (&task));
}

gint64
kouan_image_upload_finish (GAsyncResult  *result,
                           GError       **error)
{
  gssize id;

  g_return_val_if_fail (g_task_is_valid (result, NULL), 0);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == kouan_image_upload_async, 0);

  id = g_task_propagate_int (G_TASK (result), error);
  return id > 0 ? id : 0;
}

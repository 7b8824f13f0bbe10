/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "kouan-client.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The one way an enterprise image reaches the app — avatars, seals,
 * LOGOs, 首页 slides alike: from the local image cache when it is there
 * (offline too), else one GET through the session's client, kept in the
 * cache so it shows offline from then on. An image never changes under
 * its id (a new picture is a new id), so a cached copy is never stale.
 * Uploads keep what was sent under the id the server gives it. */

/* @client and @store may be NULL (no session, no cache): then only the
 * other one is tried. Fails with G_IO_ERROR_NOT_CONNECTED when the image
 * is not cached and there is no signed-in client, else with the client's
 * error. */
void    kouan_image_fetch_async   (KouanClient         *client,
                                   KouanStore          *store,
                                   gint64               enterprise_id,
                                   gint64               image_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
/* (transfer full): the encoded image (PNG or JPEG) */
GBytes *kouan_image_fetch_finish  (GAsyncResult        *result,
                                   GError             **error);

/* POSTs @data (already checked with kouan_image_check()) to the
 * enterprise's images and caches it under the new id. */
void    kouan_image_upload_async  (KouanClient         *client,
                                   KouanStore          *store,
                                   gint64               enterprise_id,
                                   GBytes              *data,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data);
/* The new image's id (> 0), or 0 with @error set: the client's error
 * (KOUAN_API_ERROR_NETWORK when the server cannot be reached), or
 * G_IO_ERROR_INVALID_DATA when the answer names no id. */
gint64  kouan_image_upload_finish (GAsyncResult        *result,
                                   GError             **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-client.h"
#include "kouan-store.h"
#include "admin/kouan-admin-view.h"

G_BEGIN_DECLS

/* Shared by the 企业信息设置, 业务设置 and 企业风采设置 pages and the
 * 首页 (images). */

/* Adds the three pages to the administrator center. */
void        kouan_admin_enterprise_add_pages   (KouanAdminView *admin);

/* (transfer none) (nullable): the store of the window @widget is in */
KouanStore *kouan_admin_page_get_store         (GtkWidget      *widget);
/* (transfer none) (nullable) */
KouanClient *kouan_admin_page_get_client       (GtkWidget      *widget);

/* Checks @value (a string, bool or int node; NULL = missing) for @field
 * with the shared rules; NULL when it passes, else (transfer full) the
 * message to show next to the field, in the user's language. */
char       *kouan_admin_check_field            (const char     *collection,
                                                const char     *field,
                                                JsonNode       *value);

/* (transfer full) (nullable): the server's last refusal of an edit of
 * @collection in @enterprise_id (its "error": code, field, reason),
 * recorded by the sync engine; taken, so it is shown once. */
JsonObject *kouan_admin_take_rejection         (GtkWidget      *page,
                                                gint64          enterprise_id,
                                                const char     *collection);
/* (transfer full): what to tell the user about @error */
char       *kouan_admin_rejection_text         (JsonObject     *error);

/* Queues an edit; on failure shows nothing and returns FALSE with @error. */
gboolean    kouan_admin_enqueue                (GtkWidget      *page,
                                                gint64          enterprise_id,
                                                const char     *collection,
                                                const char     *op,
                                                gint64          record_id,
                                                JsonObject     *fields,
                                                GError        **error);

/* Feedback as an AdwToast over the window: @title (NULL: 已保存) when the
 * server can be reached now, with "sent when back online" otherwise.
 * With @undoable the toast has an Undo button: connect to its
 * "button-clicked". Returns (transfer none) (nullable) the toast shown
 * (NULL outside a window). */
AdwToast   *kouan_admin_toast_saved            (GtkWidget      *page,
                                                const char     *title,
                                                gboolean        undoable);
/* A failure or refusal: stays until dismissed */
void        kouan_admin_toast_failed           (GtkWidget      *page,
                                                const char     *text);

/* Images: load (from the local image cache, else GET and cached, as a
 * GdkTexture) and upload (from a file the user
 * picked: read, checked with kouan_image_check(), POSTed). */
void        kouan_admin_image_load_async       (GtkWidget           *page,
                                                gint64               enterprise_id,
                                                gint64               image_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
GdkTexture *kouan_admin_image_load_finish      (GAsyncResult        *result,
                                                GError             **error);
/* The result is the new image's id (> 0); the texture for a preview is
 * returned in @out_texture. */
void        kouan_admin_image_upload_async     (GtkWidget           *page,
                                                gint64               enterprise_id,
                                                GFile               *file,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gint64      kouan_admin_image_upload_finish    (GAsyncResult        *result,
                                                GdkTexture         **out_texture,
                                                GError             **error);

G_END_DECLS

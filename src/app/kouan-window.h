/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include "kouan-types.h"
#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "messages/kouan-messages-view.h"

G_BEGIN_DECLS

/* The main window after login: sidebar of areas, header bar with user,
 * enterprise switcher and sync status, offline banner, stack of views.
 * It owns the KouanSync engine for the session. */

#define KOUAN_TYPE_WINDOW (kouan_window_get_type ())
G_DECLARE_FINAL_TYPE (KouanWindow, kouan_window, KOUAN, WINDOW, AdwApplicationWindow)

/* @session: (transfer full) */
KouanWindow      *kouan_window_new              (GtkApplication *app,
                                                 KouanClient    *client,
                                                 KouanStore     *store,
                                                 KouanSession   *session);
KouanSync        *kouan_window_get_sync         (KouanWindow *self);
KouanStore       *kouan_window_get_store        (KouanWindow *self);
KouanClient      *kouan_window_get_client       (KouanWindow *self);
/* The account the session belongs to */
const char       *kouan_window_get_account      (KouanWindow *self);
/* The notices (KOUAN_MESSAGE_KIND_NOTICE) or warnings view */
KouanMessagesView *kouan_window_get_messages_view (KouanWindow      *self,
                                                   KouanMessageKind  kind);
/* "notices", "warnings", "personal", "admin", "insurance" */
void              kouan_window_show_area        (KouanWindow *self,
                                                 const char  *area);
gint64            kouan_window_get_enterprise_id (KouanWindow *self);
void              kouan_window_set_enterprise_id (KouanWindow *self,
                                                  gint64       enterprise_id);
/* TRUE while the offline banner is revealed */
gboolean          kouan_window_get_offline_banner_visible (KouanWindow *self);
/* Shows @toast (saved, queued offline, failed) over the window's content.
 * @toast: (transfer full) */
void              kouan_window_add_toast        (KouanWindow *self,
                                                 AdwToast    *toast);

G_END_DECLS

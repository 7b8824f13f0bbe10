/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-types.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The message center for one kind (通知 notices or 预警 warnings):
 * 未读 / 已读 tabs with counts, a 仅显示星标 filter, a GtkListView over a
 * KouanMessageList and the detail of the selected message. Opening a message
 * (查看详情 / activating a row) shows its detail and marks it read through
 * the store's outbox.
 *
 * Actions (widget scope "messages"):
 *   messages.toggle-star (x: message id)
 *   messages.open        (x: message id)   show detail + mark read
 *   messages.show-read   (b)               TRUE = 已读 tab, FALSE = 未读 tab
 *   messages.starred-only (stateful b)
 * Properties: store, kind, enterprise-id, unread-count (guint, notify),
 *             read-count (guint, notify), min-severity and sort (warnings:
 *             the severity filter and order, chosen in the toolbar; the
 *             window keeps them in GSettings), badge-count (guint, notify:
 *             unread and at least min-severity, for the sidebar badge) */

#define KOUAN_TYPE_MESSAGES_VIEW (kouan_messages_view_get_type ())
G_DECLARE_FINAL_TYPE (KouanMessagesView, kouan_messages_view, KOUAN, MESSAGES_VIEW, GtkWidget)

GtkWidget       *kouan_messages_view_new              (KouanMessageKind kind);
void             kouan_messages_view_set_store        (KouanMessagesView *self,
                                                       KouanStore        *store);
void             kouan_messages_view_set_enterprise_id (KouanMessagesView *self,
                                                        gint64             enterprise_id);
KouanMessageKind kouan_messages_view_get_kind         (KouanMessagesView *self);
guint            kouan_messages_view_get_unread_count (KouanMessagesView *self);
guint            kouan_messages_view_get_read_count   (KouanMessagesView *self);
guint            kouan_messages_view_get_badge_count  (KouanMessagesView *self);
/* The member's permissions in the enterprise shown, for the actions a
 * message offers (see KouanMessageDetail); nullable */
void             kouan_messages_view_set_permissions  (KouanMessagesView  *self,
                                                       const char * const *permissions);
/* The opened message's pane (for tests) */
GtkWidget       *kouan_messages_view_get_detail       (KouanMessagesView *self);
/* The model currently shown (for tests and accessibility checks) */
GListModel      *kouan_messages_view_get_model        (KouanMessagesView *self);
/* The id of the message whose detail is shown, 0 if none */
gint64           kouan_messages_view_get_open_message_id (KouanMessagesView *self);

G_END_DECLS

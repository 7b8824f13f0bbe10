/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The full text of one message: title, category, severity, date and time,
 * the selectable body, the buttons of its actions, and a star toggle that activates the enclosing
 * view's messages.toggle-star action. Messages are immutable, so the view
 * sets a fresh object whenever the store reports a change. */

#define KOUAN_TYPE_MESSAGE_DETAIL (kouan_message_detail_get_type ())
G_DECLARE_FINAL_TYPE (KouanMessageDetail, kouan_message_detail, KOUAN, MESSAGE_DETAIL, GtkWidget)

GtkWidget    *kouan_message_detail_new         (void);
/* @message: (nullable) */
void          kouan_message_detail_set_message (KouanMessageDetail *self,
                                                KouanMessage       *message);
KouanMessage *kouan_message_detail_get_message (KouanMessageDetail *self);
GtkWidget    *kouan_message_detail_get_star_button (KouanMessageDetail *self);
/* The member's permissions in the enterprise shown (nullable: none
 * known): a message's action is a button only when its area's permission
 * holds (kouan_message_action_area_permission(); manage implies view).
 * Each button activates win.open-message-action with (area, object). */
void          kouan_message_detail_set_permissions (KouanMessageDetail *self,
                                                    const char * const *permissions);
/* (transfer container) (element-type GtkButton): the buttons shown */
GPtrArray    *kouan_message_detail_get_action_buttons (KouanMessageDetail *self);

G_END_DECLS

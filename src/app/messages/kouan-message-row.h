/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* One row of the message list: star toggle, title (bold while unread),
 * category, date, severity pill for warnings and a 查看详情 button.
 * Rows are recycled by the GtkListView: binding only swaps the message
 * and updates labels. The buttons activate the enclosing view's
 * messages.toggle-star / messages.open actions. */

#define KOUAN_TYPE_MESSAGE_ROW (kouan_message_row_get_type ())
G_DECLARE_FINAL_TYPE (KouanMessageRow, kouan_message_row, KOUAN, MESSAGE_ROW, GtkWidget)

GtkWidget    *kouan_message_row_new          (void);
/* @message: (nullable) */
void          kouan_message_row_set_message  (KouanMessageRow *self,
                                              KouanMessage    *message);
KouanMessage *kouan_message_row_get_message  (KouanMessageRow *self);
/* Highlights what a search for @keyword (nullable) matched in the title */
void          kouan_message_row_set_highlight (KouanMessageRow *self,
                                               const char      *keyword);
/* (transfer full): Pango markup of @text with the matches of @keyword marked */
char         *kouan_message_highlight_markup  (const char *text,
                                               const char *keyword);
/* Shows the message's state again, e.g. after a star edit failed */
void          kouan_message_row_refresh      (KouanMessageRow *self);
/* The star toggle (for tests and keyboard focus handling) */
GtkWidget    *kouan_message_row_get_star_button (KouanMessageRow *self);

/* Shared formatting, also used by the detail view. (transfer full) */
char         *kouan_message_format_date       (gint64 created_at,
                                               GDateTime *now);
const char   *kouan_message_severity_label    (KouanSeverity severity);
const char   *kouan_message_severity_css_class (KouanSeverity severity);
/* Installs the message center's few style rules on the default display
 * (severity pills, unread dot); idempotent. */
void          kouan_message_row_load_css       (void);

G_END_DECLS

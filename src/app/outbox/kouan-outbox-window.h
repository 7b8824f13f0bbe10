/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-store-outbox.h"

G_BEGIN_DECLS

/* 待同步的更改: every edit of the enterprise the server has not accepted
 * yet — what, when, its state — and, for one it refused or that met a
 * newer record, why, who changed the record and when, with retry,
 * discard and (for a conflict) keep mine. Opened by win.show-outbox. */
#define KOUAN_TYPE_OUTBOX_WINDOW (kouan_outbox_window_get_type ())
G_DECLARE_FINAL_TYPE (KouanOutboxWindow, kouan_outbox_window, KOUAN, OUTBOX_WINDOW, AdwWindow)

GtkWidget *kouan_outbox_window_new (GtkWindow  *parent,
                                    KouanStore *store,
                                    gint64      enterprise_id);

/* For the UI tests */
GtkListBox *_kouan_outbox_window_get_list  (KouanOutboxWindow *self);
GtkStack   *_kouan_outbox_window_get_stack (KouanOutboxWindow *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-client.h"

G_BEGIN_DECLS

/* 加入更多公司: search an enterprise by name or unified social credit code
 * (the code checked as it is typed, nothing sent until it is valid), then
 * ask to join. "requested" is emitted when a request was sent (the dialog
 * then closes). */

#define KOUAN_TYPE_JOIN_DIALOG (kouan_join_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanJoinDialog, kouan_join_dialog, KOUAN, JOIN_DIALOG, AdwWindow)

GtkWidget   *kouan_join_dialog_new                (GtkWindow       *parent,
                                                   KouanClient     *client);

/* What is wrong with @text as a credit code, or NULL when it is one. */
const char  *kouan_join_dialog_credit_code_problem (const char     *text);

/* For the UI tests */
GtkEditable *_kouan_join_dialog_get_entry          (KouanJoinDialog *self);
GtkWidget   *_kouan_join_dialog_get_search_button  (KouanJoinDialog *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-card-dialog.h"

G_BEGIN_DECLS

/* For the UI tests */
GtkEditable *_kouan_card_dialog_get_pin_entry    (KouanCardDialog *self);
GtkButton   *_kouan_card_dialog_get_login_button (KouanCardDialog *self);
/* The card/reader state line, e.g. "Card of 测试持卡人 is ready" */
const char  *_kouan_card_dialog_get_state_text   (KouanCardDialog *self);
/* The message shown under the PIN, or NULL when none is */
const char  *_kouan_card_dialog_get_message      (KouanCardDialog *self);

G_END_DECLS

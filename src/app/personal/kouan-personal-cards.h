/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-client.h"

G_BEGIN_DECLS

/* 账号管理 → the IC cards bound to the account: the list (holder, serial,
 * expiry, 即将到期), 绑定IC卡 for the card in the reader (PIN, card
 * signature, server binding) and 解除绑定 behind a confirmation that
 * asks the account password. Online only; results as toasts. */

#define KOUAN_TYPE_PERSONAL_CARDS (kouan_personal_cards_get_type ())
G_DECLARE_FINAL_TYPE (KouanPersonalCards, kouan_personal_cards, KOUAN, PERSONAL_CARDS, AdwPreferencesGroup)

/* @client (nullable): NULL or without a token while offline */
void        _kouan_personal_cards_set_client (KouanPersonalCards *self,
                                              KouanClient        *client,
                                              const char         *account_name);
/* Fetches the list again (online) */
void        _kouan_personal_cards_reload     (KouanPersonalCards *self);

/* For the UI tests */
GtkButton  *_kouan_personal_cards_get_bind_button (KouanPersonalCards *self);
/* (transfer full) one line per listed card: "holder · serial · date[ · 即将到期]" */
char       *_kouan_personal_cards_get_text        (KouanPersonalCards *self);
/* (transfer none) (nullable) the bind or unbind confirmation being shown */
AdwMessageDialog *_kouan_personal_cards_get_dialog (KouanPersonalCards *self);
/* (transfer none) the dialog's PIN or password entry */
GtkEditable *_kouan_personal_cards_get_dialog_entry (KouanPersonalCards *self);
/* Clicks 解除绑定 of the card in row @index */
void        _kouan_personal_cards_click_unbind    (KouanPersonalCards *self,
                                                   guint               index);
/* Whether a bind, unbind or list request is running */
gboolean    _kouan_personal_cards_get_busy        (KouanPersonalCards *self);
/* The text of the last toast it showed (tests) */
const char *_kouan_personal_cards_get_last_toast  (KouanPersonalCards *self);

G_END_DECLS

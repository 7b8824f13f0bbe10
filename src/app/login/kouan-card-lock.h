/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-card.h"

G_BEGIN_DECLS

/* The lock screen of a card session whose card was taken out: it covers
 * the main window until the same card (by certificate fingerprint) is back
 * and its PIN is verified on the card, or the user signs out. Emits
 * "unlocked" or "sign-out". */

#define KOUAN_TYPE_CARD_LOCK (kouan_card_lock_get_type ())
G_DECLARE_FINAL_TYPE (KouanCardLock, kouan_card_lock, KOUAN, CARD_LOCK, GtkWidget)

/* @monitor: the window's card monitor; @fingerprint: the card signed in with */
GtkWidget *kouan_card_lock_new    (KouanCardMonitor *monitor,
                                   const char       *fingerprint);
/* Shows the lock from its start (empty PIN, no message). */
void       kouan_card_lock_reset  (KouanCardLock    *self);
/* Starts unlocking with the PIN typed, as the Unlock button does. */
void       kouan_card_lock_unlock (KouanCardLock    *self);

/* For the UI tests */
GtkEditable *_kouan_card_lock_get_pin_entry (KouanCardLock *self);
const char  *_kouan_card_lock_get_message   (KouanCardLock *self);
const char  *_kouan_card_lock_get_state_text (KouanCardLock *self);

G_END_DECLS

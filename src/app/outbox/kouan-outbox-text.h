/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-store-outbox.h"

G_BEGIN_DECLS

/* What a queued edit does, in a sentence for the user ("Confirm policy
 * XB-2026-0012"); @store (nullable) names the record when it is cached.
 * (transfer full) */
char       *kouan_outbox_describe_edit   (KouanStore       *store,
                                          KouanOutboxEntry *entry);
/* Why the server did not take it, in the user's words, or NULL for an
 * edit still waiting. (transfer full) */
char       *kouan_outbox_describe_reason (KouanOutboxEntry *entry);
/* Who changed the record and when, for a conflict; NULL otherwise.
 * (transfer full) */
char       *kouan_outbox_describe_change (KouanOutboxEntry *entry);
const char *kouan_outbox_state_label     (KouanOutboxState  state);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The sync status in the header bar: an icon (or a spinner) and a short
 * label — Online, Offline, Syncing 40 %, Syncing Messages 12 000 / 100 000,
 * 3 changes waiting, Last synced 14:05. Clicking it activates win.sync-now. Property: sync (KouanSync). */

#define KOUAN_TYPE_SYNC_INDICATOR (kouan_sync_indicator_get_type ())
G_DECLARE_FINAL_TYPE (KouanSyncIndicator, kouan_sync_indicator, KOUAN, SYNC_INDICATOR, GtkWidget)

GtkWidget  *kouan_sync_indicator_new       (void);
KouanSync  *kouan_sync_indicator_get_sync  (KouanSyncIndicator *self);
void        kouan_sync_indicator_set_sync  (KouanSyncIndicator *self,
                                            KouanSync          *sync);
/* The outbox button beside the status (it activates win.show-outbox):
 * shown while @total edits are in the outbox, with the number of those
 * the server refused or found in conflict (@attention). */
void        kouan_sync_indicator_set_outbox (KouanSyncIndicator *self,
                                             guint               total,
                                             guint               attention);
/* The text shown, for tests and accessibility checks */
const char *kouan_sync_indicator_get_text  (KouanSyncIndicator *self);

/* Exposed for unit tests: the label for a state (transfer full). */
char       *kouan_sync_indicator_describe  (KouanSyncState state,
                                            guint          pending,
                                            gint64         last_synced,
                                            double         progress);
/* The label while a pull reports how far it came in a collection:
 * "Syncing Messages 12 000 / 100 000" (transfer full). */
char       *kouan_sync_indicator_describe_collection (const char *collection,
                                                      gint64      done,
                                                      gint64      total);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared between kouan-sync.c (the engine) and kouan-sync-cycle.c (one
 * push + pull cycle). Not installed, not for other modules. */

#include <libsoup/soup.h>

#include "kouan-client.h"
#include "kouan-store.h"
#include "kouan-sync.h"

G_BEGIN_DECLS

struct _KouanSync
{
  GObject parent_instance;

  /* owned references */
  KouanClient             *client;
  KouanStore              *store;
  GCancellable            *cancellable;  /* cancelled by stop / enterprise change */
  SoupWebsocketConnection *events;
  char                    *last_error;

  /* properties */
  gint64          enterprise_id;
  KouanSyncState  state;
  guint           pending;
  gint64          last_synced;
  double          progress;
  char           *syncing_collection;
  GHashTable     *collection_progress;  /* name → KouanCollectionProgress, this pull's */

  /* engine state */
  gboolean started;
  gboolean cycle_running;
  gboolean cycle_again;        /* a cycle was asked for while one ran */
  gboolean events_connecting;
  gint64   server_cursor;      /* latest cursor announced on the WebSocket */
  gint64   local_cursor;       /* last cursor a cycle started from or stored, -1 unknown */
  guint    retry_attempt;
  guint    events_attempt;
  guint    generation;         /* bumped by stop: late cycle reports are ignored */

  /* main-context sources */
  guint    retry_source;
  guint    events_retry_source;
  guint    periodic_source;
  guint    push_source;
  guint    nudge_source;
  gulong   outbox_handler;
  gulong   message_handler;
  gulong   closed_handler;
};

void     _kouan_sync_set_progress          (KouanSync           *self,
                                            double               progress);
typedef struct {
  gint64 done;    /* changes applied so far in this pull */
  gint64 total;   /* changes the pull brings in all; -1 unknown */
} KouanCollectionProgress;

/* After a page was applied (main context): counts its changes per
 * collection, takes the server's remaining counts when the page has them,
 * and updates the properties and signals. FALSE when the totals are not
 * known, so "progress" is left to the caller. */
gboolean _kouan_sync_page_progress         (KouanSync           *self,
                                            KouanChangePage     *page);
/* Forgets the pull's per-collection progress (a pull starts or ended). */
void     _kouan_sync_reset_progress        (KouanSync           *self);
void     _kouan_sync_emit_warning_received (KouanSync           *self,
                                            gint64               message_id);

void     _kouan_sync_cycle_async           (KouanSync           *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data);
gboolean _kouan_sync_cycle_finish          (KouanSync           *self,
                                            GAsyncResult        *result,
                                            GError             **error);

G_END_DECLS

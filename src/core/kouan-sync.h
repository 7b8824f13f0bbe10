/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The sync engine: keeps a KouanStore in step with kouan-server for one
 * enterprise at a time (docs/architecture.md, "Sync protocol").
 *
 *  - pulls the change feed from the stored cursor, page by page, each page
 *    applied with its cursor in one transaction (off the main thread);
 *  - pushes the outbox oldest first; an edit leaves the outbox only when the
 *    server has answered for it, so a crash loses nothing and the server's
 *    at-most-once mutation ids make a resend harmless;
 *  - listens on the enterprise's WebSocket and pulls when told; falls back
 *    to a periodic pull; retries with exponential backoff when offline.
 *
 * Properties (all notify on the main context):
 *   state          KouanSyncState
 *   pending        guint: edits waiting in the outbox
 *   last-synced    gint64: unix time of the last complete pull, 0 = never
 *   progress       double 0..1 during a pull, -1 when unknown
 *   syncing-collection  string (nullable): the collection whose changes
 *                  the pull is applying now ("messages", "risk_articles"
 *                  …), NULL between pulls
 *   last-error     string (nullable): what went wrong, for the user
 *   enterprise-id  gint64
 * Signals:
 *   "warning-received" (gint64 message_id): a warning arrived by sync that
 *      the user has not read (the app may raise a desktop notification)
 *   "collection-progress" (const char *collection, gint64 done,
 *      gint64 total): after each applied page of a pull, for each
 *      collection the page carried: changes of it applied so far in this
 *      pull, and how many the pull brings in all (-1 when the server did
 *      not say). Detail "collection" is the collection's name.
 */

#define KOUAN_TYPE_SYNC (kouan_sync_get_type ())
G_DECLARE_FINAL_TYPE (KouanSync, kouan_sync, KOUAN, SYNC, GObject)

KouanSync      *kouan_sync_new               (KouanClient *client,
                                              KouanStore  *store);
void            kouan_sync_set_enterprise_id (KouanSync   *self,
                                              gint64       enterprise_id);
gint64          kouan_sync_get_enterprise_id (KouanSync   *self);
/* Starts pulling/pushing and listening; idempotent. After the state went
 * UNAUTHORIZED and the client was given a new token, start() or kick()
 * resumes. */
void            kouan_sync_start             (KouanSync   *self);
void            kouan_sync_stop              (KouanSync   *self);
/* Pull and push now (e.g. after a local edit or a "Sync now" click). */
void            kouan_sync_kick              (KouanSync   *self);

KouanSyncState  kouan_sync_get_state         (KouanSync   *self);
guint           kouan_sync_get_pending       (KouanSync   *self);
gint64          kouan_sync_get_last_synced   (KouanSync   *self);
double          kouan_sync_get_progress      (KouanSync   *self);
const char     *kouan_sync_get_last_error    (KouanSync   *self);
const char     *kouan_sync_get_syncing_collection (KouanSync   *self);
/* The current pull's progress in @collection (see "collection-progress");
 * FALSE when the pull has brought nothing of it yet (or none runs). */
gboolean        kouan_sync_get_collection_progress (KouanSync   *self,
                                                    const char  *collection,
                                                    gint64      *done,
                                                    gint64      *total);

/* For tests and benchmarks: run one full pull+push cycle and report when
 * done (the engine must not be started). */
void            kouan_sync_run_once_async    (KouanSync           *self,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
gboolean        kouan_sync_run_once_finish   (KouanSync           *self,
                                              GAsyncResult        *result,
                                              GError             **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-store.h"

G_BEGIN_DECLS

/* Shared by kouan-store.c (opening, signals, pulled pages),
 * kouan-store-outbox.c (local edits) and kouan-store-messages.c
 * (enterprise and message queries), and read by KouanMessageList. */

struct _KouanStore
{
  GObject       parent_instance;

  /* Serialises every use of @db: the sync engine applies pages from a
   * worker thread while the UI reads on the main thread. */
  GMutex        lock;
  sqlite3      *db;
  char         *path;
  int           schema_version;
  gboolean      wal;
  gint64        last_rev;
  guint64       message_deletions;  /* bumped on every deleted message row */

  /* A second, read-only connection for queries that must not wait for a
   * page being applied (the risk search): WAL lets it read the last
   * committed state while @db writes. Opened on first use; NULL when the
   * cache cannot have one (not in WAL mode), then readers use @db.
   * @read_lock serialises its users as @lock does @db's. */
  GMutex        read_lock;
  sqlite3      *read_db;
  gboolean      read_db_failed;

  /* Signal emission, always on @context, coalesced per (collection,
   * enterprise) so a burst of pages costs the UI one reload. */
  GMutex        signal_lock;
  GMainContext *context;
  GHashTable   *pending_changes;  /* "collection\x1fenterprise" set */
  gboolean      pending_outbox;
};

/* Transactions; callers hold self->lock. */
gboolean _kouan_store_begin    (KouanStore  *self,
                                GError     **error);
gboolean _kouan_store_commit   (KouanStore  *self,
                                GError     **error);
void     _kouan_store_rollback (KouanStore  *self);
/* For several reads that belong together; end with _kouan_store_commit(). */
gboolean _kouan_store_begin_read (KouanStore  *self,
                                  GError     **error);

/* Applies @fields locally and queues the edit; inside a transaction. */
char    *_kouan_store_enqueue_locked (KouanStore  *self,
                                      gint64       enterprise_id,
                                      const char  *collection,
                                      const char  *op,
                                      gint64       record_id,
                                      JsonObject  *fields,
                                      GError     **error);

/* Re-applies queued edits of an enterprise (of one record when
 * @collection is set) on top of rows just written from the server;
 * adds the collections it touched to @touched (nullable). */
gboolean _kouan_store_replay_outbox_locked (KouanStore  *self,
                                            gint64       enterprise_id,
                                            const char  *collection,
                                            gint64       record_id,
                                            GPtrArray   *touched,
                                            GError     **error);

/* Indexes for the risk search the articles the current transaction
 * changed (kouan-store-insurance.c); _kouan_store_commit() calls it. */
gboolean _kouan_store_index_risk_articles (sqlite3  *db,
                                           GError  **error);

/* The read-only connection, locked for the caller; use it for queries
 * only, release with _kouan_store_release_reader(). Falls back to the
 * writing connection (and its lock) when there is no reader, so callers
 * need no second code path. Never take self->lock while holding it. */
sqlite3 *_kouan_store_acquire_reader (KouanStore *self);
void     _kouan_store_release_reader (KouanStore *self,
                                      sqlite3    *db);

/* Runs a query returning one integer. */
gboolean _kouan_store_query_int (KouanStore  *self,
                                 const char  *sql,
                                 gint64      *out,
                                 GError     **error);

/* For KouanMessageList: the rows of a filter in display order, with what
 * it needs to follow later edits without listing everything again. */
typedef struct {
  GArray  *ids;         /* gint64, created_at DESC, id DESC */
  GArray  *revisions;   /* gint64, parallel to ids: changes on every write */
  GArray  *created_at;  /* gint64, parallel to ids */
  gint64   watermark;   /* highest revision among the enterprise's messages */
  guint64  deletions;   /* the store's message deletion count at that time */
} KouanMessageSnapshot;

void     _kouan_message_snapshot_clear (KouanMessageSnapshot *snapshot);
gboolean _kouan_store_snapshot_messages (KouanStore           *self,
                                         gint64                enterprise_id,
                                         KouanMessageKind      kind,
                                         KouanReadFilter       read_filter,
                                         gboolean              starred_only,
                                         KouanMessageSnapshot *snapshot,
                                         GError              **error);

/* A message row written after some revision, whatever its filter. */
typedef struct {
  gint64            id;
  gint64            revision;
  gint64            created_at;
  KouanMessageKind  kind;
  gboolean          read;
  gboolean          starred;
} KouanMessageChange;

/* The enterprise's rows with a revision above @since, oldest first, at
 * most @limit; @deletions receives the deletion count, so the caller can
 * tell whether rows also vanished (which this cannot list). */
gboolean _kouan_store_message_changes (KouanStore  *self,
                                       gint64       enterprise_id,
                                       gint64       since,
                                       guint        limit,
                                       GArray     **changes,
                                       guint64     *deletions,
                                       GError     **error);

/* Schedule signals on the store's main context; never with the lock held. */
void     _kouan_store_emit_changed        (KouanStore *self,
                                           const char *collection,
                                           gint64      enterprise_id);
void     _kouan_store_emit_outbox_changed (KouanStore *self);

G_END_DECLS

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
  guint64       message_deletions;  /* bumped on every deleted or moved message row */
  /* Builds the search indexes a cache was opened with deferred; joined
   * (after cancelling, which stops it between chunks) when finalized. */
  GThread      *index_thread;
  GCancellable *index_cancellable;

  /* A second, read-only connection (NULL when the cache is not in WAL
   * mode): in WAL mode it reads the last committed state while the sync
   * worker writes, so its readers never wait for the writer's @lock (a
   * page apply holds it for a whole page). Reads made on the thread that
   * opened the store (the GTK main thread) use it, and so does the risk
   * search from any thread. @read_lock serialises its users. */
  GMutex        read_lock;
  sqlite3      *read_db;
  GThread      *owner;
  /* @message_deletions as of the last COMMIT, under @signal_lock: what a
   * read transaction started afterwards already reflects. */
  guint64       committed_deletions;

  /* Unread / read message counts per (enterprise, kind), kept in memory
   * so badges never count 100k rows: temporary triggers on the writer
   * add each written row's delta to @pending_counts, the commit hook
   * moves them into @message_counts (the rollback hook drops them). A
   * count enters @message_counts the first time it is asked for, counted
   * under @lock, so no transaction's deltas can be missed or doubled.
   * Both under @signal_lock. Keys: "enterprise/kind/read". */
  GHashTable   *message_counts;   /* key → gint64 */
  GHashTable   *pending_counts;   /* key → gint64 delta */


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

/* The connection a read should use, locked: the read-only one on the
 * store's own thread, the writer (under @lock) elsewhere. End with
 * _kouan_store_read_end(). */
sqlite3 *_kouan_store_read_begin (KouanStore *self);
void     _kouan_store_read_end   (KouanStore *self,
                                  sqlite3    *db);
/* BEGIN DEFERRED / COMMIT / ROLLBACK on a read connection: one snapshot
 * for several queries. */
gboolean _kouan_store_read_transaction (sqlite3     *db,
                                        const char  *sql,
                                        GError     **error);
/* The deletion count a read transaction starting now is guaranteed to
 * include (never more than it includes). */
guint64  _kouan_store_committed_deletions (KouanStore *self);

/* Unread (@read FALSE) or read messages of a kind, from memory once
 * counted (see KouanStore::message_counts). */
gboolean _kouan_store_message_count (KouanStore       *self,
                                     gint64            enterprise_id,
                                     KouanMessageKind  kind,
                                     gboolean          read,
                                     KouanSeverity     min_severity,
                                     guint            *out);
void     _kouan_store_forget_message_counts (KouanStore *self,
                                             gint64      enterprise_id);
/* Registers the counting triggers on the writer; after migrating. */
gboolean _kouan_store_setup_counts (KouanStore  *self,
                                    GError     **error);
/* Indexes for the risk search the articles the current transaction
 * changed (kouan-store-insurance.c); _kouan_store_commit() calls it. */
/* Indexes the messages queued in messages_fts_pending (kouan-store-messages.c) */
gboolean _kouan_store_index_messages (sqlite3  *db,
                                      GError  **error);
gboolean _kouan_store_index_risk_articles (sqlite3  *db,
                                           GError  **error);

/* The read-only connection from any thread, locked for the caller; use it
 * for queries only, release with _kouan_store_release_reader(). Falls back
 * to the writing connection (and its lock) when there is no reader, so
 * callers need no second code path. Never take self->lock while holding
 * it. */
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
  GArray  *ids;         /* gint64, in the list's order (KouanMessageSort) */
  GArray  *revisions;   /* gint64, parallel to ids: changes on every write */
  GArray  *created_at;  /* gint64, parallel to ids */
  GArray  *severity;    /* guint8 KouanSeverity, parallel to ids */
  gint64   watermark;   /* highest revision among the enterprise's messages */
  guint64  deletions;   /* the store's message deletion count at that time */
} KouanMessageSnapshot;

void     _kouan_message_snapshot_clear (KouanMessageSnapshot *snapshot);
gboolean _kouan_store_snapshot_messages (KouanStore           *self,
                                         gint64                enterprise_id,
                                         KouanMessageKind      kind,
                                         KouanReadFilter       read_filter,
                                         gboolean              starred_only,
                                         KouanMessageSort      sort,
                                         KouanSeverity         min_severity,
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
  guint8            severity;   /* KouanSeverity */
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
void     _kouan_store_emit_outbox_state_changed (KouanStore *self);

G_END_DECLS

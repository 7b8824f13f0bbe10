/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include "kouan-types.h"

G_BEGIN_DECLS

/* The offline cache: one SQLite database (WAL, foreign keys on) per account
 * and server. It holds every synced collection, the per-enterprise change
 * cursors and the outbox of local edits waiting for the server. Schema
 * changes are migrations keyed on PRAGMA user_version.
 *
 * Thread safety: every public function takes the store's lock, so the sync
 * engine may apply pages from a worker thread. Signals are always emitted
 * on the main context the store was opened in. */

#define KOUAN_STORE_ERROR (kouan_store_error_quark ())

typedef enum {
  KOUAN_STORE_ERROR_OPEN,       /* cannot open or create the file */
  KOUAN_STORE_ERROR_CORRUPT,    /* not a database / integrity check failed */
  KOUAN_STORE_ERROR_TOO_NEW,    /* written by a newer Kouan */
  KOUAN_STORE_ERROR_SQL,        /* unexpected SQLite failure */
  KOUAN_STORE_ERROR_INVALID,    /* a record that does not fit its collection */
  KOUAN_STORE_ERROR_NOT_FOUND,
} KouanStoreError;

GQuark kouan_store_error_quark (void);

/* One queued local edit. */
struct _KouanMutation {
  gint64      seq;            /* local order */
  char       *id;             /* client-generated, sent to the server */
  gint64      enterprise_id;
  char       *collection;
  char       *op;             /* "update" (later also "create", "delete") */
  gint64      record_id;
  JsonObject *fields;
  guint       attempts;
  gint64      base;           /* change-feed cursor the edit was made at; 0: unknown */
};
void kouan_mutation_free (KouanMutation *mutation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanMutation, kouan_mutation_free)

/* Filter for message lists. */
typedef enum {
  KOUAN_READ_FILTER_ALL,
  KOUAN_READ_FILTER_UNREAD,
  KOUAN_READ_FILTER_READ,
} KouanReadFilter;

#define KOUAN_TYPE_STORE (kouan_store_get_type ())
G_DECLARE_FINAL_TYPE (KouanStore, kouan_store, KOUAN, STORE, GObject)

#define KOUAN_STORE_SCHEMA_VERSION 11

/* Signals:
 *   "changed" (const char *collection, gint64 enterprise_id)
 *      rows of a collection changed (pull applied or local edit)
 *   "outbox-changed" ()  the number of queued edits changed
 *   "outbox-state-changed" ()  queued edits went out to the server or came
 *      back unanswered (queued ↔ sending), nothing else changed
 * Both arrive from an idle on the store's main context, never from inside
 * the call that caused them, and several changes before the main loop
 * runs are folded into one emission per collection and enterprise.
 */

KouanStore *kouan_store_open            (const char   *path,
                                         GError      **error);
/* (transfer full) g_get_user_data_dir()/kouan/<account>@<host_port>.db */
char       *kouan_store_default_path    (const char   *server_url,
                                         const char   *account);
int         kouan_store_get_schema_version (KouanStore *self);

/* Cursors */
gint64      kouan_store_get_cursor      (KouanStore   *self,
                                         gint64        enterprise_id);

/* Applies a page of the change feed and its cursor in one transaction; then
 * re-applies queued local edits on top of the pulled rows so the user never
 * sees their edit flicker back. Safe to call from a worker thread. The
 * enterprise must be known by the end of the page (saved from the
 * session's memberships, or the page carries its "enterprise" record),
 * otherwise KOUAN_STORE_ERROR_NOT_FOUND. Changes of collections this
 * version does not know are skipped. */
gboolean    kouan_store_apply_page      (KouanStore       *self,
                                         KouanChangePage  *page,
                                         GError          **error);

/* Local edits: applies @fields to the row and queues the mutation in one
 * transaction. Returns the mutation id. */
char       *kouan_store_enqueue         (KouanStore   *self,
                                         gint64        enterprise_id,
                                         const char   *collection,
                                         const char   *op,
                                         gint64        record_id,
                                         JsonObject   *fields,
                                         GError      **error);
/* (transfer full) (element-type KouanMutation) oldest first, at most @limit;
 * the batch ends before an edit of a record whose "create" (under a
 * temporary id) is in it, which waits for the next one. */
GPtrArray  *kouan_store_peek_outbox     (KouanStore   *self,
                                         gint64        enterprise_id,
                                         guint         limit,
                                         GError      **error);
guint       kouan_store_count_outbox    (KouanStore   *self);
/* A new temporary id (< 0) for a record created offline: enqueue its
 * "create" with it; when the server answers, the temporary row gives way
 * to the server's record and queued edits follow the new id. 0 on error. */
gint64      kouan_store_allocate_temp_id (KouanStore  *self,
                                          GError     **error);
/* Server acknowledged (applied or rejected): remove from the outbox and,
 * when @record is non-NULL, store the server's version of the row. */
gboolean    kouan_store_ack_mutation    (KouanStore   *self,
                                         const char   *mutation_id,
                                         const char   *collection,
                                         gint64        enterprise_id,
                                         JsonObject   *record,
                                         GError      **error);
gboolean    kouan_store_note_attempt    (KouanStore   *self,
                                         const char   *mutation_id,
                                         GError      **error);

/* Enterprises (from the session's memberships) */
gboolean    kouan_store_save_enterprises (KouanStore *self,
                                          GPtrArray  *enterprises, /* KouanEnterprise */
                                          GError    **error);
GPtrArray  *kouan_store_list_enterprises (KouanStore *self, GError **error);

/* Messages */
guint       kouan_store_count_messages  (KouanStore      *self,
                                         gint64           enterprise_id,
                                         KouanMessageKind kind,
                                         KouanReadFilter  read_filter,
                                         gboolean         starred_only);
/* The same, counting only messages of at least @min_severity (NONE or LOW:
 * all of them; notices have none, so count as NONE) */
guint       kouan_store_count_messages_at_least (KouanStore      *self,
                                                 gint64           enterprise_id,
                                                 KouanMessageKind kind,
                                                 KouanReadFilter  read_filter,
                                                 gboolean         starred_only,
                                                 KouanSeverity    min_severity);
/* Row ids newest first (created_at DESC, id DESC) matching the filter. */
GArray     *kouan_store_list_message_ids (KouanStore      *self,
                                          gint64           enterprise_id,
                                          KouanMessageKind kind,
                                          KouanReadFilter  read_filter,
                                          gboolean         starred_only,
                                          GError         **error);
/* Ids of the messages (newest first, at most @limit, 0: all) of the filter
 * whose title, body or category match @keyword as the search field takes
 * it (kouan_cjk_match_expression(): words, a 报关单号 with or without
 * spaces and by prefix, a 提单号); empty when @keyword has nothing to
 * search for. */
GArray     *kouan_store_search_messages (KouanStore      *self,
                                         gint64           enterprise_id,
                                         KouanMessageKind kind,
                                         KouanReadFilter  read_filter,
                                         gboolean         starred_only,
                                         const char      *keyword,
                                         guint            limit,
                                         GError         **error);
/* The same, only messages of at least @min_severity (the warnings'
 * severity filter; NONE or LOW: all) */
GArray     *kouan_store_search_messages_at_least (KouanStore      *self,
                                                  gint64           enterprise_id,
                                                  KouanMessageKind kind,
                                                  KouanReadFilter  read_filter,
                                                  gboolean         starred_only,
                                                  KouanSeverity    min_severity,
                                                  const char      *keyword,
                                                  guint            limit,
                                                  GError         **error);
/* Fills @out (element-type KouanMessage) with the rows of @ids of the
 * enterprise, in order; a row deleted meanwhile is added as NULL. */
gboolean    kouan_store_load_messages   (KouanStore      *self,
                                         gint64           enterprise_id,
                                         const gint64    *ids,
                                         guint            n_ids,
                                         GPtrArray       *out,
                                         GError         **error);
KouanMessage *kouan_store_get_message   (KouanStore      *self,
                                         gint64           enterprise_id,
                                         gint64           id,
                                         GError         **error);
/* Convenience: enqueue an "update" of read / starred on a message */
gboolean    kouan_store_set_message_read    (KouanStore *self, KouanMessage *message,
                                             gboolean read, GError **error);
gboolean    kouan_store_set_message_starred (KouanStore *self, KouanMessage *message,
                                             gboolean starred, GError **error);

/* Small key/value settings kept with the cache (e.g. last sync time). */
char       *kouan_store_get_meta        (KouanStore *self, const char *key);
gboolean    kouan_store_set_meta        (KouanStore *self, const char *key,
                                         const char *value, GError **error);

/* The search indexes (risk articles, messages) after a first sync
 * (docs/architecture.md, "The search indexes during a first sync").
 * defer: rows written from now on are not indexed row by row; searches
 * scan them instead (slower, never missing a row) until
 * build_search_index has indexed them. build: indexes them in short
 * transactions (blocking; call it on a worker thread, never the main
 * thread); TRUE when both indexes are complete. A cache left deferred
 * (a crash, a quit) is built on a thread of its own when it is opened. */
gboolean    kouan_store_defer_search_index  (KouanStore *self, GError **error);
gboolean    kouan_store_build_search_index  (KouanStore *self, GCancellable *cancellable,
                                             GError **error);
gboolean    kouan_store_search_index_complete (KouanStore *self);

sqlite3    *kouan_store_get_db          (KouanStore *self); /* tests and benchmarks */

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-store.h"

G_BEGIN_DECLS

/* The outbox you can see (docs/architecture.md, "Sync protocol"): every
 * local edit the server has not accepted yet. An edit is queued (waiting
 * for the server), sending (in a batch the server has not answered yet),
 * refused (the server would not apply it: @reason says why) or conflict
 * (the record changed on the server after the edit was made: @changed_by
 * and @changed_at say who changed it and when). Refused and conflicting
 * edits stay until the user acts on them; meanwhile the cache shows the
 * server's record, not the edit. */

typedef enum {
  KOUAN_OUTBOX_QUEUED,
  KOUAN_OUTBOX_SENDING,
  KOUAN_OUTBOX_REFUSED,
  KOUAN_OUTBOX_CONFLICT,
} KouanOutboxState;

#define KOUAN_TYPE_OUTBOX_ENTRY (kouan_outbox_entry_get_type ())
G_DECLARE_FINAL_TYPE (KouanOutboxEntry, kouan_outbox_entry, KOUAN, OUTBOX_ENTRY, GObject)

const char       *kouan_outbox_entry_get_id            (KouanOutboxEntry *self);
gint64            kouan_outbox_entry_get_enterprise_id (KouanOutboxEntry *self);
const char       *kouan_outbox_entry_get_collection    (KouanOutboxEntry *self);
const char       *kouan_outbox_entry_get_op            (KouanOutboxEntry *self);
gint64            kouan_outbox_entry_get_record_id     (KouanOutboxEntry *self);
JsonObject       *kouan_outbox_entry_get_fields        (KouanOutboxEntry *self);
gint64            kouan_outbox_entry_get_created_at    (KouanOutboxEntry *self); /* unix seconds */
KouanOutboxState  kouan_outbox_entry_get_state         (KouanOutboxEntry *self);
/* (nullable) the server's code ("conflict", "forbidden", "invalid_transition", …) */
const char       *kouan_outbox_entry_get_reason_code   (KouanOutboxEntry *self);
/* (nullable) the server's own words */
const char       *kouan_outbox_entry_get_reason        (KouanOutboxEntry *self);
/* (nullable) conflict: the name of who changed the record; NULL when the
 * change was not a user's edit (the insurer, the system) */
const char       *kouan_outbox_entry_get_changed_by    (KouanOutboxEntry *self);
gint64            kouan_outbox_entry_get_changed_at    (KouanOutboxEntry *self); /* 0: unknown */

/* (transfer full) (element-type KouanOutboxEntry) the enterprise's
 * outbox, oldest first; all enterprises when @enterprise_id is 0. */
GPtrArray  *kouan_store_list_outbox       (KouanStore  *self,
                                           gint64       enterprise_id,
                                           GError     **error);
/* Waiting edits of one record (queued or sending): for a "待同步" badge. */
gboolean    kouan_store_record_is_pending (KouanStore  *self,
                                           gint64       enterprise_id,
                                           const char  *collection,
                                           gint64       record_id);

/* Acting on a refused or conflicting edit (KOUAN_STORE_ERROR_INVALID for
 * a queued or sending one, _NOT_FOUND when it is gone):
 *  retry      send it again as it was (same base: a conflict stays one)
 *  keep_mine  send it again over the server's newer record (base = now)
 *  discard    drop it; the cache already shows the server's record
 * Retry and keep mine apply the edit locally again and queue it under a
 * new id: the server remembers its answer to the old one (exactly once). */
gboolean    kouan_store_outbox_retry      (KouanStore  *self,
                                           const char  *mutation_id,
                                           GError     **error);
gboolean    kouan_store_outbox_keep_mine  (KouanStore  *self,
                                           const char  *mutation_id,
                                           GError     **error);
gboolean    kouan_store_outbox_discard    (KouanStore  *self,
                                           const char  *mutation_id,
                                           GError     **error);

/* For the sync engine. */
/* The edits of @batch are on their way to the server. */
gboolean    kouan_store_outbox_mark_sending (KouanStore  *self,
                                             GPtrArray   *batch, /* KouanMutation */
                                             GError     **error);
/* The server refused edit @mutation_id: it stays, refused (or conflict,
 * when @code is "conflict"), and @record (nullable), the server's
 * current record, replaces the local row. */
gboolean    kouan_store_refuse_mutation   (KouanStore  *self,
                                           const char  *mutation_id,
                                           const char  *collection,
                                           gint64       enterprise_id,
                                           const char  *code,
                                           const char  *reason,
                                           const char  *changed_by,
                                           gint64       changed_at,
                                           JsonObject  *record,
                                           GError     **error);

/* A GListModel of KouanOutboxEntry for one enterprise (0: all), kept up
 * to date from the store's "outbox-changed" and "outbox-state-changed". */
#define KOUAN_TYPE_OUTBOX_MODEL (kouan_outbox_model_get_type ())
G_DECLARE_FINAL_TYPE (KouanOutboxModel, kouan_outbox_model, KOUAN, OUTBOX_MODEL, GObject)

KouanOutboxModel *kouan_outbox_model_new    (KouanStore       *store,
                                             gint64            enterprise_id);
void              kouan_outbox_model_reload (KouanOutboxModel *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-types.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* A GListModel of KouanMessage over the store that stays cheap at 100k
 * rows: it keeps only the ordered row ids of its filter in memory and loads
 * row objects on demand (a bounded cache, by id), so a GtkListView over it
 * touches only the rows on screen. It follows the store's "changed" signal
 * row by row: each row a pull brought, changed or removed is one
 * items-changed at its place, found by a binary search, and rows that only
 * moved keep their object.
 *
 * Properties: store, enterprise-id, kind, read-filter, starred-only,
 * min-severity, sort, n-items (guint, notify). Filtering and ordering by
 * severity happen in the store's queries (indexed, store migration 9). */

#define KOUAN_TYPE_MESSAGE_LIST (kouan_message_list_get_type ())
G_DECLARE_FINAL_TYPE (KouanMessageList, kouan_message_list, KOUAN, MESSAGE_LIST, GObject)

KouanMessageList *kouan_message_list_new              (KouanStore       *store,
                                                       KouanMessageKind  kind,
                                                       KouanReadFilter   read_filter);
void              kouan_message_list_set_enterprise_id (KouanMessageList *self,
                                                        gint64            enterprise_id);
gint64            kouan_message_list_get_enterprise_id (KouanMessageList *self);
void              kouan_message_list_set_starred_only  (KouanMessageList *self,
                                                        gboolean          starred_only);
gboolean          kouan_message_list_get_starred_only  (KouanMessageList *self);
void              kouan_message_list_set_min_severity  (KouanMessageList *self,
                                                        KouanSeverity     min_severity);
KouanSeverity     kouan_message_list_get_min_severity  (KouanMessageList *self);
void              kouan_message_list_set_sort          (KouanMessageList *self,
                                                        KouanMessageSort  sort);
KouanMessageSort  kouan_message_list_get_sort          (KouanMessageList *self);
KouanMessageKind  kouan_message_list_get_kind          (KouanMessageList *self);
KouanReadFilter   kouan_message_list_get_read_filter   (KouanMessageList *self);
/* Keep a row that leaves the filter (an opened message just read) until
 * released; see kouan-message-list.c. */
void              kouan_message_list_keep              (KouanMessageList *self,
                                                        gint64            id);
void              kouan_message_list_release_kept      (KouanMessageList *self);
/* Re-query the ids (normally automatic on "changed"). */
void              kouan_message_list_reload            (KouanMessageList *self);

G_END_DECLS

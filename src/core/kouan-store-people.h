/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-audit-entry.h"
#include "kouan-collection.h"
#include "kouan-department.h"
#include "kouan-member.h"
#include "kouan-role.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The admin center's people pages in the offline cache
 * (kouan-store-people.c): the synced collections "members", "roles",
 * "departments" and "audit", each record checked by its strict codec
 * before it is stored, and read back as typed records for the views. A
 * collection the user may no longer view is dropped from the cache when
 * their "access" record arrives without its view permission
 * (kouan_store_people_prune(), called by the access collection), and its
 * "changed" signal is the "access" one. */

/* for kouan-collections.c */
extern const KouanCollection kouan_members_collection;
extern const KouanCollection kouan_roles_collection;
extern const KouanCollection kouan_departments_collection;
extern const KouanCollection kouan_audit_collection;

/* The view permission of each people collection, NULL for others. */
const char *kouan_store_people_view_permission (const char *collection);

/* Inside the store's transaction: drops every people collection whose
 * view permission @permissions (the effective set) lacks. */
gboolean    kouan_store_people_prune  (sqlite3            *db,
                                       gint64              enterprise_id,
                                       const char * const *permissions,
                                       GError            **error);

/* (transfer full): a list of KouanMember by name, then account. */
GListModel *kouan_store_list_members     (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);
/* The same in a worker thread (parsing 10 000 cached members takes
 * ~170 ms, too long for the main loop); @callback on the caller's
 * context. */
void        kouan_store_list_members_async  (KouanStore          *self,
                                             gint64               enterprise_id,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
/* (transfer full) (nullable) */
GListModel *kouan_store_list_members_finish (KouanStore          *self,
                                             GAsyncResult        *result,
                                             GError             **error);
/* (transfer full): KouanRole, the built-in one first, then by name. */
GListModel *kouan_store_list_roles       (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);
/* (transfer full): KouanDepartment by name. */
GListModel *kouan_store_list_departments (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);
/* (transfer full): KouanAuditEntry, newest first. */
GListModel *kouan_store_list_audit       (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);

G_END_DECLS

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
/* For KouanMemberList (kouan-member-list.c), in its worker: calls @func
 * with each cached record of @collection (its id and JSON text, valid
 * during the call only) under the store's lock, so @func only compares
 * and copies; FALSE + @error when the cache cannot be read. */
typedef void (*KouanPeopleRecordFunc) (gint64      id,
                                       const char *record,
                                       gpointer    user_data);
gboolean    _kouan_store_people_foreach  (KouanStore            *self,
                                          gint64                 enterprise_id,
                                          const char            *collection,
                                          KouanPeopleRecordFunc  func,
                                          gpointer               user_data,
                                          GError               **error);
/* (transfer full): KouanRole, the built-in one first, then by name. */
GListModel *kouan_store_list_roles       (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);
/* (transfer full): KouanDepartment by name. */
GListModel *kouan_store_list_departments (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);
/* kouan_store_list_roles() / kouan_store_list_departments() in a
 * worker thread, @callback on the caller's context, so a page never reads
 * the cache on the main loop when a collection changes. */
void        kouan_store_list_roles_async        (KouanStore          *self,
                                                 gint64               enterprise_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* (transfer full) (nullable) */
GListModel *kouan_store_list_roles_finish       (KouanStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
void        kouan_store_list_departments_async  (KouanStore          *self,
                                                 gint64               enterprise_id,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
/* (transfer full) (nullable) */
GListModel *kouan_store_list_departments_finish (KouanStore          *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);
/* (transfer full): KouanAuditEntry, newest first. */
GListModel *kouan_store_list_audit       (KouanStore  *self,
                                          gint64       enterprise_id,
                                          GError     **error);

/* Edits (kouan-store-people.c): each is applied to the cached record and
 * queued in the outbox in one transaction, then sent by the sync engine
 * (the server's rules: docs/api.md, "The people collections: mutations").
 * FALSE + KOUAN_STORE_ERROR when the edit cannot be queued (the record is
 * not in the cache). A refusal by the server restores the record and is
 * then told by kouan_store_people_take_rejection(). */

/* @out_id: (out) (optional): the temporary id (< 0) of the new role,
 * replaced by the server's when it has applied the create. */
gboolean    kouan_store_create_role       (KouanStore          *self,
                                           gint64               enterprise_id,
                                           const char          *name,
                                           const char * const  *permissions,
                                           gint64              *out_id,
                                           GError             **error);
/* @name, @permissions: (nullable) unchanged when NULL */
gboolean    kouan_store_update_role       (KouanStore          *self,
                                           gint64               enterprise_id,
                                           gint64               role_id,
                                           const char          *name,
                                           const char * const  *permissions,
                                           GError             **error);
gboolean    kouan_store_delete_role       (KouanStore          *self,
                                           gint64               enterprise_id,
                                           gint64               role_id,
                                           GError             **error);
/* @parent_id, @head_user_id: 0 for none */
gboolean    kouan_store_create_department (KouanStore  *self,
                                           gint64       enterprise_id,
                                           const char  *name,
                                           gint64       parent_id,
                                           gint64       head_user_id,
                                           gint64      *out_id,
                                           GError     **error);
gboolean    kouan_store_update_department (KouanStore  *self,
                                           gint64       enterprise_id,
                                           gint64       department_id,
                                           const char  *name,
                                           gint64       parent_id,
                                           gint64       head_user_id,
                                           GError     **error);
/* Only an empty department: the server refuses others (not_empty). */
gboolean    kouan_store_delete_department (KouanStore  *self,
                                           gint64       enterprise_id,
                                           gint64       department_id,
                                           GError     **error);

typedef enum {
  KOUAN_MEMBER_EDIT_DEPARTMENT = 1 << 0,
  KOUAN_MEMBER_EDIT_MEMBERSHIP = 1 << 1,
  KOUAN_MEMBER_EDIT_GRANTS     = 1 << 2,
} KouanMemberEdit;

/* Changes what @what names. @grants is the member's whole list: a grant
 * with an id (> 0) is kept with these dates, one without is added, a
 * cached grant left out is removed — in one step on the server, so
 * handing the administrator role over is one edit. (Grants' "role" and
 * "builtin" are not read: the roles' cache supplies them.) */
gboolean    kouan_store_update_member     (KouanStore        *self,
                                           gint64             enterprise_id,
                                           gint64             member_id,
                                           KouanMemberEdit    what,
                                           gint64             department_id,
                                           gboolean           disabled,
                                           const KouanGrant  *grants,
                                           guint              n_grants,
                                           GError           **error);
/* Revokes the binding of the IC card @fingerprint to the member's
 * account (docs/api.md, "IC cards of members"): card login as that user
 * ends everywhere, not only in @enterprise_id. Queued like every edit;
 * the cached record loses the card at once. */
gboolean    kouan_store_revoke_member_card (KouanStore  *self,
                                            gint64       enterprise_id,
                                            gint64       member_id,
                                            const char  *fingerprint,
                                            GError     **error);
/* Removes the member from the enterprise (with their grants). */
gboolean    kouan_store_remove_member     (KouanStore  *self,
                                           gint64       enterprise_id,
                                           gint64       member_id,
                                           GError     **error);

/* The server's refusal of an edit, typed. */
#define KOUAN_PEOPLE_ERROR (kouan_people_error_quark ())
typedef enum {
  KOUAN_PEOPLE_ERROR_FAILED,        /* a code this version does not know */
  KOUAN_PEOPLE_ERROR_INVALID,       /* "invalid_field": see the field */
  KOUAN_PEOPLE_ERROR_NOT_FOUND,     /* the record is gone */
  KOUAN_PEOPLE_ERROR_FORBIDDEN,     /* the user's roles no longer allow it */
  KOUAN_PEOPLE_ERROR_NAME_TAKEN,    /* another role has the name */
  KOUAN_PEOPLE_ERROR_BUILTIN_ROLE,  /* the built-in administrator role is fixed */
  KOUAN_PEOPLE_ERROR_NOT_EMPTY,     /* the department has members or sub-departments */
  KOUAN_PEOPLE_ERROR_CYCLE,         /* a department under itself */
  KOUAN_PEOPLE_ERROR_LAST_ADMIN,    /* nobody would be left to administer */
} KouanPeopleError;
GQuark      kouan_people_error_quark      (void);
/* The field the server blamed ("name", "parent_id", "grants"…) or NULL;
 * (transfer none), valid as long as @error. */
const char *kouan_people_error_get_field  (const GError *error);

/* TRUE when no refusal of an edit of @collection is waiting; else FALSE
 * and @error receives the newest (KOUAN_PEOPLE_ERROR), told only once. */
gboolean    kouan_store_people_take_rejection (KouanStore  *self,
                                               gint64       enterprise_id,
                                               const char  *collection,
                                               GError     **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include "kouan-member.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* The members of an enterprise in the offline cache (the "members"
 * collection) as a GListModel of KouanMember, filtered and sorted, that
 * stays smooth at 10 000 members: the cache is read, records parsed,
 * filtered and sorted in a worker thread; the main loop only receives
 * what changed. A store "changed" signal for the members re-reads the
 * records in the worker, parses only those whose text changed, and each
 * changed, added or removed member is one items-changed at its place
 * (a binary search). A new filter or order is computed in the worker
 * and reported as the smallest window that differs.
 *
 * Jobs run one at a time; "busy" is TRUE while one runs or waits.
 * "loaded" is emitted on the main context after each job. */

typedef enum {
  KOUAN_MEMBER_SORT_NAME,
  KOUAN_MEMBER_SORT_ACCOUNT,
  KOUAN_MEMBER_SORT_DEPARTMENT,
  KOUAN_MEMBER_SORT_STATUS,
  KOUAN_MEMBER_SORT_REGISTERED,
} KouanMemberSort;

#define KOUAN_TYPE_MEMBER_LIST (kouan_member_list_get_type ())
G_DECLARE_FINAL_TYPE (KouanMemberList, kouan_member_list, KOUAN, MEMBER_LIST, GObject)

KouanMemberList *kouan_member_list_new               (KouanStore      *store);
/* Another enterprise: the list empties and is read anew. */
void             kouan_member_list_set_enterprise_id (KouanMemberList *self,
                                                      gint64           enterprise_id);
gint64           kouan_member_list_get_enterprise_id (KouanMemberList *self);
/* Shows only the members that match all of: @text in the name or the
 * account (NULL: any), holding a grant of @role_id (0: any), in
 * @department_id (0: any), with @status on @today (-1: any; else a
 * KouanGrantStatus), registered from @from to @to (YYYY-MM-DD,
 * inclusive, NULL: open). @today is the day statuses are judged on. */
void             kouan_member_list_set_filter        (KouanMemberList *self,
                                                      const char      *text,
                                                      gint64           role_id,
                                                      gint64           department_id,
                                                      int              status,
                                                      const char      *from,
                                                      const char      *to,
                                                      const char      *today);
/* The order: by @sort (then name, account and id), descending when
 * @descending. Default: by name, ascending. */
void             kouan_member_list_set_sort          (KouanMemberList *self,
                                                      KouanMemberSort  sort,
                                                      gboolean         descending);
KouanMemberSort  kouan_member_list_get_sort          (KouanMemberList *self,
                                                      gboolean        *descending);
gboolean         kouan_member_list_get_busy          (KouanMemberList *self);
/* The position of the member @id, or G_MAXUINT when not listed. */
guint            kouan_member_list_find              (KouanMemberList *self,
                                                      gint64           id);
/* How many members the cache holds (the filter aside). */
guint            kouan_member_list_get_n_cached      (KouanMemberList *self);
/* (transfer none) (nullable): why the last read failed. */
const GError    *kouan_member_list_get_error         (KouanMemberList *self);
/* (transfer none): the roles (KouanRole, by name) and departments
 * (@ids: gint64, @names: char *, by name) the cached members' records
 * show, gathered in the worker: the choices when the roles or
 * departments collections are not the user's to see. */
GListModel      *kouan_member_list_get_seen_roles    (KouanMemberList *self);
void             kouan_member_list_get_seen_departments (KouanMemberList *self,
                                                         GArray         **ids,
                                                         GPtrArray      **names);

G_END_DECLS

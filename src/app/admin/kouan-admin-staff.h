/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-admin-view.h"

G_BEGIN_DECLS

/* 人员权限: every member of the enterprise (filtered and paged by the
 * server, sorted by column here), their grants with validity, 编辑 (grants
 * with calendar periods), disable/enable, 移除 with confirmation, and the
 * pending join requests. */

#define KOUAN_TYPE_ADMIN_STAFF (kouan_admin_staff_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminStaff, kouan_admin_staff, KOUAN, ADMIN_STAFF, GtkWidget)

/* @admin: (transfer none) the area the page lives in */
GtkWidget   *kouan_admin_staff_new       (KouanAdminView *admin);
/* Reloads the filter choices and runs the query again. */
void         kouan_admin_staff_reload    (KouanAdminStaff *self);

/* Filters the page to @account and selects the member; FALSE when the
 * cache does not list them */
gboolean     kouan_admin_staff_show_member (KouanAdminStaff *self,
                                            const char      *account);

/* For the UI tests */
GListModel  *_kouan_admin_staff_get_rows        (KouanAdminStaff *self);
gboolean     _kouan_admin_staff_get_busy        (KouanAdminStaff *self);
void         _kouan_admin_staff_set_filters     (KouanAdminStaff *self,
                                                 const char      *name,
                                                 const char      *role,
                                                 const char      *status,
                                                 const char      *from,
                                                 const char      *to);
void         _kouan_admin_staff_query           (KouanAdminStaff *self);
gboolean     _kouan_admin_staff_select          (KouanAdminStaff *self,
                                                 const char      *account);
/* Opens the 编辑 dialog of the selected member, (transfer none) */
GtkWindow   *_kouan_admin_staff_edit            (KouanAdminStaff *self);
/* In an open 编辑 dialog: pick @role, set the period, press 添加, then 确定 */
void         _kouan_admin_staff_dialog_add_grant (GtkWindow      *dialog,
                                                  const char     *role,
                                                  const char     *starts_on,
                                                  const char     *ends_on);
/* In an open 编辑 dialog: the last day of the held grant of @role (NULL: none) */
void         _kouan_admin_staff_dialog_set_grant_end (GtkWindow  *dialog,
                                                      const char *role,
                                                      const char *ends_on);
/* In an open 编辑 dialog: the member's department by name (NULL: none) */
void         _kouan_admin_staff_dialog_set_department (GtkWindow *dialog,
                                                       const char *department);
void         _kouan_admin_staff_dialog_confirm  (GtkWindow       *dialog);
/* 移除 the selected member: the confirmation, (transfer none) */
GtkWindow   *_kouan_admin_staff_remove          (KouanAdminStaff *self);
const char  *_kouan_admin_staff_get_message     (KouanAdminStaff *self);

G_END_DECLS

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

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-member-dialog-private.h"
#include "kouan-admin-staff.h"

G_BEGIN_DECLS

/* For the UI tests */
GListModel             *_kouan_admin_staff_get_rows    (KouanAdminStaff *self);
gboolean                _kouan_admin_staff_get_busy    (KouanAdminStaff *self);
void                    _kouan_admin_staff_set_filters (KouanAdminStaff *self,
                                                        const char      *name,
                                                        const char      *role,
                                                        const char      *status,
                                                        const char      *from,
                                                        const char      *to);
void                    _kouan_admin_staff_query       (KouanAdminStaff *self);
gboolean                _kouan_admin_staff_select      (KouanAdminStaff *self,
                                                        const char      *account);
/* Opens the 编辑 dialog of the selected member, (transfer none) */
KouanAdminMemberDialog *_kouan_admin_staff_edit        (KouanAdminStaff *self);
/* 移除 the selected member: the confirmation, (transfer none) */
GtkWindow              *_kouan_admin_staff_remove      (KouanAdminStaff *self);
/* 解除绑定 of the selected member's card @index: the confirmation,
 * (transfer none) */
GtkWindow              *_kouan_admin_staff_revoke_card (KouanAdminStaff *self,
                                                        guint            index);
const char             *_kouan_admin_staff_get_message (KouanAdminStaff *self);
/* (transfer none): the members and the selected one, folded when narrow */
AdwLeaflet             *_kouan_admin_staff_get_leaflet (KouanAdminStaff *self);
/* (transfer none) (nullable): the record the member's pane shows */
KouanMember            *_kouan_admin_staff_get_shown   (KouanAdminStaff *self);
/* The selected member's pane */
GtkWidget              *_kouan_admin_staff_get_detail  (KouanAdminStaff *self);
/* The row of filters, and its 更多筛选 menu button */
GtkWidget              *_kouan_admin_staff_get_filter_bar (KouanAdminStaff *self);
GtkWidget              *_kouan_admin_staff_get_more_filters (KouanAdminStaff *self);
/* Sorts the table by its column @column (G_MAXUINT: unsorted), as a
 * click on the header does */
void                    _kouan_admin_staff_sort_by     (KouanAdminStaff *self,
                                                        guint            column,
                                                        gboolean         descending);
/* How many of the table's columns show */
guint                   _kouan_admin_staff_count_visible_columns (KouanAdminStaff *self);

G_END_DECLS

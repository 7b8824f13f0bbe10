/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "kouan-admin-view.h"
#include "kouan-member.h"
#include "kouan-store.h"

G_BEGIN_DECLS

/* 人员权限's 编辑: a member's roles with their validity (a held role's
 * last day can move, a role can be marked for removal, new roles added
 * with a period) and their department. 保存 writes the member's whole
 * grant list and department as one edit to the store (queued for the
 * server: kept grants, then the added ones, so handing over one's own
 * administrator role cannot trip the last-administrator check halfway);
 * "saved" is emitted and the dialog closes. */

#define KOUAN_TYPE_ADMIN_MEMBER_DIALOG (kouan_admin_member_dialog_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminMemberDialog, kouan_admin_member_dialog, KOUAN, ADMIN_MEMBER_DIALOG, AdwWindow)

/* @roles: KouanRole that may be granted; @department_ids (gint64) and
 * @department_names ("no department" first, then one per id): the
 * choices of department; @today: "YYYY-MM-DD", the day statuses are
 * judged on */
KouanAdminMemberDialog *kouan_admin_member_dialog_new (KouanAdminView *admin,
                                                       KouanStore     *store,
                                                       GtkWindow      *parent,
                                                       KouanMember    *member,
                                                       GListModel     *roles,
                                                       GArray         *department_ids,
                                                       GListModel     *department_names,
                                                       const char     *today);

G_END_DECLS

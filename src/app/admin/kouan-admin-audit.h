/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-admin-view.h"

G_BEGIN_DECLS

/* 审计日志: every admin change (who, what, when, before and after), newest
 * first, filtered by kind of change and dates on the server. */

#define KOUAN_TYPE_ADMIN_AUDIT (kouan_admin_audit_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminAudit, kouan_admin_audit, KOUAN, ADMIN_AUDIT, GtkWidget)

GtkWidget   *kouan_admin_audit_new    (KouanAdminView  *admin);
void         kouan_admin_audit_reload (KouanAdminAudit *self);

/* For the UI tests */
GListModel  *_kouan_admin_audit_get_rows (KouanAdminAudit *self);
gboolean     _kouan_admin_audit_get_busy (KouanAdminAudit *self);

G_END_DECLS

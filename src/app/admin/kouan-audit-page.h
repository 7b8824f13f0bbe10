/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-admin-view.h"

G_BEGIN_DECLS

/* 审计日志: every admin change as one sentence in the user's language
 * (kouan_audit_entry_describe), with before → after per changed field,
 * newest first, read from the offline cache (the "audit" collection) and
 * filtered here by who, kind of change and days. */

#define KOUAN_TYPE_AUDIT_PAGE (kouan_audit_page_get_type ())
G_DECLARE_FINAL_TYPE (KouanAuditPage, kouan_audit_page, KOUAN, AUDIT_PAGE, GtkWidget)

/* @admin: (transfer none) the area the page lives in */
GtkWidget *kouan_audit_page_new    (KouanAdminView *admin);
/* Reads the cache again (it also does on every change of it). */
void       kouan_audit_page_reload (KouanAuditPage *self);

G_END_DECLS

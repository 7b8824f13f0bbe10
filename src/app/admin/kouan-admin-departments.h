/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-admin-view.h"

G_BEGIN_DECLS

/* 部门管理: the department tree (add, rename, move, delete an empty one),
 * each department's head and members. */

#define KOUAN_TYPE_ADMIN_DEPARTMENTS (kouan_admin_departments_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminDepartments, kouan_admin_departments, KOUAN, ADMIN_DEPARTMENTS, GtkWidget)

GtkWidget   *kouan_admin_departments_new    (KouanAdminView        *admin);
void         kouan_admin_departments_reload (KouanAdminDepartments *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "kouan-client.h"

G_BEGIN_DECLS

/* 管理员中心: a list of the admin menus and a GtkStack of their pages in an
 * AdwLeaflet, which folds them into one (a back button returns to the
 * menus) when both do not fit; a page changes when its menu is activated,
 * never when the focus passes over it. Each admin feature adds its page with kouan_admin_view_add_page(); the
 * sidebar shows only the pages whose menu the member may view (the session's
 * permissions, "admin.roles:view" etc.). Pages follow the current
 * enterprise and client through the "enterprise-id" and "client"
 * properties (connect to notify::enterprise-id). Hiding a page is never the
 * protection: the server checks every route. */

#define KOUAN_TYPE_ADMIN_VIEW (kouan_admin_view_get_type ())
G_DECLARE_FINAL_TYPE (KouanAdminView, kouan_admin_view, KOUAN, ADMIN_VIEW, GtkWidget)

GtkWidget   *kouan_admin_view_new               (void);

/* @menu_id: "admin.roles"; @page: (transfer floating) */
void         kouan_admin_view_add_page          (KouanAdminView     *self,
                                                 const char         *menu_id,
                                                 const char         *title,
                                                 GtkWidget          *page);
/* (nullable): the page of @menu_id */
GtkWidget   *kouan_admin_view_get_page          (KouanAdminView     *self,
                                                 const char         *menu_id);
void         kouan_admin_view_show_page         (KouanAdminView     *self,
                                                 const char         *menu_id);
const char  *kouan_admin_view_get_visible_menu  (KouanAdminView     *self);
/* Narrow, the menus and the page fold into one (a back button returns to
 * the menus): is it folded, and are the menus what shows? */
gboolean     kouan_admin_view_get_folded        (KouanAdminView     *self);
gboolean     kouan_admin_view_get_menus_shown   (KouanAdminView     *self);

/* @permissions: (nullable) (array zero-terminated=1) the member's
 * effective permissions in the current enterprise */
void         kouan_admin_view_set_permissions   (KouanAdminView     *self,
                                                 const char * const *permissions);
/* Does @permission ("admin.roles:view") hold in the permissions set last?
 * manage implies view. */
gboolean     kouan_admin_view_allows            (KouanAdminView     *self,
                                                 const char         *permission);
/* May the member see any admin page at all (the window hides the area
 * otherwise)? */
gboolean     kouan_admin_view_get_any_visible   (KouanAdminView     *self);

void         kouan_admin_view_set_enterprise_id (KouanAdminView     *self,
                                                 gint64              enterprise_id);
gint64       kouan_admin_view_get_enterprise_id (KouanAdminView     *self);
void         kouan_admin_view_set_client        (KouanAdminView     *self,
                                                 KouanClient        *client);
/* (nullable) (transfer none) */
KouanClient *kouan_admin_view_get_client        (KouanAdminView     *self);

/* (transfer full) what to tell the user about a failed call or a refused
 * edit (KOUAN_PEOPLE_ERROR, KOUAN_STORE_ERROR), translated */
char        *kouan_admin_view_describe_error    (KouanAdminView      *self,
                                                 const GError        *error);
/* A page changed records others show (roles, departments, members): the
 * view emits "changed" so every page reloads. */
void         kouan_admin_view_notify_changed    (KouanAdminView      *self);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The fixed tree of menu permissions (docs/architecture.md, "Permissions").
 * Every area of the app is a menu; a permission is "<menu>:<right>" with
 * right "view" or "manage" (manage implies view). Server routes name the
 * permission they need; the app shows only the menus a member may view. */

typedef struct {
  const char *id;        /* "admin.roles" */
  const char *parent;    /* (nullable) "admin" */
  const char *label;     /* English; translate with _() in the app */
  gboolean    manage;    /* has a "manage" right besides "view" */
} KouanMenu;

/* All menus, parents before their children; @n_menus receives the count. */
const KouanMenu *kouan_permissions_menus       (guint       *n_menus);
const KouanMenu *kouan_permissions_lookup_menu (const char  *id);
/* Is @permission ("admin.roles:manage") a known menu and right? */
gboolean         kouan_permission_is_valid     (const char  *permission);
/* Splits "admin.roles:manage" → menu "admin.roles", manage TRUE. */
gboolean         kouan_permission_parse        (const char  *permission,
                                                char       **out_menu,
                                                gboolean    *out_manage);

G_END_DECLS

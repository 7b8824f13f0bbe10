/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server.h"

G_BEGIN_DECLS

/* The admin center's rules, shared by its routes (kouan-server-admin.c)
 * and the people collections' mutations (kouan-server-people.c). */

/* A strict "YYYY-MM-DD" of a real day. */
gboolean _kouan_server_admin_date_is_valid    (const char  *text);
/* 1 to 50 characters without surrounding spaces. */
gboolean _kouan_server_admin_name_is_valid    (const char  *name);
gboolean _kouan_server_admin_role_name_taken  (KouanServer *self,
                                               gint64       enterprise_id,
                                               const char  *name,
                                               gint64       except_id);
/* Replaces the permissions of @role_id by @permissions (element-type utf8). */
/* Renames (@name nullable) and sets the permissions (@permissions
 * nullable) of a role */
gboolean _kouan_server_admin_update_role      (KouanServer *self,
                                               gint64       enterprise_id,
                                               gint64       role_id,
                                               const char  *name,
                                               GPtrArray   *permissions,
                                               GError     **error);
void     _kouan_server_admin_touch_role_holders (KouanServer *self,
                                                 gint64       enterprise_id,
                                                 gint64       role_id);
/* Would @parent_id under @department_id make a cycle? */
gboolean _kouan_server_admin_is_descendant_or_self (KouanServer *self,
                                                    gint64       enterprise_id,
                                                    gint64       department_id,
                                                    gint64       parent_id);
/* Is @user_id a member of @enterprise_id, active or disabled? */
gboolean _kouan_server_admin_is_member_of     (KouanServer *self,
                                               gint64       enterprise_id,
                                               gint64       user_id);
/* (nullable) the department as the list and the collection show it */
JsonObject *_kouan_server_admin_department_json (KouanServer *self,
                                                 gint64       enterprise_id,
                                                 gint64       department_id);

G_END_DECLS

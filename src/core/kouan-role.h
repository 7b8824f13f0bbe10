/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A role as the "roles" collection carries it (docs/api.md, "The people
 * collections"). Immutable snapshot with public fields. */
#define KOUAN_TYPE_ROLE (kouan_role_get_type ())
G_DECLARE_FINAL_TYPE (KouanRole, kouan_role, KOUAN, ROLE, GObject)

struct _KouanRole
{
  GObject   parent_instance;

  gint64    enterprise_id;
  gint64    id;
  char     *name;          /* as stored; see kouan_role_display_name() */
  gboolean  builtin;       /* 管理员: holds every permission */
  gint64    created_at;
  GStrv     permissions;   /* valid permissions (kouan-permissions.h); empty when built-in */
};

/* Strict: unknown permissions are refused. (transfer full) (nullable) */
KouanRole  *kouan_role_new_from_json   (JsonObject  *record,
                                        gint64       enterprise_id,
                                        GError     **error);
/* A role known only by a grant (a member who may see 人员权限 but not
 * 角色管理 gets no role records): no permissions listed. (transfer full) */
KouanRole  *kouan_role_new_from_grant  (gint64       enterprise_id,
                                        gint64       id,
                                        const char  *name,
                                        gboolean     builtin);
/* The name in the user's language: the built-in role is "Administrator"
 * in English and 管理员 in Chinese whatever the server stored; others as
 * named. Also for a grant's role (@builtin from the grant). */
const char *kouan_role_display_name    (const char  *name,
                                        gboolean     builtin);
gboolean    kouan_role_holds           (KouanRole   *self,
                                        const char  *permission);

G_END_DECLS

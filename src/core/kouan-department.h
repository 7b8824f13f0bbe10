/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* A department as the "departments" collection carries it (docs/api.md,
 * "The people collections"). Immutable snapshot with public fields. */
#define KOUAN_TYPE_DEPARTMENT (kouan_department_get_type ())
G_DECLARE_FINAL_TYPE (KouanDepartment, kouan_department, KOUAN, DEPARTMENT, GObject)

struct _KouanDepartment
{
  GObject  parent_instance;

  gint64   enterprise_id;
  gint64   id;
  gint64   parent_id;      /* 0: top level */
  char    *name;
  gint64   head_user_id;   /* 0: no head */
  char    *head_name;      /* (nullable) */
  gint64   member_count;
};

/* (transfer full) (nullable) */
KouanDepartment *kouan_department_new_from_json (JsonObject  *record,
                                                 gint64       enterprise_id,
                                                 GError     **error);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-department.h"
#include "kouan-json.h"

G_DEFINE_FINAL_TYPE (KouanDepartment, kouan_department, G_TYPE_OBJECT)

static void
kouan_department_finalize (GObject *object)
{
  KouanDepartment *self = KOUAN_DEPARTMENT (object);

  g_free (self->name);
  g_free (self->head_name);
  G_OBJECT_CLASS (kouan_department_parent_class)->finalize (object);
}

static void
kouan_department_class_init (KouanDepartmentClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_department_finalize;
}

static void
kouan_department_init (KouanDepartment *self)
{
}

KouanDepartment *
kouan_department_new_from_json (JsonObject  *record,
                                gint64       enterprise_id,
                                GError     **error)
{
  const char *name, *head_name;
  gint64 id, parent_id, head_user_id, member_count;
  KouanDepartment *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_opt_int (record, "parent_id", &parent_id, error) ||
      !kouan_json_get_string (record, "name", &name, error) ||
      !kouan_json_get_opt_int (record, "head_user_id", &head_user_id, error) ||
      !kouan_json_get_opt_string (record, "head_name", &head_name, error) ||
      !kouan_json_get_int (record, "member_count", &member_count, error))
    return NULL;
  if (*name == '\0' || member_count < 0 || parent_id == id)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "Department %" G_GINT64_FORMAT " is malformed", id);
      return NULL;
    }

  self = g_object_new (KOUAN_TYPE_DEPARTMENT, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->parent_id = parent_id;
  self->name = g_strdup (name);
  self->head_user_id = head_user_id;
  self->head_name = g_strdup (head_name);
  self->member_count = member_count;
  return self;
}

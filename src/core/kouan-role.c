/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-role.h"

G_DEFINE_FINAL_TYPE (KouanRole, kouan_role, G_TYPE_OBJECT)

static void
kouan_role_finalize (GObject *object)
{
  KouanRole *self = KOUAN_ROLE (object);

  g_free (self->name);
  g_strfreev (self->permissions);
  G_OBJECT_CLASS (kouan_role_parent_class)->finalize (object);
}

static void
kouan_role_class_init (KouanRoleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_role_finalize;
}

static void
kouan_role_init (KouanRole *self)
{
}

KouanRole *
kouan_role_new_from_json (JsonObject  *record,
                          gint64       enterprise_id,
                          GError     **error)
{
  const char *name;
  gint64 id, created_at;
  gboolean builtin;
  JsonArray *permissions;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  KouanRole *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "name", &name, error) ||
      !kouan_json_get_bool (record, "builtin", &builtin, error) ||
      !kouan_json_get_int (record, "created_at", &created_at, error) ||
      !kouan_json_get_array (record, "permissions", &permissions, error))
    return NULL;
  if (*name == '\0')
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE, "A role needs a name");
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (permissions); i++)
    {
      JsonNode *node = json_array_get_element (permissions, i);
      const char *permission = JSON_NODE_HOLDS_VALUE (node) &&
                               json_node_get_value_type (node) == G_TYPE_STRING
                               ? json_node_get_string (node) : NULL;

      if (permission == NULL || !kouan_permission_is_valid (permission))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                       "permissions[%u] is not a known permission", i);
          return NULL;
        }
      g_strv_builder_add (builder, permission);
    }

  self = g_object_new (KOUAN_TYPE_ROLE, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->name = g_strdup (name);
  self->builtin = builtin;
  self->created_at = created_at;
  self->permissions = g_strv_builder_end (builder);
  return self;
}

KouanRole *
kouan_role_new_from_grant (gint64      enterprise_id,
                           gint64      id,
                           const char *name,
                           gboolean    builtin)
{
  KouanRole *self = g_object_new (KOUAN_TYPE_ROLE, NULL);
  const char *none[] = { NULL };

  self->enterprise_id = enterprise_id;
  self->id = id;
  self->name = g_strdup (name);
  self->builtin = builtin;
  self->permissions = g_strdupv ((char **) none);
  return self;
}

const char *
kouan_role_display_name (const char *name,
                         gboolean    builtin)
{
  /* the server stores the built-in role under its Chinese name; a user
   * reading English must not see it */
  if (builtin)
    return C_("built-in role", "Administrator");
  return name;
}

gboolean
kouan_role_holds (KouanRole  *self,
                  const char *permission)
{
  return self->builtin || g_strv_contains ((const char * const *) self->permissions, permission);
}

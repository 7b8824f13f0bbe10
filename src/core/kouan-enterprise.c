/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-enterprise.h"
#include "kouan-json.h"

struct _KouanEnterprise
{
  GObject    parent_instance;

  gint64     id;
  char      *name;
  char      *credit_code;
  gboolean   certified;
  GStrv      roles;
  GStrv      permissions; /* (nullable) "<menu>:<right>"; NULL: the server sent none */
};

G_DEFINE_FINAL_TYPE (KouanEnterprise, kouan_enterprise, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_CREDIT_CODE,
  PROP_CERTIFIED,
  PROP_ROLES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kouan_enterprise_finalize (GObject *object)
{
  KouanEnterprise *self = KOUAN_ENTERPRISE (object);

  g_free (self->name);
  g_free (self->credit_code);
  g_strfreev (self->roles);
  g_strfreev (self->permissions);

  G_OBJECT_CLASS (kouan_enterprise_parent_class)->finalize (object);
}

static void
kouan_enterprise_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  KouanEnterprise *self = KOUAN_ENTERPRISE (object);

  switch (prop_id)
    {
    case PROP_ID:          g_value_set_int64 (value, self->id); break;
    case PROP_NAME:        g_value_set_string (value, self->name); break;
    case PROP_CREDIT_CODE: g_value_set_string (value, self->credit_code); break;
    case PROP_CERTIFIED:   g_value_set_boolean (value, self->certified); break;
    case PROP_ROLES:       g_value_set_boxed (value, self->roles); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_enterprise_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  KouanEnterprise *self = KOUAN_ENTERPRISE (object);

  switch (prop_id)
    {
    case PROP_ID:          self->id = g_value_get_int64 (value); break;
    case PROP_NAME:        self->name = g_value_dup_string (value); break;
    case PROP_CREDIT_CODE: self->credit_code = g_value_dup_string (value); break;
    case PROP_CERTIFIED:   self->certified = g_value_get_boolean (value); break;
    case PROP_ROLES:       self->roles = g_value_dup_boxed (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_enterprise_constructed (GObject *object)
{
  KouanEnterprise *self = KOUAN_ENTERPRISE (object);

  G_OBJECT_CLASS (kouan_enterprise_parent_class)->constructed (object);

  /* get_roles() promises a vector, never NULL */
  if (self->roles == NULL)
    self->roles = g_new0 (char *, 1);
}

static void
kouan_enterprise_class_init (KouanEnterpriseClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kouan_enterprise_finalize;
  object_class->constructed = kouan_enterprise_constructed;
  object_class->get_property = kouan_enterprise_get_property;
  object_class->set_property = kouan_enterprise_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, "", flags);
  properties[PROP_CREDIT_CODE] =
    g_param_spec_string ("credit-code", NULL, NULL, "", flags);
  properties[PROP_CERTIFIED] =
    g_param_spec_boolean ("certified", NULL, NULL, FALSE, flags);
  properties[PROP_ROLES] =
    g_param_spec_boxed ("roles", NULL, NULL, G_TYPE_STRV, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kouan_enterprise_init (KouanEnterprise *self)
{
}

KouanEnterprise *
kouan_enterprise_new (gint64              id,
                      const char         *name,
                      const char         *credit_code,
                      gboolean            certified,
                      const char * const *roles)
{
  return g_object_new (KOUAN_TYPE_ENTERPRISE,
                       "id", id,
                       "name", name != NULL ? name : "",
                       "credit-code", credit_code != NULL ? credit_code : "",
                       "certified", certified,
                       "roles", roles,
                       NULL);
}

KouanEnterprise *
kouan_enterprise_new_from_membership (JsonObject  *membership,
                                      GError     **error)
{
  JsonObject *enterprise;
  JsonArray *roles_array;
  gint64 id;
  const char *name, *credit_code;
  gboolean certified;
  g_autoptr(GStrvBuilder) roles = g_strv_builder_new ();
  g_auto(GStrv) roles_strv = NULL;
  g_autoptr(KouanEnterprise) result = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (membership == NULL)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT,
                           "A membership must be a JSON object");
      return NULL;
    }

  if (!kouan_json_get_object (membership, "enterprise", &enterprise, error) ||
      !kouan_json_get_array (membership, "roles", &roles_array, error) ||
      !kouan_json_get_int (enterprise, "id", &id, error) ||
      !kouan_json_get_string (enterprise, "name", &name, error) ||
      !kouan_json_get_string (enterprise, "credit_code", &credit_code, error) ||
      !kouan_json_get_bool (enterprise, "certified", &certified, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "\"id\" must be positive");
      return NULL;
    }

  for (guint i = 0; i < json_array_get_length (roles_array); i++)
    {
      JsonNode *node = json_array_get_element (roles_array, i);

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                               "\"roles\" must be an array of strings");
          return NULL;
        }
      g_strv_builder_add (roles, json_node_get_string (node));
    }

  roles_strv = g_strv_builder_end (roles);
  result = kouan_enterprise_new (id, name, credit_code, certified,
                                 (const char * const *) roles_strv);

  /* Optional: older servers and caches have no "permissions". */
  if (json_object_has_member (membership, "permissions"))
    {
      JsonArray *permissions_array;
      g_autoptr(GStrvBuilder) permissions = g_strv_builder_new ();

      if (!kouan_json_get_array (membership, "permissions", &permissions_array, error))
        return NULL;
      for (guint i = 0; i < json_array_get_length (permissions_array); i++)
        {
          JsonNode *node = json_array_get_element (permissions_array, i);

          if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
            {
              g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                                   "\"permissions\" must be an array of strings");
              return NULL;
            }
          g_strv_builder_add (permissions, json_node_get_string (node));
        }
      result->permissions = g_strv_builder_end (permissions);
    }

  return g_steal_pointer (&result);
}

JsonObject *
kouan_enterprise_to_membership_json (KouanEnterprise *self)
{
  JsonObject *membership, *enterprise;
  JsonArray *roles;

  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), NULL);

  enterprise = json_object_new ();
  json_object_set_int_member (enterprise, "id", self->id);
  json_object_set_string_member (enterprise, "name", self->name);
  json_object_set_string_member (enterprise, "credit_code", self->credit_code);
  json_object_set_boolean_member (enterprise, "certified", self->certified);

  roles = json_array_new ();
  for (guint i = 0; self->roles[i] != NULL; i++)
    json_array_add_string_element (roles, self->roles[i]);

  membership = json_object_new ();
  json_object_set_object_member (membership, "enterprise", enterprise);
  json_object_set_array_member (membership, "roles", roles);
  if (self->permissions != NULL)
    {
      JsonArray *permissions = json_array_new ();

      for (guint i = 0; self->permissions[i] != NULL; i++)
        json_array_add_string_element (permissions, self->permissions[i]);
      json_object_set_array_member (membership, "permissions", permissions);
    }

  return membership;
}

gint64
kouan_enterprise_get_id (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), 0);
  return self->id;
}

const char *
kouan_enterprise_get_name (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), NULL);
  return self->name;
}

const char *
kouan_enterprise_get_credit_code (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), NULL);
  return self->credit_code;
}

gboolean
kouan_enterprise_get_certified (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), FALSE);
  return self->certified;
}

const char * const *
kouan_enterprise_get_roles (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), NULL);
  return (const char * const *) self->roles;
}

gboolean
kouan_enterprise_has_role (KouanEnterprise *self,
                           const char      *role)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), FALSE);
  g_return_val_if_fail (role != NULL, FALSE);

  return g_strv_contains ((const char * const *) self->roles, role);
}

const char * const *
kouan_enterprise_get_permissions (KouanEnterprise *self)
{
  g_return_val_if_fail (KOUAN_IS_ENTERPRISE (self), NULL);
  return (const char * const *) self->permissions;
}

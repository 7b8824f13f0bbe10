/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-member.h"

G_DEFINE_FINAL_TYPE (KouanMember, kouan_member, G_TYPE_OBJECT)

static void
grant_clear (gpointer data)
{
  KouanGrant *grant = data;

  g_free (grant->role);
  g_free (grant->starts_on);
  g_free (grant->ends_on);
}

static void
card_clear (gpointer data)
{
  KouanMemberCard *card = data;

  g_free (card->fingerprint);
  g_free (card->holder);
  g_free (card->serial);
}

static void
kouan_member_finalize (GObject *object)
{
  KouanMember *self = KOUAN_MEMBER (object);

  g_free (self->account);
  g_free (self->name);
  g_free (self->department);
  g_free (self->registered_on);
  g_clear_pointer (&self->grants, g_array_unref);
  g_clear_pointer (&self->cards, g_array_unref);
  G_OBJECT_CLASS (kouan_member_parent_class)->finalize (object);
}

static void
kouan_member_class_init (KouanMemberClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_member_finalize;
}

static void
kouan_member_init (KouanMember *self)
{
  self->grants = g_array_new (FALSE, TRUE, sizeof (KouanGrant));
  g_array_set_clear_func (self->grants, grant_clear);
  self->cards = g_array_new (FALSE, TRUE, sizeof (KouanMemberCard));
  g_array_set_clear_func (self->cards, card_clear);
}

static gboolean
value_error (GError     **error,
             const char  *format,
             const char  *value)
{
  g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE, format, value);
  return FALSE;
}

static gboolean
parse_grant (JsonObject  *object,
             KouanGrant  *out,
             GError     **error)
{
  const char *role, *starts_on, *ends_on;
  gint64 id, role_id;
  gboolean builtin;

  if (!kouan_json_get_int (object, "id", &id, error) ||
      !kouan_json_get_int (object, "role_id", &role_id, error) ||
      !kouan_json_get_string (object, "role", &role, error) ||
      !kouan_json_get_bool (object, "builtin", &builtin, error) ||
      !kouan_json_get_string (object, "starts_on", &starts_on, error) ||
      !kouan_json_get_opt_string (object, "ends_on", &ends_on, error))
    return FALSE;
  if (!kouan_grant_day_is_valid (starts_on))
    return value_error (error, "\"starts_on\" is not a day: \"%s\"", starts_on);
  if (ends_on != NULL && !kouan_grant_day_is_valid (ends_on))
    return value_error (error, "\"ends_on\" is not a day: \"%s\"", ends_on);
  if (ends_on != NULL && g_strcmp0 (ends_on, starts_on) < 0)
    return value_error (error, "A grant ends (%s) before it starts", ends_on);

  out->id = id;
  out->role_id = role_id;
  out->role = g_strdup (role);
  out->builtin = builtin;
  out->starts_on = g_strdup (starts_on);
  out->ends_on = g_strdup (ends_on);
  return TRUE;
}

static gboolean
parse_card (JsonObject       *object,
            KouanMemberCard  *out,
            GError          **error)
{
  const char *fingerprint, *holder, *serial;
  gint64 not_after, bound_at;

  if (!kouan_json_get_string (object, "fingerprint", &fingerprint, error) ||
      !kouan_json_get_opt_string (object, "holder", &holder, error) ||
      !kouan_json_get_opt_string (object, "serial", &serial, error) ||
      !kouan_json_get_opt_int (object, "not_after", &not_after, error) ||
      !kouan_json_get_int (object, "bound_at", &bound_at, error))
    return FALSE;
  if (*fingerprint == '\0')
    return value_error (error, "A card has an empty fingerprint%s", "");
  out->fingerprint = g_strdup (fingerprint);
  out->holder = g_strdup (holder);
  out->serial = g_strdup (serial);
  out->not_after = not_after;
  out->bound_at = bound_at;
  return TRUE;
}

KouanMember *
kouan_member_new_from_json (JsonObject  *record,
                            gint64       enterprise_id,
                            GError     **error)
{
  const char *account, *name, *department, *membership, *registered_on;
  gint64 id, department_id;
  JsonArray *grants;
  g_autoptr(KouanMember) self = NULL;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "account", &account, error) ||
      !kouan_json_get_string (record, "name", &name, error) ||
      !kouan_json_get_opt_int (record, "department_id", &department_id, error) ||
      !kouan_json_get_opt_string (record, "department", &department, error) ||
      !kouan_json_get_string (record, "membership", &membership, error) ||
      !kouan_json_get_opt_string (record, "registered_on", &registered_on, error) ||
      !kouan_json_get_array (record, "grants", &grants, error))
    return NULL;
  if (g_strcmp0 (membership, "active") != 0 && g_strcmp0 (membership, "disabled") != 0)
    {
      value_error (error, "Unknown membership \"%s\"", membership);
      return NULL;
    }
  if (registered_on != NULL && !kouan_grant_day_is_valid (registered_on))
    {
      value_error (error, "\"registered_on\" is not a day: \"%s\"", registered_on);
      return NULL;
    }

  self = g_object_new (KOUAN_TYPE_MEMBER, NULL);
  for (guint i = 0; i < json_array_get_length (grants); i++)
    {
      JsonNode *node = json_array_get_element (grants, i);
      KouanGrant grant = { 0 };

      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                       "grants[%u] must be an object", i);
          return NULL;
        }
      if (!parse_grant (json_node_get_object (node), &grant, error))
        {
          g_prefix_error (error, "grants[%u]: ", i);
          return NULL;
        }
      g_array_append_val (self->grants, grant);
    }
  if (json_object_has_member (record, "cards"))
    {
      JsonArray *cards;

      if (!kouan_json_get_array (record, "cards", &cards, error))
        return NULL;
      for (guint i = 0; i < json_array_get_length (cards); i++)
        {
          JsonNode *node = json_array_get_element (cards, i);
          KouanMemberCard card = { 0 };

          if (!JSON_NODE_HOLDS_OBJECT (node))
            {
              g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                           "cards[%u] must be an object", i);
              return NULL;
            }
          if (!parse_card (json_node_get_object (node), &card, error))
            {
              g_prefix_error (error, "cards[%u]: ", i);
              return NULL;
            }
          g_array_append_val (self->cards, card);
        }
    }
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->account = g_strdup (account);
  self->name = g_strdup (name);
  self->department_id = department_id;
  self->department = g_strdup (department);
  self->disabled = g_str_equal (membership, "disabled");
  self->registered_on = g_strdup (registered_on);
  return g_steal_pointer (&self);
}

KouanGrantStatus
kouan_member_get_status (KouanMember  *self,
                         const char   *today,
                         const char  **day)
{
  KouanMemberStatusFold fold;
  KouanGrantStatus status;
  const char *folded_day = NULL;

  g_return_val_if_fail (KOUAN_IS_MEMBER (self), KOUAN_GRANT_STATUS_ACTIVE);

  kouan_member_status_fold_init (&fold);
  for (guint i = 0; i < self->grants->len; i++)
    {
      KouanGrant *grant = &g_array_index (self->grants, KouanGrant, i);

      kouan_member_status_fold_add (&fold, grant->starts_on, grant->ends_on, today);
    }
  status = kouan_member_status_fold_result (&fold, self->disabled, &folded_day);
  if (day == NULL)
    return status;
  /* the fold's copy lives on this stack: hand out the grant's own string,
   * the day being one grant's first or last day */
  *day = NULL;
  for (guint i = 0; folded_day != NULL && i < self->grants->len; i++)
    {
      KouanGrant *grant = &g_array_index (self->grants, KouanGrant, i);

      if (g_strcmp0 (grant->starts_on, folded_day) == 0)
        *day = grant->starts_on;
      else if (g_strcmp0 (grant->ends_on, folded_day) == 0)
        *day = grant->ends_on;
    }
  return status;
}

gboolean
kouan_member_has_role (KouanMember *self,
                       gint64       role_id)
{
  for (guint i = 0; i < self->grants->len; i++)
    if (g_array_index (self->grants, KouanGrant, i).role_id == role_id)
      return TRUE;
  return FALSE;
}

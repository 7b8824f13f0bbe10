/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "kouan-audit-entry.h"
#include "kouan-format.h"
#include "kouan-grant-status.h"
#include "kouan-json.h"
#include "kouan-permissions.h"
#include "kouan-role.h"

G_DEFINE_FINAL_TYPE (KouanAuditEntry, kouan_audit_entry, G_TYPE_OBJECT)

static void
kouan_audit_entry_finalize (GObject *object)
{
  KouanAuditEntry *self = KOUAN_AUDIT_ENTRY (object);

  g_free (self->actor_account);
  g_free (self->actor_name);
  g_free (self->action);
  g_clear_pointer (&self->before, json_object_unref);
  g_clear_pointer (&self->after, json_object_unref);
  G_OBJECT_CLASS (kouan_audit_entry_parent_class)->finalize (object);
}

static void
kouan_audit_entry_class_init (KouanAuditEntryClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_audit_entry_finalize;
}

static void
kouan_audit_entry_init (KouanAuditEntry *self)
{
}

static gboolean
action_is_valid (const char *action)
{
  const char *dot = strchr (action, '.');

  if (dot == NULL || dot == action || dot[1] == '\0' || strchr (dot + 1, '.') != NULL)
    return FALSE;
  for (const char *p = action; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && *p != '_' && *p != '.')
      return FALSE;
  return TRUE;
}

static gboolean
get_opt_object (JsonObject  *record,
                const char  *member,
                JsonObject **out,
                GError     **error)
{
  JsonNode *node = json_object_get_member (record, member);

  *out = NULL;
  if (node == NULL)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING, "\"%s\" is missing", member);
      return FALSE;
    }
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                   "\"%s\" must be an object or null", member);
      return FALSE;
    }
  *out = json_node_get_object (node);
  return TRUE;
}

KouanAuditEntry *
kouan_audit_entry_new_from_json (JsonObject  *record,
                                 gint64       enterprise_id,
                                 GError     **error)
{
  const char *account, *name, *action;
  gint64 id, actor_id, at;
  JsonObject *before, *after;
  KouanAuditEntry *self;

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_opt_int (record, "actor_id", &actor_id, error) ||
      !kouan_json_get_opt_string (record, "actor_account", &account, error) ||
      !kouan_json_get_opt_string (record, "actor_name", &name, error) ||
      !kouan_json_get_string (record, "action", &action, error) ||
      !get_opt_object (record, "before", &before, error) ||
      !get_opt_object (record, "after", &after, error) ||
      !kouan_json_get_int (record, "at", &at, error))
    return NULL;
  if (!action_is_valid (action))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE, "Unknown action \"%s\"", action);
      return NULL;
    }

  self = g_object_new (KOUAN_TYPE_AUDIT_ENTRY, NULL);
  self->enterprise_id = enterprise_id;
  self->id = id;
  self->actor_id = actor_id;
  self->actor_account = g_strdup (account);
  self->actor_name = g_strdup (name);
  self->action = g_strdup (action);
  self->before = before != NULL ? json_object_ref (before) : NULL;
  self->after = after != NULL ? json_object_ref (after) : NULL;
  self->at = at;
  return self;
}

/* ---- as a person reads it ---- */

void
kouan_audit_change_free (KouanAuditChange *change)
{
  g_free (change->field);
  g_free (change->before);
  g_free (change->after);
  g_free (change);
}

const char *
kouan_audit_entry_get_kind (KouanAuditEntry *self)
{
  /* "role.update" → "role"; kept beside the action for the filter */
  g_autofree char *kind = g_strndup (self->action, strcspn (self->action, "."));

  return g_intern_string (kind);
}

static const char *
string_of (JsonObject *object,
           const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
bool_of (JsonObject *object,
         const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

/* the record the entry is about: after, or before for a deletion */
static JsonObject *
subject (KouanAuditEntry *self)
{
  return self->after != NULL ? self->after : self->before;
}

static char *
period (JsonObject *grant)
{
  g_autofree char *from = kouan_format_iso_day (string_of (grant, "starts_on"));
  g_autofree char *until = NULL;

  if (string_of (grant, "ends_on") == NULL)
    /* Translators: a grant's period without an end */
    return g_strdup_printf (C_("audit", "from %s, no end date"), from);
  until = kouan_format_iso_day (string_of (grant, "ends_on"));
  /* Translators: a grant's period, first and last day */
  return g_strdup_printf (C_("audit", "%s – %s"), from, until);
}

static const char *
role_name (JsonObject *object,
           const char *member)
{
  const char *name = string_of (object, member);

  if (name == NULL)
    return "";
  /* the built-in role is 管理员 in any language the server stores */
  return kouan_role_display_name (name, bool_of (object, "builtin"));
}

static JsonArray *
grants_of (JsonObject *member)
{
  JsonNode *node = member != NULL ? json_object_get_member (member, "grants") : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
grant_by_id (JsonArray *grants,
             gint64     id)
{
  for (guint i = 0; grants != NULL && i < json_array_get_length (grants); i++)
    {
      JsonNode *node = json_array_get_element (grants, i);
      JsonObject *grant = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonNode *id_node = grant != NULL ? json_object_get_member (grant, "id") : NULL;

      if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
          json_node_get_value_type (id_node) == G_TYPE_INT64 && json_node_get_int (id_node) == id)
        return grant;
    }
  return NULL;
}

static gint64
grant_id (JsonArray *grants,
          guint      i)
{
  JsonNode *node = json_array_get_element (grants, i);
  JsonObject *grant = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonNode *id_node = grant != NULL ? json_object_get_member (grant, "id") : NULL;

  return id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
         json_node_get_value_type (id_node) == G_TYPE_INT64 ? json_node_get_int (id_node) : 0;
}

/* How many grants a member edit added, removed or gave a new period; the
 * last of each kind in @added, @removed, @changed (borrowed). Members'
 * records carry "grants" (the people collections); 0 without them. */
static guint
grant_difference (JsonObject  *before,
                  JsonObject  *after,
                  JsonObject **added,
                  JsonObject **removed,
                  JsonObject **changed)
{
  JsonArray *old = grants_of (before), *new = grants_of (after);
  guint n = 0;

  if (old == NULL || new == NULL)
    return 0;
  for (guint i = 0; i < json_array_get_length (new); i++)
    {
      JsonObject *grant = json_node_get_object (json_array_get_element (new, i));
      JsonObject *was = grant != NULL ? grant_by_id (old, grant_id (new, i)) : NULL;

      if (grant == NULL)
        continue;
      if (was == NULL)
        {
          *added = grant;
          n++;
        }
      else if (g_strcmp0 (string_of (was, "starts_on"), string_of (grant, "starts_on")) != 0 ||
               g_strcmp0 (string_of (was, "ends_on"), string_of (grant, "ends_on")) != 0)
        {
          *changed = grant;
          n++;
        }
    }
  for (guint i = 0; i < json_array_get_length (old); i++)
    if (grant_by_id (new, grant_id (old, i)) == NULL)
      {
        JsonNode *node = json_array_get_element (old, i);

        if (JSON_NODE_HOLDS_OBJECT (node))
          {
            *removed = json_node_get_object (node);
            n++;
          }
      }
  return n;
}

/* "报关员 (2026-01-01 – 2026-12-31)、…" */
static char *
grants_text (JsonObject *member)
{
  JsonArray *grants = grants_of (member);
  g_autoptr(GString) text = g_string_new (NULL);

  if (grants == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (grants); i++)
    {
      JsonNode *node = json_array_get_element (grants, i);
      JsonObject *grant = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      g_autofree char *when = NULL;

      if (grant == NULL)
        continue;
      when = period (grant);
      if (text->len > 0)
        g_string_append (text, C_("audit", ", "));
      /* Translators: a role and its period (zh_CN: %1$s（%2$s）) */
      g_string_append_printf (text, C_("audit", "%1$s (%2$s)"), role_name (grant, "role"), when);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
kouan_audit_entry_describe (KouanAuditEntry *self)
{
  const char *actor = self->actor_name != NULL ? self->actor_name : C_("audit", "The system");
  JsonObject *record = subject (self);
  const char *name = string_of (record, "name");
  const char *action = self->action;

  if (name == NULL)
    name = string_of (record, "account");
  if (name == NULL)
    name = "";

  if (g_str_equal (action, "role.create"))
    return g_strdup_printf (C_("audit", "%s created the role %s"), actor, role_name (record, "name"));
  if (g_str_equal (action, "role.update"))
    return g_strdup_printf (C_("audit", "%s changed the role %s"), actor, role_name (self->before, "name"));
  if (g_str_equal (action, "role.delete"))
    return g_strdup_printf (C_("audit", "%s deleted the role %s"), actor, role_name (record, "name"));
  if (g_str_equal (action, "department.create"))
    return g_strdup_printf (C_("audit", "%s created the department %s"), actor, name);
  if (g_str_equal (action, "department.update"))
    return g_strdup_printf (C_("audit", "%s changed the department %s"), actor,
                            string_of (self->before, "name") != NULL ? string_of (self->before, "name") : name);
  if (g_str_equal (action, "department.delete"))
    return g_strdup_printf (C_("audit", "%s deleted the department %s"), actor, name);
  if (g_str_equal (action, "grant.add"))
    {
      g_autofree char *when = period (record);
      const char *member = string_of (record, "member");

      /* Translators: who, to whom, which role, the period
       * (zh_CN: %1$s 授予 %2$s 角色 %3$s（%4$s）) */
      return g_strdup_printf (C_("audit", "%1$s granted %2$s the role %3$s (%4$s)"), actor,
                              member != NULL ? member : "", role_name (record, "role"), when);
    }
  if (g_str_equal (action, "grant.remove"))
    {
      const char *member = string_of (record, "member");

      /* Translators: who, from whom, which role
       * (zh_CN: %1$s 收回了 %2$s 的角色 %3$s) */
      return g_strdup_printf (C_("audit", "%1$s took the role %3$s from %2$s"), actor,
                              member != NULL ? member : "", role_name (record, "role"));
    }
  if (g_str_equal (action, "member.update"))
    {
      /* one grant added, taken or given a new period: say which */
      JsonObject *added = NULL, *removed = NULL, *changed = NULL;
      guint n = grant_difference (self->before, self->after, &added, &removed, &changed);

      if (n == 1 && added != NULL)
        {
          g_autofree char *when = period (added);

          return g_strdup_printf (C_("audit", "%1$s granted %2$s the role %3$s (%4$s)"), actor,
                                  name, role_name (added, "role"), when);
        }
      if (n == 1 && removed != NULL)
        return g_strdup_printf (C_("audit", "%1$s took the role %3$s from %2$s"), actor,
                                name, role_name (removed, "role"));
      if (n == 1 && changed != NULL)
        {
          g_autofree char *when = period (changed);

          /* Translators: who, whose, which role, the new period
           * (zh_CN: %1$s 将 %2$s 的角色 %3$s 的有效期改为 %4$s) */
          return g_strdup_printf (C_("audit", "%1$s changed the period of %2$s’s role %3$s to %4$s"),
                                  actor, name, role_name (changed, "role"), when);
        }
      return g_strdup_printf (C_("audit", "%s changed the member %s"), actor, name);
    }
  if (g_str_equal (action, "member.disable"))
    return g_strdup_printf (C_("audit", "%s disabled the member %s"), actor, name);
  if (g_str_equal (action, "member.enable"))
    return g_strdup_printf (C_("audit", "%s enabled the member %s"), actor, name);
  if (g_str_equal (action, "member.remove"))
    return g_strdup_printf (C_("audit", "%s removed the member %s from the enterprise"), actor, name);
  if (g_str_equal (action, "join_request.approve"))
    return g_strdup_printf (C_("audit", "%s approved a request to join"), actor);
  if (g_str_equal (action, "join_request.reject"))
    return g_strdup_printf (C_("audit", "%s rejected a request to join"), actor);
  if (g_str_has_prefix (action, "enterprise_settings."))
    return g_strdup_printf (C_("audit", "%s changed the enterprise settings"), actor);
  if (g_str_has_prefix (action, "business_settings."))
    return g_strdup_printf (C_("audit", "%s changed the business settings"), actor);
  if (g_str_has_prefix (action, "showcase_"))
    return g_strdup_printf (C_("audit", "%s changed the enterprise showcase"), actor);
  /* an action of a feature this version does not know yet */
  return g_strdup_printf (C_("audit", "%s made a change (%s)"), actor, action);
}

static void
add_change (GPtrArray  *changes,
            const char *field,
            const char *before,
            const char *after)
{
  KouanAuditChange *change;

  if (g_strcmp0 (before, after) == 0)
    return;
  change = g_new0 (KouanAuditChange, 1);
  change->field = g_strdup (field);
  change->before = g_strdup (before != NULL ? before : "");
  change->after = g_strdup (after != NULL ? after : "");
  g_ptr_array_add (changes, change);
}

static char *
permissions_text (JsonObject *role)
{
  JsonNode *node = role != NULL ? json_object_get_member (role, "permissions") : NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *array;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autofree char *menu_id = NULL;
      const KouanMenu *menu;
      gboolean manage = FALSE;

      if (!JSON_NODE_HOLDS_VALUE (element) || json_node_get_value_type (element) != G_TYPE_STRING ||
          !kouan_permission_parse (json_node_get_string (element), &menu_id, &manage) ||
          (menu = kouan_permissions_lookup_menu (menu_id)) == NULL)
        continue;
      if (text->len > 0)
        /* Translators: between permissions in a list (zh_CN: 、) */
        g_string_append (text, C_("audit", ", "));
      /* Translators: a menu and its right: "Roles (manage)" (zh_CN: 角色管理（管理）) */
      g_string_append_printf (text, manage ? C_("audit", "%s (manage)") : C_("audit", "%s (view)"),
                              _(menu->label));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
membership_text (JsonObject *member)
{
  KouanGrantStatus status;

  /* the routes' records say "status", the people collections' "membership" */
  if (string_of (member, "membership") != NULL)
    return g_strdup (g_strcmp0 (string_of (member, "membership"), "disabled") == 0
                     ? C_("audit", "Disabled") : C_("audit", "Enabled"));
  if (!kouan_grant_status_from_string (string_of (member, "status"), &status))
    return NULL;
  /* only whether the membership is disabled changes through an edit */
  return g_strdup (status == KOUAN_GRANT_STATUS_DISABLED ? C_("audit", "Disabled") : C_("audit", "Enabled"));
}

GPtrArray *
kouan_audit_entry_changes (KouanAuditEntry *self)
{
  GPtrArray *changes = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_audit_change_free);
  const char *kind = kouan_audit_entry_get_kind (self);

  if (self->before == NULL || self->after == NULL)
    return changes;

  if (g_str_equal (kind, "role"))
    {
      g_autofree char *before = permissions_text (self->before);
      g_autofree char *after = permissions_text (self->after);

      add_change (changes, C_("audit", "Name"), role_name (self->before, "name"), role_name (self->after, "name"));
      add_change (changes, C_("audit", "Permissions"), before, after);
    }
  else if (g_str_equal (kind, "department"))
    {
      add_change (changes, C_("audit", "Name"), string_of (self->before, "name"), string_of (self->after, "name"));
      add_change (changes, C_("audit", "Head"), string_of (self->before, "head_name"),
                  string_of (self->after, "head_name"));
    }
  else if (g_str_equal (kind, "member"))
    {
      g_autofree char *before = membership_text (self->before);
      g_autofree char *after = membership_text (self->after);

      add_change (changes, C_("audit", "Department"), string_of (self->before, "department"),
                  string_of (self->after, "department"));
      add_change (changes, C_("audit", "Status"), before, after);
      {
        g_autofree char *roles_before = grants_text (self->before);
        g_autofree char *roles_after = grants_text (self->after);

        add_change (changes, C_("audit", "Roles"), roles_before, roles_after);
      }
    }
  else
    {
      /* settings and other features: every top-level text field that
       * differs, named as the record names it */
      g_autoptr(GList) members = json_object_get_members (self->after);

      for (GList *l = members; l != NULL; l = l->next)
        add_change (changes, l->data, string_of (self->before, l->data), string_of (self->after, l->data));
    }
  return changes;
}

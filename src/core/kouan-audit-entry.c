/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-audit-entry.h"
#include "kouan-json.h"

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

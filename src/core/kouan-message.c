/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-core-enums.h"
#include "kouan-json.h"
#include "kouan-message.h"

struct _KouanMessage
{
  GObject           parent_instance;

  gint64            id;
  gint64            enterprise_id;
  KouanMessageKind  kind;
  char             *category;
  char             *title;
  char             *body;
  KouanSeverity     severity;
  gint64            created_at;
  gboolean          read;
  gboolean          starred;
  GPtrArray        *actions;   /* KouanMessageAction */
};

G_DEFINE_FINAL_TYPE (KouanMessage, kouan_message, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ENTERPRISE_ID,
  PROP_KIND,
  PROP_CATEGORY,
  PROP_TITLE,
  PROP_BODY,
  PROP_SEVERITY,
  PROP_CREATED_AT,
  PROP_READ,
  PROP_STARRED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
kouan_message_finalize (GObject *object)
{
  KouanMessage *self = KOUAN_MESSAGE (object);

  g_free (self->category);
  g_free (self->title);
  g_free (self->body);
  g_clear_pointer (&self->actions, g_ptr_array_unref);

  G_OBJECT_CLASS (kouan_message_parent_class)->finalize (object);
}

static void
kouan_message_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KouanMessage *self = KOUAN_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:            g_value_set_int64 (value, self->id); break;
    case PROP_ENTERPRISE_ID: g_value_set_int64 (value, self->enterprise_id); break;
    case PROP_KIND:          g_value_set_enum (value, self->kind); break;
    case PROP_CATEGORY:      g_value_set_string (value, self->category); break;
    case PROP_TITLE:         g_value_set_string (value, self->title); break;
    case PROP_BODY:          g_value_set_string (value, self->body); break;
    case PROP_SEVERITY:      g_value_set_enum (value, self->severity); break;
    case PROP_CREATED_AT:    g_value_set_int64 (value, self->created_at); break;
    case PROP_READ:          g_value_set_boolean (value, self->read); break;
    case PROP_STARRED:       g_value_set_boolean (value, self->starred); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KouanMessage *self = KOUAN_MESSAGE (object);

  switch (prop_id)
    {
    case PROP_ID:            self->id = g_value_get_int64 (value); break;
    case PROP_ENTERPRISE_ID: self->enterprise_id = g_value_get_int64 (value); break;
    case PROP_KIND:          self->kind = g_value_get_enum (value); break;
    case PROP_CATEGORY:      self->category = g_value_dup_string (value); break;
    case PROP_TITLE:         self->title = g_value_dup_string (value); break;
    case PROP_BODY:          self->body = g_value_dup_string (value); break;
    case PROP_SEVERITY:      self->severity = g_value_get_enum (value); break;
    case PROP_CREATED_AT:    self->created_at = g_value_get_int64 (value); break;
    case PROP_READ:          self->read = g_value_get_boolean (value); break;
    case PROP_STARRED:       self->starred = g_value_get_boolean (value); break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kouan_message_class_init (KouanMessageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  /* Immutable: the store builds a new object whenever a row changes, so
   * views bind these read-only and never need notify. */
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = kouan_message_finalize;
  object_class->get_property = kouan_message_get_property;
  object_class->set_property = kouan_message_set_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_ENTERPRISE_ID] =
    g_param_spec_int64 ("enterprise-id", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, KOUAN_TYPE_MESSAGE_KIND,
                       KOUAN_MESSAGE_KIND_NOTICE, flags);
  properties[PROP_CATEGORY] =
    g_param_spec_string ("category", NULL, NULL, "", flags);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, "", flags);
  properties[PROP_BODY] =
    g_param_spec_string ("body", NULL, NULL, "", flags);
  properties[PROP_SEVERITY] =
    g_param_spec_enum ("severity", NULL, NULL, KOUAN_TYPE_SEVERITY,
                       KOUAN_SEVERITY_NONE, flags);
  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
  properties[PROP_READ] =
    g_param_spec_boolean ("read", NULL, NULL, FALSE, flags);
  properties[PROP_STARRED] =
    g_param_spec_boolean ("starred", NULL, NULL, FALSE, flags);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
kouan_message_init (KouanMessage *self)
{
  self->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_message_action_free);
}

KouanMessage *
kouan_message_new (gint64            id,
                   gint64            enterprise_id,
                   KouanMessageKind  kind,
                   const char       *category,
                   const char       *title,
                   const char       *body,
                   KouanSeverity     severity,
                   gint64            created_at,
                   gboolean          read,
                   gboolean          starred)
{
  return g_object_new (KOUAN_TYPE_MESSAGE,
                       "id", id,
                       "enterprise-id", enterprise_id,
                       "kind", kind,
                       "category", category != NULL ? category : "",
                       "title", title != NULL ? title : "",
                       "body", body != NULL ? body : "",
                       "severity", severity,
                       "created-at", created_at,
                       "read", read,
                       "starred", starred,
                       NULL);
}

KouanMessage *
kouan_message_new_from_json (JsonObject  *record,
                             gint64       enterprise_id,
                             GError     **error)
{
  gint64 id, created_at;
  const char *kind_str, *category, *title, *body, *severity_str;
  gboolean read, starred;
  KouanMessageKind kind;
  KouanSeverity severity = KOUAN_SEVERITY_NONE;
  g_autoptr(GPtrArray) actions = NULL;
  KouanMessage *message;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (record == NULL)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT,
                           "A message must be a JSON object");
      return NULL;
    }

  if (!kouan_json_get_int (record, "id", &id, error) ||
      !kouan_json_get_string (record, "kind", &kind_str, error) ||
      !kouan_json_get_string (record, "category", &category, error) ||
      !kouan_json_get_string (record, "title", &title, error) ||
      !kouan_json_get_string (record, "body", &body, error) ||
      !kouan_json_get_opt_string (record, "severity", &severity_str, error) ||
      !kouan_json_get_int (record, "created_at", &created_at, error) ||
      !kouan_json_get_bool (record, "read", &read, error) ||
      !kouan_json_get_bool (record, "starred", &starred, error))
    return NULL;

  if (id <= 0)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "\"id\" must be positive");
      return NULL;
    }

  if (!kouan_message_kind_from_string (kind_str, &kind))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"kind\" must be \"notice\" or \"warning\", not \"%s\"", kind_str);
      return NULL;
    }

  /* The contract ties the two together: a notice has no severity and a
   * warning always has one. Anything else is a server we do not
   * understand, and guessing would show the user a wrong badge. */
  if (kind == KOUAN_MESSAGE_KIND_NOTICE && severity_str != NULL)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "A notice must not have a \"severity\"");
      return NULL;
    }
  if (kind == KOUAN_MESSAGE_KIND_WARNING &&
      (severity_str == NULL ||
       !kouan_severity_from_string (severity_str, &severity) ||
       severity == KOUAN_SEVERITY_NONE))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                           "A warning's \"severity\" must be \"low\", \"medium\" or \"high\"");
      return NULL;
    }

  actions = kouan_message_actions_from_json (json_object_get_member (record, "actions"), error);
  if (actions == NULL)
    return NULL;

  message = kouan_message_new (id, enterprise_id, kind, category, title, body,
                               severity, created_at, read, starred);
  kouan_message_set_actions (message, actions);
  return message;
}

JsonObject *
kouan_message_to_json (KouanMessage *self)
{
  JsonObject *record;

  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), NULL);

  record = json_object_new ();
  json_object_set_int_member (record, "id", self->id);
  json_object_set_string_member (record, "kind", kouan_message_kind_to_string (self->kind));
  json_object_set_string_member (record, "category", self->category);
  json_object_set_string_member (record, "title", self->title);
  json_object_set_string_member (record, "body", self->body);
  if (self->severity == KOUAN_SEVERITY_NONE)
    json_object_set_null_member (record, "severity");
  else
    json_object_set_string_member (record, "severity", kouan_severity_to_string (self->severity));
  json_object_set_int_member (record, "created_at", self->created_at);
  json_object_set_boolean_member (record, "read", self->read);
  json_object_set_boolean_member (record, "starred", self->starred);
  if (self->actions->len > 0)
    json_object_set_array_member (record, "actions", kouan_message_actions_to_json (self->actions));

  return record;
}

gint64
kouan_message_get_id (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), 0);
  return self->id;
}

gint64
kouan_message_get_enterprise_id (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), 0);
  return self->enterprise_id;
}

KouanMessageKind
kouan_message_get_kind (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), KOUAN_MESSAGE_KIND_NOTICE);
  return self->kind;
}

const char *
kouan_message_get_category (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), NULL);
  return self->category;
}

const char *
kouan_message_get_title (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), NULL);
  return self->title;
}

const char *
kouan_message_get_body (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), NULL);
  return self->body;
}

KouanSeverity
kouan_message_get_severity (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), KOUAN_SEVERITY_NONE);
  return self->severity;
}

gint64
kouan_message_get_created_at (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), 0);
  return self->created_at;
}

gboolean
kouan_message_get_read (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), FALSE);
  return self->read;
}

gboolean
kouan_message_get_starred (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), FALSE);
  return self->starred;
}

GPtrArray *
kouan_message_get_actions (KouanMessage *self)
{
  g_return_val_if_fail (KOUAN_IS_MESSAGE (self), NULL);
  return self->actions;
}

void
kouan_message_set_actions (KouanMessage *self,
                           GPtrArray    *actions)
{
  g_return_if_fail (KOUAN_IS_MESSAGE (self));

  g_ptr_array_set_size (self->actions, 0);
  for (guint i = 0; actions != NULL && i < actions->len; i++)
    g_ptr_array_add (self->actions, kouan_message_action_copy (g_ptr_array_index (actions, i)));
}

/* Actions */

G_DEFINE_BOXED_TYPE (KouanMessageAction, kouan_message_action,
                     kouan_message_action_copy, kouan_message_action_free)

KouanMessageAction *
kouan_message_action_new (const char *label,
                          const char *area,
                          const char *object)
{
  KouanMessageAction *action = g_new0 (KouanMessageAction, 1);

  action->label = g_strdup (label);
  action->area = g_strdup (area);
  action->object = g_strdup (object);
  return action;
}

KouanMessageAction *
kouan_message_action_copy (const KouanMessageAction *action)
{
  return kouan_message_action_new (action->label, action->area, action->object);
}

void
kouan_message_action_free (KouanMessageAction *action)
{
  if (action == NULL)
    return;
  g_free (action->label);
  g_free (action->area);
  g_free (action->object);
  g_free (action);
}

typedef enum {
  OBJECT_ID,        /* a record's id: a positive JSON integer */
  OBJECT_ACCOUNT,   /* a member's account */
  OBJECT_FIELD,     /* a settings field's name: a-z and _ */
} ObjectKind;

static const struct {
  const char *area;
  const char *permission;
  ObjectKind  object;
} action_areas[] = {
  { "insurance.policy", "insurance.policies:view", OBJECT_ID },
  { "admin.staff",      "admin.staff:view",        OBJECT_ACCOUNT },
  { "admin.enterprise", "admin.enterprise:view",   OBJECT_FIELD },
  { "admin.business",   "admin.business:view",     OBJECT_FIELD },
};

#define MAX_LABEL_CHARS   40
#define MAX_OBJECT_BYTES  256

static int
action_area_index (const char *area)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_areas); i++)
    if (g_strcmp0 (action_areas[i].area, area) == 0)
      return (int) i;
  return -1;
}

const char *
kouan_message_action_area_permission (const char *area)
{
  int index = action_area_index (area);

  return index >= 0 ? action_areas[index].permission : NULL;
}

static gboolean
field_name_is_valid (const char *name)
{
  if (*name == '\0' || strlen (name) > 64)
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

/* One entry; *out stays NULL for an entry of an area the client does not
 * know. */
static gboolean
action_from_json (JsonNode            *node,
                  guint                index,
                  KouanMessageAction **out,
                  GError             **error)
{
  JsonObject *entry;
  JsonNode *object;
  const char *label, *area;
  g_autofree char *value = NULL;
  int known;

  *out = NULL;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                   "\"actions\"[%u] must be an object", index);
      return FALSE;
    }
  entry = json_node_get_object (node);
  if (!kouan_json_get_string (entry, "label", &label, error) ||
      !kouan_json_get_string (entry, "area", &area, error))
    return FALSE;
  if (*label == '\0' || g_utf8_strlen (label, -1) > MAX_LABEL_CHARS)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"actions\"[%u].label must have 1 to %d characters", index, MAX_LABEL_CHARS);
      return FALSE;
    }
  object = json_object_get_member (entry, "object");
  if (object == NULL)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING,
                   "\"actions\"[%u] has no \"object\"", index);
      return FALSE;
    }

  known = action_area_index (area);
  if (known < 0)
    return TRUE;

  switch (action_areas[known].object)
    {
    case OBJECT_ID:
      if (JSON_NODE_HOLDS_VALUE (object) && json_node_get_value_type (object) == G_TYPE_INT64 &&
          json_node_get_int (object) > 0)
        value = g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (object));
      break;
    case OBJECT_ACCOUNT:
    case OBJECT_FIELD:
      if (JSON_NODE_HOLDS_VALUE (object) && json_node_get_value_type (object) == G_TYPE_STRING)
        {
          const char *text = json_node_get_string (object);

          if (action_areas[known].object == OBJECT_FIELD ? field_name_is_valid (text)
                                                         : *text != '\0' && strlen (text) <= MAX_OBJECT_BYTES)
            value = g_strdup (text);
        }
      break;
    default:
      g_assert_not_reached ();
    }
  if (value == NULL)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"actions\"[%u].object is not %s", index,
                   action_areas[known].object == OBJECT_ID ? "a positive integer"
                   : action_areas[known].object == OBJECT_FIELD ? "a field name"
                   : "an account");
      return FALSE;
    }

  *out = kouan_message_action_new (label, area, value);
  return TRUE;
}

GPtrArray *
kouan_message_actions_from_json (JsonNode  *node,
                                 GError   **error)
{
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_message_action_free);
  JsonArray *array;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_steal_pointer (&actions);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
                           "\"actions\" must be an array");
      return NULL;
    }
  array = json_node_get_array (node);
  if (json_array_get_length (array) > KOUAN_MESSAGE_MAX_ACTIONS)
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                   "\"actions\" has more than %d entries", KOUAN_MESSAGE_MAX_ACTIONS);
      return NULL;
    }
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      KouanMessageAction *action = NULL;

      if (!action_from_json (json_array_get_element (array, i), i, &action, error))
        return NULL;
      if (action != NULL)
        g_ptr_array_add (actions, action);
    }
  return g_steal_pointer (&actions);
}

JsonArray *
kouan_message_actions_to_json (GPtrArray *actions)
{
  JsonArray *array = json_array_new ();

  for (guint i = 0; actions != NULL && i < actions->len; i++)
    {
      KouanMessageAction *action = g_ptr_array_index (actions, i);
      JsonObject *entry = json_object_new ();

      json_object_set_string_member (entry, "label", action->label);
      json_object_set_string_member (entry, "area", action->area);
      if (action_area_index (action->area) >= 0 &&
          action_areas[action_area_index (action->area)].object == OBJECT_ID)
        json_object_set_int_member (entry, "object", g_ascii_strtoll (action->object, NULL, 10));
      else
        json_object_set_string_member (entry, "object", action->object);
      json_array_add_object_element (array, entry);
    }
  return array;
}

const char *
kouan_message_kind_to_string (KouanMessageKind kind)
{
  switch (kind)
    {
    case KOUAN_MESSAGE_KIND_NOTICE:  return "notice";
    case KOUAN_MESSAGE_KIND_WARNING: return "warning";
    default:                         g_return_val_if_reached (NULL);
    }
}

gboolean
kouan_message_kind_from_string (const char       *str,
                                KouanMessageKind *out)
{
  if (g_strcmp0 (str, "notice") == 0)
    *out = KOUAN_MESSAGE_KIND_NOTICE;
  else if (g_strcmp0 (str, "warning") == 0)
    *out = KOUAN_MESSAGE_KIND_WARNING;
  else
    return FALSE;
  return TRUE;
}

const char *
kouan_severity_to_string (KouanSeverity severity)
{
  switch (severity)
    {
    case KOUAN_SEVERITY_NONE:   return NULL;
    case KOUAN_SEVERITY_LOW:    return "low";
    case KOUAN_SEVERITY_MEDIUM: return "medium";
    case KOUAN_SEVERITY_HIGH:   return "high";
    default:                    g_return_val_if_reached (NULL);
    }
}

gboolean
kouan_severity_from_string (const char    *str,
                            KouanSeverity *out)
{
  if (g_strcmp0 (str, "low") == 0)
    *out = KOUAN_SEVERITY_LOW;
  else if (g_strcmp0 (str, "medium") == 0)
    *out = KOUAN_SEVERITY_MEDIUM;
  else if (g_strcmp0 (str, "high") == 0)
    *out = KOUAN_SEVERITY_HIGH;
  else
    return FALSE;
  return TRUE;
}

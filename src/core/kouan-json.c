/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kouan-json.h"

G_DEFINE_QUARK (kouan-json-error-quark, kouan_json_error)

/* The writer is ours too: json-glib 1.6's generator writes a double whose
 * shortest form has an exponent but no point with ".0" appended
 * ("5e+51.0") and U+001F unescaped, neither of which is JSON, and
 * infinities as "inf" (found by tests/fuzz/fuzz-json). Output is otherwise the same: members in order,
 * no spaces, non-ASCII as UTF-8, control characters escaped. */
static void
write_string (GString    *out,
              const char *text)
{
  const char *run = text;

  g_string_append_c (out, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = *p;
      const char *escape = NULL;

      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"': escape = "\\\""; break;
        case '\\': escape = "\\\\"; break;
        case '\b': escape = "\\b"; break;
        case '\f': escape = "\\f"; break;
        case '\n': escape = "\\n"; break;
        case '\r': escape = "\\r"; break;
        case '\t': escape = "\\t"; break;
        default:
          g_string_append_printf (out, "\\u%04x", c);
          continue;
        }
      g_string_append (out, escape);
    }
  g_string_append (out, run);
  g_string_append_c (out, '"');
}

static void
write_double (GString *out,
              double   value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  /* JSON has no infinity or NaN; only code (never the parser) makes them */
  if (!isfinite (value))
    {
      g_string_append (out, "null");
      return;
    }
  g_ascii_dtostr (buffer, sizeof buffer, value);
  g_string_append (out, buffer);
  /* still a double when read back, as json-glib writes it */
  if (strpbrk (buffer, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
write_node (GString  *out,
            JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            write_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint length = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < length; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            write_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          write_double (out, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            write_string (out, json_node_get_string (node));
          else
            g_string_append (out, "null");
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;

    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    }
}

char *
kouan_json_to_string (JsonNode *node)
{
  GString *out = g_string_sized_new (256);

  write_node (out, node);
  return g_string_free (out, FALSE);
}

char *
kouan_json_object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), object);

  return kouan_json_to_string (node);
}

/* Looks up @member; FALSE with an error when absent (unless @optional). */
static gboolean
lookup (JsonObject  *object,
        const char  *member,
        gboolean     optional,
        JsonNode   **out,
        GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (optional)
        return TRUE;
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING,
                   "\"%s\" is missing", member);
      return FALSE;
    }

  *out = node;
  return TRUE;
}

static gboolean
type_error (const char  *member,
            const char  *expected,
            GError     **error)
{
  g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE,
               "\"%s\" must be %s", member, expected);
  return FALSE;
}

static gboolean
get_string (JsonObject  *object,
            const char  *member,
            gboolean     optional,
            const char **out,
            GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, member, optional, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return type_error (member, "a string", error);

  *out = json_node_get_string (node);
  return TRUE;
}

gboolean
kouan_json_get_string (JsonObject  *object,
                       const char  *member,
                       const char **out,
                       GError     **error)
{
  return get_string (object, member, FALSE, out, error);
}

gboolean
kouan_json_get_opt_string (JsonObject  *object,
                           const char  *member,
                           const char **out,
                           GError     **error)
{
  return get_string (object, member, TRUE, out, error);
}

gboolean
kouan_json_get_int (JsonObject  *object,
                    const char  *member,
                    gint64      *out,
                    GError     **error)
{
  JsonNode *node;

  if (!lookup (object, member, FALSE, &node, error))
    return FALSE;
  /* json-glib parses integers that overflow gint64, and any number with a
   * fraction or exponent, as doubles: both are refused here. */
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return type_error (member, "an integer", error);

  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
kouan_json_get_opt_int (JsonObject  *object,
                        const char  *member,
                        gint64      *out,
                        GError     **error)
{
  JsonNode *node;

  *out = 0;
  if (!lookup (object, member, TRUE, &node, error))
    return FALSE;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return type_error (member, "an integer", error);
  *out = json_node_get_int (node);
  return TRUE;
}

gboolean
kouan_json_get_bool (JsonObject  *object,
                     const char  *member,
                     gboolean    *out,
                     GError     **error)
{
  JsonNode *node;

  if (!lookup (object, member, FALSE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return type_error (member, "true or false", error);

  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
kouan_json_get_object (JsonObject  *object,
                       const char  *member,
                       JsonObject **out,
                       GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, member, FALSE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return type_error (member, "an object", error);

  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
kouan_json_get_array (JsonObject  *object,
                      const char  *member,
                      JsonArray  **out,
                      GError     **error)
{
  JsonNode *node;

  *out = NULL;
  if (!lookup (object, member, FALSE, &node, error))
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return type_error (member, "an array", error);

  *out = json_node_get_array (node);
  return TRUE;
}

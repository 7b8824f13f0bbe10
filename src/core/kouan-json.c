/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kouan-json.h"

G_DEFINE_QUARK (kouan-json-error-quark, kouan_json_error)

/* No Kouan document nests deeper than this. */
#define MAX_DEPTH 64

/* Two things json-glib 1.6 gets wrong on hostile input are checked on the
 * text before parsing: it recurses once per nesting level (100k "[" crash
 * the process), and it wraps integer literals that overflow gint64 without
 * an error (a "record_id": 18446744073709551621 would silently become 5).
 * Strings are skipped with their escapes; anything else malformed is left
 * for the parser to report. */
static gboolean
check_lexically (const char  *data,
                 gsize        length,
                 GError     **error)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }

      if (c == '"')
        {
          in_string = TRUE;
        }
      else if (c == '[' || c == '{')
        {
          if (++depth > MAX_DEPTH)
            {
              g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
                           "Nested deeper than %d levels", MAX_DEPTH);
              return FALSE;
            }
        }
      else if (c == ']' || c == '}')
        {
          if (depth > 0)
            depth--;
        }
      else if (c == '-' || g_ascii_isdigit (c))
        {
          gsize start = i;
          gboolean integer = TRUE;
          char token[64];

          while (i < length && (g_ascii_isdigit (data[i]) || strchr ("+-.eE", data[i]) != NULL))
            {
              if (strchr (".eE", data[i]) != NULL)
                integer = FALSE;
              i++;
            }
          if (integer)
            {
              gsize n = i - start;

              /* 20 characters hold any gint64 with its sign */
              if (n >= sizeof token)
                goto out_of_range;
              memcpy (token, data + start, n);
              token[n] = '\0';
              errno = 0;
              (void) g_ascii_strtoll (token, NULL, 10);
              if (errno == ERANGE)
                goto out_of_range;
            }
          i--;
        }
    }

  return TRUE;

out_of_range:
  g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                       "A number is too large");
  return FALSE;
}

JsonObject *
kouan_json_parse_object (const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
                           "Empty document");
      return NULL;
    }

  if (length < 0)
    length = strlen (data);

  if (!check_lexically (data, length, error))
    return NULL;

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      g_set_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
                   "Not valid JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT,
                           "Expected a JSON object");
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

char *
kouan_json_to_string (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();

  json_generator_set_root (generator, node);
  return json_generator_to_data (generator, NULL);
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

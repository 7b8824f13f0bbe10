/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-json-decode.c: a strict, single-pass JSON reader that builds
 * json-glib trees (see kouan-json-decode.h for what it refuses and why it
 * exists). Grammar: RFC 8259, section 2 to 7. */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "kouan-json.h"
#include "kouan-json-decode.h"

/* Same limit as kouan_json_parse_object(): no Kouan document nests deeper,
 * and the reader recurses once per level. */
#define MAX_DEPTH 64

typedef struct {
  const char *p;
  const char *end;
  const char *start;
  GString    *scratch;   /* strings with escapes are rebuilt here */
  GError    **error;
} Reader;

static gboolean
fail (Reader     *reader,
      const char *what)
{
  g_set_error (reader->error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
               "Not valid JSON at byte %" G_GSIZE_FORMAT ": %s",
               (gsize) (reader->p - reader->start), what);
  return FALSE;
}

static inline void
skip_space (Reader *reader)
{
  while (reader->p < reader->end &&
         (*reader->p == ' ' || *reader->p == '\n' || *reader->p == '\r' || *reader->p == '\t'))
    reader->p++;
}

static int
hex_value (char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* Four hex digits after "\u"; -1 when malformed. */
static gint32
read_hex4 (Reader *reader)
{
  gint32 value = 0;

  if (reader->end - reader->p < 4)
    return -1;
  for (int i = 0; i < 4; i++)
    {
      int digit = hex_value (reader->p[i]);

      if (digit < 0)
        return -1;
      value = value * 16 + digit;
    }
  reader->p += 4;
  return value;
}

/* One escape after the backslash, appended to @out as UTF-8. */
static gboolean
read_escape (Reader  *reader,
             GString *out)
{
  gint32 unit, low;
  char c;

  if (reader->p >= reader->end)
    return fail (reader, "unfinished escape");
  c = *reader->p++;
  switch (c)
    {
    case '"':  g_string_append_c (out, '"');  return TRUE;
    case '\\': g_string_append_c (out, '\\'); return TRUE;
    case '/':  g_string_append_c (out, '/');  return TRUE;
    case 'b':  g_string_append_c (out, '\b'); return TRUE;
    case 'f':  g_string_append_c (out, '\f'); return TRUE;
    case 'n':  g_string_append_c (out, '\n'); return TRUE;
    case 'r':  g_string_append_c (out, '\r'); return TRUE;
    case 't':  g_string_append_c (out, '\t'); return TRUE;
    case 'u':
      break;
    default:
      reader->p--;
      return fail (reader, "unknown escape");
    }

  unit = read_hex4 (reader);
  if (unit < 0)
    return fail (reader, "\\u needs four hex digits");
  if (unit == 0)
    return fail (reader, "\\u0000 in a string");
  if (unit >= 0xDC00 && unit <= 0xDFFF)
    return fail (reader, "unpaired surrogate");
  if (unit >= 0xD800 && unit <= 0xDBFF)
    {
      if (reader->end - reader->p < 2 || reader->p[0] != '\\' || reader->p[1] != 'u')
        return fail (reader, "unpaired surrogate");
      reader->p += 2;
      low = read_hex4 (reader);
      if (low < 0xDC00 || low > 0xDFFF)
        return fail (reader, "unpaired surrogate");
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
  g_string_append_unichar (out, (gunichar) unit);
  return TRUE;
}

/* A string at reader->p (just after the opening quote). Sets *@text to
 * its content (NUL-terminated, valid UTF-8) and *@length; *@text points
 * into reader->scratch or the input, valid until the next string.
 * *@in_input tells which: input slices are not NUL-terminated. */
static gboolean
read_string (Reader      *reader,
             const char **text,
             gsize       *length,
             gboolean    *in_input)
{
  const char *begin = reader->p;
  const char *p = begin;

  /* The common case: no escapes, the content is a slice of the input. */
  while (p < reader->end && *p != '"' && *p != '\\' && (guchar) *p >= 0x20)
    p++;
  if (p < reader->end && *p == '"')
    {
      if (!g_utf8_validate_len (begin, p - begin, NULL))
        return fail (reader, "invalid UTF-8 in a string");
      *text = begin;
      *length = p - begin;
      *in_input = TRUE;
      reader->p = p + 1;
      return TRUE;
    }

  g_string_truncate (reader->scratch, 0);
  g_string_append_len (reader->scratch, begin, p - begin);
  reader->p = p;
  for (;;)
    {
      const char *run = reader->p;

      while (reader->p < reader->end && *reader->p != '"' && *reader->p != '\\' &&
             (guchar) *reader->p >= 0x20)
        reader->p++;
      g_string_append_len (reader->scratch, run, reader->p - run);
      if (reader->p >= reader->end)
        return fail (reader, "unterminated string");
      if (*reader->p == '"')
        break;
      if (*reader->p != '\\')
        return fail (reader, "control character in a string");
      reader->p++;
      if (!read_escape (reader, reader->scratch))
        return FALSE;
    }
  reader->p++;

  if (!g_utf8_validate_len (reader->scratch->str, reader->scratch->len, NULL))
    return fail (reader, "invalid UTF-8 in a string");
  *text = reader->scratch->str;
  *length = reader->scratch->len;
  *in_input = FALSE;
  return TRUE;
}

static gboolean
read_number (Reader   *reader,
             JsonNode *node)
{
  const char *begin = reader->p;
  const char *p = begin;
  gboolean integer = TRUE;
  char buffer[64];
  g_autofree char *heap = NULL;
  char *text = buffer;
  gsize n;

  if (p < reader->end && *p == '-')
    p++;
  if (p >= reader->end || !g_ascii_isdigit (*p))
    return fail (reader, "a number needs digits");
  if (*p == '0')
    p++;
  else
    while (p < reader->end && g_ascii_isdigit (*p))
      p++;
  if (p < reader->end && *p == '.')
    {
      integer = FALSE;
      p++;
      if (p >= reader->end || !g_ascii_isdigit (*p))
        return fail (reader, "a fraction needs digits");
      while (p < reader->end && g_ascii_isdigit (*p))
        p++;
    }
  if (p < reader->end && (*p == 'e' || *p == 'E'))
    {
      integer = FALSE;
      p++;
      if (p < reader->end && (*p == '+' || *p == '-'))
        p++;
      if (p >= reader->end || !g_ascii_isdigit (*p))
        return fail (reader, "an exponent needs digits");
      while (p < reader->end && g_ascii_isdigit (*p))
        p++;
    }

  n = p - begin;
  if (n >= sizeof buffer)
    text = heap = g_malloc (n + 1);
  memcpy (text, begin, n);
  text[n] = '\0';
  reader->p = p;

  errno = 0;
  if (integer)
    {
      gint64 value = g_ascii_strtoll (text, NULL, 10);

      if (errno == ERANGE)
        {
          g_set_error_literal (reader->error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE,
                               "A number is too large");
          return FALSE;
        }
      json_node_init_int (node, value);
    }
  else
    json_node_init_double (node, g_ascii_strtod (text, NULL));
  return TRUE;
}

static gboolean read_value (Reader *reader, JsonNode *node, guint depth);

static gboolean
read_object (Reader   *reader,
             JsonNode *node,
             guint     depth)
{
  JsonObject *object = json_object_new ();

  /* @node holds the only reference: freed with it on failure */
  json_node_init_object (node, object);
  json_object_unref (object);
  skip_space (reader);
  if (reader->p < reader->end && *reader->p == '}')
    {
      reader->p++;
      return TRUE;
    }

  for (;;)
    {
      const char *name;
      gsize length;
      gboolean in_input;
      char small[64];
      g_autofree char *large = NULL;
      char *key = small;
      JsonNode *member;
      guint size;

      if (reader->p >= reader->end || *reader->p != '"')
        return fail (reader, "expected a member name");
      reader->p++;
      if (!read_string (reader, &name, &length, &in_input))
        return FALSE;
      if (length >= sizeof small)
        key = large = g_malloc (length + 1);
      memcpy (key, name, length);
      key[length] = '\0';

      skip_space (reader);
      if (reader->p >= reader->end || *reader->p != ':')
        return fail (reader, "expected ':'");
      reader->p++;
      skip_space (reader);

      member = json_node_alloc ();
      if (!read_value (reader, member, depth))
        {
          json_node_unref (member);
          return FALSE;
        }
      /* json_object_set_member() replaces a member of the same name: a
       * size that does not grow is a duplicate (one hash lookup, not two) */
      size = json_object_get_size (object);
      json_object_set_member (object, key, member);
      if (json_object_get_size (object) == size)
        return fail (reader, "a member name appears twice");

      skip_space (reader);
      if (reader->p < reader->end && *reader->p == ',')
        {
          reader->p++;
          skip_space (reader);
          continue;
        }
      if (reader->p < reader->end && *reader->p == '}')
        {
          reader->p++;
          return TRUE;
        }
      return fail (reader, "expected ',' or '}'");
    }
}

static gboolean
read_array (Reader   *reader,
            JsonNode *node,
            guint     depth)
{
  JsonArray *array = json_array_new ();

  json_node_init_array (node, array);
  json_array_unref (array);
  skip_space (reader);
  if (reader->p < reader->end && *reader->p == ']')
    {
      reader->p++;
      return TRUE;
    }

  for (;;)
    {
      JsonNode *element = json_node_alloc ();

      if (!read_value (reader, element, depth))
        {
          json_node_unref (element);
          return FALSE;
        }
      json_array_add_element (array, element);

      skip_space (reader);
      if (reader->p < reader->end && *reader->p == ',')
        {
          reader->p++;
          skip_space (reader);
          continue;
        }
      if (reader->p < reader->end && *reader->p == ']')
        {
          reader->p++;
          return TRUE;
        }
      return fail (reader, "expected ',' or ']'");
    }
}

static gboolean
read_literal (Reader     *reader,
              const char *word)
{
  gsize n = strlen (word);

  if ((gsize) (reader->end - reader->p) < n || memcmp (reader->p, word, n) != 0)
    return fail (reader, "unexpected character");
  reader->p += n;
  return TRUE;
}

/* One value at reader->p (no leading space) into @node (allocated, not
 * initialised). */
static gboolean
read_value (Reader   *reader,
            JsonNode *node,
            guint     depth)
{
  if (reader->p >= reader->end)
    return fail (reader, "expected a value");

  switch (*reader->p)
    {
    case '{':
    case '[':
      if (depth + 1 > MAX_DEPTH)
        {
          g_set_error (reader->error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
                       "Nested deeper than %d levels", MAX_DEPTH);
          return FALSE;
        }
      reader->p++;
      if (reader->p[-1] == '{')
        return read_object (reader, node, depth + 1);
      return read_array (reader, node, depth + 1);

    case '"':
      {
        const char *text;
        gsize length;
        gboolean in_input;

        reader->p++;
        if (!read_string (reader, &text, &length, &in_input))
          return FALSE;
        if (in_input)
          {
            /* json_node_init_string() needs it NUL-terminated */
            g_string_truncate (reader->scratch, 0);
            g_string_append_len (reader->scratch, text, length);
          }
        json_node_init_string (node, reader->scratch->str);
        return TRUE;
      }

    case 't':
      if (!read_literal (reader, "true"))
        return FALSE;
      json_node_init_boolean (node, TRUE);
      return TRUE;

    case 'f':
      if (!read_literal (reader, "false"))
        return FALSE;
      json_node_init_boolean (node, FALSE);
      return TRUE;

    case 'n':
      if (!read_literal (reader, "null"))
        return FALSE;
      json_node_init_null (node);
      return TRUE;

    default:
      if (*reader->p == '-' || g_ascii_isdigit (*reader->p))
        return read_number (reader, node);
      return fail (reader, "unexpected character");
    }
}

JsonObject *
kouan_json_decode_object (const char  *data,
                          gsize        length,
                          GError     **error)
{
  g_autoptr(GString) scratch = g_string_sized_new (256);
  g_autoptr(JsonNode) root = NULL;
  Reader reader = { data, data + length, data, scratch, error };

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  skip_space (&reader);
  if (reader.p >= reader.end)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX, "Empty document");
      return NULL;
    }

  /* A node from json_node_alloc() that a failed read left uninitialised
   * is an object node without an object, which unref frees safely. */
  root = json_node_alloc ();
  if (!read_value (&reader, root, 0))
    return NULL;
  skip_space (&reader);
  if (reader.p != reader.end)
    {
      fail (&reader, "text after the value");
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT,
                           "Expected a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

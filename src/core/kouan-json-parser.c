/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan_json_parse(): the strict RFC 8259 reader (kouan-json.h). */
#include "config.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "kouan-json.h"

/* No Kouan document nests deeper than this. The parser recurses once per
 * level, so this also bounds its stack use. */
#define MAX_DEPTH 64

/* The parser is our own, not json-glib's. json-glib 1.6 reads documents
 * with a GScanner configured leniently: it accepts single-quoted strings,
 * comments, raw control characters, trailing garbage and a second value
 * after the first; it cuts a string short at an escaped NUL ("a\u0000b"
 * becomes "a"); the last of two equal keys silently wins; it wraps
 * integers that overflow gint64; and it recurses without limit. Any of
 * these lets a request mean something else to the server than to the
 * validator or the log that looked at it. So the text is read here by
 * the RFC 8259 grammar, exactly, in one pass, building the same JsonNode
 * tree json-glib would, and refusing everything else. */
typedef struct {
  const guchar *start;
  const guchar *p;
  const guchar *end;
  GString      *scratch;  /* decoded string being read */
  guint         depth;
  GError      **error;
} Scanner;

static gboolean parse_value (Scanner *s, JsonNode **out);

G_GNUC_PRINTF (3, 4)
static gboolean
fail (Scanner    *s,
      int         code,
      const char *format,
      ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (s->error, KOUAN_JSON_ERROR, code, "Not valid JSON: %s at byte %" G_GSIZE_FORMAT,
               what, (gsize) (s->p - s->start));
  return FALSE;
}

static gboolean
unexpected (Scanner *s)
{
  if (s->p >= s->end)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unexpected end");
  if (*s->p >= 0x20 && *s->p < 0x7f)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unexpected '%c'", *s->p);
  return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unexpected byte 0x%02x", *s->p);
}

static inline void
skip_space (Scanner *s)
{
  while (s->p < s->end && (*s->p == ' ' || *s->p == '\n' || *s->p == '\r' || *s->p == '\t'))
    s->p++;
}

/* Length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static inline gsize
utf8_sequence (const guchar *p,
               const guchar *end)
{
  guchar c = p[0];
  guchar lo = 0x80, hi = 0xbf;
  gsize n;

  if (c >= 0xc2 && c <= 0xdf)
    n = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      n = 3;
      if (c == 0xe0)
        lo = 0xa0;
      else if (c == 0xed)
        hi = 0x9f;
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      n = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f;
    }
  else
    return 0;

  if ((gsize) (end - p) < n || p[1] < lo || p[1] > hi)
    return 0;
  for (gsize i = 2; i < n; i++)
    if ((p[i] & 0xc0) != 0x80)
      return 0;
  return n;
}

static gboolean
read_hex4 (Scanner  *s,
           gunichar *out)
{
  gunichar value = 0;

  if (s->end - s->p < 4)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "\\u needs four hex digits");
  for (int i = 0; i < 4; i++)
    {
      int digit = g_ascii_xdigit_value (s->p[i]);

      if (digit < 0)
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "\\u needs four hex digits");
      value = value * 16 + digit;
    }
  s->p += 4;
  *out = value;
  return TRUE;
}

/* After "\u": one code point, a surrogate pair taken together. A lone
 * surrogate has no UTF-8 form and NUL would end the C string early (the
 * "demo-staff\u0000x" that logs in as "demo-staff"), so both are refused. */
static gboolean
read_unicode_escape (Scanner *s)
{
  gunichar c, low;
  char utf8[6];

  if (!read_hex4 (s, &c))
    return FALSE;
  if (c == 0)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "\\u0000 is not allowed");
  if (c >= 0xdc00 && c <= 0xdfff)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "lone low surrogate");
  if (c >= 0xd800 && c <= 0xdbff)
    {
      if (s->end - s->p < 2 || s->p[0] != '\\' || s->p[1] != 'u')
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "lone high surrogate");
      s->p += 2;
      if (!read_hex4 (s, &low))
        return FALSE;
      if (low < 0xdc00 || low > 0xdfff)
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "lone high surrogate");
      c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
    }
  g_string_append_len (s->scratch, utf8, g_unichar_to_utf8 (c, utf8));
  return TRUE;
}

/* Reads a string (the cursor is on its opening quote) into s->scratch. */
static gboolean
read_string (Scanner *s)
{
  const guchar *run;

  g_string_truncate (s->scratch, 0);
  s->p++;
  run = s->p;
  for (;;)
    {
      guchar c;

      if (s->p >= s->end)
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unterminated string");
      c = *s->p;
      if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\')
        {
          s->p++;
          continue;
        }
      if (c >= 0x80)
        {
          gsize n = utf8_sequence (s->p, s->end);

          if (n == 0)
            return fail (s, KOUAN_JSON_ERROR_SYNTAX, "invalid UTF-8");
          s->p += n;
          continue;
        }
      g_string_append_len (s->scratch, (const char *) run, s->p - run);
      if (c == '"')
        {
          s->p++;
          return TRUE;
        }
      if (c < 0x20)
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "control character 0x%02x in a string", c);

      /* a backslash */
      s->p++;
      if (s->p >= s->end)
        return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unterminated string");
      switch (*s->p++)
        {
        case '"': g_string_append_c (s->scratch, '"'); break;
        case '\\': g_string_append_c (s->scratch, '\\'); break;
        case '/': g_string_append_c (s->scratch, '/'); break;
        case 'b': g_string_append_c (s->scratch, '\b'); break;
        case 'f': g_string_append_c (s->scratch, '\f'); break;
        case 'n': g_string_append_c (s->scratch, '\n'); break;
        case 'r': g_string_append_c (s->scratch, '\r'); break;
        case 't': g_string_append_c (s->scratch, '\t'); break;
        case 'u':
          if (!read_unicode_escape (s))
            return FALSE;
          break;
        default:
          s->p--;
          return fail (s, KOUAN_JSON_ERROR_SYNTAX, "unknown escape");
        }
      run = s->p;
    }
}

static gboolean
parse_number (Scanner   *s,
              JsonNode **out)
{
  const guchar *begin = s->p;
  gboolean negative = FALSE, integer = TRUE, overflow = FALSE;
  guint64 magnitude = 0;
  /* the magnitude of G_MININT64 is one more than G_MAXINT64 */
  guint64 limit;

  if (*s->p == '-')
    {
      negative = TRUE;
      s->p++;
    }
  limit = negative ? (guint64) G_MAXINT64 + 1 : (guint64) G_MAXINT64;
  if (s->p >= s->end || !g_ascii_isdigit (*s->p))
    return unexpected (s);
  if (*s->p == '0')
    s->p++;
  else
    while (s->p < s->end && g_ascii_isdigit (*s->p))
      {
        guint digit = *s->p++ - '0';

        if (magnitude > (limit - digit) / 10)
          overflow = TRUE;
        else
          magnitude = magnitude * 10 + digit;
      }
  if (s->p < s->end && *s->p == '.')
    {
      integer = FALSE;
      s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return unexpected (s);
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }
  if (s->p < s->end && (*s->p == 'e' || *s->p == 'E'))
    {
      integer = FALSE;
      s->p++;
      if (s->p < s->end && (*s->p == '+' || *s->p == '-'))
        s->p++;
      if (s->p >= s->end || !g_ascii_isdigit (*s->p))
        return unexpected (s);
      while (s->p < s->end && g_ascii_isdigit (*s->p))
        s->p++;
    }

  if (integer)
    {
      /* json-glib would wrap these: "record_id": 18446744073709551621
       * would become 5. */
      if (overflow)
        {
          s->p = begin;
          return fail (s, KOUAN_JSON_ERROR_VALUE, "a number is too large");
        }
      *out = json_node_init_int (json_node_alloc (),
                                 negative ? (gint64) (0 - magnitude) : (gint64) magnitude);
    }
  else
    {
      double value;

      /* the grammar above leaves only text g_ascii_strtod reads whole */
      g_string_truncate (s->scratch, 0);
      g_string_append_len (s->scratch, (const char *) begin, s->p - begin);
      value = g_ascii_strtod (s->scratch->str, NULL);
      /* 1e400 would be infinity, which json-glib writes back as "inf":
       * not JSON, so a stored copy could never be read again. */
      if (!isfinite (value))
        {
          s->p = begin;
          return fail (s, KOUAN_JSON_ERROR_VALUE, "a number is too large");
        }
      *out = json_node_init_double (json_node_alloc (), value);
    }
  return TRUE;
}

static gboolean
parse_literal (Scanner    *s,
               const char *word,
               gsize       length)
{
  if ((gsize) (s->end - s->p) < length || memcmp (s->p, word, length) != 0)
    return unexpected (s);
  s->p += length;
  return TRUE;
}

static gboolean
enter (Scanner *s)
{
  if (++s->depth > MAX_DEPTH)
    return fail (s, KOUAN_JSON_ERROR_SYNTAX, "nested deeper than %d levels", MAX_DEPTH);
  s->p++;
  skip_space (s);
  return TRUE;
}

static gboolean
parse_object (Scanner   *s,
              JsonNode **out)
{
  g_autoptr(JsonObject) object = json_object_new ();

  if (!enter (s))
    return FALSE;
  if (s->p < s->end && *s->p == '}')
    goto done;

  for (;;)
    {
      g_autofree char *key = NULL;
      const guchar *key_at = s->p;
      JsonNode *value = NULL;
      guint size;

      if (s->p >= s->end || *s->p != '"')
        return unexpected (s);
      if (!read_string (s))
        return FALSE;
      key = g_strndup (s->scratch->str, s->scratch->len);
      skip_space (s);
      if (s->p >= s->end || *s->p != ':')
        return unexpected (s);
      s->p++;
      skip_space (s);
      if (!parse_value (s, &value))
        return FALSE;

      /* An object is a set of names: with two equal keys the validator
       * could see one value and the code that acts another. */
      size = json_object_get_size (object);
      json_object_set_member (object, key, value);
      if (json_object_get_size (object) == size)
        {
          s->p = key_at;
          return fail (s, KOUAN_JSON_ERROR_DUPLICATE_KEY, "duplicate key \"%s\"", key);
        }

      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          skip_space (s);
          continue;
        }
      if (s->p < s->end && *s->p == '}')
        break;
      return unexpected (s);
    }

done:
  s->p++;
  s->depth--;
  *out = json_node_init_object (json_node_alloc (), object);
  return TRUE;
}

static gboolean
parse_array (Scanner   *s,
             JsonNode **out)
{
  g_autoptr(JsonArray) array = json_array_new ();

  if (!enter (s))
    return FALSE;
  if (s->p < s->end && *s->p == ']')
    goto done;

  for (;;)
    {
      JsonNode *element = NULL;

      if (!parse_value (s, &element))
        return FALSE;
      json_array_add_element (array, element);
      skip_space (s);
      if (s->p < s->end && *s->p == ',')
        {
          s->p++;
          skip_space (s);
          continue;
        }
      if (s->p < s->end && *s->p == ']')
        break;
      return unexpected (s);
    }

done:
  s->p++;
  s->depth--;
  *out = json_node_init_array (json_node_alloc (), array);
  return TRUE;
}

/* One value; the cursor is on its first character. */
static gboolean
parse_value (Scanner   *s,
             JsonNode **out)
{
  if (s->p >= s->end)
    return unexpected (s);

  switch (*s->p)
    {
    case '{':
      return parse_object (s, out);
    case '[':
      return parse_array (s, out);
    case '"':
      if (!read_string (s))
        return FALSE;
      *out = json_node_init_string (json_node_alloc (), s->scratch->str);
      return TRUE;
    case 't':
      if (!parse_literal (s, "true", 4))
        return FALSE;
      *out = json_node_init_boolean (json_node_alloc (), TRUE);
      return TRUE;
    case 'f':
      if (!parse_literal (s, "false", 5))
        return FALSE;
      *out = json_node_init_boolean (json_node_alloc (), FALSE);
      return TRUE;
    case 'n':
      if (!parse_literal (s, "null", 4))
        return FALSE;
      *out = json_node_init_null (json_node_alloc ());
      return TRUE;
    default:
      if (*s->p == '-' || g_ascii_isdigit (*s->p))
        return parse_number (s, out);
      return unexpected (s);
    }
}

JsonNode *
kouan_json_parse (const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_autoptr(GString) scratch = NULL;
  JsonNode *root = NULL;
  Scanner s;

  if (data == NULL)
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX,
                           "Empty document");
      return NULL;
    }
  if (length < 0)
    length = strlen (data);

  scratch = g_string_sized_new (64);
  s = (Scanner) {
    .start = (const guchar *) data,
    .p = (const guchar *) data,
    .end = (const guchar *) data + length,
    .scratch = scratch,
    .error = error,
  };

  skip_space (&s);
  if (!parse_value (&s, &root))
    return NULL;
  skip_space (&s);
  if (s.p != s.end)
    {
      json_node_unref (root);
      fail (&s, KOUAN_JSON_ERROR_SYNTAX, "more text after the value");
      return NULL;
    }

  /* Not sealed (json_node_seal): sealing walks the whole tree again and
   * hashes every object, a third of the cost of a sync page, for nothing
   * Kouan uses. */
  return root;
}

JsonObject *
kouan_json_parse_object (const char  *data,
                         gssize       length,
                         GError     **error)
{
  g_autoptr(JsonNode) root = kouan_json_parse (data, length, error);

  if (root == NULL)
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error_literal (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT,
                           "Expected a JSON object");
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

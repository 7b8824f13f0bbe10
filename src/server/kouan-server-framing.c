/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-server-listener.h"

/* The request head is checked here, before libsoup sees a byte of it, so
 * that the connection layer and libsoup can never disagree about where a
 * request ends (RFC 9112 §6.3, request smuggling). libsoup 3.2 takes
 * "Content-Length: +48", uses one of two differing Content-Length fields,
 * reads "-5" as a huge length and lets Transfer-Encoding win over
 * Content-Length; each of these is refused here instead. */

gssize
kouan_server_framing_find_end (const guint8 *data,
                               gsize         length,
                               gsize        *scanned)
{
  /* libsoup ends the head at the first line that is empty ("\n" or
   * "\r\n"); so does this, or the two would split requests differently.
   * Scanning resumes at *scanned, the start of the last incomplete line, so
   * a head that arrives a byte at a time costs linear time, not square. */
  gsize line_start = MIN (*scanned, length);

  for (gsize i = line_start; i < length; i++)
    {
      if (data[i] != '\n')
        continue;
      if (i == line_start || (i == line_start + 1 && data[line_start] == '\r'))
        return (gssize) (i + 1);
      line_start = i + 1;
    }
  *scanned = line_start;
  return -1;
}

static gboolean
is_token_char (guchar c)
{
  return g_ascii_isalnum (c) || strchr ("!#$%&'*+-.^_`|~", c) != NULL;
}

static gboolean
parse_content_length (const char *value,
                      guint64    *out)
{
  /* 1*DIGIT, nothing else: no sign, no list, no spaces inside. */
  if (value[0] == '\0' || strlen (value) > 18)
    return FALSE;
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  *out = g_ascii_strtoull (value, NULL, 10);
  return TRUE;
}

gboolean
kouan_server_framing_check (const guint8  *head,
                            gsize          length,
                            KouanFraming  *out,
                            GError       **error)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gboolean has_length = FALSE;
  gboolean has_encoding = FALSE;
  gboolean http10;
  guint n;

  memset (out, 0, sizeof *out);

  if (memchr (head, '\0', length) != NULL)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "The request head contains a NUL byte");
      return FALSE;
    }
  text = g_strndup ((const char *) head, length);
  lines = g_strsplit (text, "\n", -1);
  n = g_strv_length (lines);
  /* the last two are the empty line and what follows its "\n" */
  if (n < 3)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "The request has no request line");
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      gsize len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][len - 1] = '\0';
      if (strchr (lines[i], '\r') != NULL)
        {
          g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                               "A bare CR in the request head");
          return FALSE;
        }
    }

  http10 = g_str_has_suffix (lines[0], " HTTP/1.0");
  if (!http10 && !g_str_has_suffix (lines[0], " HTTP/1.1"))
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "The request line does not end in HTTP/1.1 or HTTP/1.0");
      return FALSE;
    }

  for (guint i = 1; i < n - 2; i++)
    {
      const char *line = lines[i];
      const char *colon = strchr (line, ':');
      g_autofree char *name = NULL;
      g_autofree char *value = NULL;

      /* obs-fold would let a proxy and this server read different
       * fields (RFC 9112 §5.2) */
      if (line[0] == ' ' || line[0] == '\t')
        {
          g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                               "A folded header line");
          return FALSE;
        }
      if (colon == NULL || colon == line)
        {
          g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                               "A header line without a field name");
          return FALSE;
        }
      for (const char *p = line; p < colon; p++)
        if (!is_token_char (*p))
          {
            /* includes "Content-Length : 5" (RFC 9112 §5.1) */
            g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                                 "A header field name with a space or a separator");
            return FALSE;
          }

      name = g_strndup (line, colon - line);
      value = g_strstrip (g_strdup (colon + 1));

      if (g_ascii_strcasecmp (name, "Content-Length") == 0)
        {
          if (has_length)
            {
              g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                                   "More than one Content-Length");
              return FALSE;
            }
          if (!parse_content_length (value, &out->content_length))
            {
              g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "Content-Length “%s” is not a number of bytes", value);
              return FALSE;
            }
          has_length = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0)
        {
          if (has_encoding || g_ascii_strcasecmp (value, "chunked") != 0)
            {
              g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                                   "The only transfer coding accepted is one “chunked”");
              return FALSE;
            }
          has_encoding = TRUE;
        }
      else if (g_ascii_strcasecmp (name, "Expect") == 0 &&
               g_ascii_strcasecmp (value, "100-continue") == 0)
        out->expect_continue = TRUE;
    }

  if (has_length && has_encoding)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "Content-Length together with Transfer-Encoding");
      return FALSE;
    }
  if (has_encoding && http10)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING,
                           "Transfer-Encoding in an HTTP/1.0 request");
      return FALSE;
    }

  out->chunked = has_encoding;
  return TRUE;
}

GByteArray *
kouan_server_framing_dechunk_head (const guint8 *head,
                                   gsize         length,
                                   guint64       body_length)
{
  g_autofree char *text = g_strndup ((const char *) head, length);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  guint n = g_strv_length (lines);
  GString *out = g_string_sized_new (length + 32);

  /* kouan_server_framing_check() passed this head: n >= 3, no bare CR,
   * every field line has a token name before its colon. */
  for (guint i = 0; i + 2 < n; i++)
    {
      char *line = lines[i];
      gsize len = strlen (line);
      const char *colon = strchr (line, ':');

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';
      if (i > 0 && colon != NULL)
        {
          g_autofree char *name = g_strndup (line, colon - line);
          g_autofree char *value = g_strstrip (g_strdup (colon + 1));

          /* The body is decoded and complete: libsoup must not decode it
           * again, nor promise the client a 100 it already had. */
          if (g_ascii_strcasecmp (name, "Transfer-Encoding") == 0 ||
              (g_ascii_strcasecmp (name, "Expect") == 0 &&
               g_ascii_strcasecmp (value, "100-continue") == 0))
            continue;
        }
      g_string_append_len (out, line, len);
      g_string_append (out, "\r\n");
    }
  g_string_append_printf (out, "Content-Length: %" G_GUINT64_FORMAT "\r\n\r\n", body_length);
  return g_bytes_unref_to_array (g_string_free_to_bytes (out));
}

/* ---- chunked bodies (RFC 9112 §7.1) ---- */

static gboolean
is_space (guchar c)
{
  return c == ' ' || c == '\t';
}

static gboolean
is_field_char (guchar c)
{
  /* VCHAR, obs-text, or whitespace inside a field value */
  return (c >= 0x21 && c != 0x7f) || is_space (c);
}

static gboolean
chunked_fail (GError     **error,
              const char  *message)
{
  g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING, message);
  return FALSE;
}

/* token, or quoted-string; *p is past it on success */
static gboolean
parse_ext_value (const guchar **p,
                 const guchar  *end)
{
  const guchar *q = *p;

  if (q < end && *q == '"')
    {
      for (q++; q < end && *q != '"'; q++)
        {
          if (*q == '\\')
            {
              q++;
              if (q == end || !is_field_char (*q))
                return FALSE;
            }
          else if (!is_field_char (*q))
            return FALSE;
        }
      if (q == end)
        return FALSE;
      *p = q + 1;
      return TRUE;
    }
  while (q < end && is_token_char (*q))
    q++;
  if (q == *p)
    return FALSE;
  *p = q;
  return TRUE;
}

/* chunk-size [ chunk-ext ], without its CRLF:
 *   chunk-size = 1*HEXDIG
 *   chunk-ext  = *( BWS ";" BWS token [ BWS "=" BWS ( token / quoted-string ) ] ) */
static gboolean
parse_size_line (const guchar  *line,
                 const guchar  *end,
                 guint64       *size,
                 GError       **error)
{
  const guchar *p = line;
  guint64 value = 0;

  for (; p < end && g_ascii_isxdigit (*p); p++)
    {
      if (value > (G_MAXUINT64 >> 4))
        return chunked_fail (error, "A chunk size over 64 bits");
      value = (value << 4) | (guint64) g_ascii_xdigit_value (*p);
    }
  if (p == line)
    return chunked_fail (error, "A chunk size that is not hexadecimal");

  while (p < end)
    {
      while (p < end && is_space (*p))
        p++;
      if (p == end || *p != ';')
        return chunked_fail (error, "A chunk size followed by something other than an extension");
      p++;
      while (p < end && is_space (*p))
        p++;
      if (p == end || !is_token_char (*p))
        return chunked_fail (error, "A chunk extension without a name");
      while (p < end && is_token_char (*p))
        p++;
      {
        const guchar *after_name = p;

        while (p < end && is_space (*p))
          p++;
        if (p < end && *p == '=')
          {
            p++;
            while (p < end && is_space (*p))
              p++;
            if (!parse_ext_value (&p, end))
              return chunked_fail (error, "A chunk extension with a malformed value");
          }
        else
          p = after_name;
      }
    }
  *size = value;
  return TRUE;
}

/* field-name ":" OWS field-value OWS, without its CRLF */
static gboolean
parse_trailer_line (const guchar  *line,
                    const guchar  *end,
                    GError       **error)
{
  const guchar *p = line;

  while (p < end && is_token_char (*p))
    p++;
  if (p == line || p == end || *p != ':')
    return chunked_fail (error, "A trailer line that is not a field");
  for (p++; p < end; p++)
    if (!is_field_char (*p))
      return chunked_fail (error, "A control character in a trailer field");
  return TRUE;
}

gssize
kouan_server_chunked_decode (KouanChunkedDecoder  *decoder,
                             const guint8         *data,
                             gsize                 length,
                             guint64               max_body,
                             GByteArray           *body,
                             GError              **error)
{
  gsize pos = 0;

  while (pos < length && decoder->state != KOUAN_CHUNKED_DONE)
    {
      const guint8 *newline;
      gsize line_length;

      switch (decoder->state)
        {
        case KOUAN_CHUNKED_DATA:
          {
            gsize n = (gsize) MIN ((guint64) (length - pos), decoder->chunk_left);

            g_byte_array_append (body, data + pos, n);
            pos += n;
            decoder->chunk_left -= n;
            if (decoder->chunk_left == 0)
              decoder->state = KOUAN_CHUNKED_DATA_END;
          }
          continue;

        case KOUAN_CHUNKED_DATA_END:
          /* exactly CRLF: no bare LF, nothing between */
          if (data[pos] != '\r' || (pos + 1 < length && data[pos + 1] != '\n'))
            {
              chunked_fail (error, "Chunk data not followed by CRLF");
              return -1;
            }
          if (pos + 1 == length)
            return pos;
          pos += 2;
          decoder->state = KOUAN_CHUNKED_SIZE;
          continue;

        case KOUAN_CHUNKED_SIZE:
        case KOUAN_CHUNKED_TRAILER:
        case KOUAN_CHUNKED_DONE:
        default:
          break;
        }

      /* A line: chunk-size, or a trailer field, or the empty line. Both
       * are bounded, so a client cannot make the buffer grow with one. */
      newline = memchr (data + pos, '\n', length - pos);
      line_length = newline != NULL ? (gsize) (newline - (data + pos)) : length - pos;
      if ((decoder->state == KOUAN_CHUNKED_SIZE && line_length > KOUAN_MAX_CHUNK_LINE) ||
          (decoder->state == KOUAN_CHUNKED_TRAILER &&
           decoder->trailer_size + line_length > KOUAN_MAX_HEAD_SIZE))
        {
          chunked_fail (error, decoder->state == KOUAN_CHUNKED_SIZE ? "A chunk-size line over 4 KiB"
                                                                     : "A trailer section over 32 KiB");
          return -1;
        }
      /* A size line that cannot become one is refused now, not when
       * (if ever) its end arrives. */
      if (decoder->state == KOUAN_CHUNKED_SIZE && line_length > 0 && !g_ascii_isxdigit (data[pos]))
        {
          chunked_fail (error, "A chunk size that is not hexadecimal");
          return -1;
        }
      if (newline == NULL)
        return pos;
      if (line_length == 0 || data[pos + line_length - 1] != '\r')
        {
          chunked_fail (error, "A chunk line that does not end in CRLF");
          return -1;
        }

      if (decoder->state == KOUAN_CHUNKED_SIZE)
        {
          guint64 size;

          if (!parse_size_line (data + pos, data + pos + line_length - 1, &size, error))
            return -1;
          if (max_body > 0 && (size > max_body || body->len > max_body - size))
            {
              g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_TOO_LARGE,
                           "The request body is over %" G_GUINT64_FORMAT " bytes", max_body);
              return -1;
            }
          decoder->chunk_left = size;
          decoder->state = size > 0 ? KOUAN_CHUNKED_DATA : KOUAN_CHUNKED_TRAILER;
        }
      else if (line_length == 1)
        decoder->state = KOUAN_CHUNKED_DONE;
      else
        {
          if (!parse_trailer_line (data + pos, data + pos + line_length - 1, error))
            return -1;
          decoder->trailer_size += line_length + 1;
        }
      pos += line_length + 1;
    }
  return pos;
}

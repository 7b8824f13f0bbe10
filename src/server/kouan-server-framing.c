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

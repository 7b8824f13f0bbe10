/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-server-listener.h"

/* kouan_server_framing_*: where a request head ends and whether its body
 * length is unambiguous (RFC 9112 §6.3). The integration test
 * (test-http-hardening) checks what a client then gets. */

static gboolean
check (const char    *head,
       KouanFraming  *framing)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = kouan_server_framing_check ((const guint8 *) head, strlen (head), framing, &error);

  if (!ok)
    g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING);
  return ok;
}

static void
test_find_end (void)
{
  const char *text = "GET / HTTP/1.1\r\nHost: a\r\n\r\nGET /next";
  gsize scanned = 0;

  /* incomplete: resume at the start of the unfinished line */
  g_assert_cmpint (kouan_server_framing_find_end ((const guint8 *) text, 20, &scanned), ==, -1);
  g_assert_cmpuint (scanned, ==, 16);
  /* complete, resuming there: just past the empty line, the next request
   * untouched */
  g_assert_cmpint (kouan_server_framing_find_end ((const guint8 *) text, strlen (text), &scanned),
                   ==, strstr (text, "GET /next") - text);
  /* a byte at a time */
  scanned = 0;
  for (gsize n = 1; n < strlen (text); n++)
    {
      gssize end = kouan_server_framing_find_end ((const guint8 *) text, n, &scanned);

      if (n < 27)
        g_assert_cmpint (end, ==, -1);
      else
        g_assert_cmpint (end, ==, 27);
    }
  /* bare LF lines, as libsoup accepts them */
  scanned = 0;
  g_assert_cmpint (kouan_server_framing_find_end ((const guint8 *) "GET / HTTP/1.1\nHost: a\n\nx", 25, &scanned),
                   ==, 24);
}

static void
test_clear_lengths (void)
{
  KouanFraming framing;

  g_assert_true (check ("GET / HTTP/1.1\r\nHost: a\r\n\r\n", &framing));
  g_assert_cmpuint (framing.content_length, ==, 0);
  g_assert_false (framing.chunked);

  g_assert_true (check ("POST / HTTP/1.1\r\nHost: a\r\ncontent-length:  48 \r\n\r\n", &framing));
  g_assert_cmpuint (framing.content_length, ==, 48);

  g_assert_true (check ("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", &framing));
  g_assert_true (framing.chunked);

  g_assert_true (check ("GET / HTTP/1.0\nHost: a\n\n", &framing));
}

static void
test_ambiguous_lengths (void)
{
  static const char *const fields[] = {
    "Content-Length: 48\r\nTransfer-Encoding: chunked\r\n",
    "Content-Length: 5\r\nContent-Length: 48\r\n",
    "Content-Length: 48\r\ncontent-length: 48\r\n",
    "Content-Length: 5, 5\r\n",
    "Content-Length: +48\r\n",
    "Content-Length: -5\r\n",
    "Content-Length: 4 8\r\n",
    "Content-Length: \r\n",
    "Content-Length: 99999999999999999999\r\n",
    "Content-Length : 48\r\n",
    "Content-Length: 48\r\n X: folded\r\n",
    "Transfer-Encoding: gzip\r\n",
    "Transfer-Encoding: chunked, chunked\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Bad\rName: 1\r\n",
    ": no name\r\n",
    "No colon\r\n",
  };
  KouanFraming framing;

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *head = g_strdup_printf ("POST / HTTP/1.1\r\nHost: a\r\n%s\r\n", fields[i]);

      g_test_message ("%s", fields[i]);
      g_assert_false (check (head, &framing));
    }

  g_assert_false (check ("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &framing));
  g_assert_false (check ("GET / HTTP/2.0\r\n\r\n", &framing));
  g_assert_false (check ("\r\n", &framing));
  g_assert_false (kouan_server_framing_check ((const guint8 *) "GET / HTTP/1.1\r\nA: \0\r\n\r\n", 24,
                                              &framing, NULL));
}

/* Decodes @text whole and a byte at a time (both must agree); returns
 * the body, or NULL with @error set. *@consumed: bytes of @text taken. */
static GByteArray *
decode (const char  *text,
        guint64      max_body,
        gsize       *consumed,
        GError     **error)
{
  gsize length = strlen (text);
  KouanChunkedDecoder whole = { 0 };
  KouanChunkedDecoder bytewise = { 0 };
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GByteArray) body2 = g_byte_array_new ();
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  gboolean failed2 = FALSE;
  gsize taken2 = 0;
  gssize n;

  /* a byte at a time, as a slow client sends it */
  for (gsize i = 0; i < length && bytewise.state != KOUAN_CHUNKED_DONE && !failed2; i++)
    {
      gssize m;

      g_byte_array_append (pending, (const guint8 *) text + i, 1);
      m = kouan_server_chunked_decode (&bytewise, pending->data, pending->len, max_body, body2, NULL);
      if (m < 0)
        failed2 = TRUE;
      else
        {
          g_byte_array_remove_range (pending, 0, m);
          taken2 += m;
        }
    }

  n = kouan_server_chunked_decode (&whole, (const guint8 *) text, length, max_body, body, error);
  if (n < 0)
    {
      g_assert_true (failed2);
      return NULL;
    }
  g_assert_false (failed2);
  g_assert_cmpint (whole.state, ==, bytewise.state);
  g_assert_cmpuint (n, ==, taken2);
  g_assert_cmpmem (body->data, body->len, body2->data, body2->len);
  *consumed = n;
  if (whole.state != KOUAN_CHUNKED_DONE)
    return NULL;
  return g_steal_pointer (&body);
}

static void
test_chunked_valid (void)
{
  static const struct { const char *text; const char *body; } cases[] = {
    { "0\r\n\r\n", "" },
    { "2\r\n{}\r\n0\r\n\r\n", "{}" },
    { "000\r\n\r\n", "" },
    { "1\r\n[\r\n1\r\n]\r\n0\r\n\r\n", "[]" },
    { "A\r\n0123456789\r\n0\r\n\r\n", "0123456789" },
    { "a;name\r\n0123456789\r\n0\r\n\r\n", "0123456789" },
    { "2 ; name = value ; q=\"a \\\" b\"\r\n{}\r\n0;last\r\n\r\n", "{}" },
    { "2\r\n{}\r\n0\r\nX-Checksum: abc\r\nX-Empty:\r\n\r\n", "{}" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strconcat (cases[i].text, "GET /next", NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(GByteArray) body = NULL;
      gsize consumed = 0;

      g_test_message ("%s", cases[i].text);
      body = decode (text, 0, &consumed, &error);
      g_assert_no_error (error);
      g_assert_nonnull (body);
      g_assert_cmpmem (body->data, body->len, cases[i].body, strlen (cases[i].body));
      /* the pipelined next request is left alone */
      g_assert_cmpuint (consumed, ==, strlen (cases[i].text));
    }
}

static void
test_chunked_malformed (void)
{
  static const char *const cases[] = {
    "zz\r\n{}\r\n0\r\n\r\n",             /* size not hex */
    "\r\n{}\r\n0\r\n\r\n",               /* no size */
    "0x2\r\n{}\r\n0\r\n\r\n",            /* C's hex prefix */
    "-2\r\n{}\r\n0\r\n\r\n",             /* sign */
    "+2\r\n{}\r\n0\r\n\r\n",
    " 2\r\n{}\r\n0\r\n\r\n",             /* space before */
    "2 \r\n{}\r\n0\r\n\r\n",             /* space after, no extension */
    "10000000000000000\r\n",             /* over 64 bits */
    "2;\r\n{}\r\n0\r\n\r\n",             /* extension without a name */
    "2;=v\r\n{}\r\n0\r\n\r\n",
    "2;a b\r\n{}\r\n0\r\n\r\n",          /* two names */
    "2;a=\r\n{}\r\n0\r\n\r\n",           /* empty value */
    "2;a=\"open\r\n{}\r\n0\r\n\r\n",     /* unterminated quoted string */
    "2;a=b\"c\"\r\n{}\r\n0\r\n\r\n",
    "2;a\x01\r\n{}\r\n0\r\n\r\n",        /* control character */
    "2\n{}\r\n0\r\n\r\n",                /* bare LF */
    "2\r\r\n{}\r\n0\r\n\r\n",            /* stray CR */
    "2\r\n{}0\r\n\r\n",                  /* data without its CRLF */
    "2\r\n{}\n0\r\n\r\n",
    "2\r\n{}}\r\n0\r\n\r\n",             /* more data than announced */
    "2\r\n{}\r\n0\r\n\n",                /* last line not CRLF */
    "2\r\n{}\r\n0\r\n folded: x\r\n\r\n", /* trailers */
    "2\r\n{}\r\n0\r\nNo colon\r\n\r\n",
    "2\r\n{}\r\n0\r\nBad Name: x\r\n\r\n",
    "2\r\n{}\r\n0\r\n: x\r\n\r\n",
    "2\r\n{}\r\n0\r\nX: a\x01\r\n\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GByteArray) body = NULL;
      gsize consumed = 0;

      g_test_message ("%s", cases[i]);
      body = decode (cases[i], 0, &consumed, &error);
      g_assert_null (body);
      g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING);
    }
}

static void
test_chunked_bounds (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) body = NULL;
  g_autoptr(GString) text = g_string_new ("2");
  gsize consumed = 0;

  /* --max-body counts decoded bytes, over every chunk */
  body = decode ("4\r\n1234\r\n0\r\n\r\n", 4, &consumed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (body);
  g_clear_pointer (&body, g_byte_array_unref);
  body = decode ("4\r\n1234\r\n1\r\n5\r\n0\r\n\r\n", 4, &consumed, &error);
  g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_TOO_LARGE);
  g_clear_error (&error);
  /* a huge announced size is refused before any of it is read */
  body = decode ("ffffffffffffffff\r\n", 1024, &consumed, &error);
  g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* an endless size line, an endless trailer section */
  for (guint i = 0; i < KOUAN_MAX_CHUNK_LINE; i++)
    g_string_append (text, ";a");
  body = decode (text->str, 0, &consumed, &error);
  g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING);
  g_clear_error (&error);
  g_string_assign (text, "0\r\n");
  while (text->len < KOUAN_MAX_HEAD_SIZE + 100)
    g_string_append (text, "X-Trailer: 0123456789\r\n");
  body = decode (text->str, 0, &consumed, &error);
  g_assert_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_FRAMING);
  g_clear_error (&error);

  /* incomplete: nothing decided yet, the partial line is left */
  body = decode ("2\r\n{", 0, &consumed, &error);
  g_assert_no_error (error);
  g_assert_null (body);
  g_assert_cmpuint (consumed, ==, 4);
}

static void
test_dechunk_head (void)
{
  const char *head = "POST /x HTTP/1.1\r\nHost: a\r\ntransfer-encoding: chunked\r\n"
                     "Expect: 100-continue\nX-Other: 1\r\n\r\n";
  g_autoptr(GByteArray) out = kouan_server_framing_dechunk_head ((const guint8 *) head, strlen (head), 42);
  KouanFraming framing;

  g_assert_cmpmem (out->data, out->len,
                   "POST /x HTTP/1.1\r\nHost: a\r\nX-Other: 1\r\nContent-Length: 42\r\n\r\n",
                   strlen ("POST /x HTTP/1.1\r\nHost: a\r\nX-Other: 1\r\nContent-Length: 42\r\n\r\n"));
  g_assert_true (kouan_server_framing_check (out->data, out->len, &framing, NULL));
  g_assert_false (framing.chunked);
  g_assert_cmpuint (framing.content_length, ==, 42);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-framing/find-end", test_find_end);
  g_test_add_func ("/http-framing/clear", test_clear_lengths);
  g_test_add_func ("/http-framing/ambiguous", test_ambiguous_lengths);
  g_test_add_func ("/http-framing/chunked-valid", test_chunked_valid);
  g_test_add_func ("/http-framing/chunked-malformed", test_chunked_malformed);
  g_test_add_func ("/http-framing/chunked-bounds", test_chunked_bounds);
  g_test_add_func ("/http-framing/dechunk-head", test_dechunk_head);
  return g_test_run ();
}

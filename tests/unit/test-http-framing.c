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

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http-framing/find-end", test_find_end);
  g_test_add_func ("/http-framing/clear", test_clear_lengths);
  g_test_add_func ("/http-framing/ambiguous", test_ambiguous_lengths);
  return g_test_run ();
}

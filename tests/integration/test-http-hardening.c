/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

#include <gio/gio.h>

#include "kouan-test-server.h"

/* The connection layer of kouan-server (docs/architecture.md,
 * "Connections"), driven with raw sockets the way curl, a slow client, a
 * flood of idle connections and a request smuggler would. No assertion is
 * timed: a test waits for what must happen, and a socket timeout of
 * SAFETY_SECONDS (far above the server's limits) only turns a hang into a
 * failure. */

#define SAFETY_SECONDS 30
#define HEALTH "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
#define HEALTH_CLOSE "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"

static GSocket *
connect_raw (KouanTestServer *server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address =
    g_inet_socket_address_new (loopback, kouan_test_server_get_port (server));
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                  G_SOCKET_PROTOCOL_TCP, &error);

  g_assert_no_error (error);
  g_socket_set_timeout (socket, SAFETY_SECONDS);
  g_socket_connect (socket, address, NULL, &error);
  g_assert_no_error (error);
  return socket;
}

/* FALSE when the server already closed its end. */
static gboolean
send_text (GSocket    *socket,
           const char *text)
{
  gsize length = strlen (text);
  gsize sent = 0;

  while (sent < length)
    {
      gssize n = g_socket_send_with_blocking (socket, text + sent, length - sent, TRUE, NULL, NULL);

      if (n <= 0)
        return FALSE;
      sent += n;
    }
  return TRUE;
}

/* Everything until the server closes; aborts if it never does. A reset
 * counts as a close. */
static char *
read_to_close (GSocket *socket)
{
  GString *text = g_string_new (NULL);
  char block[4096];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, block, sizeof block, NULL, &error);

      if (n > 0)
        {
          g_string_append_len (text, block, n);
          continue;
        }
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        g_error ("the server kept the connection open for %d s", SAFETY_SECONDS);
      break;
    }
  return g_string_free (text, FALSE);
}

/* One answer with a Content-Length body; the connection stays open. */
static char *
read_answer (GSocket *socket)
{
  GString *text = g_string_new (NULL);
  char block[4096];
  const char *end;

  while ((end = strstr (text->str, "\r\n\r\n")) == NULL ||
         text->len < (gsize) (end - text->str) + 4 +
                     g_ascii_strtoull (strstr (text->str, "Content-Length: ") != NULL ?
                                       strstr (text->str, "Content-Length: ") + 16 : "0",
                                       NULL, 10))
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive (socket, block, sizeof block, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_string_append_len (text, block, n);
    }
  return g_string_free (text, FALSE);
}

static guint
count_answers (const char *text)
{
  guint n = 0;

  for (const char *p = strstr (text, "HTTP/1.1 "); p != NULL; p = strstr (p + 1, "HTTP/1.1 "))
    n++;
  return n;
}

static guint
count_descriptors (KouanTestServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) kouan_test_server_get_pid (server));
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* Waits until the server holds at most @most descriptors; FALSE if that
 * did not happen within SAFETY_SECONDS. */
static gboolean
wait_descriptors_at_most (KouanTestServer *server,
                          guint            most)
{
  gint64 deadline = g_get_monotonic_time () + SAFETY_SECONDS * G_USEC_PER_SEC;

  while (count_descriptors (server) > most)
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (20 * 1000);
    }
  return TRUE;
}

static guint
health_status (KouanTestServer *server)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/health", kouan_test_server_get_url (server));

  return kouan_test_http ("GET", url, NULL, NULL, 0, NULL);
}

/* curl's way: a keep-alive request, read the answer, close. Before the
 * connection layer every such connection stayed open on the server's side
 * (CLOSE-WAIT) until descriptors ran out. */
static void
test_closed_keepalive_connections_are_released (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (NULL);
  guint before;

  /* one answered request first, so lazily opened files are open */
  g_assert_cmpuint (health_status (server), ==, 200);
  before = count_descriptors (server);

  for (guint i = 0; i < 5000; i++)
    {
      g_autoptr(GSocket) socket = connect_raw (server);
      g_autofree char *answer = NULL;

      g_assert_true (send_text (socket, HEALTH));
      answer = read_answer (socket);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
      g_assert_null (strstr (answer, "Connection: close"));
      g_socket_close (socket, NULL);
    }

  /* a small constant slack, never one per connection */
  if (!wait_descriptors_at_most (server, before + 4))
    g_error ("the server holds %u descriptors after 5000 closed connections, %u before",
             count_descriptors (server), before);
  g_assert_cmpuint (health_status (server), ==, 200);
}

/* A keep-alive connection carries several requests, also pipelined ones,
 * each answered once and in order. */
static void
test_keepalive_and_pipelining (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (NULL);
  g_autoptr(GSocket) socket = connect_raw (server);
  g_autofree char *first = NULL;
  g_autofree char *rest = NULL;

  g_assert_true (send_text (socket, HEALTH));
  first = read_answer (socket);
  g_assert_true (g_str_has_prefix (first, "HTTP/1.1 200 "));

  g_assert_true (send_text (socket, HEALTH HEALTH HEALTH_CLOSE));
  rest = read_to_close (socket);
  g_assert_cmpuint (count_answers (rest), ==, 3);
}

/* Descriptors run out (EMFILE): the listener waits and accepts again once
 * connections close, instead of dying. */
static void
test_listener_survives_descriptor_exhaustion (void)
{
  const char *args[] = { "--header-timeout", "600", "--max-connections-per-address", "0", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func (g_object_unref);
  struct rlimit limit = { 64, 64 };
  guint before;

  g_assert_cmpuint (health_status (server), ==, 200);
  before = count_descriptors (server);
  g_assert_cmpuint (before, <, 48);
  g_assert_cmpint (prlimit (kouan_test_server_get_pid (server), RLIMIT_NOFILE, &limit, NULL), ==, 0);

  /* more idle connections than the server has descriptors */
  for (guint i = 0; i < 100; i++)
    g_ptr_array_add (idle, connect_raw (server));

  /* the server really ran out */
  {
    gint64 deadline = g_get_monotonic_time () + SAFETY_SECONDS * G_USEC_PER_SEC;

    while (count_descriptors (server) < 64)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        g_usleep (20 * 1000);
      }
  }

  g_ptr_array_set_size (idle, 0);
  g_assert_true (wait_descriptors_at_most (server, before + 4));
  g_assert_cmpuint (health_status (server), ==, 200);
  g_assert_cmpuint (health_status (server), ==, 200);
}

static void
assert_closed_without_answer (GSocket *socket)
{
  g_autofree char *text = read_to_close (socket);

  g_assert_cmpuint (count_answers (text), ==, 0);
}

/* Silent, slow-header, stalled-body and idle keep-alive connections are
 * closed after their (here: 1 s) timeouts. */
static void
test_timeouts (void)
{
  const char *args[] = { "--header-timeout", "1", "--idle-timeout", "1",
                         "--body-timeout", "1", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);

  /* silent */
  {
    g_autoptr(GSocket) socket = connect_raw (server);

    assert_closed_without_answer (socket);
  }

  /* slowloris: a header byte every 100 ms never completes the head */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    gboolean closed = FALSE;

    g_assert_true (send_text (socket, "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
    for (guint i = 0; i < SAFETY_SECONDS * 10 && !closed; i++)
      {
        g_usleep (100 * 1000);
        closed = !send_text (socket, "a") ||
                 g_socket_condition_check (socket, G_IO_IN | G_IO_HUP | G_IO_ERR) != 0;
      }
    g_assert_true (closed);
    assert_closed_without_answer (socket);
  }

  /* a body that stops coming */
  {
    g_autoptr(GSocket) socket = connect_raw (server);

    g_assert_true (send_text (socket, "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                      "Content-Type: application/json\r\n"
                                      "Content-Length: 100\r\n\r\n{\"account\""));
    assert_closed_without_answer (socket);
  }

  /* kept alive after an answer, then nothing */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    g_autofree char *answer = NULL;
    g_autofree char *rest = NULL;

    g_assert_true (send_text (socket, HEALTH));
    answer = read_answer (socket);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
    rest = read_to_close (socket);
    g_assert_cmpstr (rest, ==, "");
  }

  g_assert_cmpuint (health_status (server), ==, 200);
}

/* A request head that announces a body (Content-Length, no Expect) or a
 * chunked one, and then nothing, or a body that stops part way: the
 * connection is closed by the body timeout (here the only short one, so no
 * other timeout can be what closed it), nothing is answered, and the
 * server holds no more descriptors than before. */
static void
test_body_never_sent (void)
{
  const char *args[] = { "--header-timeout", "600", "--idle-timeout", "600",
                         "--body-timeout", "1", NULL };
  static const char *const requests[] = {
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"account\"",
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
    "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n{\"acc",
  };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  guint before;

  g_assert_cmpuint (health_status (server), ==, 200);
  before = count_descriptors (server);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GSocket) socket = connect_raw (server);

      g_test_message ("%s", requests[i]);
      g_assert_true (send_text (socket, requests[i]));
      assert_closed_without_answer (socket);
    }
  g_assert_true (wait_descriptors_at_most (server, before));
  g_assert_cmpuint (health_status (server), ==, 200);
}

/* The N+1th connection from one address is refused with a 503 and closed;
 * once one closes, another is served. */
static void
test_connections_per_address (void)
{
  const char *args[] = { "--max-connections-per-address", "3", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *refused = NULL;
  g_autoptr(GSocket) extra = NULL;
  gboolean served = FALSE;

  /* three kept-alive connections, each answered */
  for (guint i = 0; i < 3; i++)
    {
      GSocket *socket = connect_raw (server);
      g_autofree char *answer = NULL;

      g_ptr_array_add (open, socket);
      g_assert_true (send_text (socket, HEALTH));
      answer = read_answer (socket);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
    }

  extra = connect_raw (server);
  send_text (extra, HEALTH);
  refused = read_to_close (extra);
  g_assert_true (refused[0] == '\0' || g_str_has_prefix (refused, "HTTP/1.1 503 "));
  if (refused[0] != '\0')
    g_assert_nonnull (strstr (refused, "\"too_many_connections\""));

  /* the three still work */
  for (guint i = 0; i < open->len; i++)
    {
      g_autofree char *answer = NULL;

      g_assert_true (send_text (g_ptr_array_index (open, i), HEALTH));
      answer = read_answer (g_ptr_array_index (open, i));
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
    }

  /* one closes: a new connection gets in (once the server saw the close) */
  g_ptr_array_remove_index (open, 0);
  for (guint i = 0; i < SAFETY_SECONDS * 10 && !served; i++)
    {
      g_autoptr(GSocket) socket = connect_raw (server);
      g_autofree char *answer = NULL;

      send_text (socket, HEALTH_CLOSE);
      answer = read_to_close (socket);
      served = g_str_has_prefix (answer, "HTTP/1.1 200 ");
      if (!served)
        g_usleep (100 * 1000);
    }
  g_assert_true (served);
}

/* Requests whose length is ambiguous (RFC 9112 §6.1, §6.3) are answered
 * 400 with a JSON error and the connection is closed: the bytes after them
 * are never read as a second request. */
static void
test_ambiguous_framing (void)
{
  static const char *const heads[] = {
    "Content-Length: 48\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: chunked\r\nContent-Length: 48\r\n",
    "Content-Length: 5\r\nContent-Length: 48\r\n",
    "Content-Length: 48\r\nContent-Length: 48\r\n",
    "Content-Length: 5, 5\r\n",
    "Content-Length: +48\r\n",
    "Content-Length: -5\r\n",
    "Content-Length: 0x30\r\n",
    "Content-Length : 48\r\n",
    "Content-Length:\r\n 48\r\n",
    "Transfer-Encoding: xchunked\r\n",
    "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
    "Transfer-Encoding: gzip, chunked\r\n",
  };
  /* the body a chunked reader would stop at, then a smuggled request */
  const char *tail = "0\r\n\r\n" HEALTH;
  g_autoptr(KouanTestServer) server = kouan_test_server_start (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (heads); i++)
    {
      g_autoptr(GSocket) socket = connect_raw (server);
      g_autofree char *request = g_strdup_printf ("POST /api/v1/session HTTP/1.1\r\n"
                                                  "Host: 127.0.0.1\r\n"
                                                  "Content-Type: application/json\r\n"
                                                  "%s\r\n%s", heads[i], tail);
      g_autofree char *answer = NULL;

      g_test_message ("framing: %s", heads[i]);
      send_text (socket, request);
      answer = read_to_close (socket);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
      g_assert_nonnull (strstr (answer, "\r\nConnection: close\r\n"));
      g_assert_nonnull (strstr (answer, "Content-Type: application/json"));
      g_assert_nonnull (strstr (answer, "{\"error\":{\"code\":\"bad_framing\",\"message\":"));
      g_assert_cmpuint (count_answers (answer), ==, 1);
    }

  /* The same bytes with one clear length are two requests. */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    g_autofree char *answer = NULL;

    send_text (socket, "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
                       HEALTH_CLOSE);
    answer = read_to_close (socket);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
    g_assert_nonnull (strstr (answer, "\"invalid_field\""));
    g_assert_cmpuint (count_answers (answer), ==, 2);
  }
  g_assert_cmpuint (health_status (server), ==, 200);
}

#define CHUNKED_LOGIN "POST /api/v1/session HTTP/1.1\r\nHost: 127.0.0.1\r\n" \
                      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"

/* A chunked body is decoded by the connection layer, strictly (RFC 9112
 * §7.1): a well-formed one reaches the route whole and the connection
 * carries the next request; a malformed one is a 400 bad_framing and the
 * end of the connection; one over --max-body a 413. */
static void
test_chunked_bodies (void)
{
  const char *args[] = { "--demo", "--max-body", "64", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  static const char *const malformed[] = {
    "zz\r\n{}\r\n0\r\n\r\n",
    "0x2\r\n{}\r\n0\r\n\r\n",
    "-2\r\n{}\r\n0\r\n\r\n",
    "2;=bad\r\n{}\r\n0\r\n\r\n",
    "2;a=\"open\r\n{}\r\n0\r\n\r\n",
    "2\n{}\r\n0\r\n\r\n",
    "2\r\n{}0\r\n\r\n",
    "2\r\n{}\r\n0\r\nNo colon\r\n\r\n",
    "2\r\n{}\r\n0\r\n folded: x\r\n\r\n",
    "10000000000000000\r\n{}\r\n0\r\n\r\n",
  };

  /* a login in three chunks, with an extension and a trailer, then a
   * pipelined request on the same connection */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    g_autofree char *answer = NULL;

    g_assert_true (send_text (socket, CHUNKED_LOGIN "\r\n"
                                      "b;part=1\r\n{\"account\":\r\n"
                                      "f\r\n\"demo-admin\",\"p\r\n"
                                      "16 ; part=\"3 of 3\"\r\nassword\":\"kouan-demo\"}\r\n"
                                      "0\r\nX-Checksum: none\r\n\r\n"
                                      HEALTH_CLOSE));
    answer = read_to_close (socket);
    g_test_message ("%s", answer);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 200 "));
    g_assert_nonnull (strstr (answer, "\"token\""));
    g_assert_cmpuint (count_answers (answer), ==, 2);
    g_assert_nonnull (strstr (answer, "\"status\""));
  }

  /* the body sent after the server said "100 Continue" */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    g_autofree char *answer = NULL;
    char interim[26] = { 0 };

    g_assert_true (send_text (socket, CHUNKED_LOGIN "Expect: 100-continue\r\n\r\n"));
    g_assert_cmpint (g_socket_receive (socket, interim, 25, NULL, NULL), ==, 25);
    g_assert_cmpstr (interim, ==, "HTTP/1.1 100 Continue\r\n\r\n");
    g_assert_true (send_text (socket, "2\r\n{}\r\n0\r\n\r\n" HEALTH_CLOSE));
    answer = read_to_close (socket);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
    g_assert_nonnull (strstr (answer, "\"invalid_field\""));
    g_assert_cmpuint (count_answers (answer), ==, 2);
  }

  /* malformed: the request after it is never read */
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(GSocket) socket = connect_raw (server);
      g_autofree char *request = g_strconcat (CHUNKED_LOGIN "\r\n", malformed[i], HEALTH, NULL);
      g_autofree char *answer = NULL;

      g_test_message ("chunked: %s", malformed[i]);
      send_text (socket, request);
      answer = read_to_close (socket);
      g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
      g_assert_nonnull (strstr (answer, "\r\nConnection: close\r\n"));
      g_assert_nonnull (strstr (answer, "{\"error\":{\"code\":\"bad_framing\",\"message\":"));
      g_assert_cmpuint (count_answers (answer), ==, 1);
    }

  /* cut short: the client stops sending mid-body */
  {
    g_autoptr(GSocket) socket = connect_raw (server);
    g_autofree char *answer = NULL;

    send_text (socket, CHUNKED_LOGIN "\r\n4\r\n{\"a\"");
    g_socket_shutdown (socket, FALSE, TRUE, NULL);
    answer = read_to_close (socket);
    g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 400 "));
    g_assert_nonnull (strstr (answer, "\"bad_framing\""));
  }

  /* --max-body counts the decoded bytes, across chunks (64 fit, 65 do
   * not), and a size announcing more is refused before its data */
  {
    static const char *const bodies[] = {
      "20\r\n{\"account\":\"x\",\"password\":\"y\"}  \r\n20\r\n                                \r\n0\r\n\r\n",
      "20\r\n{\"account\":\"x\",\"password\":\"y\"}  \r\n21\r\n                                 \r\n0\r\n\r\n",
      "ffffffff\r\n",
    };

    for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
      {
        g_autoptr(GSocket) socket = connect_raw (server);
        g_autofree char *request = g_strconcat (CHUNKED_LOGIN "Connection: close\r\n\r\n", bodies[i], NULL);
        g_autofree char *answer = NULL;

        send_text (socket, request);
        answer = read_to_close (socket);
        if (i == 0)
          g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 401 "));
        else
          {
            g_assert_true (g_str_has_prefix (answer, "HTTP/1.1 413 "));
            g_assert_nonnull (strstr (answer, "\"payload_too_large\""));
          }
      }
  }
  g_assert_cmpuint (health_status (server), ==, 200);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/http/keepalive-closed-by-client", test_closed_keepalive_connections_are_released);
  g_test_add_func ("/http/keepalive-pipelining", test_keepalive_and_pipelining);
  g_test_add_func ("/http/descriptor-exhaustion", test_listener_survives_descriptor_exhaustion);
  g_test_add_func ("/http/timeouts", test_timeouts);
  g_test_add_func ("/http/body-never-sent", test_body_never_sent);
  g_test_add_func ("/http/connections-per-address", test_connections_per_address);
  g_test_add_func ("/http/ambiguous-framing", test_ambiguous_framing);
  g_test_add_func ("/http/chunked-bodies", test_chunked_bodies);
  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gio/gnetworking.h>

#include "kouan-server-connection-private.h"
#include "kouan-server-exchange.h"

#define CONNECTION_KEY "kouan-server-connection"
#define READ_BLOCK     16384

static void connection_wait (KouanServerConnection *self);

/* libsoup's request-finished can no longer find this connection. */
static void
forget_exchange_remote (KouanServerConnection *self)
{
  if (self->exchange_remote == NULL)
    return;
  g_object_set_data (G_OBJECT (self->exchange_remote), CONNECTION_KEY, NULL);
  g_clear_object (&self->exchange_remote);
}

static void connection_abort (KouanServerConnection *self);

static gboolean
on_stall (gpointer user_data)
{
  KouanServerConnection *self = user_data;

  self->timer = 0;
  g_debug ("connection from %s stalled for %u s, closing", self->address,
           self->limits->body_timeout);
  connection_abort (self);
  return G_SOURCE_REMOVE;
}

/* The body timeout runs while the client keeps libsoup waiting. */
void
_kouan_server_connection_stall_begin (KouanServerConnection *self)
{
  if (self->timer == 0 && self->state == STATE_EXCHANGE)
    self->timer = g_timeout_add_seconds (self->limits->body_timeout, on_stall, self);
}

void
_kouan_server_connection_stall_end (KouanServerConnection *self)
{
  if (self->state == STATE_EXCHANGE)
    g_clear_handle_id (&self->timer, g_source_remove);
}

gsize
_kouan_server_connection_deliverable (KouanServerConnection *self,
                                      gsize                  count)
{
  switch (self->phase)
    {
    case PHASE_HEAD:
      return MIN (count, self->head_left);
    case PHASE_BODY:
      return MIN (count, self->body_left);
    case PHASE_UNFRAMED:
    case PHASE_DONE:
    default:
      return count;
    }
}

void
_kouan_server_connection_delivered (KouanServerConnection *self,
                                    gsize                  n)
{
  switch (self->phase)
    {
    case PHASE_HEAD:
      self->head_left -= n;
      if (self->head_left > 0)
        break;
      if (self->body_left > 0)
        self->phase = PHASE_BODY;
      else
        self->phase = self->unframed ? PHASE_UNFRAMED : PHASE_DONE;
      break;
    case PHASE_BODY:
      self->body_left -= n;
      if (self->body_left == 0)
        self->phase = PHASE_DONE;
      break;
    case PHASE_DONE:
      /* Past the request: a WebSocket, which the socket never returns
       * from. */
      self->unframed = TRUE;
      self->phase = PHASE_UNFRAMED;
      break;
    case PHASE_UNFRAMED:
    default:
      break;
    }
}

/* ---- the connection ---- */

KouanServerConnection *
kouan_server_connection_new (SoupServer                *soup,
                             const KouanListenerLimits *limits,
                             GSocket                   *socket,
                             GTlsCertificate           *certificate,
                             KouanConnectionClosedFunc  closed,
                             gpointer                   user_data)
{
  KouanServerConnection *self = g_new0 (KouanServerConnection, 1);

  self->ref_count = 1;
  self->state = STATE_HANDSHAKE;
  self->soup = g_object_ref (soup);
  self->socket = g_object_ref (socket);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->limits = limits;
  self->closed = closed;
  self->closed_data = user_data;
  self->buffer = g_byte_array_new ();
  self->remote = g_socket_get_remote_address (socket, NULL);
  self->local = g_socket_get_local_address (socket, NULL);
  if (self->remote != NULL && G_IS_INET_SOCKET_ADDRESS (self->remote))
    self->address = g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (self->remote)));
  else
    self->address = g_strdup ("unknown");
  return self;
}

KouanServerConnection *
kouan_server_connection_ref (KouanServerConnection *self)
{
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
kouan_server_connection_unref (KouanServerConnection *self)
{
  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_assert (self->read_source == NULL);
  g_assert (self->timer == 0);
  g_clear_object (&self->base);
  g_clear_object (&self->socket);
  g_clear_object (&self->soup);
  forget_exchange_remote (self);
  g_clear_object (&self->remote);
  g_clear_object (&self->local);
  g_clear_object (&self->certificate);
  g_free (self->address);
  g_byte_array_unref (self->buffer);
  g_clear_pointer (&self->chunked_head, g_byte_array_unref);
  g_clear_pointer (&self->chunked_body, g_byte_array_unref);
  g_free (self);
}

const char *
kouan_server_connection_get_address (KouanServerConnection *self)
{
  return self->address;
}

static void
stop_waiting (KouanServerConnection *self)
{
  if (self->read_source != NULL)
    {
      g_source_destroy (self->read_source);
      g_clear_pointer (&self->read_source, g_source_unref);
    }
  g_clear_handle_id (&self->timer, g_source_remove);
}

gboolean
kouan_server_connection_is_idle (KouanServerConnection *self)
{
  return self->state != STATE_EXCHANGE;
}

void
kouan_server_connection_detach (KouanServerConnection *self)
{
  KouanConnectionClosedFunc closed = self->closed;

  self->closed = NULL;
  if (closed != NULL)
    closed (self, self->closed_data);
}

void
kouan_server_connection_close (KouanServerConnection *self)
{
  if (self->state == STATE_CLOSED)
    return;
  if (self->state == STATE_EXCHANGE)
    {
      /* libsoup still holds the exchange: make its next read or write
       * fail; the socket is closed when it lets go. The listener forgets
       * the connection now. */
      kouan_server_connection_detach (self);
      connection_abort (self);
      return;
    }

  self->state = STATE_CLOSED;
  stop_waiting (self);
  forget_exchange_remote (self);
  /* Closing the socket releases the descriptor at once, also under a TLS
   * connection whose own close could block on close_notify. */
  g_socket_close (self->socket, NULL);
  kouan_server_connection_detach (self);
}

/* While libsoup has the exchange: shut the socket down both ways, so that
 * libsoup's pending or next read and write fail and it lets go. */
static void
connection_abort (KouanServerConnection *self)
{
  self->aborted = TRUE;
  self->keep_alive = FALSE;
  g_clear_handle_id (&self->timer, g_source_remove);
  g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
}

void
kouan_server_connection_write_error (GOutputStream *stream,
                                     guint          status,
                                     const char    *reason,
                                     const char    *code,
                                     const char    *message)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *date = soup_date_time_to_string (now, SOUP_DATE_HTTP);
  g_autofree char *body = kouan_server_error_json (code, message);
  g_autofree char *answer = NULL;

  answer = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                            "Date: %s\r\n"
                            "Server: kouan-server/" PACKAGE_VERSION "\r\n"
                            "Content-Type: application/json; charset=utf-8\r\n"
                            "Content-Length: %" G_GSIZE_FORMAT "\r\n"
                            "Connection: close\r\n"
                            "\r\n"
                            "%s",
                            status, reason, date,
                            strlen (body), body);
  /* A fresh answer fits in an empty socket buffer; a client that does not
   * read gets nothing rather than holding the server up. */
  if (G_IS_POLLABLE_OUTPUT_STREAM (stream))
    g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (stream),
                                                answer, strlen (answer), NULL, NULL);
}

static void
refuse (KouanServerConnection *self,
        guint                  status,
        const char            *reason,
        const char            *code,
        const char            *message)
{
  g_debug ("refusing a request from %s: %s", self->address, message);
  kouan_server_connection_write_error (g_io_stream_get_output_stream (self->base),
                                       status, reason, code, message);
  kouan_server_connection_close (self);
}

static void
exchange_begin (KouanServerConnection *self,
                gsize                  head_length,
                const KouanFraming    *framing)
{
  g_autoptr(GIOStream) exchange = NULL;
  g_autoptr(GSocketAddress) remote = NULL;
  g_autoptr(GError) error = NULL;

  stop_waiting (self);
  self->state = STATE_EXCHANGE;
  self->phase = PHASE_HEAD;
  self->head_left = head_length;
  self->body_left = framing->content_length;
  /* A chunked body was decoded already (chunked_feed): libsoup only ever
   * gets a Content-Length. */
  g_assert (!framing->chunked);
  self->unframed = FALSE;
  self->keep_alive = FALSE;
  self->requests++;

  exchange = kouan_server_exchange_new (self);

  /* A fresh address object per exchange carries the way back from
   * SoupServer::request-finished to this connection. */
  forget_exchange_remote (self);
  if (G_IS_INET_SOCKET_ADDRESS (self->remote))
    remote = g_inet_socket_address_new (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (self->remote)),
                                        g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (self->remote)));
  else
    remote = g_object_ref (self->remote);
  self->exchange_remote = g_object_ref (remote);
  g_object_set_data (G_OBJECT (remote), CONNECTION_KEY, self);

  /* libsoup may read, answer and close the exchange before this returns;
   * the release is handled from an idle callback. */
  kouan_server_connection_ref (self);
  if (!soup_server_accept_iostream (self->soup, exchange, self->local, remote, &error))
    {
      g_warning ("libsoup refused a connection: %s", error->message);
      self->state = STATE_WAITING;
      kouan_server_connection_close (self);
    }
  kouan_server_connection_unref (self);
}

/* What libsoup's private soup_server_message_is_keepalive() decides. */
static gboolean
exchange_is_keepalive (SoupServerMessage *msg)
{
  SoupMessageHeaders *request = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *response = soup_server_message_get_response_headers (msg);

  if (soup_message_headers_get_encoding (response) == SOUP_ENCODING_EOF)
    return FALSE;
  if (soup_server_message_get_http_version (msg) == SOUP_HTTP_1_0)
    return soup_message_headers_header_contains (response, "Connection", "Keep-Alive");
  return !soup_message_headers_header_contains (request, "Connection", "close") &&
         !soup_message_headers_header_contains (response, "Connection", "close");
}

void
kouan_server_connection_request_done (SoupServerMessage *msg,
                                      gboolean           keep_alive)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  KouanServerConnection *self;

  if (remote == NULL)
    return;
  self = g_object_get_data (G_OBJECT (remote), CONNECTION_KEY);
  if (self == NULL || self->state != STATE_EXCHANGE)
    return;
  self->keep_alive = keep_alive && exchange_is_keepalive (msg);
}

static gboolean
on_released (gpointer user_data)
{
  KouanServerConnection *self = user_data;

  if (self->state != STATE_EXCHANGE)
    return G_SOURCE_REMOVE;

  g_clear_handle_id (&self->timer, g_source_remove);
  forget_exchange_remote (self);

  /* Reused only when libsoup finished a keep-alive exchange and it took
   * exactly the bytes of its request (not a WebSocket). */
  self->state = STATE_WAITING;
  if (!self->keep_alive || self->aborted || self->unframed || self->phase != PHASE_DONE)
    kouan_server_connection_close (self);
  else
    connection_wait (self);
  return G_SOURCE_REMOVE;
}

void
_kouan_server_connection_exchange_ended (KouanServerConnection *self)
{
  /* May run in a worker thread (see kouan-server-exchange.c): the rest
   * happens in the main thread, out of libsoup's call stack. */
  g_idle_add_full (G_PRIORITY_DEFAULT, on_released, kouan_server_connection_ref (self),
                   (GDestroyNotify) kouan_server_connection_unref);
}

/* ---- waiting for a request head ---- */

static gboolean
on_wait_timeout (gpointer user_data)
{
  KouanServerConnection *self = user_data;

  self->timer = 0;
  g_debug ("closing %s connection from %s after %u requests",
           self->first_byte ? "slow" : "idle", self->address, self->requests);
  kouan_server_connection_close (self);
  return G_SOURCE_REMOVE;
}

/* ---- decoding a chunked body ---- */

/* Decodes what arrived of a chunked body. Once it is complete, libsoup
 * gets the head with "Content-Length" instead of "Transfer-Encoding" and
 * the decoded body: libsoup 3.2 parses chunk sizes with strtoul (taking
 * "zz" for 0, "-2" and "0x2" for sizes) and reads past the last chunk
 * unframed; here the body is parsed strictly (RFC 9112 §7.1) and its end,
 * so a pipelined next request, is known. */
static void
chunked_feed (KouanServerConnection *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) head = NULL;
  KouanFraming framing = { 0 };
  gssize n;

  n = kouan_server_chunked_decode (&self->chunked, self->buffer->data, self->buffer->len,
                                   self->limits->max_body, self->chunked_body, &error);
  if (n < 0)
    {
      if (g_error_matches (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_TOO_LARGE))
        refuse (self, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "Request Entity Too Large",
                "payload_too_large", error->message);
      else
        refuse (self, SOUP_STATUS_BAD_REQUEST, "Bad Request", "bad_framing", error->message);
      return;
    }
  g_byte_array_remove_range (self->buffer, 0, n);
  if (self->chunked.state != KOUAN_CHUNKED_DONE)
    return;

  head = kouan_server_framing_dechunk_head (self->chunked_head->data, self->chunked_head->len,
                                            self->chunked_body->len);
  framing.content_length = self->chunked_body->len;
  /* head, body, then whatever the client pipelined after them */
  g_byte_array_prepend (self->buffer, self->chunked_body->data, self->chunked_body->len);
  g_byte_array_prepend (self->buffer, head->data, head->len);
  g_clear_pointer (&self->chunked_head, g_byte_array_unref);
  g_clear_pointer (&self->chunked_body, g_byte_array_unref);
  exchange_begin (self, head->len, &framing);
}

static void
chunked_begin (KouanServerConnection *self,
               gsize                  head_length,
               const KouanFraming    *framing)
{
  self->state = STATE_CHUNKED;
  self->chunked_head = g_byte_array_sized_new (head_length);
  g_byte_array_append (self->chunked_head, self->buffer->data, head_length);
  g_byte_array_remove_range (self->buffer, 0, head_length);
  self->chunked_body = g_byte_array_new ();
  memset (&self->chunked, 0, sizeof self->chunked);

  /* From here the body timeout applies, as a stall: on_readable() starts
   * it again whenever bytes arrive. */
  g_clear_handle_id (&self->timer, g_source_remove);
  self->timer = g_timeout_add_seconds (self->limits->body_timeout, on_wait_timeout, self);

  /* libsoup would have said it; a client that sent no body yet waits for
   * it (curl, a second). Best effort, like the error answers. */
  if (framing->expect_continue && self->buffer->len == 0)
    {
      static const char go_on[] = "HTTP/1.1 100 Continue\r\n\r\n";

      g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (self->base)),
                                                  go_on, strlen (go_on), NULL, NULL);
    }
  chunked_feed (self);
}

/* Looks for the end of the head in what was read so far; hands the
 * request to libsoup once it is complete. */
static void
check_head (KouanServerConnection *self)
{
  g_autoptr(GError) error = NULL;
  KouanFraming framing;
  gssize end;

  end = kouan_server_framing_find_end (self->buffer->data, self->buffer->len, &self->scanned);
  if (end < 0)
    {
      if (self->buffer->len > KOUAN_MAX_HEAD_SIZE)
        refuse (self, 431, "Request Header Fields Too Large", "headers_too_large",
                "The request head is over 32 KiB");
      return;
    }
  if (!kouan_server_framing_check (self->buffer->data, end, &framing, &error))
    {
      refuse (self, SOUP_STATUS_BAD_REQUEST, "Bad Request", "bad_framing", error->message);
      return;
    }
  if (framing.chunked)
    chunked_begin (self, end, &framing);
  else
    exchange_begin (self, end, &framing);
}

static gboolean
on_readable (GObject *stream,
             gpointer user_data)
{
  KouanServerConnection *self = user_data;
  g_autoptr(GError) error = NULL;
  guint8 block[READ_BLOCK];
  gssize n;

  n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (stream),
                                                block, sizeof block, NULL, &error);
  if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    return G_SOURCE_CONTINUE;
  if (n <= 0)
    {
      /* The client closed (what curl does after its answer) or the
       * connection broke: close our end now. */
      g_clear_pointer (&self->read_source, g_source_unref);
      g_clear_handle_id (&self->timer, g_source_remove);
      /* A client that sent part of a chunked body and shut its sending
       * side learns why nothing else happens. */
      if (n == 0 && self->state == STATE_CHUNKED)
        refuse (self, SOUP_STATUS_BAD_REQUEST, "Bad Request", "bad_framing",
                "The chunked body ends before its last chunk");
      else
        kouan_server_connection_close (self);
      return G_SOURCE_REMOVE;
    }

  g_byte_array_append (self->buffer, block, n);
  if (self->state == STATE_CHUNKED)
    {
      g_clear_handle_id (&self->timer, g_source_remove);
      self->timer = g_timeout_add_seconds (self->limits->body_timeout, on_wait_timeout, self);
      kouan_server_connection_ref (self);
      chunked_feed (self);
      kouan_server_connection_unref (self);
      return G_SOURCE_CONTINUE;
    }
  if (!self->first_byte)
    {
      /* From the first byte of a kept-alive connection's next head, the
       * header timeout applies (a new connection has it from the start). */
      self->first_byte = TRUE;
      if (self->timing_idle)
        {
          g_clear_handle_id (&self->timer, g_source_remove);
          self->timer = g_timeout_add_seconds (self->limits->header_timeout, on_wait_timeout, self);
          self->timing_idle = FALSE;
        }
    }

  kouan_server_connection_ref (self);
  check_head (self);
  kouan_server_connection_unref (self);
  /* check_head() destroyed the source when the head was complete. */
  return G_SOURCE_CONTINUE;
}

static void
connection_wait (KouanServerConnection *self)
{
  GPollableInputStream *input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (self->base));
  gboolean first = self->requests == 0;

  g_assert (self->read_source == NULL);
  self->state = STATE_WAITING;
  self->scanned = 0;
  self->first_byte = self->buffer->len > 0;
  self->aborted = FALSE;
  self->unframed = FALSE;

  if (self->timer == 0)
    {
      /* A new connection has the header timeout from the start (a silent
       * client is a slow one); a kept-alive one the idle timeout until a
       * request begins. */
      self->timing_idle = !first && !self->first_byte;
      self->timer = g_timeout_add_seconds (self->timing_idle ? self->limits->idle_timeout
                                                             : self->limits->header_timeout,
                                           on_wait_timeout, self);
    }

  self->read_source = g_pollable_input_stream_create_source (input, NULL);
  g_source_set_callback (self->read_source, G_SOURCE_FUNC (on_readable), self, NULL);
  g_source_attach (self->read_source, NULL);

  /* A pipelined request may be complete in the buffer already. */
  if (self->buffer->len > 0)
    {
      kouan_server_connection_ref (self);
      check_head (self);
      kouan_server_connection_unref (self);
    }
}

static void
on_handshake (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  KouanServerConnection *self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->state != STATE_HANDSHAKE)
    {
      kouan_server_connection_unref (self);
      return;
    }
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
    {
      g_debug ("TLS handshake with %s failed: %s", self->address, error->message);
      g_clear_handle_id (&self->timer, g_source_remove);
      self->state = STATE_WAITING;
      kouan_server_connection_close (self);
    }
  else
    connection_wait (self);
  kouan_server_connection_unref (self);
}

void
kouan_server_connection_start (KouanServerConnection *self)
{
  g_autoptr(GIOStream) plain = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_set_option (self->socket, IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  plain = G_IO_STREAM (g_socket_connection_factory_create_connection (self->socket));

  if (self->certificate == NULL)
    {
      self->base = g_steal_pointer (&plain);
      connection_wait (self);
      return;
    }

  self->base = g_tls_server_connection_new (plain, self->certificate, &error);
  if (self->base == NULL)
    {
      g_warning ("TLS: %s", error->message);
      self->state = STATE_WAITING;
      kouan_server_connection_close (self);
      return;
    }
  g_object_set (self->base, "require-close-notify", FALSE, NULL);
  /* The handshake counts against the header timeout. */
  self->timer = g_timeout_add_seconds (self->limits->header_timeout, on_wait_timeout, self);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (self->base), G_PRIORITY_DEFAULT, NULL,
                                    on_handshake, kouan_server_connection_ref (self));
}

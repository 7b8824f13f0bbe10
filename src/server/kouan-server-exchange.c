/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-server-connection-private.h"
#include "kouan-server-exchange.h"

/* Both sides are pollable streams that pass through to the connection's
 * base stream; the input side serves the buffered head first and never
 * gives more than the request's framing allows, so bytes of a pipelined
 * next request stay here instead of in libsoup's read buffer. Closing them
 * (libsoup's disconnect) only tells the connection the exchange is over. */

#define KOUAN_TYPE_EXCHANGE_INPUT (kouan_exchange_input_get_type ())
G_DECLARE_FINAL_TYPE (KouanExchangeInput, kouan_exchange_input, KOUAN, EXCHANGE_INPUT, GInputStream)

#define KOUAN_TYPE_EXCHANGE_OUTPUT (kouan_exchange_output_get_type ())
G_DECLARE_FINAL_TYPE (KouanExchangeOutput, kouan_exchange_output, KOUAN, EXCHANGE_OUTPUT, GOutputStream)

struct _KouanExchangeInput
{
  GInputStream           parent_instance;
  KouanServerConnection *connection;  /* owned */
  gint                   released;    /* atomic */
};

struct _KouanExchangeOutput
{
  GOutputStream          parent_instance;
  KouanServerConnection *connection;  /* owned */
};

static void exchange_input_pollable_init (GPollableInputStreamInterface *iface);
static void exchange_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (KouanExchangeInput, kouan_exchange_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      exchange_input_pollable_init))
G_DEFINE_FINAL_TYPE_WITH_CODE (KouanExchangeOutput, kouan_exchange_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      exchange_output_pollable_init))

static gssize
exchange_read (KouanExchangeInput  *self,
               void                *buffer,
               gsize                count,
               gboolean             blocking,
               GCancellable        *cancellable,
               GError             **error)
{
  KouanServerConnection *connection = self->connection;
  GInputStream *base = g_io_stream_get_input_stream (connection->base);
  gsize limit = _kouan_server_connection_deliverable (connection, count);
  gssize n;

  if (limit == 0)
    return 0;

  if (connection->buffer->len > 0)
    {
      n = MIN (limit, connection->buffer->len);
      memcpy (buffer, connection->buffer->data, n);
      g_byte_array_remove_range (connection->buffer, 0, n);
      _kouan_server_connection_delivered (connection, n);
      return n;
    }

  n = g_pollable_stream_read (base, buffer, limit, blocking, cancellable, error);
  if (n > 0)
    {
      if (connection->phase == PHASE_BODY || connection->phase == PHASE_UNFRAMED)
        _kouan_server_connection_stall_end (connection);
      _kouan_server_connection_delivered (connection, n);
    }
  else if (n < 0 && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK) &&
           connection->phase != PHASE_DONE && !connection->unframed)
    _kouan_server_connection_stall_begin (connection);
  return n;
}

static gssize
exchange_input_read_fn (GInputStream  *stream,
                        void          *buffer,
                        gsize          count,
                        GCancellable  *cancellable,
                        GError       **error)
{
  return exchange_read (KOUAN_EXCHANGE_INPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
exchange_input_read_nonblocking (GPollableInputStream  *stream,
                                 void                  *buffer,
                                 gsize                  count,
                                 GError               **error)
{
  return exchange_read (KOUAN_EXCHANGE_INPUT (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
exchange_input_is_readable (GPollableInputStream *stream)
{
  KouanServerConnection *connection = KOUAN_EXCHANGE_INPUT (stream)->connection;

  if (_kouan_server_connection_deliverable (connection, 1) == 0 || connection->buffer->len > 0)
    return TRUE;
  return g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (connection->base)));
}

static GSource *
exchange_input_create_source (GPollableInputStream *stream,
                              GCancellable         *cancellable)
{
  KouanServerConnection *connection = KOUAN_EXCHANGE_INPUT (stream)->connection;
  g_autoptr(GSource) base_source = NULL;

  if (_kouan_server_connection_deliverable (connection, 1) == 0 || connection->buffer->len > 0)
    base_source = g_timeout_source_new (0);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (connection->base)),
                                                         cancellable);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static void
exchange_released (KouanExchangeInput *self)
{
  /* libsoup closes the exchange from its disconnect, or (a WebSocket) with
   * g_io_stream_close_async(), which runs this close in a worker thread:
   * only atomic operations here. */
  if (self->connection == NULL || !g_atomic_int_compare_and_exchange (&self->released, 0, 1))
    return;
  _kouan_server_connection_exchange_ended (self->connection);
}

static gboolean
exchange_input_close_fn (GInputStream  *stream,
                         GCancellable  *cancellable,
                         GError       **error)
{
  /* libsoup is done with the request: the socket stays ours. */
  exchange_released (KOUAN_EXCHANGE_INPUT (stream));
  return TRUE;
}

static void
kouan_exchange_input_dispose (GObject *object)
{
  KouanExchangeInput *self = KOUAN_EXCHANGE_INPUT (object);

  /* A stream dropped without being closed (a WebSocket that was never
   * closed cleanly) ends the exchange too. */
  exchange_released (self);
  G_OBJECT_CLASS (kouan_exchange_input_parent_class)->dispose (object);
}

static void
kouan_exchange_input_finalize (GObject *object)
{
  KouanExchangeInput *self = KOUAN_EXCHANGE_INPUT (object);

  g_clear_pointer (&self->connection, kouan_server_connection_unref);
  G_OBJECT_CLASS (kouan_exchange_input_parent_class)->finalize (object);
}

static void
kouan_exchange_input_class_init (KouanExchangeInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->dispose = kouan_exchange_input_dispose;
  object_class->finalize = kouan_exchange_input_finalize;
  stream_class->read_fn = exchange_input_read_fn;
  stream_class->close_fn = exchange_input_close_fn;
}

static void
kouan_exchange_input_init (KouanExchangeInput *self)
{
}

static void
exchange_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = exchange_input_is_readable;
  iface->create_source = exchange_input_create_source;
  iface->read_nonblocking = exchange_input_read_nonblocking;
}

static gssize
exchange_write (KouanExchangeOutput  *self,
                const void           *buffer,
                gsize                 count,
                gboolean              blocking,
                GCancellable         *cancellable,
                GError              **error)
{
  KouanServerConnection *connection = self->connection;
  GOutputStream *base = g_io_stream_get_output_stream (connection->base);
  gssize n;

  n = g_pollable_stream_write (base, buffer, count, blocking, cancellable, error);
  /* A client that stops reading the answer stalls it like a body. */
  if (n > 0)
    _kouan_server_connection_stall_end (connection);
  else if (n < 0 && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    _kouan_server_connection_stall_begin (connection);
  return n;
}

static gssize
exchange_output_write_fn (GOutputStream  *stream,
                          const void     *buffer,
                          gsize           count,
                          GCancellable   *cancellable,
                          GError        **error)
{
  return exchange_write (KOUAN_EXCHANGE_OUTPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gssize
exchange_output_write_nonblocking (GPollableOutputStream  *stream,
                                   const void             *buffer,
                                   gsize                   count,
                                   GError                **error)
{
  return exchange_write (KOUAN_EXCHANGE_OUTPUT (stream), buffer, count, FALSE, NULL, error);
}

static gboolean
exchange_output_flush (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  KouanServerConnection *connection = KOUAN_EXCHANGE_OUTPUT (stream)->connection;

  return g_output_stream_flush (g_io_stream_get_output_stream (connection->base),
                                cancellable, error);
}

static gboolean
exchange_output_is_writable (GPollableOutputStream *stream)
{
  KouanServerConnection *connection = KOUAN_EXCHANGE_OUTPUT (stream)->connection;

  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (connection->base)));
}

static GSource *
exchange_output_create_source (GPollableOutputStream *stream,
                               GCancellable          *cancellable)
{
  KouanServerConnection *connection = KOUAN_EXCHANGE_OUTPUT (stream)->connection;
  g_autoptr(GSource) base_source =
    g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (connection->base)),
                                            cancellable);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gboolean
exchange_output_close_fn (GOutputStream  *stream,
                          GCancellable   *cancellable,
                          GError        **error)
{
  /* The input side reports the end of the exchange. */
  return TRUE;
}

static void
kouan_exchange_output_finalize (GObject *object)
{
  KouanExchangeOutput *self = KOUAN_EXCHANGE_OUTPUT (object);

  g_clear_pointer (&self->connection, kouan_server_connection_unref);
  G_OBJECT_CLASS (kouan_exchange_output_parent_class)->finalize (object);
}

static void
kouan_exchange_output_class_init (KouanExchangeOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = kouan_exchange_output_finalize;
  stream_class->write_fn = exchange_output_write_fn;
  stream_class->flush = exchange_output_flush;
  stream_class->close_fn = exchange_output_close_fn;
}

static void
kouan_exchange_output_init (KouanExchangeOutput *self)
{
}

static void
exchange_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->is_writable = exchange_output_is_writable;
  iface->create_source = exchange_output_create_source;
  iface->write_nonblocking = exchange_output_write_nonblocking;
}

GIOStream *
kouan_server_exchange_new (KouanServerConnection *connection)
{
  g_autoptr(KouanExchangeInput) input = g_object_new (KOUAN_TYPE_EXCHANGE_INPUT, NULL);
  g_autoptr(KouanExchangeOutput) output = g_object_new (KOUAN_TYPE_EXCHANGE_OUTPUT, NULL);

  input->connection = kouan_server_connection_ref (connection);
  output->connection = kouan_server_connection_ref (connection);
  return g_simple_io_stream_new (G_INPUT_STREAM (input), G_OUTPUT_STREAM (output));
}

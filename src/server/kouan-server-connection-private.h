/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server-connection.h"

G_BEGIN_DECLS

/* The state of a KouanServerConnection, shared with the exchange streams
 * (kouan-server-exchange.c) that carry one request to libsoup. */

typedef enum {
  STATE_HANDSHAKE,   /* TLS handshake under the header timeout */
  STATE_WAITING,     /* ours: waiting for (the rest of) a request head */
  STATE_CHUNKED,     /* ours: decoding a chunked request body */
  STATE_EXCHANGE,    /* libsoup reads the request and writes the answer */
  STATE_CLOSED,
} KouanConnectionState;

/* What the exchange stream may still give libsoup of the request. */
typedef enum {
  PHASE_HEAD,        /* the head, already complete in @buffer */
  PHASE_BODY,        /* Content-Length bytes */
  PHASE_UNFRAMED,    /* the stream after an upgrade (a WebSocket) */
  PHASE_DONE,        /* the request is delivered; more would be the next one */
} KouanConnectionPhase;

struct _KouanServerConnection
{
  gint                       ref_count;
  KouanConnectionState       state;

  /* owned */
  SoupServer                *soup;
  GSocket                   *socket;
  GIOStream                 *base;         /* socket connection, or TLS over it */
  GSocketAddress            *remote;
  GSocketAddress            *local;
  GTlsCertificate           *certificate;  /* (nullable) */
  GSocketAddress            *exchange_remote; /* (nullable) carries CONNECTION_KEY */
  char                      *address;      /* remote IP as text */
  GByteArray                *buffer;       /* read from the client, not yet delivered */
  GSource                   *read_source;  /* STATE_WAITING */
  guint                      timer;        /* the one timeout that applies now */
  GByteArray                *chunked_head; /* STATE_CHUNKED: the head, as the client sent it */
  GByteArray                *chunked_body; /* STATE_CHUNKED: the body decoded so far */
  KouanChunkedDecoder        chunked;
  gboolean                   chunked_continue; /* we answered "100 Continue" */

  /* borrowed */
  const KouanListenerLimits *limits;
  KouanConnectionClosedFunc  closed;
  gpointer                   closed_data;

  /* the request in progress */
  gsize                      scanned;      /* of @buffer, looking for the head's end */
  gboolean                   first_byte;   /* a byte of the head arrived */
  gboolean                   timing_idle;  /* @timer is the idle timeout */
  KouanConnectionPhase       phase;
  guint64                    head_left;
  guint64                    body_left;
  gboolean                   keep_alive;   /* libsoup finished the exchange cleanly */
  gboolean                   unframed;     /* bytes passed without our framing (an upgrade) */
  gboolean                   aborted;      /* shut down while libsoup had it */
  guint                      requests;
};

/* How many of @count bytes the request may still give libsoup. */
gsize  _kouan_server_connection_deliverable   (KouanServerConnection *self,
                                               gsize                  count);
/* @n bytes went to libsoup: moves through head, body and done. */
void   _kouan_server_connection_delivered     (KouanServerConnection *self,
                                               gsize                  n);
/* The body timeout runs while the client keeps libsoup waiting. */
void   _kouan_server_connection_stall_begin   (KouanServerConnection *self);
void   _kouan_server_connection_stall_end     (KouanServerConnection *self);
/* libsoup let go of the exchange; callable from any thread. */
void   _kouan_server_connection_exchange_ended (KouanServerConnection *self);

G_END_DECLS

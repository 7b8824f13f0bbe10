/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server.h"

G_BEGIN_DECLS

/* The connection layer of kouan-server (docs/architecture.md,
 * "Connections"): it accepts, times out and frames HTTP/1.1 connections and
 * hands libsoup one request at a time through soup_server_accept_iostream.
 * libsoup itself never listens. */

#define KOUAN_DEFAULT_IDLE_TIMEOUT       60   /* s, keep-alive without a request */
#define KOUAN_DEFAULT_HEADER_TIMEOUT     20   /* s, first byte → end of the head */
#define KOUAN_DEFAULT_BODY_TIMEOUT       30   /* s, longest stall in a body */
#define KOUAN_DEFAULT_MAX_PER_ADDRESS    128  /* open connections per client address */
#define KOUAN_MAX_HEAD_SIZE              (32 * 1024)

typedef struct {
  guint  idle_timeout;     /* seconds */
  guint  header_timeout;   /* seconds */
  guint  body_timeout;     /* seconds */
  guint  max_per_address;  /* 0: no cap */
  guint64 max_body;        /* bytes of a decoded chunked body; 0: no cap */
} KouanListenerLimits;

#define KOUAN_TYPE_SERVER_LISTENER (kouan_server_listener_get_type ())
G_DECLARE_FINAL_TYPE (KouanServerListener, kouan_server_listener, KOUAN, SERVER_LISTENER, GObject)

/* Binds @address (port 0 picks one) and starts accepting; each request is
 * given to @soup. @certificate (nullable): serve https. */
KouanServerListener *kouan_server_listener_new      (SoupServer                *soup,
                                                     GSocketAddress            *address,
                                                     GTlsCertificate           *certificate,
                                                     const KouanListenerLimits *limits,
                                                     GError                   **error);
guint16              kouan_server_listener_get_port (KouanServerListener       *self);
/* Stops accepting and closes every connection. */
void                 kouan_server_listener_close    (KouanServerListener       *self);

/* kouan-server-framing.c: the request head, read before libsoup sees it. */
typedef struct {
  guint64  content_length;  /* 0 when absent */
  gboolean chunked;
  gboolean expect_continue; /* "Expect: 100-continue" */
} KouanFraming;

/* Offset just past the empty line that ends the head in @data, or -1.
 * @scanned: in, where to start (0, or what an earlier call left there: the
 * start of a line); out, where to resume once more bytes arrived. */
gssize    kouan_server_framing_find_end (const guint8  *data,
                                         gsize          length,
                                         gsize         *scanned);
/* Refuses heads whose body length is ambiguous: Content-Length with
 * Transfer-Encoding, two Content-Lengths, a length that is not 1*DIGIT,
 * a transfer coding other than "chunked", folded lines. */
gboolean  kouan_server_framing_check    (const guint8  *head,
                                         gsize          length,
                                         KouanFraming  *out,
                                         GError       **error);

/* (transfer full) @head, a chunked request's head that
 * kouan_server_framing_check() passed, with its Transfer-Encoding (and
 * "Expect: 100-continue") fields replaced by "Content-Length:
 * @body_length": what libsoup gets with the decoded body. */
GByteArray *kouan_server_framing_dechunk_head (const guint8 *head,
                                               gsize         length,
                                               guint64       body_length);

/* A chunked request body (RFC 9112 §7.1), decoded by the connection
 * before libsoup sees it: libsoup 3.2 reads chunk sizes with strtoul and
 * would take "zz", "-2" or "0x2" for sizes. */
typedef enum {
  KOUAN_CHUNKED_SIZE,      /* at a chunk-size line */
  KOUAN_CHUNKED_DATA,      /* inside chunk data */
  KOUAN_CHUNKED_DATA_END,  /* at the CRLF after chunk data */
  KOUAN_CHUNKED_TRAILER,   /* in the trailer section */
  KOUAN_CHUNKED_DONE,      /* past the empty line that ends it */
} KouanChunkedState;

typedef struct {
  KouanChunkedState state;
  guint64           chunk_left;    /* KOUAN_CHUNKED_DATA */
  gsize             trailer_size;  /* bytes of trailer lines so far */
} KouanChunkedDecoder;

/* Longest chunk-size line (with its extensions) and trailer section. */
#define KOUAN_MAX_CHUNK_LINE     4096

/* Consumes what it can of @data (the bytes after the head, or after what
 * an earlier call consumed), appending chunk data to @body. Returns how
 * many bytes it consumed (an incomplete line is left for the next call;
 * bytes after the body are never consumed), or -1: a syntax error
 * (KOUAN_SERVER_ERROR_FRAMING), or the body would pass @max_body bytes
 * (KOUAN_SERVER_ERROR_TOO_LARGE; 0: no cap). The body is complete when
 * @decoder->state is KOUAN_CHUNKED_DONE. Trailer fields are checked and
 * dropped. Start with a zeroed decoder. */
gssize    kouan_server_chunked_decode   (KouanChunkedDecoder  *decoder,
                                         const guint8         *data,
                                         gsize                 length,
                                         guint64               max_body,
                                         GByteArray           *body,
                                         GError              **error);

G_END_DECLS

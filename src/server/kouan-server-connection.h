/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server-listener.h"

G_BEGIN_DECLS

/* One client connection of the connection layer (kouan-server-listener.c
 * owns them). Between requests the connection is ours: it waits for a
 * request head under a timeout, checks its framing, and only then hands
 * libsoup a stream that carries exactly that one request. libsoup answers
 * and closes that stream; the socket stays open for the next request when
 * the exchange allowed keep-alive. Reference counted, main thread only. */
typedef struct _KouanServerConnection KouanServerConnection;

/* Called once when the connection is closed for good. */
typedef void (*KouanConnectionClosedFunc) (KouanServerConnection *connection,
                                           gpointer               user_data);

KouanServerConnection *kouan_server_connection_new   (SoupServer                *soup,
                                                      const KouanListenerLimits *limits,
                                                      GSocket                   *socket,
                                                      GTlsCertificate           *certificate,
                                                      KouanConnectionClosedFunc  closed,
                                                      gpointer                   user_data);
KouanServerConnection *kouan_server_connection_ref   (KouanServerConnection     *self);
void                   kouan_server_connection_unref (KouanServerConnection     *self);
/* Starts the TLS handshake (if any) and waits for the first request. */
void                   kouan_server_connection_start (KouanServerConnection     *self);
/* The client's address as text, for the per-address count. */
const char            *kouan_server_connection_get_address (KouanServerConnection *self);
/* From SoupServer::request-finished/-aborted: may the socket carry
 * another request once libsoup lets go of it? */
void                   kouan_server_connection_request_done (SoupServerMessage *msg,
                                                             gboolean           keep_alive);
/* Not in an exchange with libsoup (between requests, or closed). */
gboolean               kouan_server_connection_is_idle (KouanServerConnection *self);
/* The closed callback runs now (and never later): at shutdown, for an
 * exchange libsoup still has, like a WebSocket saying goodbye. */
void                   kouan_server_connection_detach (KouanServerConnection *self);
/* Closes now (a request libsoup is working on is aborted). */
void                   kouan_server_connection_close (KouanServerConnection     *self);
/* Writes a complete HTTP error answer with a JSON body ({"error": {"code",
 * "message"}}, like kouan_server_reply_error) and "Connection: close"
 * straight to @stream, without blocking; best effort. */
void                   kouan_server_connection_write_error (GOutputStream *stream,
                                                            guint          status,
                                                            const char    *reason,
                                                            const char    *code,
                                                            const char    *message);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KouanServerConnection, kouan_server_connection_unref)

G_END_DECLS

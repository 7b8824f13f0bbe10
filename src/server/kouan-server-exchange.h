/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "kouan-server-connection.h"

G_BEGIN_DECLS

/* (transfer full): the stream libsoup gets for one request of
 * @connection (soup_server_accept_iostream). Its input gives the buffered
 * head and then no more than the request's framing allows, so a pipelined
 * next request stays with the connection; its output writes through.
 * Closing it ends the exchange, never the socket. */
GIOStream *kouan_server_exchange_new (KouanServerConnection *connection);

G_END_DECLS

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-json.h"
#include "kouan-server.h"

#define ACCEPTED_KEY "kouan-events-accepted"
#define KEEPALIVE_SECONDS 30

/* One open WebSocket on /api/v1/enterprises/{eid}/events. */
typedef struct {
  KouanServer             *server;     /* borrowed */
  SoupWebsocketConnection *connection; /* owned */
  gint64                   enterprise_id;
  gint64                   user_id;
  char                    *token_sha256;
} KouanServerSocket;

typedef struct {
  gint64  enterprise_id;
  gint64  user_id;
  char   *token_sha256;
} Accepted;

static void
accepted_free (Accepted *accepted)
{
  g_free (accepted->token_sha256);
  g_free (accepted);
}

static void
socket_free (KouanServerSocket *socket)
{
  g_signal_handlers_disconnect_by_data (socket->connection, socket);
  g_clear_object (&socket->connection);
  g_free (socket->token_sha256);
  g_free (socket);
}

static void
send_event (KouanServerSocket *socket,
            const char        *type)
{
  g_autoptr(JsonObject) event = json_object_new ();
  g_autofree char *text = NULL;

  if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  json_object_set_string_member (event, "type", type);
  json_object_set_int_member (event, "cursor",
                              kouan_server_db_max_seq (socket->server,
                                                       socket->enterprise_id,
                                                       socket->user_id));
  text = kouan_json_object_to_string (event);
  soup_websocket_connection_send_text (socket->connection, text);
}

static void
on_closed (SoupWebsocketConnection *connection,
           KouanServerSocket       *socket)
{
  /* Frees @socket through the array's free function. */
  g_ptr_array_remove_fast (socket->server->sockets, socket);
}

static void
on_websocket (SoupServer              *server,
              SoupServerMessage       *msg,
              const char              *path,
              SoupWebsocketConnection *connection,
              gpointer                 user_data)
{
  KouanServer *self = user_data;
  Accepted *accepted = g_object_get_data (G_OBJECT (msg), ACCEPTED_KEY);
  KouanServerSocket *socket;

  /* The HTTP handler checked the token and the membership and left this
   * mark; without it the upgrade must not have happened. */
  if (accepted == NULL)
    {
      soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, NULL);
      return;
    }

  socket = g_new0 (KouanServerSocket, 1);
  socket->server = self;
  socket->connection = g_object_ref (connection);
  socket->enterprise_id = accepted->enterprise_id;
  socket->user_id = accepted->user_id;
  socket->token_sha256 = g_strdup (accepted->token_sha256);
  g_ptr_array_add (self->sockets, socket);

  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_SECONDS);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), socket);

  send_event (socket, "hello");
}

void
kouan_server_events_accept (KouanServer       *self,
                            SoupServerMessage *msg,
                            gint64             enterprise_id,
                            const KouanServerSession *session)
{
  g_autoptr(GError) error = NULL;
  Accepted *accepted;

  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "websocket_required",
                                "This route only accepts a WebSocket upgrade: %s",
                                error->message);
      return;
    }

  /* Leaving the status unset lets libsoup's WebSocket handler (same
   * path) complete the upgrade right after this handler returns. */
  accepted = g_new0 (Accepted, 1);
  accepted->enterprise_id = enterprise_id;
  accepted->user_id = session->user_id;
  accepted->token_sha256 = g_strdup (session->token_sha256);
  g_object_set_data_full (G_OBJECT (msg), ACCEPTED_KEY, accepted, (GDestroyNotify) accepted_free);
}

void
kouan_server_events_notify (KouanServer *self,
                            gint64       enterprise_id,
                            gint64       user_id)
{
  for (guint i = 0; i < self->sockets->len; i++)
    {
      KouanServerSocket *socket = g_ptr_array_index (self->sockets, i);

      if (socket->enterprise_id != enterprise_id)
        continue;
      if (user_id != 0 && socket->user_id != user_id)
        continue;
      send_event (socket, "changes");
    }
}

void
kouan_server_events_close_session (KouanServer *self,
                                   const char  *token_sha256)
{
  g_autoptr(GPtrArray) ended = g_ptr_array_new_with_free_func (g_object_unref);

  /* Collected first: closing emits "closed", which edits the array. */
  for (guint i = 0; i < self->sockets->len; i++)
    {
      KouanServerSocket *socket = g_ptr_array_index (self->sockets, i);

      if (g_strcmp0 (socket->token_sha256, token_sha256) == 0)
        g_ptr_array_add (ended, g_object_ref (socket->connection));
    }

  for (guint i = 0; i < ended->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (ended, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                         "session ended");
    }
}

void
kouan_server_events_close_all (KouanServer *self)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new ();

  /* Closing emits "closed" only after the handshake; detach first so the
   * array is not changed while it is walked. */
  for (guint i = 0; i < self->sockets->len; i++)
    g_ptr_array_add (open, g_object_ref (((KouanServerSocket *) g_ptr_array_index (self->sockets, i))->connection));
  g_ptr_array_set_size (self->sockets, 0);

  for (guint i = 0; i < open->len; i++)
    {
      SoupWebsocketConnection *connection = g_ptr_array_index (open, i);

      if (soup_websocket_connection_get_state (connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server stopping");
      g_object_unref (connection);
    }
}

void
kouan_server_events_install (KouanServer *self)
{
  self->sockets = g_ptr_array_new_with_free_func ((GDestroyNotify) socket_free);
  /* Same path as the HTTP handler: it runs first and decides. */
  soup_server_add_websocket_handler (self->soup, NULL, NULL, NULL, on_websocket, self, NULL);
}

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
  gint64                   announced;  /* the last cursor sent */
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
  gint64 cursor;

  if (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;

  cursor = kouan_server_db_max_seq (socket->server, socket->enterprise_id, socket->user_id);
  /* One change can be announced by more than one path (the router after
   * every request, and a feature that touches access itself): a client
   * only needs to hear of each new cursor once. */
  if (g_strcmp0 (type, "changes") == 0 && cursor <= socket->announced)
    return;
  socket->announced = cursor;

  json_object_set_string_member (event, "type", type);
  json_object_set_int_member (event, "cursor", cursor);
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

gint64
kouan_server_events_newest (KouanServer *self)
{
  g_autoptr(GError) error = NULL;
  gint64 seq = 0;

  if (!self->storage->feed->changes_newest_all (self->storage, &seq, &error))
    g_warning ("%s", error->message);
  return seq;
}

/* Whether the change (@enterprise_id, @user_id, @collection) is one the
 * socket's user may see: the enterprise matches, the change is for every
 * member or for this user, and the user may view the collection (the rule
 * of the change feed, kouan-server-sync.c). @allowed caches the permission
 * answers per user and collection for one announcement. */
static gboolean
socket_sees (KouanServerSocket *socket,
             gint64             enterprise_id,
             gint64             user_id,
             const char        *collection,
             GHashTable        *allowed)
{
  const KouanServerCollection *kind;
  g_autofree char *key = NULL;
  gpointer cached;

  if (socket->enterprise_id != enterprise_id)
    return FALSE;
  if (user_id != 0 && user_id != socket->user_id)
    return FALSE;
  kind = kouan_server_collections_lookup (socket->server, collection);
  if (kind == NULL)
    return FALSE;
  if (kind->view_permission == NULL)
    return TRUE;

  key = g_strdup_printf ("%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "/%s",
                         socket->user_id, enterprise_id, collection);
  if (!g_hash_table_lookup_extended (allowed, key, NULL, &cached))
    {
      cached = GINT_TO_POINTER (kouan_server_authz_allows (socket->server, socket->user_id,
                                                           enterprise_id, kind->view_permission));
      g_hash_table_insert (allowed, g_steal_pointer (&key), cached);
    }
  return GPOINTER_TO_INT (cached);
}

void
kouan_server_events_notify_since (KouanServer *self,
                                  gint64       after_seq)
{
  g_autoptr(GHashTable) allowed = NULL;
  g_autoptr(GArray) touched = NULL;
  g_autoptr(GError) error = NULL;
  typedef KouanStoredTouch Touched;

  if (self->sockets == NULL || self->sockets->len == 0)
    return;

  /* The distinct (enterprise, audience, collection) of the new changes:
   * a handful per request, however many records it changed. */
  touched = g_array_new (FALSE, FALSE, sizeof (Touched));
  g_array_set_clear_func (touched, (GDestroyNotify) kouan_stored_touch_clear);
  if (!self->storage->feed->changes_touched (self->storage, after_seq, touched, &error))
    g_warning ("%s", error->message);

  allowed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < self->sockets->len; i++)
    {
      KouanServerSocket *socket = g_ptr_array_index (self->sockets, i);

      for (guint j = 0; j < touched->len; j++)
        {
          Touched *t = &g_array_index (touched, Touched, j);

          if (socket_sees (socket, t->enterprise_id, t->user_id, t->collection, allowed))
            {
              send_event (socket, "changes");
              break;
            }
        }
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

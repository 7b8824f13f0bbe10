/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "kouan-server-connection.h"
#include "kouan-server-listener.h"

/* Why not soup_server_listen(): libsoup 3.2's listener stops accepting
 * for good after the first accept() error (EMFILE when descriptors run
 * out), keeps idle connections forever, and leaks the descriptor of every
 * kept-alive connection the client closes (docs/architecture.md,
 * "Connections"). This accept loop backs off and resumes instead, and
 * gives each connection to KouanServerConnection. */

#define ACCEPT_BATCH       64     /* accepts per wake-up, so requests are served meanwhile */
#define BACKOFF_FIRST_MS   50
#define BACKOFF_MAX_MS     1000

struct _KouanServerListener
{
  GObject              parent_instance;

  /* owned */
  SoupServer          *soup;
  GSocket             *socket;
  GTlsCertificate     *certificate;  /* (nullable) */
  GSource             *accept_source;
  guint                backoff;      /* timer while accept() fails */
  guint                backoff_ms;
  GHashTable          *connections;  /* KouanServerConnection* (owned) */
  GHashTable          *per_address;  /* address text → open connections */
  gulong               finished_handler;
  gulong               aborted_handler;

  KouanListenerLimits  limits;
};

G_DEFINE_FINAL_TYPE (KouanServerListener, kouan_server_listener, G_TYPE_OBJECT)

static void accept_resume (KouanServerListener *self);

static void
on_connection_closed (KouanServerConnection *connection,
                      gpointer               user_data)
{
  KouanServerListener *self = user_data;
  const char *address = kouan_server_connection_get_address (connection);
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));

  if (count <= 1)
    g_hash_table_remove (self->per_address, address);
  else
    g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count - 1));
  /* Drops the listener's reference. */
  g_hash_table_remove (self->connections, connection);
}

static void
take_connection (KouanServerListener *self,
                 GSocket             *socket)
{
  g_autoptr(KouanServerConnection) connection = NULL;
  g_autoptr(GSocketAddress) peer = g_socket_get_remote_address (socket, NULL);
  const char *address;
  guint count;

  /* Gone before it was taken (ENOTCONN): nothing to serve. */
  if (peer == NULL)
    {
      g_socket_close (socket, NULL);
      return;
    }

  connection = kouan_server_connection_new (self->soup, &self->limits, socket, self->certificate,
                                            on_connection_closed, self);
  address = kouan_server_connection_get_address (connection);
  count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_address, address));

  if (self->limits.max_per_address > 0 && count >= self->limits.max_per_address)
    {
      g_debug ("refusing a connection from %s: %u open", address, count);
      /* A plain-HTTP client learns why; a TLS one just sees the close. */
      if (self->certificate == NULL)
        {
          g_autoptr(GSocketConnection) plain = g_socket_connection_factory_create_connection (socket);

          kouan_server_connection_write_error (g_io_stream_get_output_stream (G_IO_STREAM (plain)),
                                               SOUP_STATUS_SERVICE_UNAVAILABLE,
                                               "Service Unavailable",
                                               "too_many_connections",
                                               "Too many open connections from this address");
        }
      g_socket_close (socket, NULL);
      return;
    }

  g_hash_table_insert (self->per_address, g_strdup (address), GUINT_TO_POINTER (count + 1));
  g_hash_table_add (self->connections, kouan_server_connection_ref (connection));
  kouan_server_connection_start (connection);
}

static gboolean
on_backoff (gpointer user_data)
{
  KouanServerListener *self = user_data;

  self->backoff = 0;
  accept_resume (self);
  return G_SOURCE_REMOVE;
}

static gboolean
on_incoming (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  KouanServerListener *self = user_data;

  for (guint i = 0; i < ACCEPT_BATCH; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocket) client = g_socket_accept (socket, NULL, &error);

      if (client != NULL)
        {
          self->backoff_ms = 0;
          take_connection (self, client);
          continue;
        }
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return G_SOURCE_CONTINUE;

      /* EMFILE, ENFILE, ENOBUFS…: the connection waits in the backlog.
       * Stop polling (the socket stays readable) and retry later; closing
       * connections frees descriptors meanwhile. */
      self->backoff_ms = self->backoff_ms == 0 ? BACKOFF_FIRST_MS
                                               : MIN (self->backoff_ms * 2, BACKOFF_MAX_MS);
      if (self->backoff_ms == BACKOFF_FIRST_MS)
        g_warning ("accept: %s; retrying until it works again", error->message);
      g_clear_pointer (&self->accept_source, g_source_unref);
      self->backoff = g_timeout_add (self->backoff_ms, on_backoff, self);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

static void
accept_resume (KouanServerListener *self)
{
  g_assert (self->accept_source == NULL);
  self->accept_source = g_socket_create_source (self->socket, G_IO_IN, NULL);
  g_source_set_callback (self->accept_source, G_SOURCE_FUNC (on_incoming), self, NULL);
  g_source_attach (self->accept_source, NULL);
}

static void
on_request_finished (SoupServer        *soup,
                     SoupServerMessage *msg,
                     gpointer           user_data)
{
  kouan_server_connection_request_done (msg, TRUE);
}

static void
on_request_aborted (SoupServer        *soup,
                    SoupServerMessage *msg,
                    gpointer           user_data)
{
  kouan_server_connection_request_done (msg, FALSE);
}

void
kouan_server_listener_close (KouanServerListener *self)
{
  g_autoptr(GPtrArray) open = NULL;
  GHashTableIter iter;
  gpointer connection;

  if (self->accept_source != NULL)
    {
      g_source_destroy (self->accept_source);
      g_clear_pointer (&self->accept_source, g_source_unref);
    }
  g_clear_handle_id (&self->backoff, g_source_remove);
  if (self->socket != NULL)
    g_socket_close (self->socket, NULL);

  /* Closing edits the table through on_connection_closed(). */
  open = g_ptr_array_new_with_free_func ((GDestroyNotify) kouan_server_connection_unref);
  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, &connection, NULL))
    g_ptr_array_add (open, kouan_server_connection_ref (connection));
  /* Connections between requests close; those libsoup has (WebSockets
   * sending their goodbye at shutdown) are left to it. */
  for (guint i = 0; i < open->len; i++)
    {
      KouanServerConnection *open_connection = g_ptr_array_index (open, i);

      if (kouan_server_connection_is_idle (open_connection))
        kouan_server_connection_close (open_connection);
      else
        kouan_server_connection_detach (open_connection);
    }
  g_hash_table_remove_all (self->connections);
}

static void
kouan_server_listener_dispose (GObject *object)
{
  KouanServerListener *self = KOUAN_SERVER_LISTENER (object);

  kouan_server_listener_close (self);
  if (self->soup != NULL)
    {
      g_clear_signal_handler (&self->finished_handler, self->soup);
      g_clear_signal_handler (&self->aborted_handler, self->soup);
    }
  g_clear_object (&self->soup);
  g_clear_object (&self->socket);
  g_clear_object (&self->certificate);
  G_OBJECT_CLASS (kouan_server_listener_parent_class)->dispose (object);
}

static void
kouan_server_listener_finalize (GObject *object)
{
  KouanServerListener *self = KOUAN_SERVER_LISTENER (object);

  g_hash_table_unref (self->connections);
  g_hash_table_unref (self->per_address);
  G_OBJECT_CLASS (kouan_server_listener_parent_class)->finalize (object);
}

static void
kouan_server_listener_class_init (KouanServerListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kouan_server_listener_dispose;
  object_class->finalize = kouan_server_listener_finalize;
}

static void
kouan_server_listener_init (KouanServerListener *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL,
                                             (GDestroyNotify) kouan_server_connection_unref, NULL);
  self->per_address = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

KouanServerListener *
kouan_server_listener_new (SoupServer                *soup,
                           GSocketAddress            *address,
                           GTlsCertificate           *certificate,
                           const KouanListenerLimits *limits,
                           GError                   **error)
{
  g_autoptr(KouanServerListener) self = g_object_new (KOUAN_TYPE_SERVER_LISTENER, NULL);

  self->soup = g_object_ref (soup);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  self->limits = *limits;

  self->socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                               G_SOCKET_PROTOCOL_TCP, error);
  if (self->socket == NULL)
    return NULL;
  /* accept() must never block the main loop. */
  g_socket_set_blocking (self->socket, FALSE);
  /* GSocket's default backlog of 10 drops the SYNs of a burst of clients
   * (each then waits a second for its retry). */
  g_socket_set_listen_backlog (self->socket, 1024);
  if (!g_socket_bind (self->socket, address, TRUE, error) ||
      !g_socket_listen (self->socket, error))
    return NULL;

  self->finished_handler = g_signal_connect (soup, "request-finished",
                                             G_CALLBACK (on_request_finished), self);
  self->aborted_handler = g_signal_connect (soup, "request-aborted",
                                            G_CALLBACK (on_request_aborted), self);
  accept_resume (self);
  return g_steal_pointer (&self);
}

guint16
kouan_server_listener_get_port (KouanServerListener *self)
{
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (self->socket, NULL);

  if (address == NULL || !G_IS_INET_SOCKET_ADDRESS (address))
    return 0;
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (address));
}

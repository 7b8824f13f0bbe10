/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <glib-unix.h>

#include "kouan-server.h"
#include "kouan-server-listener.h"

typedef struct {
  char     *db_path;
  char     *listen;
  gboolean  demo;
  gint      demo_scale;
  char     *tls_cert;
  char     *tls_key;
  gint64    max_body;
  gint64    session_idle;
  gint64    session_max;
  char     *card_ca;
  gint64    card_challenge_ttl;
  char     *today;
  gboolean  list_routes;
  gint64    certification_delay;
  gint      idle_timeout;
  gint      header_timeout;
  gint      body_timeout;
  gint      max_per_address;
  gint64    image_grace;
  gint64    image_quota_user;
  gint64    image_quota_enterprise;
} Options;

static void
options_clear (Options *options)
{
  g_free (options->db_path);
  g_free (options->listen);
  g_free (options->tls_cert);
  g_free (options->tls_key);
  g_free (options->card_ca);
  g_free (options->today);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Options, options_clear)

static gboolean
parse_options (int       *argc,
               char    ***argv,
               Options   *options,
               GError   **error)
{
  const GOptionEntry entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &options->db_path, "SQLite database file (created if missing), or a postgresql:// URI", "FILE|URI" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &options->listen, "Address to listen on; port 0 picks a free one", "HOST:PORT" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &options->demo, "Seed demo accounts and messages into an empty database", NULL },
    { "demo-scale", 0, 0, G_OPTION_ARG_INT, &options->demo_scale, "With --demo: N notices and N warnings (benchmarks)", "N" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_cert, "PEM certificate; serve https", "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &options->tls_key, "PEM private key for --tls-cert", "FILE" },
    { "card-ca", 0, 0, G_OPTION_ARG_FILENAME, &options->card_ca, "PEM card CA certificate(s); enables IC card login (--demo: the demo card CA)", "FILE" },
    { "max-body", 0, 0, G_OPTION_ARG_INT64, &options->max_body, "Largest accepted request body (default 1 MiB)", "BYTES" },
    { "idle-timeout", 0, 0, G_OPTION_ARG_INT, &options->idle_timeout, "Close a kept-alive connection after SECS without a request (default 60)", "SECS" },
    { "header-timeout", 0, 0, G_OPTION_ARG_INT, &options->header_timeout, "Close a connection whose request head takes over SECS (default 20)", "SECS" },
    { "body-timeout", 0, 0, G_OPTION_ARG_INT, &options->body_timeout, "Close a connection that stalls a body or an answer for SECS (default 30)", "SECS" },
    { "max-connections-per-address", 0, 0, G_OPTION_ARG_INT, &options->max_per_address, "Open connections allowed per client address; 0: no cap (default 128)", "N" },
    /* For tests: sessions that expire within a test's lifetime. */
    { "session-idle", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->session_idle, "Idle session lifetime", "SECS" },
    { "session-max", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->session_max, "Absolute session lifetime", "SECS" },
    { "card-challenge-ttl", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->card_challenge_ttl, "Card login challenge lifetime", "SECS" },
    /* For tests: collect unreferenced images at once; quotas a test fills
     * with a few small images. */
    { "image-grace", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->image_grace, "Keep an image no record refers to for SECS", "SECS" },
    { "image-quota-user", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->image_quota_user, "Bytes of images per user and enterprise", "BYTES" },
    { "image-quota-enterprise", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->image_quota_enterprise, "Bytes of images per enterprise", "BYTES" },
    { "certification-delay", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_INT64, &options->certification_delay, "With --demo: seconds before a certification is decided", "SECS" },
    /* For tests: grant validity on another day (China time). */
    { "today", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &options->today, "Pretend today is DATE (China time)", "YYYY-MM-DD" },
    /* For the authorization matrix test: every route, then exit. */
    { "list-routes", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &options->list_routes, "Print the route table as JSON and exit", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- Kouan server");

  options->max_body = KOUAN_DEFAULT_MAX_BODY;
  options->session_idle = KOUAN_DEFAULT_SESSION_IDLE;
  options->session_max = KOUAN_DEFAULT_SESSION_MAX;
  options->card_challenge_ttl = KOUAN_CARD_CHALLENGE_TTL;
  options->certification_delay = 5;
  options->idle_timeout = KOUAN_DEFAULT_IDLE_TIMEOUT;
  options->header_timeout = KOUAN_DEFAULT_HEADER_TIMEOUT;
  options->body_timeout = KOUAN_DEFAULT_BODY_TIMEOUT;
  options->max_per_address = KOUAN_DEFAULT_MAX_PER_ADDRESS;
  options->image_grace = KOUAN_IMAGE_GRACE;
  options->image_quota_user = KOUAN_IMAGE_QUOTA_USER;
  options->image_quota_enterprise = KOUAN_IMAGE_QUOTA_ENTERPRISE;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  if (options->today != NULL)
    {
      GDate date;

      g_date_clear (&date, 1);
      g_date_set_parse (&date, options->today);
      if (strlen (options->today) != 10 || !g_date_valid (&date))
        {
          g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                               "--today needs a date, YYYY-MM-DD");
          return FALSE;
        }
    }
  if (options->list_routes)
    return TRUE;

  if (options->db_path == NULL || options->listen == NULL)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                           "--db and --listen are required");
      return FALSE;
    }
  /* PostgreSQL serves only the areas behind the storage boundary so far:
   * refuse rather than half-work (docs/architecture.md, "Storage"). The
   * URI is not echoed: it may hold a password. */
  if (kouan_storage_is_postgres_uri (options->db_path))
    {
      g_autofree char *unported = kouan_storage_unported_for (KOUAN_STORAGE_POSTGRES);

      if (unported != NULL)
        {
          g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                       "--db postgresql://: PostgreSQL storage does not serve these areas yet: %s;"
                       " use --db FILE (SQLite)", unported);
          return FALSE;
        }
    }
  if ((options->tls_cert == NULL) != (options->tls_key == NULL))
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                           "--tls-cert and --tls-key go together");
      return FALSE;
    }
  if (options->demo_scale < 0 || options->max_body < 1 ||
      options->session_idle < 1 || options->session_max < 1 ||
      options->card_challenge_ttl < 1 || options->certification_delay < 0 ||
      options->image_grace < 0 || options->image_quota_user < 1 || options->image_quota_enterprise < 1)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                           "--demo-scale, --max-body, the image quotas and the session and challenge lifetimes must be positive");
      return FALSE;
    }
  if (options->idle_timeout < 1 || options->header_timeout < 1 || options->body_timeout < 1 ||
      options->max_per_address < 0)
    {
      g_set_error_literal (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                           "the timeouts must be positive and --max-connections-per-address not negative");
      return FALSE;
    }
  return TRUE;
}

/* "127.0.0.1:8080", "[::1]:0", "localhost:0" → an address to bind and the
 * host text to print. */
static GSocketAddress *
parse_listen (const char  *listen,
              char       **out_host,
              GError     **error)
{
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *host;
  guint16 port;

  connectable = g_network_address_parse (listen, 0, error);
  if (connectable == NULL)
    return NULL;
  host = g_network_address_get_hostname (G_NETWORK_ADDRESS (connectable));
  port = g_network_address_get_port (G_NETWORK_ADDRESS (connectable));
  if (strchr (listen, ':') == NULL)
    {
      g_set_error (error, KOUAN_SERVER_ERROR, KOUAN_SERVER_ERROR_OPTIONS,
                   "--listen needs HOST:PORT, got “%s”", listen);
      return NULL;
    }

  address = g_inet_address_new_from_string (host);
  if (address == NULL)
    {
      g_autoptr(GResolver) resolver = g_resolver_get_default ();
      GList *addresses = g_resolver_lookup_by_name (resolver, host, NULL, error);

      if (addresses == NULL)
        return NULL;
      address = g_object_ref (addresses->data);
      g_resolver_free_addresses (addresses);
    }

  if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV6)
    *out_host = g_strdup_printf ("[%s]", host);
  else
    *out_host = g_strdup (host);
  return g_inet_socket_address_new (address, port);
}

static gboolean
on_signal (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
start (KouanServer  *self,
       Options      *options,
       GError      **error)
{
  g_autoptr(GSocketAddress) address = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GTlsCertificate) certificate = NULL;
  KouanListenerLimits limits = {
    .idle_timeout = options->idle_timeout,
    .header_timeout = options->header_timeout,
    .body_timeout = options->body_timeout,
    .max_per_address = options->max_per_address,
    .max_body = (guint64) options->max_body,
  };

  address = parse_listen (options->listen, &host, error);
  if (address == NULL)
    return FALSE;

  self->soup = soup_server_new ("server-header", "kouan-server/" PACKAGE_VERSION " ", NULL);
  if (options->tls_cert != NULL)
    {
      certificate = g_tls_certificate_new_from_files (options->tls_cert, options->tls_key, error);
      if (certificate == NULL)
        return FALSE;
    }

  kouan_server_sync_install (self);
  kouan_server_routes_install (self);
  kouan_server_events_install (self);

  /* Our own accept loop instead of soup_server_listen(): see
   * kouan-server-listener.c for why. */
  self->listener = G_OBJECT (kouan_server_listener_new (self->soup, address, certificate,
                                                        &limits, error));
  if (self->listener == NULL)
    return FALSE;

  /* Tests and scripts read this first line to find the port. */
  printf ("listening on %s://%s:%u\n", options->tls_cert != NULL ? "https" : "http",
           host, kouan_server_listener_get_port (KOUAN_SERVER_LISTENER (self->listener)));
  if (options->demo)
    kouan_server_demo_print ();
  fflush (stdout);
  return TRUE;
}

/* --list-routes: the route table as JSON, every feature's routes
 * included, and the synced collections with their permissions, for the
 * authorization matrix test: {"routes": [...], "collections": [...]}. */
static int
list_routes (KouanServer *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  const KouanRoute * const *routes;
  guint n_routes;

  if (!kouan_server_db_open (self, ":memory:", &error))
    {
      g_printerr ("kouan-server: %s\n", error->message);
      return 1;
    }
  self->soup = soup_server_new (NULL, NULL);
  kouan_server_sync_install (self);
  kouan_server_routes_install (self);
  kouan_server_events_install (self);

  routes = kouan_server_routes_get (self, &n_routes);
  for (guint i = 0; i < n_routes; i++)
    {
      JsonObject *route = json_object_new ();
      static const char *const access[] = { "public", "session", "member" };

      json_object_set_string_member (route, "method", routes[i]->method);
      json_object_set_string_member (route, "pattern", routes[i]->pattern);
      json_object_set_string_member (route, "access", access[routes[i]->access]);
      if (routes[i]->permission != NULL)
        json_object_set_string_member (route, "permission", routes[i]->permission);
      else
        json_object_set_null_member (route, "permission");
      json_array_add_object_element (array, route);
    }
  /* the synced collections too: the feed must leave out those a member
   * may not view */
  {
    g_autoptr(JsonObject) object = json_object_new ();
    JsonArray *collections = json_array_new ();
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, self->collections);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        const KouanServerCollection *collection = value;
        JsonObject *item = json_object_new ();

        json_object_set_string_member (item, "name", collection->name);
        if (collection->view_permission != NULL)
          json_object_set_string_member (item, "view_permission", collection->view_permission);
        else
          json_object_set_null_member (item, "view_permission");
        if (collection->manage_permission != NULL)
          json_object_set_string_member (item, "manage_permission", collection->manage_permission);
        else
          json_object_set_null_member (item, "manage_permission");
        json_array_add_object_element (collections, item);
      }
    json_object_set_array_member (object, "routes", json_array_ref (array));
    json_object_set_array_member (object, "collections", collections);
    json_node_take_object (root, g_steal_pointer (&object));
  }
  text = json_to_string (root, TRUE);
  printf ("%s\n", text);

  if (self->admin_timer != 0)
    g_source_remove (self->admin_timer);
  g_clear_handle_id (&self->image_timer, g_source_remove);
  g_clear_handle_id (&self->card_timer, g_source_remove);
  g_clear_object (&self->soup);
  g_clear_pointer (&self->sockets, g_ptr_array_unref);
  g_clear_pointer (&self->routes, g_ptr_array_unref);
  g_clear_pointer (&self->collections, g_hash_table_unref);
  kouan_server_db_close (self);
  g_free (self->today);
  return 0;
}

int
kouan_server_app_run (int    argc,
                      char **argv)
{
  g_auto(Options) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  KouanServer self = { 0 };
  guint sigint, sigterm;
  int status = 0;

  setlocale (LC_ALL, "");
  g_set_prgname ("kouan-server");
  /* A client vanishing mid-write must not kill the server. */
  signal (SIGPIPE, SIG_IGN);

  if (!parse_options (&argc, &argv, &options, &error))
    {
      g_printerr ("kouan-server: %s\n", error->message);
      return 2;
    }

  self.max_body = options.max_body;
  self.session_idle = options.session_idle;
  self.session_max = options.session_max;
  self.card_challenge_ttl = options.card_challenge_ttl;
  self.demo = options.demo;
  self.certification_delay = options.certification_delay;
  self.image_grace = options.image_grace;
  self.image_quota_user = options.image_quota_user;
  self.image_quota_enterprise = options.image_quota_enterprise;

  self.today = g_strdup (options.today);
  if (options.list_routes)
    return list_routes (&self);

  if (options.card_ca != NULL)
    {
      char *pem = NULL;
      gsize length = 0;

      if (!g_file_get_contents (options.card_ca, &pem, &length, &error))
        {
          g_printerr ("kouan-server: --card-ca: %s\n", error->message);
          return 1;
        }
      self.card_ca = g_bytes_new_take (pem, length);
      /* A file without a CA certificate would refuse every card as
       * "untrusted": say so at start instead. */
      if (!kouan_server_card_check_ca (self.card_ca, &error))
        {
          g_printerr ("kouan-server: --card-ca %s: %s\n", options.card_ca, error->message);
          g_clear_pointer (&self.card_ca, g_bytes_unref);
          return 2;
        }
    }
  else if (options.demo)
    self.card_ca = kouan_server_demo_card_ca ();

  if (!kouan_server_db_open (&self, options.db_path, &error))
    {
      g_printerr ("kouan-server: %s: %s\n", options.db_path, error->message);
      return 1;
    }

  if (options.demo && (!kouan_server_demo_seed (&self, options.demo_scale, &error) ||
                       !kouan_server_demo_bind_card (&self, &error)))
    {
      g_printerr ("kouan-server: seeding demo data: %s\n", error->message);
      kouan_server_db_close (&self);
      return 1;
    }

  loop = g_main_loop_new (NULL, FALSE);
  sigint = g_unix_signal_add (SIGINT, on_signal, loop);
  sigterm = g_unix_signal_add (SIGTERM, on_signal, loop);

  if (start (&self, &options, &error))
    g_main_loop_run (loop);
  else
    {
      g_printerr ("kouan-server: %s\n", error->message);
      status = 1;
    }

  g_source_remove (sigint);
  g_source_remove (sigterm);

  if (self.sockets != NULL)
    kouan_server_events_close_all (&self);
  if (self.listener != NULL)
    kouan_server_listener_close (KOUAN_SERVER_LISTENER (self.listener));
  g_clear_object (&self.listener);
  if (self.soup != NULL)
    soup_server_disconnect (self.soup);
  g_clear_object (&self.soup);
  g_clear_pointer (&self.sockets, g_ptr_array_unref);
  g_clear_pointer (&self.routes, g_ptr_array_unref);
  g_clear_pointer (&self.collections, g_hash_table_unref);
  kouan_server_db_close (&self);
  g_clear_pointer (&self.card_ca, g_bytes_unref);
  g_clear_pointer (&self.card_challenges_issued, g_hash_table_unref);
  g_clear_pointer (&self.deferred_logins, g_ptr_array_unref);
  g_clear_pointer (&self.passwords_in_flight, g_hash_table_unref);
  if (self.admin_timer != 0)
    g_source_remove (self.admin_timer);
  g_clear_handle_id (&self.image_timer, g_source_remove);
  g_clear_handle_id (&self.card_timer, g_source_remove);
  g_free (self.today);
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan-client.c: the async HTTP/WebSocket client for kouan-server.
 *
 * Every request goes through client_send(): it builds the SoupMessage
 * (bearer token, JSON body), refuses untrusted certificates, and turns
 * transport failures, HTTP statuses and the server's {"error":{"code"}}
 * bodies into KOUAN_API_ERROR codes a caller can act on. The per-route
 * public functions only decode the successful answer. */

#define G_LOG_DOMAIN "kouan-client"

#include "config.h"

#include <string.h>

#include "kouan-card.h"
#include "kouan-client-private.h"
#include "kouan-json.h"

/* KOUAN_API_ERROR is an extended error domain: an error the server sent
 * carries its code ("last_admin") and the field it blamed, so a caller
 * reads them from the GError it was given, never from shared state on
 * the client that a later call may have overwritten. */
typedef struct {
  char *server_code;
  char *field;
} KouanApiErrorPrivate;

static void
kouan_api_error_private_init (KouanApiErrorPrivate *priv)
{
}

static void
kouan_api_error_private_copy (const KouanApiErrorPrivate *src,
                              KouanApiErrorPrivate       *dest)
{
  if (src == NULL || dest == NULL)
    return;
  dest->server_code = g_strdup (src->server_code);
  dest->field = g_strdup (src->field);
}

static void
kouan_api_error_private_clear (KouanApiErrorPrivate *priv)
{
  /* GLib passes the error's own private data (never NULL); the check
   * keeps -Wnull-dereference quiet about its inlined lookup */
  if (priv == NULL)
    return;
  g_free (priv->server_code);
  g_free (priv->field);
  priv->server_code = NULL;
  priv->field = NULL;
}

G_DEFINE_EXTENDED_ERROR (KouanApiError, kouan_api_error)

const char *
kouan_api_error_get_server_code (const GError *error)
{
  KouanApiErrorPrivate *priv = error != NULL ? kouan_api_error_get_private (error) : NULL;

  return priv != NULL ? priv->server_code : NULL;
}

const char *
kouan_api_error_get_field (const GError *error)
{
  KouanApiErrorPrivate *priv = error != NULL ? kouan_api_error_get_private (error) : NULL;

  return priv != NULL ? priv->field : NULL;
}

static GError *
api_error_with_server (GError     *error,
                       const char *server_code,
                       const char *field)
{
  KouanApiErrorPrivate *priv = kouan_api_error_get_private (error);

  if (priv != NULL)
    {
      priv->server_code = g_strdup (server_code);
      priv->field = g_strdup (field);
    }
  return error;
}

/* The change feed may be large (500 full records a page): decode it off the
 * main thread. Other answers are a few hundred bytes. */
#define KOUAN_CLIENT_HTTP_TIMEOUT_S 30

struct _KouanClient
{
  GObject parent_instance;

  /* owned */
  char        *base_url;     /* without a trailing slash */
  char        *token;        /* (nullable), secret: never logged */
  SoupSession *session;      /* plain HTTP requests, with an I/O timeout */
  SoupSession *ws_session;   /* WebSockets: long-lived, no I/O timeout */
  guint        retry_after;  /* seconds from the last 429, 0 if none */
  char        *error_code;   /* (nullable) "code" of the last error answer */
};

G_DEFINE_FINAL_TYPE (KouanClient, kouan_client, G_TYPE_OBJECT)

/* Object ------------------------------------------------------------- */

static void
kouan_client_finalize (GObject *object)
{
  KouanClient *self = KOUAN_CLIENT (object);

  g_clear_pointer (&self->token, _kouan_client_free_secret);
  g_clear_pointer (&self->base_url, g_free);
  g_clear_pointer (&self->error_code, g_free);
  g_clear_object (&self->session);
  g_clear_object (&self->ws_session);

  G_OBJECT_CLASS (kouan_client_parent_class)->finalize (object);
}

static void
kouan_client_class_init (KouanClientClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = kouan_client_finalize;
}

static void
kouan_client_init (KouanClient *self)
{
  g_autofree char *user_agent = g_strdup_printf ("Kouan/%s ", PACKAGE_VERSION);

  self->session = soup_session_new_with_options ("timeout", KOUAN_CLIENT_HTTP_TIMEOUT_S,
                                                 "user-agent", user_agent,
                                                 NULL);
  self->ws_session = soup_session_new_with_options ("user-agent", user_agent, NULL);
}

/**
 * kouan_client_new:
 * @base_url: "http://HOST:PORT" or "https://HOST[:PORT]", optionally with a
 *   path prefix
 *
 * Returns: (transfer full) (nullable): a client, or NULL with
 * KOUAN_API_ERROR_INVALID_URL.
 */
KouanClient *
kouan_client_new (const char *base_url, GError **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  KouanClient *self;
  const char *scheme;
  g_autofree char *normalized = NULL;

  if (base_url == NULL || *base_url == '\0')
    {
      g_set_error_literal (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                           "No server address given");
      return NULL;
    }

  uri = g_uri_parse (base_url, G_URI_FLAGS_NONE, &local_error);
  if (uri == NULL)
    {
      g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                   "“%s” is not a valid server address: %s", base_url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                   "“%s” must start with http:// or https://", base_url);
      return NULL;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                   "“%s” has no host name", base_url);
      return NULL;
    }
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                   "“%s” must be a plain server address", base_url);
      return NULL;
    }

  normalized = g_strdup (base_url);
  while (g_str_has_suffix (normalized, "/"))
    normalized[strlen (normalized) - 1] = '\0';

  self = g_object_new (KOUAN_TYPE_CLIENT, NULL);
  self->base_url = g_steal_pointer (&normalized);
  return self;
}

const char *
kouan_client_get_base_url (KouanClient *self)
{
  g_return_val_if_fail (KOUAN_IS_CLIENT (self), NULL);
  return self->base_url;
}

/**
 * kouan_client_set_ca_file:
 * @path: (nullable): a PEM file of CA certificates, or NULL for the system's
 *
 * The file's CAs are the ones trusted for this client's connections from
 * now on (a self-hosted server with its own CA). A file that cannot be read
 * or holds no certificate is an error and changes nothing.
 */
gboolean
kouan_client_set_ca_file (KouanClient *self, const char *path, GError **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (KOUAN_IS_CLIENT (self), FALSE);

  if (path == NULL)
    {
      database = g_tls_backend_get_default_database (g_tls_backend_get_default ());
    }
  else
    {
      database = g_tls_file_database_new (path, &local_error);
      if (database == NULL)
        {
          g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS,
                       "Cannot use the CA file “%s”: %s", path, local_error->message);
          return FALSE;
        }
    }

  g_object_set (self->session, "tls-database", database, NULL);
  g_object_set (self->ws_session, "tls-database", database, NULL);
  return TRUE;
}

void
kouan_client_set_token (KouanClient *self, const char *token)
{
  g_return_if_fail (KOUAN_IS_CLIENT (self));

  if (self->token == token)
    return;
  g_clear_pointer (&self->token, _kouan_client_free_secret);
  self->token = g_strdup (token);
}

const char *
kouan_client_get_token (KouanClient *self)
{
  g_return_val_if_fail (KOUAN_IS_CLIENT (self), NULL);
  return self->token;
}

guint
kouan_client_get_retry_after (KouanClient *self)
{
  g_return_val_if_fail (KOUAN_IS_CLIENT (self), 0);
  return self->retry_after;
}

/* Requests ------------------------------------------------------------ */

/* Decodes a successful answer and returns the task's result. */
typedef void (*KouanResponseHandler) (GTask *task, GBytes *body);

typedef struct {
  SoupMessage          *message;
  KouanResponseHandler  handler;
  gint64                enterprise_id;   /* for the change feed */
  gboolean              is_login;
  GTlsCertificateFlags  tls_errors;
} KouanRequest;

static void
kouan_request_free (KouanRequest *request)
{
  /* libsoup may keep the message a little longer than we keep @request. */
  if (request->message != NULL)
    g_signal_handlers_disconnect_by_data (request->message, request);
  g_clear_object (&request->message);
  g_free (request);
}

/* Certificates libsoup could not verify are refused, always: the user can
 * configure a CA file for a self-hosted server instead. Remember why, so
 * the error tells. */
static gboolean
on_accept_certificate (SoupMessage          *message,
                       GTlsCertificate      *certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  KouanRequest *request = user_data;

  request->tls_errors = errors;
  return FALSE;
}

static const char *
describe_tls_errors (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return "the server's certificate is not signed by a trusted authority";
  if (flags & G_TLS_CERTIFICATE_BAD_IDENTITY)
    return "the server's certificate is for another host name";
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return "the server's certificate has expired";
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return "the server's certificate is not valid yet";
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return "the server's certificate has been revoked";
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return "the server's certificate uses an insecure algorithm";
  return "the server's certificate could not be verified";
}

/* Transport failure (no HTTP status) → KouanApiError. Cancellation stays
 * G_IO_ERROR_CANCELLED so callers can tell it apart. */
static GError *
map_transport_error (KouanRequest *request, GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_error_copy (error);

  if (error->domain == G_TLS_ERROR || request->tls_errors != 0)
    {
      if (request->tls_errors != 0)
        return g_error_new (KOUAN_API_ERROR, KOUAN_API_ERROR_TLS,
                            "Secure connection refused: %s", describe_tls_errors (request->tls_errors));
      return g_error_new (KOUAN_API_ERROR, KOUAN_API_ERROR_TLS,
                          "Secure connection failed: %s", error->message);
    }

  if (error->domain == G_IO_ERROR || error->domain == G_RESOLVER_ERROR)
    return g_error_new (KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK,
                        "Cannot reach the server: %s", error->message);

  /* SOUP_SESSION_ERROR and the like: the peer spoke something that is not
   * (valid) HTTP. */
  return g_error_new (KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                      "The server's answer could not be read: %s", error->message);
}

static KouanApiError
status_to_code (guint status, const char *code, gboolean is_login)
{
  switch (status)
    {
    case SOUP_STATUS_BAD_REQUEST:
      return KOUAN_API_ERROR_BAD_REQUEST;
    case SOUP_STATUS_UNAUTHORIZED:
      /* On a login route every 401 is a refused credential: a password, or
       * a card (docs/api.md names the card's reasons; see
       * kouan_client_get_error_code). */
      if (g_strcmp0 (code, "invalid_credentials") == 0 || is_login)
        return KOUAN_API_ERROR_INVALID_CREDENTIALS;
      return KOUAN_API_ERROR_UNAUTHORIZED;
    case SOUP_STATUS_FORBIDDEN:
      return KOUAN_API_ERROR_FORBIDDEN;
    case SOUP_STATUS_NOT_FOUND:
      return KOUAN_API_ERROR_NOT_FOUND;
    case SOUP_STATUS_CONFLICT:
      return KOUAN_API_ERROR_CONFLICT;
    case SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE:
      return KOUAN_API_ERROR_TOO_LARGE;
    case 429: /* Too Many Requests: not in libsoup 3.2's enum */
      return KOUAN_API_ERROR_THROTTLED;
    default:
      if (status >= 500 && status < 600)
        return KOUAN_API_ERROR_SERVER;
      if (status >= 400 && status < 500)
        return KOUAN_API_ERROR_BAD_REQUEST;
      return KOUAN_API_ERROR_INVALID_RESPONSE;
    }
}

/* HTTP error status → KouanApiError, using the server's error code and
 * message from the body when it sent one. */
static GError *
map_status_error (KouanClient *self, KouanRequest *request, GBytes *body)
{
  guint status = soup_message_get_status (request->message);
  g_autoptr(JsonObject) object = NULL;
  const char *code = NULL;
  const char *message = NULL;
  const char *field = NULL;
  KouanApiError api_code;

  if (body != NULL && g_bytes_get_size (body) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (body, &size);

      object = kouan_json_parse_object (data, size, NULL);
    }
  if (object != NULL)
    {
      JsonObject *error_object = NULL;

      if (kouan_json_get_object (object, "error", &error_object, NULL))
        {
          kouan_json_get_string (error_object, "code", &code, NULL);
          kouan_json_get_string (error_object, "message", &message, NULL);
          kouan_json_get_opt_string (error_object, "field", &field, NULL);
        }
    }

  api_code = status_to_code (status, code, request->is_login);
  g_free (self->error_code);
  self->error_code = g_strdup (code);

  if (api_code == KOUAN_API_ERROR_THROTTLED)
    {
      const char *header = soup_message_headers_get_one (soup_message_get_response_headers (request->message),
                                                         "Retry-After");
      guint64 seconds = 0;

      if (header != NULL && g_ascii_string_to_unsigned (header, 10, 0, G_MAXUINT, &seconds, NULL))
        self->retry_after = (guint) seconds;
      else
        self->retry_after = 60;
      return api_error_with_server (g_error_new (KOUAN_API_ERROR, api_code,
                                                 "Too many attempts; try again in %u seconds",
                                                 self->retry_after), code, field);
    }

  if (message != NULL)
    return api_error_with_server (g_error_new (KOUAN_API_ERROR, api_code, "%s (HTTP %u, %s)", message,
                                               status, code != NULL ? code : "no code"), code, field);
  return api_error_with_server (g_error_new (KOUAN_API_ERROR, api_code, "The server answered HTTP %u %s",
                                             status, soup_status_get_phrase (status)), code, field);
}

static void
on_send_and_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KouanClient *self = g_task_get_source_object (task);
  KouanRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) body = NULL;
  guint status;

  body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);
  if (body == NULL)
    {
      g_debug ("%s %s failed: %s", soup_message_get_method (request->message),
               g_uri_get_path (soup_message_get_uri (request->message)), error->message);
      g_task_return_error (task, map_transport_error (request, error));
      return;
    }

  status = soup_message_get_status (request->message);
  g_debug ("%s %s -> %u", soup_message_get_method (request->message),
           g_uri_get_path (soup_message_get_uri (request->message)), status);
  if (status < 200 || status >= 300)
    {
      g_task_return_error (task, map_status_error (self, request, body));
      return;
    }

  self->retry_after = 0;
  g_clear_pointer (&self->error_code, g_free);
  request->handler (task, body);
}

static SoupMessage *
client_new_message (KouanClient  *self,
                    const char   *method,
                    const char   *path,
                    JsonNode     *body,
                    GError      **error)
{
  g_autofree char *url = g_strconcat (self->base_url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  SoupMessageHeaders *headers;

  if (message == NULL)
    {
      g_set_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL,
                   "Cannot build a request for “%s”", url);
      return NULL;
    }

  headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (self->token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", value);
      _kouan_client_wipe_secret (value);
    }

  if (body != NULL)
    {
      char *text = kouan_json_to_string (body);
      gsize length = strlen (text);
      /* The login body holds the password: wipe it when libsoup is done. */
      g_autoptr(GBytes) bytes = g_bytes_new_with_free_func (text, length,
                                                            (GDestroyNotify) _kouan_client_free_secret, text);

      soup_message_set_request_body_from_bytes (message, "application/json; charset=utf-8", bytes);
    }

  return g_steal_pointer (&message);
}

static void client_dispatch (KouanClient          *self,
                             GTask                *task,
                             SoupMessage          *message,
                             gboolean              is_login,
                             gint64                enterprise_id,
                             KouanResponseHandler  handler);

/* Takes ownership of @task; sends and eventually calls @handler with the
 * body of a 2xx answer, or returns the mapped error on the task. */
static void
client_send (KouanClient          *self,
             GTask                *task,
             const char           *method,
             const char           *path,
             JsonNode             *body,
             gboolean              is_login,
             gint64                enterprise_id,
             KouanResponseHandler  handler)
{
  GError *error = NULL;
  SoupMessage *message;

  message = client_new_message (self, method, path, body, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  client_dispatch (self, task, message, is_login, enterprise_id, handler);
}

/* Takes ownership of @task and @message and sends it. */
static void
client_dispatch (KouanClient          *self,
                 GTask                *task,
                 SoupMessage          *message,
                 gboolean              is_login,
                 gint64                enterprise_id,
                 KouanResponseHandler  handler)
{
  KouanRequest *request;

  request = g_new0 (KouanRequest, 1);
  request->message = message;
  request->handler = handler;
  request->is_login = is_login;
  request->enterprise_id = enterprise_id;
  g_task_set_task_data (task, request, (GDestroyNotify) kouan_request_free);

  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), request);
  soup_session_send_and_read_async (self->session, message, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    on_send_and_read, task);
}

/* Parses a 2xx body as a JSON object, or returns INVALID_RESPONSE on @task. */
static JsonObject *
parse_body (GTask *task, GBytes *body)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object;

  object = kouan_json_parse_object (data != NULL ? data : "", size, &error);
  if (object == NULL)
    g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                             "The server's answer is not valid: %s", error->message);
  return object;
}

static void
return_invalid (GTask *task, GError *error)
{
  g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                           "The server's answer is not valid: %s", error->message);
}

/* Login / session ------------------------------------------------------ */

static void
handle_session (GTask *task, GBytes *body)
{
  KouanClient *self = g_task_get_source_object (task);
  KouanRequest *request = g_task_get_task_data (task);
  g_autoptr(JsonObject) object = parse_body (task, body);
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(GError) error = NULL;

  if (object == NULL)
    return;

  session = kouan_session_new_from_json (object, &error);
  if (session == NULL)
    {
      return_invalid (task, error);
      return;
    }

  if (request->is_login)
    {
      if (session->token == NULL || *session->token == '\0')
        {
          g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                                   "The server's login answer has no token");
          return;
        }
      kouan_client_set_token (self, session->token);
    }
  else if (session->token == NULL)
    {
      session->token = g_strdup (self->token);
    }

  g_task_return_pointer (task, g_steal_pointer (&session), (GDestroyNotify) kouan_session_free);
}

void
kouan_client_login_async (KouanClient         *self,
                          const char          *account,
                          const char          *password,
                          GCancellable        *cancellable,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (account != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_login_async);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "account");
  json_builder_add_string_value (builder, account);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* A login never carries an older session's token. */
  kouan_client_set_token (self, NULL);
  client_send (self, task, "POST", "/api/v1/session", body, TRUE, 0, handle_session);

  /* json-glib copied the password into its own string nodes: clear it
   * there too before the builder's tree is freed. */
  {
    JsonObject *object = json_node_get_object (body);
    JsonNode *password_node = json_object_get_member (object, "password");
    char *copy = (char *) json_node_get_string (password_node);

    _kouan_client_wipe_secret (copy);
  }
}

KouanSession *
kouan_client_login_finish (KouanClient   *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kouan_client_get_session_async (KouanClient         *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_get_session_async);
  client_send (self, task, "GET", "/api/v1/session", NULL, FALSE, 0, handle_session);
}

KouanSession *
kouan_client_get_session_finish (KouanClient   *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* IC card login -------------------------------------------------------- */

static void
handle_card_challenge (GTask *task, GBytes *body)
{
  g_autoptr(JsonObject) object = parse_body (task, body);
  g_autoptr(GError) error = NULL;
  const char *text;
  guchar *data;
  gsize length = 0;

  if (object == NULL)
    return;
  if (!kouan_json_get_string (object, "challenge", &text, &error))
    {
      return_invalid (task, error);
      return;
    }
  data = g_base64_decode (text, &length);
  /* The card signs 16 to 64 bytes; anything else cannot be answered. */
  if (length < KOUAN_CARD_CHALLENGE_MIN || length > KOUAN_CARD_CHALLENGE_MAX)
    {
      g_free (data);
      g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                               "The server's card challenge has %" G_GSIZE_FORMAT " bytes", length);
      return;
    }
  g_task_return_pointer (task, g_bytes_new_take (data, length), (GDestroyNotify) g_bytes_unref);
}

void
kouan_client_card_challenge_async (KouanClient         *self,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));

  /* an empty object; take_object keeps no extra reference (init_object
   * would, and the new object leaked) */
  json_node_take_object (body, json_object_new ());
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_card_challenge_async);
  client_send (self, task, "POST", "/api/v1/session/card-challenge", body, FALSE, 0,
               handle_card_challenge);
}

GBytes *
kouan_client_card_challenge_finish (KouanClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
add_base64_member (JsonBuilder *builder,
                   const char  *name,
                   GBytes      *bytes)
{
  gsize length;
  const guchar *data = g_bytes_get_data (bytes, &length);
  g_autofree char *text = g_base64_encode (data, length);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

void
kouan_client_card_login_async (KouanClient         *self,
                               GBytes              *challenge,
                               GBytes              *certificate,
                               GBytes              *signature,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (challenge != NULL && certificate != NULL && signature != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_card_login_async);

  json_builder_begin_object (builder);
  add_base64_member (builder, "challenge", challenge);
  add_base64_member (builder, "certificate", certificate);
  add_base64_member (builder, "signature", signature);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  /* A login never carries an older session's token. */
  kouan_client_set_token (self, NULL);
  client_send (self, task, "POST", "/api/v1/session/card", body, TRUE, 0, handle_session);
}

KouanSession *
kouan_client_card_login_finish (KouanClient   *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

const char *
kouan_client_get_error_code (KouanClient *self)
{
  g_return_val_if_fail (KOUAN_IS_CLIENT (self), NULL);
  return self->error_code;
}

static void
handle_logout (GTask *task, GBytes *body)
{
  KouanClient *self = g_task_get_source_object (task);

  kouan_client_set_token (self, NULL);
  g_task_return_boolean (task, TRUE);
}

void
kouan_client_logout_async (KouanClient         *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_logout_async);
  client_send (self, task, "DELETE", "/api/v1/session", NULL, FALSE, 0, handle_logout);
}

gboolean
kouan_client_logout_finish (KouanClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* Change feed ----------------------------------------------------------- */

static void
decode_page_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  GBytes *body = task_data;
  gint64 enterprise_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (task), "enterprise-id"));
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  KouanChangePage *page;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  /* The strict single-pass reader (kouan-json-parser.c), off the main
   * thread: a page of 1000 records is the biggest thing Kouan parses. */
  object = kouan_json_parse_object (data != NULL ? data : "", size, &error);
  if (object == NULL)
    {
      return_invalid (task, error);
      return;
    }

  page = kouan_change_page_new_from_json (enterprise_id, object, &error);
  if (page == NULL)
    return_invalid (task, error);
  else
    g_task_return_pointer (task, page, (GDestroyNotify) kouan_change_page_free);
}

static void
on_page_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  KouanChangePage *page;

  page = g_task_propagate_pointer (G_TASK (result), &error);
  if (page == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, page, (GDestroyNotify) kouan_change_page_free);
}

/* Up to 500 full records: decode in a worker so the UI stays smooth. */
static void
handle_changes (GTask *task, GBytes *body)
{
  KouanRequest *request = g_task_get_task_data (task);
  g_autoptr(GTask) decode = NULL;

  decode = g_task_new (g_task_get_source_object (task), g_task_get_cancellable (task),
                       on_page_decoded, g_object_ref (task));
  g_task_set_source_tag (decode, handle_changes);
  g_task_set_task_data (decode, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
  g_object_set_data (G_OBJECT (decode), "enterprise-id",
                     GSIZE_TO_POINTER ((gsize) request->enterprise_id));
  g_task_run_in_thread (decode, decode_page_thread);
}

void
kouan_client_fetch_changes_async (KouanClient         *self,
                                  gint64               enterprise_id,
                                  gint64               since,
                                  guint                limit,
                                  KouanFetchFlags      flags,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (enterprise_id > 0);
  g_return_if_fail (since >= 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_fetch_changes_async);

  limit = CLAMP (limit == 0 ? 500 : limit, 1, 1000);
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/changes?since=%"
                          G_GINT64_FORMAT "&limit=%u%s", enterprise_id, since, limit,
                          (flags & KOUAN_FETCH_COUNT) ? "&count=1" : "");
  client_send (self, task, "GET", path, NULL, FALSE, enterprise_id, handle_changes);
}

KouanChangePage *
kouan_client_fetch_changes_finish (KouanClient   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Mutations ------------------------------------------------------------- */

static void
handle_mutations (GTask *task, GBytes *body)
{
  g_autoptr(JsonObject) object = parse_body (task, body);
  g_autoptr(GError) error = NULL;
  JsonArray *results = NULL;

  if (object == NULL)
    return;
  if (!kouan_json_get_array (object, "results", &results, &error))
    {
      return_invalid (task, error);
      return;
    }
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      if (!JSON_NODE_HOLDS_OBJECT (json_array_get_element (results, i)))
        {
          g_task_return_new_error (task, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_RESPONSE,
                                   "The server's answer is not valid: results[%u] is not an object", i);
          return;
        }
    }
  g_task_return_pointer (task, json_array_ref (results), (GDestroyNotify) json_array_unref);
}

void
kouan_client_push_mutations_async (KouanClient         *self,
                                   gint64               enterprise_id,
                                   JsonArray           *mutations,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  GTask *task;
  g_autofree char *path = NULL;
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(JsonNode) body = json_node_new (JSON_NODE_OBJECT);

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (enterprise_id > 0);
  g_return_if_fail (mutations != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_push_mutations_async);

  json_object_set_array_member (object, "mutations", json_array_ref (mutations));
  json_node_set_object (body, object);
  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations", enterprise_id);
  client_send (self, task, "POST", path, body, FALSE, enterprise_id, handle_mutations);
}

JsonArray *
kouan_client_push_mutations_finish (KouanClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Feature routes -------------------------------------------------------- */

static void
handle_call (GTask *task, GBytes *body)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  /* 204 and other empty answers have no JSON: the caller gets NULL. */
  if (size == 0)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }
  root = kouan_json_parse (data, size, &error);
  if (root == NULL)
    {
      return_invalid (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&root), (GDestroyNotify) json_node_unref);
}

void
kouan_client_call_async (KouanClient         *self,
                         const char          *method,
                         const char          *path,
                         JsonNode            *body,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (method != NULL && path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_call_async);
  client_send (self, task, method, path, body, FALSE, 0, handle_call);
}

JsonNode *
kouan_client_call_finish (KouanClient   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

void
kouan_client_upload_async (KouanClient         *self,
                           const char          *path,
                           const char          *content_type,
                           GBytes              *data,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  GTask *task;
  GError *error = NULL;
  SoupMessage *message;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (path != NULL && content_type != NULL && data != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_upload_async);
  message = client_new_message (self, "POST", path, NULL, &error);
  if (message == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  soup_message_set_request_body_from_bytes (message, content_type, data);
  client_dispatch (self, task, message, FALSE, 0, handle_call);
}

JsonNode *
kouan_client_upload_finish (KouanClient   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
handle_download (GTask *task, GBytes *body)
{
  g_task_return_pointer (task, g_bytes_ref (body), (GDestroyNotify) g_bytes_unref);
}

void
kouan_client_download_async (KouanClient         *self,
                             const char          *path,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_download_async);
  client_send (self, task, "GET", path, NULL, FALSE, 0, handle_download);
}

GBytes *
kouan_client_download_finish (KouanClient   *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Events WebSocket ------------------------------------------------------ */

static void
on_websocket_connected (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  KouanClient *self = g_task_get_source_object (task);
  KouanRequest *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *connection;
  guint status;

  connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (connection != NULL)
    {
      /* Pings every 30 s notice a dead peer (suspended laptop, dropped
       * NAT entry) that would otherwise look connected forever. */
      soup_websocket_connection_set_keepalive_interval (connection, 30);
      g_task_return_pointer (task, connection, g_object_unref);
      return;
    }

  /* A refused upgrade carries an ordinary HTTP error status (401, 404). */
  status = soup_message_get_status (request->message);
  if (status >= 300 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, map_status_error (self, request, NULL));
      return;
    }

  g_task_return_error (task, map_transport_error (request, error));
}

void
kouan_client_connect_events_async (KouanClient         *self,
                                   gint64               enterprise_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  KouanRequest *request;
  SoupMessage *message;
  GUri *uri;
  g_autoptr(GUri) ws_uri = NULL;

  g_return_if_fail (KOUAN_IS_CLIENT (self));
  g_return_if_fail (enterprise_id > 0);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, kouan_client_connect_events_async);

  path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/events", enterprise_id);
  message = client_new_message (self, "GET", path, NULL, &error);
  if (message == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Same host and port, ws:// or wss:// for the upgrade. */
  uri = soup_message_get_uri (message);
  ws_uri = soup_uri_copy (uri,
                          SOUP_URI_SCHEME,
                          g_ascii_strcasecmp (g_uri_get_scheme (uri), "https") == 0 ? "wss" : "ws",
                          SOUP_URI_NONE);
  soup_message_set_uri (message, ws_uri);

  request = g_new0 (KouanRequest, 1);
  request->message = message;
  request->enterprise_id = enterprise_id;
  g_task_set_task_data (task, request, (GDestroyNotify) kouan_request_free);
  g_signal_connect (message, "accept-certificate", G_CALLBACK (on_accept_certificate), request);

  soup_session_websocket_connect_async (self->ws_session, message, NULL, NULL,
                                        G_PRIORITY_DEFAULT, cancellable,
                                        on_websocket_connected, g_steal_pointer (&task));
}

SoupWebsocketConnection *
kouan_client_connect_events_finish (KouanClient   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

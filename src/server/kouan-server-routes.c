/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-server.h"

#define BODY_SIZE_KEY "kouan-body-size"

void
kouan_server_reply_json (SoupServerMessage *msg,
                         guint              status,
                         JsonObject        *object)
{
  g_autofree char *text = kouan_json_object_to_string (object);
  gsize length = strlen (text);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  /* Every JSON answer is about someone (a token, a profile, an
   * enterprise's records) or says who may see what: no cache, shared or
   * the client's own, may keep a copy (docs/architecture.md, "Hardening
   * decisions"). */
  if (soup_message_headers_get_one (headers, "Cache-Control") == NULL)
    soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&text), length);
}

static JsonObject *
error_object (const char *code,
              const char *message)
{
  JsonObject *reply = json_object_new ();
  JsonObject *error = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (reply, "error", error);
  return reply;
}

char *
kouan_server_error_json (const char *code,
                         const char *message)
{
  g_autoptr(JsonObject) reply = error_object (code, message);

  return kouan_json_object_to_string (reply);
}

void
kouan_server_reply_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *code,
                          const char        *format,
                          ...)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  reply = error_object (code, message);
  kouan_server_reply_json (msg, status, reply);
}

JsonObject *
kouan_server_read_body (SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize length = 0;
  const char *data = g_bytes_get_data (bytes, &length);

  if (length == 0)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_json",
                                "The request has no body");
      return NULL;
    }
  if (!g_utf8_validate (data, length, NULL))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_json",
                                "The body is not UTF-8");
      return NULL;
    }

  object = kouan_json_parse_object (data, length, &error);
  if (object == NULL)
    {
      kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_json",
                                "%s", error->message);
      return NULL;
    }
  return object;
}

static void
reply_too_large (KouanServer       *self,
                 SoupServerMessage *msg)
{
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  /* Keep reading (the client is still sending) but store nothing, and
   * close the connection after answering. */
  soup_message_body_set_accumulate (body, FALSE);
  soup_message_body_truncate (body);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Connection", "close");
  kouan_server_reply_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE,
                            "payload_too_large",
                            "The request body is over %" G_GINT64_FORMAT " bytes",
                            self->max_body);
}

static void
on_got_headers (SoupServerMessage *msg,
                KouanServer       *self)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);

  if (soup_server_message_get_status (msg) != 0)
    return;

  /* Refuse a declared oversize body before reading it: with
   * "Expect: 100-continue" the client never sends it at all. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > self->max_body)
    reply_too_large (self, msg);
}

static void
on_got_chunk (SoupServerMessage *msg,
              GBytes            *chunk,
              KouanServer       *self)
{
  gint64 size = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (msg), BODY_SIZE_KEY));

  /* A chunked body has no declared length: count as it arrives. */
  size += g_bytes_get_size (chunk);
  g_object_set_data (G_OBJECT (msg), BODY_SIZE_KEY, GSIZE_TO_POINTER ((gsize) MIN (size, G_MAXSSIZE)));

  if (size > self->max_body && soup_server_message_get_status (msg) == 0)
    reply_too_large (self, msg);
}

static void
on_request_started (SoupServer        *server,
                    SoupServerMessage *msg,
                    KouanServer       *self)
{
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), self);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), self);
}

static void
reply_method_not_allowed (SoupServerMessage *msg,
                          const char        *allow)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                "Allow", allow);
  kouan_server_reply_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "method_not_allowed",
                            "This route takes %s", allow);
}

static void
reply_not_found (SoupServerMessage *msg)
{
  kouan_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found", "Not found");
}

/* Parses a path segment as a positive record id; anything else (sign,
 * spaces, leading zeros, overflow) is not an id. */
static gboolean
parse_id (const char *text,
          gint64     *out)
{
  guint64 value;

  if (text == NULL || text[0] < '1' || text[0] > '9')
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXINT64, &value, NULL))
    return FALSE;
  *out = (gint64) value;
  return TRUE;
}

/* ---- the routes of the foundation ---- */

static void
handle_health (KouanRequest *req)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  json_object_set_string_member (reply, "status", "ok");
  json_object_set_string_member (reply, "version", PACKAGE_VERSION);
  kouan_server_reply_json (req->msg, SOUP_STATUS_OK, reply);
}

static void
handle_session (KouanRequest *req)
{
  /* Login (POST) needs no token; GET and DELETE check theirs inside. */
  kouan_server_auth_session (req->server, req->msg, req->method);
}

static void
handle_card_challenge (KouanRequest *req)
{
  kouan_server_card_challenge (req->server, req->msg);
}

static void
handle_card_login (KouanRequest *req)
{
  kouan_server_card_login (req->server, req->msg);
}

static void
handle_changes (KouanRequest *req)
{
  kouan_server_sync_changes (req->server, req->msg, req->query,
                             req->enterprise_id, req->session.user_id);
}

static void
handle_mutations (KouanRequest *req)
{
  kouan_server_sync_mutations (req->server, req->msg,
                               req->enterprise_id, req->session.user_id);
}

static void
handle_events (KouanRequest *req)
{
  kouan_server_events_accept (req->server, req->msg, req->enterprise_id, &req->session);
}

static const KouanRoute foundation_routes[] = {
  { "GET",    "/api/v1/health",                       KOUAN_ROUTE_PUBLIC, NULL, handle_health },
  { "POST",   "/api/v1/session",                      KOUAN_ROUTE_PUBLIC, NULL, handle_session },
  { "GET",    "/api/v1/session",                      KOUAN_ROUTE_PUBLIC, NULL, handle_session },
  { "DELETE", "/api/v1/session",                      KOUAN_ROUTE_PUBLIC, NULL, handle_session },
  { "POST",   "/api/v1/session/card-challenge",       KOUAN_ROUTE_PUBLIC, NULL, handle_card_challenge },
  { "POST",   "/api/v1/session/card",                 KOUAN_ROUTE_PUBLIC, NULL, handle_card_login },
  { "GET",    "/api/v1/enterprises/{eid}/changes",    KOUAN_ROUTE_MEMBER, NULL, handle_changes },
  { "POST",   "/api/v1/enterprises/{eid}/mutations",  KOUAN_ROUTE_MEMBER, NULL, handle_mutations },
  { "GET",    "/api/v1/enterprises/{eid}/events",     KOUAN_ROUTE_MEMBER, NULL, handle_events },
};

/* ---- the router ---- */

void
kouan_server_routes_add (KouanServer      *self,
                         const KouanRoute *routes,
                         guint             n_routes)
{
  for (guint i = 0; i < n_routes; i++)
    {
      /* A route with a permission must say which enterprise it is about. */
      g_assert (routes[i].permission == NULL || routes[i].access == KOUAN_ROUTE_MEMBER);
      g_assert (routes[i].access != KOUAN_ROUTE_MEMBER ||
                strstr (routes[i].pattern, "/{eid}") != NULL);
      g_ptr_array_add (self->routes, (gpointer) &routes[i]);
    }
}

const KouanRoute * const *
kouan_server_routes_get (KouanServer *self,
                         guint       *n_routes)
{
  *n_routes = self->routes->len;
  return (const KouanRoute * const *) self->routes->pdata;
}

/* Matches @parts (the path split on "/") against @pattern; {eid} and {id}
 * segments must be record ids and are stored in @req. */
static gboolean
route_matches (const char   *pattern,
               char * const *parts,
               KouanRequest *req)
{
  g_auto(GStrv) want = g_strsplit (pattern, "/", -1);
  guint n = g_strv_length (want);

  if (n != g_strv_length ((GStrv) parts))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      if (g_strcmp0 (want[i], "{eid}") == 0)
        {
          if (!parse_id (parts[i], &req->enterprise_id))
            return FALSE;
        }
      else if (g_strcmp0 (want[i], "{id}") == 0)
        {
          if (!parse_id (parts[i], &req->record_id))
            return FALSE;
        }
      else if (g_strcmp0 (want[i], parts[i]) != 0)
        return FALSE;
    }

  return TRUE;
}

/* Token, membership and permission, in that order. An enterprise the user
 * is not in answers exactly like one that does not exist, so ids cannot be
 * probed. */
static gboolean
check_access (KouanServer      *self,
              const KouanRoute *route,
              KouanRequest     *req)
{
  if (route->access == KOUAN_ROUTE_PUBLIC)
    return TRUE;

  if (!kouan_server_auth_check (self, req->msg, &req->session))
    return FALSE;

  if (route->access == KOUAN_ROUTE_SESSION)
    return TRUE;

  if (!kouan_server_db_is_member (self, req->session.user_id, req->enterprise_id))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                "No such enterprise");
      return FALSE;
    }

  if (route->permission != NULL &&
      !kouan_server_authz_allows (self, req->session.user_id, req->enterprise_id,
                                  route->permission))
    {
      kouan_server_reply_error (req->msg, SOUP_STATUS_FORBIDDEN, "forbidden",
                                "Your roles in this enterprise do not allow this");
      return FALSE;
    }

  return TRUE;
}

/* A query parameter is decoded into a C string, so "limit=1%002" would
 * quietly read as "1": a NUL anywhere in the query is refused instead
 * (400, after the access checks like any other parameter error). */
static gboolean
query_is_text (SoupServerMessage *msg)
{
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  if (query == NULL || strstr (query, "%00") == NULL)
    return TRUE;
  kouan_server_reply_error (msg, SOUP_STATUS_BAD_REQUEST, "invalid_field",
                            "The query holds a NUL character");
  return FALSE;
}

static void
reply_if_db_failed (KouanServer       *self,
                    SoupServerMessage *msg)
{
  g_autoptr(GError) error = NULL;

  if (!kouan_server_db_failed (self, &error))
    return;
  /* already logged by kouan_server_db_row; whatever the handler answered
   * is replaced (set_response appends: empty the body first), in the
   * shape of every other error */
  kouan_server_db_failure_clear (self);
  soup_message_body_truncate (soup_server_message_get_response_body (msg));
  kouan_server_reply_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "internal",
                            "The server could not read its data; try again later");
}

static void
handle_request (SoupServer        *server,
                SoupServerMessage *msg,
                const char        *path,
                GHashTable        *query,
                gpointer           user_data)
{
  KouanServer *self = user_data;
  g_auto(GStrv) parts = NULL;
  g_autoptr(GString) allow = NULL;
  const char *method = soup_server_message_get_method (msg);

  /* The body limit was already answered while reading. */
  if (soup_server_message_get_status (msg) != 0)
    return;

  parts = g_strsplit (path, "/", -1);

  for (guint i = 0; i < self->routes->len; i++)
    {
      const KouanRoute *route = g_ptr_array_index (self->routes, i);
      g_auto(KouanRequest) req = { 0 };

      req.server = self;
      req.msg = msg;
      req.query = query;
      req.method = method;

      if (!route_matches (route->pattern, parts, &req))
        continue;

      if (g_strcmp0 (route->method, method) != 0)
        {
          /* Same path, other method: collect them for 405's Allow. */
          if (allow == NULL)
            allow = g_string_new (route->method);
          else if (strstr (allow->str, route->method) == NULL)
            g_string_append_printf (allow, ", %s", route->method);
          continue;
        }

      /* A read that fails (kouan_server_db_row) marks the request: its
       * reply would be built on part of the rows, so it becomes a 500. */
      kouan_server_db_failure_clear (self);
      if (check_access (self, route, &req) && query_is_text (msg))
        {
          /* Whatever the route changed is announced to every socket that
           * may see it (docs/api.md, events), not only the caller's. */
          gint64 before = kouan_server_events_newest (self);

          route->handler (&req);
          if (kouan_server_events_newest (self) != before)
            kouan_server_events_notify_since (self, before);
        }
      reply_if_db_failed (self, msg);
      return;
    }

  if (allow != NULL)
    reply_method_not_allowed (msg, allow->str);
  else
    reply_not_found (msg);
}

void
kouan_server_request_clear (KouanRequest *req)
{
  kouan_server_session_clear (&req->session);
}

void
kouan_server_routes_install (KouanServer *self)
{
  if (self->routes == NULL)
    self->routes = g_ptr_array_new ();
  kouan_server_routes_add (self, foundation_routes, G_N_ELEMENTS (foundation_routes));
  kouan_server_insurance_install (self);
  kouan_server_admin_install (self);
  kouan_server_personal_install (self);
  kouan_server_card_install (self);
  kouan_server_enterprise_install (self);

  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
}

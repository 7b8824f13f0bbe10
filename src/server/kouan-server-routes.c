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

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json; charset=utf-8",
                                    SOUP_MEMORY_TAKE, g_steal_pointer (&text), length);
}

void
kouan_server_reply_error (SoupServerMessage *msg,
                          guint              status,
                          const char        *code,
                          const char        *format,
                          ...)
{
  g_autoptr(JsonObject) reply = json_object_new ();
  JsonObject *error = json_object_new ();
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (reply, "error", error);
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

static gboolean
method_is (SoupServerMessage *msg,
           const char        *method)
{
  return g_strcmp0 (soup_server_message_get_method (msg), method) == 0;
}

static void
handle_health (SoupServerMessage *msg)
{
  g_autoptr(JsonObject) reply = json_object_new ();

  if (!method_is (msg, SOUP_METHOD_GET))
    {
      reply_method_not_allowed (msg, "GET");
      return;
    }
  json_object_set_string_member (reply, "status", "ok");
  json_object_set_string_member (reply, "version", PACKAGE_VERSION);
  kouan_server_reply_json (msg, SOUP_STATUS_OK, reply);
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

static void
handle_enterprise (KouanServer       *self,
                   SoupServerMessage *msg,
                   const char        *id_text,
                   const char        *action,
                   GHashTable        *query)
{
  g_auto(KouanServerSession) session = { 0 };
  const char *method;
  gint64 enterprise_id;

  if (g_strcmp0 (action, "changes") == 0 || g_strcmp0 (action, "events") == 0)
    method = SOUP_METHOD_GET;
  else if (g_strcmp0 (action, "mutations") == 0)
    method = SOUP_METHOD_POST;
  else
    {
      reply_not_found (msg);
      return;
    }

  if (!method_is (msg, method))
    {
      reply_method_not_allowed (msg, method);
      return;
    }

  if (!kouan_server_auth_check (self, msg, &session))
    return;

  /* An enterprise the user is not in answers exactly like one that does
   * not exist, so ids cannot be probed. */
  if (!parse_id (id_text, &enterprise_id) ||
      !kouan_server_db_is_member (self, session.user_id, enterprise_id))
    {
      kouan_server_reply_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                                "No such enterprise");
      return;
    }

  if (g_strcmp0 (action, "changes") == 0)
    kouan_server_sync_changes (self, msg, query, enterprise_id, session.user_id);
  else if (g_strcmp0 (action, "mutations") == 0)
    kouan_server_sync_mutations (self, msg, enterprise_id, session.user_id);
  else
    kouan_server_events_accept (self, msg, enterprise_id, &session);
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
  guint n_parts;

  /* The body limit was already answered while reading. */
  if (soup_server_message_get_status (msg) != 0)
    return;

  /* "/api/v1/x/y" splits into "", "api", "v1", "x", "y" */
  parts = g_strsplit (path, "/", 8);
  n_parts = g_strv_length (parts);

  if (n_parts < 4 || g_strcmp0 (parts[1], "api") != 0 || g_strcmp0 (parts[2], "v1") != 0)
    reply_not_found (msg);
  else if (n_parts == 4 && g_strcmp0 (parts[3], "health") == 0)
    handle_health (msg);
  else if (n_parts == 4 && g_strcmp0 (parts[3], "session") == 0)
    {
      const char *method = soup_server_message_get_method (msg);

      if (method == SOUP_METHOD_POST || method == SOUP_METHOD_GET ||
          method == SOUP_METHOD_DELETE)
        kouan_server_auth_session (self, msg, method);
      else
        reply_method_not_allowed (msg, "GET, POST, DELETE");
    }
  else if (n_parts == 5 && g_strcmp0 (parts[3], "session") == 0 &&
           (g_strcmp0 (parts[4], "card-challenge") == 0 || g_strcmp0 (parts[4], "card") == 0))
    {
      if (soup_server_message_get_method (msg) != SOUP_METHOD_POST)
        reply_method_not_allowed (msg, "POST");
      else if (g_strcmp0 (parts[4], "card") == 0)
        kouan_server_card_login (self, msg);
      else
        kouan_server_card_challenge (self, msg);
    }
  else if (n_parts == 6 && g_strcmp0 (parts[3], "enterprises") == 0)
    handle_enterprise (self, msg, parts[4], parts[5], query);
  else
    reply_not_found (msg);
}

void
kouan_server_routes_install (KouanServer *self)
{
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started), self);
  soup_server_add_handler (self->soup, NULL, handle_request, self, NULL);
}

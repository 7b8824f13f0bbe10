/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The abuse cases of the hardening issue, each as its abuser or its victim
 * would notice it: live pushes reach every member who may see a change
 * (and nobody else), card challenges are limited per address and in all,
 * a card's public certificate cannot lock its owner out, sessions per user
 * are capped, token-carrying answers are not cacheable, password hashing
 * does not hold up other requests, and uploaded images are decoded and
 * stored as a fresh encoding. Requests from other client addresses use
 * the rest of 127.0.0.0/8 (SoupSession:local-address). */
#include "config.h"

#include <string.h>

#include <gdk-pixbuf/gdk-pixbuf.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-test-card-keys.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"

#define PASSWORD "kouan-demo"

static const char *demo_args[] = { "--demo", NULL };

/* ---- HTTP from a chosen client address ------------------------------ */

static GHashTable *sessions;   /* local address → SoupSession */

static SoupSession *
session_from (const char *local)
{
  SoupSession *session;

  if (sessions == NULL)
    sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  session = g_hash_table_lookup (sessions, local);
  if (session == NULL)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (local);
      g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (address, 0);

      g_assert_nonnull (address);
      session = g_object_new (SOUP_TYPE_SESSION, "local-address", socket_address,
                              "timeout", 35, NULL);
      g_hash_table_insert (sessions, g_strdup (local), session);
    }
  return session;
}

typedef struct {
  guint       status;
  GBytes     *body;
  JsonObject *json;      /* (nullable) */
  char       *cache_control;
  char       *retry_after;
  char       *content_type;
  char       *nosniff;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->body, g_bytes_unref);
  g_clear_pointer (&reply->json, json_object_unref);
  g_clear_pointer (&reply->cache_control, g_free);
  g_clear_pointer (&reply->retry_after, g_free);
  g_clear_pointer (&reply->content_type, g_free);
  g_clear_pointer (&reply->nosniff, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Reply, reply_clear)

static void
http (KouanTestServer *server,
      const char      *local,
      const char      *method,
      const char      *path,
      const char      *token,
      const void      *body,
      gsize            length,
      Reply           *out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  g_autoptr(GError) error = NULL;
  SoupMessageHeaders *headers;

  if (token != NULL)
    {
      g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);

      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, length);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  out->body = soup_session_send_and_read (session_from (local != NULL ? local : "127.0.0.1"),
                                          msg, NULL, &error);
  g_assert_no_error (error);
  out->status = soup_message_get_status (msg);
  headers = soup_message_get_response_headers (msg);
  out->cache_control = g_strdup (soup_message_headers_get_one (headers, "Cache-Control"));
  out->retry_after = g_strdup (soup_message_headers_get_one (headers, "Retry-After"));
  out->content_type = g_strdup (soup_message_headers_get_content_type (headers, NULL));
  out->nosniff = g_strdup (soup_message_headers_get_one (headers, "X-Content-Type-Options"));
  if (out->content_type != NULL && strcmp (out->content_type, "application/json") == 0)
    out->json = kouan_json_parse_object (g_bytes_get_data (out->body, NULL),
                                         g_bytes_get_size (out->body), NULL);
}

static const char *
error_code (const Reply *reply)
{
  JsonObject *error;

  g_assert_nonnull (reply->json);
  error = json_object_get_object_member (reply->json, "error");
  g_assert_nonnull (error);
  return json_object_get_string_member (error, "code");
}

static char *
login_from (KouanTestServer *server,
            const char      *local,
            const char      *account)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *body = g_strdup_printf ("{\"account\":\"%s\",\"password\":\"%s\"}", account, PASSWORD);

  http (server, local, "POST", "/api/v1/session", NULL, body, strlen (body), &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  return g_strdup (json_object_get_string_member (reply.json, "token"));
}

static gint64
mutate (KouanTestServer *server,
        const char      *token,
        gint64           enterprise_id,
        const char      *collection,
        const char      *op,
        gint64           record_id,
        const char      *fields)
{
  static guint serial;
  g_auto(Reply) reply = { 0 };
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations", enterprise_id);
  g_autofree char *body = g_strdup_printf ("{\"mutations\":[{\"id\":\"hardening-%u\",\"collection\":\"%s\","
                                           "\"op\":\"%s\",\"record_id\":%" G_GINT64_FORMAT ",\"fields\":%s}]}",
                                           ++serial, collection, op, record_id, fields);
  JsonObject *result;

  http (server, NULL, "POST", path, token, body, strlen (body), &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (reply.json, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return json_object_get_int_member (reply.json, "cursor");
}

/* The collections of the changes @token's user gets after @since. */
static char *
pulled_collections (KouanTestServer *server,
                    const char      *token,
                    gint64           enterprise_id,
                    gint64           since)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/changes?since=%" G_GINT64_FORMAT,
                                           enterprise_id, since);
  g_autoptr(GString) names = g_string_new (NULL);
  JsonArray *changes;

  http (server, NULL, "GET", path, token, NULL, 0, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  changes = json_object_get_array_member (reply.json, "changes");
  for (guint i = 0; i < json_array_get_length (changes); i++)
    {
      const char *name = json_object_get_string_member (json_array_get_object_element (changes, i), "collection");

      if (strstr (names->str, name) == NULL)
        g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "", name);
    }
  return g_string_free (g_steal_pointer (&names), FALSE);
}

/* ---- waiting without a clock ---------------------------------------- */

static gboolean
on_hang (gpointer data)
{
  g_error ("The server did not answer within 30 s: %s", (const char *) data);
  return G_SOURCE_REMOVE;
}

/* Iterates the default context until @done returns TRUE; a hang (30 s)
 * aborts the test instead of passing or failing it on timing. */
static void
wait_until (gboolean   (*done) (gpointer),
            gpointer     data,
            const char  *what)
{
  guint guard = g_timeout_add_seconds (30, on_hang, (gpointer) what);

  while (!done (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (guard);
}

/* ---- WebSocket listeners -------------------------------------------- */

typedef struct {
  SoupSession             *session;
  SoupWebsocketConnection *connection;
  GError                  *error;
  GPtrArray               *events;   /* JsonObject*, as received */
  gint64                   wanted;   /* for has_cursor() */
} Listener;

static void
listener_free (Listener *listener)
{
  if (listener->connection != NULL &&
      soup_websocket_connection_get_state (listener->connection) == SOUP_WEBSOCKET_STATE_OPEN)
    soup_websocket_connection_close (listener->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_clear_object (&listener->connection);
  g_clear_object (&listener->session);
  g_clear_error (&listener->error);
  g_ptr_array_unref (listener->events);
  g_free (listener);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Listener, listener_free)

static void
on_message (SoupWebsocketConnection *connection,
            int                      type,
            GBytes                  *message,
            Listener                *listener)
{
  JsonObject *event = kouan_json_parse_object (g_bytes_get_data (message, NULL),
                                               g_bytes_get_size (message), NULL);

  g_assert_nonnull (event);
  g_ptr_array_add (listener->events, event);
}

static void
on_connected (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Listener *listener = user_data;

  listener->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result,
                                                                &listener->error);
  if (listener->connection != NULL)
    g_signal_connect (listener->connection, "message", G_CALLBACK (on_message), listener);
}

static gboolean
has_events (gpointer data)
{
  Listener *listener = data;

  return listener->error != NULL || listener->events->len > 0;
}

static gint64
event_cursor (Listener *listener,
              guint     index)
{
  return json_object_get_int_member (g_ptr_array_index (listener->events, index), "cursor");
}

static gboolean
has_cursor (gpointer data)
{
  Listener *listener = data;

  for (guint i = 0; i < listener->events->len; i++)
    if (event_cursor (listener, i) >= listener->wanted)
      return TRUE;
  return FALSE;
}

/* Connects to {eid}/events as @token's user and waits for "hello". */
static Listener *
listen_to (KouanTestServer *server,
           const char      *token,
           gint64           enterprise_id)
{
  Listener *listener = g_new0 (Listener, 1);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/events",
                                          kouan_test_server_get_url (server), enterprise_id);
  g_autofree char *bearer = g_strdup_printf ("Bearer %s", token);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

  listener->session = soup_session_new ();
  listener->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", bearer);
  soup_session_websocket_connect_async (listener->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        NULL, on_connected, listener);
  wait_until (has_events, listener, "WebSocket hello");
  g_assert_no_error (listener->error);
  g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (listener->events, 0), "type"),
                   ==, "hello");
  return listener;
}

/* Waits until @listener has been told of @cursor (or a later one). */
static void
wait_for_cursor (Listener   *listener,
                 gint64      cursor,
                 const char *what)
{
  listener->wanted = cursor;
  wait_until (has_cursor, listener, what);
}

static gint64
feed_cursor (KouanTestServer *server,
             const char      *token,
             gint64           enterprise_id)
{
  g_auto(Reply) reply = { 0 };
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/changes?since=0&limit=1000",
                                           enterprise_id);
  gint64 cursor;

  /* The feed pages; follow it to its end. */
  http (server, NULL, "GET", path, token, NULL, 0, &reply);
  g_assert_cmpuint (reply.status, ==, 200);
  cursor = json_object_get_int_member (reply.json, "cursor");
  while (json_object_get_boolean_member (reply.json, "more"))
    {
      g_free (path);
      path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                              enterprise_id, cursor);
      reply_clear (&reply);
      http (server, NULL, "GET", path, token, NULL, 0, &reply);
      g_assert_cmpuint (reply.status, ==, 200);
      cursor = json_object_get_int_member (reply.json, "cursor");
    }
  return cursor;
}

/* A showcase link made by demo-admin is announced to every member of the
 * enterprise; an enterprise setting only to those who may view settings;
 * a user's own star only to that user; nothing to another enterprise. */
static void
test_push_reaches_members (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *admin = login_from (server, NULL, "demo-admin");
  g_autofree char *staff = login_from (server, NULL, "demo-staff");
  g_autofree char *user = login_from (server, NULL, "demo-user01");
  g_autofree char *other = login_from (server, NULL, "demo-other");
  g_autoptr(Listener) admin_1 = listen_to (server, admin, 1);
  g_autoptr(Listener) staff_1 = listen_to (server, staff, 1);
  g_autoptr(Listener) user_1 = listen_to (server, user, 1);
  g_autoptr(Listener) other_2 = listen_to (server, other, 2);
  g_autofree char *seen = NULL;
  gint64 staff_hello = event_cursor (staff_1, 0);
  gint64 link, staff_cursor, user_cursor, settings;

  /* everyone in enterprise 1 hears of the link */
  link = mutate (server, admin, 1, "showcase_links", "create", -1,
                 "{\"title\":\"推送测试\",\"url\":\"https://www.example.cn\"}");
  staff_cursor = feed_cursor (server, staff, 1);
  user_cursor = feed_cursor (server, user, 1);
  g_assert_cmpint (staff_cursor, >, staff_hello);
  wait_for_cursor (admin_1, link, "the link, to its author");
  wait_for_cursor (staff_1, staff_cursor, "the link, to demo-staff");
  wait_for_cursor (user_1, user_cursor, "the link, to demo-user01");
  seen = pulled_collections (server, staff, 1, staff_hello);
  g_assert_cmpstr (seen, ==, "showcase_links");

  /* an enterprise setting (admin.enterprise:view, which demo-staff and
   * demo-user01 lack), then a star of demo-admin's own: only demo-admin
   * hears of them */
  settings = mutate (server, admin, 1, "enterprise_settings", "update", 1,
                     "{\"contact_person\":\"推送测试\"}");
  wait_for_cursor (admin_1, settings, "the settings, to demo-admin");

  /* the barrier: a change everyone may see. demo-staff's next event is
   * this one, not one for the settings in between. */
  mutate (server, admin, 1, "showcase_links", "create", -1,
          "{\"title\":\"推送测试二\",\"url\":\"https://www.example.cn/2\"}");
  staff_cursor = feed_cursor (server, staff, 1);
  wait_for_cursor (staff_1, staff_cursor, "the second link, to demo-staff");
  g_assert_cmpuint (staff_1->events->len, ==, 3);   /* hello, link, second link */
  g_assert_cmpint (event_cursor (staff_1, 2), ==, staff_cursor);
  g_free (seen);
  seen = pulled_collections (server, staff, 1, event_cursor (staff_1, 1));
  g_assert_cmpstr (seen, ==, "showcase_links");

  /* enterprise 2 heard nothing of all this: its first event is its own */
  mutate (server, admin, 2, "showcase_links", "create", -1,
                    "{\"title\":\"另一企业\",\"url\":\"https://www.example.cn/3\"}");
  wait_for_cursor (other_2, feed_cursor (server, other, 2), "enterprise 2's own link");
  g_assert_cmpuint (other_2->events->len, ==, 2);   /* hello, its own link */
}

/* demo-admin's own read flag reaches demo-admin's other socket (another
 * device), and nobody else's. */
static void
test_push_personal_only_to_owner (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *admin = login_from (server, NULL, "demo-admin");
  g_autofree char *admin_phone = login_from (server, NULL, "demo-admin");
  g_autofree char *staff = login_from (server, NULL, "demo-staff");
  g_autoptr(Listener) phone = listen_to (server, admin_phone, 1);
  g_autoptr(Listener) staff_1 = listen_to (server, staff, 1);
  g_auto(Reply) page = { 0 };
  JsonObject *first = NULL;
  JsonArray *changes;
  gint64 star, staff_cursor;

  http (server, NULL, "GET", "/api/v1/enterprises/1/changes?since=0&limit=1000", admin, NULL, 0, &page);
  changes = json_object_get_array_member (page.json, "changes");
  for (guint i = 0; first == NULL && i < json_array_get_length (changes); i++)
    if (g_strcmp0 (json_object_get_string_member (json_array_get_object_element (changes, i), "collection"),
                   "messages") == 0)
      first = json_array_get_object_element (changes, i);
  g_assert_nonnull (first);

  star = mutate (server, admin, 1, "messages", "update", json_object_get_int_member (first, "id"),
                 "{\"starred\":true,\"read\":true}");
  wait_for_cursor (phone, star, "the star, to demo-admin's other device");

  /* barrier for demo-staff */
  mutate (server, admin, 1, "showcase_links", "create", -1,
          "{\"title\":\"屏障\",\"url\":\"https://www.example.cn\"}");
  staff_cursor = feed_cursor (server, staff, 1);
  wait_for_cursor (staff_1, staff_cursor, "the link, to demo-staff");
  g_assert_cmpuint (staff_1->events->len, ==, 2);   /* hello, the link: never the star */
}

/* ---- card challenges ------------------------------------------------ */

static gint64
count_rows (KouanTestServer *server,
            const char      *sql)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (kouan_test_server_get_db_path (server), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static guint
challenge_from (KouanTestServer *server,
                const char      *local,
                const char      *body,
                Reply           *reply)
{
  http (server, local, "POST", "/api/v1/session/card-challenge", NULL, body,
        body != NULL ? strlen (body) : 0, reply);
  return reply->status;
}

static void
test_challenge_body (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  static const char *refused_json[] = { "[]", "nonsense", "\"{}\"", "{", "null" };

  {
    g_auto(Reply) empty = { 0 };
    g_auto(Reply) object = { 0 };

    g_assert_cmpuint (challenge_from (server, NULL, NULL, &empty), ==, 200);
    g_assert_true (json_object_has_member (empty.json, "challenge"));
    g_assert_cmpuint (challenge_from (server, NULL, "{}", &object), ==, 200);
    g_assert_cmpstr (object.cache_control, ==, "no-store");
  }
  {
    g_auto(Reply) members = { 0 };

    g_assert_cmpuint (challenge_from (server, NULL, "{\"user\":\"demo-admin\"}", &members), ==, 400);
    g_assert_cmpstr (error_code (&members), ==, "invalid_field");
  }
  for (guint i = 0; i < G_N_ELEMENTS (refused_json); i++)
    {
      g_auto(Reply) reply = { 0 };

      g_assert_cmpuint (challenge_from (server, NULL, refused_json[i], &reply), ==, 400);
      g_assert_cmpstr (error_code (&reply), ==, "invalid_json");
    }
  /* refused bodies leave no challenge behind */
  g_assert_cmpint (count_rows (server, "SELECT COUNT(*) FROM card_challenges"), ==, 2);
}

/* One address gets 30 a minute; all addresses together at most 1000
 * outstanding. */
static void
test_challenge_limits (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  guint issued = 0;

  for (guint i = 0; i < 30; i++)
    {
      g_auto(Reply) reply = { 0 };

      g_assert_cmpuint (challenge_from (server, "127.0.0.2", "{}", &reply), ==, 200);
      issued++;
    }
  {
    g_auto(Reply) reply = { 0 };
    g_auto(Reply) elsewhere = { 0 };

    g_assert_cmpuint (challenge_from (server, "127.0.0.2", "{}", &reply), ==, 429);
    g_assert_cmpstr (error_code (&reply), ==, "too_many_requests");
    g_assert_nonnull (reply.retry_after);
    g_assert_cmpint (g_ascii_strtoll (reply.retry_after, NULL, 10), >=, 1);
    g_assert_cmpint (g_ascii_strtoll (reply.retry_after, NULL, 10), <=, 60);
    /* another address is not held up by that one */
    g_assert_cmpuint (challenge_from (server, "127.0.0.3", "{}", &elsewhere), ==, 200);
    issued++;
  }

  /* many addresses: the server-wide cap */
  for (guint a = 4; issued < 1000; a++)
    {
      g_autofree char *local = g_strdup_printf ("127.0.%u.%u", a / 250, 1 + a % 250);

      for (guint i = 0; i < 30 && issued < 1000; i++)
        {
          g_auto(Reply) reply = { 0 };

          g_assert_cmpuint (challenge_from (server, local, "{}", &reply), ==, 200);
          issued++;
        }
    }
  {
    g_auto(Reply) reply = { 0 };

    g_assert_cmpuint (challenge_from (server, "127.0.9.9", "{}", &reply), ==, 429);
    g_assert_cmpstr (error_code (&reply), ==, "too_many_requests");
  }
  g_assert_cmpint (count_rows (server, "SELECT COUNT(*) FROM card_challenges"), ==, 1000);
}

/* ---- card lock-out -------------------------------------------------- */

static guint
card_login_from (KouanTestServer *server,
                 const char      *local,
                 const char      *certificate,
                 const char      *key,
                 Reply           *reply)
{
  g_auto(Reply) challenge = { 0 };
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(GBytes) signature = NULL;
  g_autoptr(GBytes) der = kouan_test_card_load_certificate (certificate);
  g_autofree char *challenge_b64 = NULL;
  g_autofree char *der_b64 = NULL;
  g_autofree char *signature_b64 = NULL;
  g_autofree char *body = NULL;
  guchar *decoded;
  gsize length;

  g_assert_cmpuint (challenge_from (server, local, "{}", &challenge), ==, 200);
  challenge_b64 = g_strdup (json_object_get_string_member (challenge.json, "challenge"));
  decoded = g_base64_decode (challenge_b64, &length);
  raw = g_bytes_new_take (decoded, length);
  signature = kouan_test_card_sign (key, raw);
  der_b64 = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
  signature_b64 = g_base64_encode (g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
  body = g_strdup_printf ("{\"challenge\":\"%s\",\"certificate\":\"%s\",\"signature\":\"%s\"}",
                          challenge_b64, der_b64, signature_b64);
  http (server, local, "POST", "/api/v1/session/card", NULL, body, strlen (body), reply);
  return reply->status;
}

/* Someone who has seen demo-admin's (public) certificate fails with it
 * five times from elsewhere: that address is stopped, the owner is not. */
static void
test_card_not_locked_by_others (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);

  for (guint i = 0; i < 5; i++)
    {
      g_auto(Reply) reply = { 0 };

      g_assert_cmpuint (card_login_from (server, "127.0.0.5", "holder.pem", "unbound-key.pem", &reply), ==, 401);
      g_assert_cmpstr (error_code (&reply), ==, "bad_signature");
    }
  {
    g_auto(Reply) attacker = { 0 };
    g_auto(Reply) owner = { 0 };

    g_assert_cmpuint (card_login_from (server, "127.0.0.5", "holder.pem", "holder-key.pem", &attacker), ==, 429);
    g_assert_cmpuint (card_login_from (server, "127.0.0.1", "holder.pem", "holder-key.pem", &owner), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (owner.json, "method"), ==, "card");
    g_assert_cmpstr (owner.cache_control, ==, "no-store");
  }
}

/* ---- sessions ------------------------------------------------------- */

static void
test_session_cap (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_free);
  g_auto(Reply) list = { 0 };

  for (guint i = 0; i < 21; i++)
    g_ptr_array_add (tokens, login_from (server, NULL, "demo-user10"));

  /* One session had to go (the least recently used; within one second
   * any of them), the newest works, and so do the other nineteen. */
  {
    guint working = 0;

    for (guint i = 0; i < tokens->len; i++)
      {
        g_auto(Reply) reply = { 0 };

        http (server, NULL, "GET", "/api/v1/session", g_ptr_array_index (tokens, i), NULL, 0, &reply);
        if (reply.status == 200)
          working++;
        else
          g_assert_cmpuint (reply.status, ==, 401);
        if (i == tokens->len - 1)
          g_assert_cmpuint (reply.status, ==, 200);
      }
    g_assert_cmpuint (working, ==, 20);
  }
  http (server, NULL, "GET", "/api/v1/account/sessions", g_ptr_array_index (tokens, 20), NULL, 0, &list);
  g_assert_cmpuint (list.status, ==, 200);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list.json, "sessions")), ==, 20);
  g_assert_cmpstr (list.cache_control, ==, "no-store");
}

static void
test_no_store (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  const char *body = "{\"account\":\"demo-admin\",\"password\":\"" PASSWORD "\"}";
  static const char *paths[] = { "/api/v1/session", "/api/v1/account", "/api/v1/enterprises/1/changes",
                                 "/api/v1/enterprises/1/my-access" };
  g_auto(Reply) login = { 0 };
  g_auto(Reply) wrong = { 0 };
  const char *token;

  http (server, NULL, "POST", "/api/v1/session", NULL, body, strlen (body), &login);
  g_assert_cmpuint (login.status, ==, 200);
  g_assert_cmpstr (login.cache_control, ==, "no-store");
  token = json_object_get_string_member (login.json, "token");
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_auto(Reply) reply = { 0 };

      http (server, NULL, "GET", paths[i], token, NULL, 0, &reply);
      g_assert_cmpuint (reply.status, ==, 200);
      g_assert_cmpstr (reply.cache_control, ==, "no-store");
    }
  body = "{\"account\":\"demo-admin\",\"password\":\"x\"}";
  http (server, NULL, "POST", "/api/v1/session", NULL, body, strlen (body), &wrong);
  g_assert_cmpuint (wrong.status, ==, 401);
  g_assert_cmpstr (wrong.cache_control, ==, "no-store");
}

/* ---- password hashing off the main loop ----------------------------- */

typedef struct {
  guint  pending;
  guint  logins_done_before_health;
  guint  statuses[600];
  gboolean health_done;
  guint  health_status;
} Burst;

typedef struct {
  Burst *burst;
  guint  index;     /* G_MAXUINT: the health check */
} Call;

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Call *call = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (source), result);
  G_GNUC_UNUSED g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);
  Burst *burst = call->burst;

  if (call->index == G_MAXUINT)
    {
      burst->health_done = TRUE;
      burst->health_status = soup_message_get_status (msg);
    }
  else
    {
      burst->statuses[soup_message_get_status (msg)]++;
      if (!burst->health_done)
        burst->logins_done_before_health++;
    }
  burst->pending--;
  g_free (call);
}

static gboolean
burst_done (gpointer data)
{
  return ((Burst *) data)->pending == 0;
}

static void
send_async (SoupSession *session,
            const char  *method,
            const char  *url,
            const char  *body,
            Burst       *burst,
            guint        index)
{
  g_autoptr(SoupMessage) msg = soup_message_new (method, url);
  Call *call = g_new0 (Call, 1);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  call->burst = burst;
  call->index = index;
  burst->pending++;
  soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, on_sent, call);
}

/* Eight wrong passwords for one account at once: exactly five are looked
 * at (401), the rest are throttled (429), as if they came one by one.
 * Ten right ones for ten accounts from one address at once (an office
 * behind one NAT) all get in. And a health check sent after them is
 * answered before they all are. */
static void
test_password_burst (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autoptr(SoupSession) session = g_object_new (SOUP_TYPE_SESSION, "max-conns", 32,
                                                 "max-conns-per-host", 32, NULL);
  g_autoptr(GInetAddress) other_address = g_inet_address_new_from_string ("127.0.0.8");
  g_autoptr(GSocketAddress) other_local = g_inet_socket_address_new (other_address, 0);
  g_autoptr(SoupSession) elsewhere = g_object_new (SOUP_TYPE_SESSION, "max-conns", 32,
                                                   "max-conns-per-host", 32,
                                                   "local-address", other_local, NULL);
  g_autofree char *login_url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/session", NULL);
  g_autofree char *health_url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/health", NULL);
  Burst burst = { 0 };
  g_auto(Reply) right = { 0 };
  const char *right_body = "{\"account\":\"demo-user11\",\"password\":\"" PASSWORD "\"}";

  for (guint i = 0; i < 8; i++)
    send_async (session, "POST", login_url, "{\"account\":\"demo-user11\",\"password\":\"wrong\"}", &burst, i);
  /* other accounts from another address, meanwhile (from the same one
   * they would be throttled too: five failures from an address stop it) */
  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"account\":\"demo-user%02u\",\"password\":\"" PASSWORD "\"}",
                                               12 + i);
      send_async (elsewhere, "POST", login_url, body, &burst, 8 + i);
    }
  send_async (session, "GET", health_url, NULL, &burst, G_MAXUINT);
  wait_until (burst_done, &burst, "the burst of logins");

  g_assert_cmpuint (burst.statuses[401], ==, 5);
  g_assert_cmpuint (burst.statuses[429], ==, 3);
  g_assert_cmpuint (burst.statuses[200], ==, 4);
  g_assert_cmpuint (burst.health_status, ==, 200);
  /* Hashing on the main loop would answer the health check last. */
  g_assert_cmpuint (burst.logins_done_before_health, <, 12);

  /* the office: ten right passwords from one address at once */
  {
    Burst office = { 0 };
    g_autoptr(GInetAddress) office_address = g_inet_address_new_from_string ("127.0.0.9");
    g_autoptr(GSocketAddress) office_local = g_inet_socket_address_new (office_address, 0);
    g_autoptr(SoupSession) nat = g_object_new (SOUP_TYPE_SESSION, "max-conns", 32,
                                               "max-conns-per-host", 32,
                                               "local-address", office_local, NULL);

    for (guint i = 0; i < 10; i++)
      {
        g_autofree char *body = g_strdup_printf ("{\"account\":\"demo-user%02u\",\"password\":\"" PASSWORD "\"}",
                                                 20 + i);
        send_async (nat, "POST", login_url, body, &office, i);
      }
    wait_until (burst_done, &office, "the office's logins");
    g_assert_cmpuint (office.statuses[200], ==, 10);
  }

  /* the right password is throttled too now */
  http (server, "127.0.0.6", "POST", "/api/v1/session", NULL, right_body, strlen (right_body), &right);
  g_assert_cmpuint (right.status, ==, 429);
}

/* ---- images --------------------------------------------------------- */

static guint
upload (KouanTestServer *server,
        const char      *token,
        GBytes          *image,
        Reply           *reply)
{
  http (server, NULL, "POST", "/api/v1/enterprises/1/images", token,
        g_bytes_get_data (image, NULL), g_bytes_get_size (image), reply);
  return reply->status;
}

static gboolean
contains (GBytes     *haystack,
          const char *needle)
{
  return memmem (g_bytes_get_data (haystack, NULL), g_bytes_get_size (haystack),
                 needle, strlen (needle)) != NULL;
}

static GBytes *
encode (GdkPixbuf  *pixbuf,
        const char *type)
{
  g_autoptr(GError) error = NULL;
  gchar *buffer = NULL;
  gsize size = 0;

  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, type, &error, NULL));
  g_assert_no_error (error);
  return g_bytes_new_take (buffer, size);
}

/* A PNG with HTML in a text chunk and a ZIP after IEND is stored as a
 * plain PNG of the same pixels, and served as one. */
static void
test_image_polyglot (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = login_from (server, NULL, "demo-user01");
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 40, 30);
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) polyglot = g_byte_array_new ();
  g_autoptr(GBytes) polyglot_bytes = NULL;
  g_autoptr(GBytes) jpeg = NULL;
  g_auto(Reply) stored = { 0 };
  g_auto(Reply) served = { 0 };
  g_auto(Reply) jpeg_reply = { 0 };
  g_autofree char *path = NULL;
  static const char zip[] = "PK\x03\x04<html><script>alert(document.cookie)</script></html>";
  gchar *buffer = NULL;
  gsize size = 0;
  KouanImageInfo info;

  gdk_pixbuf_fill (pixbuf, 0x336699ff);
  g_assert_true (gdk_pixbuf_save_to_buffer (pixbuf, &buffer, &size, "png", &error,
                                            "tEXt::Comment", "<html><script>alert(1)</script></html>", NULL));
  g_assert_no_error (error);
  g_byte_array_append (polyglot, (const guint8 *) buffer, size);
  g_byte_array_append (polyglot, (const guint8 *) zip, sizeof zip - 1);
  g_free (buffer);
  polyglot_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&polyglot));
  g_assert_true (contains (polyglot_bytes, "<script>"));

  g_assert_cmpuint (upload (server, token, polyglot_bytes, &stored), ==, 201);
  g_assert_cmpint (json_object_get_int_member (stored.json, "width"), ==, 40);
  path = g_strdup_printf ("/api/v1/enterprises/1/images/%" G_GINT64_FORMAT,
                          json_object_get_int_member (stored.json, "id"));
  http (server, NULL, "GET", path, token, NULL, 0, &served);
  g_assert_cmpuint (served.status, ==, 200);
  g_assert_cmpstr (served.content_type, ==, "image/png");
  g_assert_cmpstr (served.nosniff, ==, "nosniff");
  g_assert_false (contains (served.body, "<script>"));
  g_assert_false (contains (served.body, "PK\x03\x04"));
  g_assert_true (kouan_image_probe (g_bytes_get_data (served.body, NULL), g_bytes_get_size (served.body),
                                    &info, NULL));
  g_assert_cmpuint (info.width, ==, 40);
  g_assert_cmpuint (info.height, ==, 30);

  /* a JPEG stays a JPEG */
  jpeg = encode (pixbuf, "jpeg");
  g_assert_cmpuint (upload (server, token, jpeg, &jpeg_reply), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (jpeg_reply.json, "mime"), ==, "image/jpeg");
}

/* Small files that claim (or hold) a huge canvas, and pixels that do not
 * decode, are refused. */
static void
test_image_bombs (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = login_from (server, NULL, "demo-user01");
  g_autoptr(GdkPixbuf) big = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, 4096, 4096);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GBytes) good = kouan_test_png (100, 100, 0);
  g_autoptr(GByteArray) broken = NULL;
  g_autoptr(GBytes) broken_bytes = NULL;
  g_auto(Reply) bomb_reply = { 0 };
  g_auto(Reply) broken_reply = { 0 };
  g_auto(Reply) truncated_reply = { 0 };
  g_autoptr(GBytes) truncated = NULL;

  /* 4096×4096 of one colour: tens of KB that inflate to 48 MiB */
  gdk_pixbuf_fill (big, 0xffffffff);
  bomb = encode (big, "png");
  g_assert_cmpuint (g_bytes_get_size (bomb), <, 200 * 1024);
  g_assert_cmpuint (upload (server, token, bomb, &bomb_reply), ==, 415);
  g_assert_cmpstr (error_code (&bomb_reply), ==, "image_dimensions");

  /* a correct header over pixel data that is noise */
  broken = g_byte_array_new ();
  g_byte_array_append (broken, g_bytes_get_data (good, NULL), 33);   /* signature + IHDR */
  {
    static const guint8 idat[] = { 0, 0, 0, 16, 'I', 'D', 'A', 'T', 1, 2, 3, 4, 5, 6, 7, 8,
                                   9, 10, 11, 12, 13, 14, 15, 16, 0, 0, 0, 0,
                                   0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82 };

    g_byte_array_append (broken, idat, sizeof idat);
  }
  broken_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&broken));
  g_assert_cmpuint (upload (server, token, broken_bytes, &broken_reply), ==, 415);
  g_assert_cmpstr (error_code (&broken_reply), ==, "image_malformed");

  /* a real PNG cut in half */
  truncated = g_bytes_new_from_bytes (good, 0, g_bytes_get_size (good) / 2);
  g_assert_cmpuint (upload (server, token, truncated, &truncated_reply), ==, 415);
  g_assert_cmpstr (error_code (&truncated_reply), ==, "image_malformed");
}

/* Noise (incompressible): about 3 × @side² bytes stored per upload. */
static GBytes *
noise_png_sized (int side)
{
  g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, side, side);
  guint8 *pixels = gdk_pixbuf_get_pixels (pixbuf);
  gsize length = (gsize) gdk_pixbuf_get_rowstride (pixbuf) * side;

  for (gsize i = 0; i + 4 <= length; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (pixels + i, &r, 4);
    }
  return encode (pixbuf, "png");
}

/* About 1 MB stored per upload. */
static GBytes *
noise_png (void)
{
  return noise_png_sized (580);
}

static void
test_image_quota (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = login_from (server, NULL, "demo-user02");
  g_autofree char *colleague = login_from (server, NULL, "demo-user03");
  gint64 stored = 0;
  guint accepted = 0;

  for (;;)
    {
      g_autoptr(GBytes) png = noise_png ();
      g_auto(Reply) reply = { 0 };

      g_assert_cmpuint (g_bytes_get_size (png), <=, KOUAN_IMAGE_MAX_BYTES);
      if (upload (server, token, png, &reply) != 201)
        {
          g_assert_cmpuint (reply.status, ==, 403);
          g_assert_cmpstr (error_code (&reply), ==, "image_quota");
          break;
        }
      stored += json_object_get_int_member (reply.json, "size");
      accepted++;
      g_assert_cmpuint (accepted, <=, 21);
    }
  /* what was stored fits the quota, and one more would not have */
  g_assert_cmpint (stored, <=, 20 * 1024 * 1024);
  g_assert_cmpint (stored, >, 20 * 1024 * 1024 - KOUAN_IMAGE_MAX_BYTES);
  g_assert_cmpint (count_rows (server, "SELECT COUNT(*) FROM images WHERE created_by = (SELECT id FROM users WHERE account = 'demo-user02')"),
                   ==, accepted);

  /* the quota is the user's: a colleague still uploads */
  {
    g_autoptr(GBytes) png = kouan_test_png (64, 64, 0);
    g_auto(Reply) reply = { 0 };

    g_assert_cmpuint (upload (server, colleague, png, &reply), ==, 201);
  }
}

static guint
upload_to (KouanTestServer *server,
           const char      *token,
           gint64           enterprise_id,
           GBytes          *image,
           Reply           *reply)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images", enterprise_id);

  http (server, NULL, "POST", path, token, g_bytes_get_data (image, NULL), g_bytes_get_size (image), reply);
  return reply->status;
}

/* Uploads a fresh ~30 KB image; its id, or 0 when refused (403
 * image_quota, with @message set to the error's message). */
static gint64
upload_small (KouanTestServer  *server,
              const char       *token,
              gint64            enterprise_id,
              char            **message)
{
  g_autoptr(GBytes) png = noise_png_sized (100);
  g_auto(Reply) reply = { 0 };

  if (upload_to (server, token, enterprise_id, png, &reply) == 201)
    return json_object_get_int_member (reply.json, "id");
  g_assert_cmpuint (reply.status, ==, 403);
  g_assert_cmpstr (error_code (&reply), ==, "image_quota");
  if (message != NULL)
    *message = g_strdup (json_object_get_string_member (json_object_get_object_member (reply.json, "error"),
                                                        "message"));
  return 0;
}

static gboolean
image_exists (KouanTestServer *server,
              gint64           image_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM images WHERE id = %" G_GINT64_FORMAT, image_id);

  return count_rows (server, sql) == 1;
}

/* What two days do to the images no record referred to when last looked
 * at: the test moves their clock back instead of waiting. */
static void
age_unreferenced_images (KouanTestServer *server)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (kouan_test_server_get_db_path (server), &db,
                                    SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 10000);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE images SET unreferenced_since = unreferenced_since - 2 * 86400"
                                     " WHERE unreferenced_since IS NOT NULL", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gint64
user_id_of (KouanTestServer *server,
            const char      *account)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM users WHERE account = '%s'", account);

  return count_rows (server, sql);
}

/* A user at the quota is not stuck there: images no record refers to are
 * collected once unreferenced for the grace period (24 h), and only live
 * images count. One a record refers to is kept, and its grace period
 * starts again when the record lets go of it. */
static void
test_image_collect (void)
{
  const char *args[] = { "--demo", "--image-quota-user", "100000", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autofree char *token = login_from (server, NULL, "demo-user02");
  g_autofree char *avatar = NULL;
  g_autofree char *message = NULL;
  gint64 user = user_id_of (server, "demo-user02");
  gint64 a, b, c, d, e;

  /* three fit, the fourth does not */
  a = upload_small (server, token, 1, NULL);
  b = upload_small (server, token, 1, NULL);
  c = upload_small (server, token, 1, NULL);
  g_assert_cmpint (a, >, 0);
  g_assert_cmpint (b, >, 0);
  g_assert_cmpint (c, >, 0);
  g_assert_cmpint (upload_small (server, token, 1, &message), ==, 0);
  g_assert_nonnull (strstr (message, "Your images"));

  /* within the grace period nothing is collected: still refused */
  g_assert_cmpint (upload_small (server, token, 1, NULL), ==, 0);
  g_assert_true (image_exists (server, b));

  /* a becomes the avatar; then two days pass */
  avatar = g_strdup_printf ("{\"avatar_image\": %" G_GINT64_FORMAT "}", a);
  mutate (server, token, 1, "profile", "update", user, avatar);
  age_unreferenced_images (server);

  /* b and c are gone, so the next upload fits; a stays and is served */
  d = upload_small (server, token, 1, NULL);
  g_assert_cmpint (d, >, 0);
  /* never the id of a collected image: clients cache images by id */
  g_assert_cmpint (d, >, c);
  g_assert_false (image_exists (server, b));
  g_assert_false (image_exists (server, c));
  g_assert_true (image_exists (server, a));
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/1/images/%" G_GINT64_FORMAT, a);
    g_autofree char *gone = g_strdup_printf ("/api/v1/enterprises/1/images/%" G_GINT64_FORMAT, b);
    g_auto(Reply) kept = { 0 };
    g_auto(Reply) collected = { 0 };

    http (server, NULL, "GET", path, token, NULL, 0, &kept);
    g_assert_cmpuint (kept.status, ==, 200);
    http (server, NULL, "GET", gone, token, NULL, 0, &collected);
    g_assert_cmpuint (collected.status, ==, 404);
  }

  /* the avatar is cleared: a, uploaded "days ago", gets a grace period
   * from now, while d (unreferenced for two days) goes */
  mutate (server, token, 1, "profile", "update", user, "{\"avatar_image\": null}");
  age_unreferenced_images (server);
  e = upload_small (server, token, 1, NULL);
  g_assert_cmpint (e, >, 0);
  g_assert_true (image_exists (server, a));
  g_assert_false (image_exists (server, d));

  /* Every column that refers to an image is one the collector knows
   * (REFERENCED_IMAGES in kouan-storage-sqlite-images.c, REFERENCED in
   * kouan-storage-postgres-images.c): a new one must be added
   * there too, or its images would be collected under it. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;
    g_autoptr(GString) columns = g_string_new (NULL);

    g_assert_cmpint (sqlite3_open_v2 (kouan_test_server_get_db_path (server), &db,
                                      SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db,
                                         "SELECT m.name || '.' || p.name"
                                         " FROM sqlite_master m, pragma_table_info (m.name) p"
                                         " WHERE m.type = 'table' AND m.name != 'images'"
                                         "   AND (p.name LIKE '%image%' OR p.name LIKE '%logo%'"
                                         "        OR p.name LIKE '%avatar%' OR p.name LIKE '%seal%')"
                                         " ORDER BY 1", -1, &stmt, NULL), ==, SQLITE_OK);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_string_append_printf (columns, "%s ", sqlite3_column_text (stmt, 0));
    sqlite3_finalize (stmt);
    sqlite3_close (db);
    g_assert_cmpstr (columns->str, ==,
                     "certifications.licence_image enterprise_profiles.logo_image "
                     "enterprise_profiles.seal_image profiles.avatar_image profiles.seal_image "
                     "showcase_slides.image_id ");
  }
}

/* The enterprise's quota holds whoever uploads, only in that enterprise,
 * and frees up the same way. */
static void
test_image_enterprise_quota (void)
{
  g_autofree char *quota = NULL;
  g_autoptr(KouanTestServer) server = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *message = NULL;

  /* The demo's own images (LOGO, slides) count too: room for about four
   * more small ones beside them. */
  {
    g_autoptr(KouanTestServer) probe = kouan_test_server_start (demo_args);
    gint64 demo_bytes = count_rows (probe, "SELECT COALESCE (SUM (length (data)), 0) FROM images"
                                           " WHERE enterprise_id = 1");
    const char *args[] = { "--demo", "--image-quota-user", "100000",
                           "--image-quota-enterprise", NULL, NULL };

    quota = g_strdup_printf ("%" G_GINT64_FORMAT, demo_bytes + 130000);
    args[4] = quota;
    server = kouan_test_server_start (args);
  }
  first = login_from (server, NULL, "demo-user02");
  second = login_from (server, NULL, "demo-user03");
  admin = login_from (server, NULL, "demo-admin");

  for (guint i = 0; i < 3; i++)
    g_assert_cmpint (upload_small (server, first, 1, NULL), >, 0);
  g_assert_cmpint (upload_small (server, second, 1, NULL), >, 0);
  /* the second user is far from their own quota, the enterprise is not */
  g_assert_cmpint (upload_small (server, second, 1, &message), ==, 0);
  g_assert_nonnull (strstr (message, "This enterprise's images"));
  g_clear_pointer (&message, g_free);
  g_assert_cmpint (upload_small (server, admin, 1, &message), ==, 0);
  g_assert_nonnull (strstr (message, "This enterprise's images"));

  /* another enterprise has its own */
  g_assert_cmpint (upload_small (server, admin, 2, NULL), >, 0);

  /* none of them is used: after the grace period, room again */
  age_unreferenced_images (server);
  g_assert_cmpint (upload_small (server, second, 1, NULL), >, 0);
  g_assert_cmpint (count_rows (server, "SELECT COUNT(*) FROM images WHERE enterprise_id = 1"
                                       " AND created_by IS NOT NULL"), ==, 1);
}

int
main (int argc, char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hardening/push/members", test_push_reaches_members);
  g_test_add_func ("/hardening/push/personal", test_push_personal_only_to_owner);
  g_test_add_func ("/hardening/card/challenge-body", test_challenge_body);
  g_test_add_func ("/hardening/card/challenge-limits", test_challenge_limits);
  g_test_add_func ("/hardening/card/not-locked-by-others", test_card_not_locked_by_others);
  g_test_add_func ("/hardening/session/cap", test_session_cap);
  g_test_add_func ("/hardening/session/no-store", test_no_store);
  g_test_add_func ("/hardening/password/burst", test_password_burst);
  g_test_add_func ("/hardening/images/polyglot", test_image_polyglot);
  g_test_add_func ("/hardening/images/bombs", test_image_bombs);
  g_test_add_func ("/hardening/images/quota", test_image_quota);
  g_test_add_func ("/hardening/images/collect", test_image_collect);
  g_test_add_func ("/hardening/images/enterprise-quota", test_image_enterprise_quota);
  status = g_test_run ();
  g_clear_pointer (&sessions, g_hash_table_unref);
  return status;
}

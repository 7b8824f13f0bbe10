/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Client core against a real kouan-server: KouanClient (login, errors,
 * TLS, change feed codecs) and KouanSync (full and incremental pull,
 * tombstones, offline edits pushed exactly once, a kill mid-sync, the
 * WebSocket nudge, isolation between enterprises). */

#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <signal.h>
#include <stdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-store.h"
#include "kouan-store-insurance.h"
#include "kouan-sync.h"
#include "kouan-test-server.h"

#define DEMO_PASSWORD "kouan-demo"
#define WAIT_TIMEOUT_MS (20000 * kouan_test_timeout_scale ())

/* One demo server shared by the tests that do not need their own; tests
 * that change server state only add edits, and every test compares against
 * what the server says now, never against fixed numbers. */
static KouanTestServer *demo_server;

/* Helpers ----------------------------------------------------------------- */

static void
on_async_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Iterates the default main context until @result is set. */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_TIMEOUT_MS * 1000;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static gboolean
on_wait_tick (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* Iterates the main context until @check returns TRUE or @timeout_ms
 * passes; returns the last answer of @check. */
static gboolean
wait_until (gboolean (*check) (gpointer), gpointer data, guint timeout_ms)
{
  /* A bound that only catches hangs: longer in the sanitizer build. */
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) timeout_ms * 1000 * kouan_test_timeout_scale ();
  guint tick = g_timeout_add (20, on_wait_tick, NULL);
  gboolean done;

  while (!(done = check (data)) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (tick);
  return done;
}

static KouanClient *
new_client (const char *url)
{
  g_autoptr(GError) error = NULL;
  KouanClient *client = kouan_client_new (url, &error);

  g_assert_no_error (error);
  g_assert_nonnull (client);
  return client;
}

static KouanSession *
login (KouanClient *client, const char *account, const char *password, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_client_login_async (client, account, password, NULL, on_async_ready, &result);
  return kouan_client_login_finish (client, wait_result (&result), error);
}

static gboolean
run_once (KouanSync *sync, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (sync, NULL, on_async_ready, &result);
  return kouan_sync_run_once_finish (sync, wait_result (&result), error);
}

static void
run_once_ok (KouanSync *sync)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = run_once (sync, &error);

  g_assert_no_error (error);
  g_assert_true (ok);
}

static KouanChangePage *
fetch_changes (KouanClient *client, gint64 enterprise_id, gint64 since, guint limit, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_client_fetch_changes_async (client, enterprise_id, since, limit, KOUAN_FETCH_NONE, NULL,
                                    on_async_ready, &result);
  return kouan_client_fetch_changes_finish (client, wait_result (&result), error);
}

/* A private cache in a fresh directory. */
typedef struct {
  char       *dir;
  char       *path;
  KouanStore *store;
} TestCache;

static TestCache *
test_cache_new (void)
{
  g_autoptr(GError) error = NULL;
  TestCache *cache = g_new0 (TestCache, 1);

  cache->dir = g_dir_make_tmp ("kouan-test-sync-XXXXXX", &error);
  g_assert_no_error (error);
  cache->path = g_build_filename (cache->dir, "cache.db", NULL);
  cache->store = kouan_store_open (cache->path, &error);
  g_assert_no_error (error);
  return cache;
}

static void
test_cache_reopen (TestCache *cache)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&cache->store);
  cache->store = kouan_store_open (cache->path, &error);
  g_assert_no_error (error);
}

static void
test_cache_free (TestCache *cache)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_object (&cache->store);
  dir = g_dir_open (cache->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (cache->dir, name, NULL);
      g_unlink (file);
    }
  g_rmdir (cache->dir);
  g_free (cache->path);
  g_free (cache->dir);
  g_free (cache);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestCache, test_cache_free)

/* A logged-in client and its engine over a fresh cache. */
typedef struct {
  KouanClient  *client;
  KouanSession *session;
  TestCache    *cache;
  KouanSync    *sync;
  gint64        enterprise_id;
} TestClient;

static TestClient *
test_client_new (KouanTestServer *server, const char *account, guint enterprise_index)
{
  g_autoptr(GError) error = NULL;
  TestClient *tc = g_new0 (TestClient, 1);

  tc->client = new_client (kouan_test_server_get_url (server));
  tc->session = login (tc->client, account, DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tc->session->enterprises->len, >, enterprise_index);
  tc->enterprise_id = kouan_enterprise_get_id (g_ptr_array_index (tc->session->enterprises,
                                                                  enterprise_index));
  tc->cache = test_cache_new ();
  g_assert_true (kouan_store_save_enterprises (tc->cache->store, tc->session->enterprises, &error));
  g_assert_no_error (error);
  tc->sync = kouan_sync_new (tc->client, tc->cache->store);
  kouan_sync_set_enterprise_id (tc->sync, tc->enterprise_id);
  return tc;
}

static void
test_client_free (TestClient *tc)
{
  if (tc->sync != NULL)
    kouan_sync_stop (tc->sync);
  g_clear_object (&tc->sync);
  g_clear_pointer (&tc->cache, test_cache_free);
  g_clear_pointer (&tc->session, kouan_session_free);
  g_clear_object (&tc->client);
  g_free (tc);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestClient, test_client_free)

/* The server's view: every message of the enterprise as @token's user sees
 * it now, read straight from the HTTP feed (id → record). */
static GHashTable *
server_messages (KouanTestServer *server, const char *token, gint64 enterprise_id)
{
  GHashTable *messages = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                (GDestroyNotify) json_object_unref);
  gint64 since = 0;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT
                                              "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                              kouan_test_server_get_url (server), enterprise_id, since);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = NULL;
      g_autoptr(KouanChangePage) page = NULL;
      gsize size;
      const char *data;

      g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &body), ==, 200);
      data = g_bytes_get_data (body, &size);
      object = kouan_json_parse_object (data, size, &error);
      g_assert_no_error (error);
      page = kouan_change_page_new_from_json (enterprise_id, object, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < page->changes->len; i++)
        {
          KouanChange *change = g_ptr_array_index (page->changes, i);
          gint64 *key;

          if (!g_str_equal (change->collection, "messages"))
            continue;
          key = g_memdup2 (&change->id, sizeof change->id);
          if (change->deleted)
            g_hash_table_remove (messages, key), g_free (key);
          else
            g_hash_table_replace (messages, key, json_object_ref (change->record));
        }
      g_assert_cmpint (page->cursor, >=, since);
      since = page->cursor;
      more = page->more;
    }
  return messages;
}

static guint
cached_message_count (KouanStore *store, gint64 enterprise_id)
{
  return kouan_store_count_messages (store, enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                     KOUAN_READ_FILTER_ALL, FALSE) +
         kouan_store_count_messages (store, enterprise_id, KOUAN_MESSAGE_KIND_WARNING,
                                     KOUAN_READ_FILTER_ALL, FALSE);
}

static gboolean
json_bool (JsonObject *record, const char *member)
{
  g_autoptr(GError) error = NULL;
  gboolean value = FALSE;

  g_assert_true (kouan_json_get_bool (record, member, &value, &error));
  return value;
}

/* Asserts that the cache holds exactly the server's messages, with the
 * user's own read and starred flags. */
static void
assert_cache_matches_server (KouanStore *store, GHashTable *server, gint64 enterprise_id)
{
  GHashTableIter iter;
  gpointer key, value;

  g_assert_cmpuint (cached_message_count (store, enterprise_id), ==, g_hash_table_size (server));

  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanMessage) message = kouan_store_get_message (store, enterprise_id,
                                                                 *(gint64 *) key, &error);
      const char *title = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (message);
      g_assert_true (kouan_json_get_string (value, "title", &title, NULL));
      g_assert_cmpstr (kouan_message_get_title (message), ==, title);
      g_assert_cmpint (kouan_message_get_read (message), ==, json_bool (value, "read"));
      g_assert_cmpint (kouan_message_get_starred (message), ==, json_bool (value, "starred"));
    }
}

/* Some message id of the enterprise (the smallest, for determinism). */
static gint64
some_message_id (GHashTable *server, const char *kind, gboolean want_read)
{
  GHashTableIter iter;
  gpointer key, value;
  gint64 best = 0;

  g_hash_table_iter_init (&iter, server);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const char *k = NULL;

      kouan_json_get_string (value, "kind", &k, NULL);
      if (kind != NULL && g_strcmp0 (k, kind) != 0)
        continue;
      if (json_bool (value, "read") != want_read)
        continue;
      if (best == 0 || *(gint64 *) key < best)
        best = *(gint64 *) key;
    }
  g_assert_cmpint (best, >, 0);
  return best;
}

/* POSTs one batch of mutations as @token's session; returns the answer. */
static JsonObject *
post_mutations (KouanTestServer *server, const char *token, gint64 enterprise_id, const char *mutations)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations",
                                          kouan_test_server_get_url (server), enterprise_id);
  g_autofree char *body = g_strdup_printf ("{\"mutations\": %s}", mutations);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  gsize size;
  const char *data;

  g_assert_cmpuint (kouan_test_http ("POST", url, token, body, strlen (body), &answer), ==, 200);
  data = g_bytes_get_data (answer, &size);
  object = kouan_json_parse_object (data, size, &error);
  g_assert_no_error (error);
  return object;
}

static char *
new_mutation_id (void)
{
  return g_strdup_printf ("test-%08x%08x", g_random_int (), g_random_int ());
}

static guint16
unused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  /* Closed again on return: nothing listens there any more. */
  g_socket_listener_close (listener);
  return port;
}

/* Codecs ------------------------------------------------------------------- */

static void
test_codec_change_page (void)
{
  static const char *bad[] = {
    "{\"cursor\": 1, \"more\": false}",
    "{\"changes\": {}, \"cursor\": 1, \"more\": false}",
    "{\"changes\": [], \"cursor\": \"1\", \"more\": false}",
    "{\"changes\": [], \"cursor\": 1, \"more\": 0}",
    "{\"changes\": [], \"cursor\": -1, \"more\": false}",
    "{\"changes\": [42], \"cursor\": 1, \"more\": false}",
    "{\"changes\": [{\"seq\": 1, \"collection\": \"messages\", \"id\": 1, \"op\": \"upsert\"}], \"cursor\": 1, \"more\": false}",
    "{\"changes\": [{\"seq\": 1, \"collection\": \"messages\", \"id\": 1, \"op\": \"merge\"}], \"cursor\": 1, \"more\": false}",
    "{\"changes\": [{\"seq\": 1, \"collection\": \"messages\", \"id\": \"1\", \"op\": \"delete\"}], \"cursor\": 1, \"more\": false}",
    "{\"changes\": [], \"cursor\": 1, \"more\": false, \"remaining\": [1]}",
    "{\"changes\": [], \"cursor\": 1, \"more\": false, \"remaining\": {\"messages\": -1}}",
    "{\"changes\": [], \"cursor\": 1, \"more\": false, \"remaining\": {\"messages\": \"5\"}}",
    "{\"changes\": [], \"cursor\": 1, \"more\": false, \"remaining\": {\"messages\": 1.5}}",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) good = kouan_json_parse_object (
      "{\"changes\": [{\"seq\": 7, \"collection\": \"messages\", \"id\": 3, \"op\": \"upsert\","
      " \"record\": {\"id\": 3}, \"future\": 1},"
      " {\"seq\": 8, \"collection\": \"messages\", \"id\": 4, \"op\": \"delete\"}],"
      " \"cursor\": 8, \"more\": true, \"unknown\": [1]}", -1, &error);
  g_autoptr(KouanChangePage) page = NULL;
  KouanChange *change;

  g_assert_no_error (error);
  page = kouan_change_page_new_from_json (5, good, &error);
  g_assert_no_error (error);
  g_assert_cmpint (page->enterprise_id, ==, 5);
  g_assert_cmpint (page->cursor, ==, 8);
  g_assert_true (page->more);
  g_assert_cmpuint (page->changes->len, ==, 2);
  change = g_ptr_array_index (page->changes, 0);
  g_assert_false (change->deleted);
  g_assert_nonnull (change->record);
  change = g_ptr_array_index (page->changes, 1);
  g_assert_true (change->deleted);
  g_assert_null (change->record);
  g_assert_cmpint (change->id, ==, 4);
  g_assert_null (page->remaining);
  g_clear_pointer (&page, kouan_change_page_free);
  g_clear_pointer (&good, json_object_unref);

  good = kouan_json_parse_object ("{\"changes\": [], \"cursor\": 8, \"more\": true,"
                                  " \"remaining\": {\"messages\": 1200, \"risk_articles\": 0}}",
                                  -1, &error);
  g_assert_no_error (error);
  page = kouan_change_page_new_from_json (5, good, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (page->remaining), ==, 2);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (page->remaining, "messages"), ==, 1200);
  g_assert_cmpint (*(gint64 *) g_hash_table_lookup (page->remaining, "risk_articles"), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonObject) object = kouan_json_parse_object (bad[i], -1, &error);
      g_autoptr(KouanChangePage) bad_page = NULL;

      g_assert_no_error (error);
      bad_page = kouan_change_page_new_from_json (1, object, &error);
      g_assert_null (bad_page);
      g_assert_true (error != NULL && error->domain == KOUAN_JSON_ERROR);
      g_clear_error (&error);
    }
}

static void
test_codec_session (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) bad = kouan_json_parse_object (
      "{\"token\": 5, \"user\": {\"id\": 1, \"account\": \"a\", \"name\": \"n\"}, \"memberships\": []}",
      -1, &error);
  g_autoptr(JsonObject) bad_user = kouan_json_parse_object (
      "{\"token\": \"t\", \"user\": {\"id\": \"1\", \"account\": \"a\", \"name\": \"n\"}, \"memberships\": []}",
      -1, &error);
  g_autoptr(KouanSession) session = NULL;

  g_assert_no_error (error);
  session = kouan_session_new_from_json (bad, &error);
  g_assert_null (session);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);
  session = kouan_session_new_from_json (bad_user, &error);
  g_assert_null (session);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
}

static void
test_client_bad_url (void)
{
  static const char *bad[] = { "", "ftp://example.com", "http://", "example.com", "http://h/?q=1",
                               "https://user@host/" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanClient) client = kouan_client_new (bad[i], &error);

      g_assert_null (client);
      g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_URL);
    }
}

/* Login -------------------------------------------------------------------- */

static void
test_login_ok (void)
{
  g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (demo_server));
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) session = login (client, "demo-admin", DEMO_PASSWORD, &error);
  g_autoptr(KouanSession) current = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) logout_result = NULL;
  g_autoptr(GAsyncResult) after_result = NULL;
  g_autoptr(KouanSession) after = NULL;

  g_assert_no_error (error);
  g_assert_nonnull (session);
  g_assert_cmpstr (session->account, ==, "demo-admin");
  g_assert_cmpuint (strlen (session->token), >=, 22); /* ≥ 128 bits, base64url */
  g_assert_cmpstr (kouan_client_get_token (client), ==, session->token);
  g_assert_cmpuint (session->enterprises->len, ==, 2);

  kouan_client_get_session_async (client, NULL, on_async_ready, &result);
  current = kouan_client_get_session_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (current->user_id, ==, session->user_id);
  g_assert_cmpuint (current->enterprises->len, ==, 2);

  kouan_client_logout_async (client, NULL, on_async_ready, &logout_result);
  g_assert_true (kouan_client_logout_finish (client, wait_result (&logout_result), &error));
  g_assert_no_error (error);

  /* The ended token is refused. */
  kouan_client_set_token (client, session->token);
  kouan_client_get_session_async (client, NULL, on_async_ready, &after_result);
  after = kouan_client_get_session_finish (client, wait_result (&after_result), &error);
  g_assert_null (after);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED);
}

static void
test_login_wrong_password (void)
{
  g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (demo_server));
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) session = login (client, "demo-staff", "not-the-password", &error);

  g_assert_null (session);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_CREDENTIALS);
  g_assert_null (kouan_client_get_token (client));
}

static void
test_login_unreachable (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", unused_port ());
  g_autoptr(KouanClient) client = new_client (url);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) session = login (client, "demo-admin", DEMO_PASSWORD, &error);

  g_assert_null (session);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK);
}

static void
test_login_throttled (void)
{
  /* Its own server: throttling is per account and per address, and would
   * lock the shared server's logins for the other tests. */
  const char *args[] = { "--demo", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (server));
  gboolean throttled = FALSE;

  for (guint i = 0; i < 10 && !throttled; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanSession) session = login (client, "demo-staff", "wrong", &error);

      g_assert_null (session);
      if (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_THROTTLED))
        throttled = TRUE;
      else
        g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_INVALID_CREDENTIALS);
    }
  g_assert_true (throttled);
  g_assert_cmpuint (kouan_client_get_retry_after (client), >, 0);
}

static JsonArray *
push_raw (KouanClient *client, gint64 enterprise_id, const char *mutations_json, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) node = json_from_string (mutations_json, NULL);

  g_assert_nonnull (node);
  kouan_client_push_mutations_async (client, enterprise_id, json_node_get_array (node), NULL,
                                     on_async_ready, &result);
  return kouan_client_push_mutations_finish (client, wait_result (&result), error);
}

/* The server's JSON errors reach the caller as codes it can act on. */
static void
test_client_error_mapping (void)
{
  g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (demo_server));
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  g_autoptr(GString) many = g_string_new ("[");
  gint64 enterprise_id;

  session = login (client, "demo-admin", DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  enterprise_id = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 0));

  /* A malformed batch (an id with forbidden characters) is refused whole. */
  results = push_raw (client, enterprise_id,
                      "[{\"id\": \"not a valid id!\", \"collection\": \"messages\", \"op\": \"update\","
                      " \"record_id\": 1, \"fields\": {\"read\": true}}]", &error);
  g_assert_null (results);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_BAD_REQUEST);
  g_clear_error (&error);

  /* More than 100 edits in one batch. */
  for (guint i = 0; i < 101; i++)
    g_string_append_printf (many, "%s{\"id\": \"many-%u\", \"collection\": \"messages\", \"op\": \"update\","
                            " \"record_id\": 1, \"fields\": {\"read\": true}}", i > 0 ? "," : "", i);
  g_string_append (many, "]");
  results = push_raw (client, enterprise_id, many->str, &error);
  g_assert_null (results);
  g_assert_true (g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_BAD_REQUEST) ||
                 g_error_matches (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TOO_LARGE));
  g_clear_error (&error);

  /* A well-formed edit of a record the server does not have is answered
   * per edit ("rejected"), not as a failed batch. */
  results = push_raw (client, enterprise_id,
                      "[{\"id\": \"no-such-record-1\", \"collection\": \"messages\", \"op\": \"update\","
                      " \"record_id\": 999999999, \"fields\": {\"read\": true}}]", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "rejected");

  /* An enterprise that does not exist at all. */
  page = fetch_changes (client, 987654, 0, 10, &error);
  g_assert_null (page);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND);
}

static void
test_unauthorized_engine (void)
{
  g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (demo_server));
  g_autoptr(TestCache) cache = test_cache_new ();
  g_autoptr(KouanSync) sync = kouan_sync_new (client, cache->store);
  g_autoptr(GError) error = NULL;

  kouan_client_set_token (client, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  kouan_sync_set_enterprise_id (sync, 1);
  g_assert_false (run_once (sync, &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_UNAUTHORIZED);
  g_assert_cmpint (kouan_sync_get_state (sync), ==, KOUAN_SYNC_STATE_UNAUTHORIZED);
  g_assert_nonnull (kouan_sync_get_last_error (sync));
  g_assert_cmpint (kouan_store_get_cursor (cache->store, 1), ==, 0);
}

static gboolean
check_unauthorized (gpointer user_data)
{
  return kouan_sync_get_state (user_data) == KOUAN_SYNC_STATE_UNAUTHORIZED;
}

static gboolean
check_online (gpointer user_data)
{
  return kouan_sync_get_state (user_data) == KOUAN_SYNC_STATE_ONLINE;
}

/* A started engine stops on a dead token and resumes after a new login. */
static void
test_unauthorized_resume (void)
{
  g_autoptr(TestClient) tc = test_client_new (demo_server, "demo-staff", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSession) again = NULL;

  kouan_client_set_token (tc->client, "BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
  kouan_sync_start (tc->sync);
  g_assert_true (wait_until (check_unauthorized, tc->sync, WAIT_TIMEOUT_MS));
  g_assert_cmpint (kouan_store_get_cursor (tc->cache->store, tc->enterprise_id), ==, 0);

  again = login (tc->client, "demo-staff", DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  kouan_sync_kick (tc->sync);
  g_assert_true (wait_until (check_online, tc->sync, WAIT_TIMEOUT_MS));
  g_assert_null (kouan_sync_get_last_error (tc->sync));
  g_assert_cmpint (kouan_store_get_cursor (tc->cache->store, tc->enterprise_id), >, 0);
  kouan_sync_stop (tc->sync);
}

/* Sync ------------------------------------------------------------------------ */

static void
test_full_sync (void)
{
  g_autoptr(TestClient) admin = test_client_new (demo_server, "demo-admin", 0);
  g_autoptr(TestClient) staff = test_client_new (demo_server, "demo-staff", 0);
  g_autoptr(GHashTable) admin_truth = NULL;
  g_autoptr(GHashTable) staff_truth = NULL;

  g_assert_cmpint (kouan_sync_get_last_synced (admin->sync), ==, 0);
  run_once_ok (admin->sync);
  run_once_ok (staff->sync);

  admin_truth = server_messages (demo_server, admin->session->token, admin->enterprise_id);
  staff_truth = server_messages (demo_server, staff->session->token, staff->enterprise_id);
  g_assert_cmpuint (g_hash_table_size (admin_truth), >, 0);
  assert_cache_matches_server (admin->cache->store, admin_truth, admin->enterprise_id);
  assert_cache_matches_server (staff->cache->store, staff_truth, staff->enterprise_id);

  g_assert_cmpint (kouan_sync_get_state (admin->sync), ==, KOUAN_SYNC_STATE_ONLINE);
  g_assert_cmpint (kouan_sync_get_last_synced (admin->sync), >, 0);
  g_assert_cmpint (kouan_store_get_cursor (admin->cache->store, admin->enterprise_id), >, 0);

  /* The sync time survives a restart: it lives in the cache. */
  {
    g_autoptr(KouanSync) again = kouan_sync_new (admin->client, admin->cache->store);

    kouan_sync_set_enterprise_id (again, admin->enterprise_id);
    g_assert_cmpint (kouan_sync_get_last_synced (again), ==, kouan_sync_get_last_synced (admin->sync));
  }
}

static void
test_incremental_sync (void)
{
  g_autoptr(TestClient) tc = test_client_new (demo_server, "demo-admin", 0);
  g_autofree char *other_token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanChangePage) delta = NULL;
  g_autoptr(KouanMessage) before = NULL;
  g_autoptr(KouanMessage) after = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *mutation_id = new_mutation_id ();
  g_autofree char *mutations = NULL;
  gint64 cursor, message_id;
  gboolean starred;

  run_once_ok (tc->sync);
  cursor = kouan_store_get_cursor (tc->cache->store, tc->enterprise_id);
  truth = server_messages (demo_server, other_token, tc->enterprise_id);
  message_id = some_message_id (truth, "notice", FALSE);
  before = kouan_store_get_message (tc->cache->store, tc->enterprise_id, message_id, &error);
  g_assert_no_error (error);
  starred = kouan_message_get_starred (before);

  /* Another session of the same user stars or unstars one notice. */
  mutations = g_strdup_printf ("[{\"id\": \"%s\", \"collection\": \"messages\", \"op\": \"update\","
                               " \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"starred\": %s}}]",
                               mutation_id, message_id, starred ? "false" : "true");
  answer = post_mutations (demo_server, other_token, tc->enterprise_id, mutations);

  /* The feed from our cursor holds that one change and nothing else. */
  delta = fetch_changes (tc->client, tc->enterprise_id, cursor, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (delta->changes->len, ==, 1);
  g_assert_cmpint (((KouanChange *) g_ptr_array_index (delta->changes, 0))->id, ==, message_id);
  g_assert_false (delta->more);

  run_once_ok (tc->sync);
  after = kouan_store_get_message (tc->cache->store, tc->enterprise_id, message_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kouan_message_get_starred (after), ==, !starred);
  g_assert_cmpint (kouan_message_get_read (after), ==, kouan_message_get_read (before));
  g_assert_cmpint (kouan_store_get_cursor (tc->cache->store, tc->enterprise_id), ==, delta->cursor);
  g_assert_cmpuint (cached_message_count (tc->cache->store, tc->enterprise_id), ==,
                    g_hash_table_size (truth));
}

static void
test_cross_enterprise (void)
{
  g_autoptr(TestClient) admin = test_client_new (demo_server, "demo-admin", 0);
  g_autoptr(TestClient) staff = test_client_new (demo_server, "demo-staff", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanChangePage) page = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(JsonArray) mutations = json_array_new ();
  g_autoptr(JsonObject) mutation = json_object_new ();
  g_autoptr(JsonObject) fields = json_object_new ();
  gint64 foreign = 0;

  /* An enterprise of demo-admin that demo-staff does not belong to. */
  for (guint i = 0; i < admin->session->enterprises->len && foreign == 0; i++)
    {
      gint64 id = kouan_enterprise_get_id (g_ptr_array_index (admin->session->enterprises, i));
      gboolean member = FALSE;

      for (guint j = 0; j < staff->session->enterprises->len; j++)
        member |= kouan_enterprise_get_id (g_ptr_array_index (staff->session->enterprises, j)) == id;
      if (!member)
        foreign = id;
    }
  g_assert_cmpint (foreign, >, 0);

  page = fetch_changes (staff->client, foreign, 0, 10, &error);
  g_assert_null (page);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND);
  g_clear_error (&error);

  json_object_set_string_member (mutation, "id", "cross-enterprise-1");
  json_object_set_string_member (mutation, "collection", "messages");
  json_object_set_string_member (mutation, "op", "update");
  json_object_set_int_member (mutation, "record_id", 1);
  json_object_set_boolean_member (fields, "starred", TRUE);
  json_object_set_object_member (mutation, "fields", json_object_ref (fields));
  json_array_add_object_element (mutations, json_object_ref (mutation));
  kouan_client_push_mutations_async (staff->client, foreign, mutations, NULL, on_async_ready, &result);
  results = kouan_client_push_mutations_finish (staff->client, wait_result (&result), &error);
  g_assert_null (results);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The engine pointed at it fails the same way and stores nothing. */
  kouan_sync_set_enterprise_id (staff->sync, foreign);
  g_assert_false (run_once (staff->sync, &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NOT_FOUND);
  g_assert_cmpuint (cached_message_count (staff->cache->store, foreign), ==, 0);
}

typedef struct {
  KouanStore *store;
  gint64      enterprise_id;
  gint64      message_id;
  gboolean    starred;
} WaitStarred;

static gboolean
check_starred (gpointer user_data)
{
  WaitStarred *wait = user_data;
  g_autoptr(KouanMessage) message = kouan_store_get_message (wait->store, wait->enterprise_id,
                                                             wait->message_id, NULL);

  return message != NULL && kouan_message_get_starred (message) == wait->starred;
}

static gboolean
check_never (gpointer user_data)
{
  return FALSE;
}

/* Runs the main context for @ms milliseconds. */
static void
spin (guint ms)
{
  wait_until (check_never, NULL, ms);
}

static void
post_star (KouanTestServer *server, const char *token, gint64 enterprise_id,
           gint64 message_id, gboolean starred)
{
  g_autofree char *mutation_id = new_mutation_id ();
  g_autofree char *mutations = NULL;
  g_autoptr(JsonObject) answer = NULL;

  mutations = g_strdup_printf ("[{\"id\": \"%s\", \"collection\": \"messages\", \"op\": \"update\","
                               " \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"starred\": %s}}]",
                               mutation_id, message_id, starred ? "true" : "false");
  answer = post_mutations (server, token, enterprise_id, mutations);
}

static void
test_websocket_nudge (void)
{
  g_autoptr(TestClient) tc = test_client_new (demo_server, "demo-admin", 0);
  g_autofree char *other_token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(GHashTable) truth = NULL;
  WaitStarred wait = { 0 };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  SoupWebsocketConnection *events;

  /* The client can open the socket itself. */
  kouan_client_connect_events_async (tc->client, tc->enterprise_id, NULL, on_async_ready, &result);
  events = kouan_client_connect_events_finish (tc->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (soup_websocket_connection_get_state (events), ==, SOUP_WEBSOCKET_STATE_OPEN);
  soup_websocket_connection_close (events, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
  g_object_unref (events);

  kouan_sync_start (tc->sync);
  g_assert_true (wait_until (check_online, tc->sync, WAIT_TIMEOUT_MS));

  truth = server_messages (demo_server, other_token, tc->enterprise_id);
  wait.store = tc->cache->store;
  wait.enterprise_id = tc->enterprise_id;
  wait.message_id = some_message_id (truth, "notice", TRUE);
  wait.starred = !json_bool (g_hash_table_lookup (truth, &wait.message_id), "starred");
  g_assert_false (check_starred (&wait));

  /* Another session changes the server twice. No kick, no local edit, and
   * the periodic pull is 60 s away: only the WebSocket's "changes" frame
   * can bring each change within the wait. The second round makes sure the
   * socket's catch-up pull after connecting is long over. */
  for (guint round = 0; round < 2; round++)
    {
      spin (300);
      post_star (demo_server, other_token, tc->enterprise_id, wait.message_id, wait.starred);
      g_assert_true (wait_until (check_starred, &wait, 10000));
      g_assert_cmpint (kouan_sync_get_state (tc->sync), !=, KOUAN_SYNC_STATE_OFFLINE);
      wait.starred = !wait.starred;
    }
  kouan_sync_stop (tc->sync);
}

static guint
outbox_rows (KouanStore *store)
{
  return kouan_store_count_outbox (store);
}

static void
test_offline_edits (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) unread = NULL;
  g_autoptr(KouanMessage) unstarred = NULL;
  g_autoptr(GPtrArray) queued = NULL;
  g_autoptr(GString) replay = g_string_new ("[");
  g_autoptr(JsonObject) replay_answer = NULL;
  g_autoptr(KouanChangePage) tail = NULL;
  gint64 unread_id, star_id, cursor;
  JsonArray *results = NULL;

  run_once_ok (tc->sync);
  truth = server_messages (server, tc->session->token, tc->enterprise_id);
  unread_id = some_message_id (truth, "warning", FALSE);
  star_id = some_message_id (truth, "notice", TRUE);
  if (json_bool (g_hash_table_lookup (truth, &star_id), "starred"))
    {
      /* Pick a read notice that is not starred yet. */
      GHashTableIter iter;
      gpointer key, value;

      star_id = 0;
      g_hash_table_iter_init (&iter, truth);
      while (star_id == 0 && g_hash_table_iter_next (&iter, &key, &value))
        if (!json_bool (value, "starred"))
          star_id = *(gint64 *) key;
      g_assert_cmpint (star_id, >, 0);
    }

  kouan_test_server_stop (server);

  /* Offline: the edits apply locally at once and wait in the outbox. */
  unread = kouan_store_get_message (tc->cache->store, tc->enterprise_id, unread_id, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_read (tc->cache->store, unread, TRUE, &error));
  g_assert_no_error (error);
  unstarred = kouan_store_get_message (tc->cache->store, tc->enterprise_id, star_id, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_starred (tc->cache->store, unstarred, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (outbox_rows (tc->cache->store), ==, 2);

  g_assert_false (run_once (tc->sync, &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpint (kouan_sync_get_state (tc->sync), ==, KOUAN_SYNC_STATE_OFFLINE);
  g_assert_cmpuint (kouan_sync_get_pending (tc->sync), ==, 2);

  /* Still queued after a failed push, with the attempt counted. */
  queued = kouan_store_peek_outbox (tc->cache->store, tc->enterprise_id, 100, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queued->len, ==, 2);
  for (guint i = 0; i < queued->len; i++)
    {
      KouanMutation *m = g_ptr_array_index (queued, i);
      g_autoptr(JsonNode) fields = json_node_init_object (json_node_alloc (), m->fields);
      g_autofree char *fields_text = kouan_json_to_string (fields);

      g_assert_cmpuint (m->attempts, >=, 1);
      g_string_append_printf (replay, "%s{\"id\": \"%s\", \"collection\": \"%s\", \"op\": \"%s\","
                              " \"record_id\": %" G_GINT64_FORMAT ", \"fields\": %s}",
                              i > 0 ? "," : "", m->id, m->collection, m->op, m->record_id, fields_text);
    }
  g_string_append (replay, "]");

  {
    g_autoptr(KouanMessage) local = kouan_store_get_message (tc->cache->store, tc->enterprise_id,
                                                             unread_id, NULL);
    g_assert_true (kouan_message_get_read (local));
  }

  kouan_test_server_restart (server);
  run_once_ok (tc->sync);
  g_assert_cmpuint (outbox_rows (tc->cache->store), ==, 0);
  g_assert_cmpuint (kouan_sync_get_pending (tc->sync), ==, 0);

  after = server_messages (server, tc->session->token, tc->enterprise_id);
  g_assert_true (json_bool (g_hash_table_lookup (after, &unread_id), "read"));
  g_assert_true (json_bool (g_hash_table_lookup (after, &star_id), "starred"));
  assert_cache_matches_server (tc->cache->store, after, tc->enterprise_id);

  /* Replaying the very same mutation ids changes nothing: the answers are
   * the first ones and the feed does not advance. */
  cursor = kouan_store_get_cursor (tc->cache->store, tc->enterprise_id);
  replay_answer = post_mutations (server, tc->session->token, tc->enterprise_id, replay->str);
  g_assert_true (kouan_json_get_array (replay_answer, "results", &results, &error));
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const char *status = NULL;

      g_assert_true (kouan_json_get_string (json_array_get_object_element (results, i),
                                            "status", &status, NULL));
      g_assert_cmpstr (status, ==, "applied");
    }
  tail = fetch_changes (tc->client, tc->enterprise_id, cursor, 500, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tail->changes->len, ==, 0);
}

/* Edits the stopped server's database directly, the way an operator or a
 * later admin feature would: the server's triggers turn the row changes into
 * feed entries (a tombstone for the delete, an upsert for the insert). */
static gint64
server_db_delete_and_insert (KouanTestServer *server, gint64 enterprise_id, gint64 delete_id)
{
  sqlite3 *db = NULL;
  char *errmsg = NULL;
  g_autofree char *sql = NULL;
  gint64 inserted;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  sql = g_strdup_printf ("PRAGMA foreign_keys = ON;"
                         "DELETE FROM messages WHERE id = %" G_GINT64_FORMAT ";"
                         "INSERT INTO messages (enterprise_id, kind, category, title, body, severity, created_at)"
                         " VALUES (%" G_GINT64_FORMAT ", 'warning', '风险预警', '测试预警：海关查验通知',"
                         " '集成测试插入的预警。', 'high', %" G_GINT64_FORMAT ");",
                         delete_id, enterprise_id, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_exec (db, sql, NULL, NULL, &errmsg) != SQLITE_OK)
    g_error ("server database edit failed: %s", errmsg);
  inserted = sqlite3_last_insert_rowid (db);
  g_assert_cmpint (sqlite3_changes (db), ==, 1);
  sqlite3_close (db);
  return inserted;
}

static void
on_warning_received (KouanSync *sync, gint64 message_id, GArray *received)
{
  g_array_append_val (received, message_id);
}

static void
test_tombstones (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) received = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(KouanMessage) doomed = NULL;
  g_autoptr(KouanMessage) gone = NULL;
  g_autoptr(KouanMessage) fresh = NULL;
  gint64 doomed_id, new_id;
  guint before;

  g_signal_connect (tc->sync, "warning-received", G_CALLBACK (on_warning_received), received);

  /* The first full sync of a fresh login announces no warning. */
  run_once_ok (tc->sync);
  g_assert_cmpuint (received->len, ==, 0);
  truth = server_messages (server, tc->session->token, tc->enterprise_id);
  before = cached_message_count (tc->cache->store, tc->enterprise_id);
  g_assert_cmpuint (before, ==, g_hash_table_size (truth));
  doomed_id = some_message_id (truth, "notice", FALSE);

  kouan_test_server_stop (server);
  new_id = server_db_delete_and_insert (server, tc->enterprise_id, doomed_id);
  kouan_test_server_restart (server);

  /* Meanwhile the user marked the doomed message read: the server rejects
   * that edit (no such message), and it must leave the outbox rather than
   * block it forever. */
  doomed = kouan_store_get_message (tc->cache->store, tc->enterprise_id, doomed_id, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_read (tc->cache->store, doomed, TRUE, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (tc->cache->store), ==, 1);

  run_once_ok (tc->sync);
  g_assert_cmpuint (kouan_store_count_outbox (tc->cache->store), ==, 0);

  /* The tombstone removed the row; the new warning arrived and was
   * announced, once. */
  gone = kouan_store_get_message (tc->cache->store, tc->enterprise_id, doomed_id, NULL);
  g_assert_null (gone);
  fresh = kouan_store_get_message (tc->cache->store, tc->enterprise_id, new_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (kouan_message_get_kind (fresh), ==, KOUAN_MESSAGE_KIND_WARNING);
  g_assert_false (kouan_message_get_read (fresh));
  g_assert_cmpuint (received->len, ==, 1);
  g_assert_cmpint (g_array_index (received, gint64, 0), ==, new_id);
  g_assert_cmpuint (cached_message_count (tc->cache->store, tc->enterprise_id), ==, before);

  after = server_messages (server, tc->session->token, tc->enterprise_id);
  g_assert_false (g_hash_table_contains (after, &doomed_id));
  assert_cache_matches_server (tc->cache->store, after, tc->enterprise_id);

  /* Nothing new: another cycle announces nothing again. */
  run_once_ok (tc->sync);
  g_assert_cmpuint (received->len, ==, 1);
}

static gboolean
check_offline (gpointer user_data)
{
  return kouan_sync_get_state (user_data) == KOUAN_SYNC_STATE_OFFLINE;
}

static gboolean
check_one_pending (gpointer user_data)
{
  return kouan_sync_get_pending (user_data) == 1;
}

static gboolean
check_drained (gpointer user_data)
{
  return kouan_sync_get_pending (user_data) == 0 &&
         kouan_sync_get_state (user_data) == KOUAN_SYNC_STATE_ONLINE;
}

/* The started engine on its own: notices the server going away, keeps an
 * edit made meanwhile, and delivers it when the server is back, with no
 * kick from outside. */
static void
test_engine_offline_recovery (void)
{
  const char *args[] = { "--demo", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  gint64 message_id = 0;
  GHashTableIter iter;
  gpointer key, value;

  kouan_sync_start (tc->sync);
  g_assert_true (wait_until (check_online, tc->sync, WAIT_TIMEOUT_MS));
  truth = server_messages (server, tc->session->token, tc->enterprise_id);
  g_hash_table_iter_init (&iter, truth);
  while (message_id == 0 && g_hash_table_iter_next (&iter, &key, &value))
    if (!json_bool (value, "starred"))
      message_id = *(gint64 *) key;
  g_assert_cmpint (message_id, >, 0);
  spin (300);

  /* The socket drops with the server; the engine finds it unreachable. */
  kouan_test_server_stop (server);
  g_assert_true (wait_until (check_offline, tc->sync, 10000));
  g_assert_nonnull (kouan_sync_get_last_error (tc->sync));

  message = kouan_store_get_message (tc->cache->store, tc->enterprise_id, message_id, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_starred (tc->cache->store, message, TRUE, &error));
  g_assert_no_error (error);
  g_assert_true (wait_until (check_one_pending, tc->sync, 5000));

  /* Back: the backoff retry (at most ~10 s away at this point) pushes it. */
  kouan_test_server_restart (server);
  g_assert_true (wait_until (check_drained, tc->sync, 40000));
  g_assert_null (kouan_sync_get_last_error (tc->sync));
  after = server_messages (server, tc->session->token, tc->enterprise_id);
  g_assert_true (json_bool (g_hash_table_lookup (after, &message_id), "starred"));
  kouan_sync_stop (tc->sync);
}

typedef struct {
  KouanTestServer *server;
  const char      *token;
  gint64           enterprise_id;
  gint64           message_id;
} WaitServerRead;

static gboolean
check_server_read (gpointer user_data)
{
  WaitServerRead *wait = user_data;
  g_autoptr(GHashTable) messages = server_messages (wait->server, wait->token, wait->enterprise_id);

  return json_bool (g_hash_table_lookup (messages, &wait->message_id), "read");
}

/* A local edit reaches the server by itself, shortly (debounced), while the
 * engine runs: no kick, no timer in between. */
static void
test_engine_pushes_local_edit (void)
{
  g_autoptr(TestClient) tc = test_client_new (demo_server, "demo-staff", 0);
  g_autoptr(GHashTable) truth = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GError) error = NULL;
  WaitServerRead wait = { 0 };

  kouan_sync_start (tc->sync);
  g_assert_true (wait_until (check_online, tc->sync, WAIT_TIMEOUT_MS));

  truth = server_messages (demo_server, tc->session->token, tc->enterprise_id);
  wait.server = demo_server;
  wait.token = tc->session->token;
  wait.enterprise_id = tc->enterprise_id;
  wait.message_id = some_message_id (truth, NULL, FALSE);

  message = kouan_store_get_message (tc->cache->store, tc->enterprise_id, wait.message_id, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_read (tc->cache->store, message, TRUE, &error));
  g_assert_no_error (error);

  g_assert_true (wait_until (check_server_read, &wait, 10000));
  g_assert_true (wait_until (check_drained, tc->sync, 10000));
  kouan_sync_stop (tc->sync);
}

static void
on_progress_notify (KouanSync *sync, GParamSpec *pspec, GArray *values)
{
  double progress = kouan_sync_get_progress (sync);

  g_array_append_val (values, progress);
}

/* A started engine learns the server's cursor from the WebSocket's hello
 * and reports how far a long pull has come. */
static void
test_engine_progress (void)
{
  const char *args[] = { "--demo", "--demo-scale", "3000", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  gboolean partial = FALSE;
  double last = 0.0;

  g_signal_connect (tc->sync, "notify::progress", G_CALLBACK (on_progress_notify), values);
  kouan_sync_start (tc->sync);
  g_assert_true (wait_until (check_online, tc->sync, WAIT_TIMEOUT_MS));
  kouan_sync_stop (tc->sync);

  for (guint i = 0; i < values->len; i++)
    {
      double value = g_array_index (values, double, i);

      g_assert_true (value == -1.0 || (value >= 0.0 && value <= 1.0));
      if (value > 0.0 && value < 1.0)
        {
          partial = TRUE;
          /* Within one pull it only grows. */
          g_assert_cmpfloat (value, >=, last);
          last = value;
        }
    }
  g_assert_true (partial);
  g_assert_cmpfloat (kouan_sync_get_progress (tc->sync), ==, -1.0);
}

typedef struct {
  char   *collection;
  gint64  done;
  gint64  total;
  char   *syncing;   /* the engine's syncing-collection at that moment */
} ProgressStep;

static void
progress_step_clear (gpointer data)
{
  ProgressStep *step = data;

  g_free (step->collection);
  g_free (step->syncing);
}

static void
on_collection_progress (KouanSync  *sync,
                        const char *collection,
                        gint64      done,
                        gint64      total,
                        GArray     *steps)
{
  ProgressStep step = { g_strdup (collection), done, total,
                        g_strdup (kouan_sync_get_syncing_collection (sync)) };
  gint64 got_done = -2, got_total = -2;

  g_assert_true (kouan_sync_get_collection_progress (sync, collection, &got_done, &got_total));
  g_assert_cmpint (got_done, ==, done);
  g_assert_cmpint (got_total, ==, total);
  g_array_append_val (steps, step);
}

/* The figures of @collection's steps: the total is known from the first
 * page on (the server counted what follows), never changes while nobody
 * edits, done grows page by page and ends at the total. Returns the
 * total. */
static gint64
assert_collection_steps (GArray *steps, const char *collection)
{
  gint64 total = -1, last_done = 0;
  guint n = 0;

  for (guint i = 0; i < steps->len; i++)
    {
      ProgressStep *step = &g_array_index (steps, ProgressStep, i);

      if (!g_str_equal (step->collection, collection))
        continue;
      if (n++ == 0)
        total = step->total;
      g_assert_cmpint (step->total, ==, total);
      /* the first step may only announce the total */
      if (n > 1)
        g_assert_cmpint (step->done, >, last_done);
      g_assert_cmpint (step->done, <=, total);
      g_assert_nonnull (step->syncing);
      last_done = step->done;
    }
  g_assert_cmpuint (n, >, 1);   /* several pages: progress was visible */
  g_assert_cmpint (total, >, 0);
  g_assert_cmpint (last_done, ==, total);
  return total;
}

/* The first sync says how far each collection has come: "messages 1 500
 * / 6 000". The totals are what the cache holds afterwards; a later pull
 * counts only its own changes. */
static void
test_collection_progress (void)
{
  const char *args[] = { "--demo", "--demo-scale", "3000", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (ProgressStep));
  g_autoptr(GArray) articles = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanMessage) message = NULL;
  g_autoptr(GArray) ids = NULL;
  KouanRiskQuery everything = { 0 };
  guint messages;
  gulong handler;

  g_array_set_clear_func (steps, progress_step_clear);
  handler = g_signal_connect (tc->sync, "collection-progress",
                              G_CALLBACK (on_collection_progress), steps);
  g_assert_null (kouan_sync_get_syncing_collection (tc->sync));
  run_once_ok (tc->sync);

  messages = kouan_store_count_messages (tc->cache->store, tc->enterprise_id,
                                         KOUAN_MESSAGE_KIND_NOTICE, KOUAN_READ_FILTER_ALL, FALSE) +
             kouan_store_count_messages (tc->cache->store, tc->enterprise_id,
                                         KOUAN_MESSAGE_KIND_WARNING, KOUAN_READ_FILTER_ALL, FALSE);
  g_assert_cmpint (assert_collection_steps (steps, "messages"), ==, messages);
  articles = kouan_store_search_risk_articles (tc->cache->store, &everything, &error);
  g_assert_no_error (error);
  g_assert_cmpint (assert_collection_steps (steps, "risk_articles"), ==, articles->len);

  /* Between pulls there is no per-collection progress. */
  g_assert_null (kouan_sync_get_syncing_collection (tc->sync));
  g_assert_false (kouan_sync_get_collection_progress (tc->sync, "messages", NULL, NULL));
  g_assert_cmpfloat (kouan_sync_get_progress (tc->sync), ==, -1.0);

  /* An edit pushed and pulled back: that pull brings one message. */
  g_array_set_size (steps, 0);
  ids = kouan_store_list_message_ids (tc->cache->store, tc->enterprise_id, KOUAN_MESSAGE_KIND_NOTICE,
                                      KOUAN_READ_FILTER_ALL, FALSE, &error);
  g_assert_no_error (error);
  message = kouan_store_get_message (tc->cache->store, tc->enterprise_id,
                                     g_array_index (ids, gint64, 0), &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_set_message_starred (tc->cache->store, message,
                                                  !kouan_message_get_starred (message), &error));
  g_assert_no_error (error);
  run_once_ok (tc->sync);
  g_assert_cmpuint (steps->len, ==, 1);
  g_assert_cmpstr (g_array_index (steps, ProgressStep, 0).collection, ==, "messages");
  g_assert_cmpint (g_array_index (steps, ProgressStep, 0).done, ==, 1);
  g_assert_cmpint (g_array_index (steps, ProgressStep, 0).total, ==, 1);

  g_signal_handler_disconnect (tc->sync, handler);
}

/* The feed's counts: "remaining" answers count=1, per collection, and
 * pages without it are unchanged. */
static void
test_feed_remaining (void)
{
  g_autoptr(TestClient) tc = test_client_new (demo_server, "demo-staff", 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanChangePage) first = NULL;
  g_autoptr(KouanChangePage) plain = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  gint64 since;
  gboolean more = TRUE;
  GHashTableIter iter;
  gpointer key, value;

  kouan_client_fetch_changes_async (tc->client, tc->enterprise_id, 0, 7, KOUAN_FETCH_COUNT, NULL,
                                    on_async_ready, &result);
  first = kouan_client_fetch_changes_finish (tc->client, wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (first->remaining);
  g_assert_true (first->more);

  plain = fetch_changes (tc->client, tc->enterprise_id, 0, 7, &error);
  g_assert_no_error (error);
  g_assert_null (plain->remaining);

  /* what the rest of the feed brings, collection by collection, is what
   * the first page announced */
  since = first->cursor;
  while (more)
    {
      g_autoptr(KouanChangePage) page = fetch_changes (tc->client, tc->enterprise_id, since, 50, &error);

      g_assert_no_error (error);
      for (guint i = 0; i < page->changes->len; i++)
        {
          KouanChange *change = g_ptr_array_index (page->changes, i);
          gint64 *count = g_hash_table_lookup (seen, change->collection);

          if (count == NULL)
            {
              count = g_new0 (gint64, 1);
              g_hash_table_insert (seen, g_strdup (change->collection), count);
            }
          (*count)++;
        }
      since = page->cursor;
      more = page->more;
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, g_hash_table_size (first->remaining));
  g_hash_table_iter_init (&iter, first->remaining);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      gint64 *count = g_hash_table_lookup (seen, key);

      g_test_message ("%s: %" G_GINT64_FORMAT " announced", (const char *) key, *(gint64 *) value);
      g_assert_nonnull (count);
      g_assert_cmpint (*count, ==, *(gint64 *) value);
    }
}

/* Kill mid-sync ----------------------------------------------------------------- */

#define CRASH_SCALE "3000"

static void
assert_cache_consistent_with_cursor (KouanStore *store, KouanTestServer *server, const char *token,
                                     gint64 enterprise_id)
{
  gint64 cursor = kouan_store_get_cursor (store, enterprise_id);
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  gint64 since = 0;
  gboolean more = TRUE;

  /* Every message the feed delivers up to the stored cursor is cached, and
   * nothing more: page and cursor were committed together. (The demo data
   * do not change during this test, so each record has one change.) */
  while (more && since < cursor)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(KouanChangePage) page = NULL;
      g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT
                                              "/changes?since=%" G_GINT64_FORMAT "&limit=1000",
                                              kouan_test_server_get_url (server), enterprise_id, since);
      g_autoptr(GBytes) body = NULL;
      g_autoptr(JsonObject) object = NULL;

      g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &body), ==, 200);
      object = kouan_json_parse_object (g_bytes_get_data (body, NULL), g_bytes_get_size (body), &error);
      g_assert_no_error (error);
      page = kouan_change_page_new_from_json (enterprise_id, object, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < page->changes->len; i++)
        {
          KouanChange *change = g_ptr_array_index (page->changes, i);

          if (change->seq <= cursor && g_str_equal (change->collection, "messages") && !change->deleted)
            g_hash_table_add (expected, g_memdup2 (&change->id, sizeof change->id));
        }
      since = page->cursor;
      more = page->more;
    }

  g_assert_cmpuint (cached_message_count (store, enterprise_id), ==, g_hash_table_size (expected));
}

static char *self_exe;   /* this test program, to re-run as the crash child */

static void
on_crash_child_page (KouanStore *store, const char *collection, gint64 enterprise_id)
{
  /* One line per applied page: the parent kills us after a few. */
  g_print ("page %" G_GINT64_FORMAT "\n", kouan_store_get_cursor (store, enterprise_id));
  fflush (stdout);
}

/* The child of /sync/kill-mid-sync: syncs the cache named in the
 * environment in a loop until the parent kills it. */
static int
crash_child (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = new_client (g_getenv ("KOUAN_TEST_CRASH_URL"));
  g_autoptr(KouanStore) store = kouan_store_open (g_getenv ("KOUAN_TEST_CRASH_DB"), &error);
  g_autoptr(KouanSync) sync = NULL;
  gint64 enterprise_id;

  g_assert_no_error (error);
  kouan_client_set_token (client, g_getenv ("KOUAN_TEST_CRASH_TOKEN"));
  g_ascii_string_to_signed (g_getenv ("KOUAN_TEST_CRASH_EID"), 10, 1, G_MAXINT64, &enterprise_id, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "changed", G_CALLBACK (on_crash_child_page), NULL);
  sync = kouan_sync_new (client, store);
  kouan_sync_set_enterprise_id (sync, enterprise_id);
  for (;;)
    {
      g_clear_error (&error);
      run_once (sync, &error);
    }
  return 1;
}

static void
test_kill_mid_sync (void)
{
  const char *args[] = { "--demo", "--demo-scale", CRASH_SCALE, NULL };
  g_autoptr(KouanTestServer) server = NULL;
  g_autoptr(TestCache) cache = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanSync) sync = NULL;
  g_autoptr(GHashTable) truth = NULL;
  gint64 enterprise_id, cursor;

  server = kouan_test_server_start (args);
  cache = test_cache_new ();
  client = new_client (kouan_test_server_get_url (server));
  session = login (client, "demo-admin", DEMO_PASSWORD, &error);
  g_assert_no_error (error);
  enterprise_id = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 0));

  /* 1. Deterministic: two pages applied, then the process "dies" (the store
   *    is dropped without the rest of the cycle). */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(KouanChangePage) page = fetch_changes (client, enterprise_id,
                                                       kouan_store_get_cursor (cache->store, enterprise_id),
                                                       500, &error);
      g_assert_no_error (error);
      g_assert_true (page->more);
      g_assert_true (kouan_store_apply_page (cache->store, page, &error));
      g_assert_no_error (error);
    }
  test_cache_reopen (cache);
  cursor = kouan_store_get_cursor (cache->store, enterprise_id);
  g_assert_cmpint (cursor, >, 0);
  assert_cache_consistent_with_cursor (cache->store, server, session->token, enterprise_id);

  /* 2. A real SIGKILL: a child process syncs the same cache and is killed
   *    as soon as it reports its second page, i.e. while it fetches or
   *    applies the next one. */
  g_clear_object (&cache->store);
  {
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
    g_autoptr(GSubprocess) child = NULL;
    g_autoptr(GDataInputStream) lines = NULL;
    g_autofree char *eid = g_strdup_printf ("%" G_GINT64_FORMAT, enterprise_id);
    guint pages = 0;

    g_subprocess_launcher_setenv (launcher, "KOUAN_TEST_CRASH_CHILD", "1", TRUE);
    g_subprocess_launcher_setenv (launcher, "KOUAN_TEST_CRASH_URL", kouan_test_server_get_url (server), TRUE);
    g_subprocess_launcher_setenv (launcher, "KOUAN_TEST_CRASH_DB", cache->path, TRUE);
    g_subprocess_launcher_setenv (launcher, "KOUAN_TEST_CRASH_TOKEN", session->token, TRUE);
    g_subprocess_launcher_setenv (launcher, "KOUAN_TEST_CRASH_EID", eid, TRUE);
    child = g_subprocess_launcher_spawn (launcher, &error, self_exe, NULL);
    g_assert_no_error (error);

    lines = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child));
    while (pages < 2)
      {
        g_autofree char *line = g_data_input_stream_read_line (lines, NULL, NULL, &error);

        g_assert_no_error (error);
        g_assert_nonnull (line);   /* the child died on its own */
        if (g_str_has_prefix (line, "page "))
          pages++;
      }
    g_subprocess_send_signal (child, SIGKILL);
    g_subprocess_wait (child, NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_subprocess_get_if_signaled (child));
    g_assert_cmpint (g_subprocess_get_term_sig (child), ==, SIGKILL);
  }

  test_cache_reopen (cache);
  g_assert_cmpint (kouan_store_get_cursor (cache->store, enterprise_id), >, cursor);
  assert_cache_consistent_with_cursor (cache->store, server, session->token, enterprise_id);
  /* …and it really was killed halfway. */
  truth = server_messages (server, session->token, enterprise_id);
  g_assert_cmpuint (cached_message_count (cache->store, enterprise_id), <, g_hash_table_size (truth));

  /* 3. Resuming converges to the server's full set, without duplicates. */
  sync = kouan_sync_new (client, cache->store);
  kouan_sync_set_enterprise_id (sync, enterprise_id);
  run_once_ok (sync);
  assert_cache_matches_server (cache->store, truth, enterprise_id);
}

/* TLS ------------------------------------------------------------------------- */

/* Writes a self-signed certificate for 127.0.0.1 and its key, made with
 * GnuTLS (already a dependency) so the test needs no external tool. */
static void
make_self_signed (const char *cert_path, const char *key_path)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t pem = { 0 };
  guint8 serial[8];
  const guint8 ip[4] = { 127, 0, 0, 1 };
  time_t now = time (NULL);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  for (guint i = 0; i < sizeof serial; i++)
    serial[i] = g_random_int_range (1, 256);
  serial[0] &= 0x7f;
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 3600), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 86400), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                  "127.0.0.1", strlen ("127.0.0.1")), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip,
                                                         GNUTLS_FSAN_SET), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, "localhost",
                                                         strlen ("localhost"), GNUTLS_FSAN_APPEND), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
                                                  GNUTLS_KEY_KEY_CERT_SIGN), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  g_file_set_contents (cert_path, (const char *) pem.data, pem.size, &error);
  g_assert_no_error (error);
  gnutls_free (pem.data);
  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &pem), ==, 0);
  g_file_set_contents (key_path, (const char *) pem.data, pem.size, &error);
  g_assert_no_error (error);
  gnutls_free (pem.data);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
}

static void
test_tls (void)
{
  g_autoptr(TestCache) files = test_cache_new ();   /* only for its directory */
  g_autofree char *cert = g_build_filename (files->dir, "server.pem", NULL);
  g_autofree char *key = g_build_filename (files->dir, "server-key.pem", NULL);
  g_autofree char *other = g_build_filename (files->dir, "other.pem", NULL);
  g_autofree char *other_key = g_build_filename (files->dir, "other-key.pem", NULL);
  g_autofree char *garbage = g_build_filename (files->dir, "garbage.pem", NULL);
  g_autoptr(KouanTestServer) server = NULL;
  g_autoptr(GError) error = NULL;

  make_self_signed (cert, key);
  make_self_signed (other, other_key);
  g_file_set_contents (garbage, "not a certificate\n", -1, &error);
  g_assert_no_error (error);

  {
    const char *args[] = { "--demo", "--tls-cert", cert, "--tls-key", key, NULL };
    server = kouan_test_server_start (args);
  }
  g_assert_true (g_str_has_prefix (kouan_test_server_get_url (server), "https://"));

  /* Not trusted by the system: refused. */
  {
    g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (server));
    g_autoptr(KouanSession) session = login (client, "demo-admin", DEMO_PASSWORD, &error);

    g_assert_null (session);
    g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS);
    g_clear_error (&error);
  }

  /* A CA file that holds no certificate is refused up front. */
  {
    g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (server));

    g_assert_false (kouan_client_set_ca_file (client, garbage, &error));
    g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS);
    g_clear_error (&error);
  }

  /* Trusting another CA does not help. */
  {
    g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (server));
    g_autoptr(KouanSession) session = NULL;

    g_assert_true (kouan_client_set_ca_file (client, other, &error));
    g_assert_no_error (error);
    session = login (client, "demo-admin", DEMO_PASSWORD, &error);
    g_assert_null (session);
    g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_TLS);
    g_clear_error (&error);
  }

  /* The right CA file: login, a sync cycle and the wss:// socket work. */
  {
    g_autoptr(KouanClient) client = new_client (kouan_test_server_get_url (server));
    g_autoptr(KouanSession) session = NULL;
    g_autoptr(TestCache) cache = test_cache_new ();
    g_autoptr(KouanSync) sync = NULL;
    g_autoptr(GAsyncResult) result = NULL;
    SoupWebsocketConnection *events;
    gint64 enterprise_id;

    g_assert_true (kouan_client_set_ca_file (client, cert, &error));
    g_assert_no_error (error);
    session = login (client, "demo-admin", DEMO_PASSWORD, &error);
    g_assert_no_error (error);
    enterprise_id = kouan_enterprise_get_id (g_ptr_array_index (session->enterprises, 0));
    sync = kouan_sync_new (client, cache->store);
    kouan_sync_set_enterprise_id (sync, enterprise_id);
    run_once_ok (sync);
    g_assert_cmpuint (cached_message_count (cache->store, enterprise_id), >, 0);

    kouan_client_connect_events_async (client, enterprise_id, NULL, on_async_ready, &result);
    events = kouan_client_connect_events_finish (client, wait_result (&result), &error);
    g_assert_no_error (error);
    soup_websocket_connection_close (events, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
    g_object_unref (events);
  }
}

/* A first sync of more than a page defers the search indexes (store
 * schema 10): while pages stream in, searches find the rows already
 * written by scanning them; at the end of the pull the indexes hold
 * every row, and an incremental pull keeps them exact. */
typedef struct {
  gint64            enterprise_id;
  gint64            message_id;
  KouanMessageKind  kind;
  const char       *title;
  guint             seen_deferred;    /* changes seen while the index was deferred */
  guint             found_deferred;   /* …in which the search found the message */
} DeferredSearch;

static gboolean
search_finds (KouanStore *store, const DeferredSearch *search, gboolean starred_only)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = kouan_store_search_messages (store, search->enterprise_id, search->kind,
                                                       KOUAN_READ_FILTER_ALL, starred_only,
                                                       search->title, 0, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, gint64, i) == search->message_id)
      return TRUE;
  return FALSE;
}

static void
on_store_changed_search (KouanStore     *store,
                         const char     *collection,
                         gint64          enterprise_id,
                         DeferredSearch *search)
{
  if (!g_str_equal (collection, "messages") || kouan_store_search_index_complete (store))
    return;
  search->seen_deferred++;
  if (search_finds (store, search, FALSE))
    search->found_deferred++;
}

static gint64
cache_int (KouanStore *store, const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  /* what each index holds, one row per token instance (fts5vocab) */
  g_assert_cmpint (sqlite3_exec (kouan_store_get_db (store),
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.messages_fts_rows"
    "  USING fts5vocab (main, messages_fts, 'instance');"
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.risk_articles_fts_rows"
    "  USING fts5vocab (main, risk_articles_fts, 'instance');", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (kouan_store_get_db (store), sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static void
assert_search_indexes_complete (KouanStore *store)
{
  char *message = NULL;

  g_assert_true (kouan_store_search_index_complete (store));
  g_assert_cmpint (sqlite3_exec (kouan_store_get_db (store),
                                 "INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check');"
                                 "INSERT INTO risk_articles_fts (risk_articles_fts) VALUES ('integrity-check');",
                                 NULL, NULL, &message), ==, SQLITE_OK);
  g_assert_null (message);
  g_assert_cmpint (cache_int (store, "SELECT count (DISTINCT doc) FROM temp.messages_fts_rows"), ==,
                   cache_int (store, "SELECT count (*) FROM messages"));
  g_assert_cmpint (cache_int (store, "SELECT count (DISTINCT doc) FROM temp.risk_articles_fts_rows"), ==,
                   cache_int (store, "SELECT count (*) FROM risk_articles"));
  g_assert_cmpint (cache_int (store, "SELECT count (*) FROM messages_fts_pending"), ==, 0);
}

static void
test_first_sync_search_index (void)
{
  const char *args[] = { "--demo", "--demo-scale", "3000", NULL };
  g_autoptr(KouanTestServer) server = kouan_test_server_start (args);
  g_autoptr(TestClient) tc = test_client_new (server, "demo-admin", 0);
  g_autofree char *token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autofree char *mutation_id = new_mutation_id ();
  g_autofree char *mutations = NULL;
  g_autoptr(JsonObject) answer = NULL;
  g_autoptr(KouanChangePage) first = NULL;
  g_autoptr(GError) error = NULL;
  DeferredSearch search = { tc->enterprise_id, 0, KOUAN_MESSAGE_KIND_NOTICE, NULL, 0, 0 };
  gulong handler;

  /* a message of the feed's first page: in the cache from the first
   * applied page on */
  first = fetch_changes (tc->client, tc->enterprise_id, 0, 1000, &error);
  g_assert_no_error (error);
  g_assert_true (first->more);
  for (guint i = 0; i < first->changes->len && search.title == NULL; i++)
    {
      KouanChange *change = g_ptr_array_index (first->changes, i);
      const char *kind = NULL;

      if (g_str_equal (change->collection, "messages") && change->record != NULL)
        {
          search.message_id = change->id;
          g_assert_true (kouan_json_get_string (change->record, "kind", &kind, NULL));
          g_assert_true (kouan_message_kind_from_string (kind, &search.kind));
          g_assert_true (kouan_json_get_string (change->record, "title", &search.title, NULL));
        }
    }
  g_assert_nonnull (search.title);

  handler = g_signal_connect (tc->cache->store, "changed", G_CALLBACK (on_store_changed_search), &search);
  run_once_ok (tc->sync);
  g_signal_handler_disconnect (tc->cache->store, handler);

  /* the pull ran deferred, and the search found the row all along */
  g_assert_cmpuint (search.seen_deferred, >, 0);
  g_assert_cmpuint (search.found_deferred, ==, search.seen_deferred);
  assert_search_indexes_complete (tc->cache->store);
  g_assert_true (search_finds (tc->cache->store, &search, FALSE));

  /* An incremental pull: another session stars the message; the search
   * follows its new state, per page again. */
  g_assert_false (search_finds (tc->cache->store, &search, TRUE));
  mutations = g_strdup_printf ("[{\"id\": \"%s\", \"collection\": \"messages\", \"op\": \"update\","
                               " \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"starred\": true}}]",
                               mutation_id, search.message_id);
  answer = post_mutations (server, token, tc->enterprise_id, mutations);
  run_once_ok (tc->sync);
  g_assert_true (search_finds (tc->cache->store, &search, TRUE));
  assert_search_indexes_complete (tc->cache->store);
}

int
main (int argc, char **argv)
{
  const char *demo_args[] = { "--demo", NULL };
  int status;

  if (g_getenv ("KOUAN_TEST_CRASH_CHILD") != NULL)
    return crash_child ();

  self_exe = g_canonicalize_filename (argv[0], NULL);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/client/codec/change-page", test_codec_change_page);
  g_test_add_func ("/client/codec/session", test_codec_session);
  g_test_add_func ("/client/bad-url", test_client_bad_url);
  g_test_add_func ("/client/login/ok", test_login_ok);
  g_test_add_func ("/client/login/wrong-password", test_login_wrong_password);
  g_test_add_func ("/client/login/unreachable", test_login_unreachable);
  g_test_add_func ("/client/login/throttled", test_login_throttled);
  g_test_add_func ("/client/tls", test_tls);
  g_test_add_func ("/client/error-mapping", test_client_error_mapping);
  g_test_add_func ("/sync/unauthorized", test_unauthorized_engine);
  g_test_add_func ("/sync/unauthorized-resume", test_unauthorized_resume);
  g_test_add_func ("/sync/full", test_full_sync);
  g_test_add_func ("/sync/incremental", test_incremental_sync);
  g_test_add_func ("/sync/cross-enterprise", test_cross_enterprise);
  g_test_add_func ("/sync/tombstones", test_tombstones);
  g_test_add_func ("/sync/offline-edits", test_offline_edits);
  g_test_add_func ("/sync/kill-mid-sync", test_kill_mid_sync);
  g_test_add_func ("/sync/websocket-nudge", test_websocket_nudge);
  g_test_add_func ("/sync/engine-offline-recovery", test_engine_offline_recovery);
  g_test_add_func ("/sync/engine-pushes-local-edit", test_engine_pushes_local_edit);
  g_test_add_func ("/sync/engine-progress", test_engine_progress);
  g_test_add_func ("/sync/collection-progress", test_collection_progress);
  g_test_add_func ("/sync/feed-remaining", test_feed_remaining);
  g_test_add_func ("/sync/first-sync-search-index", test_first_sync_search_index);

  demo_server = kouan_test_server_start (demo_args);
  status = g_test_run ();
  g_clear_pointer (&demo_server, kouan_test_server_free);
  g_free (self_exe);
  return status;
}

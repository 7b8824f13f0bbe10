/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <libsoup/soup.h>
#include <sqlite3.h>

#include "kouan-credit-code.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-test-server.h"

/* kouan-server's HTTP API (docs/api.md) against a real server process. */

#define ENTERPRISE_SHARED 1   /* demo-admin (admin) and demo-staff (staff) */
#define ENTERPRISE_ADMIN  2   /* demo-admin only */

typedef struct {
  KouanTestServer *server;
  char            *admin;   /* tokens */
  char            *staff;
} Fixture;

static void
fixture_start (Fixture            *f,
               const char * const *extra_args)
{
  f->server = kouan_test_server_start (extra_args);
  f->admin = kouan_test_login (f->server, "demo-admin", "kouan-demo");
  f->staff = kouan_test_login (f->server, "demo-staff", "kouan-demo");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };

  fixture_start (f, data != NULL ? data : args);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->server, kouan_test_server_free);
  g_clear_pointer (&f->admin, g_free);
  g_clear_pointer (&f->staff, g_free);
}

/* One request; @out (nullable) receives the parsed JSON answer, which must
 * be an object whenever there is a body. */
static guint
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) reply = NULL;
  guint status;

  status = kouan_test_http (method, url, token, body, body != NULL ? strlen (body) : 0, &reply);
  if (out != NULL)
    {
      g_autoptr(GError) error = NULL;

      *out = NULL;
      if (reply != NULL && g_bytes_get_size (reply) > 0)
        {
          *out = kouan_json_parse_object (g_bytes_get_data (reply, NULL),
                                          g_bytes_get_size (reply), &error);
          g_assert_no_error (error);
        }
    }
  return status;
}

static const char *
error_code (JsonObject *reply)
{
  g_assert_nonnull (reply);
  g_assert_true (json_object_has_member (reply, "error"));
  return json_object_get_string_member (json_object_get_object_member (reply, "error"), "code");
}

static void
assert_error (Fixture    *f,
              const char *method,
              const char *path,
              const char *token,
              const char *body,
              guint       expected_status,
              const char *expected_code)
{
  g_autoptr(JsonObject) reply = NULL;
  guint status = request (f, method, path, token, body, &reply);

  g_test_message ("%s %s → %u", method, path, status);
  g_assert_cmpuint (status, ==, expected_status);
  g_assert_cmpstr (error_code (reply), ==, expected_code);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "error"), "message"), !=, "");
}

static void
assert_healthy (Fixture *f)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "GET", "/api/v1/health", NULL, NULL, &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply, "status"), ==, "ok");
}

static sqlite3 *
open_db (Fixture *f)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (f->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
db_int (Fixture    *f,
        const char *sql)
{
  sqlite3 *db = open_db (f);
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return value;
}

static void
db_exec (Fixture    *f,
         const char *sql)
{
  sqlite3 *db = open_db (f);

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

/* The first message of @enterprise_id (lowest id). */
static gint64
first_message (Fixture *f,
               gint64   enterprise_id)
{
  g_autofree char *sql = g_strdup_printf ("SELECT MIN(id) FROM messages WHERE enterprise_id = %" G_GINT64_FORMAT,
                                          enterprise_id);
  return db_int (f, sql);
}

static char *
changes_path (gint64 enterprise_id,
              gint64 since,
              gint64 limit)
{
  return g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/changes?since=%" G_GINT64_FORMAT
                          "&limit=%" G_GINT64_FORMAT, enterprise_id, since, limit);
}

static char *
mutations_path (gint64 enterprise_id)
{
  return g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/mutations", enterprise_id);
}

/* Pulls the whole feed from @since; returns the final cursor and, in
 * @records (message id → change object), the latest change of each. */
static gint64
pull_all (Fixture    *f,
          const char *token,
          gint64      enterprise_id,
          gint64      since,
          GHashTable *records)
{
  gint64 cursor = since;
  gboolean more = TRUE;

  while (more)
    {
      g_autofree char *path = changes_path (enterprise_id, cursor, 100);
      g_autoptr(JsonObject) reply = NULL;
      JsonArray *changes;
      gint64 last_seq = cursor;

      g_assert_cmpuint (request (f, "GET", path, token, NULL, &reply), ==, 200);
      changes = json_object_get_array_member (reply, "changes");
      g_assert_cmpuint (json_array_get_length (changes), <=, 100);
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);
          gint64 seq = json_object_get_int_member (change, "seq");

          g_assert_cmpint (seq, >, last_seq);
          last_seq = seq;
          if (g_strcmp0 (json_object_get_string_member (change, "collection"), "messages") == 0 &&
              records != NULL)
            {
              gint64 *key = g_new (gint64, 1);

              *key = json_object_get_int_member (change, "id");
              g_hash_table_replace (records, key, json_object_ref (change));
            }
        }
      more = json_object_get_boolean_member (reply, "more");
      /* a full page ends at its last change; the last page's cursor also
       * passes the changes at the end this user may not see */
      if (more)
        {
          g_assert_cmpuint (json_array_get_length (changes), ==, 100);
          g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, last_seq);
        }
      else
        g_assert_cmpint (json_object_get_int_member (reply, "cursor"), >=, last_seq);
      cursor = json_object_get_int_member (reply, "cursor");
    }
  return cursor;
}

static GHashTable *
records_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, (GDestroyNotify) json_object_unref);
}

static JsonObject *
record_of (GHashTable *records,
           gint64      id)
{
  JsonObject *change = g_hash_table_lookup (records, &id);

  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "upsert");
  return json_object_get_object_member (change, "record");
}

static char *
one_mutation (const char *id,
              gint64      record_id,
              const char *fields)
{
  return g_strdup_printf ("{\"mutations\": [{\"id\": \"%s\", \"collection\": \"messages\", "
                          "\"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ", \"fields\": %s}]}",
                          id, record_id, fields);
}

/* ---- routes and errors --------------------------------------------- */

static void
test_routes (Fixture       *f,
             gconstpointer  data)
{
  assert_healthy (f);
  assert_error (f, "GET", "/api/v1/nothing", NULL, NULL, 404, "not_found");
  assert_error (f, "GET", "/", NULL, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v2/health", NULL, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/1/nothing", f->admin, NULL, 404, "not_found");
  assert_error (f, "POST", "/api/v1/health", NULL, "{}", 405, "method_not_allowed");
  assert_error (f, "PUT", "/api/v1/session", NULL, "{}", 405, "method_not_allowed");
  assert_error (f, "POST", "/api/v1/enterprises/1/changes", f->admin, "{}", 405, "method_not_allowed");
  assert_error (f, "GET", "/api/v1/enterprises/1/mutations", f->admin, NULL, 405, "method_not_allowed");
  assert_healthy (f);
}

static void
test_login_ok (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *user;
  JsonArray *memberships;
  gboolean certified[2];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\": \"demo-admin\", \"password\": \"kouan-demo\"}", &reply), ==, 200);
  /* 256 bits in base64url */
  g_assert_cmpuint (strlen (json_object_get_string_member (reply, "token")), >=, 43);
  g_assert_cmpstr (json_object_get_string_member (reply, "method"), ==, "password");
  g_assert_cmpint (json_object_get_int_member (reply, "expires_at"), >, now);
  user = json_object_get_object_member (reply, "user");
  g_assert_cmpstr (json_object_get_string_member (user, "account"), ==, "demo-admin");
  g_assert_cmpstr (json_object_get_string_member (user, "name"), !=, "");

  memberships = json_object_get_array_member (reply, "memberships");
  g_assert_cmpuint (json_array_get_length (memberships), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *membership = json_array_get_object_element (memberships, i);
      JsonObject *enterprise = json_object_get_object_member (membership, "enterprise");
      JsonArray *roles = json_object_get_array_member (membership, "roles");

      g_assert_true (kouan_credit_code_is_valid (json_object_get_string_member (enterprise, "credit_code")));
      g_assert_cmpstr (json_array_get_string_element (roles, 0), ==, "admin");
      certified[i] = json_object_get_boolean_member (enterprise, "certified");
    }
  /* one certified enterprise and one not */
  g_assert_true (certified[0] != certified[1]);

  /* Two logins are two sessions with different tokens. */
  g_assert_cmpstr (json_object_get_string_member (reply, "token"), !=, f->admin);
}

static void
test_login_staff_memberships (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *memberships;
  JsonObject *membership;

  g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->staff, NULL, &reply), ==, 200);
  memberships = json_object_get_array_member (reply, "memberships");
  g_assert_cmpuint (json_array_get_length (memberships), ==, 1);
  membership = json_array_get_object_element (memberships, 0);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (membership, "enterprise"), "id"),
                   ==, ENTERPRISE_SHARED);
  /* roles are those with a grant valid today; the demo's legacy "staff"
   * role is the portal's 业务员 (admin issue) */
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (membership, "roles"), 0),
                   ==, "业务员");
}

static void
test_login_wrong (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(JsonObject) wrong = NULL;
  g_autoptr(JsonObject) unknown = NULL;
  g_autofree char *wrong_text = NULL;
  g_autofree char *unknown_text = NULL;

  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\": \"demo-admin\", \"password\": \"nope\"}", &wrong), ==, 401);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\": \"no-such-user\", \"password\": \"kouan-demo\"}", &unknown), ==, 401);
  g_assert_cmpstr (error_code (wrong), ==, "invalid_credentials");
  /* The two must not be told apart. */
  wrong_text = kouan_json_object_to_string (wrong);
  unknown_text = kouan_json_object_to_string (unknown);
  g_assert_cmpstr (wrong_text, ==, unknown_text);

  assert_error (f, "POST", "/api/v1/session", NULL, "{\"account\": \"demo-admin\"}", 400, "invalid_field");
  assert_error (f, "POST", "/api/v1/session", NULL, "{\"account\": 5, \"password\": \"x\"}", 400, "invalid_field");
  assert_error (f, "POST", "/api/v1/session", NULL, "{\"account\": \"demo-admin\", \"password\": true}", 400, "invalid_field");
  assert_error (f, "POST", "/api/v1/session", NULL, "[\"demo-admin\"]", 400, "invalid_json");
  assert_error (f, "POST", "/api/v1/session", NULL, "{\"account\": ", 400, "invalid_json");
}

static void
assert_throttled (Fixture    *f,
                  const char *body)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), "/api/v1/session", NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *retry_after;
  guint64 seconds = 0;

  soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
  reply = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 429);
  object = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (error_code (object), ==, "too_many_requests");

  retry_after = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  g_assert_nonnull (retry_after);
  g_assert_true (g_ascii_string_to_unsigned (retry_after, 10, 1, 15 * 60, &seconds, NULL));
}

static void
test_login_throttle_account (Fixture       *f,
                             gconstpointer  data)
{
  for (int i = 0; i < 5; i++)
    assert_error (f, "POST", "/api/v1/session", NULL,
                  "{\"account\": \"demo-staff\", \"password\": \"guess\"}", 401, "invalid_credentials");

  /* Throttled now, even with the right password. */
  assert_throttled (f, "{\"account\": \"demo-staff\", \"password\": \"guess\"}");
  assert_throttled (f, "{\"account\": \"demo-staff\", \"password\": \"kouan-demo\"}");

  /* Existing sessions keep working. */
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->staff, NULL, NULL), ==, 200);
}

static void
test_login_throttle_address (Fixture       *f,
                             gconstpointer  data)
{
  /* Five different accounts, one address. */
  for (int i = 0; i < 5; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"account\": \"someone-%d\", \"password\": \"x\"}", i);
      assert_error (f, "POST", "/api/v1/session", NULL, body, 401, "invalid_credentials");
    }
  assert_throttled (f, "{\"account\": \"demo-admin\", \"password\": \"kouan-demo\"}");
}

static void
test_session_get_delete (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *path = changes_path (ENTERPRISE_SHARED, 0, 1);

  g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->admin, NULL, &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (reply, "user"), "account"),
                   ==, "demo-admin");
  g_assert_false (json_object_has_member (reply, "token"));
  g_assert_cmpstr (json_object_get_string_member (reply, "method"), ==, "password");

  g_assert_cmpuint (request (f, "DELETE", "/api/v1/session", f->admin, NULL, NULL), ==, 204);
  assert_error (f, "GET", "/api/v1/session", f->admin, NULL, 401, "unauthorized");
  assert_error (f, "GET", path, f->admin, NULL, 401, "unauthorized");
  assert_error (f, "DELETE", "/api/v1/session", f->admin, NULL, 401, "unauthorized");

  /* The other user's session is untouched. */
  g_assert_cmpuint (request (f, "GET", path, f->staff, NULL, NULL), ==, 200);
}

static void
test_no_token (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *path = changes_path (ENTERPRISE_SHARED, 0, 10);
  g_autofree char *mutations = mutations_path (ENTERPRISE_SHARED);

  assert_error (f, "GET", "/api/v1/session", NULL, NULL, 401, "unauthorized");
  assert_error (f, "GET", path, NULL, NULL, 401, "unauthorized");
  assert_error (f, "POST", mutations, NULL, "{\"mutations\": []}", 401, "unauthorized");
  assert_error (f, "GET", path, "not-a-token", NULL, 401, "unauthorized");
  assert_error (f, "GET", path, "", NULL, 401, "unauthorized");
}

static void
test_session_idle_expiry (Fixture       *f,
                          gconstpointer  data)
{
  /* --session-idle 3: requests within the window keep it alive. */
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->admin, NULL, NULL), ==, 200);
  g_usleep (G_USEC_PER_SEC);
  g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->admin, NULL, NULL), ==, 200);
  g_usleep (G_USEC_PER_SEC * 9 / 2);
  assert_error (f, "GET", "/api/v1/session", f->admin, NULL, 401, "session_expired");
  /* Once expired it is gone. */
  assert_error (f, "GET", "/api/v1/session", f->admin, NULL, 401, "unauthorized");
}

static void
test_session_absolute_expiry (Fixture       *f,
                              gconstpointer  data)
{
  /* --session-max 4: activity does not extend it. */
  for (int i = 0; i < 3; i++)
    {
      g_assert_cmpuint (request (f, "GET", "/api/v1/session", f->staff, NULL, NULL), ==, 200);
      g_usleep (G_USEC_PER_SEC / 2);
    }
  g_usleep (G_USEC_PER_SEC * 7 / 2);
  assert_error (f, "GET", "/api/v1/session", f->staff, NULL, 401, "session_expired");
}

/* ---- change feed --------------------------------------------------- */

static void
test_changes_paging (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GHashTable) records = records_new ();
  gint64 cursor;
  gint64 n_messages = db_int (f, "SELECT COUNT(*) FROM messages WHERE enterprise_id = 1");
  gint64 n_read = db_int (f, "SELECT COUNT(*) FROM message_states s JOIN messages m ON m.id = s.message_id"
                             " WHERE s.user_id = 1 AND m.enterprise_id = 1 AND s.read");
  GHashTableIter iter;
  gpointer value;
  guint seen_read = 0;
  g_autofree char *bad_limit = changes_path (ENTERPRISE_SHARED, 0, 0);
  g_autofree char *big_limit = changes_path (ENTERPRISE_SHARED, 0, 1001);

  g_assert_cmpint (n_messages, >, 100);
  cursor = pull_all (f, f->admin, ENTERPRISE_SHARED, 0, records);
  g_assert_cmpint (cursor, >, 0);

  /* Every message of the enterprise, each exactly once, none of the other
   * enterprise. */
  g_assert_cmpuint (g_hash_table_size (records), ==, n_messages);
  g_hash_table_iter_init (&iter, records);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      JsonObject *record = json_object_get_object_member (value, "record");
      const char *kind = json_object_get_string_member (record, "kind");

      g_assert_true (g_str_equal (kind, "notice") || g_str_equal (kind, "warning"));
      if (g_str_equal (kind, "notice"))
        g_assert_true (json_object_get_null_member (record, "severity"));
      else
        g_assert_nonnull (json_object_get_string_member (record, "severity"));
      seen_read += json_object_get_boolean_member (record, "read");
    }
  g_assert_cmpuint (seen_read, ==, n_read);

  /* Nothing new: an empty page that keeps the cursor. */
  {
    g_autofree char *path = changes_path (ENTERPRISE_SHARED, cursor, 100);
    g_autoptr(JsonObject) reply = NULL;

    g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
    g_assert_cmpuint (json_array_get_length (json_object_get_array_member (reply, "changes")), ==, 0);
    g_assert_cmpint (json_object_get_int_member (reply, "cursor"), ==, cursor);
    g_assert_false (json_object_get_boolean_member (reply, "more"));
  }

  assert_error (f, "GET", bad_limit, f->admin, NULL, 400, "invalid_field");
  assert_error (f, "GET", big_limit, f->admin, NULL, 400, "invalid_field");
  assert_error (f, "GET", "/api/v1/enterprises/1/changes?since=-1", f->admin, NULL, 400, "invalid_field");
  assert_error (f, "GET", "/api/v1/enterprises/1/changes?since=abc", f->admin, NULL, 400, "invalid_field");
  assert_error (f, "GET", "/api/v1/enterprises/1/changes?since=99999999999999999999999", f->admin, NULL, 400, "invalid_field");
}

static void
test_changes_user_isolation (Fixture       *f,
                             gconstpointer  data)
{
  gint64 message = first_message (f, ENTERPRISE_SHARED);
  gint64 admin_cursor = pull_all (f, f->admin, ENTERPRISE_SHARED, 0, NULL);
  g_autoptr(GHashTable) staff_before = records_new ();
  gint64 staff_cursor = pull_all (f, f->staff, ENTERPRISE_SHARED, 0, staff_before);
  gboolean staff_starred = json_object_get_boolean_member (record_of (staff_before, message), "starred");
  gboolean staff_read = json_object_get_boolean_member (record_of (staff_before, message), "read");
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *body = NULL;
  g_autoptr(GHashTable) admin_after = records_new ();
  g_autoptr(GHashTable) staff_after = records_new ();

  body = g_strdup_printf ("{\"mutations\": [{\"id\": \"iso-1\", \"collection\": \"messages\", \"op\": \"update\","
                          " \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"starred\": %s, \"read\": %s}}]}",
                          message, staff_starred ? "false" : "true", staff_read ? "false" : "true");
  g_assert_cmpuint (request (f, "POST", path, f->admin, body, NULL), ==, 200);

  /* demo-admin sees its change ... */
  pull_all (f, f->admin, ENTERPRISE_SHARED, admin_cursor, admin_after);
  g_assert_cmpuint (g_hash_table_size (admin_after), ==, 1);
  g_assert_cmpint (json_object_get_boolean_member (record_of (admin_after, message), "starred"), ==, !staff_starred);
  g_assert_cmpint (json_object_get_boolean_member (record_of (admin_after, message), "read"), ==, !staff_read);

  /* ... demo-staff gets nothing new, and its own flags did not move. */
  g_assert_cmpint (pull_all (f, f->staff, ENTERPRISE_SHARED, staff_cursor, staff_after), ==, staff_cursor);
  g_assert_cmpuint (g_hash_table_size (staff_after), ==, 0);
  g_hash_table_remove_all (staff_after);
  pull_all (f, f->staff, ENTERPRISE_SHARED, 0, staff_after);
  g_assert_cmpint (json_object_get_boolean_member (record_of (staff_after, message), "starred"), ==, staff_starred);
  g_assert_cmpint (json_object_get_boolean_member (record_of (staff_after, message), "read"), ==, staff_read);
}

static void
test_changes_tombstone (Fixture       *f,
                        gconstpointer  data)
{
  gint64 message = first_message (f, ENTERPRISE_SHARED);
  gint64 cursor = pull_all (f, f->staff, ENTERPRISE_SHARED, 0, NULL);
  g_autofree char *sql = g_strdup_printf ("DELETE FROM messages WHERE id = %" G_GINT64_FORMAT, message);
  g_autoptr(GHashTable) after = records_new ();
  g_autoptr(GHashTable) full = records_new ();
  JsonObject *change;
  g_autofree char *star = one_mutation ("on-deleted", message, "{\"starred\": true}");
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autoptr(JsonObject) reply = NULL;
  JsonObject *result;

  /* An operator deletes the message with the server stopped. */
  kouan_test_server_stop (f->server);
  db_exec (f, sql);
  kouan_test_server_restart (f->server);

  pull_all (f, f->staff, ENTERPRISE_SHARED, cursor, after);
  g_assert_cmpuint (g_hash_table_size (after), ==, 1);
  change = g_hash_table_lookup (after, &message);
  g_assert_nonnull (change);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "delete");
  g_assert_false (json_object_has_member (change, "record"));

  /* A fresh client sees the tombstone too (and no upsert for it). */
  pull_all (f, f->admin, ENTERPRISE_SHARED, 0, full);
  change = g_hash_table_lookup (full, &message);
  g_assert_cmpstr (json_object_get_string_member (change, "op"), ==, "delete");

  /* Editing it now is refused as not_found. */
  g_assert_cmpuint (request (f, "POST", path, f->staff, star, &reply), ==, 200);
  result = json_array_get_object_element (json_object_get_array_member (reply, "results"), 0);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"),
                   ==, "not_found");
}

/* ---- mutations ----------------------------------------------------- */

static void
test_mutations_once (Fixture       *f,
                     gconstpointer  data)
{
  gint64 a = first_message (f, ENTERPRISE_SHARED);
  gint64 b = a + 1;
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *batch = NULL;
  g_autofree char *unstar = one_mutation ("second", a, "{\"starred\": false}");
  g_autoptr(JsonObject) first = NULL;
  g_autoptr(JsonObject) replay = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *replay_text = NULL;
  gint64 seq_before, seq_after, rows_after;
  JsonArray *results;

  db_exec (f, "DELETE FROM message_states WHERE user_id = 2");
  batch = g_strdup_printf ("{\"mutations\": ["
                           "{\"id\": \"first-A\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"starred\": true}},"
                           "{\"id\": \"first-B\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ", \"fields\": {\"read\": true}}]}",
                           a, b);

  seq_before = db_int (f, "SELECT MAX(seq) FROM changes");
  g_assert_cmpuint (request (f, "POST", path, f->staff, batch, &first), ==, 200);
  results = json_object_get_array_member (first, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 2);
  for (guint i = 0; i < 2; i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, i), "status"), ==, "applied");
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_array_get_object_element (results, 0), "record"), "starred"));
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (json_array_get_object_element (results, 1), "record"), "read"));
  seq_after = db_int (f, "SELECT MAX(seq) FROM changes");
  g_assert_cmpint (seq_after, >, seq_before);
  g_assert_cmpint (json_object_get_int_member (first, "cursor"), ==, seq_after);
  rows_after = db_int (f, "SELECT COUNT(*) FROM changes");

  /* Another edit, then the first batch again (a client that never saw the
   * answer): same answer, nothing applied. */
  g_assert_cmpuint (request (f, "POST", path, f->staff, unstar, NULL), ==, 200);
  seq_after = db_int (f, "SELECT MAX(seq) FROM changes");
  rows_after = db_int (f, "SELECT COUNT(*) FROM changes");
  g_assert_cmpuint (request (f, "POST", path, f->staff, batch, &replay), ==, 200);

  {
    g_autoptr(JsonNode) first_node = json_node_init_array (json_node_alloc (), json_object_get_array_member (first, "results"));
    g_autoptr(JsonNode) replay_node = json_node_init_array (json_node_alloc (), json_object_get_array_member (replay, "results"));

    first_text = kouan_json_to_string (first_node);
    replay_text = kouan_json_to_string (replay_node);
  }
  g_assert_cmpstr (first_text, ==, replay_text);
  g_assert_cmpint (db_int (f, "SELECT MAX(seq) FROM changes"), ==, seq_after);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM changes"), ==, rows_after);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT starred FROM message_states WHERE user_id = 2 AND message_id = %" G_GINT64_FORMAT, a);
    g_assert_cmpint (db_int (f, sql), ==, 0);
  }

  /* The same id from another user is that user's own mutation. */
  {
    g_autoptr(JsonObject) reply = NULL;

    g_assert_cmpuint (request (f, "POST", path, f->admin, unstar, &reply), ==, 200);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (reply, "results"), 0), "status"),
                     ==, "applied");
  }
}

static void
assert_rejected (JsonObject *result,
                 const char *id,
                 const char *code,
                 gboolean    with_record)
{
  g_assert_cmpstr (json_object_get_string_member (result, "id"), ==, id);
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"), ==, code);
  if (with_record)
    g_assert_nonnull (json_object_get_object_member (result, "record"));
  else
    g_assert_true (json_object_get_null_member (result, "record"));
}

static void
test_mutations_rejected (Fixture       *f,
                         gconstpointer  data)
{
  gint64 shared = first_message (f, ENTERPRISE_SHARED);
  gint64 other = first_message (f, ENTERPRISE_ADMIN);
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *batch = NULL;
  g_autoptr(JsonObject) reply = NULL;
  g_autofree char *title_sql = g_strdup_printf ("SELECT COUNT(*) FROM messages WHERE title = 'x' AND id = %" G_GINT64_FORMAT, shared);
  JsonArray *results;

  batch = g_strdup_printf ("{\"mutations\": ["
    "{\"id\": \"r1\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %1$" G_GINT64_FORMAT ", \"fields\": {\"title\": \"x\"}},"
    "{\"id\": \"r2\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %1$" G_GINT64_FORMAT ", \"fields\": {\"read\": \"yes\"}},"
    "{\"id\": \"r3\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 999999, \"fields\": {\"read\": true}},"
    "{\"id\": \"r4\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %2$" G_GINT64_FORMAT ", \"fields\": {\"read\": true}},"
    "{\"id\": \"r5\", \"collection\": \"messages\", \"op\": \"delete\", \"record_id\": %1$" G_GINT64_FORMAT ", \"fields\": {}},"
    "{\"id\": \"r6\", \"collection\": \"users\", \"op\": \"update\", \"record_id\": 1, \"fields\": {\"name\": \"x\"}},"
    "{\"id\": \"r7\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": %1$" G_GINT64_FORMAT ", \"fields\": {\"starred\": true}}]}",
    shared, other);

  g_assert_cmpuint (request (f, "POST", path, f->staff, batch, &reply), ==, 200);
  results = json_object_get_array_member (reply, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 7);
  assert_rejected (json_array_get_object_element (results, 0), "r1", "invalid_field", TRUE);
  assert_rejected (json_array_get_object_element (results, 1), "r2", "invalid_field", TRUE);
  assert_rejected (json_array_get_object_element (results, 2), "r3", "not_found", FALSE);
  /* a message of an enterprise the path does not name is not found */
  assert_rejected (json_array_get_object_element (results, 3), "r4", "not_found", FALSE);
  assert_rejected (json_array_get_object_element (results, 4), "r5", "invalid_field", TRUE);
  assert_rejected (json_array_get_object_element (results, 5), "r6", "invalid_field", FALSE);
  /* the rejections did not stop the good one */
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 6), "status"), ==, "applied");
  g_assert_cmpint (db_int (f, title_sql), ==, 0);
  {
    g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM message_states WHERE user_id = 2 AND message_id = %" G_GINT64_FORMAT " AND read", other);
    g_assert_cmpint (db_int (f, sql), ==, 0);
  }
}

static void
test_mutations_bad_batch (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *long_id = g_strnfill (65, 'a');
  g_autofree char *long_id_batch = one_mutation (long_id, 1, "{\"read\": true}");
  g_autoptr(GString) big = g_string_new ("{\"mutations\": [");
  const char *bad_fields[] = {
    "{\"mutations\": 5}",
    "{\"mutations\": [5]}",
    "{\"mutations\": [{\"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1, \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"a b\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1, \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1, \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"x\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": \"1\", \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"x\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1.5, \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"x\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1e300, \"fields\": {}}]}",
    "{\"mutations\": [{\"id\": \"x\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1, \"fields\": [true]}]}",
    "{\"mutations\": [{\"id\": 7, \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1, \"fields\": {}}]}",
    "{}",
  };
  const char *bad_json[] = {
    "", "nope", "[]", "\"text\"", "{\"mutations\": [", "{\"mutations\": []}}",
    /* beyond a double's range: not a number JSON can carry back */
    "{\"mutations\": [{\"id\": \"x\", \"collection\": \"messages\", \"op\": \"update\", \"record_id\": 1e400, \"fields\": {}}]}",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad_fields); i++)
    assert_error (f, "POST", path, f->admin, bad_fields[i], 400, "invalid_field");
  for (gsize i = 0; i < G_N_ELEMENTS (bad_json); i++)
    assert_error (f, "POST", path, f->admin, bad_json[i], 400, "invalid_json");
  assert_error (f, "POST", path, f->admin, long_id_batch, 400, "invalid_field");

  for (int i = 0; i < 101; i++)
    g_string_append_printf (big, "%s{\"id\": \"m%d\", \"collection\": \"messages\", \"op\": \"update\", "
                            "\"record_id\": 1, \"fields\": {\"read\": true}}", i > 0 ? "," : "", i);
  g_string_append (big, "]}");
  assert_error (f, "POST", path, f->admin, big->str, 400, "invalid_field");

  /* None of it was stored. */
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM applied_mutations"), ==, 0);
  assert_healthy (f);
}

/* ---- isolation ----------------------------------------------------- */

static void
test_cross_enterprise (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *changes = changes_path (ENTERPRISE_ADMIN, 0, 10);
  g_autofree char *mutations = mutations_path (ENTERPRISE_ADMIN);
  g_autofree char *star = one_mutation ("cross", first_message (f, ENTERPRISE_ADMIN), "{\"starred\": true}");
  g_autoptr(JsonObject) hidden = NULL;
  g_autoptr(JsonObject) missing = NULL;
  g_autofree char *hidden_text = NULL;
  g_autofree char *missing_text = NULL;

  /* demo-staff is not in enterprise 2: it looks like it does not exist. */
  g_assert_cmpuint (request (f, "GET", changes, f->staff, NULL, &hidden), ==, 404);
  g_assert_cmpuint (request (f, "GET", "/api/v1/enterprises/999/changes", f->staff, NULL, &missing), ==, 404);
  hidden_text = kouan_json_object_to_string (hidden);
  missing_text = kouan_json_object_to_string (missing);
  g_assert_cmpstr (hidden_text, ==, missing_text);

  assert_error (f, "POST", mutations, f->staff, star, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/2/events", f->staff, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/abc/changes", f->staff, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/-1/changes", f->staff, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/0/changes", f->staff, NULL, 404, "not_found");
  assert_error (f, "GET", "/api/v1/enterprises/99999999999999999999999/changes", f->staff, NULL, 404, "not_found");
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM message_states WHERE user_id = 2 AND message_id IN"
                              " (SELECT id FROM messages WHERE enterprise_id = 2)"), ==, 0);

  /* The member gets through. */
  g_assert_cmpuint (request (f, "GET", changes, f->admin, NULL, NULL), ==, 200);
}

/* ---- limits and hostile input -------------------------------------- */

static void
test_oversized (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *padding = g_strnfill (1200, ' ');
  g_autofree char *big = g_strdup_printf ("{\"mutations\": []%s}", padding);
  g_autofree char *huge = g_strnfill (4 * 1024 * 1024, 'x');

  /* --max-body 1000 */
  assert_error (f, "POST", path, f->admin, big, 413, "payload_too_large");
  assert_error (f, "POST", "/api/v1/session", NULL, huge, 413, "payload_too_large");
  assert_healthy (f);
  /* Just under the limit is fine. */
  g_assert_cmpuint (request (f, "POST", path, f->admin, "{\"mutations\": []}", NULL), ==, 200);
}

/* Writes @bytes on a raw TCP connection; returns the connection, still
 * open, so a test can leave it dangling. */
static GSocketConnection *
raw_send (Fixture    *f,
          const char *bytes,
          gsize       length)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1",
                                                kouan_test_server_get_port (f->server), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             bytes, length, NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
test_raw_garbage (Fixture       *f,
                  gconstpointer  data)
{
  const char not_http[] = "\x16\x03\x01 hello there\r\n\r\n";
  const char bad_length[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n";
  const char half[] = "POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"acc";
  g_autoptr(GSocketConnection) a = raw_send (f, not_http, sizeof not_http - 1);
  g_autoptr(GSocketConnection) b = raw_send (f, bad_length, sizeof bad_length - 1);
  /* a client that never finishes its request must not block the others */
  g_autoptr(GSocketConnection) c = raw_send (f, half, sizeof half - 1);
  g_autoptr(GSocketConnection) d = raw_send (f, "GET /api/v1/health HTTP/1.1\r\n", 30);

  assert_healthy (f);
  g_io_stream_close (G_IO_STREAM (a), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (b), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (c), NULL, NULL);
  g_io_stream_close (G_IO_STREAM (d), NULL, NULL);
  assert_healthy (f);
}

/* Sends @body (@length bytes, NULs included) and expects 400 invalid_json. */
static void
assert_invalid_json (Fixture    *f,
                     const char *method,
                     const char *path,
                     const char *token,
                     const char *body,
                     gsize       length)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (f->server), path, NULL);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;
  guint status = kouan_test_http (method, url, token, body, length, &reply);

  g_test_message ("%s %s %.*s → %u", method, path, (int) length, body, status);
  g_assert_cmpuint (status, ==, 400);
  object = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (error_code (object), ==, "invalid_json");
}

/* Every way json-glib alone would have let "not JSON" through, each
 * written so that a lenient reading would be a request that succeeds:
 * {"<key>": "<value>"<rest>}. */
static void
assert_refuses_lenient_json (Fixture    *f,
                             const char *method,
                             const char *path,
                             const char *token,
                             const char *key,
                             const char *value,
                             const char *rest)
{
  /* the rest has no '_': the one after the value becomes a NUL */
  g_autofree char *nul_string = g_strdup_printf ("{\"%s\":\"%s_x\"%s}", key, value, rest);
  gsize nul_length = strlen (nul_string);
  const char *formats[] = {
    "{'%s':'%s'%s}",                          /* single quotes */
    "{/* comment */\"%s\":\"%s\"%s}",          /* comments */
    "{\"%s\":\"%s\"%s} // comment",
    "{\"%s\":\"%s\"%s}garbage",               /* trailing garbage */
    "{\"%s\":\"%s\"%s}{\"a\":1}",             /* a second object */
    "{\"%s\":\"%s\\u0000x\"%s}",              /* escaped NUL */
    "{\"%s\x01\":\"%s\"%s}",                  /* raw control character in a key */
    "{\"%s\":\"-\",\"%1$s\":\"%s\"%s}",       /* the same key twice */
  };

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_autofree char *body = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
      body = g_strdup_printf (formats[i], key, value, rest);
#pragma GCC diagnostic pop
      assert_invalid_json (f, method, path, token, body, strlen (body));
    }

  /* a raw NUL in a string */
  *strrchr (nul_string, '_') = '\0';
  assert_invalid_json (f, method, path, token, nul_string, nul_length);
}

static gint64
first_id (Fixture    *f,
          const char *path,
          const char *skip_member)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (skip_member == NULL || !json_object_get_boolean_member (item, skip_member))
        return json_object_get_int_member (item, json_object_has_member (item, "id") ? "id" : "user_id");
    }
  g_assert_not_reached ();
}

/* @member of the item @id in the list at @path */
static const char *
item_string (Fixture    *f,
             const char *path,
             gint64      id,
             const char *member)
{
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *items;

  g_assert_cmpuint (request (f, "GET", path, f->admin, NULL, &reply), ==, 200);
  items = json_object_get_array_member (reply, "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);

      if (json_object_get_int_member (item, json_object_has_member (item, "id") ? "id" : "user_id") == id)
        return g_intern_string (json_object_get_string_member (item, member));
    }
  g_assert_not_reached ();
}

static void
test_strict_json (Fixture       *f,
                  gconstpointer  data)
{
  const char *departments = "/api/v1/enterprises/1/departments";
  const char *roles = "/api/v1/enterprises/1/roles";
  const char *staff = "/api/v1/enterprises/1/staff?name=demo-staff";
  gint64 department = first_id (f, departments, NULL);
  gint64 role = first_id (f, roles, "builtin");
  gint64 member = first_id (f, staff, NULL);
  g_autofree char *department_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, departments, department);
  g_autofree char *role_path = g_strdup_printf ("%s/%" G_GINT64_FORMAT, roles, role);
  g_autofree char *staff_path = g_strdup_printf ("/api/v1/enterprises/1/staff/%" G_GINT64_FORMAT, member);
  const char *department_name = item_string (f, departments, department, "name");
  const char *role_name = item_string (f, roles, role, "name");
  g_autoptr(JsonObject) reply = NULL;

  assert_refuses_lenient_json (f, "POST", "/api/v1/session", NULL,
                               "account", "demo-staff", ",\"password\":\"kouan-demo\"");
  assert_refuses_lenient_json (f, "PATCH", department_path, f->admin, "name", "改名部", "");
  assert_refuses_lenient_json (f, "PATCH", role_path, f->admin, "name", "改名角色", "");
  assert_refuses_lenient_json (f, "PATCH", staff_path, f->admin, "status", "disabled", "");

  /* nothing was changed by any of them */
  g_assert_cmpstr (item_string (f, departments, department, "name"), ==, department_name);
  g_assert_cmpstr (item_string (f, roles, role, "name"), ==, role_name);
  g_assert_cmpstr (item_string (f, staff, member, "status"), ==, "active");

  /* and the same requests written as JSON are answered */
  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL,
                             "{\"account\":\"demo-staff\",\"password\":\"kouan-demo\"}", NULL), ==, 200);
  g_assert_cmpuint (request (f, "PATCH", department_path, f->admin, "{\"name\":\"改名部\"}", NULL), ==, 200);
  g_assert_cmpstr (item_string (f, departments, department, "name"), ==, "改名部");
  g_assert_cmpuint (request (f, "PATCH", role_path, f->admin, "{\"name\":\"改名角色\"}", &reply), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (reply, "name"), ==, "改名角色");
  g_assert_cmpuint (request (f, "PATCH", staff_path, f->admin, "{\"status\":\"disabled\"}", NULL), ==, 200);
  g_assert_cmpstr (item_string (f, staff, member, "status"), ==, "disabled");
}

static void
test_hostile_input (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  g_autofree char *deep = NULL;
  g_autoptr(GString) nest = g_string_new ("{\"mutations\": ");
  const char invalid_utf8[] = "{\"account\": \"\xff\xfe\", \"password\": \"x\"}";
  const char *garbage[] = {
    "{\"account\": \"a\\u0000b\", \"password\": \"x\"}",
    "{\"account\": \"demo-admin\", \"password\": \"kouan-demo\", \"account\": 5}",
    "{\"account\": 99999999999999999999999999999, \"password\": 1e999}",
    "\x01\x02\x03",
    "{\"account\": \"\\ud800\", \"password\": \"x\"}",
  };

  for (int i = 0; i < 100000; i++)
    g_string_append_c (nest, '[');
  deep = g_string_free (g_steal_pointer (&nest), FALSE);
  g_assert_cmpuint (request (f, "POST", path, f->admin, deep, NULL), ==, 400);
  g_assert_cmpuint (request (f, "POST", "/api/v1/session", NULL, invalid_utf8, NULL), ==, 400);
  for (gsize i = 0; i < G_N_ELEMENTS (garbage); i++)
    {
      guint status = request (f, "POST", "/api/v1/session", NULL, garbage[i], NULL);

      g_test_message ("garbage %" G_GSIZE_FORMAT " → %u", i, status);
      g_assert_true (status == 400 || status == 401);
    }
  assert_healthy (f);
}

/* ---- WebSocket ----------------------------------------------------- */

typedef struct {
  GMainContext *context;
  SoupWebsocketConnection *connection;
  GError *error;
  guint status;
  GPtrArray *events;    /* JsonObject* */
  gboolean done;
} Socket;

static void
on_ws_message (SoupWebsocketConnection *connection,
               gint                     type,
               GBytes                  *message,
               Socket                  *socket)
{
  g_autoptr(GError) error = NULL;
  JsonObject *event = kouan_json_parse_object (g_bytes_get_data (message, NULL), g_bytes_get_size (message), &error);

  g_assert_no_error (error);
  g_ptr_array_add (socket->events, event);
}

static void
on_ws_connected (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Socket *socket = user_data;

  socket->connection = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &socket->error);
  if (socket->connection != NULL)
    g_signal_connect (socket->connection, "message", G_CALLBACK (on_ws_message), socket);
  socket->done = TRUE;
}

static gboolean
on_ws_timeout (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs @context until @n events arrived or @seconds passed. */
static void
ws_wait (Socket  *socket,
         guint    n,
         double   seconds)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new ((guint) (seconds * 1000));

  g_source_set_callback (timeout, on_ws_timeout, &timed_out, NULL);
  g_source_attach (timeout, socket->context);
  while (socket->events->len < n && !timed_out)
    g_main_context_iteration (socket->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

static Socket *
ws_connect (Fixture      *f,
            GMainContext *context,
            SoupSession  *session,
            gint64        enterprise_id,
            const char   *token)
{
  Socket *socket = g_new0 (Socket, 1);
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/events",
                                          kouan_test_server_get_url (f->server), enterprise_id);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new_seconds (20);

  socket->context = context;
  socket->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (token != NULL)
    {
      g_autofree char *value = g_strdup_printf ("Bearer %s", token);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  soup_session_websocket_connect_async (session, msg, NULL, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_ws_connected, socket);
  g_source_set_callback (timeout, on_ws_timeout, &timed_out, NULL);
  g_source_attach (timeout, context);
  while (!socket->done && !timed_out)
    g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
  g_assert_true (socket->done);
  socket->status = soup_message_get_status (msg);
  return socket;
}

static void
ws_free (Socket *socket)
{
  if (socket->connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (socket->connection, socket);
      if (soup_websocket_connection_get_state (socket->connection) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (socket->connection, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
      g_object_unref (socket->connection);
    }
  g_clear_error (&socket->error);
  g_ptr_array_unref (socket->events);
  g_free (socket);
}

static void
ws_wait_closed (Socket *socket)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new_seconds (10);

  g_source_set_callback (timeout, on_ws_timeout, &timed_out, NULL);
  g_source_attach (timeout, socket->context);
  while (soup_websocket_connection_get_state (socket->connection) != SOUP_WEBSOCKET_STATE_CLOSED &&
         !timed_out)
    g_main_context_iteration (socket->context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

static JsonObject *
ws_event (Socket *socket,
          guint   index)
{
  g_assert_cmpuint (socket->events->len, >, index);
  return g_ptr_array_index (socket->events, index);
}

static void
test_events (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;
  Socket *admin, *staff, *anonymous, *outsider;
  g_autofree char *path = mutations_path (ENTERPRISE_SHARED);
  gint64 message = first_message (f, ENTERPRISE_SHARED);
  g_autofree char *admin_star = one_mutation ("ws-admin", message, "{\"starred\": true}");
  g_autofree char *staff_read = one_mutation ("ws-staff", message, "{\"read\": false}");
  g_autoptr(JsonObject) reply = NULL;
  gint64 staff_cursor;

  g_main_context_push_thread_default (context);
  session = soup_session_new ();

  /* Refused before the upgrade. */
  anonymous = ws_connect (f, context, session, ENTERPRISE_SHARED, NULL);
  g_assert_null (anonymous->connection);
  g_assert_cmpuint (anonymous->status, ==, 401);
  outsider = ws_connect (f, context, session, ENTERPRISE_ADMIN, f->staff);
  g_assert_null (outsider->connection);
  g_assert_cmpuint (outsider->status, ==, 404);

  admin = ws_connect (f, context, session, ENTERPRISE_SHARED, f->admin);
  g_assert_no_error (admin->error);
  staff = ws_connect (f, context, session, ENTERPRISE_SHARED, f->staff);
  g_assert_no_error (staff->error);

  ws_wait (admin, 1, 10);
  ws_wait (staff, 1, 10);
  g_assert_cmpstr (json_object_get_string_member (ws_event (admin, 0), "type"), ==, "hello");
  g_assert_cmpint (json_object_get_int_member (ws_event (admin, 0), "cursor"), ==,
                   pull_all (f, f->admin, ENTERPRISE_SHARED, 0, NULL));
  g_assert_cmpstr (json_object_get_string_member (ws_event (staff, 0), "type"), ==, "hello");
  staff_cursor = json_object_get_int_member (ws_event (staff, 0), "cursor");

  /* demo-admin's own flag: only demo-admin's socket hears of it. */
  g_assert_cmpuint (request (f, "POST", path, f->admin, admin_star, &reply), ==, 200);
  ws_wait (admin, 2, 10);
  g_assert_cmpstr (json_object_get_string_member (ws_event (admin, 1), "type"), ==, "changes");
  g_assert_cmpint (json_object_get_int_member (ws_event (admin, 1), "cursor"), ==,
                   json_object_get_int_member (reply, "cursor"));
  ws_wait (staff, 2, 1);
  g_assert_cmpuint (staff->events->len, ==, 1);

  /* demo-staff's edit reaches demo-staff. */
  g_clear_pointer (&reply, json_object_unref);
  g_assert_cmpuint (request (f, "POST", path, f->staff, staff_read, &reply), ==, 200);
  ws_wait (staff, 2, 10);
  g_assert_cmpstr (json_object_get_string_member (ws_event (staff, 1), "type"), ==, "changes");
  g_assert_cmpint (json_object_get_int_member (ws_event (staff, 1), "cursor"), >, staff_cursor);
  g_assert_cmpint (json_object_get_int_member (ws_event (staff, 1), "cursor"), ==,
                   json_object_get_int_member (reply, "cursor"));

  assert_healthy (f);

  /* Logging out closes that session's sockets, and only those. */
  g_assert_cmpuint (request (f, "DELETE", "/api/v1/session", f->staff, NULL, NULL), ==, 204);
  ws_wait_closed (staff);
  g_assert_cmpint (soup_websocket_connection_get_state (staff->connection), ==, SOUP_WEBSOCKET_STATE_CLOSED);
  g_assert_cmpint (soup_websocket_connection_get_close_code (staff->connection), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_cmpint (soup_websocket_connection_get_state (admin->connection), ==, SOUP_WEBSOCKET_STATE_OPEN);

  /* Stopping the server closes the open sockets cleanly. */
  kouan_test_server_stop (f->server);
  ws_wait_closed (admin);
  g_assert_cmpint (soup_websocket_connection_get_state (admin->connection), ==, SOUP_WEBSOCKET_STATE_CLOSED);
  g_assert_cmpint (soup_websocket_connection_get_close_code (admin->connection), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  ws_free (anonymous);
  ws_free (outsider);
  ws_free (admin);
  ws_free (staff);
  g_main_context_pop_thread_default (context);
}

/* ---- demo data ----------------------------------------------------- */

static void
test_demo_content (Fixture       *f,
                   gconstpointer  data)
{
  const char *users[] = { f->admin, f->staff };

  /* the seeder's notices; grant expiry notices (权限管理) come from the
   * admin check at startup, subscription notices (信息订阅) from the risk
   * articles published after demo-admin subscribed (insurance demo) */
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE kind = 'notice'"
                              " AND category NOT IN ('权限管理', '信息订阅')"), ==, 200);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE category = '信息订阅'"), >, 0);
  /* the seeder's warnings, and one per enterprise about a policy waiting
   * for confirmation (信用保险) */
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE kind = 'warning'"
                              " AND category <> '信用保险'"), ==, 50);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages m JOIN insurance_policies p"
                              " ON p.id = json_extract (m.actions, '$[0].object')"
                              " AND p.enterprise_id = m.enterprise_id AND p.status = 'pending'"
                              " WHERE m.category = '信用保险'"
                              " AND json_extract (m.actions, '$[0].area') = 'insurance.policy'"), ==, 2);
  /* warnings that say to pay through 税费支付 offer the switch that does */
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE body LIKE '%通过“税费支付”%'"), >, 0);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE body LIKE '%通过“税费支付”%'"
                              " AND (actions IS NULL OR json_extract (actions, '$[0].object') <> 'e_payment')"),
                   ==, 0);
  g_assert_cmpint (db_int (f, "SELECT COUNT(DISTINCT category) FROM messages WHERE kind = 'notice'"), >=, 4);
  g_assert_cmpint (db_int (f, "SELECT COUNT(DISTINCT title) FROM messages"), >, 200);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM messages WHERE enterprise_id = 2"), >, 0);
  /* spread over about three months */
  g_assert_cmpint (db_int (f, "SELECT MAX(created_at) - MIN(created_at) FROM messages"), >, 80 * 24 * 3600);

  for (gsize u = 0; u < G_N_ELEMENTS (users); u++)
    {
      g_autoptr(GHashTable) records = records_new ();
      GHashTableIter iter;
      gpointer value;
      guint read = 0, unread = 0, starred = 0;

      pull_all (f, users[u], ENTERPRISE_SHARED, 0, records);
      g_hash_table_iter_init (&iter, records);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        {
          JsonObject *record = json_object_get_object_member (value, "record");

          /* every record, actions included, passes the client's codec */
          {
            g_autoptr(GError) error = NULL;
            g_autoptr(KouanMessage) message = NULL;

            if (json_object_has_member (record, "kind"))
              {
                message = kouan_message_new_from_json (record, ENTERPRISE_SHARED, &error);
                g_assert_no_error (error);
                g_assert_cmpuint (kouan_message_get_actions (message)->len, ==,
                                  json_array_get_length (json_object_get_array_member (record, "actions")));
              }
          }
          if (json_object_get_boolean_member (record, "read"))
            read++;
          else
            unread++;
          starred += json_object_get_boolean_member (record, "starred");
        }
      g_test_message ("user %" G_GSIZE_FORMAT ": %u read, %u unread, %u starred", u, read, unread, starred);
      g_assert_cmpuint (read, >, 0);
      g_assert_cmpuint (unread, >, 0);
      g_assert_cmpuint (starred, >, 0);
    }
}

static void
test_demo_scale (void)
{
  const char *args[] = { "--demo", "--demo-scale", "3000", NULL };
  Fixture f = { 0 };
  gint64 started = g_get_monotonic_time ();

  fixture_start (&f, args);
  g_test_message ("seeded and started in %.2f s", (g_get_monotonic_time () - started) / 1e6);
  /* grant expiry notices (权限管理) and subscription notices (信息订阅)
   * are not the seeder's */
  g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM messages WHERE kind = 'notice'"
                               " AND category NOT IN ('权限管理', '信息订阅')"), ==, 3000);
  /* the scale also adds risk articles to the insurance demo's 606 */
  g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM risk_articles"), ==, 3606);
  g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM messages WHERE kind = 'warning'"
                               " AND category <> '信用保险'"), ==, 3000);
  /* seeded without per-row foreign-key checks: they must hold anyway */
  g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM pragma_foreign_key_check"), ==, 0);
  g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM message_states"), >, 1000);
  /* and the database is back in WAL mode for serving */
  {
    g_autofree char *wal = g_strconcat (kouan_test_server_get_db_path (f.server), "-wal", NULL);
    g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  }

  /* A restart does not seed again (the count is taken first: startup
   * checks may post notices of their own, once). */
  {
    gint64 messages = db_int (&f, "SELECT COUNT(*) FROM messages");

    g_assert_cmpint (messages, >=, 6000);
    kouan_test_server_stop (f.server);
    kouan_test_server_restart (f.server);
    g_assert_cmpint (db_int (&f, "SELECT COUNT(*) FROM messages"), ==, messages);
  }
  assert_healthy (&f);
  fixture_tear_down (&f, NULL);
}

int
main (int argc, char **argv)
{
  static const char *const idle_args[] = { "--demo", "--session-idle", "3", NULL };
  static const char *const max_args[] = { "--demo", "--session-max", "4", NULL };
  static const char *const small_body_args[] = { "--demo", "--max-body", "1000", NULL };

  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, args) \
  g_test_add (path, Fixture, args, fixture_set_up, func, fixture_tear_down)

  ADD ("/server-api/routes", test_routes, NULL);
  ADD ("/server-api/login/ok", test_login_ok, NULL);
  ADD ("/server-api/login/staff-memberships", test_login_staff_memberships, NULL);
  ADD ("/server-api/login/wrong", test_login_wrong, NULL);
  ADD ("/server-api/login/throttle-account", test_login_throttle_account, NULL);
  ADD ("/server-api/login/throttle-address", test_login_throttle_address, NULL);
  ADD ("/server-api/session/get-delete", test_session_get_delete, NULL);
  ADD ("/server-api/session/no-token", test_no_token, NULL);
  ADD ("/server-api/session/idle-expiry", test_session_idle_expiry, idle_args);
  ADD ("/server-api/session/absolute-expiry", test_session_absolute_expiry, max_args);
  ADD ("/server-api/changes/paging", test_changes_paging, NULL);
  ADD ("/server-api/changes/user-isolation", test_changes_user_isolation, NULL);
  ADD ("/server-api/changes/tombstone", test_changes_tombstone, NULL);
  ADD ("/server-api/mutations/once", test_mutations_once, NULL);
  ADD ("/server-api/mutations/rejected", test_mutations_rejected, NULL);
  ADD ("/server-api/mutations/bad-batch", test_mutations_bad_batch, NULL);
  ADD ("/server-api/isolation/cross-enterprise", test_cross_enterprise, NULL);
  ADD ("/server-api/limits/oversized", test_oversized, small_body_args);
  ADD ("/server-api/limits/hostile-input", test_hostile_input, NULL);
  ADD ("/server-api/limits/raw-garbage", test_raw_garbage, NULL);
  ADD ("/server-api/limits/strict-json", test_strict_json, NULL);
  ADD ("/server-api/events/websocket", test_events, NULL);
  ADD ("/server-api/demo/content", test_demo_content, NULL);
  g_test_add_func ("/server-api/demo/scale", test_demo_scale);

#undef ADD

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The personal center against a real kouan-server: the profile edited
 * offline lands once; image uploads are checked; credit codes are
 * validated before anything is sent and again by the server; joining
 * leaves a pending request; the last administrator cannot leave; a
 * certification goes pending → rejected/certified with a notice; a
 * password change ends the user's other sessions; preferences sync. */

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-credit-code.h"
#include "kouan-enterprise.h"
#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-message.h"
#include "kouan-personal.h"
#include "kouan-store.h"
#include "kouan-sync.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"

#define DEMO_PASSWORD "kouan-demo"
#define WAIT_TIMEOUT_MS 20000
#define UNCERTIFIED_ID 2   /* 宁波甬兴进出口有限公司, demo-admin's only */
#define UNCERTIFIED_CODE "91330203MA2H7QW4XM"

/* Helpers ----------------------------------------------------------------- */

static void
on_async_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

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

/* A request with a JSON answer; returns the status, @out the object. */
static guint
http_json (KouanTestServer *server, const char *method, const char *path,
           const char *token, const char *body, JsonObject **out)
{
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (server), path, NULL);
  g_autoptr(GBytes) answer = NULL;
  guint status;

  status = kouan_test_http (method, url, token, body, body != NULL ? strlen (body) : 0, &answer);
  if (out != NULL)
    {
      gsize size = 0;
      const char *data = answer != NULL ? g_bytes_get_data (answer, &size) : NULL;

      *out = size > 0 ? kouan_json_parse_object (data, size, NULL) : NULL;
    }
  return status;
}

static const char *
error_code (JsonObject *answer)
{
  JsonObject *error = NULL;
  const char *code = NULL;

  g_assert_nonnull (answer);
  g_assert_true (kouan_json_get_object (answer, "error", &error, NULL));
  g_assert_true (kouan_json_get_string (error, "code", &code, NULL));
  return code;
}

static guint
upload (KouanTestServer *server, const char *token, gint64 enterprise_id,
        GBytes *data, JsonObject **out)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/%" G_GINT64_FORMAT "/images",
                                           enterprise_id);
  g_autofree char *url = g_strconcat (kouan_test_server_get_url (server), path, NULL);
  g_autoptr(GBytes) answer = NULL;
  guint status;
  gsize size = 0;
  const char *body;

  status = kouan_test_http ("POST", url, token, g_bytes_get_data (data, NULL),
                            g_bytes_get_size (data), &answer);
  body = answer != NULL ? g_bytes_get_data (answer, &size) : NULL;
  *out = size > 0 ? kouan_json_parse_object (body, size, NULL) : NULL;
  return status;
}

/* A real PNG (the server decodes uploads), or a bare header for a canvas
 * it refuses by its header alone. */
static GBytes *
make_png (guint32 width, guint32 height, gsize pad_to)
{
  return kouan_test_png (width, height, pad_to);
}

static gint64
upload_png (KouanTestServer *server, const char *token, gint64 enterprise_id, guint32 side)
{
  g_autoptr(GBytes) png = make_png (side, side, 0);
  g_autoptr(JsonObject) answer = NULL;
  gint64 id = 0;

  g_assert_cmpuint (upload (server, token, enterprise_id, png, &answer), ==, 201);
  g_assert_true (kouan_json_get_int (answer, "id", &id, NULL));
  return id;
}

/* A client, store and sync engine logged in as @account. */
typedef struct {
  char         *dir;
  KouanClient  *client;
  KouanSession *session;
  KouanStore   *store;
  KouanSync    *sync;
} Member;

static Member *
member_new (KouanTestServer *server, const char *account, gint64 enterprise_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *path = NULL;
  Member *member = g_new0 (Member, 1);

  member->dir = g_dir_make_tmp ("kouan-test-personal-XXXXXX", &error);
  g_assert_no_error (error);
  member->client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (member->client, account, DEMO_PASSWORD, NULL, on_async_ready, &result);
  member->session = kouan_client_login_finish (member->client, wait_result (&result), &error);
  g_assert_no_error (error);

  path = g_build_filename (member->dir, "cache.db", NULL);
  member->store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (member->store, member->session->enterprises, &error));
  g_assert_no_error (error);
  member->sync = kouan_sync_new (member->client, member->store);
  kouan_sync_set_enterprise_id (member->sync, enterprise_id);
  return member;
}

static void
member_free (Member *member)
{
  g_autofree char *path = g_build_filename (member->dir, "cache.db", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (&member->sync);
  g_clear_object (&member->store);
  g_clear_object (&member->client);
  g_clear_pointer (&member->session, kouan_session_free);
  g_remove (path);
  g_remove (wal);
  g_remove (shm);
  g_rmdir (member->dir);
  g_free (member->dir);
  g_free (member);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Member, member_free)

static gboolean
run_once (Member *member, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (member->sync, NULL, on_async_ready, &result);
  return kouan_sync_run_once_finish (member->sync, wait_result (&result), error);
}

static void
run_once_ok (Member *member)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (run_once (member, &error));
  g_assert_no_error (error);
}

static gint64
server_count (KouanTestServer *server, const char *sql, const char *text)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 count = -1;

  g_assert_cmpint (sqlite3_open_v2 (kouan_test_server_get_db_path (server), &db,
                                    SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (text != NULL)
    sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return count;
}

static const char * const demo_args[] = { "--demo", "--certification-delay", "1", NULL };

/* Tests ------------------------------------------------------------------- */

static void
test_profile_offline_lands_once (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autoptr(Member) admin = member_new (server, "demo-admin", 1);
  g_autoptr(KouanProfile) profile = NULL;
  g_autoptr(KouanProfile) edited = NULL;
  g_autoptr(KouanProfile) after = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(JsonObject) account = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *token = NULL;
  g_autofree char *mutation_id = NULL;
  gint64 user_id;
  const char *name;

  run_once_ok (admin);
  user_id = admin->session->user_id;
  profile = kouan_store_get_profile (admin->store, user_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (profile);
  g_assert_cmpstr (profile->name, ==, "王明");
  g_assert_cmpstr (profile->gender, ==, "male");

  kouan_test_server_stop (server);

  /* Offline: the edit shows at once and waits. */
  json_object_set_string_member (fields, "name", "王晓明");
  json_object_set_string_member (fields, "gender", "unspecified");
  json_object_set_string_member (fields, "email", "xiaoming@pujiang-trade.com.cn");
  mutation_id = kouan_store_enqueue (admin->store, 1, "profile", "update", user_id, fields, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mutation_id);
  edited = kouan_store_get_profile (admin->store, user_id, &error);
  g_assert_cmpstr (edited->name, ==, "王晓明");
  g_assert_cmpstr (edited->gender, ==, "unspecified");
  g_assert_cmpuint (kouan_store_count_queued (admin->store, "profile", user_id), ==, 1);

  g_assert_false (run_once (admin, &error));
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_cmpuint (kouan_store_count_queued (admin->store, "profile", user_id), ==, 1);

  /* An invalid edit is refused before it is queued. */
  {
    g_autoptr(JsonObject) bad = json_object_new ();

    json_object_set_string_member (bad, "email", "not-an-address");
    g_assert_null (kouan_store_enqueue (admin->store, 1, "profile", "update", user_id, bad, &error));
    g_assert_error (error, KOUAN_STORE_ERROR, KOUAN_STORE_ERROR_INVALID);
    g_clear_error (&error);
  }

  kouan_test_server_restart (server);
  run_once_ok (admin);
  run_once_ok (admin);
  g_assert_cmpuint (kouan_store_count_queued (admin->store, "profile", user_id), ==, 0);

  /* Landed, once. */
  g_assert_cmpint (server_count (server, "SELECT count(*) FROM applied_mutations WHERE mutation_id = ?1",
                                 mutation_id), ==, 1);
  token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account", token, NULL, &account), ==, 200);
  g_assert_true (kouan_json_get_string (account, "name", &name, NULL));
  g_assert_cmpstr (name, ==, "王晓明");
  g_assert_cmpstr (json_object_get_string_member (account, "email"), ==, "xiaoming@pujiang-trade.com.cn");
  after = kouan_store_get_profile (admin->store, user_id, &error);
  g_assert_cmpstr (after->name, ==, "王晓明");

  /* The profile is the user's own: another member's feed never has it. */
  {
    g_autofree char *staff = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
    g_autoptr(JsonObject) feed = NULL;
    JsonArray *changes = NULL;
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/1/changes?since=0&limit=1000");
    guint profiles = 0;
    gboolean more = TRUE;
    gint64 cursor = 0;

    while (more)
      {
        g_clear_pointer (&feed, json_object_unref);
        g_free (path);
        path = g_strdup_printf ("/api/v1/enterprises/1/changes?since=%" G_GINT64_FORMAT "&limit=1000", cursor);
        g_assert_cmpuint (http_json (server, "GET", path, staff, NULL, &feed), ==, 200);
        g_assert_true (kouan_json_get_array (feed, "changes", &changes, NULL));
        for (guint i = 0; i < json_array_get_length (changes); i++)
          {
            JsonObject *change = json_array_get_object_element (changes, i);

            if (g_str_equal (json_object_get_string_member (change, "collection"), "profile"))
              {
                g_assert_cmpint (json_object_get_int_member (change, "id"), !=, user_id);
                profiles++;
              }
          }
        cursor = json_object_get_int_member (feed, "cursor");
        more = json_object_get_boolean_member (feed, "more");
      }
    g_assert_cmpuint (profiles, ==, 1);   /* staff's own */
  }
}

static void
test_image_limits (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(GBytes) text = g_bytes_new_static ("GIF89a not really", 17);
  g_autoptr(GBytes) huge_side = make_png (5000, 20, 0);
  g_autoptr(GBytes) heavy = make_png (100, 100, KOUAN_IMAGE_MAX_BYTES + 10);
  g_autoptr(GBytes) good = make_png (64, 64, 0);
  g_autoptr(GError) error = NULL;
  JsonObject *answer = NULL;
  KouanImageInfo info;
  g_autofree char *profile_edit = NULL;

  /* The app refuses the same files before sending them. */
  g_assert_false (kouan_image_check (g_bytes_get_data (text, NULL), g_bytes_get_size (text), &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (kouan_image_check (g_bytes_get_data (huge_side, NULL), g_bytes_get_size (huge_side), &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS);
  g_clear_error (&error);

  /* And the server refuses them with a code the app can explain. */
  g_assert_cmpuint (upload (server, token, 1, text, &answer), ==, 415);
  g_assert_cmpstr (error_code (answer), ==, "image_type");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (upload (server, token, 1, huge_side, &answer), ==, 415);
  g_assert_cmpstr (error_code (answer), ==, "image_dimensions");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (upload (server, token, 1, heavy, &answer), ==, 413);
  g_assert_cmpstr (error_code (answer), ==, "payload_too_large");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (upload (server, token, 1, good, &answer), ==, 201);
  g_clear_pointer (&answer, json_object_unref);

  /* A profile cannot point at an image that was never uploaded. */
  profile_edit = g_strdup ("{\"mutations\": [{\"id\": \"avatar-missing\", \"collection\": \"profile\","
                           " \"op\": \"update\", \"record_id\": 1, \"fields\": {\"avatar_image\": 987654}}]}");
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/enterprises/1/mutations", token,
                               profile_edit, &answer), ==, 200);
  {
    JsonArray *results = json_object_get_array_member (answer, "results");
    JsonObject *result = json_array_get_object_element (results, 0);

    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
    g_assert_cmpstr (error_code (result), ==, "invalid_field");
  }
  g_clear_pointer (&answer, json_object_unref);
}

static void
test_credit_codes (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *found = NULL;
  char wrong_check[] = UNCERTIFIED_CODE;

  /* Client side: what the dialog checks as the user types. */
  g_assert_true (kouan_credit_code_is_valid (UNCERTIFIED_CODE));
  wrong_check[17] = wrong_check[17] == 'X' ? 'Y' : 'X';
  g_assert_false (kouan_credit_code_is_valid (wrong_check));
  g_assert_false (kouan_credit_code_is_valid ("91330203MA2H7QW4X"));      /* 17 */
  g_assert_false (kouan_credit_code_is_valid ("91330203MA2H7QW4XMM"));    /* 19 */
  g_assert_false (kouan_credit_code_is_valid ("91330203ma2h7qw4xm"));     /* lowercase */

  /* Server side: the same rules, again. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprise-search?q=" UNCERTIFIED_CODE,
                               token, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "enterprises", &found, NULL));
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0), "join_state"),
                   ==, "member");
  g_clear_pointer (&answer, json_object_unref);

  {
    g_autofree char *path = g_strdup_printf ("/api/v1/enterprise-search?q=%s", wrong_check);

    g_assert_cmpuint (http_json (server, "GET", path, token, NULL, &answer), ==, 400);
    g_assert_cmpstr (error_code (answer), ==, "invalid_credit_code");
    g_clear_pointer (&answer, json_object_unref);
  }
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprise-search?q=91330203ma2h7qw4xm",
                               token, NULL, &answer), ==, 400);
  g_assert_cmpstr (error_code (answer), ==, "invalid_credit_code");
  g_clear_pointer (&answer, json_object_unref);

  /* Not 18 characters: not a code, so a name search that finds nothing. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprise-search?q=91330203MA2H7QW4X",
                               token, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "enterprises", &found, NULL));
  g_assert_cmpuint (json_array_get_length (found), ==, 0);
}

static void
test_join_request_pending (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *body = NULL;
  JsonArray *found = NULL;
  JsonObject *enterprise;
  gint64 enterprise_id;

  /* demo-staff is only in enterprise 1: find enterprise 2 by name. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprise-search?q=%E7%94%AC%E5%85%B4",
                               token, NULL, &answer), ==, 200);   /* 甬兴 */
  g_assert_true (kouan_json_get_array (answer, "enterprises", &found, NULL));
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  enterprise = json_array_get_object_element (found, 0);
  g_assert_cmpstr (json_object_get_string_member (enterprise, "join_state"), ==, "none");
  enterprise_id = json_object_get_int_member (enterprise, "id");
  g_clear_pointer (&answer, json_object_unref);

  body = g_strdup_printf ("{\"enterprise_id\": %" G_GINT64_FORMAT "}", enterprise_id);
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/join-requests", token, body, &answer), ==, 201);
  g_assert_cmpstr (json_object_get_string_member (answer, "status"), ==, "pending");
  g_clear_pointer (&answer, json_object_unref);

  /* Asking twice is told, not recorded twice. */
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/join-requests", token, body, &answer), ==, 409);
  g_assert_cmpstr (error_code (answer), ==, "already_pending");
  g_clear_pointer (&answer, json_object_unref);

  g_assert_cmpuint (http_json (server, "GET", "/api/v1/join-requests", token, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "join_requests", &found, NULL));
  g_assert_cmpuint (json_array_get_length (found), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (found, 0), "status"),
                   ==, "pending");
  g_clear_pointer (&answer, json_object_unref);

  /* Pending is not membership. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprises/2/changes", token, NULL, &answer), ==, 404);
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/join-requests", token,
                               "{\"enterprise_id\": 1}", &answer), ==, 409);
  g_assert_cmpstr (error_code (answer), ==, "already_member");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/join-requests", token,
                               "{\"enterprise_id\": 9999}", &answer), ==, 404);
}

/* The administrator center approves (its route); the new member's
 * profile and preferences then enter that enterprise's feed for them. */
static void
test_join_request_approved (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *staff = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autofree char *admin = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *approve = NULL;
  JsonArray *list = NULL;
  JsonArray *changes = NULL;
  gint64 request_id;
  gboolean profile = FALSE, preferences = FALSE;

  g_assert_cmpuint (http_json (server, "POST", "/api/v1/join-requests", staff,
                               "{\"enterprise_id\": 2}", &answer), ==, 201);
  request_id = json_object_get_int_member (answer, "id");
  g_clear_pointer (&answer, json_object_unref);

  approve = g_strdup_printf ("/api/v1/enterprises/2/join-requests/%" G_GINT64_FORMAT "/approve", request_id);
  g_assert_cmpuint (http_json (server, "POST", approve, admin, "{}", NULL), ==, 200);

  g_assert_cmpuint (http_json (server, "GET", "/api/v1/join-requests", staff, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "join_requests", &list, NULL));
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (list, 0), "status"),
                   ==, "approved");
  g_clear_pointer (&answer, json_object_unref);

  {
    gint64 cursor = 0;
    gboolean more = TRUE;

    while (more)
      {
        g_autofree char *path = g_strdup_printf ("/api/v1/enterprises/2/changes?limit=1000&since=%"
                                                 G_GINT64_FORMAT, cursor);

        g_clear_pointer (&answer, json_object_unref);
        g_assert_cmpuint (http_json (server, "GET", path, staff, NULL, &answer), ==, 200);
        g_assert_true (kouan_json_get_array (answer, "changes", &changes, NULL));
        for (guint i = 0; i < json_array_get_length (changes); i++)
          {
            JsonObject *change = json_array_get_object_element (changes, i);
            const char *collection = json_object_get_string_member (change, "collection");

            profile |= g_str_equal (collection, "profile");
            preferences |= g_str_equal (collection, "preferences");
          }
        cursor = json_object_get_int_member (answer, "cursor");
        more = json_object_get_boolean_member (answer, "more");
      }
  }
  g_assert_true (profile);
  g_assert_true (preferences);
}

static void
test_unbind_last_admin (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *admin = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autofree char *staff = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *memberships = NULL;

  /* demo-admin is the only active administrator of enterprise 1 (the
   * demo's other one there is disabled). */
  g_assert_cmpuint (http_json (server, "DELETE", "/api/v1/enterprises/1/membership", admin, NULL, &answer), ==, 409);
  g_assert_cmpstr (error_code (answer), ==, "last_admin");
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprises/1/changes?limit=1", admin, NULL, NULL), ==, 200);

  /* A staff member may leave; afterwards the enterprise is gone for them. */
  g_assert_cmpuint (http_json (server, "DELETE", "/api/v1/enterprises/1/membership", staff, NULL, NULL), ==, 204);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/session", staff, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "memberships", &memberships, NULL));
  g_assert_cmpuint (json_array_get_length (memberships), ==, 0);
  g_clear_pointer (&answer, json_object_unref);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/enterprises/1/changes", staff, NULL, NULL), ==, 404);
  g_assert_cmpuint (http_json (server, "DELETE", "/api/v1/enterprises/1/membership", staff, NULL, NULL), ==, 404);
}

static gboolean
certification_has_status (Member *member, const char *status)
{
  g_autoptr(KouanCertification) certification =
    kouan_store_get_certification (member->store, UNCERTIFIED_ID, NULL);

  return certification != NULL && g_strcmp0 (certification->status, status) == 0;
}

/* Pulls until the certification shows @status (the demo reviewer decides
 * about a second after the submission). */
static void
wait_certification (Member *member, const char *status)
{
  gint64 deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;

  while (!certification_has_status (member, status))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_usleep (200 * 1000);
      run_once_ok (member);
    }
}

static gboolean
has_notice (Member *member, const char *title)
{
  g_autoptr(GArray) ids = kouan_store_list_message_ids (member->store, UNCERTIFIED_ID,
                                                        KOUAN_MESSAGE_KIND_NOTICE,
                                                        KOUAN_READ_FILTER_ALL, FALSE, NULL);

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      g_autoptr(KouanMessage) message =
        kouan_store_get_message (member->store, UNCERTIFIED_ID, g_array_index (ids, gint64, i), NULL);

      if (message != NULL && g_strcmp0 (kouan_message_get_title (message), title) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
submit_certification (Member *member, const char *licence, gint64 image)
{
  g_autoptr(JsonObject) form = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;

  json_object_set_string_member (form, "legal_representative", "陈建国");
  json_object_set_string_member (form, "licence_number", licence);
  json_object_set_int_member (form, "licence_image", image);
  json_object_set_string_member (form, "contact", "0574-8765 4321");
  id = kouan_store_enqueue (member->store, UNCERTIFIED_ID, "certification", "update",
                            UNCERTIFIED_ID, form, &error);
  g_assert_no_error (error);
  g_assert_nonnull (id);
  /* Shown as pending at once, before the server even heard of it. */
  g_assert_true (certification_has_status (member, "pending"));
}

static void
test_certification_flow (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autoptr(Member) admin = member_new (server, "demo-admin", UNCERTIFIED_ID);
  g_autofree char *token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(KouanCertification) rejected = NULL;
  g_autoptr(GPtrArray) enterprises = NULL;
  gint64 licence_image;
  gboolean certified = FALSE;

  run_once_ok (admin);
  g_assert_true (certification_has_status (admin, "none"));
  licence_image = upload_png (server, token, UNCERTIFIED_ID, 400);

  /* A licence whose number is another enterprise's code is rejected,
   * with the reason, and a notice says so. */
  submit_certification (admin, "91310115MA1K3Y8P2E", licence_image);
  run_once_ok (admin);
  wait_certification (admin, "rejected");
  rejected = kouan_store_get_certification (admin->store, UNCERTIFIED_ID, NULL);
  g_assert_nonnull (rejected->reason);
  g_assert_nonnull (strstr (rejected->reason, "统一社会信用代码"));
  g_assert_true (has_notice (admin, "企业认证未通过审核"));

  /* Submitted again with the right number: certified, the enterprise
   * record says so too, and a notice announces it. */
  submit_certification (admin, UNCERTIFIED_CODE, licence_image);
  run_once_ok (admin);
  wait_certification (admin, "certified");
  g_assert_true (has_notice (admin, "企业认证已审核通过"));
  enterprises = kouan_store_list_enterprises (admin->store, NULL);
  for (guint i = 0; i < enterprises->len; i++)
    if (kouan_enterprise_get_id (g_ptr_array_index (enterprises, i)) == UNCERTIFIED_ID)
      certified = kouan_enterprise_get_certified (g_ptr_array_index (enterprises, i));
  g_assert_true (certified);

  /* A certified enterprise takes no new form. */
  {
    g_autoptr(JsonObject) answer = NULL;
    g_autofree char *body = g_strdup_printf (
      "{\"mutations\": [{\"id\": \"cert-again\", \"collection\": \"certification\", \"op\": \"update\","
      " \"record_id\": 2, \"fields\": {\"legal_representative\": \"陈建国\", \"licence_number\": \""
      UNCERTIFIED_CODE "\", \"licence_image\": %" G_GINT64_FORMAT ", \"contact\": \"0574-87654321\"}}]}",
      licence_image);
    JsonObject *result;

    g_assert_cmpuint (http_json (server, "POST", "/api/v1/enterprises/2/mutations", token, body, &answer), ==, 200);
    result = json_array_get_object_element (json_object_get_array_member (answer, "results"), 0);
    g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
    g_assert_cmpstr (error_code (result), ==, "conflict");
  }
}

static void
test_password_change_ends_other_sessions (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *mine = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autofree char *other = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autofree char *again = NULL;
  g_autoptr(JsonObject) answer = NULL;
  JsonArray *sessions = NULL;

  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account/sessions", mine, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "sessions", &sessions, NULL));
  g_assert_cmpuint (json_array_get_length (sessions), ==, 2);
  g_clear_pointer (&answer, json_object_unref);

  /* Wrong old password: a clear error, and it counts like a failed login. */
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/account/password", mine,
                               "{\"old_password\": \"guess-1234\", \"new_password\": \"NewPass2026\"}",
                               &answer), ==, 403);
  g_assert_cmpstr (error_code (answer), ==, "wrong_password");
  g_clear_pointer (&answer, json_object_unref);

  /* The strength rules. */
  g_assert_cmpint (kouan_personal_password_check ("short1", "demo-staff"), ==, KOUAN_PASSWORD_TOO_SHORT);
  g_assert_cmpint (kouan_personal_password_check ("onlyletters", "demo-staff"), ==, KOUAN_PASSWORD_NEEDS_MIX);
  g_assert_cmpint (kouan_personal_password_check ("12345678", "demo-staff"), ==, KOUAN_PASSWORD_NEEDS_MIX);
  g_assert_cmpint (kouan_personal_password_check ("Demo-Staff1", "demo-staff1"), ==, KOUAN_PASSWORD_IS_ACCOUNT);
  g_assert_cmpint (kouan_personal_password_check ("NewPass2026", "demo-staff"), ==, KOUAN_PASSWORD_OK);
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/account/password", mine,
                               "{\"old_password\": \"kouan-demo\", \"new_password\": \"onlyletters\"}",
                               &answer), ==, 400);
  g_assert_cmpstr (error_code (answer), ==, "weak_password");
  g_clear_pointer (&answer, json_object_unref);

  g_assert_cmpuint (http_json (server, "POST", "/api/v1/account/password", mine,
                               "{\"old_password\": \"kouan-demo\", \"new_password\": \"NewPass2026\"}",
                               &answer), ==, 200);
  g_assert_cmpint (json_object_get_int_member (answer, "ended_sessions"), ==, 1);
  g_clear_pointer (&answer, json_object_unref);

  /* The other session is over; this one goes on; the new password works. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/session", other, NULL, NULL), ==, 401);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/session", mine, NULL, NULL), ==, 200);
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/session", NULL,
                               "{\"account\": \"demo-staff\", \"password\": \"kouan-demo\"}", NULL), ==, 401);
  again = kouan_test_login (server, "demo-staff", "NewPass2026");
  g_assert_nonnull (again);
}

static void
test_password_throttled (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *token = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;

  for (guint i = 0; i < 5; i++)
    {
      g_assert_cmpuint (http_json (server, "POST", "/api/v1/account/password", token,
                                   "{\"old_password\": \"guess-1234\", \"new_password\": \"NewPass2026\"}",
                                   NULL), ==, 403);
    }
  /* Even the right password now waits. */
  g_assert_cmpuint (http_json (server, "POST", "/api/v1/account/password", token,
                               "{\"old_password\": \"kouan-demo\", \"new_password\": \"NewPass2026\"}",
                               &answer), ==, 429);
  g_assert_cmpstr (error_code (answer), ==, "too_many_requests");
}

static void
test_end_one_session (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *mine = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autofree char *other = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  g_autofree char *path = NULL;
  JsonArray *sessions = NULL;
  gint64 other_id = 0;

  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account/sessions", mine, NULL, &answer), ==, 200);
  g_assert_true (kouan_json_get_array (answer, "sessions", &sessions, NULL));
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);

      if (!json_object_get_boolean_member (session, "current"))
        other_id = json_object_get_int_member (session, "id");
    }
  g_assert_cmpint (other_id, >, 0);

  path = g_strdup_printf ("/api/v1/account/sessions/%" G_GINT64_FORMAT, other_id);
  g_assert_cmpuint (http_json (server, "DELETE", path, mine, NULL, NULL), ==, 204);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/session", other, NULL, NULL), ==, 401);
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/session", mine, NULL, NULL), ==, 200);
  g_assert_cmpuint (http_json (server, "DELETE", path, mine, NULL, NULL), ==, 404);

  /* Someone else's sessions are not found either. */
  {
    g_autofree char *staff = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
    g_autoptr(JsonObject) list = NULL;
    JsonArray *own = NULL;
    g_autofree char *mine_path = NULL;

    g_assert_cmpuint (http_json (server, "GET", "/api/v1/account/sessions", mine, NULL, &list), ==, 200);
    g_assert_true (kouan_json_get_array (list, "sessions", &own, NULL));
    g_assert_cmpuint (json_array_get_length (own), ==, 1);
    mine_path = g_strdup_printf ("/api/v1/account/sessions/%" G_GINT64_FORMAT,
                                 json_object_get_int_member (json_array_get_object_element (own, 0), "id"));
    g_assert_cmpuint (http_json (server, "DELETE", mine_path, staff, NULL, NULL), ==, 404);
  }
}

static void
test_account_details (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autofree char *admin = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  g_autofree char *staff = kouan_test_login (server, "demo-staff", DEMO_PASSWORD);
  g_autoptr(JsonObject) answer = NULL;
  JsonObject *card = NULL;

  /* The demo card is bound to demo-admin: its holder and expiry show. */
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account", admin, NULL, &answer), ==, 200);
  g_assert_cmpstr (json_object_get_string_member (answer, "account"), ==, "demo-admin");
  g_assert_cmpstr (json_object_get_string_member (answer, "method"), ==, "password");
  g_assert_true (kouan_json_get_object (answer, "card", &card, NULL));
  g_assert_cmpstr (json_object_get_string_member (card, "holder"), ==, "测试持卡人");
  g_assert_cmpint (json_object_get_int_member (card, "not_after"), ==, G_GINT64_CONSTANT (2366841600));
  g_clear_pointer (&answer, json_object_unref);

  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account", staff, NULL, &answer), ==, 200);
  g_assert_true (json_object_get_null_member (answer, "card"));
  g_assert_cmpuint (http_json (server, "GET", "/api/v1/account", NULL, NULL, NULL), ==, 401);
}

static void
test_preferences_sync (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start (demo_args);
  g_autoptr(Member) admin = member_new (server, "demo-admin", 1);
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  gboolean values[KOUAN_N_PREFERENCES];
  gboolean other[KOUAN_N_PREFERENCES];

  run_once_ok (admin);
  g_assert_true (kouan_store_get_preferences (admin->store, 1, admin->session->user_id, values, &error));
  g_assert_true (values[KOUAN_PREFERENCE_CHECK_HS_CODES]);
  g_assert_false (values[KOUAN_PREFERENCE_AUTOFILL_CONSIGNEE]);

  json_object_set_boolean_member (fields, "autofill_consignee", TRUE);
  json_object_set_boolean_member (fields, "check_hs_codes", FALSE);
  id = kouan_store_enqueue (admin->store, 1, "preferences", "update", admin->session->user_id,
                            fields, &error);
  g_assert_no_error (error);
  run_once_ok (admin);
  g_assert_cmpuint (kouan_store_count_queued (admin->store, "preferences", admin->session->user_id), ==, 0);
  g_assert_cmpint (server_count (server,
                                 "SELECT autofill_consignee * 10 + check_hs_codes FROM declaration_preferences"
                                 " WHERE enterprise_id = 1 AND user_id = CAST (?1 AS INTEGER)", "1"), ==, 10);

  /* Per enterprise: enterprise 2 keeps its own (default) switches. */
  kouan_sync_set_enterprise_id (admin->sync, 2);
  run_once_ok (admin);
  g_assert_true (kouan_store_get_preferences (admin->store, 2, admin->session->user_id, other, &error));
  g_assert_false (other[KOUAN_PREFERENCE_AUTOFILL_CONSIGNEE]);
  g_assert_true (other[KOUAN_PREFERENCE_CHECK_HS_CODES]);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/personal/profile/offline-edit-lands-once", test_profile_offline_lands_once);
  g_test_add_func ("/personal/images/limits-and-bad-files", test_image_limits);
  g_test_add_func ("/personal/enterprises/credit-code-validation", test_credit_codes);
  g_test_add_func ("/personal/enterprises/join-request-pending", test_join_request_pending);
  g_test_add_func ("/personal/enterprises/join-request-approved", test_join_request_approved);
  g_test_add_func ("/personal/enterprises/unbind-last-admin-refused", test_unbind_last_admin);
  g_test_add_func ("/personal/enterprises/certification-flow", test_certification_flow);
  g_test_add_func ("/personal/account/password-change-ends-other-sessions",
                   test_password_change_ends_other_sessions);
  g_test_add_func ("/personal/account/password-change-throttled", test_password_throttled);
  g_test_add_func ("/personal/account/end-one-session", test_end_one_session);
  g_test_add_func ("/personal/account/details-and-card", test_account_details);
  g_test_add_func ("/personal/preferences/sync-per-enterprise", test_preferences_sync);

  return g_test_run ();
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>
#include <sqlite3.h>
#include <glib/gstdio.h>

#include "kouan-json.h"
#include "kouan-test-server.h"

/* The server's database layer as a caller sees it (issue 10, hardening):
 * queries whose text is built per request answer the same every time,
 * LIKE filters take the user's text literally, a read that fails part way
 * is a 500 and never a 200 with part of the rows, and mutation ids are
 * forgotten after their retention. */

#define ENTERPRISE 1
#define PASSWORD "kouan-demo"
#define DAY (24 * 60 * 60)

typedef struct {
  KouanTestServer *server;
  char            *admin;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char *args[] = { "--demo", NULL };

  f->server = kouan_test_server_start (args);
  f->admin = kouan_test_login (f->server, "demo-admin", PASSWORD);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->admin, g_free);
  g_clear_pointer (&f->server, kouan_test_server_free);
}

static guint
request (Fixture     *f,
         const char  *method,
         const char  *path,
         const char  *body,
         JsonObject **out)
{
  g_autofree char *url = g_strdup_printf ("%s/api/v1/enterprises/%d%s",
                                          kouan_test_server_get_url (f->server), ENTERPRISE, path);
  g_autoptr(GBytes) reply = NULL;
  guint status;

  status = kouan_test_http (method, url, f->admin, body, body != NULL ? strlen (body) : 0, &reply);
  if (out != NULL)
    {
      *out = NULL;
      if (reply != NULL && g_bytes_get_size (reply) > 0)
        *out = kouan_json_parse_object (g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL);
    }
  return status;
}

static char *
get_text (Fixture    *f,
          const char *path)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "GET", path, NULL, &reply), ==, 200);
  g_assert_nonnull (reply);
  return kouan_json_object_to_string (reply);
}

static gint64
get_total (Fixture    *f,
           const char *path)
{
  g_autoptr(JsonObject) reply = NULL;

  g_assert_cmpuint (request (f, "GET", path, NULL, &reply), ==, 200);
  return json_object_get_int_member (reply, "total");
}

/* Opens the server's database beside it (the server may be running: WAL
 * lets both in). */
static sqlite3 *
open_db (Fixture *f)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (kouan_test_server_get_db_path (f->server), &db), ==, SQLITE_OK);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

static gint64
db_int (sqlite3    *db,
        const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    value = sqlite3_column_int64 (stmt, 0);
  g_assert_cmpint (sqlite3_finalize (stmt), ==, SQLITE_OK);
  return value;
}

static void
db_exec (sqlite3    *db,
         const char *sql)
{
  char *message = NULL;

  if (sqlite3_exec (db, sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("%s: %s", sql, message);
}

/* The staff list and the audit log build their SQL from the filters. Asked
 * again, with the same and with other filters, they answer the same: the
 * server once cached these statements by the address of the request's
 * text, which was freed after the request (a use after free the sanitizer
 * build reports on the second request). */
static void
test_dynamic_sql_repeated (Fixture       *f,
                           gconstpointer  data)
{
  const char *paths[] = {
    "/staff?name=demo-user1&sort=account&order=desc",
    "/staff?status=active&limit=5",
    "/audit?action=member.",
    "/audit?limit=3&offset=1",
  };
  char *first[G_N_ELEMENTS (paths)] = { NULL };

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
      {
        g_autofree char *text = get_text (f, paths[i]);

        if (round == 0)
          first[i] = g_steal_pointer (&text);
        else
          g_assert_cmpstr (text, ==, first[i]);
      }
  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    g_free (first[i]);
  g_assert_cmpint (get_total (f, "/staff?name=demo-user1"), ==, 10); /* demo-user10..19 */
}

/* % and _ in a filter match themselves, not any text. */
static void
test_like_literal (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) role = NULL;
  g_autofree char *role_path = NULL;

  g_assert_cmpuint (request (f, "POST", "/roles", "{\"name\":\"通配符测试\",\"permissions\":[]}", &role), ==, 201);
  role_path = g_strdup_printf ("/roles/%" G_GINT64_FORMAT, json_object_get_int_member (role, "id"));
  g_assert_cmpuint (request (f, "PATCH", role_path, "{\"name\":\"通配符测试二\"}", NULL), ==, 200);

  g_assert_cmpint (get_total (f, "/audit?action=role."), ==, 2);
  g_assert_cmpint (get_total (f, "/audit?action=role.update"), ==, 1);
  /* "_" would match the "." of every role action, "%" everything */
  g_assert_cmpint (get_total (f, "/audit?action=role_"), ==, 0);
  g_assert_cmpint (get_total (f, "/audit?action=%25"), ==, 0);
  g_assert_cmpint (get_total (f, "/audit?action=role%25update"), ==, 0);
  g_assert_cmpint (get_total (f, "/audit?action=%5C"), ==, 0);   /* the escape character */

  g_assert_cmpint (get_total (f, "/staff?name=demo-user1"), ==, 10);
  g_assert_cmpint (get_total (f, "/staff?name=demo_user1"), ==, 0);
  g_assert_cmpint (get_total (f, "/staff?name=demo%25user1"), ==, 0);
}

/* Overwrites the header of one b-tree leaf page of @table, as a failing
 * disk would: SQLite then answers SQLITE_CORRUPT when a query reaches it.
 * The leaf holding the lowest keys is chosen, so a newest-first scan reads
 * good rows before it fails. */
static void
corrupt_first_leaf (Fixture    *f,
                    const char *table)
{
  sqlite3 *db = open_db (f);
  g_autofree char *leaves_sql = g_strdup_printf ("SELECT count (*) FROM dbstat WHERE name = '%s'"
                                                 " AND pagetype = 'leaf'", table);
  g_autofree char *first_sql = g_strdup_printf ("SELECT pageno FROM dbstat WHERE name = '%s'"
                                                " AND pagetype = 'leaf' ORDER BY path LIMIT 1", table);
  gint64 page_size = db_int (db, "PRAGMA page_size");
  gint64 pageno;
  guint8 garbage[16];
  FILE *file;

  /* more than one leaf, so the scan has good rows before the bad one */
  g_assert_cmpint (db_int (db, leaves_sql), >=, 2);
  pageno = db_int (db, first_sql);
  g_assert_cmpint (pageno, >, 1);
  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);

  memset (garbage, 0xff, sizeof garbage);
  file = g_fopen (kouan_test_server_get_db_path (f->server), "r+b");
  g_assert_nonnull (file);
  g_assert_cmpint (fseek (file, (pageno - 1) * page_size, SEEK_SET), ==, 0);
  g_assert_cmpuint (fwrite (garbage, 1, sizeof garbage, file), ==, sizeof garbage);
  g_assert_cmpint (fclose (file), ==, 0);
}

/* A read that fails in the middle of a list answers 500 in the shape of
 * every error, never a 200 with the rows read so far; the next request is
 * served as usual. */
static void
test_read_failure (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonObject) role = NULL;
  g_autoptr(JsonObject) failed = NULL;
  g_autofree char *role_path = NULL;
  g_autofree char *before = NULL;
  JsonObject *error;
  gint64 total;

  /* enough audit entries (each with its before and after) for several
   * pages of the table */
  g_assert_cmpuint (request (f, "POST", "/roles", "{\"name\":\"审计填充\",\"permissions\":[]}", &role), ==, 201);
  role_path = g_strdup_printf ("/roles/%" G_GINT64_FORMAT, json_object_get_int_member (role, "id"));
  for (guint i = 0; i < 60; i++)
    {
      g_autofree char *body = g_strdup_printf ("{\"name\":\"审计填充 %u — %s\"}", i,
                                               "一段足够长的名称，让每一条审计记录都占据更多的空间");

      g_assert_cmpuint (request (f, "PATCH", role_path, body, NULL), ==, 200);
    }
  total = get_total (f, "/audit?limit=500");
  g_assert_cmpint (total, >=, 61);

  kouan_test_server_stop (f->server);
  corrupt_first_leaf (f, "audit_log");
  kouan_test_server_restart (f->server);

  g_assert_cmpuint (request (f, "GET", "/audit?limit=500", NULL, &failed), ==, 500);
  g_assert_nonnull (failed);
  g_assert_false (json_object_has_member (failed, "items"));
  error = json_object_get_object_member (failed, "error");
  g_assert_nonnull (error);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "internal");
  /* no SQL or SQLite wording in the answer: details are in the log */
  g_assert_null (strstr (json_object_get_string_member (error, "message"), "SQL"));
  g_assert_null (strstr (json_object_get_string_member (error, "message"), "malformed"));

  /* the failure belonged to that request only */
  before = get_text (f, "/roles");
  g_assert_nonnull (strstr (before, "审计填充"));
}

static void
mutate (Fixture    *f,
        const char *id,
        gint64      message_id)
{
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"%s\", \"collection\": \"messages\","
                                           " \"op\": \"update\", \"record_id\": %" G_GINT64_FORMAT ","
                                           " \"fields\": {\"starred\": true}}]}", id, message_id);
  g_autoptr(JsonObject) reply = NULL;
  JsonArray *results;

  g_assert_cmpuint (request (f, "POST", "/mutations", body, &reply), ==, 200);
  results = json_object_get_array_member (reply, "results");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (results, 0), "status"),
                   ==, "applied");
}

static gint64
mutation_ids (Fixture    *f,
              const char *id)
{
  sqlite3 *db = open_db (f);
  g_autofree char *sql = g_strdup_printf ("SELECT count (*) FROM applied_mutations WHERE mutation_id = '%s'", id);
  gint64 count = db_int (db, sql);

  sqlite3_close (db);
  return count;
}

/* Mutation ids (at most once) are kept 30 days, then forgotten: the table
 * does not grow forever. The server prunes when it starts (and hourly). */
static void
test_mutation_retention (Fixture       *f,
                         gconstpointer  data)
{
  sqlite3 *db = open_db (f);
  gint64 message = db_int (db, "SELECT id FROM messages WHERE enterprise_id = 1 ORDER BY id LIMIT 1");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *age_sql = NULL;

  sqlite3_close (db);
  g_assert_cmpint (message, >, 0);
  mutate (f, "retention-old", message);
  mutate (f, "retention-recent", message);
  mutate (f, "retention-new", message);

  kouan_test_server_stop (f->server);
  db = open_db (f);
  age_sql = g_strdup_printf ("UPDATE applied_mutations SET applied_at = CASE mutation_id"
                             " WHEN 'retention-old' THEN %" G_GINT64_FORMAT
                             " WHEN 'retention-recent' THEN %" G_GINT64_FORMAT " END"
                             " WHERE mutation_id IN ('retention-old', 'retention-recent')",
                             now - 31 * DAY, now - 29 * DAY);
  db_exec (db, age_sql);
  g_assert_cmpint (sqlite3_changes (db), ==, 2);
  sqlite3_close (db);
  kouan_test_server_restart (f->server);

  g_assert_cmpint (mutation_ids (f, "retention-old"), ==, 0);
  g_assert_cmpint (mutation_ids (f, "retention-recent"), ==, 1);
  g_assert_cmpint (mutation_ids (f, "retention-new"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/server-db/dynamic-sql-repeated", test_dynamic_sql_repeated);
  ADD ("/server-db/like-literal", test_like_literal);
  ADD ("/server-db/read-failure", test_read_failure);
  ADD ("/server-db/mutation-retention", test_mutation_retention);
#undef ADD

  return g_test_run ();
}

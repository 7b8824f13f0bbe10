/* SPDX-License-Identifier: GPL-3.0-or-later */
/* POST /api/v1/enterprises/{eid}/mutations as kouan-server handles it,
 * without HTTP: the body through the strict parser, the batch through the
 * server's parser, and every mutation through its collection's apply()
 * against a real demo database, as demo-admin in enterprise 1. Each batch
 * is rolled back, so every input meets the same database. */

#include <glib/gstdio.h>

#include "kouan-fuzz.h"
#include "kouan-json.h"
#include "kouan-server.h"
#include "kouan-server-sync-private.h"

static KouanServer server;
static gint64 admin_id;

static void
remove_directory (void)
{
  g_autofree char *dir = g_strdup (g_getenv ("KOUAN_FUZZ_SERVER_DIR"));
  g_autoptr(GDir) entries = dir != NULL ? g_dir_open (dir, 0, NULL) : NULL;
  const char *name;

  kouan_server_db_close (&server);
  g_clear_object (&server.soup);
  while (entries != NULL && (name = g_dir_read_name (entries)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  if (dir != NULL)
    g_rmdir (dir);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-fuzz-server-XXXXXX", &error);
  g_autofree char *path = NULL;
  sqlite3_stmt *stmt;

  g_assert_no_error (error);
  path = g_build_filename (dir, "server.db", NULL);
  server.max_body = KOUAN_DEFAULT_MAX_BODY;
  server.session_idle = KOUAN_DEFAULT_SESSION_IDLE;
  server.session_max = KOUAN_DEFAULT_SESSION_MAX;
  server.demo = TRUE;
  g_assert_true (kouan_server_db_open (&server, path, &error));
  g_assert_true (kouan_server_demo_seed (&server, 0, &error));
  g_assert_no_error (error);
  /* every feature's collections register with its routes; the server
   * never listens */
  server.soup = soup_server_new (NULL, NULL);
  kouan_server_sync_install (&server);
  kouan_server_routes_install (&server);
  g_setenv ("KOUAN_FUZZ_SERVER_DIR", dir, TRUE);
  atexit (remove_directory);

  stmt = kouan_server_db_stmt (&server, "SELECT id FROM users WHERE account = 'demo-admin'");
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  admin_id = sqlite3_column_int64 (stmt, 0);
  sqlite3_reset (stmt);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(JsonObject) body = NULL;
  g_autoptr(JsonArray) results = NULL;
  g_autoptr(GError) error = NULL;

  /* what kouan_server_read_body() lets through */
  if (size == 0 || !g_utf8_validate ((const char *) data, size, NULL))
    return 0;
  body = kouan_json_parse_object ((const char *) data, size, NULL);
  if (body == NULL)
    return 0;

  if (!_kouan_server_sync_apply_body (&server, body, 1, admin_id, FALSE, &results, &error))
    {
      /* a malformed batch is a 400; anything else would be a 500 */
      if (error->domain != KOUAN_JSON_ERROR)
        g_error ("a batch the server accepted failed to apply: %s", error->message);
      return 0;
    }

  /* one result per mutation, each applied or rejected */
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *result = json_array_get_object_element (results, i);
      const char *status = json_object_get_string_member (result, "status");

      g_assert_true (g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "rejected") == 0);
    }
  return 0;
}

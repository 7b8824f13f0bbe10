/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one image pipeline (src/core/kouan-image-cache.c) against a real
 * kouan-server: an upload is cached under its new id; a fetch reads the
 * cache first, so a picture seen once shows with the server gone; one
 * never fetched says why it cannot be had; without a session only the
 * cache answers. */
#include "config.h"

#include <glib/gstdio.h>

#include "kouan-client.h"
#include "kouan-image-cache.h"
#include "kouan-personal.h"
#include "kouan-store.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"

#define WAIT_TIMEOUT_SECONDS 30
#define DEMO_PASSWORD "kouan-demo"

static void
on_ready (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

/* only catches a hang */
static GAsyncResult *
wait_result (GAsyncResult **result)
{
  gint64 deadline = g_get_monotonic_time () +
                    (gint64) WAIT_TIMEOUT_SECONDS * kouan_test_timeout_scale () * G_USEC_PER_SEC;

  while (*result == NULL)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  return *result;
}

static GBytes *
fetch (KouanClient  *client,
       KouanStore   *store,
       gint64        image_id,
       GError      **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_image_fetch_async (client, store, 1, image_id, NULL, on_ready, &result);
  return kouan_image_fetch_finish (wait_result (&result), error);
}

static void
test_pipeline (void)
{
  const char *args[] = { "--demo", NULL };
  KouanTestServer *server = kouan_test_server_start (args);
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = NULL;
  g_autoptr(KouanStore) store = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) png = kouan_test_png (40, 30, 0);
  g_autoptr(GBytes) other = kouan_test_png (20, 10, 0);
  g_autoptr(GBytes) got = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-test-image-cache-XXXXXX", &error);
  g_autofree char *path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  KouanSession *session;
  gint64 uploaded, on_server = 0;

  g_assert_no_error (error);
  path = g_build_filename (dir, "cache.db", NULL);
  store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_assert_no_error (error);
  kouan_client_login_async (client, "demo-admin", DEMO_PASSWORD, NULL, on_ready, &result);
  session = kouan_client_login_finish (client, wait_result (&result), &error);
  g_assert_no_error (error);
  kouan_session_free (session);
  g_clear_object (&result);

  /* an upload: the server's id, and what was sent is in the cache */
  kouan_image_upload_async (client, store, 1, png, NULL, on_ready, &result);
  uploaded = kouan_image_upload_finish (wait_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (uploaded, >, 0);
  got = kouan_store_get_image (store, 1, uploaded);
  g_assert_nonnull (got);
  g_assert_true (g_bytes_equal (got, png));
  g_clear_pointer (&got, g_bytes_unref);

  /* an image uploaded elsewhere: not cached until fetched once */
  token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  url = g_strconcat (kouan_test_server_get_url (server), "/api/v1/enterprises/1/images", NULL);
  g_assert_cmpuint (kouan_test_http ("POST", url, token, g_bytes_get_data (other, NULL), g_bytes_get_size (other), &reply),
                    ==, 201);
  {
    g_autoptr(JsonParser) parser = json_parser_new ();

    g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), NULL));
    on_server = json_object_get_int_member (json_node_get_object (json_parser_get_root (parser)), "id");
  }
  g_assert_cmpint (on_server, >, 0);
  g_assert_null (kouan_store_get_image (store, 1, on_server));
  got = fetch (client, store, on_server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_clear_pointer (&got, g_bytes_unref);
  got = kouan_store_get_image (store, 1, on_server);
  g_assert_nonnull (got);
  g_clear_pointer (&got, g_bytes_unref);

  /* the server gone: both still come, from the cache */
  kouan_test_server_stop (server);
  got = fetch (client, store, uploaded, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (got, png));
  g_clear_pointer (&got, g_bytes_unref);
  got = fetch (client, store, on_server, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_clear_pointer (&got, g_bytes_unref);

  /* one never fetched cannot be had, and says it is the network */
  got = fetch (client, store, on_server + 1000, &error);
  g_assert_null (got);
  g_assert_error (error, KOUAN_API_ERROR, KOUAN_API_ERROR_NETWORK);
  g_clear_error (&error);

  /* without a session only the cache answers */
  got = fetch (NULL, store, uploaded, &error);
  g_assert_no_error (error);
  g_assert_nonnull (got);
  g_clear_pointer (&got, g_bytes_unref);
  got = fetch (NULL, store, on_server + 1000, &error);
  g_assert_null (got);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_CONNECTED);
  g_clear_error (&error);

  g_clear_object (&store);
  g_unlink (path);
  g_rmdir (dir);
  kouan_test_server_free (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/image-cache/pipeline", test_pipeline);
  return g_test_run ();
}

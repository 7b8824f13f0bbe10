/* SPDX-License-Identifier: GPL-3.0-or-later */
/* 管理员中心, enterprise part, against a real kouan-server: every field of
 * enterprise_settings refused with its field and reason, the aircraft
 * declaration time refused while its switch is off, the seventh slide
 * refused, image uploads checked (type, size, dimensions) and served with
 * an ETag, staff kept out, and an offline edit plus an offline create
 * landing exactly once through KouanStore + KouanSync. */

#include <glib/gstdio.h>
#include <string.h>

#include "kouan-client.h"
#include "kouan-enterprise.h"
#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-settings.h"
#include "kouan-store.h"
#include "kouan-store-settings.h"
#include "kouan-sync.h"
#include "kouan-test-image.h"
#include "kouan-test-server.h"

#define DEMO_PASSWORD "kouan-demo"
#define WAIT_TIMEOUT_MS 20000

static KouanTestServer *demo_server;
static guint mutation_serial;

/* ---- HTTP helpers -------------------------------------------------- */

static JsonObject *
parse_body (GBytes *body)
{
  g_autoptr(GError) error = NULL;
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);
  JsonObject *object = kouan_json_parse_object (data, size, &error);

  g_assert_no_error (error);
  return object;
}

static char *
api_url (KouanTestServer *server, gint64 enterprise_id, const char *rest)
{
  return g_strdup_printf ("%s/api/v1/enterprises/%" G_GINT64_FORMAT "/%s",
                          kouan_test_server_get_url (server), enterprise_id, rest);
}

/* Sends one mutation and returns its result object. */
static JsonObject *
mutate (const char *token,
        const char *collection,
        const char *op,
        gint64      record_id,
        const char *fields_json)
{
  g_autofree char *url = api_url (demo_server, 1, "mutations");
  g_autofree char *body = g_strdup_printf ("{\"mutations\": [{\"id\": \"es-%u\", \"collection\": \"%s\","
                                           " \"op\": \"%s\", \"record_id\": %" G_GINT64_FORMAT ","
                                           " \"fields\": %s}]}",
                                           ++mutation_serial, collection, op, record_id, fields_json);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(JsonObject) object = NULL;
  JsonArray *results;

  g_assert_cmpuint (kouan_test_http ("POST", url, token, body, strlen (body), &reply), ==, 200);
  object = parse_body (reply);
  results = json_object_get_array_member (object, "results");
  g_assert_cmpuint (json_array_get_length (results), ==, 1);
  return json_object_ref (json_array_get_object_element (results, 0));
}

static void
assert_rejected (JsonObject *result,
                 const char *code,
                 const char *field,
                 const char *reason)
{
  JsonObject *error;

  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  error = json_object_get_object_member (result, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member (error, "field"), ==, field);
  else
    g_assert_true (json_object_get_null_member (error, "field"));
  g_assert_cmpstr (json_object_get_string_member (error, "reason"), ==, reason);
  /* a message a developer can read in the log */
  g_assert_cmpuint (strlen (json_object_get_string_member (error, "message")), >, 10);
}

static void
refuse_field (const char *token,
              const char *collection,
              const char *fields_json,
              const char *field,
              const char *reason)
{
  g_autoptr(JsonObject) result = mutate (token, collection, "update", 1, fields_json);

  assert_rejected (result, "invalid_field", field, reason);
}

static JsonObject *
applied_record (JsonObject *result)
{
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "applied");
  return json_object_get_object_member (result, "record");
}

/* The enterprise's current records of @collection from the feed. */
static GPtrArray *
feed_records (const char *token, const char *collection)
{
  GPtrArray *records = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean more = TRUE;
  gint64 since = 0;

  while (more)
    {
      g_autofree char *page_url = g_strdup_printf ("%s/api/v1/enterprises/1/changes?since=%"
                                                   G_GINT64_FORMAT "&limit=1000",
                                                   kouan_test_server_get_url (demo_server), since);
      g_autoptr(GBytes) reply = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *changes;

      g_assert_cmpuint (kouan_test_http ("GET", page_url, token, NULL, 0, &reply), ==, 200);
      page = parse_body (reply);
      changes = json_object_get_array_member (page, "changes");
      for (guint i = 0; i < json_array_get_length (changes); i++)
        {
          JsonObject *change = json_array_get_object_element (changes, i);

          if (g_str_equal (json_object_get_string_member (change, "collection"), collection) &&
              json_object_has_member (change, "record"))
            g_ptr_array_add (records, json_object_ref (json_object_get_object_member (change, "record")));
        }
      since = json_object_get_int_member (page, "cursor");
      more = json_object_get_boolean_member (page, "more");
    }
  return records;
}

/* A real PNG, or a bare header for a canvas the server refuses. */
static GByteArray *
png_bytes (guint32 width, guint32 height, gsize total)
{
  g_autoptr(GBytes) png = kouan_test_png (width, height, total);

  return g_bytes_unref_to_array (g_steal_pointer (&png));
}

static guint
upload (const char *token, GByteArray *bytes, JsonObject **out)
{
  g_autofree char *url = api_url (demo_server, 1, "images");
  g_autoptr(GBytes) reply = NULL;
  guint status = kouan_test_http ("POST", url, token, (const char *) bytes->data, bytes->len, &reply);

  if (out != NULL)
    *out = reply != NULL && g_bytes_get_size (reply) > 0 ? parse_body (reply) : NULL;
  return status;
}

static gint64
upload_ok (const char *token)
{
  g_autoptr(GByteArray) png = png_bytes (800, 300, 0);
  g_autoptr(JsonObject) image = NULL;

  g_assert_cmpuint (upload (token, png, &image), ==, 201);
  return json_object_get_int_member (image, "id");
}

/* ---- tests --------------------------------------------------------- */

static void
test_fields_validated (void)
{
  g_autofree char *token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  const char *es = KOUAN_COLLECTION_ENTERPRISE_SETTINGS;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(GPtrArray) records = NULL;
  JsonObject *record;

  refuse_field (token, es, "{\"credit_code\": \"91310115MA1K3Y8P2F\"}", "credit_code", "check_character");
  refuse_field (token, es, "{\"credit_code\": \"91310115MA1K3Y8P2\"}", "credit_code", "format");
  refuse_field (token, es, "{\"taxpayer_number\": \"3101151234567\"}", "taxpayer_number", "format");
  refuse_field (token, es, "{\"taxpayer_number\": \"31011512345678a\"}", "taxpayer_number", "format");
  refuse_field (token, es, "{\"taxpayer_number\": \"91310115MA1K3Y8P2F\"}", "taxpayer_number", "format");
  refuse_field (token, es, "{\"bank_account\": \"6222-0210-0101\"}", "bank_account", "format");
  refuse_field (token, es, "{\"bank_account\": \"1234567\"}", "bank_account", "format");
  refuse_field (token, es, "{\"customs_code\": \"31229600\"}", "customs_code", "format");
  refuse_field (token, es, "{\"contact_phone\": \"电话\"}", "contact_phone", "format");
  refuse_field (token, es, "{\"name\": \"\"}", "name", "required");
  refuse_field (token, es, "{\"bank_account\": 12345678}", "bank_account", "type");
  refuse_field (token, es, "{\"certified\": true}", "certified", "unknown");
  refuse_field (token, es, "{\"logo_image\": 999999}", "logo_image", "not_found");
  refuse_field (token, KOUAN_COLLECTION_SHOWCASE_LINKS, "{\"url\": \"ftp://files.example.cn/\"}",
                "url", "format");
  refuse_field (token, KOUAN_COLLECTION_SHOWCASE_SLIDES, "{\"link\": \"javascript:alert(1)\"}",
                "link", "format");

  /* another enterprise's credit code is taken */
  g_clear_pointer (&result, json_object_unref);
  result = mutate (token, es, "update", 1, "{\"credit_code\": \"91330203MA2H7QW4XM\"}");
  assert_rejected (result, "conflict", "credit_code", "taken");

  /* nothing of the refused values got in; a valid edit does */
  g_clear_pointer (&result, json_object_unref);
  result = mutate (token, es, "update", 1,
                   "{\"taxpayer_number\": \"310115123456789\", \"bank_account\": \"6222021001012345678\","
                   " \"customs_code\": \"3122960001\"}");
  record = applied_record (result);
  g_assert_cmpstr (json_object_get_string_member (record, "taxpayer_number"), ==, "310115123456789");

  records = feed_records (token, es);
  g_assert_cmpuint (records->len, ==, 1);
  record = g_ptr_array_index (records, 0);
  g_assert_cmpstr (json_object_get_string_member (record, "bank_account"), ==, "6222021001012345678");
  g_assert_cmpstr (json_object_get_string_member (record, "customs_code"), ==, "3122960001");
  g_assert_cmpstr (json_object_get_string_member (record, "credit_code"), ==, "91310115MA1K3Y8P2E");

  /* the change is in the audit log with both versions; refusals are not */
  {
    g_autofree char *url = api_url (demo_server, 1, "audit?action=enterprise_settings.update");
    g_autoptr(GBytes) reply = NULL;
    g_autoptr(JsonObject) audit = NULL;
    JsonArray *items;
    JsonObject *entry;

    g_assert_cmpuint (kouan_test_http ("GET", url, token, NULL, 0, &reply), ==, 200);
    audit = parse_body (reply);
    items = json_object_get_array_member (audit, "items");
    g_assert_cmpuint (json_array_get_length (items), ==, 1);
    entry = json_array_get_object_element (items, 0);
    g_assert_cmpstr (json_object_get_string_member (entry, "action"), ==, "enterprise_settings.update");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "before"),
                                                    "taxpayer_number"), ==, "91310115MA1K3Y8P2E");
    g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (entry, "after"),
                                                    "taxpayer_number"), ==, "310115123456789");
  }
}

static void
test_aircraft_time (void)
{
  g_autofree char *token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  const char *bs = KOUAN_COLLECTION_BUSINESS_SETTINGS;
  g_autoptr(JsonObject) off = NULL;
  g_autoptr(JsonObject) refused = NULL;
  g_autoptr(JsonObject) both = NULL;
  JsonObject *record;

  /* switching off forgets the time */
  off = mutate (token, bs, "update", 1, "{\"aircraft_auto\": false}");
  record = applied_record (off);
  g_assert_false (json_object_get_boolean_member (record, "aircraft_auto"));
  g_assert_true (json_object_get_null_member (record, "aircraft_time"));

  refused = mutate (token, bs, "update", 1, "{\"aircraft_time\": \"09:15\"}");
  assert_rejected (refused, "invalid_field", "aircraft_time", "disabled");
  record = json_object_get_object_member (refused, "record");
  g_assert_true (json_object_get_null_member (record, "aircraft_time"));
  g_clear_pointer (&refused, json_object_unref);

  refused = mutate (token, bs, "update", 1, "{\"aircraft_auto\": false, \"aircraft_time\": \"09:15\"}");
  assert_rejected (refused, "invalid_field", "aircraft_time", "disabled");
  g_clear_pointer (&refused, json_object_unref);

  refused = mutate (token, bs, "update", 1, "{\"aircraft_auto\": true, \"aircraft_time\": \"24:00\"}");
  assert_rejected (refused, "invalid_field", "aircraft_time", "format");

  /* switched on in the same mutation: accepted */
  both = mutate (token, bs, "update", 1, "{\"aircraft_auto\": true, \"aircraft_time\": \"09:15\"}");
  record = applied_record (both);
  g_assert_true (json_object_get_boolean_member (record, "aircraft_auto"));
  g_assert_cmpstr (json_object_get_string_member (record, "aircraft_time"), ==, "09:15");
}

static void
test_seventh_slide_refused (void)
{
  g_autofree char *token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  const char *ss = KOUAN_COLLECTION_SHOWCASE_SLIDES;
  g_autoptr(GPtrArray) slides = feed_records (token, ss);
  g_autoptr(JsonObject) seventh = NULL;
  g_autoptr(GPtrArray) after = NULL;
  gint64 image = upload_ok (token);
  g_autofree char *fields = g_strdup_printf ("{\"image\": %" G_GINT64_FORMAT ", \"caption\": \"新航线开通\","
                                             " \"link\": \"https://www.example.cn/news\"}", image);

  g_assert_cmpuint (slides->len, <, KOUAN_SHOWCASE_MAX_SLIDES);
  for (guint n = slides->len; n < KOUAN_SHOWCASE_MAX_SLIDES; n++)
    {
      g_autoptr(JsonObject) result = mutate (token, ss, "create", -1 - (gint64) n, fields);
      JsonObject *record = applied_record (result);

      g_assert_cmpint (json_object_get_int_member (record, "id"), >, 0);
      g_assert_cmpint (json_object_get_int_member (record, "image"), ==, image);
    }

  seventh = mutate (token, ss, "create", -100, fields);
  assert_rejected (seventh, "limit_reached", NULL, "limit");
  g_assert_nonnull (strstr (json_object_get_string_member (json_object_get_object_member (seventh, "error"),
                                                           "message"), "6"));

  after = feed_records (token, ss);
  g_assert_cmpuint (after->len, ==, KOUAN_SHOWCASE_MAX_SLIDES);

  /* deleting one makes room again; reordering is an update of position */
  {
    JsonObject *last = g_ptr_array_index (after, after->len - 1);
    g_autoptr(JsonObject) deleted = mutate (token, ss, "delete", json_object_get_int_member (last, "id"), "{}");
    g_autoptr(JsonObject) moved = NULL;
    JsonObject *first = g_ptr_array_index (after, 0);

    g_assert_cmpstr (json_object_get_string_member (deleted, "status"), ==, "applied");
    moved = mutate (token, ss, "update", json_object_get_int_member (first, "id"), "{\"position\": 50}");
    g_assert_cmpint (json_object_get_int_member (applied_record (moved), "position"), ==, 50);
  }
}

static void
test_image_upload (void)
{
  g_autofree char *token = kouan_test_login (demo_server, "demo-admin", DEMO_PASSWORD);
  g_autoptr(GByteArray) gif = g_byte_array_new ();
  g_autoptr(GByteArray) huge = png_bytes (100, 100, KOUAN_IMAGE_MAX_BYTES + 1);
  g_autoptr(GByteArray) wide = png_bytes (4097, 100, 0);
  g_autoptr(GByteArray) zero = png_bytes (0, 100, 0);
  g_autoptr(GByteArray) good = png_bytes (640, 480, 0);
  g_autoptr(JsonObject) reply = NULL;
  g_autoptr(JsonObject) again = NULL;
  g_autoptr(GBytes) served = NULL;
  g_autofree char *image_url = NULL;
  JsonObject *error;

  g_byte_array_append (gif, (const guint8 *) "GIF89a\x01\x00\x01\x00", 10);
  g_assert_cmpuint (upload (token, gif, &reply), ==, 415);
  error = json_object_get_object_member (reply, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "image_type");
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (upload (token, huge, &reply), ==, 413);
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (upload (token, wide, &reply), ==, 415);
  error = json_object_get_object_member (reply, "error");
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "image_dimensions");
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (upload (token, zero, &reply), ==, 415);
  g_clear_pointer (&reply, json_object_unref);

  g_assert_cmpuint (upload (token, good, &reply), ==, 201);
  g_assert_cmpint (json_object_get_int_member (reply, "width"), ==, 640);
  g_assert_cmpstr (json_object_get_string_member (reply, "mime"), ==, "image/png");
  /* the same bytes again: the same image */
  g_assert_cmpuint (upload (token, good, &again), ==, 201);
  g_assert_cmpint (json_object_get_int_member (again, "id"), ==, json_object_get_int_member (reply, "id"));

  image_url = g_strdup_printf ("%s/api/v1/enterprises/1/images/%" G_GINT64_FORMAT,
                               kouan_test_server_get_url (demo_server),
                               json_object_get_int_member (reply, "id"));
  g_assert_cmpuint (kouan_test_http ("GET", image_url, token, NULL, 0, &served), ==, 200);
  /* what is served is the server's own encoding of the same pixels */
  {
    KouanImageInfo info;
    g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, served);

    g_assert_cmpint (g_bytes_get_size (served), ==, json_object_get_int_member (reply, "size"));
    g_assert_cmpstr (sha, ==, json_object_get_string_member (reply, "sha256"));
    g_assert_true (kouan_image_probe (g_bytes_get_data (served, NULL), g_bytes_get_size (served), &info, NULL));
    g_assert_cmpuint (info.type, ==, KOUAN_IMAGE_TYPE_PNG);
    g_assert_cmpuint (info.width, ==, 640);
    g_assert_cmpuint (info.height, ==, 480);
  }
  g_assert_cmpuint (kouan_test_http ("GET", image_url, NULL, NULL, 0, NULL), ==, 401);

  /* the LOGO can now point at it */
  {
    g_autofree char *fields = g_strdup_printf ("{\"logo_image\": %" G_GINT64_FORMAT "}",
                                               json_object_get_int_member (reply, "id"));
    g_autoptr(JsonObject) result = mutate (token, KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "update", 1, fields);

    g_assert_cmpint (json_object_get_int_member (applied_record (result), "logo_image"), ==,
                     json_object_get_int_member (reply, "id"));
  }
}

static void
test_staff_kept_out (void)
{
  g_autofree char *token = kouan_test_login (demo_server, "demo-staff", DEMO_PASSWORD);
  g_autoptr(GPtrArray) settings = feed_records (token, KOUAN_COLLECTION_ENTERPRISE_SETTINGS);
  g_autoptr(GPtrArray) business = feed_records (token, KOUAN_COLLECTION_BUSINESS_SETTINGS);
  g_autoptr(GPtrArray) slides = feed_records (token, KOUAN_COLLECTION_SHOWCASE_SLIDES);
  g_autoptr(JsonObject) result = NULL;

  g_assert_cmpuint (settings->len, ==, 0);
  g_assert_cmpuint (business->len, ==, 0);
  /* the showcase is for every member to see */
  g_assert_cmpuint (slides->len, >, 0);

  result = mutate (token, KOUAN_COLLECTION_SHOWCASE_LINKS, "create", -1,
                   "{\"title\": \"员工链接\", \"url\": \"https://www.example.cn\"}");
  g_assert_cmpstr (json_object_get_string_member (result, "status"), ==, "rejected");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "error"), "code"),
                   ==, "forbidden");
}

/* ---- offline edit through the store and the engine ---------------- */

static void
on_async_ready (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
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

static gboolean
run_once (KouanSync *sync, GError **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  kouan_sync_run_once_async (sync, NULL, on_async_ready, &result);
  return kouan_sync_run_once_finish (sync, wait_result (&result), error);
}

static guint
count_titled (GPtrArray *records, const char *title)
{
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    if (g_strcmp0 (json_object_get_string_member (g_ptr_array_index (records, i), "title"), title) == 0)
      n++;
  return n;
}

static void
test_offline_edit_lands_once (void)
{
  g_autoptr(KouanTestServer) server = kouan_test_server_start ((const char *[]) { "--demo", NULL });
  g_autoptr(GError) error = NULL;
  g_autoptr(KouanClient) client = kouan_client_new (kouan_test_server_get_url (server), &error);
  g_autoptr(GAsyncResult) login_result = NULL;
  g_autoptr(KouanSession) session = NULL;
  g_autofree char *dir = g_dir_make_tmp ("kouan-test-enterprise-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "cache.db", NULL);
  g_autoptr(KouanStore) store = NULL;
  g_autoptr(KouanSync) sync = NULL;
  g_autoptr(JsonObject) edit = json_object_new ();
  g_autoptr(JsonObject) link = json_object_new ();
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(GPtrArray) links = NULL;
  g_autoptr(GPtrArray) server_links = NULL;
  g_autofree char *edit_id = NULL;
  g_autofree char *link_id = NULL;
  g_autofree char *token = NULL;
  KouanTestServer *saved = demo_server;
  gint64 temp_id;

  g_assert_no_error (error);
  kouan_client_login_async (client, "demo-admin", DEMO_PASSWORD, NULL, on_async_ready, &login_result);
  session = kouan_client_login_finish (client, wait_result (&login_result), &error);
  g_assert_no_error (error);
  store = kouan_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_store_save_enterprises (store, session->enterprises, &error));
  sync = kouan_sync_new (client, store);
  kouan_sync_set_enterprise_id (sync, 1);
  g_assert_true (run_once (sync, &error));
  g_assert_no_error (error);

  local = kouan_store_get_settings (store, 1, KOUAN_COLLECTION_ENTERPRISE_SETTINGS, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (local, "contact_person"), ==, "陈志强");
  g_clear_pointer (&local, json_object_unref);

  /* offline: an edit and a create, applied locally at once */
  kouan_test_server_stop (server);
  json_object_set_string_member (edit, "contact_person", "周婷");
  edit_id = kouan_store_enqueue (store, 1, KOUAN_COLLECTION_ENTERPRISE_SETTINGS, "update", 1, edit, &error);
  g_assert_no_error (error);
  temp_id = kouan_store_allocate_temp_id (store, &error);
  g_assert_cmpint (temp_id, <, 0);
  json_object_set_string_member (link, "title", "离线新增链接");
  json_object_set_string_member (link, "url", "https://www.example.cn/offline");
  link_id = kouan_store_enqueue (store, 1, KOUAN_COLLECTION_SHOWCASE_LINKS, "create", temp_id, link, &error);
  g_assert_no_error (error);

  local = kouan_store_get_settings (store, 1, KOUAN_COLLECTION_ENTERPRISE_SETTINGS, 1, &error);
  g_assert_cmpstr (json_object_get_string_member (local, "contact_person"), ==, "周婷");
  links = kouan_store_list_settings (store, 1, KOUAN_COLLECTION_SHOWCASE_LINKS, &error);
  g_assert_cmpuint (count_titled (links, "离线新增链接"), ==, 1);
  g_clear_pointer (&links, g_ptr_array_unref);

  g_assert_false (run_once (sync, &error));
  g_clear_error (&error);
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 2);

  /* back online: pushed once, the temporary row gives way to the real one */
  kouan_test_server_restart (server);
  g_assert_true (run_once (sync, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kouan_store_count_outbox (store), ==, 0);
  g_assert_true (run_once (sync, &error));

  links = kouan_store_list_settings (store, 1, KOUAN_COLLECTION_SHOWCASE_LINKS, &error);
  g_assert_cmpuint (count_titled (links, "离线新增链接"), ==, 1);
  for (guint i = 0; i < links->len; i++)
    g_assert_cmpint (json_object_get_int_member (g_ptr_array_index (links, i), "id"), >, 0);

  demo_server = server;
  token = kouan_test_login (server, "demo-admin", DEMO_PASSWORD);
  server_links = feed_records (token, KOUAN_COLLECTION_SHOWCASE_LINKS);
  g_assert_cmpuint (count_titled (server_links, "离线新增链接"), ==, 1);
  {
    g_autoptr(GPtrArray) settings = feed_records (token, KOUAN_COLLECTION_ENTERPRISE_SETTINGS);

    g_assert_cmpstr (json_object_get_string_member (g_ptr_array_index (settings, 0), "contact_person"),
                     ==, "周婷");
  }
  demo_server = saved;

  kouan_sync_stop (sync);
  g_clear_object (&sync);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_remove (wal);
    g_remove (shm);
    g_remove (path);
    g_rmdir (dir);
  }
}

int
main (int argc, char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/enterprise-settings/fields-validated", test_fields_validated);
  g_test_add_func ("/enterprise-settings/aircraft-time", test_aircraft_time);
  g_test_add_func ("/enterprise-settings/seventh-slide-refused", test_seventh_slide_refused);
  g_test_add_func ("/enterprise-settings/image-upload", test_image_upload);
  g_test_add_func ("/enterprise-settings/staff-kept-out", test_staff_kept_out);
  g_test_add_func ("/enterprise-settings/offline-edit-lands-once", test_offline_edit_lands_once);

  demo_server = kouan_test_server_start ((const char *[]) { "--demo", NULL });
  status = g_test_run ();
  kouan_test_server_free (demo_server);
  return status;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include "kouan-json.h"

static void
test_parse_rejects_non_objects (void)
{
  const char *bad[] = { "", "{", "[1,2]", "42", "\"x\"", "null", "{\"a\":}", "{\"a\":1}}", "\xff\xfe" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = kouan_json_parse_object (bad[i], -1, &error);

      g_assert_null (object);
      g_assert_true (error != NULL && error->domain == KOUAN_JSON_ERROR);
    }
}

static void
test_typed_getters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = kouan_json_parse_object (
      "{\"s\":\"文字\",\"i\":9007199254740993,\"b\":true,\"n\":null,"
      "\"f\":1.5,\"big\":1e400,\"min\":-9223372036854775808,"
      "\"o\":{},\"a\":[]}", -1, &error);
  const char *s;
  gint64 i;
  gboolean b;
  JsonObject *inner;
  JsonArray *array;

  g_assert_no_error (error);
  g_assert_true (kouan_json_get_string (o, "s", &s, &error));
  g_assert_cmpstr (s, ==, "文字");
  g_assert_true (kouan_json_get_int (o, "i", &i, &error));
  g_assert_cmpint (i, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_true (kouan_json_get_bool (o, "b", &b, &error));
  g_assert_true (b);
  g_assert_true (kouan_json_get_object (o, "o", &inner, &error));
  g_assert_true (kouan_json_get_array (o, "a", &array, &error));

  /* null and absent optional strings are NULL, not errors */
  g_assert_true (kouan_json_get_opt_string (o, "n", &s, &error));
  g_assert_null (s);
  g_assert_true (kouan_json_get_opt_string (o, "absent", &s, &error));
  g_assert_null (s);
  g_assert_no_error (error);

  /* wrong types are errors with the member named */
  g_assert_false (kouan_json_get_int (o, "f", &i, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_assert_nonnull (strstr (error->message, "\"f\""));
  g_clear_error (&error);
  g_assert_true (kouan_json_get_int (o, "min", &i, &error));
  g_assert_cmpint (i, ==, G_MININT64);
  g_assert_false (kouan_json_get_string (o, "i", &s, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (kouan_json_get_bool (o, "s", &b, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (kouan_json_get_object (o, "a", &inner, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (kouan_json_get_array (o, "o", &array, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);

  /* required members that are null or absent are missing */
  g_assert_false (kouan_json_get_string (o, "n", &s, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING);
  g_clear_error (&error);
  g_assert_false (kouan_json_get_bool (o, "absent", &b, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_MISSING);
}

static void
test_out_of_range_integers (void)
{
  /* json-glib would wrap these to small numbers; they must be refused. */
  const char *bad[] = {
    "{\"record_id\": 18446744073709551621}",
    "{\"a\": [1, 2, 9223372036854775808]}",
    "{\"a\": -9223372036854775809}",
    "{\"a\": 1234567890123456789012345678901234567890123456789012345678901234567890}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = kouan_json_parse_object (bad[i], -1, &error);

      g_assert_null (object);
      g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_VALUE);
    }

  /* but digits inside strings are just text */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object =
      kouan_json_parse_object ("{\"s\": \"18446744073709551621 \\\" 99999999999999999999\"}", -1, &error);
    g_assert_no_error (error);
    g_assert_nonnull (object);
  }
}

static void
test_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) back = NULL;
  const char *s;

  json_object_set_string_member (o, "title", "关税\"调整\"\n通知");
  text = kouan_json_object_to_string (o);
  back = kouan_json_parse_object (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_json_get_string (back, "title", &s, &error));
  g_assert_cmpstr (s, ==, "关税\"调整\"\n通知");
}

static void
test_deep_nesting (void)
{
  /* A hostile document must fail cleanly, not exhaust the stack. */
  GString *doc = g_string_new ("{\"a\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (doc, '[');
  object = kouan_json_parse_object (doc->str, doc->len, &error);
  g_assert_null (object);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX);
  g_string_free (doc, TRUE);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json/parse-rejects", test_parse_rejects_non_objects);
  g_test_add_func ("/json/typed-getters", test_typed_getters);
  g_test_add_func ("/json/out-of-range", test_out_of_range_integers);
  g_test_add_func ("/json/round-trip", test_round_trip);
  g_test_add_func ("/json/deep-nesting", test_deep_nesting);
  return g_test_run ();
}

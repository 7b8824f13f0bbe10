/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
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
      "\"f\":1.5,\"tiny\":1e-400,\"min\":-9223372036854775808,"
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
    /* doubles beyond DBL_MAX would be written back as "inf", not JSON */
    "{\"a\": 1e400}",
    "{\"a\": [-1.5e309]}",
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

/* Text json-glib's lenient scanner accepted but RFC 8259 does not. */
static void
test_rejects_lenient_forms (void)
{
  static const struct { const char *text; gsize length; } bad[] = {
#define T(s) { s, sizeof s - 1 }
    T ("{'name':'demo-staff'}"),                 /* single quotes */
    T ("{\"name\":'demo-staff'}"),
    T ("{/* c */\"a\":1}"),                      /* comments */
    T ("{\"a\":1 // c\n}"),
    T ("{\"a\":1 # c\n}"),
    T ("{\"a\":1}x"),                           /* trailing garbage */
    T ("{\"a\":1}{\"b\":2}"),                   /* a second value */
    T ("{\"a\":1} {}"),
    T ("{\"a\":1}\0"),                          /* a raw NUL after it */
    T ("{\"a\nb\":1}"),                          /* raw control characters */
    T ("{\"a\":\"x\ty\"}"),
    T ("{\"a\":\"x\0y\"}"),
    T ("{\"a\":\"x\x7f\x01\"}"),
    T ("{\"a\":\"demo-staff\\u0000x\"}"),        /* escaped NUL */
    T ("{\"a\\u0000\":1}"),
    T ("{\"a\":\"\\ud800\"}"),                   /* lone surrogates */
    T ("{\"a\":\"\\udc00\"}"),
    T ("{\"a\":\"\\ud800\\u0041\"}"),
    T ("{\"a\":\"\\x41\"}"),                     /* unknown escapes */
    T ("{\"a\":\"\\u12\"}"),
    T ("{\"a\":\"\\U0041\"}"),
    T ("{\"a\":\"\xc0\xaf\"}"),                  /* overlong UTF-8 */
    T ("{\"a\":\"\xed\xa0\x80\"}"),              /* encoded surrogate */
    T ("{\"a\":\"\xf4\x90\x80\x80\"}"),          /* above U+10FFFF */
    T ("{\"a\":\"\xe6\x96\"}"),                  /* truncated sequence */
    T ("{\"a\":\"\x80\"}"),
    T ("\xef\xbb\xbf{}"),                        /* a byte order mark */
    T ("{a:1}"),                                 /* bare names */
    T ("{\"a\":1,}"),                            /* trailing commas */
    T ("{\"a\":[1,]}"),
    T ("{\"a\":[,1]}"),
    T ("{,}"),
    T ("{\"a\" 1}"),
    T ("{\"a\":1 \"b\":2}"),
    T ("{\"a\":01}"),                            /* number forms */
    T ("{\"a\":+1}"),
    T ("{\"a\":.5}"),
    T ("{\"a\":1.}"),
    T ("{\"a\":1e}"),
    T ("{\"a\":1e+}"),
    T ("{\"a\":-}"),
    T ("{\"a\":0x10}"),
    T ("{\"a\":NaN}"),
    T ("{\"a\":Infinity}"),
    T ("{\"a\":-Infinity}"),
    T ("{\"a\":True}"),                          /* literals */
    T ("{\"a\":nul}"),
    T ("{\"a\":undefined}"),
    T ("{\"a\":1}\x0b"),                         /* not JSON whitespace */
    T ("\x0c{\"a\":1}"),
    T ("{\"a\":\"unterminated}"),
    T ("{\"a\":\"x\\"),
#undef T
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = kouan_json_parse_object (bad[i].text, bad[i].length, &error);

      if (object != NULL)
        g_error ("accepted bad document %u", i);
      g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX);
    }
}

static void
test_rejects_duplicate_keys (void)
{
  const char *bad[] = {
    "{\"name\":\"a\",\"name\":\"b\"}",
    "{\"a\":1,\"b\":2,\"a\":1}",
    "{\"o\":{\"x\":[{\"k\":1,\"k\":2}]}}",
    "{\"name\":1,\"n\\u0061me\":2}",            /* equal once decoded */
    "{\"\\u00e9\":1,\"\xc3\xa9\":2}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = kouan_json_parse_object (bad[i], -1, &error);

      g_assert_null (object);
      g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_DUPLICATE_KEY);
    }

  /* the same key in sibling objects is fine */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonObject) object =
      kouan_json_parse_object ("{\"a\":{\"k\":1},\"b\":{\"k\":1},\"c\":[{\"k\":1},{\"k\":2}]}", -1, &error);
    g_assert_no_error (error);
    g_assert_nonnull (object);
  }
}

static void
test_valid_edge_cases (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = kouan_json_parse_object (
      " \t\r\n{ \"esc\" : \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u0041\\u00e9\\u4E2D\" ,"
      "\"pair\":\"\\ud83d\\ude00\",\"raw\":\"\xf0\x9f\x98\x80\xe4\xb8\xad\xc3\xa9\x7f\","
      "\"zero\":-0,\"e\":1e5,\"E\":-2.5E-3,\"ep\":1e+2,\"frac\":0.25,"
      "\"max\":9223372036854775807,\"min\":-9223372036854775808,"
      "\"nested\":[[],[[1,[2]]],{}],\"empty\":\"\",\"t\":true,\"f\":false,\"n\":null,"
      "\"\":\"empty key\"} \n", -1, &error);
  const char *s;
  gint64 i;
  JsonArray *nested;
  JsonNode *node;

  g_assert_no_error (error);
  g_assert_true (kouan_json_get_string (o, "esc", &s, &error));
  g_assert_cmpstr (s, ==, "\"\\/\b\f\n\r\tA\xc3\xa9\xe4\xb8\xad");
  g_assert_true (kouan_json_get_string (o, "pair", &s, &error));
  g_assert_cmpstr (s, ==, "\xf0\x9f\x98\x80");
  g_assert_true (kouan_json_get_string (o, "raw", &s, &error));
  g_assert_cmpstr (s, ==, "\xf0\x9f\x98\x80\xe4\xb8\xad\xc3\xa9\x7f");
  g_assert_true (kouan_json_get_int (o, "zero", &i, &error));
  g_assert_cmpint (i, ==, 0);
  g_assert_true (kouan_json_get_int (o, "max", &i, &error));
  g_assert_cmpint (i, ==, G_MAXINT64);
  g_assert_true (kouan_json_get_int (o, "min", &i, &error));
  g_assert_cmpint (i, ==, G_MININT64);
  g_assert_true (kouan_json_get_string (o, "", &s, &error));
  g_assert_cmpstr (s, ==, "empty key");
  g_assert_true (kouan_json_get_string (o, "empty", &s, &error));
  g_assert_cmpstr (s, ==, "");

  /* fractions and exponents are doubles, as json-glib makes them */
  node = json_object_get_member (o, "e");
  g_assert_cmpint (json_node_get_value_type (node), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_node_get_double (node), ==, 1e5);
  g_assert_cmpfloat (json_object_get_double_member (o, "E"), ==, -2.5e-3);
  g_assert_cmpfloat (json_object_get_double_member (o, "ep"), ==, 100.0);
  g_assert_cmpfloat (json_object_get_double_member (o, "frac"), ==, 0.25);
  g_assert_false (kouan_json_get_int (o, "e", &i, &error));
  g_clear_error (&error);

  g_assert_true (kouan_json_get_array (o, "nested", &nested, &error));
  g_assert_cmpuint (json_array_get_length (nested), ==, 3);
  g_assert_cmpint (json_array_get_int_element (
      json_array_get_array_element (json_array_get_array_element (
          json_array_get_array_element (nested, 1), 0), 1), 0), ==, 2);
  g_assert_true (json_object_get_boolean_member (o, "t"));
  g_assert_false (json_object_get_boolean_member (o, "f"));
  g_assert_true (json_object_get_null_member (o, "n"));

  /* members keep their order, as the server wrote them */
  {
    g_autoptr(GList) names = json_object_get_members (o);
    g_assert_cmpstr (names->data, ==, "esc");
    g_assert_cmpstr (g_list_last (names)->data, ==, "");
  }

  /* the text is taken by length: what follows it is not read */
  {
    g_autoptr(JsonObject) cut = kouan_json_parse_object ("{\"a\":1}garbage", 7, &error);
    g_assert_no_error (error);
    g_assert_nonnull (cut);
  }

  /* 64 levels are allowed, 65 are not */
  {
    g_autoptr(GString) doc = g_string_new (NULL);
    g_autoptr(JsonObject) deep = NULL;

    for (guint level = 0; level < 64; level++)
      g_string_append (doc, "{\"a\":");
    g_string_append (doc, "1");
    for (guint level = 0; level < 64; level++)
      g_string_append_c (doc, '}');
    deep = kouan_json_parse_object (doc->str, doc->len, &error);
    g_assert_no_error (error);
    g_assert_nonnull (deep);
    g_clear_pointer (&deep, json_object_unref);
    g_string_prepend (doc, "{\"a\":");
    g_string_append_c (doc, '}');
    deep = kouan_json_parse_object (doc->str, doc->len, &error);
    g_assert_null (deep);
    g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX);
  }
}

/* A sync page's size: what json-glib builds, the strict parser builds. */
static void
test_big_document (void)
{
  g_autoptr(GString) doc = g_string_new ("{\"records\":[");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) page = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *ours = NULL;
  g_autofree char *theirs = NULL;
  JsonArray *records;

  for (guint i = 0; i < 1000; i++)
    g_string_append_printf (doc, "%s{\"record_id\":%u,\"title\":\"通知 %u \\\"引号\\\"\\n\","
                            "\"score\":%u.5,\"tags\":[\"a\",\"b\"],\"read\":%s,\"deleted_at\":null}",
                            i > 0 ? "," : "", i, i, i, i % 2 ? "true" : "false");
  g_string_append (doc, "],\"next_cursor\":1000}");

  page = kouan_json_parse_object (doc->str, doc->len, &error);
  g_assert_no_error (error);
  g_assert_true (kouan_json_get_array (page, "records", &records, &error));
  g_assert_cmpuint (json_array_get_length (records), ==, 1000);

  g_assert_true (json_parser_load_from_data (parser, doc->str, doc->len, NULL));
  ours = kouan_json_object_to_string (page);
  theirs = kouan_json_to_string (json_parser_get_root (parser));
  g_assert_cmpstr (ours, ==, theirs);

}

static void
test_parse_any_value (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) array = kouan_json_parse ("[\"a\",1]", -1, &error);
  g_autoptr(JsonNode) string = kouan_json_parse (" \"x\" ", -1, &error);
  g_autoptr(JsonNode) null = kouan_json_parse ("null", -1, &error);
  g_autoptr(JsonNode) two = NULL;

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));
  g_assert_cmpstr (json_node_get_string (string), ==, "x");
  g_assert_true (JSON_NODE_HOLDS_NULL (null));

  two = kouan_json_parse ("[1][2]", -1, &error);
  g_assert_null (two);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX);
}

/* What kouan_json_to_string() writes reads back, also where json-glib's
 * generator wrote "5e+51.0"; otherwise it writes what json-glib wrote. */
static void
test_writer (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) doubles = kouan_json_parse ("[5e51,1e-7,-0.0,1.5,2.0,-1E+300,123456789012345678.0]", -1, &error);
  g_autoptr(JsonNode) back = NULL;
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) mixed = json_object_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *theirs = NULL;
  g_autofree char *ours = NULL;

  g_assert_no_error (error);
  text = kouan_json_to_string (doubles);
  back = kouan_json_parse (text, -1, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (doubles, back));
  for (guint i = 0; i < 7; i++)
    g_assert_cmpint (json_node_get_value_type (json_array_get_element (json_node_get_array (back), i)),
                     ==, G_TYPE_DOUBLE);

  /* infinity, which only code can make, is written as null */
  json_array_add_double_element (json_node_get_array (doubles), INFINITY);
  g_clear_pointer (&text, g_free);
  text = kouan_json_to_string (doubles);
  g_assert_true (g_str_has_suffix (text, ",null]"));

  json_object_set_string_member (mixed, "text", "关税\"调整\"\\\n\r\t\b\f\x01/通知");
  json_object_set_int_member (mixed, "id", G_MININT64);
  json_object_set_double_member (mixed, "ratio", 0.1);
  json_object_set_double_member (mixed, "whole", 3.0);
  json_object_set_boolean_member (mixed, "read", TRUE);
  json_object_set_null_member (mixed, "deleted_at");
  json_object_set_array_member (mixed, "tags", json_array_new ());
  json_object_set_object_member (mixed, "empty", json_object_new ());
  json_object_set_string_member (mixed, "", "");
  node = json_node_init_object (json_node_alloc (), mixed);
  json_generator_set_root (generator, node);
  theirs = json_generator_to_data (generator, NULL);
  ours = kouan_json_to_string (node);
  g_assert_cmpstr (ours, ==, theirs);
  /* json-glib wrote U+001F raw, which no strict reader accepts */
  json_object_set_string_member (mixed, "text", "\x1f\x7f");
  g_clear_pointer (&ours, g_free);
  ours = kouan_json_object_to_string (mixed);
  g_assert_nonnull (strstr (ours, "\"\\u001f\x7f\""));
  g_clear_pointer (&back, json_node_unref);
  back = kouan_json_parse (ours, -1, &error);
  g_assert_no_error (error);
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
  g_test_add_func ("/json/rejects-lenient-forms", test_rejects_lenient_forms);
  g_test_add_func ("/json/rejects-duplicate-keys", test_rejects_duplicate_keys);
  g_test_add_func ("/json/valid-edge-cases", test_valid_edge_cases);
  g_test_add_func ("/json/big-document", test_big_document);
  g_test_add_func ("/json/parse-any-value", test_parse_any_value);
  g_test_add_func ("/json/writer", test_writer);
  return g_test_run ();
}

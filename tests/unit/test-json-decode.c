/* SPDX-License-Identifier: GPL-3.0-or-later */
/* kouan_json_decode_object(), the change pages' reader: it accepts exactly
 * RFC 8259 JSON (plus Kouan's limits), and builds the same tree as
 * kouan_json_parse_object() for everything it accepts. */
#include "config.h"

#include <string.h>

#include "kouan-json.h"
#include "kouan-json-decode.h"

static const char *valid[] = {
  "{}",
  " \t\r\n{ } \n",
  "{\"a\":1}",
  "{\"a\": -0, \"b\": 0, \"c\": 12345678901234, \"d\": -9223372036854775808,"
  " \"e\": 9223372036854775807}",
  "{\"f\": 1.5, \"g\": -0.25e3, \"h\": 1E-2, \"i\": 2e+10, \"j\": 0.0}",
  "{\"t\": true, \"f\": false, \"n\": null, \"a\": [], \"o\": {}}",
  "{\"nested\": {\"a\": [1, [2, [3, {\"b\": [null]}]]]}}",
  "{\"s\": \"plain\", \"e\": \"\\\" \\\\ \\/ \\b \\f \\n \\r \\t\", \"u\": \"\\u4e2d\\u6587\"}",
  "{\"cjk\": \"通知：报关单已放行\", \"emoji\": \"\\ud83d\\ude00 😀\"}",
  "{\"\\u0041\": \"escaped name\", \"A \": 1}",
  "{\"changes\": [{\"seq\": 7, \"collection\": \"messages\", \"id\": 3, \"op\": \"upsert\","
  " \"record\": {\"id\": 3, \"title\": \"关税\", \"read\": false, \"severity\": null}}],"
  " \"cursor\": 7, \"more\": true, \"remaining\": {\"messages\": 12}}",
};

/* Every one of these is refused by RFC 8259 (or by Kouan's stated limits:
 * \u0000, lone surrogates, duplicate names, integers beyond gint64). */
static const char *invalid[] = {
  "",
  "   ",
  "{",
  "}",
  "{\"a\":1",
  "{\"a\":1}}",
  "{\"a\":1} x",
  "{\"a\":1,}",
  "{\"a\" 1}",
  "{a: 1}",
  "{'a': 1}",
  "{\"a\": 'x'}",
  "{\"a\": [1,]}",
  "{\"a\": [,1]}",
  "{\"a\": 01}",
  "{\"a\": +1}",
  "{\"a\": .5}",
  "{\"a\": 1.}",
  "{\"a\": 1e}",
  "{\"a\": 1e+}",
  "{\"a\": -}",
  "{\"a\": 0x10}",
  "{\"a\": NaN}",
  "{\"a\": Infinity}",
  "{\"a\": tru}",
  "{\"a\": True}",
  "{\"a\": nul}",
  "{\"a\": undefined}",
  "{\"a\": \"tab\there\"}",
  "{\"a\": \"new\nline\"}",
  "{\"a\": \"\\x41\"}",
  "{\"a\": \"\\u12\"}",
  "{\"a\": \"\\u12G4\"}",
  "{\"a\": \"\\'\"}",
  "{\"a\": \"unterminated}",
  "{\"a\": \"\\u0000\"}",
  "{\"a\": \"\\ud800\"}",
  "{\"a\": \"\\udc00\"}",
  "{\"a\": \"\\ud800\\u0041\"}",
  "{\"a\": \"\xff\"}",
  "{\"a\": \"\xc3\"}",
  "{\"a\": \"\xed\xa0\x80\"}",
  "\xef\xbb\xbf{}",
  "{\"a\": 1 /* comment */}",
  "// comment\n{}",
  "{\"a\": 1, \"a\": 2}",
  "{\"a\": 9223372036854775808}",
  "{\"a\": -9223372036854775809}",
  "{\"a\":\v1}",
  "{\"a\":\f1}",
  "{\"a\": 1}\0",
};

static char *
serialize (JsonObject *object)
{
  return kouan_json_object_to_string (object);
}

static void
test_valid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) mine = kouan_json_decode_object (valid[i], strlen (valid[i]), &error);
      g_autoptr(JsonObject) reference = NULL;
      g_autofree char *a = NULL;
      g_autofree char *b = NULL;

      g_test_message ("%s", valid[i]);
      g_assert_no_error (error);
      g_assert_nonnull (mine);
      reference = kouan_json_parse_object (valid[i], -1, &error);
      g_assert_no_error (error);
      a = serialize (mine);
      b = serialize (reference);
      g_assert_cmpstr (a, ==, b);
    }
}

static void
test_types (void)
{
  const char *text = "{\"i\": 42, \"d\": 4.5, \"e\": 1e2, \"b\": true, \"s\": \"x\", \"n\": null}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = kouan_json_decode_object (text, strlen (text), &error);
  gint64 i = 0;
  gboolean b = FALSE;
  const char *s = NULL;

  g_assert_no_error (error);
  /* the strict getters see the types they expect */
  g_assert_true (kouan_json_get_int (object, "i", &i, &error));
  g_assert_cmpint (i, ==, 42);
  g_assert_false (kouan_json_get_int (object, "d", &i, &error));
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_TYPE);
  g_clear_error (&error);
  g_assert_false (kouan_json_get_int (object, "e", &i, &error));
  g_clear_error (&error);
  g_assert_cmpfloat (json_object_get_double_member (object, "d"), ==, 4.5);
  g_assert_true (kouan_json_get_bool (object, "b", &b, &error));
  g_assert_true (b);
  g_assert_true (kouan_json_get_string (object, "s", &s, &error));
  g_assert_cmpstr (s, ==, "x");
  g_assert_true (kouan_json_get_opt_string (object, "n", &s, &error));
  g_assert_null (s);
}

static void
test_invalid (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      /* the last entry carries its NUL byte */
      gsize length = i == G_N_ELEMENTS (invalid) - 1 ? strlen (invalid[i]) + 1 : strlen (invalid[i]);
      g_autoptr(JsonObject) object = kouan_json_decode_object (invalid[i], length, &error);

      g_autofree char *shown = g_strescape (invalid[i], NULL);

      g_test_message ("refuses: %s", shown);
      g_assert_null (object);
      g_assert_nonnull (error);
      g_assert_true (error->domain == KOUAN_JSON_ERROR);
    }
}

static void
test_not_object (void)
{
  const char *texts[] = { "[1]", "1", "\"s\"", "null", "true" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) object = kouan_json_decode_object (texts[i], strlen (texts[i]), &error);

      g_assert_null (object);
      g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_NOT_OBJECT);
    }
}

static void
test_depth (void)
{
  g_autoptr(GString) deep = g_string_new ("{\"a\":");
  g_autoptr(GString) fine = g_string_new ("{\"a\":");
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) object = NULL;

  for (int i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  object = kouan_json_decode_object (deep->str, deep->len, &error);
  g_assert_null (object);
  g_assert_error (error, KOUAN_JSON_ERROR, KOUAN_JSON_ERROR_SYNTAX);
  g_clear_error (&error);

  for (int i = 0; i < 62; i++)
    g_string_append_c (fine, '[');
  for (int i = 0; i < 62; i++)
    g_string_append_c (fine, ']');
  g_string_append_c (fine, '}');
  object = kouan_json_decode_object (fine->str, fine->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (object);
}

/* Random damage to valid documents: whatever the reader still accepts,
 * json-glib accepts too and reads the same. (json-glib is laxer —
 * comments, for one — so the converse does not hold.) */
static void
test_mutations (void)
{
  static const char alphabet[] = "{}[]:,\"\\/ \t\n0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9\xe4";
  guint accepted = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const char *base = valid[g_test_rand_int_range (0, G_N_ELEMENTS (valid))];
      g_autoptr(GString) text = g_string_new (base);
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) mine = NULL;
      guint edits = g_test_rand_int_range (1, 4);

      for (guint e = 0; e < edits && text->len > 0; e++)
        {
          gsize at = g_test_rand_int_range (0, text->len);
          char c = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];

          switch (g_test_rand_int_range (0, 3))
            {
            case 0: g_string_erase (text, at, 1); break;
            case 1: g_string_insert_c (text, at, c); break;
            default: text->str[at] = c; break;
            }
        }

      mine = kouan_json_decode_object (text->str, text->len, &error);
      if (mine != NULL)
        {
          g_autoptr(JsonObject) reference = kouan_json_parse_object (text->str, text->len, NULL);
          g_autofree char *a = serialize (mine);
          g_autofree char *b = NULL;

          if (reference == NULL)
            g_error ("accepted what json-glib refuses: %s", text->str);
          b = serialize (reference);
          g_assert_cmpstr (a, ==, b);
          accepted++;
        }
      else
        g_assert_true (error != NULL && error->domain == KOUAN_JSON_ERROR);
    }
  g_test_message ("%u of 20000 damaged documents were still valid JSON", accepted);
  g_assert_cmpuint (accepted, >, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json-decode/valid", test_valid);
  g_test_add_func ("/json-decode/types", test_types);
  g_test_add_func ("/json-decode/invalid", test_invalid);
  g_test_add_func ("/json-decode/not-object", test_not_object);
  g_test_add_func ("/json-decode/depth", test_depth);
  g_test_add_func ("/json-decode/mutations", test_mutations);

  return g_test_run ();
}

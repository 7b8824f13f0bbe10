/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The field rules of the enterprise settings (kouan-settings.h), shared by
 * the server and the app, and the image header checks (kouan-image.h). */

#include <string.h>

#include "kouan-image.h"
#include "kouan-json.h"
#include "kouan-settings.h"

static void
test_taxpayer_number (void)
{
  g_assert_true (kouan_taxpayer_number_is_valid ("310115123456789"));        /* 15 */
  g_assert_true (kouan_taxpayer_number_is_valid ("91310115MA1K3Y8P2E"));     /* 18, check ok */
  g_assert_true (kouan_taxpayer_number_is_valid ("31011512345678900ABC"));   /* 20 */
  g_assert_false (kouan_taxpayer_number_is_valid ("91310115MA1K3Y8P2F"));    /* check wrong */
  g_assert_false (kouan_taxpayer_number_is_valid ("3101151234567"));         /* 13 */
  g_assert_false (kouan_taxpayer_number_is_valid ("3101151234567890"));      /* 16 */
  g_assert_false (kouan_taxpayer_number_is_valid ("31011512345678a"));       /* lowercase */
  g_assert_false (kouan_taxpayer_number_is_valid ("310115-23456789"));
  g_assert_false (kouan_taxpayer_number_is_valid (""));
  g_assert_false (kouan_taxpayer_number_is_valid (NULL));
}

static void
test_bank_account (void)
{
  g_assert_true (kouan_bank_account_is_valid ("12345678"));
  g_assert_true (kouan_bank_account_is_valid ("123456789012345678901234567890"));
  g_assert_false (kouan_bank_account_is_valid ("1234567"));
  g_assert_false (kouan_bank_account_is_valid ("1234567890123456789012345678901"));
  g_assert_false (kouan_bank_account_is_valid ("6222 0210 0101"));
  g_assert_false (kouan_bank_account_is_valid ("62220210010A"));
}

static void
test_customs_code (void)
{
  g_assert_true (kouan_customs_code_is_valid ("3122960ABC"));
  g_assert_true (kouan_customs_code_is_valid ("3122960001"));
  g_assert_false (kouan_customs_code_is_valid ("312296000"));
  g_assert_false (kouan_customs_code_is_valid ("31229600011"));
  g_assert_false (kouan_customs_code_is_valid ("A122960001"));
  g_assert_false (kouan_customs_code_is_valid ("3122960abc"));
}

static void
test_web_url (void)
{
  g_assert_true (kouan_web_url_is_valid ("https://www.customs.gov.cn"));
  g_assert_true (kouan_web_url_is_valid ("http://shanghai.customs.gov.cn/path?q=1#x"));
  g_assert_true (kouan_web_url_is_valid ("HTTPS://example.com:8443/"));
  g_assert_false (kouan_web_url_is_valid ("ftp://example.com/"));
  g_assert_false (kouan_web_url_is_valid ("javascript:alert(1)"));
  g_assert_false (kouan_web_url_is_valid ("www.customs.gov.cn"));
  g_assert_false (kouan_web_url_is_valid ("https://"));
  g_assert_false (kouan_web_url_is_valid ("https://exa mple.com/"));
  g_assert_false (kouan_web_url_is_valid ("file:///etc/passwd"));
  g_assert_false (kouan_web_url_is_valid (""));
}

static void
test_phone_and_time (void)
{
  g_assert_true (kouan_phone_is_valid ("021-58816620"));
  g_assert_true (kouan_phone_is_valid ("+86 138 0000 0000"));
  g_assert_false (kouan_phone_is_valid ("1234"));
  g_assert_false (kouan_phone_is_valid ("021-5881662O"));
  g_assert_true (kouan_clock_time_is_valid ("00:00"));
  g_assert_true (kouan_clock_time_is_valid ("23:59"));
  g_assert_false (kouan_clock_time_is_valid ("24:00"));
  g_assert_false (kouan_clock_time_is_valid ("8:30"));
  g_assert_false (kouan_clock_time_is_valid ("08:60"));
}

static void
check_refused (const char         *collection,
               const char         *op,
               const char         *json,
               const char         *field,
               KouanSettingsError  code)
{
  g_autoptr(JsonObject) fields = kouan_json_parse_object (json, -1, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;

  g_assert_nonnull (fields);
  g_assert_false (kouan_settings_check_fields (collection, op, fields, &bad, &error));
  g_assert_error (error, KOUAN_SETTINGS_ERROR, (int) code);
  g_assert_cmpstr (bad, ==, field);
}

static void
check_accepted (const char *collection,
                const char *op,
                const char *json)
{
  g_autoptr(JsonObject) fields = kouan_json_parse_object (json, -1, NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (kouan_settings_check_fields (collection, op, fields, NULL, &error));
  g_assert_no_error (error);
}

static void
test_fields (void)
{
  const char *es = KOUAN_COLLECTION_ENTERPRISE_SETTINGS;

  check_accepted (es, "update", "{\"name\": \"上海浦江\", \"taxpayer_number\": \"\", \"logo_image\": null}");
  check_refused (es, "update", "{\"credit_code\": \"91310115MA1K3Y8P2F\"}", "credit_code",
                 KOUAN_SETTINGS_ERROR_CHECK_CHARACTER);
  check_refused (es, "update", "{\"credit_code\": \"9131\"}", "credit_code", KOUAN_SETTINGS_ERROR_FORMAT);
  check_refused (es, "update", "{\"name\": \"  \"}", "name", KOUAN_SETTINGS_ERROR_REQUIRED);
  check_refused (es, "update", "{\"name\": \" 浦江\"}", "name", KOUAN_SETTINGS_ERROR_FORMAT);
  check_refused (es, "update", "{\"bank_account\": 123456789}", "bank_account", KOUAN_SETTINGS_ERROR_TYPE);
  check_refused (es, "update", "{\"certified\": true}", "certified", KOUAN_SETTINGS_ERROR_UNKNOWN_FIELD);
  check_refused (es, "update", "{\"logo_image\": 0}", "logo_image", KOUAN_SETTINGS_ERROR_FORMAT);
  check_refused (KOUAN_COLLECTION_BUSINESS_SETTINGS, "update", "{\"aircraft_time\": \"25:00\"}",
                 "aircraft_time", KOUAN_SETTINGS_ERROR_FORMAT);
  check_refused (KOUAN_COLLECTION_SHOWCASE_SLIDES, "create", "{\"caption\": \"新仓库\"}",
                 "image", KOUAN_SETTINGS_ERROR_REQUIRED);
  check_refused (KOUAN_COLLECTION_SHOWCASE_LINKS, "create",
                 "{\"title\": \"海关\", \"url\": \"ftp://x.cn\"}", "url", KOUAN_SETTINGS_ERROR_FORMAT);
  check_accepted (KOUAN_COLLECTION_SHOWCASE_LINKS, "create",
                  "{\"title\": \"海关总署\", \"url\": \"http://www.customs.gov.cn\"}");
  check_accepted (KOUAN_COLLECTION_SHOWCASE_SLIDES, "delete", "{}");
  g_assert_cmpstr (kouan_settings_error_reason (KOUAN_SETTINGS_ERROR_DISABLED), ==, "disabled");
}

/* images */

static GByteArray *
png_header (guint32 width,
            guint32 height)
{
  static const guint8 head[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13,
                                 'I', 'H', 'D', 'R' };
  GByteArray *png = g_byte_array_new ();
  guint8 rest[13 + 4] = { 0 };

  for (guint i = 0; i < 4; i++)
    {
      rest[i] = (width >> (24 - 8 * i)) & 0xff;
      rest[4 + i] = (height >> (24 - 8 * i)) & 0xff;
    }
  rest[8] = 8;
  rest[9] = 2;
  g_byte_array_append (png, head, sizeof head);
  g_byte_array_append (png, rest, sizeof rest);
  return png;
}

static void
test_image_png (void)
{
  g_autoptr(GByteArray) ok = png_header (640, 480);
  g_autoptr(GByteArray) wide = png_header (4097, 10);
  g_autoptr(GByteArray) empty = png_header (0, 10);
  g_autoptr(GError) error = NULL;
  KouanImageInfo info;

  g_assert_true (kouan_image_check (ok->data, ok->len, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.type, ==, KOUAN_IMAGE_TYPE_PNG);
  g_assert_cmpuint (info.width, ==, 640);
  g_assert_cmpuint (info.height, ==, 480);

  g_assert_false (kouan_image_check (wide->data, wide->len, &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS);
  g_clear_error (&error);
  g_assert_false (kouan_image_check (empty->data, empty->len, &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS);
  g_clear_error (&error);

  /* the pixel budget: each side allowed, the canvas too big to decode */
  {
    g_autoptr(GByteArray) square = png_header (4096, 4096);
    g_autoptr(GByteArray) banner = png_header (4096, 1024);

    g_assert_false (kouan_image_check (square->data, square->len, &info, &error));
    g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_DIMENSIONS);
    g_clear_error (&error);
    g_assert_true (kouan_image_check (banner->data, banner->len, &info, &error));
    g_assert_no_error (error);
  }

  /* every truncation of the header is refused, never read past */
  for (guint n = 0; n < 8 + 8 + 13; n++)
    {
      g_autofree guint8 *copy = g_memdup2 (ok->data, n);

      g_assert_false (kouan_image_probe (copy, n, &info, &error));
      g_assert_nonnull (error);
      g_clear_error (&error);
    }
}

static void
test_image_jpeg (void)
{
  /* SOI, APP0 (length 16), SOF0 (length 17: precision, height 300, width 400) */
  static const guint8 jpeg[] = {
    0xff, 0xd8,
    0xff, 0xe0, 0x00, 0x10, 'J', 'F', 'I', 'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    0xff, 0xc0, 0x00, 0x11, 8, 0x01, 0x2c, 0x01, 0x90, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
  };
  static const guint8 gif[] = { 'G', 'I', 'F', '8', '9', 'a', 1, 0, 1, 0 };
  g_autoptr(GError) error = NULL;
  KouanImageInfo info;
  g_autofree guint8 *bad = g_memdup2 (jpeg, sizeof jpeg);

  g_assert_true (kouan_image_check (jpeg, sizeof jpeg, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpint (info.type, ==, KOUAN_IMAGE_TYPE_JPEG);
  g_assert_cmpuint (info.width, ==, 400);
  g_assert_cmpuint (info.height, ==, 300);

  for (gsize n = 0; n < sizeof jpeg - 6; n++)
    {
      g_assert_false (kouan_image_probe (jpeg, n, &info, &error));
      g_clear_error (&error);
    }

  /* a segment length running past the end */
  bad[5] = 0xff;
  g_assert_false (kouan_image_probe (bad, sizeof jpeg, &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_MALFORMED);
  g_clear_error (&error);

  g_assert_false (kouan_image_check (gif, sizeof gif, &info, &error));
  g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TYPE);
  g_clear_error (&error);

  {
    g_autofree guint8 *huge = g_malloc0 (KOUAN_IMAGE_MAX_BYTES + 1);

    memcpy (huge, jpeg, sizeof jpeg);
    g_assert_false (kouan_image_check (huge, KOUAN_IMAGE_MAX_BYTES + 1, &info, &error));
    g_assert_error (error, KOUAN_IMAGE_ERROR, KOUAN_IMAGE_ERROR_TOO_LARGE);
  }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/settings/taxpayer-number", test_taxpayer_number);
  g_test_add_func ("/settings/bank-account", test_bank_account);
  g_test_add_func ("/settings/customs-code", test_customs_code);
  g_test_add_func ("/settings/web-url", test_web_url);
  g_test_add_func ("/settings/phone-and-time", test_phone_and_time);
  g_test_add_func ("/settings/fields", test_fields);
  g_test_add_func ("/image/png", test_image_png);
  g_test_add_func ("/image/jpeg", test_image_jpeg);

  return g_test_run ();
}

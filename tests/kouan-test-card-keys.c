/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-test-card-keys.h"

char *
kouan_test_card_fixture_path (const char *name)
{
  return g_build_filename (CARD_FIXTURES_DIR, name, NULL);
}

GBytes *
kouan_test_card_load_file (const char *name)
{
  g_autofree char *path = kouan_test_card_fixture_path (name);
  g_autoptr(GError) error = NULL;
  char *contents;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

GBytes *
kouan_test_card_load_certificate (const char *name)
{
  g_autoptr(GBytes) pem = kouan_test_card_load_file (name);
  gnutls_datum_t datum, der = { NULL, 0 };
  gnutls_x509_crt_t crt;
  GBytes *bytes;
  gsize size;

  datum.data = (unsigned char *) g_bytes_get_data (pem, &size);
  datum.size = (unsigned int) size;
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  return bytes;
}

/* Signs like the card does, with a fixture key. */
GBytes *
kouan_test_card_sign (const char *key_name,
                      GBytes     *challenge)
{
  g_autoptr(GBytes) pem = kouan_test_card_load_file (key_name);
  g_autoptr(GBytes) message = kouan_card_signed_message_new (challenge);
  gnutls_datum_t key_datum, data, sig = { NULL, 0 };
  gnutls_privkey_t key;
  GBytes *bytes;
  gsize size;

  key_datum.data = (unsigned char *) g_bytes_get_data (pem, &size);
  key_datum.size = (unsigned int) size;
  data.data = (unsigned char *) g_bytes_get_data (message, &size);
  data.size = (unsigned int) size;
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_privkey_import_x509_raw (key, &key_datum, GNUTLS_X509_FMT_PEM,
                                                   NULL, 0), ==, 0);
  g_assert_cmpint (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig), ==, 0);
  bytes = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  gnutls_privkey_deinit (key);
  return bytes;
}

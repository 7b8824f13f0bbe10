/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-sm2.h"
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
kouan_test_card_pem_to_der (GBytes *pem)
{
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

GBytes *
kouan_test_card_load_certificate (const char *name)
{
  g_autoptr(GBytes) pem = kouan_test_card_load_file (name);

  return kouan_test_card_pem_to_der (pem);
}

GBytes *
kouan_test_card_sign_with_key (GBytes *key_pem,
                               GBytes *challenge)
{
  g_autoptr(GBytes) message = kouan_card_signed_message_new (challenge);
  gnutls_datum_t key_datum, data, sig = { NULL, 0 };
  gnutls_privkey_t key;
  GBytes *bytes;
  gsize size;

  key_datum.data = (unsigned char *) g_bytes_get_data (key_pem, &size);
  key_datum.size = (unsigned int) size;
  data.data = (unsigned char *) g_bytes_get_data (message, &size);
  data.size = (unsigned int) size;
  g_assert_cmpint (gnutls_privkey_init (&key), ==, 0);
  if (gnutls_privkey_import_x509_raw (key, &key_datum, GNUTLS_X509_FMT_PEM, NULL, 0) != 0)
    {
      /* GnuTLS reads no SM2 key: sign as an SM2 card does. */
      gnutls_datum_t der = { NULL, 0 };
      guint8 d[KOUAN_SM2_SCALAR_SIZE], point[KOUAN_SM2_POINT_SIZE];

      gnutls_privkey_deinit (key);
      g_assert_cmpint (gnutls_pem_base64_decode2 ("PRIVATE KEY", &key_datum, &der), ==, 0);
      g_assert_true (kouan_sm2_private_key_parse (der.data, der.size, d, point));
      gnutls_free (der.data);
      bytes = kouan_sm2_sign (d, point, (const guint8 *) KOUAN_SM2_DEFAULT_ID,
                              strlen (KOUAN_SM2_DEFAULT_ID), data.data, data.size);
      g_assert_nonnull (bytes);
      return bytes;
    }
  g_assert_cmpint (gnutls_privkey_sign_data (key, GNUTLS_DIG_SHA256, 0, &data, &sig), ==, 0);
  bytes = g_bytes_new (sig.data, sig.size);
  gnutls_free (sig.data);
  gnutls_privkey_deinit (key);
  return bytes;
}

/* Signs like the card does, with a fixture key. */
GBytes *
kouan_test_card_sign (const char *key_name,
                      GBytes     *challenge)
{
  g_autoptr(GBytes) pem = kouan_test_card_load_file (key_name);

  return kouan_test_card_sign_with_key (pem, challenge);
}

static GBytes *
export_key (gnutls_x509_privkey_t key)
{
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_x509_privkey_export2 (key, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return bytes;
}

GBytes *
kouan_test_card_issue (const char  *ca_cert_name,
                       const char  *ca_key_name,
                       const char  *holder,
                       gint64       not_after,
                       GBytes     **out_key_pem)
{
  g_autoptr(GBytes) ca_pem = kouan_test_card_load_file (ca_cert_name);
  g_autoptr(GBytes) ca_key_pem = kouan_test_card_load_file (ca_key_name);
  gnutls_x509_crt_t ca, crt;
  gnutls_x509_privkey_t ca_key, key;
  gnutls_datum_t datum, out = { NULL, 0 };
  guint8 serial[8];
  GBytes *bytes;
  gsize size;

  datum.data = (unsigned char *) g_bytes_get_data (ca_pem, &size);
  datum.size = (unsigned int) size;
  g_assert_cmpint (gnutls_x509_crt_init (&ca), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_import (ca, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
  datum.data = (unsigned char *) g_bytes_get_data (ca_key_pem, &size);
  datum.size = (unsigned int) size;
  g_assert_cmpint (gnutls_x509_privkey_init (&ca_key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_import (ca_key, &datum, GNUTLS_X509_FMT_PEM), ==, 0);

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                  "Kouan Test", 10), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                  holder, strlen (holder)), ==, 0);
  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial), ==, 0);
  serial[0] = (serial[0] & 0x7f) | 0x10;   /* positive, eight bytes */
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, (time_t) (not_after - 365 * 24 * 3600)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, ca, ca_key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  *out_key_pem = export_key (key);

  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  gnutls_x509_privkey_deinit (ca_key);
  gnutls_x509_crt_deinit (ca);
  return bytes;
}

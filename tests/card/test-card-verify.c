/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The server-side checks of a card login (kouan-card-verify.c) and the
 * certificate helpers, with the PEM fixtures of tests/card/.  No pcscd. */

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-test-card-keys.h"

/* 2030-06-01, inside the fixtures' 2024–2045 validity. */
#define NOW_2030 G_GINT64_CONSTANT (1906502400)

static GBytes *
random_challenge (void)
{
  guint8 data[32];

  g_assert_cmpint (gnutls_rnd (GNUTLS_RND_NONCE, data, sizeof data), ==, 0);
  return g_bytes_new (data, sizeof data);
}

static void
test_signed_message (void)
{
  const guint8 challenge_data[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
  g_autoptr(GBytes) challenge = g_bytes_new (challenge_data, sizeof challenge_data);
  g_autoptr(GBytes) message = kouan_card_signed_message_new (challenge);
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  g_assert_cmpuint (size, ==, 19 + 16);
  g_assert_cmpmem (data, 19, "kouan-card-login-v1", 19);
  g_assert_cmpmem (data + 19, 16, challenge_data, 16);
}

static void
test_holder_name_and_fingerprint (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) garbage = g_bytes_new_static ("\x30\x03\x01\x02\x03", 5);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = kouan_card_certificate_get_holder_name (der, &error);
  g_autofree char *fingerprint = kouan_card_certificate_get_fingerprint (der);
  g_autofree char *none = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "测试持卡人");
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_cmpuint (strspn (fingerprint, "0123456789abcdef"), ==, 64);

  none = kouan_card_certificate_get_holder_name (garbage, &error);
  g_assert_null (none);
  g_assert_error (error, KOUAN_CARD_ERROR, KOUAN_CARD_ERROR_PROTOCOL);
}

static void
test_good_login (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) ca = kouan_test_card_load_file ("card-ca.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) signature = kouan_test_card_sign ("holder-key.pem", challenge);
  g_autoptr(GError) error = NULL;

  g_assert_true (kouan_card_verify_signature (der, challenge, signature, &error));
  g_assert_no_error (error);
  g_assert_true (kouan_card_verify_certificate (der, ca, NOW_2030, &error));
  g_assert_no_error (error);
}

static void
test_tampered (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) other_challenge = random_challenge ();
  g_autoptr(GBytes) signature = kouan_test_card_sign ("holder-key.pem", challenge);
  g_autoptr(GBytes) foreign_signature = kouan_test_card_sign ("other-key.pem", challenge);
  g_autoptr(GBytes) flipped = NULL;
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x30\x06\x02\x01\x01\x02\x01\x01", 8);
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *copy = NULL;
  gsize size;

  /* A flipped bit in the signature. */
  size = g_bytes_get_size (signature);
  copy = g_memdup2 (g_bytes_get_data (signature, NULL), size);
  copy[size - 3] ^= 0x01;
  flipped = g_bytes_new (copy, size);
  g_assert_false (kouan_card_verify_signature (der, challenge, flipped, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* The signature of another challenge (a replay against a new nonce). */
  g_assert_false (kouan_card_verify_signature (der, other_challenge, signature, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  /* Another card's key with this certificate. */
  g_assert_false (kouan_card_verify_signature (der, challenge, foreign_signature, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
  g_clear_error (&error);

  g_assert_false (kouan_card_verify_signature (der, challenge, junk, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
}

static void
test_validity (void)
{
  g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) expired = kouan_test_card_load_certificate ("expired.pem");
  g_autoptr(GBytes) ca = kouan_test_card_load_file ("card-ca.pem");
  g_autoptr(GError) error = NULL;

  g_assert_false (kouan_card_verify_certificate (expired, ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED);
  g_clear_error (&error);

  /* Before 2024 and after 2045. */
  g_assert_false (kouan_card_verify_certificate (holder, ca, G_GINT64_CONSTANT (1600000000), &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_false (kouan_card_verify_certificate (holder, ca, G_GINT64_CONSTANT (2400000000), &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED);
}

static void
test_other_ca (void)
{
  g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) other = kouan_test_card_load_certificate ("other.pem");
  g_autoptr(GBytes) ca = kouan_test_card_load_file ("card-ca.pem");
  g_autoptr(GBytes) other_ca = kouan_test_card_load_file ("other-ca.pem");
  g_autoptr(GBytes) not_pem = g_bytes_new_static ("not a certificate", 17);
  g_autoptr(GError) error = NULL;

  g_assert_false (kouan_card_verify_certificate (other, ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);

  g_assert_false (kouan_card_verify_certificate (holder, other_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);

  g_assert_false (kouan_card_verify_certificate (holder, not_pem, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);

  /* A CA file with both CAs trusts both. */
  {
    g_autoptr(GByteArray) both = g_byte_array_new ();
    g_autoptr(GBytes) both_bytes = NULL;
    gsize size;
    const guint8 *data;

    data = g_bytes_get_data (ca, &size);
    g_byte_array_append (both, data, (guint) size);
    data = g_bytes_get_data (other_ca, &size);
    g_byte_array_append (both, data, (guint) size);
    both_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&both));
    g_assert_true (kouan_card_verify_certificate (other, both_bytes, NOW_2030, &error));
    g_assert_no_error (error);
  }
}

static void
test_malformed_certificate (void)
{
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x30\x82\xff\xff", 4);
  g_autoptr(GBytes) ca = kouan_test_card_load_file ("card-ca.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GError) error = NULL;

  g_assert_false (kouan_card_verify_certificate (junk, ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_false (kouan_card_verify_signature (junk, challenge, junk, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/card-verify/signed-message", test_signed_message);
  g_test_add_func ("/card-verify/holder-name-fingerprint", test_holder_name_and_fingerprint);
  g_test_add_func ("/card-verify/good-login", test_good_login);
  g_test_add_func ("/card-verify/tampered", test_tampered);
  g_test_add_func ("/card-verify/validity", test_validity);
  g_test_add_func ("/card-verify/other-ca", test_other_ca);
  g_test_add_func ("/card-verify/malformed-certificate", test_malformed_certificate);

  return g_test_run ();
}

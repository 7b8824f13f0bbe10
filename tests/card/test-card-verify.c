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
#include "kouan-sm2.h"
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
assert_bad_signature (GBytes *der,
                      GBytes *challenge,
                      GBytes *signature)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (kouan_card_verify_signature (der, challenge, signature, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE);
}

/* What every card's certificate @cert must refuse, whatever its
 * algorithm: its own key's signature with a flipped bit, that signature
 * for another challenge (a replay against a new nonce), and another
 * card's key (@other_key) signing the right challenge. */
static void
assert_tampered_refused (const char *cert,
                         const char *key,
                         const char *other_key)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate (cert);
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) other_challenge = random_challenge ();
  g_autoptr(GBytes) signature = kouan_test_card_sign (key, challenge);
  g_autoptr(GBytes) foreign_signature = kouan_test_card_sign (other_key, challenge);
  g_autoptr(GBytes) flipped = NULL;
  g_autofree guint8 *copy = NULL;
  gsize size;

  size = g_bytes_get_size (signature);
  copy = g_memdup2 (g_bytes_get_data (signature, NULL), size);
  copy[size - 3] ^= 0x01;
  flipped = g_bytes_new (copy, size);
  assert_bad_signature (der, challenge, flipped);
  assert_bad_signature (der, other_challenge, signature);
  assert_bad_signature (der, challenge, foreign_signature);
}

static void
test_tampered (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x30\x06\x02\x01\x01\x02\x01\x01", 8);

  assert_tampered_refused ("holder.pem", "holder-key.pem", "other-key.pem");
  assert_bad_signature (der, challenge, junk);
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

/* ---- SM2 cards (SM2 over SM3, default user ID) ------------------------- */

static void
test_sm2_login (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("sm2-holder.pem");
  g_autoptr(GBytes) sm2_ca = kouan_test_card_load_file ("sm2-ca.pem");
  g_autoptr(GBytes) both = kouan_test_card_load_file ("card-cas.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) signature = kouan_test_card_sign ("sm2-holder-key.pem", challenge);
  g_autoptr(GError) error = NULL;
  g_autofree char *name = kouan_card_certificate_get_holder_name (der, &error);
  g_autofree char *serial = NULL;
  gint64 not_after = 0;
  KouanCertInfo info;

  /* GnuTLS reads the names, the serial and the dates of an SM2
   * certificate; the key comes from Kouan's DER reader. */
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "国密持卡人");
  g_assert_true (kouan_card_certificate_get_serial_and_expiry (der, &serial, &not_after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (not_after, ==, 2366841600);   /* 2045-01-01 */
  g_assert_true (kouan_cert_info_parse (g_bytes_get_data (der, NULL), g_bytes_get_size (der), &info));
  g_assert_cmpint (info.key_type, ==, KOUAN_CERT_KEY_SM2);
  g_assert_true (info.signed_sm2_sm3);

  g_assert_true (kouan_card_verify_signature (der, challenge, signature, &error));
  g_assert_no_error (error);
  g_assert_true (kouan_card_verify_certificate (der, sm2_ca, NOW_2030, &error));
  g_assert_no_error (error);
  /* a CA file with the ECDSA and the SM2 CA trusts the cards of both */
  g_assert_true (kouan_card_verify_certificate (der, both, NOW_2030, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("holder.pem");

    g_assert_true (kouan_card_verify_certificate (holder, both, NOW_2030, &error));
    g_assert_no_error (error);
  }
}

static void
test_sm2_tampered (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("sm2-holder.pem");
  g_autoptr(GBytes) ecdsa_der = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) challenge = random_challenge ();
  g_autoptr(GBytes) signature = kouan_test_card_sign ("sm2-holder-key.pem", challenge);
  g_autoptr(GBytes) ecdsa_signature = kouan_test_card_sign ("holder-key.pem", challenge);

  assert_tampered_refused ("sm2-holder.pem", "sm2-holder-key.pem", "sm2-other-key.pem");
  /* The algorithm follows the key: an ECDSA signature does not pass for
   * an SM2 certificate, nor an SM2 signature for an ECDSA one. */
  assert_bad_signature (der, challenge, ecdsa_signature);
  assert_bad_signature (ecdsa_der, challenge, signature);
}

static void
test_sm2_chain (void)
{
  g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("sm2-holder.pem");
  g_autoptr(GBytes) expired = kouan_test_card_load_certificate ("sm2-expired.pem");
  g_autoptr(GBytes) other = kouan_test_card_load_certificate ("sm2-other.pem");
  g_autoptr(GBytes) sm2_ca = kouan_test_card_load_file ("sm2-ca.pem");
  g_autoptr(GBytes) sm2_other_ca = kouan_test_card_load_file ("sm2-other-ca.pem");
  g_autoptr(GBytes) ecdsa_ca = kouan_test_card_load_file ("card-ca.pem");
  g_autoptr(GBytes) ecdsa_holder = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *copy = NULL;
  g_autoptr(GBytes) forged = NULL;
  gsize size;

  /* expired */
  g_assert_false (kouan_card_verify_certificate (expired, sm2_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED);
  g_clear_error (&error);
  g_assert_false (kouan_card_verify_certificate (holder, sm2_ca, G_GINT64_CONSTANT (2400000000), &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED);
  g_clear_error (&error);

  /* another SM2 CA's card, and this CA's card against the other CA */
  g_assert_false (kouan_card_verify_certificate (other, sm2_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_false (kouan_card_verify_certificate (holder, sm2_other_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_true (kouan_card_verify_certificate (other, sm2_other_ca, NOW_2030, &error));
  g_assert_no_error (error);

  /* SM2 cards against the ECDSA CA and the other way round */
  g_assert_false (kouan_card_verify_certificate (holder, ecdsa_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);
  g_assert_false (kouan_card_verify_certificate (ecdsa_holder, sm2_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
  g_clear_error (&error);

  /* A changed byte in the signed part (the subject's key): the CA's
   * signature no longer holds. */
  copy = g_memdup2 (g_bytes_get_data (holder, NULL), g_bytes_get_size (holder));
  size = g_bytes_get_size (holder);
  {
    KouanCertInfo info;

    g_assert_true (kouan_cert_info_parse (copy, size, &info));
    copy[(info.tbs - copy) + info.tbs_length - 80] ^= 0x01;
  }
  forged = g_bytes_new (copy, size);
  g_assert_false (kouan_card_verify_certificate (forged, sm2_ca, NOW_2030, &error));
  g_assert_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED);
}

static void
test_key_algorithm (void)
{
  g_autoptr(GBytes) holder = kouan_test_card_load_certificate ("holder.pem");
  g_autoptr(GBytes) sm2 = kouan_test_card_load_certificate ("sm2-holder.pem");
  g_autoptr(GBytes) sm2_ca = kouan_test_card_load_certificate ("sm2-ca.pem");
  g_autoptr(GBytes) rsa = kouan_test_card_load_certificate ("rsa.pem");
  g_autoptr(GBytes) junk = g_bytes_new_static ("\x30\x03\x01\x02\x03", 5);

  g_assert_cmpint (kouan_card_certificate_get_key_algorithm (holder), ==, KOUAN_CARD_KEY_ECDSA_P256);
  g_assert_cmpint (kouan_card_certificate_get_key_algorithm (sm2), ==, KOUAN_CARD_KEY_SM2);
  g_assert_cmpint (kouan_card_certificate_get_key_algorithm (sm2_ca), ==, KOUAN_CARD_KEY_SM2);
  g_assert_cmpint (kouan_card_certificate_get_key_algorithm (rsa), ==, KOUAN_CARD_KEY_OTHER);
  g_assert_cmpint (kouan_card_certificate_get_key_algorithm (junk), ==, KOUAN_CARD_KEY_MALFORMED);
}

/* The strict DER reader refuses what GnuTLS might tolerate. */
static void
test_sm2_strict_der (void)
{
  g_autoptr(GBytes) der = kouan_test_card_load_certificate ("sm2-holder.pem");
  gsize size = g_bytes_get_size (der);
  g_autofree guint8 *longer = g_malloc (size + 1);
  KouanCertInfo info;

  g_assert_true (kouan_cert_info_parse (g_bytes_get_data (der, NULL), size, &info));
  /* cut short, or something after it */
  for (gsize cut = 0; cut < size; cut += 7)
    g_assert_false (kouan_cert_info_parse (g_bytes_get_data (der, NULL), cut, &info));
  memcpy (longer, g_bytes_get_data (der, NULL), size);
  longer[size] = 0;
  g_assert_false (kouan_cert_info_parse (longer, size + 1, &info));
  g_assert_false (kouan_cert_info_parse (NULL, 0, &info));
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
  g_test_add_func ("/card-verify/sm2-login", test_sm2_login);
  g_test_add_func ("/card-verify/sm2-tampered", test_sm2_tampered);
  g_test_add_func ("/card-verify/sm2-chain", test_sm2_chain);
  g_test_add_func ("/card-verify/sm2-strict-der", test_sm2_strict_der);
  g_test_add_func ("/card-verify/key-algorithm", test_key_algorithm);

  return g_test_run ();
}

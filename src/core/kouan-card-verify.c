/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Verification of a card login, as kouan-server does it: the signature with
 * the certificate's key, the certificate's validity, and its chain to the
 * card CA.  Binding the certificate to a user and the single use of the
 * challenge are the server's business. */

#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

#include "kouan-card.h"
#include "kouan-sm2.h"

G_DEFINE_QUARK (kouan-card-verify-error-quark, kouan_card_verify_error)

static gnutls_datum_t
datum_from_bytes (GBytes *bytes)
{
  gnutls_datum_t datum;
  gsize size;

  datum.data = (unsigned char *) g_bytes_get_data (bytes, &size);
  datum.size = (unsigned int) size;
  return datum;
}

static gnutls_x509_crt_t
import_certificate (GBytes  *der,
                    GError **error)
{
  gnutls_datum_t datum = datum_from_bytes (der);
  gnutls_x509_crt_t crt = NULL;
  int ret;

  ret = gnutls_x509_crt_init (&crt);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret != GNUTLS_E_SUCCESS)
    {
      if (crt != NULL)
        gnutls_x509_crt_deinit (crt);
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED,
                   "The card certificate cannot be read: %s", gnutls_strerror (ret));
      return NULL;
    }
  return crt;
}

KouanCardKeyAlgorithm
kouan_card_certificate_get_key_algorithm (GBytes *der)
{
  KouanCertInfo info;
  gnutls_x509_crt_t crt;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  unsigned int bits = 0;
  int algorithm;

  g_return_val_if_fail (der != NULL, KOUAN_CARD_KEY_MALFORMED);

  crt = import_certificate (der, NULL);
  if (crt == NULL)
    return KOUAN_CARD_KEY_MALFORMED;
  if (kouan_cert_info_parse (g_bytes_get_data (der, NULL), g_bytes_get_size (der), &info) &&
      info.key_type == KOUAN_CERT_KEY_SM2)
    {
      gnutls_x509_crt_deinit (crt);
      return KOUAN_CARD_KEY_SM2;
    }
  algorithm = gnutls_x509_crt_get_pk_algorithm (crt, &bits);
  if (algorithm == GNUTLS_PK_ECDSA)
    {
      gnutls_datum_t x = { NULL, 0 }, y = { NULL, 0 };

      if (gnutls_x509_crt_get_pk_ecc_raw (crt, &curve, &x, &y) != GNUTLS_E_SUCCESS)
        curve = GNUTLS_ECC_CURVE_INVALID;
      gnutls_free (x.data);
      gnutls_free (y.data);
    }
  gnutls_x509_crt_deinit (crt);
  return curve == GNUTLS_ECC_CURVE_SECP256R1 ? KOUAN_CARD_KEY_ECDSA_P256 : KOUAN_CARD_KEY_OTHER;
}

gboolean
kouan_card_verify_signature (GBytes  *certificate,
                             GBytes  *challenge,
                             GBytes  *signature,
                             GError **error)
{
  g_autoptr(GBytes) message = NULL;
  KouanCertInfo info;
  gnutls_x509_crt_t crt;
  gnutls_pubkey_t key = NULL;
  gnutls_datum_t data, sig;
  int ret;

  g_return_val_if_fail (certificate != NULL && challenge != NULL && signature != NULL, FALSE);

  crt = import_certificate (certificate, error);
  if (crt == NULL)
    return FALSE;

  /* The key decides the algorithm: an SM2 key signs only with SM2 over
   * SM3, a P-256 key only with ECDSA over SHA-256. */
  if (kouan_cert_info_parse (g_bytes_get_data (certificate, NULL), g_bytes_get_size (certificate),
                             &info) &&
      info.key_type == KOUAN_CERT_KEY_SM2)
    {
      gnutls_x509_crt_deinit (crt);
      message = kouan_card_signed_message_new (challenge);
      if (!kouan_sm2_verify (info.key_point,
                             (const guint8 *) KOUAN_SM2_DEFAULT_ID, strlen (KOUAN_SM2_DEFAULT_ID),
                             g_bytes_get_data (message, NULL), g_bytes_get_size (message),
                             g_bytes_get_data (signature, NULL), g_bytes_get_size (signature)))
        {
          g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE,
                       "The card signature does not match the certificate (SM2)");
          return FALSE;
        }
      return TRUE;
    }

  ret = gnutls_pubkey_init (&key);
  if (ret == GNUTLS_E_SUCCESS)
    ret = gnutls_pubkey_import_x509 (key, crt, 0);
  gnutls_x509_crt_deinit (crt);
  if (ret != GNUTLS_E_SUCCESS)
    {
      if (key != NULL)
        gnutls_pubkey_deinit (key);
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED,
                   "The card certificate has no usable key: %s", gnutls_strerror (ret));
      return FALSE;
    }

  message = kouan_card_signed_message_new (challenge);
  data = datum_from_bytes (message);
  sig = datum_from_bytes (signature);
  /* Fixing the algorithm keeps a certificate with another key type (or a
   * signature made some other way) from being accepted. */
  ret = gnutls_pubkey_verify_data2 (key, GNUTLS_SIGN_ECDSA_SHA256, 0, &data, &sig);
  gnutls_pubkey_deinit (key);
  if (ret < 0)
    {
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_BAD_SIGNATURE,
                   "The card signature does not match the certificate: %s",
                   gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

/* The chain of a certificate signed with SM2 over SM3, which GnuTLS 3.7
 * cannot check: issued directly by one of the CAs in @ca_pem, that is one
 * whose subject is the certificate's issuer, that is a CA (basic
 * constraints) allowed to sign certificates (key usage, when present),
 * and whose SM2 key verifies the signature over the TBSCertificate with the
 * default user ID.  GnuTLS still parses both certificates' structure. */
static gboolean
verify_sm2_chain (gnutls_x509_crt_t     crt,
                  const KouanCertInfo  *info,
                  GBytes               *ca_pem,
                  GError              **error)
{
  gnutls_datum_t pem = datum_from_bytes (ca_pem);
  gnutls_x509_crt_t *cas = NULL;
  unsigned int n_cas = 0;
  gboolean trusted = FALSE;
  int ret;

  ret = gnutls_x509_crt_list_import2 (&cas, &n_cas, &pem, GNUTLS_X509_FMT_PEM, 0);
  if (ret < 0 || n_cas == 0)
    {
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED,
                   "The card CA cannot be used: %s",
                   gnutls_strerror (ret < 0 ? ret : GNUTLS_E_NO_CERTIFICATE_FOUND));
      return FALSE;
    }
  for (unsigned int i = 0; i < n_cas && !trusted; i++)
    {
      gnutls_datum_t der = { NULL, 0 };
      KouanCertInfo ca_info;
      unsigned int is_ca = 0, usage = 0;

      if (!gnutls_x509_crt_check_issuer (crt, cas[i]))
        continue;
      ret = gnutls_x509_crt_get_basic_constraints (cas[i], NULL, &is_ca, NULL);
      if (ret < 0 || !is_ca)
        continue;
      ret = gnutls_x509_crt_get_key_usage (cas[i], &usage, NULL);
      if (ret == GNUTLS_E_SUCCESS ? !(usage & GNUTLS_KEY_KEY_CERT_SIGN)
                                  : ret != GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        continue;
      if (gnutls_x509_crt_export2 (cas[i], GNUTLS_X509_FMT_DER, &der) != GNUTLS_E_SUCCESS)
        continue;
      trusted = kouan_cert_info_parse (der.data, der.size, &ca_info) &&
                ca_info.key_type == KOUAN_CERT_KEY_SM2 &&
                kouan_cert_sm2_signed_by (info, ca_info.key_point);
      gnutls_free (der.data);
    }
  for (unsigned int i = 0; i < n_cas; i++)
    gnutls_x509_crt_deinit (cas[i]);
  gnutls_free (cas);

  if (!trusted)
    g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED,
                 "The card certificate was not issued by the card CA (SM2)");
  return trusted;
}

gboolean
kouan_card_verify_certificate (GBytes  *certificate,
                               GBytes  *ca_pem,
                               gint64   now,
                               GError **error)
{
  gnutls_x509_trust_list_t trust = NULL;
  KouanCertInfo info;
  gnutls_x509_crt_t crt;
  gnutls_datum_t cas;
  unsigned int status = 0;
  time_t not_before, not_after;
  int ret;

  g_return_val_if_fail (certificate != NULL && ca_pem != NULL, FALSE);

  crt = import_certificate (certificate, error);
  if (crt == NULL)
    return FALSE;

  not_before = gnutls_x509_crt_get_activation_time (crt);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  if (not_before == (time_t) -1 || not_after == (time_t) -1 ||
      now < (gint64) not_before || now > (gint64) not_after)
    {
      gnutls_x509_crt_deinit (crt);
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_EXPIRED,
                   "The card certificate is not valid at this time");
      return FALSE;
    }

  if (kouan_cert_info_parse (g_bytes_get_data (certificate, NULL), g_bytes_get_size (certificate),
                             &info) &&
      info.signed_sm2_sm3)
    {
      gboolean trusted = verify_sm2_chain (crt, &info, ca_pem, error);

      gnutls_x509_crt_deinit (crt);
      return trusted;
    }

  cas = datum_from_bytes (ca_pem);
  ret = gnutls_x509_trust_list_init (&trust, 0);
  if (ret == GNUTLS_E_SUCCESS)
    {
      ret = gnutls_x509_trust_list_add_trust_mem (trust, &cas, NULL, GNUTLS_X509_FMT_PEM, 0, 0);
      /* The call returns the number of CAs added: none is a broken file. */
      if (ret == 0)
        ret = GNUTLS_E_NO_CERTIFICATE_FOUND;
      else if (ret > 0)
        ret = GNUTLS_E_SUCCESS;
    }
  if (ret == GNUTLS_E_SUCCESS)
    /* Validity was checked above against the caller's clock. */
    ret = gnutls_x509_trust_list_verify_crt (trust, &crt, 1,
                                             GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                             GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                             &status, NULL);
  if (trust != NULL)
    gnutls_x509_trust_list_deinit (trust, 1);
  gnutls_x509_crt_deinit (crt);

  if (ret != GNUTLS_E_SUCCESS)
    {
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED,
                   "The card CA cannot be used: %s", gnutls_strerror (ret));
      return FALSE;
    }
  if (status != 0)
    {
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_UNTRUSTED,
                   "The card certificate was not issued by the card CA (status 0x%x)",
                   status);
      return FALSE;
    }
  return TRUE;
}

gboolean
kouan_card_certificate_get_serial_and_expiry (GBytes  *der,
                                              char   **out_serial,
                                              gint64  *out_not_after,
                                              GError **error)
{
  gnutls_x509_crt_t crt = import_certificate (der, error);
  guchar serial[64];
  size_t serial_size = sizeof serial;
  time_t not_after;
  GString *hex;
  int ret;

  if (crt == NULL)
    return FALSE;
  ret = gnutls_x509_crt_get_serial (crt, serial, &serial_size);
  not_after = gnutls_x509_crt_get_expiration_time (crt);
  gnutls_x509_crt_deinit (crt);
  if (ret != GNUTLS_E_SUCCESS || serial_size == 0 || not_after == (time_t) -1)
    {
      g_set_error (error, KOUAN_CARD_VERIFY_ERROR, KOUAN_CARD_VERIFY_ERROR_MALFORMED,
                   "The card certificate has no readable serial number or expiry");
      return FALSE;
    }
  hex = g_string_sized_new (serial_size * 2);
  for (size_t i = 0; i < serial_size; i++)
    g_string_append_printf (hex, "%02x", serial[i]);
  *out_serial = g_string_free (hex, FALSE);
  *out_not_after = (gint64) not_after;
  return TRUE;
}

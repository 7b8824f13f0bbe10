/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The strict DER reader of src/core/kouan-sm2.c, which reads what GnuTLS
 * cannot of an SM2 card's certificate (from the card, so from anyone):
 * the bytes as a certificate, as an SM2 private key, and as an SM2
 * signature (checked against a fixed valid key), and the certificate
 * helpers of kouan-card-verify.c that use it. */

#include <string.h>

#include "kouan-card.h"
#include "kouan-fuzz.h"
#include "kouan-sm2.h"

/* G of sm2p256v1: a valid point to verify signatures with. */
static const guint8 base_point[KOUAN_SM2_POINT_SIZE] = {
  0x04,
  0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
  0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
  0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
  0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  kouan_fuzz_setup ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* An exact-size copy, so reading one byte too far is an ASan error. */
  g_autofree guint8 *copy = g_memdup2 (data, size);
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GBytes) challenge = g_bytes_new_static ("0123456789abcdef0123456789abcdef", 32);
  KouanCertInfo info;
  guint8 d[KOUAN_SM2_SCALAR_SIZE], point[KOUAN_SM2_POINT_SIZE];

  if (kouan_cert_info_parse (copy, size, &info))
    {
      /* everything it points to lies inside the certificate */
      g_assert_true (info.tbs > copy && info.tbs + info.tbs_length <= copy + size);
      g_assert_true (info.signature > info.tbs + info.tbs_length);
      g_assert_true (info.signature + info.signature_length == copy + size);
      g_assert_cmpuint (info.signature_length, >, 0);
      if (info.key_type == KOUAN_CERT_KEY_SM2)
        {
          g_assert_cmpint (info.key_point[0], ==, 0x04);
          kouan_cert_sm2_signed_by (&info, base_point);
        }
    }
  if (kouan_sm2_private_key_parse (copy, size, d, point))
    g_assert_true (kouan_sm2_point_is_valid (point));
  /* the bytes as the signature of themselves: malformed or wrong, never a crash */
  (void) kouan_sm2_verify (base_point, (const guint8 *) "1234567812345678", 16,
                           copy, size, copy, size);

  /* what the server does with a certificate from a request */
  if (size < 4096)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) ca = g_bytes_new_static ("", 0);

      kouan_card_verify_signature (bytes, challenge, bytes, &error);
      g_clear_error (&error);
      kouan_card_verify_certificate (bytes, ca, 1906502400, &error);
    }
  return 0;
}

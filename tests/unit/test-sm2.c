/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SM3 and SM2 (src/core/kouan-sm2.c) against the published vectors:
 * GM/T 0004 (GB/T 32905) Appendix A for SM3, and the signature example of
 * GM/T 0003.5 (GB/T 32918.5) Annex A on the recommended curve, with the
 * user ID 1234567812345678, its Z and its digest e. */

#include "config.h"

#include <string.h>

#include "kouan-sm2.h"

static GBytes *
from_hex (const char *hex)
{
  gsize length = strlen (hex);
  guint8 *data = g_malloc (length / 2 + 1);

  g_assert_cmpuint (length % 2, ==, 0);
  for (gsize i = 0; i < length / 2; i++)
    data[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 |
                        g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (data, length / 2);
}

static void
assert_hex (const guint8 *data,
            gsize         length,
            const char   *hex)
{
  g_autoptr(GBytes) expected = from_hex (hex);

  g_assert_cmpmem (data, length, g_bytes_get_data (expected, NULL), g_bytes_get_size (expected));
}

/* GM/T 0003.5 Annex A: the signer's key pair and the signature of
 * "message digest". */
#define EXAMPLE_D  "3945208F7B2144B13F36E38AC6D39F95889393692860B51A42FB81EF4DF7C5B8"
#define EXAMPLE_Q  "04" \
                   "09F9DF311E5421A150DD7D161E4BC5C672179FAD1833FC076BB08FF356F35020" \
                   "CCEA490CE26775A52DC6EA718CC1AA600AED05FBF35E084A6632F6072DA9AD13"
#define EXAMPLE_Z  "B2E14C5C79C6DF5B85F4FE7ED8DB7A262B9DA7E07CCB0EA9F4747B8CCDA8A4F3"
#define EXAMPLE_E  "F0B43E94BA45ACCAACE692ED534382EB17E6AB5A19CE7B31F4486FDFC0D28640"
#define EXAMPLE_R  "F5A03B0648D2C4630EEAC513E1BB81A15944DA3827D5B74143AC7EACEEE720B3"
#define EXAMPLE_S  "B1B6AA29DF212FD8763182BC0D421CA1BB9038FD1F7F42D4840B69C485BBC1AA"
#define EXAMPLE_ID "1234567812345678"
#define EXAMPLE_M  "message digest"

/* The example's (r, s) as DER: both have the top bit set, so a 00 each. */
static GBytes *
example_signature (void)
{
  return from_hex ("3046" "022100" EXAMPLE_R "022100" EXAMPLE_S);
}

static void
test_sm3_vectors (void)
{
  guint8 digest[KOUAN_SM3_DIGEST_SIZE];
  g_autoptr(GString) sixty_four = g_string_new (NULL);

  kouan_sm3 ("abc", 3, digest);
  assert_hex (digest, sizeof digest,
              "66C7F0F462EEEDD9D1F2D46BDC10E4E24167C4875CF2F7A2297DA02B8F4BA8E0");

  for (int i = 0; i < 16; i++)
    g_string_append (sixty_four, "abcd");
  kouan_sm3 (sixty_four->str, sixty_four->len, digest);
  assert_hex (digest, sizeof digest,
              "DEBE9FF92275B8A138604889C18E5A4D6FDB70E5387E5765293DCBA39C0C5732");
}

static void
test_example_z_and_digest (void)
{
  g_autoptr(GBytes) q = from_hex (EXAMPLE_Q);
  guint8 z[KOUAN_SM3_DIGEST_SIZE], e[KOUAN_SM3_DIGEST_SIZE];
  guint8 z_message[KOUAN_SM3_DIGEST_SIZE + sizeof EXAMPLE_M - 1];

  g_assert_true (kouan_sm2_point_is_valid (g_bytes_get_data (q, NULL)));
  g_assert_true (kouan_sm2_compute_z ((const guint8 *) EXAMPLE_ID, strlen (EXAMPLE_ID),
                                      g_bytes_get_data (q, NULL), z));
  assert_hex (z, sizeof z, EXAMPLE_Z);

  memcpy (z_message, z, sizeof z);
  memcpy (z_message + sizeof z, EXAMPLE_M, sizeof EXAMPLE_M - 1);
  kouan_sm3 (z_message, sizeof z_message, e);
  assert_hex (e, sizeof e, EXAMPLE_E);

  /* ENTL is two bytes of bits: 8191 bytes is the longest ID. */
  g_assert_false (kouan_sm2_compute_z ((const guint8 *) EXAMPLE_ID, 8192,
                                       g_bytes_get_data (q, NULL), z));
}

static gboolean
verify (GBytes     *q,
        const char *id,
        const char *message,
        GBytes     *signature)
{
  return kouan_sm2_verify (g_bytes_get_data (q, NULL), (const guint8 *) id, strlen (id),
                           (const guint8 *) message, strlen (message),
                           g_bytes_get_data (signature, NULL), g_bytes_get_size (signature));
}

static void
test_example_signature (void)
{
  g_autoptr(GBytes) q = from_hex (EXAMPLE_Q);
  g_autoptr(GBytes) signature = example_signature ();
  g_autoptr(GBytes) other_q = NULL;
  g_autoptr(GBytes) flipped = NULL;
  g_autoptr(GBytes) swapped = from_hex ("3046" "022100" EXAMPLE_S "022100" EXAMPLE_R);
  g_autoptr(GBytes) long_form = from_hex ("308146" "022100" EXAMPLE_R "022100" EXAMPLE_S);
  g_autoptr(GBytes) trailing = from_hex ("3046" "022100" EXAMPLE_R "022100" EXAMPLE_S "00");
  g_autoptr(GBytes) negative = from_hex ("3044" "0220" EXAMPLE_R "022100" EXAMPLE_S);
  g_autoptr(GBytes) zero_r = from_hex ("3025" "020100" "022100" EXAMPLE_S);
  guint8 *bytes;
  gsize size;

  g_assert_true (verify (q, EXAMPLE_ID, EXAMPLE_M, signature));

  /* Another message, another ID (so another Z), s and r swapped. */
  g_assert_false (verify (q, EXAMPLE_ID, "message digesT", signature));
  g_assert_false (verify (q, "ALICE123@YAHOO.COM", EXAMPLE_M, signature));
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, swapped));

  bytes = g_bytes_unref_to_data (g_bytes_ref (signature), &size);
  bytes[size - 1] ^= 0x01;
  flipped = g_bytes_new_take (bytes, size);
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, flipped));

  /* Not strict DER, or out of range: refused before any arithmetic. */
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, long_form));
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, trailing));
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, negative));
  g_assert_false (verify (q, EXAMPLE_ID, EXAMPLE_M, zero_r));

  /* Another key: G itself, a valid point. */
  other_q = from_hex ("04"
                      "32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7"
                      "BC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0");
  g_assert_true (kouan_sm2_point_is_valid (g_bytes_get_data (other_q, NULL)));
  g_assert_false (verify (other_q, EXAMPLE_ID, EXAMPLE_M, signature));
}

static void
test_invalid_points (void)
{
  g_autoptr(GBytes) q = from_hex (EXAMPLE_Q);
  g_autoptr(GBytes) signature = example_signature ();
  guint8 point[KOUAN_SM2_POINT_SIZE];

  memcpy (point, g_bytes_get_data (q, NULL), sizeof point);
  point[64] ^= 0x01;       /* off the curve */
  g_assert_false (kouan_sm2_point_is_valid (point));
  g_assert_false (kouan_sm2_verify (point, (const guint8 *) EXAMPLE_ID, strlen (EXAMPLE_ID),
                                    (const guint8 *) EXAMPLE_M, strlen (EXAMPLE_M),
                                    g_bytes_get_data (signature, NULL),
                                    g_bytes_get_size (signature)));
  point[64] ^= 0x01;
  point[0] = 0x02;         /* not the uncompressed form */
  g_assert_false (kouan_sm2_point_is_valid (point));
  memset (point, 0, sizeof point);
  point[0] = 0x04;         /* (0, 0) */
  g_assert_false (kouan_sm2_point_is_valid (point));
}

static void
test_sign_round_trip (void)
{
  g_autoptr(GBytes) d = from_hex (EXAMPLE_D);
  g_autoptr(GBytes) q = from_hex (EXAMPLE_Q);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) second = NULL;
  g_autoptr(GBytes) other_d = from_hex ("0000000000000000000000000000000000000000000000000000000000000002");
  g_autoptr(GBytes) mismatched = NULL;
  const char *message = "kouan-card-login-v1 and a challenge";

  first = kouan_sm2_sign (g_bytes_get_data (d, NULL), g_bytes_get_data (q, NULL),
                          (const guint8 *) EXAMPLE_ID, strlen (EXAMPLE_ID),
                          (const guint8 *) message, strlen (message));
  second = kouan_sm2_sign (g_bytes_get_data (d, NULL), g_bytes_get_data (q, NULL),
                           (const guint8 *) EXAMPLE_ID, strlen (EXAMPLE_ID),
                           (const guint8 *) message, strlen (message));
  g_assert_nonnull (first);
  g_assert_nonnull (second);
  /* A fresh k each time. */
  g_assert_false (g_bytes_equal (first, second));
  g_assert_true (verify (q, EXAMPLE_ID, message, first));
  g_assert_true (verify (q, EXAMPLE_ID, message, second));
  g_assert_false (verify (q, EXAMPLE_ID, "kouan-card-login-v1 and another", first));
  g_assert_false (verify (q, "8765432187654321", message, first));

  /* A scalar that is not the point's does not sign. */
  mismatched = kouan_sm2_sign (g_bytes_get_data (other_d, NULL), g_bytes_get_data (q, NULL),
                               (const guint8 *) EXAMPLE_ID, strlen (EXAMPLE_ID),
                               (const guint8 *) message, strlen (message));
  g_assert_null (mismatched);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sm2/sm3-vectors", test_sm3_vectors);
  g_test_add_func ("/sm2/example-z-and-digest", test_example_z_and_digest);
  g_test_add_func ("/sm2/example-signature", test_example_signature);
  g_test_add_func ("/sm2/invalid-points", test_invalid_points);
  g_test_add_func ("/sm2/sign-round-trip", test_sign_round_trip);
  return g_test_run ();
}

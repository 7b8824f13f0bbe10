/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The national algorithms of China's IC cards: SM3 (GM/T 0004, GB/T 32905)
 * and SM2 signatures (GM/T 0003, GB/T 32918) on the recommended curve
 * sm2p256v1, computed with libgcrypt (GnuTLS 3.7 has neither).  Kouan's
 * card protocol (docs/card-protocol.md) signs with them; the certificate
 * parsing below is the little that GnuTLS cannot do for such certificates. */

#define KOUAN_SM3_DIGEST_SIZE  32
/* An uncompressed point: 04 || X || Y, 32 bytes each. */
#define KOUAN_SM2_POINT_SIZE   65
#define KOUAN_SM2_SCALAR_SIZE  32
/* The user ID the signer and the verifier put into Z when neither says
 * otherwise (GM/T 0009 and GB/T 35276 name it; Kouan's cards use it). */
#define KOUAN_SM2_DEFAULT_ID   "1234567812345678"

/* SM3 of @length bytes at @data into @digest. */
void      kouan_sm3                 (const void   *data,
                                     gsize         length,
                                     guint8        digest[KOUAN_SM3_DIGEST_SIZE]);

/* Z = SM3 (ENTL || ID || a || b || xG || yG || xA || yA) of GM/T 0003.2
 * for the signer's @point (04 || X || Y).  FALSE when @id is longer than
 * the 8191 bytes ENTL can express. */
gboolean  kouan_sm2_compute_z       (const guint8 *id,
                                     gsize         id_length,
                                     const guint8  point[KOUAN_SM2_POINT_SIZE],
                                     guint8        z[KOUAN_SM3_DIGEST_SIZE]);

/* Whether @point is a point of sm2p256v1 other than the neutral element. */
gboolean  kouan_sm2_point_is_valid  (const guint8  point[KOUAN_SM2_POINT_SIZE]);

/* Verifies the DER SM2 signature (SEQUENCE { INTEGER r, INTEGER s }) of
 * @message by the signer with @id and public @point: e = SM3 (Z || M).
 * Anything malformed (DER, r or s out of [1, n-1], a point off the curve)
 * is simply a signature that does not verify. */
gboolean  kouan_sm2_verify          (const guint8  point[KOUAN_SM2_POINT_SIZE],
                                     const guint8 *id,
                                     gsize         id_length,
                                     const guint8 *message,
                                     gsize         message_length,
                                     const guint8 *signature,
                                     gsize         signature_length);

/* (transfer full) the DER SM2 signature of @message with the private
 * scalar @d, whose public key is @point, or NULL if @d is not a valid key
 * for @point.  Only the virtual test card and the tests sign: a real card
 * keeps its key. */
GBytes   *kouan_sm2_sign            (const guint8  d[KOUAN_SM2_SCALAR_SIZE],
                                     const guint8  point[KOUAN_SM2_POINT_SIZE],
                                     const guint8 *id,
                                     gsize         id_length,
                                     const guint8 *message,
                                     gsize         message_length);

/* ---- Certificates ----------------------------------------------------- */

typedef enum {
  KOUAN_CERT_KEY_OTHER,   /* not an SM2 key: left to GnuTLS */
  KOUAN_CERT_KEY_SM2,     /* id-ecPublicKey on sm2p256v1 */
} KouanCertKeyType;

/* What a strict DER reading of an X.509 certificate gives the SM2 code.
 * The pointers point into the certificate the caller keeps alive. */
typedef struct {
  const guint8     *tbs;             /* the TBSCertificate, tag and length included */
  gsize             tbs_length;
  gboolean          signed_sm2_sm3;  /* signature algorithm SM2-with-SM3 (1.2.156.10197.1.501) */
  const guint8     *signature;       /* the signature BIT STRING's content, unused bits 0 */
  gsize             signature_length;
  KouanCertKeyType  key_type;
  guint8            key_point[KOUAN_SM2_POINT_SIZE]; /* when key_type is SM2 */
} KouanCertInfo;

/* Reads @der (a whole certificate, nothing after it) as strict DER:
 * definite minimal lengths, every element inside its parent, the same
 * signature algorithm inside and outside the TBSCertificate.  FALSE with
 * nothing set when it is not such a certificate. */
gboolean  kouan_cert_info_parse     (const guint8  *der,
                                     gsize          length,
                                     KouanCertInfo *info);

/* Whether @subject (DER certificate) carries a valid SM2-with-SM3
 * signature by the SM2 key @issuer_point, with the default user ID. */
gboolean  kouan_cert_sm2_signed_by  (const KouanCertInfo *subject,
                                     const guint8         issuer_point[KOUAN_SM2_POINT_SIZE]);

/* Reads the private scalar and public point of an SM2 key in DER PKCS#8
 * (what `openssl genpkey` writes) or SEC 1 ECPrivateKey form.  For the
 * virtual card and the tests. */
gboolean  kouan_sm2_private_key_parse (const guint8 *der,
                                       gsize         length,
                                       guint8        d[KOUAN_SM2_SCALAR_SIZE],
                                       guint8        point[KOUAN_SM2_POINT_SIZE]);

G_END_DECLS

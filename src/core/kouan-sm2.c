/* SPDX-License-Identifier: GPL-3.0-or-later */
/* SM2 signatures and SM3 with libgcrypt, and a strict DER reader for the
 * parts of an X.509 certificate GnuTLS 3.7 cannot give for an SM2 key. */

#include "config.h"

#include <string.h>
#include <gcrypt.h>

#include "kouan-sm2.h"

/* sm2p256v1 (GM/T 0003.5): a, b and the base point G, as Z needs them. */
static const guint8 sm2_a[32] = {
  0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
  0xFF, 0xFF, 0xFF, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC,
};
static const guint8 sm2_b[32] = {
  0x28, 0xE9, 0xFA, 0x9E, 0x9D, 0x9F, 0x5E, 0x34, 0x4D, 0x5A, 0x9E, 0x4B, 0xCF, 0x65, 0x09, 0xA7,
  0xF3, 0x97, 0x89, 0xF5, 0x15, 0xAB, 0x8F, 0x92, 0xDD, 0xBC, 0xBD, 0x41, 0x4D, 0x94, 0x0E, 0x93,
};
static const guint8 sm2_gx[32] = {
  0x32, 0xC4, 0xAE, 0x2C, 0x1F, 0x19, 0x81, 0x19, 0x5F, 0x99, 0x04, 0x46, 0x6A, 0x39, 0xC9, 0x94,
  0x8F, 0xE3, 0x0B, 0xBF, 0xF2, 0x66, 0x0B, 0xE1, 0x71, 0x5A, 0x45, 0x89, 0x33, 0x4C, 0x74, 0xC7,
};
static const guint8 sm2_gy[32] = {
  0xBC, 0x37, 0x36, 0xA2, 0xF4, 0xF6, 0x77, 0x9C, 0x59, 0xBD, 0xCE, 0xE3, 0x6B, 0x69, 0x21, 0x53,
  0xD0, 0xA9, 0x87, 0x7C, 0xC6, 0x2A, 0x47, 0x40, 0x02, 0xDF, 0x32, 0xE5, 0x21, 0x39, 0xF0, 0xA0,
};

/* DER of the object identifiers (content only). */
static const guint8 oid_ec_public_key[] = { 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01 };  /* 1.2.840.10045.2.1 */
static const guint8 oid_sm2_curve[] = { 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x82, 0x2D }; /* 1.2.156.10197.1.301 */
static const guint8 oid_sm2_sm3[] = { 0x2A, 0x81, 0x1C, 0xCF, 0x55, 0x01, 0x83, 0x75 };   /* 1.2.156.10197.1.501 */

/* libgcrypt must be initialised once per process before use; an
 * application that initialised it itself keeps its settings.  Secure
 * memory is not needed: Kouan never holds an SM2 private key outside the
 * tests (a card keeps its key). */
static void
ensure_gcrypt (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P))
        {
          if (gcry_check_version (GCRYPT_VERSION) == NULL)
            g_error ("libgcrypt is older than the " GCRYPT_VERSION " Kouan was built with");
          gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
          gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
        }
      g_once_init_leave (&done, 1);
    }
}

void
kouan_sm3 (const void *data,
           gsize       length,
           guint8      digest[KOUAN_SM3_DIGEST_SIZE])
{
  ensure_gcrypt ();
  gcry_md_hash_buffer (GCRY_MD_SM3, digest, data, length);
}

gboolean
kouan_sm2_compute_z (const guint8 *id,
                     gsize         id_length,
                     const guint8  point[KOUAN_SM2_POINT_SIZE],
                     guint8        z[KOUAN_SM3_DIGEST_SIZE])
{
  gcry_md_hd_t md = NULL;
  guint8 entl[2];

  if (id_length > 8191)
    return FALSE;
  ensure_gcrypt ();
  if (gcry_md_open (&md, GCRY_MD_SM3, 0) != 0)
    g_error ("libgcrypt has no SM3");
  entl[0] = (guint8) ((id_length * 8) >> 8);
  entl[1] = (guint8) (id_length * 8);
  gcry_md_write (md, entl, 2);
  gcry_md_write (md, id, id_length);
  gcry_md_write (md, sm2_a, 32);
  gcry_md_write (md, sm2_b, 32);
  gcry_md_write (md, sm2_gx, 32);
  gcry_md_write (md, sm2_gy, 32);
  gcry_md_write (md, point + 1, 64);
  memcpy (z, gcry_md_read (md, GCRY_MD_SM3), KOUAN_SM3_DIGEST_SIZE);
  gcry_md_close (md);
  return TRUE;
}

/* e = SM3 (Z || M) */
static gboolean
message_digest (const guint8 *id,
                gsize         id_length,
                const guint8  point[KOUAN_SM2_POINT_SIZE],
                const guint8 *message,
                gsize         message_length,
                guint8        e[KOUAN_SM3_DIGEST_SIZE])
{
  gcry_md_hd_t md = NULL;
  guint8 z[KOUAN_SM3_DIGEST_SIZE];

  if (!kouan_sm2_compute_z (id, id_length, point, z))
    return FALSE;
  if (gcry_md_open (&md, GCRY_MD_SM3, 0) != 0)
    g_error ("libgcrypt has no SM3");
  gcry_md_write (md, z, sizeof z);
  gcry_md_write (md, message, message_length);
  memcpy (e, gcry_md_read (md, GCRY_MD_SM3), KOUAN_SM3_DIGEST_SIZE);
  gcry_md_close (md);
  return TRUE;
}

gboolean
kouan_sm2_point_is_valid (const guint8 point[KOUAN_SM2_POINT_SIZE])
{
  gcry_sexp_t key = NULL;
  gcry_ctx_t ctx = NULL;
  gcry_mpi_point_t q;
  gboolean valid = FALSE;

  if (point[0] != 0x04)
    return FALSE;
  ensure_gcrypt ();
  if (gcry_sexp_build (&key, NULL, "(public-key (ecc (curve sm2p256v1) (q %b)))",
                       KOUAN_SM2_POINT_SIZE, point) != 0)
    return FALSE;
  if (gcry_mpi_ec_new (&ctx, key, NULL) == 0)
    {
      q = gcry_mpi_ec_get_point ("q", ctx, 1);
      /* gcry_mpi_ec_curve_point is false for the point at infinity too. */
      valid = q != NULL && gcry_mpi_ec_curve_point (q, ctx);
      gcry_mpi_point_release (q);
      gcry_ctx_release (ctx);
    }
  gcry_sexp_release (key);
  return valid;
}

/* ---- Strict DER ------------------------------------------------------- */

typedef struct {
  const guint8 *data;
  gsize         length;
} Der;

/* Reads one element of @in with single-byte @tag; @element gets its
 * content, @whole (optional) the element with tag and length.  Lengths must
 * be definite and minimally encoded. */
static gboolean
der_read (Der    *in,
          guint8  tag,
          Der    *element,
          Der    *whole)
{
  gsize pos = 2, length;

  if (in->length < 2 || in->data[0] != tag)
    return FALSE;
  length = in->data[1];
  if (length & 0x80)
    {
      guint n = length & 0x7F;

      if (n == 0 || n > 3 || in->length < 2 + n || in->data[2] == 0)
        return FALSE;    /* indefinite, too long for a card, or not minimal */
      length = 0;
      for (guint i = 0; i < n; i++)
        length = (length << 8) | in->data[2 + i];
      if (length < 0x80)
        return FALSE;
      pos += n;
    }
  if (length > in->length - pos)
    return FALSE;
  element->data = in->data + pos;
  element->length = length;
  if (whole != NULL)
    {
      whole->data = in->data;
      whole->length = pos + length;
    }
  in->data += pos + length;
  in->length -= pos + length;
  return TRUE;
}

static gboolean
der_equal (const Der    *der,
           const guint8 *bytes,
           gsize         length)
{
  return der->length == length && memcmp (der->data, bytes, length) == 0;
}

/* An AlgorithmIdentifier { OID, NULL or nothing }: the OID. */
static gboolean
der_read_signature_algorithm (Der *in,
                              Der *oid,
                              Der *whole)
{
  Der seq, null_value;

  if (!der_read (in, 0x30, &seq, whole) || !der_read (&seq, 0x06, oid, NULL))
    return FALSE;
  if (seq.length == 0)
    return TRUE;
  return der_read (&seq, 0x05, &null_value, NULL) && null_value.length == 0 && seq.length == 0;
}

/* A DER INTEGER as an unsigned number of at most @size bytes, left-padded
 * into @out; positive and minimally encoded. */
static gboolean
der_read_unsigned (Der    *in,
                   guint8 *out,
                   gsize   size)
{
  Der value;

  if (!der_read (in, 0x02, &value, NULL) || value.length == 0)
    return FALSE;
  if (value.data[0] & 0x80)
    return FALSE;                                   /* negative */
  if (value.length > 1 && value.data[0] == 0 && !(value.data[1] & 0x80))
    return FALSE;                                   /* not minimal */
  if (value.data[0] == 0 && value.length > 1)
    {
      value.data++;
      value.length--;
    }
  if (value.length > size)
    return FALSE;
  memset (out, 0, size);
  memcpy (out + size - value.length, value.data, value.length);
  return TRUE;
}

/* SubjectPublicKeyInfo: an SM2 point, or KOUAN_CERT_KEY_OTHER. */
static gboolean
der_read_public_key (Der           *in,
                     KouanCertInfo *info)
{
  Der spki, algorithm, oid, parameter, key;

  if (!der_read (in, 0x30, &spki, NULL) ||
      !der_read (&spki, 0x30, &algorithm, NULL) ||
      !der_read (&algorithm, 0x06, &oid, NULL) ||
      !der_read (&spki, 0x03, &key, NULL) || spki.length != 0)
    return FALSE;
  info->key_type = KOUAN_CERT_KEY_OTHER;
  if (!der_equal (&oid, oid_ec_public_key, sizeof oid_ec_public_key) ||
      !der_read (&algorithm, 0x06, &parameter, NULL) || algorithm.length != 0 ||
      !der_equal (&parameter, oid_sm2_curve, sizeof oid_sm2_curve))
    return TRUE;
  /* An SM2 key: the BIT STRING is 00 04 X Y. */
  if (key.length != 1 + KOUAN_SM2_POINT_SIZE || key.data[0] != 0 || key.data[1] != 0x04)
    return FALSE;
  memcpy (info->key_point, key.data + 1, KOUAN_SM2_POINT_SIZE);
  info->key_type = KOUAN_CERT_KEY_SM2;
  return TRUE;
}

gboolean
kouan_cert_info_parse (const guint8  *der,
                       gsize          length,
                       KouanCertInfo *out)
{
  KouanCertInfo info = { 0 };
  Der in = { der, length }, certificate, tbs, tbs_whole, inner_algorithm, outer_algorithm,
      inner_oid, outer_oid, item, signature;

  g_return_val_if_fail (out != NULL, FALSE);
  if (der == NULL ||
      !der_read (&in, 0x30, &certificate, NULL) || in.length != 0 ||
      !der_read (&certificate, 0x30, &tbs, &tbs_whole) ||
      !der_read_signature_algorithm (&certificate, &outer_oid, &outer_algorithm) ||
      !der_read (&certificate, 0x03, &signature, NULL) || certificate.length != 0)
    return FALSE;
  /* BIT STRING: the unused-bits byte must be 0 for a signature. */
  if (signature.length < 2 || signature.data[0] != 0)
    return FALSE;

  /* TBSCertificate: [0] version (optional), serialNumber, signature,
   * issuer, validity, subject, subjectPublicKeyInfo, then whatever. */
  if (tbs.length > 0 && tbs.data[0] == 0xA0 && !der_read (&tbs, 0xA0, &item, NULL))
    return FALSE;
  if (!der_read (&tbs, 0x02, &item, NULL) ||
      !der_read_signature_algorithm (&tbs, &inner_oid, &inner_algorithm) ||
      !der_read (&tbs, 0x30, &item, NULL) ||      /* issuer */
      !der_read (&tbs, 0x30, &item, NULL) ||      /* validity */
      !der_read (&tbs, 0x30, &item, NULL) ||      /* subject */
      !der_read_public_key (&tbs, &info))
    return FALSE;
  /* RFC 5280 4.1.1.2: the two must be the same. */
  if (inner_algorithm.length != outer_algorithm.length ||
      memcmp (inner_algorithm.data, outer_algorithm.data, inner_algorithm.length) != 0)
    return FALSE;

  info.tbs = tbs_whole.data;
  info.tbs_length = tbs_whole.length;
  info.signed_sm2_sm3 = der_equal (&outer_oid, oid_sm2_sm3, sizeof oid_sm2_sm3);
  info.signature = signature.data + 1;
  info.signature_length = signature.length - 1;
  *out = info;
  return TRUE;
}

/* ---- Signatures ------------------------------------------------------- */

/* The DER SEQUENCE { INTEGER r, INTEGER s } into 32-byte r and s. */
static gboolean
parse_signature (const guint8 *signature,
                 gsize         length,
                 guint8        r[32],
                 guint8        s[32])
{
  Der in = { signature, length }, seq;

  return der_read (&in, 0x30, &seq, NULL) && in.length == 0 &&
         der_read_unsigned (&seq, r, 32) && der_read_unsigned (&seq, s, 32) &&
         seq.length == 0;
}

gboolean
kouan_sm2_verify (const guint8  point[KOUAN_SM2_POINT_SIZE],
                  const guint8 *id,
                  gsize         id_length,
                  const guint8 *message,
                  gsize         message_length,
                  const guint8 *signature,
                  gsize         signature_length)
{
  gcry_sexp_t key = NULL, data = NULL, sig = NULL;
  guint8 e[KOUAN_SM3_DIGEST_SIZE], r[32], s[32];
  gboolean ok = FALSE;

  if (signature == NULL || !parse_signature (signature, signature_length, r, s) ||
      !kouan_sm2_point_is_valid (point) ||
      !message_digest (id, id_length, point, message, message_length, e))
    return FALSE;
  /* libgcrypt checks 1 <= r, s <= n-1 itself (GM/T 0003.2 B1, B2). */
  if (gcry_sexp_build (&key, NULL, "(public-key (ecc (curve sm2p256v1) (q %b)))",
                       KOUAN_SM2_POINT_SIZE, point) == 0 &&
      gcry_sexp_build (&data, NULL, "(data (flags sm2) (value %b))", (int) sizeof e, e) == 0 &&
      gcry_sexp_build (&sig, NULL, "(sig-val (sm2 (r %b) (s %b)))", 32, r, 32, s) == 0)
    ok = gcry_pk_verify (sig, data, key) == 0;
  gcry_sexp_release (key);
  gcry_sexp_release (data);
  gcry_sexp_release (sig);
  return ok;
}

/* Appends an unsigned big-endian number as a minimal DER INTEGER. */
static void
append_integer (GByteArray   *out,
                const guint8 *value,
                gsize         length)
{
  guint8 header[3] = { 0x02 };
  gsize header_length = 2;

  while (length > 1 && value[0] == 0)
    {
      value++;
      length--;
    }
  if (value[0] & 0x80)
    {
      header[1] = (guint8) (length + 1);
      header[2] = 0;
      header_length = 3;
    }
  else
    header[1] = (guint8) length;
  g_byte_array_append (out, header, (guint) header_length);
  g_byte_array_append (out, value, (guint) length);
}

/* An MPI from an S-expression as exactly 32 big-endian bytes. */
static gboolean
sexp_scalar (gcry_sexp_t  sexp,
             const char  *name,
             guint8       out[32])
{
  gcry_sexp_t item = gcry_sexp_find_token (sexp, name, 0);
  gcry_mpi_t mpi = NULL;
  size_t written = 0;
  guint8 buffer[32];
  gboolean ok = FALSE;

  if (item != NULL)
    mpi = gcry_sexp_nth_mpi (item, 1, GCRYMPI_FMT_USG);
  if (mpi != NULL && gcry_mpi_print (GCRYMPI_FMT_USG, buffer, sizeof buffer, &written, mpi) == 0 &&
      written <= 32)
    {
      memset (out, 0, 32);
      memcpy (out + 32 - written, buffer, written);
      ok = TRUE;
    }
  gcry_mpi_release (mpi);
  gcry_sexp_release (item);
  return ok;
}

GBytes *
kouan_sm2_sign (const guint8  d[KOUAN_SM2_SCALAR_SIZE],
                const guint8  point[KOUAN_SM2_POINT_SIZE],
                const guint8 *id,
                gsize         id_length,
                const guint8 *message,
                gsize         message_length)
{
  gcry_sexp_t key = NULL, data = NULL, sig = NULL;
  guint8 e[KOUAN_SM3_DIGEST_SIZE], r[32], s[32];
  GByteArray *out = NULL;
  guint8 header[2] = { 0x30 };

  if (!kouan_sm2_point_is_valid (point) ||
      !message_digest (id, id_length, point, message, message_length, e))
    return NULL;
  if (gcry_sexp_build (&key, NULL, "(private-key (ecc (curve sm2p256v1) (q %b) (d %b)))",
                       KOUAN_SM2_POINT_SIZE, point, KOUAN_SM2_SCALAR_SIZE, d) == 0 &&
      /* The key must be the point's: a mismatched d signs what no one verifies. */
      gcry_pk_testkey (key) == 0 &&
      gcry_sexp_build (&data, NULL, "(data (flags sm2) (value %b))", (int) sizeof e, e) == 0 &&
      gcry_pk_sign (&sig, data, key) == 0 &&
      sexp_scalar (sig, "r", r) && sexp_scalar (sig, "s", s))
    {
      out = g_byte_array_new ();
      g_byte_array_append (out, header, 2);
      append_integer (out, r, 32);
      append_integer (out, s, 32);
      out->data[1] = (guint8) (out->len - 2);
    }
  gcry_sexp_release (key);
  gcry_sexp_release (data);
  gcry_sexp_release (sig);
  memset (r, 0, sizeof r);
  memset (s, 0, sizeof s);
  return out != NULL ? g_byte_array_free_to_bytes (out) : NULL;
}

gboolean
kouan_cert_sm2_signed_by (const KouanCertInfo *subject,
                          const guint8         issuer_point[KOUAN_SM2_POINT_SIZE])
{
  g_return_val_if_fail (subject != NULL, FALSE);

  return subject->signed_sm2_sm3 &&
         kouan_sm2_verify (issuer_point,
                           (const guint8 *) KOUAN_SM2_DEFAULT_ID, strlen (KOUAN_SM2_DEFAULT_ID),
                           subject->tbs, subject->tbs_length,
                           subject->signature, subject->signature_length);
}

gboolean
kouan_sm2_private_key_parse (const guint8 *der,
                             gsize         length,
                             guint8        d[KOUAN_SM2_SCALAR_SIZE],
                             guint8        point[KOUAN_SM2_POINT_SIZE])
{
  Der in = { der, length }, outer, item, algorithm, oid, parameter, wrapped, ec, scalar, tagged,
      bits;

  if (der == NULL || !der_read (&in, 0x30, &outer, NULL) || in.length != 0)
    return FALSE;
  /* PKCS#8: INTEGER 0, AlgorithmIdentifier { ecPublicKey, sm2 }, OCTET
   * STRING holding the SEC 1 key.  SEC 1 starts with INTEGER 1. */
  if (!der_read (&outer, 0x02, &item, NULL) || item.length != 1)
    return FALSE;
  if (item.data[0] == 0)
    {
      if (!der_read (&outer, 0x30, &algorithm, NULL) ||
          !der_read (&algorithm, 0x06, &oid, NULL) ||
          !der_equal (&oid, oid_ec_public_key, sizeof oid_ec_public_key) ||
          !der_read (&algorithm, 0x06, &parameter, NULL) ||
          !der_equal (&parameter, oid_sm2_curve, sizeof oid_sm2_curve) ||
          !der_read (&outer, 0x04, &wrapped, NULL))
        return FALSE;
      if (!der_read (&wrapped, 0x30, &ec, NULL) || wrapped.length != 0 ||
          !der_read (&ec, 0x02, &item, NULL) || item.length != 1 || item.data[0] != 1)
        return FALSE;
    }
  else if (item.data[0] == 1)
    ec = outer;
  else
    return FALSE;

  if (!der_read (&ec, 0x04, &scalar, NULL) || scalar.length != KOUAN_SM2_SCALAR_SIZE)
    return FALSE;
  /* [0] parameters (optional; the sm2 curve if present), [1] public key. */
  if (ec.length > 0 && ec.data[0] == 0xA0)
    {
      if (!der_read (&ec, 0xA0, &tagged, NULL) || !der_read (&tagged, 0x06, &parameter, NULL) ||
          !der_equal (&parameter, oid_sm2_curve, sizeof oid_sm2_curve))
        return FALSE;
    }
  if (!der_read (&ec, 0xA1, &tagged, NULL) || ec.length != 0 ||
      !der_read (&tagged, 0x03, &bits, NULL) || tagged.length != 0 ||
      bits.length != 1 + KOUAN_SM2_POINT_SIZE || bits.data[0] != 0)
    return FALSE;
  memcpy (d, scalar.data, KOUAN_SM2_SCALAR_SIZE);
  memcpy (point, bits.data + 1, KOUAN_SM2_POINT_SIZE);
  return kouan_sm2_point_is_valid (point);
}

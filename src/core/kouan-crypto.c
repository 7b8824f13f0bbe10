/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>

#include "kouan-crypto.h"

#define SALT_LENGTH 16
#define HASH_LENGTH 32
#define SCHEME "pbkdf2-sha256"
/* Refuse absurd iteration counts from a stored string: a corrupted or
 * hostile value must not pin a CPU for minutes. */
#define MAX_ITERATIONS 10000000

static char *
base64url (const guint8 *data,
           gsize         length)
{
  char *text = g_base64_encode (data, length);
  char *p;

  for (p = text; *p != '\0'; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
      else if (*p == '=')
        {
          *p = '\0';
          break;
        }
    }
  return text;
}

char *
kouan_crypto_random_token (gsize n_bytes)
{
  g_autofree guint8 *buf = NULL;

  g_return_val_if_fail (n_bytes > 0, NULL);

  buf = g_malloc (n_bytes);
  /* A token that is not random is a login bypass: failing loudly beats
   * falling back to a weaker source. */
  if (gnutls_rnd (GNUTLS_RND_KEY, buf, n_bytes) != 0)
    g_error ("GnuTLS random number generator failed");

  return base64url (buf, n_bytes);
}

char *
kouan_crypto_sha256_hex (const void *data,
                         gsize       length)
{
  guint8 digest[HASH_LENGTH];
  GString *hex = g_string_sized_new (HASH_LENGTH * 2);

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, data, length, digest) != 0)
    g_error ("GnuTLS SHA-256 failed");

  for (gsize i = 0; i < sizeof digest; i++)
    g_string_append_printf (hex, "%02x", digest[i]);
  return g_string_free (hex, FALSE);
}

static gboolean
derive (const char   *password,
        const guint8 *salt,
        gsize         salt_length,
        guint         iterations,
        guint8       *out,
        gsize         out_length)
{
  gnutls_datum_t key = { (unsigned char *) password, strlen (password) };
  gnutls_datum_t salt_datum = { (unsigned char *) salt, salt_length };

  return gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &salt_datum, iterations,
                        out, out_length) == 0;
}

char *
kouan_crypto_hash_password (const char *password,
                            guint       iterations)
{
  guint8 salt[SALT_LENGTH];
  guint8 hash[HASH_LENGTH];
  g_autofree char *salt_b64 = NULL;
  g_autofree char *hash_b64 = NULL;

  g_return_val_if_fail (password != NULL, NULL);
  g_return_val_if_fail (iterations > 0 && iterations <= MAX_ITERATIONS, NULL);

  if (gnutls_rnd (GNUTLS_RND_KEY, salt, sizeof salt) != 0)
    g_error ("GnuTLS random number generator failed");
  if (!derive (password, salt, sizeof salt, iterations, hash, sizeof hash))
    g_error ("GnuTLS PBKDF2 failed");

  salt_b64 = g_base64_encode (salt, sizeof salt);
  hash_b64 = g_base64_encode (hash, sizeof hash);
  return g_strdup_printf (SCHEME "$%u$%s$%s", iterations, salt_b64, hash_b64);
}

/* g_base64_decode() accepts garbage silently, so the text is checked
 * first: only the standard alphabet, padded to a multiple of four. */
static guint8 *
decode_base64_strict (const char *text,
                      gsize      *out_length)
{
  gsize len = strlen (text);
  gsize padding = 0;

  if (len == 0 || len % 4 != 0)
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          if (i < len - 2)
            return NULL;
          padding++;
        }
      else if (padding > 0 ||
               !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return NULL;
    }

  return g_base64_decode (text, out_length);
}

gboolean
kouan_crypto_verify_password (const char *password,
                              const char *encoded)
{
  g_auto(GStrv) parts = NULL;
  g_autofree guint8 *salt = NULL;
  g_autofree guint8 *expected = NULL;
  guint8 actual[HASH_LENGTH];
  gsize salt_length = 0;
  gsize expected_length = 0;
  guint64 iterations = 0;

  if (password == NULL || encoded == NULL)
    return FALSE;

  parts = g_strsplit (encoded, "$", 0);
  if (g_strv_length (parts) != 4 || g_strcmp0 (parts[0], SCHEME) != 0)
    return FALSE;
  if (!g_ascii_string_to_unsigned (parts[1], 10, 1, MAX_ITERATIONS, &iterations, NULL))
    return FALSE;

  salt = decode_base64_strict (parts[2], &salt_length);
  expected = decode_base64_strict (parts[3], &expected_length);
  if (salt == NULL || salt_length < 8 || expected == NULL || expected_length != HASH_LENGTH)
    return FALSE;

  if (!derive (password, salt, salt_length, (guint) iterations, actual, sizeof actual))
    return FALSE;

  return kouan_crypto_equal (actual, expected, HASH_LENGTH);
}

gboolean
kouan_crypto_equal (const void *a,
                    const void *b,
                    gsize       length)
{
  const volatile guint8 *pa = a;
  const volatile guint8 *pb = b;
  guint8 diff = 0;

  /* No early exit: the time taken must not tell how many bytes matched. */
  for (gsize i = 0; i < length; i++)
    diff |= pa[i] ^ pb[i];

  return diff == 0;
}

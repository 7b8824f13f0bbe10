/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-crypto.h"

/* Few iterations keep the unit test fast; the scheme is the same. */
#define TEST_ITERATIONS 1000

static void
test_password_round_trip (void)
{
  g_autofree char *encoded = kouan_crypto_hash_password ("kouan-demo", TEST_ITERATIONS);

  g_assert_true (g_str_has_prefix (encoded, "pbkdf2-sha256$1000$"));
  g_assert_true (kouan_crypto_verify_password ("kouan-demo", encoded));
}

static void
test_password_wrong (void)
{
  g_autofree char *encoded = kouan_crypto_hash_password ("kouan-demo", TEST_ITERATIONS);

  g_assert_false (kouan_crypto_verify_password ("kouan-demO", encoded));
  g_assert_false (kouan_crypto_verify_password ("", encoded));
  g_assert_false (kouan_crypto_verify_password ("kouan-demo ", encoded));
}

static void
test_password_salted (void)
{
  g_autofree char *a = kouan_crypto_hash_password ("same", TEST_ITERATIONS);
  g_autofree char *b = kouan_crypto_hash_password ("same", TEST_ITERATIONS);

  /* A per-user salt means equal passwords never give equal hashes. */
  g_assert_cmpstr (a, !=, b);
  g_assert_true (kouan_crypto_verify_password ("same", a));
  g_assert_true (kouan_crypto_verify_password ("same", b));
}

static void
test_password_malformed (void)
{
  g_autofree char *good = kouan_crypto_hash_password ("pw", TEST_ITERATIONS);
  g_auto(GStrv) parts = g_strsplit (good, "$", 0);
  const char *salt = parts[2];
  const char *hash = parts[3];
  g_autofree char *wrong_scheme = g_strdup_printf ("pbkdf2-sha1$1000$%s$%s", salt, hash);
  g_autofree char *zero_iter = g_strdup_printf ("pbkdf2-sha256$0$%s$%s", salt, hash);
  g_autofree char *huge_iter = g_strdup_printf ("pbkdf2-sha256$99999999999$%s$%s", salt, hash);
  g_autofree char *text_iter = g_strdup_printf ("pbkdf2-sha256$abc$%s$%s", salt, hash);
  g_autofree char *bad_salt = g_strdup_printf ("pbkdf2-sha256$1000$!!!!$%s", hash);
  g_autofree char *short_hash = g_strdup_printf ("pbkdf2-sha256$1000$%s$AAAA", salt);
  g_autofree char *extra = g_strdup_printf ("%s$x", good);
  const char *cases[] = {
    "", "$$$", "pbkdf2-sha256", "pbkdf2-sha256$1000$", "not a hash at all",
    wrong_scheme, zero_iter, huge_iter, text_iter, bad_salt, short_hash, extra,
  };

  g_assert_true (kouan_crypto_verify_password ("pw", good));
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_test_message ("case %s", cases[i]);
      g_assert_false (kouan_crypto_verify_password ("pw", cases[i]));
    }
  g_assert_false (kouan_crypto_verify_password ("pw", NULL));
  g_assert_false (kouan_crypto_verify_password (NULL, good));
}

static void
test_token (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (int i = 0; i < 200; i++)
    {
      char *token = kouan_crypto_random_token (32);

      /* 32 bytes = 256 bits, base64url without padding: 43 characters */
      g_assert_cmpuint (strlen (token), ==, 43);
      for (const char *p = token; *p != '\0'; p++)
        g_assert_true (g_ascii_isalnum (*p) || *p == '-' || *p == '_');
      g_assert_false (g_hash_table_contains (seen, token));
      g_hash_table_add (seen, token);
    }

  {
    g_autofree char *small = kouan_crypto_random_token (16);
    g_assert_cmpuint (strlen (small), ==, 22);
  }
}

static void
test_sha256 (void)
{
  g_autofree char *empty = kouan_crypto_sha256_hex ("", 0);
  g_autofree char *abc = kouan_crypto_sha256_hex ("abc", 3);

  /* FIPS 180-2 test vectors */
  g_assert_cmpstr (empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  g_assert_cmpstr (abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void
test_equal (void)
{
  g_assert_true (kouan_crypto_equal ("abcdef", "abcdef", 6));
  g_assert_false (kouan_crypto_equal ("abcdef", "abcdeg", 6));
  g_assert_false (kouan_crypto_equal ("xbcdef", "abcdef", 6));
  g_assert_true (kouan_crypto_equal ("a", "b", 0));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/crypto/password/round-trip", test_password_round_trip);
  g_test_add_func ("/crypto/password/wrong", test_password_wrong);
  g_test_add_func ("/crypto/password/salted", test_password_salted);
  g_test_add_func ("/crypto/password/malformed", test_password_malformed);
  g_test_add_func ("/crypto/token", test_token);
  g_test_add_func ("/crypto/sha256", test_sha256);
  g_test_add_func ("/crypto/equal", test_equal);

  return g_test_run ();
}

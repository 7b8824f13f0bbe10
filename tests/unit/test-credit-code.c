/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>
#include "kouan-credit-code.h"

static void
test_known_codes (void)
{
  /* Codes published on real business licences. */
  g_assert_true (kouan_credit_code_is_valid ("91350100M000100Y43"));
  g_assert_true (kouan_credit_code_is_valid ("91110000802100433B"));
  g_assert_cmpint (kouan_credit_code_check_char ("91350100M000100Y4"), ==, '3');
}

static void
test_rejects (void)
{
  g_assert_false (kouan_credit_code_is_valid (NULL));
  g_assert_false (kouan_credit_code_is_valid (""));
  g_assert_false (kouan_credit_code_is_valid ("91350100M000100Y4"));    /* 17 */
  g_assert_false (kouan_credit_code_is_valid ("91350100M000100Y433"));  /* 19 */
  g_assert_false (kouan_credit_code_is_valid ("91350100M000100Y44"));   /* check */
  g_assert_false (kouan_credit_code_is_valid ("91350100m000100Y43"));   /* lower case */
  g_assert_false (kouan_credit_code_is_valid ("9135010OM000100Y43"));   /* letter O */
  g_assert_cmpint (kouan_credit_code_check_char ("91350100I000100Y4"), ==, 0);
}

static void
test_every_check_value (void)
{
  /* Changing any single character of a valid code makes it invalid. */
  const char *valid = "91350100M000100Y43";
  const char *alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

  for (guint pos = 0; pos < 18; pos++)
    for (const char *c = alphabet; *c; c++)
      {
        char code[19];

        memcpy (code, valid, 19);
        if (code[pos] == *c)
          continue;
        code[pos] = *c;
        g_assert_false (kouan_credit_code_is_valid (code));
      }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/credit-code/known", test_known_codes);
  g_test_add_func ("/credit-code/rejects", test_rejects);
  g_test_add_func ("/credit-code/single-change", test_every_check_value);
  return g_test_run ();
}

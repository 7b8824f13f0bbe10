/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-credit-code.h"

/* GB 32100-2015: the code alphabet (31 characters, no I O S V Z) and the
 * weights of the first 17 positions (3^(i-1) mod 31). */
static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
static const guint weights[17] = {
  1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28
};

static int
char_value (char c)
{
  const char *p;

  if (c == '\0')
    return -1;
  p = strchr (alphabet, c);
  return p != NULL ? (int) (p - alphabet) : -1;
}

char
kouan_credit_code_check_char (const char *code_17)
{
  guint sum = 0;

  g_return_val_if_fail (code_17 != NULL, 0);

  for (guint i = 0; i < 17; i++)
    {
      int v = char_value (code_17[i]);

      if (v < 0)
        return 0;
      sum += (guint) v * weights[i];
    }

  return alphabet[(31 - sum % 31) % 31];
}

gboolean
kouan_credit_code_is_valid (const char *code)
{
  if (code == NULL || strlen (code) != 18)
    return FALSE;

  /* The check character is itself drawn from the alphabet. */
  if (char_value (code[17]) < 0)
    return FALSE;

  return kouan_credit_code_check_char (code) == code[17];
}

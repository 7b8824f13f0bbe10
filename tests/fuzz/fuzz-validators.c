/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The field validators shared by the app and the server: the unified
 * social credit code (GB 32100), taxpayer numbers, bank accounts, customs
 * codes, URLs, phone numbers, times, personal-center text and passwords,
 * permission names and policy transitions — each given the input as the
 * string a request member would carry. */

#include <string.h>

#include "kouan-credit-code.h"
#include "kouan-fuzz.h"
#include "kouan-insurance.h"
#include "kouan-permissions.h"
#include "kouan-personal.h"
#include "kouan-settings.h"

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
  g_autofree char *text = kouan_fuzz_string (data, size);
  g_autofree char *menu = NULL;
  const char *split = strchr (text, '\n');
  g_autofree char *first = split != NULL ? g_strndup (text, split - text) : g_strdup (text);
  const char *second = split != NULL ? split + 1 : "";
  gboolean manage;

  if (kouan_credit_code_is_valid (text))
    {
      /* a valid code's last character is its check character */
      g_assert_cmpuint (strlen (text), ==, 18);
      g_assert_cmpint (kouan_credit_code_check_char (text), ==, text[17]);
    }
  if (strlen (text) >= 17)
    (void) kouan_credit_code_check_char (text);

  (void) kouan_taxpayer_number_is_valid (text);
  (void) kouan_bank_account_is_valid (text);
  (void) kouan_customs_code_is_valid (text);
  (void) kouan_web_url_is_valid (text);
  (void) kouan_phone_is_valid (text);
  (void) kouan_clock_time_is_valid (text);
  (void) kouan_personal_phone_is_valid (text);
  (void) kouan_personal_email_is_valid (text);
  (void) kouan_personal_text_is_valid (text, 1);
  (void) kouan_personal_text_is_valid (text, 50);
  (void) kouan_personal_password_check (first, second);
  (void) kouan_policy_transition_is_valid (first, second);
  (void) kouan_permissions_lookup_menu (text);
  if (kouan_permission_is_valid (text))
    g_assert_true (kouan_permission_parse (text, &menu, &manage));
  g_clear_pointer (&menu, g_free);
  (void) kouan_permission_parse (text, &menu, &manage);
  return 0;
}

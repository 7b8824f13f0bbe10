/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <string.h>

#include "kouan-personal.h"

/* Validators of the personal center, shared by the app and kouan-server
 * so both refuse exactly the same input. */

static const struct {
  const char *name;
  gboolean    fallback;
} preferences[KOUAN_N_PREFERENCES] = {
  [KOUAN_PREFERENCE_REMEMBER_LAST]      = { "remember_last",      TRUE },
  [KOUAN_PREFERENCE_CHECK_HS_CODES]     = { "check_hs_codes",     TRUE },
  [KOUAN_PREFERENCE_WARN_DUPLICATES]    = { "warn_duplicates",    TRUE },
  [KOUAN_PREFERENCE_AUTOFILL_CONSIGNEE] = { "autofill_consignee", FALSE },
  [KOUAN_PREFERENCE_CONFIRM_SUBMIT]     = { "confirm_submit",     TRUE },
};

const char *
kouan_preference_to_string (KouanPreference preference)
{
  g_return_val_if_fail (preference < KOUAN_N_PREFERENCES, NULL);
  return preferences[preference].name;
}

gboolean
kouan_preference_default (KouanPreference preference)
{
  g_return_val_if_fail (preference < KOUAN_N_PREFERENCES, FALSE);
  return preferences[preference].fallback;
}

void
kouan_profile_free (KouanProfile *profile)
{
  if (profile == NULL)
    return;
  g_free (profile->account);
  g_free (profile->name);
  g_free (profile->gender);
  g_free (profile->phone);
  g_free (profile->email);
  g_free (profile);
}

void
kouan_certification_free (KouanCertification *certification)
{
  if (certification == NULL)
    return;
  g_free (certification->status);
  g_free (certification->reason);
  g_free (certification->legal_representative);
  g_free (certification->licence_number);
  g_free (certification->contact);
  g_free (certification);
}

gboolean
kouan_personal_phone_is_valid (const char *phone)
{
  guint digits = 0;

  if (phone == NULL)
    return FALSE;
  for (const char *p = phone; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (!(*p == '+' && p == phone) && *p != '-' && *p != ' ')
        return FALSE;
    }
  return digits >= 5 && digits <= 20;
}

gboolean
kouan_personal_email_is_valid (const char *email)
{
  const char *at, *dot;

  /* Deliverability is the mail server's business; typos like a missing
   * "@" or domain are ours. */
  if (email == NULL || strlen (email) > 254)
    return FALSE;
  at = strchr (email, '@');
  if (at == NULL || at == email || strchr (at + 1, '@') != NULL)
    return FALSE;
  for (const char *p = email; *p != '\0'; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return FALSE;
  dot = strrchr (at, '.');
  return dot != NULL && dot > at + 1 && dot[1] != '\0';
}

gboolean
kouan_personal_text_is_valid (const char *text,
                              guint       max)
{
  g_autofree char *trimmed = NULL;
  glong length;

  if (text == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  trimmed = g_strstrip (g_strdup (text));
  length = g_utf8_strlen (trimmed, -1);
  if (length < 1 || (guint) length > max)
    return FALSE;
  for (const char *p = trimmed; *p != '\0'; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

KouanPasswordStrength
kouan_personal_password_check (const char *password,
                               const char *account)
{
  gboolean letter = FALSE, digit = FALSE;

  if (password == NULL || !g_utf8_validate (password, -1, NULL) ||
      g_utf8_strlen (password, -1) < 8)
    return KOUAN_PASSWORD_TOO_SHORT;
  if (strlen (password) > 1024)
    return KOUAN_PASSWORD_TOO_LONG;
  for (const char *p = password; *p != '\0'; p++)
    {
      letter |= g_ascii_isalpha (*p) != 0;
      digit |= g_ascii_isdigit (*p) != 0;
    }
  if (!letter || !digit)
    return KOUAN_PASSWORD_NEEDS_MIX;
  if (account != NULL && g_ascii_strcasecmp (password, account) == 0)
    return KOUAN_PASSWORD_IS_ACCOUNT;
  return KOUAN_PASSWORD_OK;
}

/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "kouan-format.h"

static gboolean
same_day (GDateTime *a,
          GDateTime *b)
{
  return g_date_time_get_year (a) == g_date_time_get_year (b) &&
         g_date_time_get_day_of_year (a) == g_date_time_get_day_of_year (b);
}

char *
kouan_format_moment (GDateTime *when,
                     GDateTime *now)
{
  g_autoptr(GDateTime) local = NULL;
  g_autoptr(GDateTime) local_now = NULL;
  g_autoptr(GDateTime) yesterday = NULL;

  if (when == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (when);
  local_now = now != NULL ? g_date_time_to_local (now) : g_date_time_new_now_local ();
  yesterday = g_date_time_add_days (local_now, -1);

  if (same_day (local, local_now))
    /* Translators: a time today, in g_date_time_format() syntax */
    return g_date_time_format (local, C_("moment today", "%H:%M"));
  if (same_day (local, yesterday))
    /* Translators: a time yesterday, in g_date_time_format() syntax
     * (zh_CN: 昨天 %H:%M) */
    return g_date_time_format (local, C_("moment yesterday", "Yesterday %H:%M"));
  if (g_date_time_get_year (local) == g_date_time_get_year (local_now))
    /* Translators: a day this year, in g_date_time_format() syntax
     * (zh_CN: %-m月%-d日); use numbers, not %b: LC_TIME may be C */
    return g_date_time_format (local, C_("moment this year", "%b %-d"));
  return kouan_format_date (local);
}

char *
kouan_format_date (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (when);
  /* Translators: a calendar day, in g_date_time_format() syntax
   * (zh_CN: %Y年%-m月%-d日) */
  return g_date_time_format (local, C_("calendar day", "%b %-d, %Y"));
}

char *
kouan_format_date_time (GDateTime *when)
{
  g_autoptr(GDateTime) local = NULL;

  if (when == NULL)
    return g_strdup ("");
  local = g_date_time_to_local (when);
  /* Translators: a day and a time, in g_date_time_format() syntax
   * (zh_CN: %Y年%-m月%-d日 %H:%M) */
  return g_date_time_format (local, C_("day and time", "%b %-d, %Y %H:%M"));
}

char *
kouan_format_unix_date (gint64 unix_time)
{
  g_autoptr(GDateTime) when = unix_time != 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;

  return kouan_format_date (when);
}

char *
kouan_format_iso_day (const char *day)
{
  g_autoptr(GDateTime) when = NULL;
  int year, month, dom;
  char tail;

  if (day == NULL || sscanf (day, "%4d-%2d-%2d%c", &year, &month, &dom, &tail) != 3 ||
      strlen (day) != 10 || !g_date_valid_dmy (dom, month, year))
    return g_strdup ("");
  /* a day has no time zone: midnight local stays the same day */
  when = g_date_time_new_local (year, month, dom, 0, 0, 0);
  return kouan_format_date (when);
}

char *
kouan_format_unix_date_time (gint64 unix_time)
{
  g_autoptr(GDateTime) when = unix_time != 0 ? g_date_time_new_from_unix_local (unix_time) : NULL;

  return kouan_format_date_time (when);
}

char *
kouan_format_money (const char *currency,
                    double      amount)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *digits = NULL;
  double cents = round (fabs (amount) * 100.0);
  guint64 whole;
  guint len;

  if (!isfinite (amount) || cents >= 1e17)
    return g_strdup_printf ("%s —", currency != NULL ? currency : "");
  whole = (guint64) (cents / 100.0);
  digits = g_strdup_printf ("%" G_GUINT64_FORMAT, whole);
  len = strlen (digits);

  if (amount < 0 && cents > 0)
    g_string_append_c (text, '-');
  if (currency != NULL && *currency != '\0')
    g_string_append_printf (text, "%s ", currency);
  /* Grouping by hand: the C library groups only in locales that say so,
   * and Kouan often runs with LC_NUMERIC=C. */
  for (guint i = 0; i < len; i++)
    {
      if (i > 0 && (len - i) % 3 == 0)
        g_string_append_c (text, ',');
      g_string_append_c (text, digits[i]);
    }
  g_string_append_printf (text, ".%02u", (guint) fmod (cents, 100.0));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

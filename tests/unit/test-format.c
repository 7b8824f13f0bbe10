/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Dates, times and money as the user reads them (untranslated English
 * here; po-complete checks the Chinese formats exist). */
#include "config.h"

#include <locale.h>

#include "kouan-format.h"

static GDateTime *
local (int year, int month, int day, int hour, int minute)
{
  return g_date_time_new_local (year, month, day, hour, minute, 0);
}

static void
test_moment (void)
{
  g_autoptr(GDateTime) now = local (2026, 12, 2, 15, 0);
  g_autoptr(GDateTime) today = local (2026, 12, 2, 9, 5);
  g_autoptr(GDateTime) yesterday = local (2026, 12, 1, 23, 59);
  g_autoptr(GDateTime) this_year = local (2026, 1, 31, 8, 0);
  g_autoptr(GDateTime) last_year = local (2025, 12, 31, 8, 0);
  g_autoptr(GDateTime) new_year = local (2027, 1, 1, 0, 30);
  g_autoptr(GDateTime) new_year_eve = local (2026, 12, 31, 22, 0);
  g_autofree char *a = kouan_format_moment (today, now);
  g_autofree char *b = kouan_format_moment (yesterday, now);
  g_autofree char *c = kouan_format_moment (this_year, now);
  g_autofree char *d = kouan_format_moment (last_year, now);
  g_autofree char *e = kouan_format_moment (new_year_eve, new_year);
  g_autofree char *f = kouan_format_moment (NULL, now);

  g_assert_cmpstr (a, ==, "09:05");
  g_assert_cmpstr (b, ==, "Yesterday 23:59");
  g_assert_cmpstr (c, ==, "Jan 31");
  g_assert_cmpstr (d, ==, "Dec 31, 2025");
  /* yesterday across a year boundary is still yesterday */
  g_assert_cmpstr (e, ==, "Yesterday 22:00");
  g_assert_cmpstr (f, ==, "");
}

static void
test_dates (void)
{
  g_autoptr(GDateTime) when = local (2026, 3, 7, 14, 58);
  g_autofree char *date = kouan_format_date (when);
  g_autofree char *date_time = kouan_format_date_time (when);
  g_autofree char *unix_date = kouan_format_unix_date (g_date_time_to_unix (when));
  g_autofree char *zero = kouan_format_unix_date (0);

  g_assert_cmpstr (date, ==, "Mar 7, 2026");
  g_assert_cmpstr (date_time, ==, "Mar 7, 2026 14:58");
  g_assert_cmpstr (unix_date, ==, "Mar 7, 2026");
  g_assert_cmpstr (zero, ==, "");
}

static void
test_money (void)
{
  static const struct { const char *currency; double amount; const char *text; } cases[] = {
    { "CNY", 76030.59, "CNY 76,030.59" },
    { "GBP", 1630000, "GBP 1,630,000.00" },
    { "USD", 0, "USD 0.00" },
    { "USD", 999.999, "USD 1,000.00" },
    { "EUR", 100, "EUR 100.00" },
    { "EUR", 1000, "EUR 1,000.00" },
    { "CNY", -5, "-CNY 5.00" },
    { "CNY", -0.001, "CNY 0.00" },
    { "JPY", 123456789012.5, "JPY 123,456,789,012.50" },
    { NULL, 12.3, "12.30" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = kouan_format_money (cases[i].currency, cases[i].amount);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

/* the API's "YYYY-MM-DD" days, shown like any other date */
static void
test_iso_day (void)
{
  g_autofree char *a = kouan_format_iso_day ("2026-12-31");
  g_autofree char *b = kouan_format_iso_day ("2026-02-30");
  g_autofree char *c = kouan_format_iso_day ("2026-12-31T00");
  g_autofree char *d = kouan_format_iso_day (NULL);

  g_assert_cmpstr (a, ==, "Dec 31, 2026");
  g_assert_cmpstr (b, ==, "");
  g_assert_cmpstr (c, ==, "");
  g_assert_cmpstr (d, ==, "");
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "C.UTF-8");
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/format/moment", test_moment);
  g_test_add_func ("/format/dates", test_dates);
  g_test_add_func ("/format/money", test_money);
  g_test_add_func ("/format/iso-day", test_iso_day);

  return g_test_run ();
}
